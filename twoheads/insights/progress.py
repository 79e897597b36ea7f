"""One participant's own progress: meetings, ideas each way, goals and the feedback received."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, DateField, F, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from twoheads.journal.models import Feedback, Goal, Idea
from twoheads.meetings.models import Meeting
from twoheads.pairing.models import Pair
from twoheads.participants.models import Participant

from .figures import months_after

# What partners rated is shown to the person rated only as the average of this many ratings
# in a row, in the order they were given, and only once a block is full: a shown block never
# changes, so no one meeting's answers can be read from it or worked out from a change.
FEEDBACK_BLOCK = 3


@dataclass(frozen=True)
class MonthCount:
    month: date
    held: int


@dataclass(frozen=True)
class FeedbackBlock:
    """The average of a few consecutive ratings partners gave this person's meetings, per
    dimension; ``until`` is the day the last of them was given."""

    until: date
    count: int
    listened: float | None
    was_listened_to: float | None
    learned: float | None
    will_act: float | None

    @property
    def average(self) -> float | None:
        values = [getattr(self, n) for n in Feedback.DIMENSIONS]
        known = [v for v in values if v is not None]
        return sum(known) / len(known) if known else None


@dataclass(frozen=True)
class GoalLine:
    kind: str
    title: str
    progress: int
    progressed_at: datetime


@dataclass(frozen=True)
class ParticipantProgress:
    meetings_held: int
    meetings_planned: int
    meeting_months: tuple[MonthCount, ...]
    ideas_shared: tuple[tuple[str, int], ...]  # by state, ideas this person shared
    ideas_received: tuple[tuple[str, int], ...]  # by state, ideas shared with this person
    goals: tuple[GoalLine, ...]
    feedback: tuple[FeedbackBlock, ...]

    @staticmethod
    def _total(states: tuple[tuple[str, int], ...]) -> int:
        return sum(n for _s, n in states)

    @property
    def shared_total(self) -> int:
        return self._total(self.ideas_shared)

    @property
    def received_total(self) -> int:
        return self._total(self.ideas_received)


def _month() -> TruncMonth:
    return TruncMonth("starts_at", output_field=DateField())


def _every_month(held: dict[date, int]) -> tuple[MonthCount, ...]:
    """Each month from the first with a meeting held to the last, a month without any as 0,
    so the chart's bars stand a month apart."""
    if not held:
        return ()
    first, last = min(held), max(held)
    span = (last.year - first.year) * 12 + last.month - first.month + 1
    months = (months_after(first, i) for i in range(span))
    return tuple(MonthCount(month, held.get(month, 0)) for month in months)


def _idea_states(ideas: object) -> tuple[tuple[str, int], ...]:
    counts = dict(ideas.values_list("state").annotate(n=Count("pk")).order_by())  # type: ignore[attr-defined]
    return tuple((state.value, counts.get(state.value, 0)) for state in Idea.State)


def participant_progress(
    participant: Participant, now: datetime | None = None
) -> ParticipantProgress:
    """The person's own figures across every pair they have been in."""
    now = now or timezone.now()
    pairs = Pair.objects.filter(Q(mentor=participant) | Q(mentee=participant))
    meetings = Meeting.objects.filter(pair__in=pairs)
    held = meetings.filter(log__held=True)
    months = held.annotate(month=_month()).values("month").annotate(n=Count("pk")).order_by("month")
    user_id = participant.user_id
    received = (
        Feedback.objects.filter(meeting__pair__in=pairs)
        .exclude(author_id=user_id)
        .order_by("created_at", "pk")
        .values_list("created_at", *Feedback.DIMENSIONS)
    )
    goals = Goal.objects.filter(owner=participant).order_by("created_at", "pk")
    return ParticipantProgress(
        meetings_held=held.count(),
        meetings_planned=meetings.upcoming(now).count(),
        meeting_months=_every_month({row["month"]: row["n"] for row in months}),
        ideas_shared=_idea_states(Idea.objects.filter(shared_by=participant)),
        ideas_received=_idea_states(
            Idea.objects.filter(shared_with=participant).exclude(shared_by=F("shared_with"))
        ),
        goals=tuple(
            GoalLine(kind, title, progress, at)
            for kind, title, progress, at in goals.values_list(
                "kind", "title", "progress", "progressed_at"
            )
        ),
        feedback=_feedback_blocks(list(received)),
    )


def _feedback_blocks(ratings: list[tuple]) -> tuple[FeedbackBlock, ...]:
    """Full blocks of ``FEEDBACK_BLOCK`` consecutive ratings (given at, then each dimension)."""
    full = len(ratings) - len(ratings) % FEEDBACK_BLOCK
    blocks = []
    for first in range(0, full, FEEDBACK_BLOCK):
        block = ratings[first : first + FEEDBACK_BLOCK]
        means = {}
        for i, name in enumerate(Feedback.DIMENSIONS, start=1):
            known = [row[i] for row in block if row[i] is not None]
            means[name] = sum(known) / len(known) if known else None
        until = timezone.localtime(block[-1][0]).date()
        blocks.append(FeedbackBlock(until=until, count=len(block), **means))
    return tuple(blocks)
