"""Match runs, the pairs they propose, and the live pairs people accept."""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from twoheads.accounts.models import User
from twoheads.participants.models import Participant
from twoheads.programmes.models import Programme


def stale_after_seconds() -> int:
    """How long a running run may go without a progress report before it is presumed dead."""
    return int(settings.MATCH_RUN_STALE_SECONDS)


# A proposal publishing turns into a pair: both its people are still taking part.
BOTH_ACTIVE = Q(mentor__status=Participant.Status.ACTIVE, mentee__status=Participant.Status.ACTIVE)


class MatchRunQuerySet(models.QuerySet["MatchRun"]):
    def fail_stalled(self) -> int:
        """Mark every stalled run in this queryset failed; returns how many were."""
        working = self.filter(status__in=[MatchRun.Status.QUEUED, MatchRun.Status.RUNNING])
        return sum(run.fail_if_stalled() for run in working)


class MatchRun(models.Model):
    """One run of the engine over a programme; kept so runs can be compared."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Ready to review")
        FAILED = "failed", _("Failed")
        PUBLISHED = "published", _("Published")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="runs")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)

    class Mode(models.TextChoices):
        OPTIMAL = "optimal", _("Best overall pairs (exact)")
        STABLE = "stable", _("Stable pairs from everyone's ranking")

    mode = models.CharField(max_length=16, choices=Mode.choices, default=Mode.OPTIMAL)
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
    # The run this one re-runs: its locked pairs are kept and its removed pairs kept out.
    base_run = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reruns"
    )
    # [[mentor external id, mentee external id], ...] the manager removed; never proposed again.
    blocked = models.JSONField(default=list, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(default=1)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    objects = MatchRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("match run")
        verbose_name_plural = _("match runs")

    def __str__(self) -> str:
        return f"Run {self.number} of {self.programme}"

    def get_absolute_url(self) -> str:
        return reverse("run_detail", args=[self.programme.slug, self.pk])

    @property
    def number(self) -> int:
        """The run's place among its programme's runs, from 1, as the pages call it (its id
        counts every programme's runs). A list may give it as the annotation ``run_number``."""
        known = self.__dict__.get("run_number")
        if known is None:
            known = MatchRun.objects.filter(programme_id=self.programme_id, pk__lte=self.pk).count()
            self.__dict__["run_number"] = known
        return int(known)

    @property
    def is_working(self) -> bool:
        """Queued or running: the page keeps polling."""
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def has_results(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.PUBLISHED)

    def pairs_made_since(self) -> int:
        """Pairs made in the programme since this run read it (by another run's publishing, a
        rematch or a request): its proposals do not take them into account, so a finished run
        with any is out of date and must run again before it is published."""
        since = self.started_at or self.created_at
        return Pair.objects.filter(programme_id=self.programme_id, created_at__gte=since).count()

    def publish_refusal(self) -> str:
        """Why this finished run cannot be published, in plain words; "" when it can. A draft
        programme's run is a trial; an out-of-date run must run again; a run proposing no new
        pair has nothing to publish."""
        programme = self.programme
        if programme.status == Programme.Status.DRAFT:
            return (
                _(
                    "%s is still a draft: a run here is a trial. Open it for enrolment, then run "
                    "again and publish."
                )
                % programme.name
            )
        newer = self.pairs_made_since()
        if newer:
            return ngettext(
                "%(n)s pair has been made in this programme since this run started; re-run "
                "it so that its proposals take it into account.",
                "%(n)s pairs have been made in this programme since this run started; re-run "
                "it so that its proposals take them into account.",
                newer,
            ) % {"n": newer}
        new = self.proposals.filter(already_live=False).aggregate(
            all=models.Count("pk"), publishable=models.Count("pk", filter=BOTH_ACTIVE)
        )
        if not new["all"]:
            return str(
                _(
                    "This run proposes no new pair, so there is nothing to publish. Add a "
                    "manual pair, or run again when more people have finished their profiles."
                )
            )
        if not new["publishable"]:
            return str(
                _(
                    "Every new pair this run proposes has someone who is no longer active (who "
                    "has left the organisation or is on leave), so there is nothing to publish. "
                    "Run again."
                )
            )
        return ""

    def skipped_on_publish(self) -> "models.QuerySet[ProposedPair]":
        """The new proposals publishing leaves out: their mentor or mentee is no longer active
        (HR has marked them a leaver or on leave since the run, or they withdrew)."""
        return (
            self.proposals.filter(already_live=False)
            .exclude(BOTH_ACTIVE)
            .select_related("mentor", "mentee")
            .order_by("pk")
        )

    @property
    def elapsed_seconds(self) -> int:
        """Seconds from start (or queueing) to the end, or to now while it works."""
        start = self.started_at or self.created_at
        end = self.finished_at or timezone.now()
        return max(0, int((end - start).total_seconds())) if start else 0

    def departments_and_sites(self) -> tuple[list[str], list[str]]:
        """The choices for the review's filters: from the summary, else from the people."""
        if "departments" in self.summary:
            return list(self.summary["departments"]), list(self.summary["sites"])
        people = Participant.objects.filter(programme_id=self.programme_id).order_by()
        return (
            list(people.exclude(department="").values_list("department", flat=True).distinct()),
            list(people.exclude(site="").values_list("site", flat=True).distinct()),
        )

    @property
    def progress_percent(self) -> int:
        return round(max(0.0, min(1.0, self.progress)) * 100)

    def mark_failed(self, reason: str) -> None:
        """Record a failure; proposals are only ever written whole, so none are left behind."""
        self.status = self.Status.FAILED
        self.error = reason
        self.finished_at = timezone.now()
        self.save(update_fields=["status", "error", "finished_at"])

    def fail_if_stalled(self, now: datetime | None = None) -> bool:
        """Mark a run failed when its worker died or its task failed; True when it did."""
        if not self.is_working:
            return False
        now = now or timezone.now()
        reason = self._task_failure()
        last_sign = self.heartbeat_at or self.started_at
        silent = (now - last_sign).total_seconds() if last_sign else 0.0
        waited = (now - self.created_at).total_seconds()
        never_handed = self.status == self.Status.QUEUED and not self.task_id
        if not reason and never_handed and waited > stale_after_seconds():
            reason = str(_("The run was never handed to a worker. Retry the run."))
        if not reason and self.status == self.Status.RUNNING and silent > stale_after_seconds():
            reason = str(
                _(
                    "The worker stopped reporting progress for more than %(minutes)s "
                    "minutes and is presumed dead. Retry the run."
                )
                % {"minutes": stale_after_seconds() // 60}
            )
        if reason:
            self.mark_failed(reason)
        return bool(reason)

    def _task_failure(self) -> str:
        from django.tasks import TaskResultStatus
        from django.tasks.exceptions import TaskResultDoesNotExist

        from .tasks import run_match

        if not self.task_id or not run_match.get_backend().supports_get_result:
            return ""  # a backend that keeps no results (tests, immediate runs) has nothing to say
        try:
            result = run_match.get_result(self.task_id)
        except TaskResultDoesNotExist:
            return str(_("The background task for this run has disappeared. Retry the run."))
        if result.status != TaskResultStatus.FAILED:
            return ""
        last_line = ""
        if result.errors:
            lines = result.errors[-1].traceback.strip().splitlines()
            last_line = lines[-1] if lines else ""
        return str(_("The background task failed: %(error)s")) % {
            "error": last_line or _("no reason given")
        }


# What the review shows of each person; everything else stays in the database.
PEOPLE_SHOWN = ("name", "external_id", "department", "site", "role")
REVIEW_SORTS = {
    "-score": ("-score", "-pk"),
    "score": ("score", "pk"),
    "mentor": ("mentor__name", "pk"),
    "mentee": ("mentee__name", "pk"),
}


def _people_shown() -> models.QuerySet[Participant]:
    return Participant.objects.only(*PEOPLE_SHOWN)


class ProposedPairQuerySet(models.QuerySet["ProposedPair"]):
    def for_review(
        self,
        *,
        q: str = "",
        department: str = "",
        site: str = "",
        min_score: float | None = None,
        max_score: float | None = None,
        sort: str = "-score",
    ) -> "ProposedPairQuerySet":
        """Search, filter and sort; people come in one extra query per page, never per row."""
        qs = self
        if q:
            qs = qs.filter(Q(mentor__name__icontains=q) | Q(mentee__name__icontains=q))
        for field, value in (("department", department), ("site", site)):
            if value:
                qs = qs.filter(Q(**{f"mentor__{field}": value}) | Q(**{f"mentee__{field}": value}))
        if min_score is not None:
            qs = qs.filter(score__gte=min_score)
        if max_score is not None:
            qs = qs.filter(score__lte=max_score)
        return qs.order_by(*REVIEW_SORTS.get(sort, REVIEW_SORTS["-score"])).prefetch_related(
            models.Prefetch("mentor", queryset=_people_shown()),
            models.Prefetch("mentee", queryset=_people_shown()),
        )


class UnmatchedQuerySet(models.QuerySet["UnmatchedResult"]):
    def for_review(
        self, *, q: str = "", department: str = "", site: str = "", **_ignored: object
    ) -> "UnmatchedQuerySet":
        qs = self
        if q:
            qs = qs.filter(participant__name__icontains=q)
        if department:
            qs = qs.filter(participant__department=department)
        if site:
            qs = qs.filter(participant__site=site)
        return qs.order_by("participant__name", "pk").prefetch_related(
            models.Prefetch("participant", queryset=_people_shown())
        )


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
    # Already a live pair when the run started; publishing leaves it as it is.
    already_live = models.BooleanField(default=False)

    objects = ProposedPairQuerySet.as_manager()

    class Meta:
        ordering = ["-score"]
        constraints = [
            models.UniqueConstraint(fields=["run", "mentor", "mentee"], name="unique_proposal")
        ]
        indexes = [models.Index(fields=["run", "score"])]
        verbose_name = _("proposed pair")
        verbose_name_plural = _("proposed pairs")

    def __str__(self) -> str:
        return f"{self.mentor} & {self.mentee} ({self.score:.2f})"

    def component_list(self) -> list[tuple[str, str, str]]:
        """The score's components in a fixed order, for the review's bars."""
        return component_list(self.components)


COMPONENT_LABELS = {
    "teach": _("Mentor teaches"),
    "learn": _("Mentee teaches"),
    "benefit": _("Mutual benefit"),
    "compatibility": _("Compatibility"),
    "reach": _("Reach"),
}


def component_list(components: dict[str, float]) -> list[tuple[str, str, str]]:
    """(label, value for a meter, value to read) for each component, known ones first.

    Formatted here rather than with template filters: a review page shows hundreds of them.
    """
    keys = [k for k in COMPONENT_LABELS if k in components]
    keys += [k for k in components if k not in COMPONENT_LABELS]
    return [
        (str(COMPONENT_LABELS.get(k, k)), f"{components[k]:.3f}", f"{components[k]:.2f}")
        for k in keys
    ]


class UnmatchedResult(models.Model):
    """A participant a run left without a partner, and why."""

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="unmatched")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField()

    objects = UnmatchedQuerySet.as_manager()

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

    def over(self) -> "PairQuerySet":
        """Pairs that were declined or have ended."""
        return self.filter(status__in=[Pair.Status.DECLINED, Pair.Status.ENDED])

    def partners_of(self, person: Participant) -> models.QuerySet[Participant]:
        """The people these pairs put with ``person``."""
        return Participant.objects.filter(
            Q(pairs_as_mentor__in=self.filter(mentee=person))
            | Q(pairs_as_mentee__in=self.filter(mentor=person))
        ).distinct()


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
    # Every change: an answer, the status, a reason or an explanation blanked. Writes that go
    # around `save()` (an `update()`, the publishing INSERT) set it themselves.
    updated_at = models.DateTimeField(auto_now=True)
    end_reason = models.TextField(blank=True)
    declined_by = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ended_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Set when the pair came from accepted request in a self-selection programme.
    from_request = models.BooleanField(default=False)
    # Made by the programme manager (a manual pair published, or a rematch), with their reason,
    # which both partners read.
    manual = models.BooleanField(default=False)
    manager_reason = models.TextField(blank=True)

    objects = PairQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["programme", "status"]),
            models.Index(fields=["programme", "updated_at"]),
        ]
        verbose_name = _("pair")
        verbose_name_plural = _("pairs")

    def __str__(self) -> str:
        return f"{self.mentor} & {self.mentee}"

    def get_absolute_url(self) -> str:
        return reverse("pair_detail", args=[self.pk])

    def get_status_display(self) -> str:
        """The status as people read it: a pair one partner has accepted names who is still
        to answer."""
        waiting = self.waiting_for()
        if self.status == self.Status.PROPOSED and len(waiting) == 1:
            return _("Waiting for %(name)s to accept") % {"name": waiting[0].display_name}
        return str(self.Status(self.status).label)

    def waiting_for(self) -> list[Participant]:
        """The partners yet to answer a proposed pair."""
        if self.status != self.Status.PROPOSED:
            return []
        return [p for p in (self.mentor, self.mentee) if not self.response_of(p)]

    def role_of(self, participant: Participant) -> str:
        """The participant's side in the pair: "mentor" or "mentee"."""
        return "mentor" if participant.pk == self.mentor_id else "mentee"

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

    def component_list(self) -> list[tuple[str, str, str]]:
        return component_list(self.components)

    @property
    def is_live(self) -> bool:
        return self.status in (self.Status.PROPOSED, self.Status.ACTIVE)

    def response_of(self, participant: Participant) -> str:
        return getattr(self, f"{self.role_of(participant)}_response")

    def set_response(self, participant: Participant, response: str) -> None:
        setattr(self, f"{self.role_of(participant)}_response", response)

    @property
    def both_accepted(self) -> bool:
        accepted = self.Response.ACCEPTED
        return self.mentor_response == accepted and self.mentee_response == accepted


