"""Meetings as metadata only: when, how long, whether held. Agendas and notes stay private."""

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from .access import visible_meetings
from .errors import ErrorOut
from .pages import PageParams, etag, paginate
from .schemas import MeetingPage, Moment

router = Router(tags=["meetings"])


class MeetingFilters(Schema):
    programme: str | None = Field(None, max_length=80, description="A programme's slug.")
    pair: int | None = Field(None, ge=1, le=2**63 - 1)
    since: Moment | None = Field(None, description="Meetings starting at or after this.")


@router.get(
    "/meetings",
    response={200: MeetingPage, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 429: ErrorOut},
    summary="List meetings (metadata only)",
)
@etag
def list_meetings(request: HttpRequest, filters: Query[MeetingFilters], pages: Query[PageParams]):
    """Managers see the meetings of their programmes' pairs; a participant sees their own."""
    meetings = visible_meetings(request.auth).select_related("log")
    if filters.programme:
        meetings = meetings.filter(pair__programme__slug=filters.programme)
    if filters.pair:
        meetings = meetings.filter(pair_id=filters.pair)
    if filters.since:
        meetings = meetings.filter(starts_at__gte=filters.since)
    return paginate(request, meetings, pages)
