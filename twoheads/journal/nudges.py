"""Gentle reminders that keep a pair going, at most one digest email per person per day.

`due_nudges()` says what is due for a person now (the home page lists it); `send_nudges()` mails
each person the due nudges they have not had yet and have not muted, and records them, so running
it twice sends nothing twice.
"""

import zoneinfo
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from twoheads.accounts.models import User
from twoheads.meetings.models import Meeting
from twoheads.pairing.models import Pair

from .checkins import checkin_due, exit_survey_due, exit_survey_key
from .models import (
    Agreement,
    Feedback,
    Goal,
    Idea,
    IdeaEvent,
    JournalEntry,
    NudgePreference,
    SentNudge,
)

KINDS = {
    "no_meeting": gettext_lazy("No meeting for a while"),
    # After a meeting: say whether it took place, then how it went.
    "feedback": gettext_lazy("After a meeting: logging it and feedback"),
    "idea_revisit": gettext_lazy("Ideas to come back to"),
    "goal_stale": gettext_lazy("Goals not updated for a month"),
    "checkin": gettext_lazy("Check-ins and the exit survey"),
    "partner_news": gettext_lazy("What your partner shares: notes, ideas, goals"),
    "meeting_soon": gettext_lazy("A meeting in the next two days"),
    "agreement": gettext_lazy("Your agreement with your partner"),
}
FEEDBACK_WINDOW_DAYS = 30
GOAL_STALE_DAYS = 30
# What the partner shared in the last week is news; older news is on the pair's page anyway.
NEWS_DAYS = 7
# A meeting this close is worth a line in the day's digest.
MEETING_SOON_DAYS = 2
# A pair active this long without an agreement is asked to write one.
AGREEMENT_AFTER_DAYS = 14
# The kind of the mark left when closing a pair emailed its exit survey.
EXIT_EMAILED = "exit_emailed"


@dataclass(frozen=True)
class Nudge:
    kind: str
    key: str
    text: str
    url: str

    @property
    def kind_label(self) -> str:
        return str(KINDS[self.kind])


def _partner_name(pair: Pair, user: User) -> str:
    me = pair.side_of(user)
    return pair.partner_of(me).display_name if me else ""


def _no_meeting(pair: Pair, user: User, now: datetime) -> list[Nudge]:
    days = pair.programme.no_meeting_days
    ends_on = pair.programme.ends_on
    if ends_on and timezone.localdate(now) > ends_on:
        return []  # the programme has ended: no meeting can be planned in it any more
    meetings = Meeting.objects.filter(pair=pair)
    if not days or meetings.upcoming(now).exists():
        return []
    last_held = meetings.held().order_by("-starts_at").values_list("starts_at", flat=True).first()
    since = last_held or pair.activated_at or pair.created_at
    idle = (now - since).days
    if idle < days:
        return []
    text = _("You and %(name)s have not met for %(days)s days. Plan your next meeting.") % {
        "name": _partner_name(pair, user),
        "days": idle,
    }
    # One reminder for each stretch of `days` without a meeting, not one every day.
    key = f"no_meeting:{pair.pk}:{since:%Y%m%d}:{idle // days}"
    return [Nudge("no_meeting", key, text, reverse("meeting_schedule", args=[pair.pk]))]


def _to_log(pair: Pair, user: User, now: datetime) -> list[Nudge]:
    """Each planned meeting that is over and that neither partner has logged, once."""
    meetings = Meeting.objects.filter(pair=pair).awaiting_log(now).order_by("starts_at")
    return [
        Nudge(
            "feedback",
            f"log:{meeting.pk}",
            _("Did your meeting with %(name)s on %(date)s take place? Log it.")
            % {
                "name": _partner_name(pair, user),
                "date": timezone.localtime(meeting.starts_at).strftime("%d %b"),
            },
            meeting.get_absolute_url(),
        )
        for meeting in meetings
        if meeting.ends_at <= now
    ]


def _feedback(pair: Pair, user: User, now: datetime) -> list[Nudge]:
    given = Feedback.objects.filter(author=user).values("meeting_id")
    meetings = (
        Meeting.objects.filter(pair=pair, starts_at__gte=now - timedelta(days=FEEDBACK_WINDOW_DAYS))
        .held()
        .exclude(pk__in=given)
    )
    return [
        Nudge(
            "feedback",
            f"feedback:{meeting.pk}",
            _("How did your meeting on %(date)s go? Four quick ratings.")
            % {"date": timezone.localtime(meeting.starts_at).strftime("%d %b")},
            reverse("feedback_create", args=[meeting.pk]),
        )
        for meeting in meetings
    ]


