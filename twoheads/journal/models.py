"""What a pair keeps together: journal notes, ideas, goals, feedback, check-ins, guides, nudges."""

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Count, F, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from twoheads.accounts.models import User
from twoheads.meetings.models import Meeting, PairTally, RecountOnDelete, chunked
from twoheads.pairing.models import Pair
from twoheads.participants.models import Participant
from twoheads.programmes.models import Programme

from .guides import MENTOR_STARTERS, default_guides

RATING = [MinValueValidator(1), MaxValueValidator(5)]
STALLED_AFTER_DAYS = 30
PARK_FOR_DAYS = 30
REVISIT_AT_MOST_DAYS = 366


class Side(models.TextChoices):
    """The partner of a pair who gave a rating."""

    MENTOR = "mentor", _("Reverse mentor")
    MENTEE = "mentee", _("Mentee")


def record_sides(rows: Iterable["Feedback | CheckIn"]) -> None:
    """Note which side of its pair wrote each new row, from the pair's two accounts.

    Stored rather than derived, so the figures per side still add up once erasure or
    anonymisation has taken the author away. A row given a side keeps it.
    """
    unsided = [row for row in rows if row._state.adding and not row.side and row.author_id]
    accounts: dict[tuple[int, int], str] = {}
    for ids in chunked(row.pair_id for row in unsided):
        pairs = Pair.objects.filter(pk__in=ids).values_list("pk", "mentor__user", "mentee__user")
        for pk, mentor, mentee in pairs:
            accounts[pk, mentor] = Side.MENTOR
            accounts[pk, mentee] = Side.MENTEE
    for row in unsided:
        row.side = accounts.get((row.pair_id, row.author_id), "")


class JournalEntryQuerySet(models.QuerySet["JournalEntry"]):
    def readable_by(self, user: User) -> "JournalEntryQuerySet":
        """The user's own entries, and those their partners shared with them."""
        if not user.is_authenticated:
            return self.none()
        shared = Q(shared_at__isnull=False, pair__in=Pair.objects.of_user(user))
        return self.filter(Q(author=user) | shared)


