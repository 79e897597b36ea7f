"""A programme's moves along its lifecycle, the same from the pages and the API."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from twoheads.accounts.models import User, audit
from twoheads.programmes.models import Programme


def change_status(programme: Programme, status: str, actor: User | None, **details: Any) -> None:
    """Move ``programme`` to ``status``; closing it closes its live pairs too.

    A step the lifecycle does not allow raises ValidationError and changes nothing.
    ``details`` go into the audit record (``via="api"``, for example).
    """
    from twoheads.journal.closing import close_programme_pairs

    with transaction.atomic():
        programme.lock()  # the step is taken from the status as it is now, not as first read
        old = programme.get_status_display()
        programme.transition(status)
        if programme.is_closed:
            close_programme_pairs(programme, actor)
        audit(
            actor,
            "programme.status",
            programme,
            organisation=programme.organisation,
            old=old,
            new=programme.status,
            **details,
        )
