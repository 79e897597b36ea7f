"""Pairs drifting apart, found in the database in a few queries, and the manager's one-click nudge.

A pair is at risk when it has not met for the programme's `no_meeting_days` and has nothing
planned, when its feedback of the last four weeks is clearly lower than before, when a match
was declined and a partner still waits for someone new, or when one of them raised a concern
that is still open (shown only to the managers the concern reaches).
"""

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from fractions import Fraction

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from twoheads.accounts.models import AuditEvent, User, audit
from twoheads.journal.models import Feedback, answers_total
from twoheads.meetings.models import Meeting
from twoheads.pairing.models import Pair
from twoheads.participants.models import Participant
from twoheads.privacy.models import Concern
from twoheads.programmes.models import Programme

REASONS = ("concern", "declined", "falling_ratings", "no_meeting")
REASON_LABELS = {
    "concern": gettext_lazy("A concern raised"),
    "no_meeting": gettext_lazy("No meeting for a while"),
    "falling_ratings": gettext_lazy("Falling ratings"),
    "declined": gettext_lazy("Declined, waiting for a new partner"),
}
NEXT_STEPS = {
    "concern": gettext_lazy(
        "Read the open concern and talk in private with the person who raised it."
    ),
    "declined": gettext_lazy("Find a new partner for whoever is waiting."),
    "falling_ratings": gettext_lazy(
        "Talk to each partner on their own about how it is going, and whether to carry on."
    ),
    "no_meeting": gettext_lazy("Nudge them to plan their next meeting."),
}
RECENT_DAYS = 28
# On the 1-5 scale: a drop smaller than this is noise, not a trend.
FALLING_BY = 0.5
LIVE = (Pair.Status.PROPOSED, Pair.Status.ACTIVE)
# A pair is nudged at most once in this many days: the same email twice helps nobody.
NUDGE_AGAIN_DAYS = 7


class NudgeTooSoon(Exception):
    """The pair was nudged within NUDGE_AGAIN_DAYS."""

    def __init__(self, nudged_at: datetime) -> None:
        super().__init__(nudged_at)
        self.nudged_at = nudged_at


@dataclass(frozen=True)
class AtRiskPair:
    pair_id: int
    mentor_id: int
    mentee_id: int
    mentor: str
    mentee: str
    reasons: tuple[str, ...]
    last_meeting: datetime | None = None
    idle_days: int | None = None
    recent_rating: float | None = None
    earlier_rating: float | None = None
    waiting: tuple[tuple[int, str], ...] = ()  # (participant id, name) needing a new partner
    concern_authors: tuple[int, ...] = ()  # participants with an open concern the viewer reads
    nudged_at: datetime | None = None  # the last nudge within NUDGE_AGAIN_DAYS

    @property
    def nudge_again_on(self) -> datetime | None:
        """When the pair may be nudged again, if not now."""
        return self.nudged_at + timedelta(days=NUDGE_AGAIN_DAYS) if self.nudged_at else None

    @property
    def recipients(self) -> tuple[tuple[int, str], ...]:
        """(participant id, name) of whom a nudge is for: after a decline those waiting for a
        new partner, for a concern alone its author (the partner learns nothing of it), or
        else both partners."""
        both = ((self.mentor_id, self.mentor), (self.mentee_id, self.mentee))
        if self.reasons == ("declined",):
            wanted = {pk for pk, _name in self.waiting}
        elif self.reasons == ("concern",):
            wanted = set(self.concern_authors)
        else:
            return both
        return tuple(person for person in both if person[0] in wanted)

    @property
    def recipient_names(self) -> str:
        return " & ".join(name for _pk, name in self.recipients)

    @property
    def reason_labels(self) -> list[str]:
        return [str(REASON_LABELS[r]) for r in self.reasons]

    @property
    def next_step(self) -> str:
        """The step for the most serious reason: a rematch before a talk before a nudge."""
        first = next(r for r in REASONS if r in self.reasons)
        return str(NEXT_STEPS[first])