class JournalEntry(models.Model):
    """A note, about a meeting or not; private to its author until they share it."""

    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="journal_entries")
    author = models.ForeignKey(User, on_delete=models.CASCADE, related_name="journal_entries")
    meeting = models.ForeignKey(
        Meeting,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="journal_entries",
        verbose_name=_("about the meeting"),
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    text = models.TextField(_("note"))
    shared_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = JournalEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")

    def __str__(self) -> str:
        return self.title or f"Note {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("journal_entry", args=[self.pk])

    @property
    def is_shared(self) -> bool:
        return self.shared_at is not None

    def share(self) -> None:
        self.shared_at = timezone.now()
        self.save(update_fields=["shared_at", "updated_at"])

    def unshare(self) -> None:
        self.shared_at = None
        self.save(update_fields=["shared_at", "updated_at"])


class IdeaQuerySet(models.QuerySet["Idea"]):
    def of_user(self, user: User) -> "IdeaQuerySet":
        return self.filter(pair__in=Pair.objects.of_user(user))

    def to_revisit(self, today: date | None = None) -> "IdeaQuerySet":
        """Parked or stalled ideas whose revisit date has come."""
        return self.filter(revisit_on__lte=today or timezone.localdate()).exclude(
            state=Idea.State.ADOPTED
        )


# How far an idea has landed with the partner it was shared with: theirs alone to say.
RECEIVERS_STATES = frozenset({"understood", "trying", "adopted"})


class Idea(models.Model):
    """An idea or concept one partner shared with the other, followed until it lands or rests."""

    class State(models.TextChoices):
        SHARED = "shared", _("Shared")
        UNDERSTOOD = "understood", _("Understood")
        TRYING = "trying", _("Trying it")
        ADOPTED = "adopted", _("Adopted")
        PARKED = "parked", _("Parked")

    TRANSITIONS = {
        State.SHARED: {State.UNDERSTOOD, State.PARKED},
        State.UNDERSTOOD: {State.TRYING, State.PARKED},
        State.TRYING: {State.ADOPTED, State.UNDERSTOOD, State.PARKED},
        # A parked idea comes back where the pair left it, or further along.
        State.PARKED: {State.SHARED, State.UNDERSTOOD, State.TRYING},
        State.ADOPTED: set(),
    }

    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="ideas")
    shared_by = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="ideas_shared"
    )
    shared_with = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="ideas_received"
    )
    title = models.CharField(_("idea"), max_length=200)
    description = models.TextField(_("more about it"), blank=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.SHARED)
    revisit_on = models.DateField(_("come back to it on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = IdeaQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("idea_detail", args=[self.pk])

    def untouched(self) -> bool:
        """Still just shared, with nothing done to it since: taking it back loses nothing."""
        return self.state == self.State.SHARED and self.events.count() <= 1

    def next_states(self) -> list["Idea.State"]:
        allowed = self.TRANSITIONS[self.State(self.state)]
        return [state for state in self.State if state in allowed]

    def can_move_to(self, state: str) -> bool:
        return state in self.TRANSITIONS[self.State(self.state)]

    def next_states_for(self, user: User) -> list["Idea.State"]:
        """The moves open to ``user``: only the partner the idea was shared with says it is
        understood, being tried or adopted, since it is theirs to take up; either partner
        parks it or brings it back to talk over."""
        receiver = self.shared_with.user_id == user.pk
        return [s for s in self.next_states() if receiver or s not in RECEIVERS_STATES]

    def _require_adopter(self, state: str, actor: User) -> None:
        if state in RECEIVERS_STATES and self.shared_with.user_id != actor.pk:
            raise ValidationError(
                {
                    "state": _(
                        "Only %(name)s, with whom the idea was shared, can move it to "
                        "“%(state)s”: it is theirs to take up."
                    )
                    % {"name": self.shared_with.display_name, "state": self.State(state).label}
                }
            )

    def _require_move(self, state: str) -> None:
        if not self.can_move_to(state):
            raise ValidationError(
                _("An idea cannot go from %(old)s to %(new)s."),
                params={"old": self.get_state_display(), "new": self.State(state).label},
                code="bad_transition",
            )

    def default_revisit(self, state: str, today: date) -> date | None:
        """Parked ideas rest a while; others are looked at again if they stall."""
        if state == self.State.ADOPTED:
            return None
        return today + timedelta(
            days=PARK_FOR_DAYS if state == self.State.PARKED else STALLED_AFTER_DAYS
        )

    def move(
        self,
        state: str,
        *,
        actor: User,
        note: str,
        revisit_on: date | None = None,
        today: date | None = None,
    ) -> "IdeaEvent":
        """Move to `state` with a dated note, refusing moves the idea's life does not allow."""
        self._require_move(state)
        self._require_adopter(state, actor)
        if not note.strip():
            raise ValidationError({"note": _("Say in a few words what changed.")})
        today = today or timezone.localdate()
        if revisit_on is not None and revisit_on <= today:
            raise ValidationError({"revisit_on": _("Choose a revisit date after today.")})
        if revisit_on is not None and state == self.State.ADOPTED:
            raise ValidationError(
                {"revisit_on": _("An adopted idea is not come back to: leave the date empty.")}
            )
        if revisit_on is not None and revisit_on > today + timedelta(days=REVISIT_AT_MOST_DAYS):
            raise ValidationError(
                {"revisit_on": _("Choose a date within a year; it can be moved on then.")}
            )
        with transaction.atomic():
            # The move is from the state the idea is in now: the other partner may have moved
            # it since this copy was read.
            self.state = (
                Idea.objects.select_for_update().values_list("state", flat=True).get(pk=self.pk)
            )
            self._require_move(state)
            event = IdeaEvent.objects.create(
                idea=self, from_state=self.state, to_state=state, note=note.strip(), actor=actor
            )
            self.state = state
            self.revisit_on = revisit_on or self.default_revisit(state, today)
            self.save(update_fields=["state", "revisit_on", "updated_at"])
        return event

    @property
    def is_parked(self) -> bool:
        return self.state == self.State.PARKED


class IdeaEvent(models.Model):
    """One dated step in an idea's life, with the note that explains it."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(max_length=16, choices=Idea.State.choices, blank=True)
    to_state = models.CharField(max_length=16, choices=Idea.State.choices)
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("idea event")
        verbose_name_plural = _("idea events")

    def __str__(self) -> str:
        return f"{self.idea}: {self.from_state or '-'} -> {self.to_state}"


def hopes_field(pair: Pair, person: Participant) -> str:
    """The field of an agreement that holds `person`'s own hopes."""
    return f"{pair.role_of(person)}_hopes"


class Agreement(models.Model):
    """What the two partners agree on for their mentoring: how often and how they meet, what
    stays between them, and what each hopes for. Either may write it; it holds once both have
    agreed to the same words, and a change asks the other to agree again. Only the two of
    them read it."""

    AGREED_TEXT = _(
        "What we say in our meetings stays between us, unless we both agree to share it. "
        "Either of us can say no to a topic, and can ask to pause or end the mentoring "
        "without giving a reason."
    )

    pair = models.OneToOneField(Pair, on_delete=models.CASCADE, related_name="agreement")
    meet_every_days = models.PositiveSmallIntegerField(
        _("we meet every (days)"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    how_we_meet = models.CharField(
        _("how and when we meet"),
        max_length=300,
        blank=True,
        help_text=_("For example: a video call on Tuesdays at 10, or coffee at the London office."),
    )
    between_us = models.TextField(_("what stays between us"), max_length=1000)
    mentor_hopes = models.TextField(_("what the mentor hopes for"), max_length=1000, blank=True)
    mentee_hopes = models.TextField(_("what the mentee hopes for"), max_length=1000, blank=True)
    updated_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    mentor_agreed_at = models.DateTimeField(null=True, blank=True)
    mentee_agreed_at = models.DateTimeField(null=True, blank=True)

    TEXTS = ("how_we_meet", "between_us", "mentor_hopes", "mentee_hopes")

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")

    def __str__(self) -> str:
        return f"Agreement of {self.pair}"

    @property
    def agreed(self) -> bool:
        return bool(self.mentor_agreed_at and self.mentee_agreed_at)

    def agreed_at(self, person: Participant) -> datetime | None:
        return getattr(self, f"{self.pair.role_of(person)}_agreed_at")

    def agree(self, person: Participant, at: datetime | None = None) -> None:
        """Record that `person`, one of the two partners, agrees to the words as they are."""
        setattr(self, f"{self.pair.role_of(person)}_agreed_at", at or timezone.now())

    def hopes_of(self, person: Participant) -> str:
        return getattr(self, hopes_field(self.pair, person))

    def text(self) -> str:
        """Everything written in it, for the guard."""
        return "\n\n".join(filter(None, (getattr(self, name) for name in self.TEXTS)))


class Goal(models.Model):
    """Something one partner wants to grow in, with progress they update themselves."""

    class Kind(models.TextChoices):
        LISTENING = "listening", _("Listening")
        CONFIDENCE = "confidence", _("Confidence")
        SKILL = "skill", _("A skill")
        OTHER = "other", _("Other")

    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="goals")
    owner = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="goals")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.SKILL)
    title = models.CharField(_("goal"), max_length=200)
    description = models.TextField(_("what success looks like"), blank=True)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    created_at = models.DateTimeField(auto_now_add=True)
    progressed_at = models.DateTimeField(_("last updated"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.progress >= 100

    def is_stale(self, now: datetime | None = None, days: int = 30) -> bool:
        return not self.is_done and self.progressed_at <= (now or timezone.now()) - timedelta(
            days=days
        )

    def record_progress(self, progress: int, note: str = "") -> "GoalUpdate":
        """A dated update; progress may go down as well as up, honestly."""
        if not 0 <= progress <= 100:
            raise ValidationError({"progress": _("Progress is a percentage from 0 to 100.")})
        with transaction.atomic():
            update = GoalUpdate.objects.create(goal=self, progress=progress, note=note.strip())
            self.progress = progress
            self.progressed_at = update.at
            self.save(update_fields=["progress", "progressed_at"])
        return update


class GoalUpdate(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="updates")
    progress = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("goal update")
        verbose_name_plural = _("goal updates")

    def __str__(self) -> str:
        return f"{self.goal}: {self.progress}%"


class FeedbackQuerySet(RecountOnDelete["Feedback"]):
    def bulk_create(self, objs: Iterable["Feedback"], *args: Any, **kwargs: Any) -> list:
        """Insert the ratings and recount their pairs' tallies."""
        rows = list(objs)
        for row in rows:
            row.copy_from_meeting()
        record_sides(rows)
        with transaction.atomic():
            created = super().bulk_create(rows, *args, **kwargs)
            FeedbackTally.recount(row.pair_id for row in created)
        return created


class Feedback(models.Model):
    """One partner's ratings of one meeting that took place.

    Saving or deleting feedback recounts the pair's `FeedbackTally` in the same transaction.
    Erasure and anonymisation keep the ratings and their side, without author or comment.
    """

    DIMENSIONS = ("listened", "was_listened_to", "learned", "will_act")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="feedback")
    author = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="meeting_feedback"
    )
    side = models.CharField(
        max_length=8, choices=Side.choices, blank=True, default="", editable=False
    )
    listened = models.PositiveSmallIntegerField(_("I listened well"), validators=RATING)
    was_listened_to = models.PositiveSmallIntegerField(_("I was listened to"), validators=RATING)
    learned = models.PositiveSmallIntegerField(_("I learned something"), validators=RATING)
    will_act = models.PositiveSmallIntegerField(_("I will act on something"), validators=RATING)
    comment = models.TextField(_("comment"), blank=True)
    comment_for_manager = models.BooleanField(
        _("let the programme manager read my comment"), default=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The meeting's pair and start, copied when the feedback is written (a logged meeting never
    # moves), so the dashboard reads the last weeks' ratings from one index.
    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="+", editable=False)
    meeting_starts_at = models.DateTimeField(editable=False)

    objects = FeedbackQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "author"], name="one_feedback_per_person")
        ]
        indexes = [
            # The last weeks' ratings: a range of this index alone, never the whole table.
            models.Index(
                fields=[
                    "meeting_starts_at",
                    "pair",
                    "listened",
                    "was_listened_to",
                    "learned",
                    "will_act",
                ],
                name="feedback_by_meeting_start",
            )
        ]
        verbose_name = _("meeting feedback")
        verbose_name_plural = _("meeting feedback")

    def __str__(self) -> str:
        return f"{self.author or self.get_side_display() or '-'} on {self.meeting}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.copy_from_meeting()
        record_sides([self])
        with transaction.atomic():
            super().save(*args, **kwargs)
            FeedbackTally.recount([self.pair_id])

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        with transaction.atomic():
            deleted = super().delete(*args, **kwargs)
            FeedbackTally.recount([self.pair_id])
        return deleted

    def copy_from_meeting(self) -> None:
        """Take the meeting's pair and start, when the feedback is first written."""
        if self._state.adding:
            self.pair_id = self.meeting.pair_id
            self.meeting_starts_at = self.meeting.starts_at

    @property
    def average(self) -> float:
        return sum(getattr(self, name) for name in self.DIMENSIONS) / len(self.DIMENSIONS)

    @property
    def manager_comment(self) -> str:
        """What a programme manager may read of the comment: all of it, or nothing."""
        return self.comment if self.comment_for_manager else ""


