"""Emails about meetings: the invitation (or cancellation) with its iCalendar part.

They go through the outbox, so sending never waits for the mail server.
"""

import email.message
import zoneinfo
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
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


class InvitationEmail(EmailMultiAlternatives):
    """A meeting's email: its text, the iCalendar message beside it as an alternative of the
    text (where Outlook and Gmail show an invitation with its answer buttons), and the same
    message as an attachment, for the calendar apps that look there instead."""

    def __init__(self, subject: str, body: str, to: list[str], ics: bytes, method: str) -> None:
        super().__init__(subject, body, to=to)
        self.method = method
        self.attach_alternative(ics.decode(), "text/calendar")
        self.attach(calendar_part(ics, method))

    def message(self, **kwargs: Any) -> email.message.EmailMessage:
        message = super().message(**kwargs)
        for part in message.walk():
            if part.get_content_type() == "text/calendar" and not part.get_content_disposition():
                part.set_param("method", self.method)  # the inline part, as the attachment says
        return message


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
        sent += InvitationEmail(subject, body, [address], ics, method).send()
    return sent
