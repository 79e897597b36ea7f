"""One participant's own progress: meetings, ideas each way, goals and the feedback received."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Avg, Count, DateField, F, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from twoheads.journal.models import Feedback, Goal, Idea
from twoheads.meetings.models import Meeting
from twoheads.pairing.models import Pair
from twoheads.participants.models import Participant

# A month of partners' ratings is shown to the person rated only when it holds this many.
FEEDBACK_SHOWN_FROM = 3


@dataclass(frozen=True)
class MonthCount:
    month: date
    held: int


@dataclass(frozen=True)
class FeedbackMonth:
    """The partners' ratings of this person's meetings in one month, per dimension."""

    month: date
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
    feedback: tuple[FeedbackMonth, ...]

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
    # What partners rated, only as averages that cannot be told apart into one meeting's
    # answers: by the month the ratings were given, once that month is over (no later rating
    # can change it), and only where it holds enough of them.
    this_month = timezone.localtime(now).date().replace(day=1)
    received = (
        Feedback.objects.filter(meeting__pair__in=pairs)
        .exclude(author_id=user_id)
        .annotate(month=TruncMonth("created_at", output_field=DateField()))
        .filter(month__lt=this_month)
        .values("month")
        .annotate(n=Count("pk"), **{name: Avg(name) for name in Feedback.DIMENSIONS})
        .filter(n__gte=FEEDBACK_SHOWN_FROM)
        .order_by("month")
    )
    goals = Goal.objects.filter(owner=participant).order_by("created_at", "pk")
    return ParticipantProgress(
        meetings_held=held.count(),
        meetings_planned=meetings.upcoming(now).count(),
        meeting_months=tuple(MonthCount(row["month"], row["n"]) for row in months),
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
        feedback=tuple(
            FeedbackMonth(
                month=row["month"],
                count=row["n"],
                **{name: row[name] for name in Feedback.DIMENSIONS},
            )
            for row in received
        ),
    )
