"""Background work for meetings: invitations go out from a worker, not the request."""

from django.tasks import task

from . import emails
from .models import Meeting


@task
def send_meeting_invitation(meeting_id: int) -> int:
    """Mail the meeting as it stands now (REQUEST or CANCEL) to both partners."""
    meeting = (
        Meeting.objects.select_related("pair__mentor__user", "pair__mentee__user", "organiser")
        .filter(pk=meeting_id)
        .first()
    )
    if meeting is None:
        return 0
    return emails.send_invitation(meeting)