def live_pair_counts(participant_ids: list[int]) -> dict[int, int]:
    """How many live pairs each of these participants is in."""
    counts: dict[int, int] = dict.fromkeys(participant_ids, 0)
    live = Pair.objects.live()
    for field in ("mentor_id", "mentee_id"):
        rows = (
            live.filter(**{f"{field}__in": participant_ids})
            .values(field)
            .annotate(n=models.Count("pk"))
        )
        for row in rows:
            counts[row[field]] += row["n"]
    return counts


class PairRequestQuerySet(models.QuerySet["PairRequest"]):
    def pending(self) -> "PairRequestQuerySet":
        return self.filter(status=PairRequest.Status.PENDING)

    def involving(self, participant: Participant) -> "PairRequestQuerySet":
        return self.filter(Q(sender=participant) | Q(recipient=participant))


class PairRequest(models.Model):
    """In a self-selection programme, one participant asking another to pair up."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")
        CLOSED = "closed", _("Closed")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="requests")
    sender = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="sent_requests")
    recipient = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="received_requests"
    )
    message = models.TextField(_("message"), blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    reply = models.TextField(_("reply"), blank=True)
    pair = models.ForeignKey(
        Pair, null=True, blank=True, on_delete=models.SET_NULL, related_name="requests"
    )
    created_at = models.DateTimeField(default=timezone.now)
    reminded_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = PairRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["sender", "recipient"],
                condition=Q(status="pending"),
                name="one_pending_request_per_pair",
            )
        ]
        indexes = [models.Index(fields=["status", "created_at"])]
        verbose_name = _("pair request")
        verbose_name_plural = _("pair requests")

    def __str__(self) -> str:
        return f"{self.sender} → {self.recipient} ({self.status})"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    def close(self, status: str, reply: str = "") -> None:
        self.status = status
        self.reply = reply or self.reply
        self.closed_at = timezone.now()
        self.save(update_fields=["status", "reply", "closed_at"])