def _falling(programme: Programme, now: datetime, pairs: Q) -> dict[int, tuple[float, float]]:
    """Active pairs whose last four weeks of feedback average clearly below the time before.

    The last weeks' ratings come from a range of their index; the time before is the pair's
    feedback tally less everything from the cut on. An average is the mean of each rating's
    four answers; the two are compared exactly, in whole numbers, by the database.
    """
    cut = now - timedelta(days=RECENT_DAYS)
    by_now = Q(meeting_starts_at__lte=now)
    margin = Fraction(FALLING_BY)
    rows = Feedback.objects.filter(
        pair__programme=programme, pair__status=Pair.Status.ACTIVE, meeting_starts_at__gte=cut
    )
    if pairs:
        rows = rows.filter(pair__in=Pair.objects.filter(pairs))
    rows = (
        rows.values("pair", "pair__feedback_tally__ratings", "pair__feedback_tally__rating_total")
        .annotate(
            recent=Count("meeting_starts_at", filter=by_now),
            recent_total=Sum(answers_total(), filter=by_now),
            earlier=F("pair__feedback_tally__ratings") - Count("*"),
            earlier_total=F("pair__feedback_tally__rating_total") - Sum(answers_total()),
        )
        .filter(recent__gt=0, earlier__gt=0)
        # recent_total / (4 recent) < earlier_total / (4 earlier) - margin, times 4 recent earlier
        .alias(
            left=F("recent_total") * F("earlier") * margin.denominator,
            right=F("earlier_total") * F("recent") * margin.denominator
            - 4 * margin.numerator * F("recent") * F("earlier"),
        )
        .filter(left__lt=F("right"))
        .order_by()
    )
    return {
        row["pair"]: (
            row["recent_total"] / (4 * row["recent"]),
            row["earlier_total"] / (4 * row["earlier"]),
        )
        for row in rows
    }


def _drifting(programme: Programme, now: datetime, pairs: Q) -> list[AtRiskPair]:
    """Active pairs with no recent meeting and nothing planned, or with falling ratings.

    Each pair's last meeting comes from its tally; whether a meeting is planned is looked up
    in the index for the quiet pairs alone.
    """
    falling = _falling(programme, now, pairs)
    today = timezone.localdate(now)
    quiet = Q(pk__in=[])
    if programme.no_meeting_days:
        # Quiet since a day at least `no_meeting_days` days before today, by the calendar.
        cut = today - timedelta(days=programme.no_meeting_days - 1)
        quiet = Q(since__lt=local_midnight(cut))
    planned = Meeting.objects.filter(
        pair=OuterRef("pk"), status=Meeting.Status.SCHEDULED, starts_at__gt=now
    )
    rows = list(
        Pair.objects.filter(pairs, programme=programme, status=Pair.Status.ACTIVE)
        .annotate(
            last_held=F("meeting_tally__last_held_at"),
            since=Coalesce("meeting_tally__last_held_at", "activated_at", "created_at"),
        )
        .filter(quiet | Q(last_held__gt=now) | Q(pk__in=list(falling)))
        .annotate(planned=Exists(planned))
        .values(
            "pk",
            "mentor_id",
            "mentee_id",
            "mentor__name",
            "mentee__name",
            "activated_at",
            "created_at",
            "last_held",
            "planned",
        )
        .order_by()
    )
    _last_held_by(rows, now)
    # Once the programme's end date has passed, no meeting can be planned in it any more.
    ended = bool(programme.ends_on and today > programme.ends_on)
    found = []
    for row in rows:
        since = row["last_held"] or row["activated_at"] or row["created_at"]
        # Days between the dates shown: met yesterday evening is a day ago this morning.
        idle_days = (today - timezone.localdate(since)).days
        reasons = []
        if (
            programme.no_meeting_days
            and idle_days >= programme.no_meeting_days
            and not row["planned"]
            and not ended
        ):
            reasons.append("no_meeting")
        recent, earlier = falling.get(row["pk"], (None, None))
        if recent is not None:
            reasons.append("falling_ratings")
        if not reasons:
            continue  # quiet but with a meeting planned, or met after `now`
        found.append(
            AtRiskPair(
                pair_id=row["pk"],
                mentor_id=row["mentor_id"],
                mentee_id=row["mentee_id"],
                mentor=row["mentor__name"],
                mentee=row["mentee__name"],
                reasons=tuple(r for r in REASONS if r in reasons),
                last_meeting=row["last_held"],
                idle_days=idle_days,
                recent_rating=recent,
                earlier_rating=earlier,
            )
        )
    return found


