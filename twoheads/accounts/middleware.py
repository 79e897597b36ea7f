"""Show times in the signed-in user's own time zone; they are stored in UTC."""

import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from twoheads.middleware import DATABASE_ERRORS, database_unavailable


class UserTimezoneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            # The first read of the session and the user: the database's first question.
            user = getattr(request, "user", None)
            signed_in = user is not None and user.is_authenticated
        except DATABASE_ERRORS as error:
            return database_unavailable(request, error)
        if signed_in:
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.timezone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)
