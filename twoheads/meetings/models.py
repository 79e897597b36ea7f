"""A pair's meetings: scheduled, moved, cancelled and logged; and each person's calendar feed."""

import hashlib
import secrets
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from twoheads.accounts.models import User
from twoheads.pairing.models import Pair


def new_uid() -> str:
    return f"{uuid.uuid4()}@twoheads"


class MeetingQuerySet(models.QuerySet["Meeting"]):
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
        validators=[MinValueValidator(15), MaxValueValidator(480)],
    )
    mode = models.CharField(_("where"), max_length=16, choices=Mode.choices, default=Mode.ONLINE)
    location = models.CharField(_("place"), max_length=200, blank=True)
    link = models.URLField(_("online meeting link"), max_length=500, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SCHEDULED)
    note = models.TextField(_("note on the last change"), blank=True)
    organiser = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["pair", "status", "starts_at"])]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return f"{self.pair} {self.starts_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("meeting_detail", args=[self.pk])

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

    def can_change(self, now: datetime | None = None) -> bool:
        return (
            not self.is_cancelled and not self.is_logged and self.pair.status == Pair.Status.ACTIVE
        )

    def can_log(self, now: datetime | None = None) -> bool:
        return not self.is_cancelled and not self.is_logged and self.has_started(now)

    def where(self) -> str:
        if self.mode == self.Mode.ONLINE:
            return self.link or str(_("Online"))
        return self.location or str(_("In person"))


class MeetingLog(models.Model):
    """What happened: one log per meeting, written by either partner once it has started."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="log")
    held = models.BooleanField(_("the meeting took place"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("how long it lasted, in minutes"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(600)],
    )
    logged_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    logged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("meeting log")
        verbose_name_plural = _("meeting logs")

    def __str__(self) -> str:
        return f"{self.meeting}: {'held' if self.held else 'not held'}"

    def clean(self) -> None:
        if self.held and not self.duration_minutes:
            raise ValidationError({"duration_minutes": _("Say how long the meeting lasted.")})


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