def answers_total() -> Any:
    """The sum of one feedback's four answers."""
    return F("listened") + F("was_listened_to") + F("learned") + F("will_act")


class FeedbackTally(PairTally):
    """A pair's meeting feedback added up, all of it and as each side rates: read by the
    programme dashboard instead of every rating.

    Recounted whenever feedback is saved or deleted (see `PairTally`).
    """

    rows_of = Feedback

    pair = models.OneToOneField(
        Pair, on_delete=models.CASCADE, primary_key=True, related_name="feedback_tally"
    )
    # Every rating of the pair's meetings, whoever gave it, and the sum of all their answers.
    ratings = models.PositiveIntegerField(default=0)
    rating_total = models.PositiveIntegerField(default=0)
    # As the reverse mentor rates: how many ratings, and the sum of each answer.
    mentor_ratings = models.PositiveIntegerField(default=0)
    mentor_listened = models.PositiveIntegerField(default=0)
    mentor_was_listened_to = models.PositiveIntegerField(default=0)
    mentor_learned = models.PositiveIntegerField(default=0)
    mentor_will_act = models.PositiveIntegerField(default=0)
    # As the mentee rates.
    mentee_ratings = models.PositiveIntegerField(default=0)
    mentee_listened = models.PositiveIntegerField(default=0)
    mentee_was_listened_to = models.PositiveIntegerField(default=0)
    mentee_learned = models.PositiveIntegerField(default=0)
    mentee_will_act = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("feedback tally")
        verbose_name_plural = _("feedback tallies")

    def __str__(self) -> str:
        return f"{self.pair_id}: {self.ratings} ratings"

    @classmethod
    def counted_fields(cls) -> list[str]:
        return [f.name for f in cls._meta.concrete_fields if not f.primary_key]

    @classmethod
    def sums(cls) -> dict[str, Any]:
        """The aggregates of `Feedback` rows that fill each field, by field name."""
        sums: dict[str, Any] = {"ratings": Count("pk"), "rating_total": Sum(answers_total())}
        for side in Side.values:
            mine = Q(side=side)
            sums[f"{side}_ratings"] = Count("pk", filter=mine)
            for name in Feedback.DIMENSIONS:
                sums[f"{side}_{name}"] = Sum(name, filter=mine)
        return sums


