"""Project-wide request handling: a clear page while the database is briefly unreachable."""

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

log = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)


def database_unavailable(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 503 page that says the database does not answer; the reason goes to the log."""
    log.warning("Database unavailable for %s: %s", request.path, exception)
    body = render_to_string("503.html", request=None)
    response = HttpResponse(body, status=503)
    response["Retry-After"] = "10"
    return response


class DatabaseUnavailableMiddleware:
    """Answer 503 with a plain explanation when the database does not answer in a view.

    Django marks a connection that raised a database error and, when the request finishes,
    closes it if it no longer answers, so the next request opens a fresh one. Middleware that
    reads the database before the view (the user's time zone) answers with the same page
    through `database_unavailable`: Django turns an error raised there into a 500 before any
    other middleware could see it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DATABASE_ERRORS):
            return None
        return database_unavailable(request, exception)