def _ideas(pair: Pair, user: User, now: datetime) -> list[Nudge]:
    return [
        Nudge(
            "idea_revisit",
            f"idea:{idea.pk}:{idea.revisit_on:%Y%m%d}",
            _("Time to come back to the idea “%(title)s” (%(state)s).")
            % {"title": idea.title, "state": idea.get_state_display().lower()},
            idea.get_absolute_url(),
        )
        for idea in Idea.objects.filter(pair=pair).to_revisit(timezone.localdate(now))
    ]


def _goals(pair: Pair, user: User, now: datetime) -> list[Nudge]:
    goals = Goal.objects.filter(pair=pair, owner__user=user, progress__lt=100)
    return [
        Nudge(
            "goal_stale",
            f"goal:{goal.pk}:{goal.progressed_at:%Y%m%d}",
            _("Your goal “%(title)s” has not been updated for a month. Where are you now?")
            % {"title": goal.title},
            reverse("goal_progress", args=[goal.pk]),
        )
        for goal in goals
        if goal.is_stale(now, GOAL_STALE_DAYS)
    ]


def _checkins(pair: Pair, user: User, now: datetime) -> list[Nudge]:
    today = timezone.localdate(now)
    if exit_survey_due(pair, user, today):
        return [
            Nudge(
                "checkin",
                exit_survey_key(pair),
                _("Your mentoring with %(name)s has closed. Tell us how it went.")
                % {"name": _partner_name(pair, user)},
                reverse("exit_survey", args=[pair.pk]),
            )
        ]
    due = checkin_due(pair, user, today)
    if due is None:
        return []
    return [
        Nudge(
            "checkin",
            f"checkin:{pair.pk}:{due:%Y%m%d}",
            _("A short check-in on how things are going with %(name)s.")
            % {"name": _partner_name(pair, user)},
            reverse("checkin_create", args=[pair.pk]),
        )
    ]


def _partner_news(pair: Pair, user: User, now: datetime) -> list[Nudge]:
    """What the partner shared with the user this past week: a note, an idea, a step an idea
    took, a goal. Each is news once; the digest sends it once."""
    me = pair.side_of(user)
    if me is None:
        return []
    partner = pair.partner_of(me)
    if partner.user_id is None:
        return []
    name, since = partner.display_name, now - timedelta(days=NEWS_DAYS)
    news = [
        Nudge(
            "partner_news",
            f"news:note:{entry.pk}",
            _("%(name)s shared a note with you: “%(title)s”.")
            % {"name": name, "title": entry.title or _("untitled")},
            entry.get_absolute_url(),
        )
        for entry in JournalEntry.objects.filter(
            pair=pair, author_id=partner.user_id, shared_at__gte=since, shared_at__lte=now
        )
    ]
    news += [
        Nudge(
            "partner_news",
            f"news:idea:{idea.pk}",
            _("%(name)s recorded an idea: “%(title)s”.") % {"name": name, "title": idea.title},
            idea.get_absolute_url(),
        )
        for idea in Idea.objects.filter(
            pair=pair, recorded_by_id=partner.user_id, created_at__gte=since, created_at__lte=now
        )
    ]
    moves = IdeaEvent.objects.filter(
        idea__pair=pair, actor_id=partner.user_id, at__gte=since, at__lte=now
    ).exclude(from_state="")
    news += [
        Nudge(
            "partner_news",
            f"news:move:{event.pk}",
            _("%(name)s moved the idea “%(title)s” to %(state)s.")
            % {
                "name": name,
                "title": event.idea.title,
                "state": event.get_to_state_display().lower(),
            },
            event.idea.get_absolute_url(),
        )
        for event in moves.select_related("idea")
    ]
    news += [
        Nudge(
            "partner_news",
            f"news:goal:{goal.pk}",
            _("%(name)s set a goal: “%(title)s”.") % {"name": name, "title": goal.title},
            reverse("pair_detail", args=[pair.pk]),
        )
        for goal in Goal.objects.filter(
            pair=pair, owner=partner, created_at__gte=since, created_at__lte=now
        )
    ]
    return news


def _meeting_soon(pair: Pair, user: User, now: datetime) -> list[Nudge]:
    """Each meeting in the next two days, once, in the user's own time."""
    soon = (
        Meeting.objects.filter(pair=pair)
        .upcoming(now)
        .filter(starts_at__lte=now + timedelta(days=MEETING_SOON_DAYS))
    )
    zone = _zone(user)
    return [
        Nudge(
            "meeting_soon",
            f"meeting_soon:{meeting.pk}:{meeting.sequence}",
            _("You meet %(name)s on %(when)s (%(zone)s).")
            % {
                "name": _partner_name(pair, user),
                "when": meeting.starts_at.astimezone(zone).strftime("%a %d %b, %H:%M"),
                "zone": zone.key,
            },
            meeting.get_absolute_url(),
        )
        for meeting in soon
    ]


