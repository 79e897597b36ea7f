"""The one module of programme figures: the dashboard, the exports and the API's summary read it.

Every figure is an aggregate computed in the database (counts, averages, grouped by week or
month) in a fixed number of queries, whatever the programme's size. Nothing here reads the text
of a journal entry, an idea, a goal or an agenda: only counts, dates, ratings and states.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Avg, Count, DateField, F, Q, Sum
from django.db.models.functions import Coalesce, Lower, TruncMonth, TruncWeek
from django.utils import timezone

from twoheads.accounts.models import User
from twoheads.guard.checks import confirmation_counts
from twoheads.journal.models import Agreement, CheckIn, Feedback, FeedbackTally, Goal, Idea
from twoheads.meetings.models import Meeting, MeetingTally
from twoheads.pairing.models import Pair
from twoheads.pairing.segments import WHOLE, Segment
from twoheads.participants.models import Invitation, Participant
from twoheads.privacy.models import Concern
from twoheads.programmes.models import Programme

from .atrisk import REASONS, AtRiskPair, at_risk_pairs, local_midnight

WEEKS_SHOWN = 26
MONTHS_SHOWN = 12
SCORE_BINS = 10
SIDES = ("mentor", "mentee")


@dataclass(frozen=True)
class Funnel:
    """People at each step from invitation to an active pair; each step counts people."""

    invited: int
    enrolled: int
    joined: int  # enrolled people who have an account: the People page's others have none yet
    profile_complete: int
    matched: int
    accepted: int
    active: int
    # Active people who joined with an account and have not chosen a role: no step counts
    # them (they are neither mentors nor mentees yet), but their profiles are unfinished.
    no_role: int = 0

    def stages(self) -> list[tuple[str, int]]:
        return [(name, getattr(self, name)) for name in FUNNEL_STAGES]


FUNNEL_STAGES = (
    "invited",
    "enrolled",
    "joined",
    "profile_complete",
    "matched",
    "accepted",
    "active",
)


@dataclass(frozen=True)
class MatchFigures:
    """How many enrolled people are in a live pair, and how good the live pairs' scores are."""

    enrolled: int
    paired: int
    live_pairs: int
    mean_score: float | None
    histogram: tuple[int, ...]  # live pairs per score band of 0.1, from 0-0.1 to 0.9-1
    at_close: bool = False  # the programme is closed: the figures are of the pairs it had

    @property
    def rate(self) -> float | None:
        return self.paired / self.enrolled if self.enrolled else None

    @property
    def rate_percent(self) -> float | None:
        """The match rate in percent to one decimal, as every page and export shows it."""
        return None if self.rate is None else round(100 * self.rate, 1)

    @property
    def unpaired(self) -> int:
        """Enrolled people with no partner now: whom the next run or a rematch is for."""
        return max(0, self.enrolled - self.paired)


@dataclass(frozen=True)
class MeetingWeek:
    """Meetings held in one week, and the pairs that were active that week."""

    week: date
    held: int
    pairs: int

    @property
    def per_pair(self) -> float | None:
        return self.held / self.pairs if self.pairs else None


@dataclass(frozen=True)
class Ratings:
    """Average meeting feedback given by one side of the pairs, per dimension (1 to 5)."""

    side: str
    count: int
    listened: float | None
    was_listened_to: float | None
    learned: float | None
    will_act: float | None

    def dimensions(self) -> list[tuple[str, float | None]]:
        return [(name, getattr(self, name)) for name in Feedback.DIMENSIONS]


@dataclass(frozen=True)
class CheckInMonth:
    """Check-ins given in one month and their average answers (none in a month without)."""

    month: date
    count: int
    relationship: float | None
    openness: float | None
    benefit: float | None


@dataclass(frozen=True)
class IdeaFlow:
    """Ideas shared in one direction and how far they got."""

    direction: str  # "mentor_to_mentee" or "mentee_to_mentor"
    shared: int
    by_state: tuple[tuple[str, int], ...]

    @property
    def adopted(self) -> int:
        return dict(self.by_state).get(Idea.State.ADOPTED, 0)


@dataclass(frozen=True)
class GoalSide:
    side: str
    goals: int
    average_progress: float | None
    done: int


