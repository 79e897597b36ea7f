"""Match runs, the pairs they propose, and the live pairs people accept."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from twoheads.accounts.models import User
from twoheads.participants.models import Participant
from twoheads.programmes.models import Programme


class MatchRun(models.Model):
    """One run of the engine over a programme; kept so runs can be compared."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        PUBLISHED = "published", _("Published")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="runs")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    mode = models.CharField(max_length=16, default="optimal")
    fairness = models.BooleanField(default=False)
    seed = models.PositiveIntegerField(default=0)
    progress = models.FloatField(default=0.0)
    message = models.CharField(max_length=255, blank=True)
    error = models.TextField(blank=True)
    summary = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("match run")
        verbose_name_plural = _("match runs")

    def __str__(self) -> str:
        return f"Run {self.pk} of {self.programme}"

    def get_absolute_url(self) -> str:
        return reverse("run_detail", args=[self.programme.slug, self.pk])


class ProposedPair(models.Model):
    """A pair the engine proposed in a run, before it is published."""

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="proposals")
    mentor = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    mentee = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(default=0.0)
    components = models.JSONField(default=dict, blank=True)
    explanation = models.TextField(blank=True)
    locked = models.BooleanField(default=False)
    manual = models.BooleanField(default=False)
    broken_rules = models.JSONField(default=list, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-score"]
        constraints = [
            models.UniqueConstraint(fields=["run", "mentor", "mentee"], name="unique_proposal")
        ]
        verbose_name = _("proposed pair")
        verbose_name_plural = _("proposed pairs")

    def __str__(self) -> str:
        return f"{self.mentor} & {self.mentee} ({self.score:.2f})"


class UnmatchedResult(models.Model):
    """A participant a run left without a partner, and why."""

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="unmatched")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField()

    class Meta:
        verbose_name = _("unmatched participant")
        verbose_name_plural = _("unmatched participants")

    def __str__(self) -> str:
        return f"{self.participant}: {self.reason[:60]}"


class PairQuerySet(models.QuerySet["Pair"]):
    def of_user(self, user: User) -> "PairQuerySet":
        """Pairs the user is a partner in."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(mentor__user=user) | Q(mentee__user=user))

    def live(self) -> "PairQuerySet":
        return self.filter(status__in=[Pair.Status.PROPOSED, Pair.Status.ACTIVE])


class Pair(models.Model):
    """A reverse mentor and a mentee working together (or asked to)."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Waiting for both to accept")
        ACTIVE = "active", _("Active")
        DECLINED = "declined", _("Declined")
        ENDED = "ended", _("Ended")

    class Response(models.TextChoices):
        PENDING = "", _("Not answered yet")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="pairs")
    run = models.ForeignKey(
        MatchRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="pairs"
    )
    mentor = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="pairs_as_mentor"
    )
    mentee = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="pairs_as_mentee"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PROPOSED)
    score = models.FloatField(default=0.0)
    components = models.JSONField(default=dict, blank=True)
    explanation = models.TextField(blank=True)
    mentor_response = models.CharField(
        max_length=16, choices=Response.choices, blank=True, default=Response.PENDING
    )
    mentee_response = models.CharField(
        max_length=16, choices=Response.choices, blank=True, default=Response.PENDING
    )
    decline_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.TextField(blank=True)

    objects = PairQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["programme", "status"])]
        verbose_name = _("pair")
        verbose_name_plural = _("pairs")

    def __str__(self) -> str:
        return f"{self.mentor} & {self.mentee}"

    def get_absolute_url(self) -> str:
        return reverse("pair_detail", args=[self.pk])

    def partner_of(self, participant: Participant) -> Participant:
        return self.mentee if participant.pk == self.mentor_id else self.mentor

    def side_of(self, user: User) -> Participant | None:
        """The user's own place in the pair, or None if they are not in it."""
        if self.mentor.user_id == user.pk:
            return self.mentor
        if self.mentee.user_id == user.pk:
            return self.mentee
        return None

    @property
    def crosses_organisations(self) -> bool:
        return self.mentor.organisation_id != self.mentee.organisation_id
