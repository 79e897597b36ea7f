"""iCalendar for meetings: invitations (REQUEST and CANCEL) and each person's feed.

Every message about one meeting carries the meeting's UID and its current SEQUENCE, which grows
with each change, so Outlook and Google update or remove the event they already hold.
Every time is written in UTC, so no file names a time zone it would have to define (RFC 5545
asks a VTIMEZONE for each TZID) and the email, the download and the feed agree to the byte.
"""

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from .models import Meeting

PRODID = "-//Two Heads//Meetings//EN"
REQUEST = "REQUEST"
CANCEL = "CANCEL"


def _address(email: str, name: str, **params: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    address.params["CN"] = vText(name)
    for key, value in params.items():
        address.params[key] = vText(value)
    return address


def _calendar(method: str | None = None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    return cal


def _utc(moment: datetime) -> datetime:
    """The moment in UTC: a time read from a form carries the planner's own zone."""
    return moment.astimezone(UTC)


def summary(meeting: Meeting) -> str:
    return _("Mentoring: %(mentor)s and %(mentee)s") % {
        "mentor": meeting.pair.mentor.display_name,
        "mentee": meeting.pair.mentee.display_name,
    }


def event(meeting: Meeting, *, attendees: bool = True) -> Event:
    """The meeting as one VEVENT, cancelled or not."""
    item = Event()
    item.add("uid", meeting.uid)
    item.add("sequence", meeting.sequence)
    item.add("dtstamp", _utc(timezone.now()))
    item.add("dtstart", _utc(meeting.starts_at))
    item.add("dtend", _utc(meeting.ends_at))
    item.add("summary", summary(meeting))
    # A meeting logged as not having happened shows as cancelled in calendars too.
    called_off = meeting.is_cancelled or meeting.held is False
    item.add("status", "CANCELLED" if called_off else "CONFIRMED")
    item.add("transp", "OPAQUE")
    description = [meeting.agenda] if meeting.agenda else []
    if meeting.note:
        description.append(meeting.note)
    description.append(settings.SITE_URL + meeting.get_absolute_url())
    item.add("description", "\n\n".join(description))
    if meeting.mode == Meeting.Mode.ONLINE and meeting.link:
        item.add("location", meeting.link)
        item.add("url", meeting.link)
    elif meeting.location:
        item.add("location", meeting.location)
    if attendees:
        organiser = meeting.organiser
        if organiser is not None:
            item.add("organizer", _address(organiser.email, organiser.get_full_name()))
        # Whoever planned it, or last moved it, has accepted it as it stands and is not asked
        # to answer; the other partner is.
        agreed = meeting.changed_by_id or meeting.organiser_id
        for person in (meeting.pair.mentor, meeting.pair.mentee):
            email = person.mail_to
            if not email:
                continue
            if meeting.is_cancelled:
                partstat, rsvp = "DECLINED", "FALSE"
            elif agreed is not None and person.user_id == agreed:
                partstat, rsvp = "ACCEPTED", "FALSE"
            else:
                partstat, rsvp = "NEEDS-ACTION", "TRUE"
            item.add(
                "attendee",
                _address(
                    email,
                    person.display_name,
                    ROLE="REQ-PARTICIPANT",
                    PARTSTAT=partstat,
                    RSVP=rsvp,
                ),
            )
    return item


def invitation(meeting: Meeting) -> bytes:
    """An iTIP message for the meeting as it stands: REQUEST, or CANCEL once cancelled."""
    cal = _calendar(CANCEL if meeting.is_cancelled else REQUEST)
    cal.add_component(event(meeting))
    return cal.to_ical()


def feed(meetings: Iterable[Meeting], *, name: str) -> bytes:
    """A subscribable calendar of meetings (no METHOD: it is published, not sent)."""
    cal = _calendar()
    cal.add("x-wr-calname", name)
    cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    for meeting in meetings:
        cal.add_component(event(meeting, attendees=False))
    return cal.to_ical()