@dataclass(frozen=True)
class ProgrammeFigures:
    programme_id: int
    programme_name: str
    reverse: bool  # reverse mentoring: the mentors are reverse mentors
    as_of: datetime
    until: datetime  # where the figures over time end: `period_end`
    funnel: Funnel
    match: MatchFigures
    meetings_held: int
    hours_held: float  # the length of the meetings held, as their logs give it
    meetings_not_held: int  # meetings logged as not having taken place
    meeting_weeks: tuple[MeetingWeek, ...]
    feedback: tuple[Ratings, Ratings]  # mentors' ratings, then mentees'
    checkins: tuple[CheckInMonth, ...]
    knowledge: tuple[IdeaFlow, IdeaFlow]  # mentor -> mentee, then mentee -> mentor
    goals: tuple[GoalSide, GoalSide]  # mentors' goals, then mentees'
    guard_flags: tuple[tuple[str, int], ...]
    open_concerns: int
    at_risk: tuple[AtRiskPair, ...]
    agreed_pairs: int = 0  # pairs whose partners both agreed to their written agreement
    segment: Segment = WHOLE

    @property
    def ended(self) -> bool:
        """The programme has ended: its weeks and months stop at its end, not today."""
        return self.until < self.as_of

    @property
    def recent_meetings_per_pair(self) -> float | None:
        """Meetings held in the last four weeks shown per pair active in the last of them:
        the four weeks to today, or to the programme's end once it has ended."""
        recent = self.meeting_weeks[-4:]
        pairs = recent[-1].pairs if recent else 0
        return sum(w.held for w in recent) / pairs if pairs else None

    @property
    def guard_flag_total(self) -> int:
        return sum(n for _kind, n in self.guard_flags)


def programme_figures(
    programme: Programme,
    now: datetime | None = None,
    *,
    viewer: User | None = None,
    segment: Segment = WHOLE,
) -> ProgrammeFigures:
    """Every figure of the programme's dashboard, as of `now`, for the people and pairs of
    `segment` (`Segment`; by default the whole programme).

    With a `viewer`, the open concerns counted are those the viewer reads (as the Concerns page
    lists them), and pairs with one of them join the at-risk pairs; without one, every open
    concern of the programme is counted and none puts a pair at risk. In a segment, the open
    concerns counted are those whose author is in it.
    """
    now = now or timezone.now()
    # The open concerns that reach the viewer (those their Concerns page lists), asked once.
    concerns = Concern.objects.open_for_programme(programme)
    if viewer is not None:
        concerns = concerns.readable_by(viewer)
    weeks = meeting_weeks(programme, now, segment)
    held, hours, not_held = meeting_totals(programme, now, segment)
    funnel, match = funnel_and_match(programme, segment)
    return ProgrammeFigures(
        programme_id=programme.pk,
        programme_name=programme.name,
        reverse=programme.is_reverse,
        as_of=now,
        until=period_end(programme, now),
        funnel=funnel,
        match=match,
        meetings_held=held,
        hours_held=hours,
        meetings_not_held=not_held,
        meeting_weeks=weeks,
        feedback=feedback_ratings(programme, segment),
        checkins=checkin_trend(programme, now, segment),
        knowledge=knowledge_flow(programme, segment),
        goals=goal_progress(programme, segment),
        guard_flags=guard_flags(programme, segment),
        open_concerns=concerns.filter(segment.people("author__")).count(),
        at_risk=tuple(
            at_risk_pairs(programme, now, viewer=viewer, concerns=concerns, within=segment.pairs())
        ),
        agreed_pairs=agreed_pairs(programme, segment),
        segment=segment,
    )


def agreed_pairs(programme: Programme, segment: Segment = WHOLE) -> int:
    """Pairs that got going (active, or ended since) whose partners both agreed to their
    agreement: a count, never what it says."""
    return (
        Agreement.objects.filter(
            pair__programme=programme,
            pair__status__in=[Pair.Status.ACTIVE, Pair.Status.ENDED],
            mentor_agreed_at__isnull=False,
            mentee_agreed_at__isnull=False,
        )
        .filter(segment.pairs("pair__"))
        .count()
    )


