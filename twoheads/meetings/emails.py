"""Emails about meetings: the invitation (or cancellation) with its iCalendar part.

They go through the outbox, so sending never waits for the mail server.
"""

import email.message
import zoneinfo

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone, translation

from twoheads.accounts.models import User

from . import calendar
from .models import Meeting


def calendar_part(ics: bytes, method: str) -> email.message.MIMEPart:
    """An attachment Outlook and Google recognise as an invitation: text/calendar with METHOD."""
    part = email.message.MIMEPart()
    part.set_content(
        ics.decode(),
        subtype="calendar",
        params={"method": method},
        disposition="attachment",
        filename="cancel.ics" if method == calendar.CANCEL else "invite.ics",
    )
    return part


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def _recipients(meeting: Meeting) -> list[tuple[str, str, str]]:
    """(email, time zone, partner's name) of each partner who can receive mail."""
    people = []
    pair = meeting.pair
    for person in (pair.mentor, pair.mentee):
        user: User | None = person.user
        address = user.email if user else person.email
        if address:
            zone = user.timezone if user else person.timezone
            people.append((address, zone, pair.partner_of(person).display_name))
    return people


def send_invitation(meeting: Meeting) -> int:
    """Mail each partner the meeting in their own time zone, with the iCalendar message."""
    ics = calendar.invitation(meeting)
    method = calendar.CANCEL if meeting.is_cancelled else calendar.REQUEST
    if meeting.is_cancelled:
        template = "meetings/email/cancelled"
    elif meeting.sequence:
        template = "meetings/email/updated"
    else:
        template = "meetings/email/invitation"
    sent = 0
    for address, zone, partner in _recipients(meeting):
        with translation.override(settings.LANGUAGE_CODE), timezone.override(_zone(zone)):
            context = {
                "meeting": meeting,
                "partner": partner,
                "starts": meeting.starts_at,
                "zone": zone,
                "url": settings.SITE_URL + meeting.get_absolute_url(),
            }
            subject = render_to_string(f"{template}_subject.txt", context).strip()
            body = render_to_string(f"{template}.txt", context)
        message = EmailMessage(subject, body, to=[address])
        message.attach(calendar_part(ics, method))
        sent += message.send()
    return sent