class CheckInQuerySet(models.QuerySet["CheckIn"]):
    def bulk_create(self, objs: Iterable["CheckIn"], *args: Any, **kwargs: Any) -> list:
        """Insert the check-ins, each with the side of its pair that answered."""
        rows = list(objs)
        record_sides(rows)
        return super().bulk_create(rows, *args, **kwargs)


class CheckIn(models.Model):
    """A survey on the relationship: periodic check-ins and the exit survey when a pair closes.

    Erasure and anonymisation keep the answers and their side, without author or comment.
    """

    class Kind(models.TextChoices):
        CHECKIN = "checkin", _("Check-in")
        EXIT = "exit", _("Exit survey")

    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="checkins")
    author = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="checkins"
    )
    side = models.CharField(
        max_length=8, choices=Side.choices, blank=True, default="", editable=False
    )
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.CHECKIN)
    due_on = models.DateField(null=True, blank=True)
    relationship = models.PositiveSmallIntegerField(_("We work well together"), validators=RATING)
    openness = models.PositiveSmallIntegerField(
        _("We can talk openly, both ways"), validators=RATING
    )
    benefit = models.PositiveSmallIntegerField(
        _("I am getting something out of it"), validators=RATING
    )
    comment = models.TextField(_("anything else"), blank=True)
    comment_for_manager = models.BooleanField(
        _("let the programme manager read my comment"), default=False
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = CheckInQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["pair", "author"],
                condition=Q(kind="exit"),
                name="one_exit_survey_per_person",
            )
        ]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")

    def __str__(self) -> str:
        who = self.author or self.get_side_display() or "-"
        return f"{self.get_kind_display()} by {who} on {self.pair}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        record_sides([self])
        super().save(*args, **kwargs)