def guard_flags(programme: Programme, segment: Segment = WHOLE) -> tuple[tuple[str, int], ...]:
    """Confirmed guard flags by kind, of the programme's pairs in the segment."""
    return tuple(sorted(confirmation_counts(programme.pk, segment.pairs("pair__")).items()))


def _counted(programme: Programme) -> tuple[str, ...]:
    """The pairs the match rate and scores count: the live ones, and once the programme is
    closed (when every pair has ended) the pairs it had, declined ones left out."""
    if programme.is_closed:
        return (*LIVE, Pair.Status.ENDED)
    return LIVE


def _people_in_pairs(programme: Programme, segment: Segment) -> dict[str, int]:
    """Enrolled people in a pair, in an accepted one, in an active one and in a live one
    (in a closed programme: one it had).

    Counted from the pairs' side (distinct mentors plus distinct mentees) in one grouped scan
    of the programme's pairs; a person is only ever a mentor or a mentee.
    """
    aggregates: dict[str, Any] = {}
    for side in SIDES:
        enrolled = Q(**{f"{side}__status": Participant.Status.ACTIVE}) & ~Q(**{f"{side}__role": ""})
        enrolled &= segment.people(f"{side}__")
        steps = {
            "matched": Q(),
            "accepted": Q(**{f"{side}_response": Pair.Response.ACCEPTED}),
            "active": Q(activated_at__isnull=False, status__in=_counted(programme)),
            "paired": Q(status__in=_counted(programme)),
        }
        for step, condition in steps.items():
            aggregates[f"{side}_{step}"] = Count(side, distinct=True, filter=enrolled & condition)
    counts = Pair.objects.filter(programme=programme).aggregate(**aggregates)
    return {step: counts[f"mentor_{step}"] + counts[f"mentee_{step}"] for step in steps}


def funnel_and_match(programme: Programme, segment: Segment = WHOLE) -> tuple[Funnel, MatchFigures]:
    """The enrolment funnel, and the match rate and scores of live pairs.

    Invited counts people, each once: everyone given a role, plus the other addresses with an
    invitation not yet accepted (a second invitation, or the link a reminder or a match email
    carries, is the same person). The later steps count enrolled (active, with a role) people
    only; joined are those of them with an account (someone imported has none until they
    sign up). The match rate is the share of enrolled people in a live (proposed or active) pair;
    once the programme is closed, in a pair it had.
    """
    everyone = Participant.objects.filter(segment.people(), programme=programme)
    people = everyone.exclude(role="")
    with_role = ~Q(role="")
    enrolled = with_role & Q(status=Participant.Status.ACTIVE)
    counts = everyone.aggregate(
        given_role=Count("pk", filter=with_role),
        enrolled=Count("pk", filter=enrolled),
        joined=Count("pk", filter=enrolled & Q(user__isnull=False)),
        complete=Count("pk", filter=enrolled & Q(pk__in=people.complete().values("pk"))),
        no_role=Count(
            "pk",
            filter=Q(role="", user__isnull=False, status=Participant.Status.ACTIVE),
        ),
    )
    paired = _people_in_pairs(programme, segment)
    funnel = Funnel(
        invited=counts["given_role"] + _invited_only(programme, people, segment),
        enrolled=counts["enrolled"],
        joined=counts["joined"],
        profile_complete=counts["complete"],
        matched=paired["matched"],
        accepted=paired["accepted"],
        active=paired["active"],
        no_role=counts["no_role"],
    )
    return funnel, _match(programme, counts["enrolled"], paired["paired"], segment)


def _invited_only(programme: Programme, people: Any, segment: Segment) -> int:
    """People invited who are not (yet) a mentor or mentee: the addresses, each once, of the
    invitations not accepted, other than the address of someone given a role."""
    in_already = people.exclude(email="").annotate(address=Lower("email")).values("address")
    return (
        Invitation.objects.filter(segment.invitees(), programme=programme, accepted_at__isnull=True)
        .annotate(address=Lower("email"))
        .exclude(address__in=in_already)
        .values("address")
        .distinct()
        .count()
    )


