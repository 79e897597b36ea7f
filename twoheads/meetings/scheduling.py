"""Scheduling a pair's meetings: propose, schedule, move, cancel and log. One function per job."""

import copy
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from twoheads.accounts.models import User
from twoheads.pairing.models import Pair

from . import emails
from .availability import AvailabilityError, shared_times
from .models import LONGEST_MINUTES, Meeting, MeetingLog

CHANGEABLE = ("starts_at", "duration_minutes", "mode", "location", "link", "agenda")
# How the site writes a meeting's time ("Wednesday 2 December 2026, 13:00"), as its pages do.
MEETING_TIME = "l j F Y, H:i"
# A proposal shorter than this is no use for a meeting.
SHORTEST_PROPOSAL = timedelta(minutes=30)
# One starting this long before a window can still reach into it.
LONGEST_MEETING = timedelta(minutes=LONGEST_MINUTES)


def proposed_times(
    pair: Pair, *, now: datetime | None = None, days: int = 14, limit: int = 12
) -> list[tuple[datetime, datetime]]:
    """When both partners are free in the coming `days` and neither has a meeting planned,
    in UTC, soonest first.

    Starts on the next full hour so a proposal is never in the past.
    """
    start = (now or timezone.now()).replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    free = shared_times(
        (pair.mentor.availability, pair.mentor.timezone),
        (pair.mentee.availability, pair.mentee.timezone),
        start=start,
        days=days,
        min_minutes=SHORTEST_PROPOSAL // timedelta(minutes=1),
    )
    booked = _booked_times(pair, start, start + timedelta(days=days))
    return _without(free, booked, SHORTEST_PROPOSAL)[:limit]


def _partners_meetings(pair: Pair, start: datetime, end: datetime) -> QuerySet[Meeting]:
    """The planned meetings of either partner, in this pair or any other, that may reach into
    the window from `start` to `end` (check `ends_at` too)."""
    people = [pair.mentor_id, pair.mentee_id]
    users = [p.user_id for p in (pair.mentor, pair.mentee) if p.user_id is not None]
    partner = (
        Q(pair__mentor__in=people)
        | Q(pair__mentee__in=people)
        | Q(pair__mentor__user__in=users)
        | Q(pair__mentee__user__in=users)
    )
    return Meeting.objects.scheduled().filter(
        partner, starts_at__lt=end, starts_at__gt=start - LONGEST_MEETING
    )