def _last_held_by(rows: list[dict], now: datetime) -> None:
    """Put the last meeting held by `now` in the rows whose tally has a later one.

    A meeting is logged only once it has started, so this happens only for figures as of a
    moment in the past.
    """
    later = [row["pk"] for row in rows if row["last_held"] and row["last_held"] > now]
    if not later:
        return
    last = dict(
        Meeting.objects.filter(pair__in=later, held=True, starts_at__lte=now)
        .values("pair")
        .annotate(last=Max("starts_at"))
        .values_list("pair", "last")
    )
    for row in rows:
        if row["pk"] in later:
            row["last_held"] = last.get(row["pk"])


def _declined(programme: Programme, pairs: Q) -> list[AtRiskPair]:
    """Declined pairs where a partner still in the programme has no live pair since."""
    active = Participant.Status.ACTIVE
    rows = (
        Pair.objects.filter(pairs, programme=programme, status=Pair.Status.DECLINED)
        .annotate(
            mentor_free=~Exists(Pair.objects.filter(mentor=OuterRef("mentor"), status__in=LIVE)),
            mentee_free=~Exists(Pair.objects.filter(mentee=OuterRef("mentee"), status__in=LIVE)),
        )
        .filter(
            Q(mentor_free=True, mentor__status=active) | Q(mentee_free=True, mentee__status=active)
        )
        .values(
            "pk",
            "mentor_id",
            "mentee_id",
            "mentor__name",
            "mentee__name",
            "mentor_free",
            "mentee_free",
            "mentor__status",
            "mentee__status",
        )
        .order_by("-created_at")
    )
    found, seen = [], set()
    for row in rows:
        waiting = tuple(
            (row[f"{side}_id"], row[f"{side}__name"])
            for side in ("mentee", "mentor")
            if row[f"{side}_free"]
            and row[f"{side}__status"] == active
            and row[f"{side}_id"] not in seen
        )
        if not waiting:
            continue  # an older decline of someone already listed
        seen.update(pk for pk, _name in waiting)
        found.append(
            AtRiskPair(
                pair_id=row["pk"],
                mentor_id=row["mentor_id"],
                mentee_id=row["mentee_id"],
                mentor=row["mentor__name"],
                mentee=row["mentee__name"],
                reasons=("declined",),
                waiting=waiting,
            )
        )
    return found


def local_midnight(day: date) -> datetime:
    """The start of ``day`` in the current time zone."""
    return timezone.make_aware(datetime.combine(day, time()))


def _concerns(
    programme: Programme, viewer: User, pairs: Q, readable: QuerySet[Concern] | None
) -> list[AtRiskPair]:
    """Active pairs where someone raised a concern still open that the viewer may read
    (``readable``, when the caller has them already).

    A concern never shows against a pair to anyone it must not reach (the author's line or
    partner), so this needs the viewer; without one only the programme's count is given.
    """
    if readable is None:
        readable = Concern.objects.open_for_programme(programme).readable_by(viewer)
    authors = set(readable.values_list("author_id", flat=True)) - {None}
    if not authors:
        return []
    rows = (
        Pair.objects.filter(pairs, programme=programme, status=Pair.Status.ACTIVE)
        .filter(Q(mentor_id__in=authors) | Q(mentee_id__in=authors))
        .values("pk", "mentor_id", "mentee_id", "mentor__name", "mentee__name")
    )
    return [
        AtRiskPair(
            pair_id=row["pk"],
            mentor_id=row["mentor_id"],
            mentee_id=row["mentee_id"],
            mentor=row["mentor__name"],
            mentee=row["mentee__name"],
            reasons=("concern",),
            concern_authors=tuple(
                pk for pk in (row["mentor_id"], row["mentee_id"]) if pk in authors
            ),
        )
        for row in rows
    ]


def _merge(found: list[AtRiskPair]) -> list[AtRiskPair]:
    """One row per pair, with every reason it has, in the order of REASONS."""
    merged: dict[int, AtRiskPair] = {}
    for risk in found:
        kept = merged.get(risk.pair_id)
        if kept is None:
            merged[risk.pair_id] = risk
            continue
        reasons = set(kept.reasons) | set(risk.reasons)
        base = risk if risk.idle_days is not None else kept
        merged[risk.pair_id] = replace(
            base,
            reasons=tuple(r for r in REASONS if r in reasons),
            waiting=kept.waiting or risk.waiting,
            concern_authors=kept.concern_authors or risk.concern_authors,
        )
    return list(merged.values())


