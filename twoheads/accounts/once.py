"""A secret shown once, on the page the browser is sent to after the POST that made it.

Rendering the secret as the POST's answer let a reload send the form again: another API token
or another calendar address, the first one shown never used. The secret waits in the
server-side session instead, for the next page that takes it, and is gone from there.
"""

from typing import Any

from django.http import HttpRequest

PREFIX = "show_once:"


def keep(request: HttpRequest, name: str, value: dict[str, Any]) -> None:
    """Keep ``value`` for the next `take` of ``name`` in this session."""
    request.session[PREFIX + name] = value


def take(request: HttpRequest, name: str) -> dict[str, Any] | None:
    """The value kept under ``name``, removed from the session; None when there is none."""
    return request.session.pop(PREFIX + name, None)
