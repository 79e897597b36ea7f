"""A pair's meetings: scheduled, moved, cancelled and logged; and each person's calendar feed."""

import hashlib
import secrets
import uuid
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxLengthValidator,
    MaxValueValidator,
    MinValueValidator,
    URLValidator,
)
from django.db import models, transaction
from django.db.models import Count, Max, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from twoheads.accounts.models import User
from twoheads.pairing.models import Pair
from twoheads.participants.models import Participant

# An agenda is a few lines; the limit keeps emails and calendar entries readable.
AGENDA_MAX_LENGTH = 5000
# A note on a change or a cancellation is a line or two for the partner.
NOTE_MAX_LENGTH = 1000
# How long a meeting lasts, planned or logged: a quarter of an hour to a working day.
SHORTEST_MINUTES = 15
LONGEST_MINUTES = 480
# A call's link is a web address: other schemes would not open in a browser from an email.
WEB_ADDRESS_MESSAGE = _("Enter the call's web address, starting with https:// or http://.")


def new_uid() -> str:
    return f"{uuid.uuid4()}@twoheads"


def zone_of(person: Participant) -> str:
    """A partner's own time zone: their account's when they have one, else their profile's."""
    return person.user.timezone if person.user is not None else person.timezone


def chunked(ids: Iterable[int], size: int = 500) -> Iterator[list[int]]:
    """Ids in sorted lists of at most `size`, small enough for any database's IN (...)."""
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), size):
        yield ordered[start : start + size]


class PairTally(models.Model):
    """What a pair's rows of one kind add up to, kept for the programme dashboard.

    Never written directly: `recount` adds the pairs' rows up again from the rows themselves
    whenever one is written or deleted, in the same transaction, so it always agrees with them.
    A subclass names the rows it adds up (`rows_of`, a model with a `pair` column) and the
    aggregate that fills each of its fields (`sums`); a field with nothing to add up gets its
    default.
    """

    rows_of: type[models.Model]
    _tally_of: dict[type[models.Model], type["PairTally"]] = {}

    class Meta:
        abstract = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "rows_of" in cls.__dict__:
            PairTally._tally_of[cls.rows_of] = cls

    @classmethod
    def sums(cls) -> dict[str, Any]:
        """The aggregate of the rows that fills each field, by field name."""
        return {}

    @classmethod
    def of(cls, model: type[models.Model]) -> type["PairTally"]:
        """The tally that adds up rows of `model`."""
        return PairTally._tally_of[model]

    @classmethod
    def recount(cls, pairs: Iterable[int]) -> None:
        """Add up the rows of these pairs (ids) again.

        The tallies are locked first, so two rows written at once for one pair are counted
        one after the other.
        """
        sums = cls.sums()
        for ids in chunked(pairs):
            with transaction.atomic():
                cls.objects.bulk_create([cls(pair_id=pk) for pk in ids], ignore_conflicts=True)
                tallies = list(cls.objects.select_for_update().filter(pair__in=ids).order_by("pk"))
                counts = {
                    row["pair"]: row
                    for row in cls.rows_of._default_manager.filter(pair__in=ids)
                    .values("pair")
                    # Prefixed, as a tally's field may share a name with a row's (`held`).
                    .annotate(**{f"sum_{name}": value for name, value in sums.items()})
                    .order_by()
                }
                for tally in tallies:
                    row = counts.get(tally.pair_id, {})
                    for name in sums:
                        value = row.get(f"sum_{name}")
                        if value is None:
                            value = cls._meta.get_field(name).get_default()
                        setattr(tally, name, value)
                cls.objects.bulk_update(tallies, list(sums))


class RecountOnDelete[M: models.Model](models.QuerySet[M]):
    """A queryset whose `delete()` recounts the tallies of the pairs it touched."""

    def delete(self) -> tuple[int, dict[str, int]]:
        """Delete the rows and count again what their pairs' rows add up to."""
        with transaction.atomic():
            pairs = set(self.order_by().values_list("pair", flat=True))
            deleted = super().delete()
            PairTally.of(self.model).recount(pairs)
        return deleted

    delete.alters_data = True  # type: ignore[attr-defined]
    delete.queryset_only = True  # type: ignore[attr-defined]  # never Model.objects.delete()