def _match(programme: Programme, enrolled: int, paired: int, segment: Segment) -> MatchFigures:
    bands: dict[str, Any] = {"mean": Avg("score")}
    for i in range(SCORE_BINS):
        low = Q(score__gte=i / SCORE_BINS) if i else Q()
        high = Q(score__lt=(i + 1) / SCORE_BINS) if i < SCORE_BINS - 1 else Q()
        bands[f"band_{i}"] = Count("pk", filter=low & high)
    scores = Pair.objects.filter(
        segment.pairs(), programme=programme, status__in=_counted(programme)
    ).aggregate(**bands)
    histogram = tuple(scores[f"band_{i}"] for i in range(SCORE_BINS))
    return MatchFigures(
        enrolled=enrolled,
        paired=paired,
        live_pairs=sum(histogram),
        mean_score=scores["mean"],
        histogram=histogram,
        at_close=programme.is_closed,
    )


LIVE = (Pair.Status.PROPOSED, Pair.Status.ACTIVE)


def score_bin(score: float) -> int:
    """The band of 0.1 a score falls in; a perfect 1.0 belongs to the top band."""
    return max(0, min(SCORE_BINS - 1, int(score * SCORE_BINS)))


def period_end(programme: Programme, now: datetime) -> datetime:
    """Where the programme's figures over time end: `now`, or once the programme has ended,
    the end of its last day or the moment it was closed, whichever came first."""
    ends = [now]
    if programme.ends_on:
        ends.append(
            local_midnight(programme.ends_on + timedelta(days=1)) - timedelta(microseconds=1)
        )
    if programme.closed_at:
        ends.append(programme.closed_at)
    return min(ends)


def _week_start(moment: datetime) -> date:
    day = timezone.localdate(moment)
    return day - timedelta(days=day.weekday())


def _by_week(queryset: Any, field: str) -> dict[date, int]:
    rows = (
        queryset.annotate(week=TruncWeek(field, output_field=DateField()))
        .values("week")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["week"]: row["n"] for row in rows}