class GuideQuerySet(models.QuerySet["Guide"]):
    def for_programme(self, programme: Programme) -> "GuideQuerySet":
        """The programme's guides, creating the default text of any that are missing."""
        titles = dict(self.filter(programme=programme).values_list("kind", "title"))
        missing = [kind for kind in Guide.Kind if kind not in titles]
        if missing:
            defaults = default_guides(programme)
            Guide.objects.bulk_create(
                [
                    Guide(programme=programme, kind=k, title=defaults[k][0], body=defaults[k][1])
                    for k in missing
                ],
                ignore_conflicts=True,
            )
        self._name_mentors_as(programme, titles.get(Guide.Kind.STARTERS_MENTOR))
        return self.filter(programme=programme).select_related("programme")

    def _name_mentors_as(self, programme: Programme, title: str | None) -> None:
        """A default title naming the mentors follows the programme's type when it changes
        (or was stored before titles followed it); a title the manager wrote stays."""
        wanted = str(MENTOR_STARTERS[programme.is_reverse])
        if title != wanted and title in {str(t) for t in MENTOR_STARTERS.values()}:
            kind = Guide.Kind.STARTERS_MENTOR
            self.filter(programme=programme, kind=kind).update(title=wanted)


class Guide(models.Model):
    """Short help shown at the moment it is useful; programme managers can rewrite it."""

    class Kind(models.TextChoices):
        FIRST_AGENDA = "first_agenda", _("First-meeting agenda")
        STARTERS_MENTOR = "starters_mentor", _("Conversation starters for reverse mentors")
        STARTERS_MENTEE = "starters_mentee", _("Conversation starters for mentees")
        LISTENING = "listening", _("Listening tips for the senior partner")
        SPEAKING_UP = "speaking_up", _("Speaking up with confidence, for the junior partner")
        CONFIDENTIALITY = "confidentiality", _("What not to share outside the business")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="guides")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    updated_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = GuideQuerySet.as_manager()

    class Meta:
        ordering = ["programme", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "kind"], name="one_guide_per_kind")
        ]
        verbose_name = _("guide")
        verbose_name_plural = _("guides")

    def __str__(self) -> str:
        return self.title

    def lines(self) -> list[str]:
        return [line.strip(" -•*\t") for line in self.body.splitlines() if line.strip(" -•*\t")]

    @property
    def kind_label(self) -> str:
        """What the guide is for, in the programme's words."""
        if self.kind == self.Kind.STARTERS_MENTOR:
            return str(MENTOR_STARTERS[self.programme.is_reverse])
        return self.get_kind_display()

    @property
    def shown_to(self) -> str:
        """Who reads the guide on their pair's page, and when (as `guides_for` picks)."""
        if self.kind == self.Kind.STARTERS_MENTOR and not self.programme.is_reverse:
            return str(_("Mentors"))
        return str(GUIDE_AUDIENCE[self.Kind(self.kind)])