def at_risk_pairs(
    programme: Programme,
    now: datetime | None = None,
    *,
    viewer: User | None = None,
    pair_ids: list[int] | None = None,
    concerns: QuerySet[Concern] | None = None,
    within: Q | None = None,
) -> list[AtRiskPair]:
    """Every at-risk pair of the programme (or of `pair_ids`, or of the pairs `within` a
    condition: a segment's), the most reasons first.

    Pairs with an open concern are included only for a `viewer` the concern reaches
    (`concerns`: the open ones that reach them, when the caller has asked already).
    """
    now = now or timezone.now()
    pairs = Q(pk__in=pair_ids) if pair_ids is not None else Q()
    if within is not None:
        pairs &= within
    found = _declined(programme, pairs) + _drifting(programme, now, pairs)
    if viewer is not None:
        found += _concerns(programme, viewer, pairs, concerns)
    merged = _merge(found)
    if viewer is not None:
        merged = _without_own_ratings(merged, programme, viewer)
    nudged = _recent_nudges(programme, now, [risk.pair_id for risk in merged])
    merged = [replace(risk, nudged_at=nudged.get(risk.pair_id)) for risk in merged]
    return sorted(merged, key=lambda p: (-len(p.reasons), -(p.idle_days or 0), p.pair_id))


def _without_own_ratings(
    found: list[AtRiskPair], programme: Programme, viewer: User
) -> list[AtRiskPair]:
    """A manager who is also a partner does not read their own pair's ratings trend: a
    partner sees the other's ratings only as averages of three (My progress)."""
    mine = set(
        Participant.objects.filter(programme=programme, user=viewer).values_list("pk", flat=True)
    )
    if not mine:
        return found
    out = []
    for risk in found:
        if {risk.mentor_id, risk.mentee_id} & mine and "falling_ratings" in risk.reasons:
            reasons = tuple(r for r in risk.reasons if r != "falling_ratings")
            if not reasons:
                continue
            risk = replace(risk, reasons=reasons, recent_rating=None, earlier_rating=None)
        out.append(risk)
    return out


def _recent_nudges(programme: Programme, now: datetime, pair_ids: list[int]) -> dict[int, datetime]:
    """The last nudge of each of these pairs within NUDGE_AGAIN_DAYS, from the audit log."""
    if not pair_ids:
        return {}
    events = AuditEvent.objects.filter(
        organisation=programme.organisation,
        action="insights.nudge",
        at__gt=now - timedelta(days=NUDGE_AGAIN_DAYS),
        at__lte=now,
    ).values_list("details__pair", "at")
    wanted = set(pair_ids)
    last: dict[int, datetime] = {}
    for pair, at in events:
        if pair in wanted and (pair not in last or at > last[pair]):
            last[pair] = at
    return last


def _recipients(pair: Pair, risk: AtRiskPair) -> list[tuple[Participant, Participant]]:
    """(person, partner) for everyone the nudge is for (`AtRiskPair.recipients`)."""
    wanted = {pk for pk, _name in risk.recipients}
    return [(p, pair.partner_of(p)) for p in (pair.mentor, pair.mentee) if p.pk in wanted]


def nudge_pair(pair: Pair, actor: User, now: datetime | None = None) -> list[str] | None:
    """Email the pair about what puts them at risk; returns the names of the people emailed,
    or None when the pair is no longer at risk (it then gets nothing).

    Every nudge goes into the audit log.
    """
    found = at_risk_pairs(pair.programme, now, viewer=actor, pair_ids=[pair.pk])
    if not found:
        return None
    risk = found[0]
    if risk.nudged_at is not None:
        raise NudgeTooSoon(risk.nudged_at)
    emailed = []
    for person, partner in _recipients(pair, risk):
        address = person.mail_to
        if not address:
            continue
        body = render_to_string(
            "insights/email/nudge.txt",
            {
                "person": person,
                "partner": partner,
                "risk": risk,
                "programme": pair.programme,
                "pair_url": settings.SITE_URL + reverse("pair_detail", args=[pair.pk]),
            },
        )
        subject = _("A note from your programme manager in %(programme)s") % {
            "programme": pair.programme.name
        }
        # Replies reach the manager who sent it, not the site's no-reply address.
        message = EmailMessage(subject, body, to=[address], reply_to=[actor.email])
        if message.send():
            emailed.append(person.display_name)
    audit(
        actor,
        "insights.nudge",
        pair,
        organisation=pair.programme.organisation,
        reasons=list(risk.reasons),
        emailed=len(emailed),
        pair=pair.pk,
    )
    return emailed