def meeting_weeks(
    programme: Programme, now: datetime, segment: Segment = WHOLE
) -> tuple[MeetingWeek, ...]:
    """Per week of the last WEEKS_SHOWN up to the programme's end (`period_end`), none before
    the week it began: meetings held and active pairs. No weeks at all while there is
    nothing to show (no pair has been active and no meeting held in them).

    A pair counts as active in a week from the week it started to the week it ended. The
    weeks come from a range of the held meetings' index.
    """
    until = period_end(programme, now)
    last = _week_start(until)
    first = last - timedelta(weeks=WEEKS_SHOWN - 1)
    if programme.starts_on:
        first = max(first, programme.starts_on - timedelta(days=programme.starts_on.weekday()))
    shown = max(0, (last - first).days // 7 + 1)
    # A day early: the week's first midnight is local, the index is in UTC.
    since = local_midnight(min(first, last) - timedelta(days=1))
    rows = list(
        Meeting.objects.filter(
            segment.pairs("pair__"), pair__programme=programme, held=True, starts_at__gte=since
        )
        .annotate(week=TruncWeek("starts_at", output_field=DateField()))
        .values("week")
        .annotate(shown=Count("starts_at", filter=Q(starts_at__lte=until)))
        .order_by()
    )
    held = {row["week"]: row["shown"] for row in rows}
    pairs = Pair.objects.filter(
        segment.pairs(), programme=programme, status__in=(Pair.Status.ACTIVE, Pair.Status.ENDED)
    ).annotate(began=Coalesce("activated_at", "created_at"))
    began = _by_week(pairs.filter(began__lte=until), "began")
    ended = _by_week(pairs.filter(ended_at__lte=until), "ended_at")
    running = sum(n for week, n in began.items() if week < first)
    running -= sum(n for week, n in ended.items() if week < first)
    weeks = []
    for i in range(shown):
        week = first + timedelta(weeks=i)
        running += began.get(week, 0)
        weeks.append(MeetingWeek(week=week, held=held.get(week, 0), pairs=running))
        running -= ended.get(week, 0)
    if not any(w.held or w.pairs for w in weeks):
        weeks = []
    return tuple(weeks)


def meeting_totals(
    programme: Programme, now: datetime, segment: Segment = WHOLE
) -> tuple[int, float, int]:
    """Meetings held by `now`, the hours spent in them (the minutes their logs give) and how
    many meetings were logged as not held: the pairs' tallies (one row per pair) less the
    meetings held after `now` (a range of the held meetings' index)."""
    in_segment = segment.pairs("pair__")
    totals = MeetingTally.objects.filter(in_segment, pair__programme=programme).aggregate(
        held=Sum("held"), minutes=Sum("minutes_held"), not_held=Sum("not_held")
    )
    later = Meeting.objects.filter(
        in_segment, pair__programme=programme, held=True, starts_at__gt=now
    ).aggregate(held=Count("pk"), minutes=Sum("log__duration_minutes"))
    held = (totals["held"] or 0) - later["held"]
    minutes = (totals["minutes"] or 0) - (later["minutes"] or 0)
    return held, round(minutes / 60, 1), totals["not_held"] or 0


def feedback_ratings(programme: Programme, segment: Segment = WHOLE) -> tuple[Ratings, Ratings]:
    """Average feedback per dimension, as the reverse mentors rate and as the mentees rate.

    Added up from the pairs' feedback tallies: one row per pair, not one per rating.
    """
    fields = [f"{side}_{name}" for side in SIDES for name in ("ratings", *Feedback.DIMENSIONS)]
    tallies = FeedbackTally.objects.filter(segment.pairs("pair__"), pair__programme=programme)
    sums = tallies.aggregate(**{name: Sum(name) for name in fields})

    def ratings(side: str) -> Ratings:
        count = sums[f"{side}_ratings"] or 0
        averages = {
            name: sums[f"{side}_{name}"] / count if count else None for name in Feedback.DIMENSIONS
        }
        return Ratings(side=side, count=count, **averages)

    return ratings("mentor"), ratings("mentee")


def months_after(month: date, n: int) -> date:
    """The first day of the month `n` months after `month` (before it, if `n` is negative)."""
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def checkin_trend(
    programme: Programme, now: datetime, segment: Segment = WHOLE
) -> tuple[CheckInMonth, ...]:
    """Per month of the last MONTHS_SHOWN up to the programme's end (`period_end`), none
    before the month it began: the check-ins and their average answers. A month without
    check-ins keeps its place, with a count of 0 and no averages, as a week without meetings
    does; no months at all while none of them had a check-in."""
    until = period_end(programme, now)
    last = timezone.localdate(until).replace(day=1)
    first = months_after(last, 1 - MONTHS_SHOWN)
    if programme.starts_on:
        first = max(first, programme.starts_on.replace(day=1))
    shown = max(0, (last.year - first.year) * 12 + last.month - first.month + 1)
    rows = (
        CheckIn.objects.filter(
            segment.pairs("pair__"),
            pair__programme=programme,
            kind=CheckIn.Kind.CHECKIN,
            created_at__gte=local_midnight(first),
            created_at__lte=until,
        )
        .annotate(month=TruncMonth("created_at", output_field=DateField()))
        .values("month")
        .annotate(
            n=Count("pk"),
            relationship=Avg("relationship"),
            openness=Avg("openness"),
            benefit=Avg("benefit"),
        )
        .order_by()
    )
    found = {row["month"]: row for row in rows}
    if not found:
        return ()
    months = (months_after(first, i) for i in range(shown))
    return tuple(_checkin_month(month, found.get(month)) for month in months)


def _checkin_month(month: date, row: dict[str, Any] | None) -> CheckInMonth:
    if row is None:
        return CheckInMonth(month=month, count=0, relationship=None, openness=None, benefit=None)
    return CheckInMonth(
        month=month,
        count=row["n"],
        relationship=row["relationship"],
        openness=row["openness"],
        benefit=row["benefit"],
    )


def knowledge_flow(programme: Programme, segment: Segment = WHOLE) -> tuple[IdeaFlow, IdeaFlow]:
    """Ideas shared by reverse mentors with mentees, and by mentees with reverse mentors."""
    rows = (
        Idea.objects.filter(segment.pairs("pair__"), pair__programme=programme)
        .values("state")
        .annotate(
            from_mentor=Count("pk", filter=Q(shared_by=F("pair__mentor"))),
            from_mentee=Count("pk", filter=Q(shared_by=F("pair__mentee"))),
        )
        .order_by()
    )
    counts = {row["state"]: row for row in rows}

    def flow(direction: str, key: str) -> IdeaFlow:
        by_state = tuple(
            (state.value, counts[state][key] if state in counts else 0) for state in Idea.State
        )
        return IdeaFlow(direction=direction, shared=sum(n for _s, n in by_state), by_state=by_state)

    return flow("mentor_to_mentee", "from_mentor"), flow("mentee_to_mentor", "from_mentee")


def goal_progress(programme: Programme, segment: Segment = WHOLE) -> tuple[GoalSide, GoalSide]:
    """Goals each side set, their average progress and how many are done."""
    aggregates: dict[str, Any] = {}
    for side in SIDES:
        mine = Q(owner=F(f"pair__{side}"))
        aggregates[f"{side}_goals"] = Count("pk", filter=mine)
        aggregates[f"{side}_progress"] = Avg("progress", filter=mine)
        aggregates[f"{side}_done"] = Count("pk", filter=mine & Q(progress__gte=100))
    goals = Goal.objects.filter(segment.pairs("pair__"), pair__programme=programme)
    values = goals.aggregate(**aggregates)
    mentors, mentees = (
        GoalSide(
            side=side,
            goals=values[f"{side}_goals"],
            average_progress=values[f"{side}_progress"],
            done=values[f"{side}_done"],
        )
        for side in SIDES
    )
    return mentors, mentees


def _plain(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 4)
    return value


def summary_dict(figures: ProgrammeFigures) -> dict[str, Any]:
    """The figures as plain JSON-able data, for the API's programme summary."""
    return {
        "programme": figures.programme_id,
        "as_of": _plain(figures.as_of),
        "funnel": dict(figures.funnel.stages()),
        "match": {
            "enrolled": figures.match.enrolled,
            "paired": figures.match.paired,
            "rate": _plain(figures.match.rate),
            "live_pairs": figures.match.live_pairs,
            "at_close": figures.match.at_close,
            "mean_score": _plain(figures.match.mean_score),
            "score_histogram": [
                {"from": i / SCORE_BINS, "to": (i + 1) / SCORE_BINS, "pairs": n}
                for i, n in enumerate(figures.match.histogram)
            ],
        },
        "meetings": {
            "held": figures.meetings_held,
            "hours_held": figures.hours_held,
            "not_held": figures.meetings_not_held,
            "weeks": [
                {
                    "week": _plain(w.week),
                    "held": w.held,
                    "pairs": w.pairs,
                    "per_pair": _plain(w.per_pair),
                }
                for w in figures.meeting_weeks
            ],
        },
        "feedback": {
            r.side: {"count": r.count, **{k: _plain(v) for k, v in r.dimensions()}}
            for r in figures.feedback
        },
        "checkins": [
            {
                "month": _plain(m.month),
                "count": m.count,
                "relationship": _plain(m.relationship),
                "openness": _plain(m.openness),
                "benefit": _plain(m.benefit),
            }
            for m in figures.checkins
        ],
        "knowledge_flow": {
            f.direction: {"shared": f.shared, "adopted": f.adopted, "by_state": dict(f.by_state)}
            for f in figures.knowledge
        },
        "goals": {
            g.side: {
                "goals": g.goals,
                "average_progress": _plain(g.average_progress),
                "done": g.done,
            }
            for g in figures.goals
        },
        "guard_flags": dict(figures.guard_flags),
        "open_concerns": figures.open_concerns,
        "agreed_pairs": figures.agreed_pairs,
        "at_risk": {
            "pairs": len(figures.at_risk),
            "by_reason": at_risk_reason_counts(figures.at_risk),
        },
    }


def at_risk_reason_counts(at_risk: tuple[AtRiskPair, ...]) -> dict[str, int]:
    return {reason: sum(reason in p.reasons for p in at_risk) for reason in REASONS}