GUIDE_AUDIENCE = {
    Guide.Kind.FIRST_AGENDA: _("Both partners, until their first meeting is held"),
    Guide.Kind.STARTERS_MENTOR: _("Reverse mentors"),
    Guide.Kind.STARTERS_MENTEE: _("Mentees"),
    Guide.Kind.LISTENING: _("The senior partner of each pair"),
    Guide.Kind.SPEAKING_UP: _("The junior partner of each pair"),
    Guide.Kind.CONFIDENTIALITY: _("Both partners"),
}


class NudgePreference(models.Model):
    """Which kinds of nudge a person does not want by email."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="nudge_preference")
    muted = models.JSONField(_("muted kinds"), default=list, blank=True)

    class Meta:
        verbose_name = _("nudge preference")
        verbose_name_plural = _("nudge preferences")

    def __str__(self) -> str:
        return f"{self.user}: muted {', '.join(self.muted) or 'nothing'}"

    @classmethod
    def muted_for(cls, user: User) -> set[str]:
        pref = cls.objects.filter(user=user).first()
        return set(pref.muted) if pref else set()


class SentNudge(models.Model):
    """A nudge that went out in a digest; the key makes sending it twice impossible."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sent_nudges")
    kind = models.CharField(max_length=24)
    key = models.CharField(max_length=120)
    sent_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="one_nudge_per_key")]
        verbose_name = _("sent nudge")
        verbose_name_plural = _("sent nudges")

    def __str__(self) -> str:
        return f"{self.kind} to {self.user} at {self.sent_at:%Y-%m-%d %H:%M}"


def forget_authors(users: Iterable[User]) -> dict[str, int]:
    """Keep the people's ratings in the figures, without author or comment.

    Erasure calls it, and so does deleting an account in the admin, before the account goes.
    """
    kept = {}
    for what, ratings in (("feedback", Feedback.objects), ("check-ins", CheckIn.objects)):
        kept[what] = ratings.filter(author__in=list(users)).update(
            author=None, comment="", comment_for_manager=False
        )
    return kept