def _booked_times(pair: Pair, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """The planned meetings of either partner, in this pair or any other, that reach into
    the window from `start` to `end`."""
    meetings = _partners_meetings(pair, start, end).order_by("starts_at")
    return [(m.starts_at, m.ends_at) for m in meetings if m.ends_at > start]


def _without(
    free: list[tuple[datetime, datetime]],
    booked: list[tuple[datetime, datetime]],
    shortest: timedelta,
) -> list[tuple[datetime, datetime]]:
    """The free ranges with the booked ones taken out, split around them where a booking
    falls inside; pieces shorter than `shortest` are dropped."""
    left: list[tuple[datetime, datetime]] = []
    for lo, hi in free:
        for busy_lo, busy_hi in sorted(booked):
            if busy_hi <= lo or busy_lo >= hi:
                continue
            if busy_lo - lo >= shortest:
                left.append((lo, busy_lo))
            lo = max(lo, busy_hi)
        if hi - lo >= shortest:
            left.append((lo, hi))
    return left


def proposed_times_or_error(pair: Pair, **kwargs: Any) -> tuple[list, str]:
    """Proposed times, or none and the reason a partner's grid could not be read."""
    try:
        return proposed_times(pair, **kwargs), ""
    except AvailabilityError as exc:
        return [], str(exc)


def _require_active(pair: Pair) -> None:
    if pair.status != Pair.Status.ACTIVE:
        raise ValidationError(_("Meetings can only be planned while the pair is active."))


def _locked_active(pair: Pair) -> Pair:
    """The pair, read afresh and held until the transaction ends, still active: a meeting is
    never added to a pair being closed at the same moment, nor two at once at one time."""
    locked = Pair.objects.select_for_update().select_related("programme").get(pk=pair.pk)
    _require_active(locked)
    return locked


def _require_future(starts_at: datetime, now: datetime | None) -> None:
    if starts_at <= (now or timezone.now()):
        raise ValidationError(
            {"starts_at": _("Choose a time in the future; log past meetings after they happen.")}
        )


def _require_free(meeting: Meeting, *, past: bool = False) -> None:
    """The pair has no other meeting at the same time, planned or logged (``past``), and
    the programme has not ended by then."""
    ends_on = meeting.pair.programme.ends_on
    if ends_on and meeting.starts_at.date() > ends_on:
        raise ValidationError(
            {
                "starts_at": _("The programme ends on %(day)s; choose a day before then.")
                % {"day": date_format(ends_on)}
            }
        )
    others = Meeting.objects.filter(pair=meeting.pair, status=Meeting.Status.SCHEDULED).exclude(
        pk=meeting.pk
    )
    for other in others.filter(starts_at__lt=meeting.ends_at):
        if other.ends_at > meeting.starts_at:
            when = {"time": date_format(localtime(other.starts_at), MEETING_TIME)}
            if past:
                message = _(
                    "Your meeting at %(time)s is already here; say how it went on its "
                    "page instead of logging it again."
                )
            else:
                message = _("You already meet at %(time)s; choose another time.")
            raise ValidationError({"starts_at": message % when})
    if past:
        return
    # Neither partner is booked twice: their meetings in other pairs count too (only when,
    # never with whom).
    elsewhere = _partners_meetings(meeting.pair, meeting.starts_at, meeting.ends_at).exclude(
        pair=meeting.pair
    )
    for other in elsewhere.order_by("starts_at"):
        if other.ends_at > meeting.starts_at:
            when = {"time": date_format(localtime(other.starts_at), MEETING_TIME)}
            message = _(
                "One of you already has another mentoring meeting at %(time)s; choose another time."
            )
            raise ValidationError({"starts_at": message % when})


def schedule_meeting(
    pair: Pair, actor: User, *, now: datetime | None = None, **details: Any
) -> Meeting:
    """Create a meeting and send both partners the invitation."""
    _require_active(pair)
    _require_future(details["starts_at"], now)
    with transaction.atomic():
        pair = _locked_active(pair)
        meeting = Meeting(pair=pair, organiser=actor, **details)
        meeting.full_clean()
        _require_free(meeting)
        meeting.save()
        emails.send_invitation(meeting)
    return meeting


def reschedule_meeting(
    meeting: Meeting, actor: User, *, note: str = "", now: datetime | None = None, **details: Any
) -> Meeting:
    """Change the time, place or agenda; the same UID goes out again with a higher sequence,
    saying who changed what. When nothing is different, nothing is saved or sent."""
    _require_future(details.get("starts_at", meeting.starts_at), now)
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if not meeting.can_change(now):
            raise ValidationError(_("This meeting can no longer be changed."))
        changed = [f for f in CHANGEABLE if f in details and details[f] != getattr(meeting, f)]
        if not changed:
            raise ValidationError(
                _(
                    "Nothing has changed, so nothing was sent. Change the time, the place "
                    "or the agenda, or go back to the meeting."
                )
            )
        before = copy.copy(meeting)
        for field in changed:
            setattr(meeting, field, details[field])
        meeting.note = note
        meeting.changed_by = actor
        meeting.sequence += 1
        meeting.full_clean()
        _require_free(meeting)
        meeting.save()
        emails.send_invitation(meeting, before=before, changed=changed)
    return meeting


def why_not_cancellable(meeting: Meeting, now: datetime | None = None) -> str:
    """Why the meeting can no longer be cancelled, or "" while it can."""
    if meeting.can_cancel(now):
        return ""
    if meeting.is_cancelled or meeting.is_logged:
        return _("This meeting is already cancelled or logged.")
    return _("This meeting has already started: log whether it took place instead.")


def cancel_meeting(
    meeting: Meeting, actor: User | None, *, note: str = "", now: datetime | None = None
) -> Meeting:
    """Cancel with a note, before it starts; calendars remove the event (METHOD:CANCEL, same
    UID)."""
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        problem = why_not_cancellable(meeting, now)
        if problem:
            raise ValidationError(problem)
        meeting.status = Meeting.Status.CANCELLED
        meeting.cancelled_at = timezone.now()
        meeting.note = note
        meeting.changed_by = actor
        meeting.sequence += 1
        meeting.save()
        emails.send_invitation(meeting)
    return meeting


def log_meeting(
    meeting: Meeting,
    actor: User,
    *,
    held: bool,
    duration_minutes: int | None = None,
    now: datetime | None = None,
) -> MeetingLog:
    """Record whether the meeting took place and how long it lasted; once, after it started."""
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if locked.is_cancelled:
            raise ValidationError(_("A cancelled meeting cannot be logged."))
        if not locked.has_started(now):
            raise ValidationError(_("This meeting is in the future; log it once it has happened."))
        if MeetingLog.objects.filter(meeting=locked).exists():
            raise ValidationError(_("This meeting has already been logged."))
        log = MeetingLog(
            meeting=locked,
            held=held,
            duration_minutes=duration_minutes if held else None,
            logged_by=actor,
            logged_at=now or timezone.now(),
        )
        log.full_clean()
        log.save()
    return log


def record_past_meeting(
    pair: Pair,
    actor: User,
    *,
    starts_at: datetime,
    duration_minutes: int,
    mode: str = Meeting.Mode.ONLINE,
    now: datetime | None = None,
) -> Meeting:
    """Log a meeting that happened without being scheduled here: never one in the future,
    nor one from before the two were paired."""
    _require_active(pair)
    if starts_at > (now or timezone.now()):
        raise ValidationError({"starts_at": _("A meeting you log cannot be in the future.")})
    paired = min(t for t in (pair.created_at, pair.activated_at) if t is not None)
    if starts_at < paired:
        raise ValidationError(
            {
                "starts_at": _("You were paired on %(day)s; log meetings from then on.")
                % {"day": date_format(localtime(paired))}
            }
        )
    with transaction.atomic():
        pair = _locked_active(pair)
        meeting = Meeting(
            pair=pair,
            organiser=actor,
            starts_at=starts_at,
            duration_minutes=duration_minutes,
            mode=mode,
        )
        meeting.full_clean()
        _require_free(meeting, past=True)
        meeting.save()
        log_meeting(meeting, actor, held=True, duration_minutes=duration_minutes, now=now)
    return meeting