class MeetingQuerySet(RecountOnDelete["Meeting"]):
    def of_user(self, user: User) -> "MeetingQuerySet":
        """Meetings of the pairs the user is a partner in."""
        return self.filter(pair__in=Pair.objects.of_user(user))

    def scheduled(self) -> "MeetingQuerySet":
        return self.filter(status=Meeting.Status.SCHEDULED)

    def upcoming(self, now: datetime | None = None) -> "MeetingQuerySet":
        return self.scheduled().filter(starts_at__gte=now or timezone.now()).order_by("starts_at")

    def awaiting_log(self, now: datetime | None = None) -> "MeetingQuerySet":
        """Scheduled meetings that have started and that nobody has logged yet."""
        return self.scheduled().filter(starts_at__lte=now or timezone.now(), log__isnull=True)

    def held(self) -> "MeetingQuerySet":
        return self.filter(log__held=True)


class Meeting(models.Model):
    """One meeting of a pair. Its UID stays the same through every change, its sequence grows."""

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="meetings")
    uid = models.CharField(max_length=100, unique=True, default=new_uid, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    starts_at = models.DateTimeField(_("starts"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("length in minutes"),
        default=60,
        validators=[MinValueValidator(SHORTEST_MINUTES), MaxValueValidator(LONGEST_MINUTES)],
    )
    mode = models.CharField(_("where"), max_length=16, choices=Mode.choices, default=Mode.ONLINE)
    location = models.CharField(_("place"), max_length=200, blank=True)
    link = models.URLField(
        _("online meeting link"),
        max_length=500,
        blank=True,
        validators=[
            URLValidator(
                schemes=["http", "https"],
                message=WEB_ADDRESS_MESSAGE,
                code="web_address",  # its own words, not the field's "Enter a valid URL."
            )
        ],
    )
    agenda = models.TextField(
        _("agenda"), blank=True, validators=[MaxLengthValidator(AGENDA_MAX_LENGTH)]
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SCHEDULED)
    note = models.TextField(_("note on the last change"), blank=True)
    organiser = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Who last moved or cancelled it: the calendars show them as having accepted the change.
    changed_by = models.ForeignKey(
        User,
        verbose_name=_("last changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # Whether its log says it took place (None until it is logged): written only with the log,
    # so the dashboard counts meetings held without joining the logs.
    held = models.BooleanField(null=True, editable=False)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]
        indexes = [
            models.Index(fields=["pair", "status", "starts_at"]),
            # Meetings held per week: a range of this index alone, never the whole table.
            models.Index(
                fields=["starts_at", "pair"], condition=Q(held=True), name="meeting_held_by_start"
            ),
        ]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return f"{self.pair} {self.starts_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("meeting_detail", args=[self.pk])

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        with transaction.atomic():
            deleted = super().delete(*args, **kwargs)
            MeetingTally.recount([self.pair_id])
        return deleted

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def is_logged(self) -> bool:
        return hasattr(self, "log")

    def has_started(self, now: datetime | None = None) -> bool:
        return self.starts_at <= (now or timezone.now())

    def can_cancel(self, now: datetime | None = None) -> bool:
        """Still to come: once it has started, a meeting is logged (held or not), not cancelled."""
        return not self.is_cancelled and not self.is_logged and not self.has_started(now)

    def can_change(self, now: datetime | None = None) -> bool:
        return self.can_cancel(now) and self.pair.status == Pair.Status.ACTIVE

    def can_log(self, now: datetime | None = None) -> bool:
        return not self.is_cancelled and not self.is_logged and self.has_started(now)

    def where(self) -> str:
        if self.mode == self.Mode.ONLINE:
            return self.link or str(_("Online"))
        return self.location or str(_("In person"))


class MeetingLogQuerySet(models.QuerySet["MeetingLog"]):
    def bulk_create(self, objs: Iterable["MeetingLog"], *args: Any, **kwargs: Any) -> list:
        """Insert the logs, mark their meetings held or not, and recount their pairs."""
        with transaction.atomic():
            logs = super().bulk_create(objs, *args, **kwargs)
            for held in (True, False):
                for ids in chunked(log.meeting_id for log in logs if log.held == held):
                    Meeting.objects.filter(pk__in=ids).update(held=held)
            for log in logs:
                if MeetingLog.meeting.is_cached(log):
                    log.meeting.held = log.held
            pairs: set[int] = set()
            for ids in chunked(log.meeting_id for log in logs):
                pairs.update(Meeting.objects.filter(pk__in=ids).values_list("pair", flat=True))
            MeetingTally.recount(pairs)
        return logs


class MeetingLog(models.Model):
    """What happened: one log per meeting, written by either partner once it has started.

    Saving or deleting a log sets its meeting's `held` and recounts the pair's tally.
    """

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="log")
    held = models.BooleanField(_("the meeting took place"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("how long it lasted, in minutes"),
        null=True,
        blank=True,
        validators=[MinValueValidator(SHORTEST_MINUTES), MaxValueValidator(LONGEST_MINUTES)],
    )
    logged_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    logged_at = models.DateTimeField(default=timezone.now)

    objects = MeetingLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting log")
        verbose_name_plural = _("meeting logs")

    def __str__(self) -> str:
        return f"{self.meeting}: {'held' if self.held else 'not held'}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        with transaction.atomic():
            super().save(*args, **kwargs)
            self._mark_meeting(self.held)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        with transaction.atomic():
            deleted = super().delete(*args, **kwargs)
            self._mark_meeting(None)
        return deleted

    def clean(self) -> None:
        if self.held and not self.duration_minutes:
            raise ValidationError({"duration_minutes": _("Say how long the meeting lasted.")})

    def _mark_meeting(self, held: bool | None) -> None:
        Meeting.objects.filter(pk=self.meeting_id).update(held=held)
        self.meeting.held = held
        MeetingTally.recount([self.meeting.pair_id])


class MeetingTally(PairTally):
    """How many meetings a pair has held, for how long, how many did not take place, and when
    it last met: read by the programme dashboard.

    Recounted whenever a log is saved or a meeting deleted (see `PairTally`).
    """

    rows_of = Meeting

    pair = models.OneToOneField(
        Pair, on_delete=models.CASCADE, primary_key=True, related_name="meeting_tally"
    )
    held = models.PositiveIntegerField(default=0)
    minutes_held = models.PositiveIntegerField(default=0)  # as the logs of those held say
    not_held = models.PositiveIntegerField(default=0)  # logged as not having taken place
    last_held_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("meeting tally")
        verbose_name_plural = _("meeting tallies")

    def __str__(self) -> str:
        return f"{self.pair_id}: {self.held} held"

    @classmethod
    def sums(cls) -> dict[str, Any]:
        held = Q(held=True)
        return {
            "held": Count("pk", filter=held),
            "minutes_held": Sum("log__duration_minutes", filter=held),
            "not_held": Count("pk", filter=Q(held=False)),
            "last_held_at": Max("starts_at", filter=held),
        }


class CalendarFeedQuerySet(models.QuerySet["CalendarFeed"]):
    def live(self) -> "CalendarFeedQuerySet":
        return self.filter(revoked_at__isnull=True, user__is_active=True)


class CalendarFeed(models.Model):
    """A secret address a calendar app subscribes to; only the secret's hash is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="calendar_feeds")
    lookup = models.CharField(max_length=16, unique=True, editable=False)
    digest = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = CalendarFeedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"{self.user} ({self.lookup}…)"

    @staticmethod
    def hash_secret(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()

    @staticmethod
    def url_for(secret: str) -> str:
        return settings.SITE_URL + reverse("calendar_feed", args=[secret])

    @classmethod
    def issue(cls, user: User) -> tuple["CalendarFeed", str]:
        """Revoke the user's feeds and give them a new one; the secret is returned only here."""
        cls.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
        lookup = secrets.token_hex(6)
        secret = f"{lookup}-{secrets.token_urlsafe(32)}"
        feed = cls.objects.create(user=user, lookup=lookup, digest=cls.hash_secret(secret))
        return feed, secret

    @classmethod
    def authenticate(cls, secret: str) -> User | None:
        """The owner of the live feed with this secret, or None."""
        lookup = secret.split("-", 1)[0]
        feed = cls.objects.live().select_related("user").filter(lookup=lookup).first()
        if feed is None or not secrets.compare_digest(feed.digest, cls.hash_secret(secret)):
            return None
        cls.objects.filter(pk=feed.pk).update(last_used_at=timezone.now())
        return feed.user

    @classmethod
    def revoke_all(cls, user: User) -> int:
        return cls.objects.filter(user=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