def _agreement(pair: Pair, user: User, now: datetime) -> list[Nudge]:
    """A pair two weeks in with no agreement is asked to write one; a partner who has not
    agreed to the words as they stand is asked to read them."""
    me = pair.side_of(user)
    if me is None:
        return []
    agreement = Agreement.objects.filter(pair=pair).first()
    url = reverse("agreement", args=[pair.pk])
    name = pair.partner_of(me).display_name
    if agreement is None:
        started = pair.activated_at or pair.created_at
        if now - started < timedelta(days=AGREEMENT_AFTER_DAYS):
            return []
        text = _("Write down how you and %(name)s will work together.") % {"name": name}
        return [Nudge("agreement", f"agreement:{pair.pk}", text, url)]
    if agreement.agreed_at(me) is not None:
        return []
    text = _("%(name)s wrote down your agreement: read it and agree, or change it.") % {
        "name": name
    }
    changed = int(agreement.updated_at.timestamp())
    return [Nudge("agreement", f"agreement:{pair.pk}:{changed}", text, url)]


CHECKS = (
    _no_meeting,
    _to_log,
    _feedback,
    _ideas,
    _goals,
    _partner_news,
    _meeting_soon,
    _agreement,
)


def due_nudges(user: User, now: datetime | None = None) -> list[Nudge]:
    """Everything due for the user across their pairs, muted kinds included."""
    now = now or timezone.now()
    pairs = (
        Pair.objects.of_user(user)
        .filter(Q(status=Pair.Status.ACTIVE) | Q(status=Pair.Status.ENDED))
        .select_related("programme", "mentor__user", "mentee__user")
    )
    nudges: list[Nudge] = []
    for pair in pairs:
        if pair.status == Pair.Status.ACTIVE:
            for check in CHECKS:
                nudges.extend(check(pair, user, now))
        nudges.extend(_checkins(pair, user, now))
    return nudges


def _zone(user: User) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(user.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def _start_of_day(user: User, now: datetime) -> datetime:
    """Midnight of the user's own day: one digest per day means per *their* day."""
    return now.astimezone(_zone(user)).replace(hour=0, minute=0, second=0, microsecond=0)


def _people(now: datetime) -> "list[User]":
    pairs = Pair.objects.filter(
        Q(status=Pair.Status.ACTIVE)
        | Q(status=Pair.Status.ENDED, ended_at__gte=now - timedelta(days=60))
    )
    ids = set(pairs.values_list("mentor__user", flat=True)) | set(
        pairs.values_list("mentee__user", flat=True)
    )
    ids.discard(None)
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def digest_for(user: User, now: datetime) -> list[Nudge]:
    """The nudges to mail the user now: due, not muted, not sent before."""
    muted = NudgePreference.muted_for(user)
    sent = set(SentNudge.objects.filter(user=user).values_list("key", flat=True))
    return [n for n in due_nudges(user, now) if n.kind not in muted and n.key not in sent]


def _send_digest(user: User, nudges: list[Nudge], now: datetime) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "user": user,
            "nudges": nudges,
            "site": settings.SITE_URL,
            "settings_url": settings.SITE_URL + reverse("nudge_settings"),
        }
        body = render_to_string("journal/email/nudges.txt", context)
        subject = ngettext(
            "Two Heads: %(count)s thing for your mentoring",
            "Two Heads: %(count)s things for your mentoring",
            len(nudges),
        ) % {"count": len(nudges)}
    send_mail(subject, body, None, [user.email])


def send_nudges(now: datetime | None = None) -> str:
    """Mail each person one digest of what is newly due; a one-line summary of what happened."""
    now = now or timezone.now()
    digests = nudged = waiting = 0
    for user in _people(now):
        today = SentNudge.objects.filter(user=user, sent_at__gte=_start_of_day(user, now))
        # The exit survey's own email (sent on closing) is marked so the digest does not ask
        # again; it is not a digest.
        if today.exclude(kind=EXIT_EMAILED).exists():
            waiting += 1  # today's digest has gone; anything new waits for tomorrow
            continue
        with timezone.override(_zone(user)):
            nudges = digest_for(user, now)
        if not nudges:
            continue
        try:
            with transaction.atomic():
                SentNudge.objects.bulk_create(
                    [SentNudge(user=user, kind=n.kind, key=n.key, sent_at=now) for n in nudges]
                )
                _send_digest(user, nudges, now)
        except IntegrityError:
            continue  # another run took this person at the same moment
        digests += 1
        nudged += len(nudges)
    return (
        f"Sent {digests} digest(s) with {nudged} nudge(s); "
        f"{waiting} person(s) already had today's digest."
    )
