"""Emails about meetings: the invitation (or cancellation) with its iCalendar part.

They go through the outbox, so sending never waits for the mail server.
"""

import email.message
import zoneinfo
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from twoheads.accounts.models import User
from twoheads.participants.models import Participant

from . import calendar
from .models import Meeting, zone_of


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


# What a change touched, in the words of the email: each field says which part it is.
CHANGED_PARTS = {
    "starts_at": gettext_lazy("the time"),
    "duration_minutes": gettext_lazy("the length"),
    "mode": gettext_lazy("the place"),
    "location": gettext_lazy("the place"),
    "link": gettext_lazy("the place"),
    "agenda": gettext_lazy("the agenda"),
}


def _recipients(meeting: Meeting) -> list[tuple[str, str, Participant, Participant]]:
    """(email, time zone, the reader, their partner) of each partner who can receive mail."""
    people = []
    pair = meeting.pair
    for person in (pair.mentor, pair.mentee):
        address = person.mail_to
        if address:
            people.append((address, zone_of(person), person, pair.partner_of(person)))
    return people


def _actor(meeting: Meeting) -> User | None:
    """Who the message is from: the planner of a first invitation, else whoever last moved
    or cancelled the meeting (nobody, when the site did it)."""
    return meeting.changed_by if meeting.sequence else meeting.organiser


def _whose(actor: User | None, reader: Participant, partner: Participant) -> str:
    """Whose doing the message is, to its reader: "you", "partner", "other" or "" (unknown)."""
    if actor is None:
        return ""
    if reader.user_id == actor.pk:
        return "you"
    return "partner" if partner.user_id == actor.pk else "other"


def send_invitation(
    meeting: Meeting, *, before: Meeting | None = None, changed: Iterable[str] = ()
) -> int:
    """Mail each partner the meeting in their own time zone, with the iCalendar message,
    saying who planned, moved or cancelled it, and for a change what it was before."""
    ics = calendar.invitation(meeting)
    method = calendar.CANCEL if meeting.is_cancelled else calendar.REQUEST
    if meeting.is_cancelled:
        template = "meetings/email/cancelled"
    elif meeting.sequence:
        template = "meetings/email/updated"
    else:
        template = "meetings/email/invitation"
    actor = _actor(meeting)
    changed = list(changed)
    moved = {"starts_at", "duration_minutes"} & set(changed)
    sent = 0
    for address, zone, reader, partner in _recipients(meeting):
        with translation.override(settings.LANGUAGE_CODE), timezone.override(_zone(zone)):
            context = {
                "meeting": meeting,
                "partner": partner.display_name,
                "starts": meeting.starts_at,
                "zone": zone,
                "url": settings.SITE_URL + meeting.get_absolute_url(),
                "whose": _whose(actor, reader, partner),
                "actor": actor.get_full_name() if actor else "",
                "before": before if moved else None,
                "changed": list(dict.fromkeys(str(CHANGED_PARTS[f]) for f in changed)),
            }
            subject = render_to_string(f"{template}_subject.txt", context).strip()
            body = render_to_string(f"{template}.txt", context)
        sent += InvitationEmail(subject, body, [address], ics, method).send()
    return sent
