"""Every email the product sends waits here until the mail server has taken it."""

import email
import email.policy
import json
from collections.abc import Iterable
from datetime import datetime, timedelta
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import models
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .html import with_html

MAX_ATTEMPTS = 8


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 ... minutes after each failure, at most four hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 240))


class OutgoingEmailQuerySet(models.QuerySet["OutgoingEmail"]):
    def due(self, now: object = None) -> "OutgoingEmailQuerySet":
        """Unsent emails whose next attempt time has come."""
        return self.filter(
            status__in=[OutgoingEmail.Status.QUEUED, OutgoingEmail.Status.RETRYING],
            next_attempt_at__lte=now or timezone.now(),
        )

    def addressed_to(self, addresses: Iterable[str]) -> "OutgoingEmailQuerySet":
        """The emails with any of these addresses among their recipients (in any case);
        anything else given, such as a name, matches nothing."""
        wanted = {a.strip().casefold() for a in addresses if a and "@" in a}
        if not wanted:
            return self.none()
        mentions = models.Q()
        for address in wanted:  # narrowed by the database, then checked address by address
            mentions |= models.Q(to_text__icontains=json.dumps(address)[1:-1])
        rows = self.annotate(to_text=Cast("recipients", models.TextField())).filter(mentions)
        ids = [
            pk
            for pk, recipients in rows.values_list("pk", "recipients")
            if any(parseaddr(r)[1].casefold() in wanted for r in recipients)
        ]
        return self.filter(pk__in=ids)

    def expired(self, now: datetime | None = None) -> "OutgoingEmailQuerySet":
        """Emails kept for EMAIL_RETENTION_DAYS: sent ones since they were sent, ones the
        outbox gave up on since they were written."""
        before = (now or timezone.now()) - timedelta(days=settings.EMAIL_RETENTION_DAYS)
        return self.filter(
            models.Q(status=OutgoingEmail.Status.SENT, sent_at__lt=before)
            | models.Q(status=OutgoingEmail.Status.FAILED, created_at__lt=before)
        )

    def backlog(self) -> dict[str, int]:
        """How many emails wait to be sent (queued or retrying), and how many it gave up on."""
        unsent = [OutgoingEmail.Status.QUEUED, OutgoingEmail.Status.RETRYING]
        return self.aggregate(
            waiting=models.Count("pk", filter=models.Q(status__in=unsent)),
            gave_up=models.Count("pk", filter=models.Q(status=OutgoingEmail.Status.FAILED)),
        )

    def send_again(self) -> int:
        """Queue these emails, except those sent already, for delivery now with a fresh count
        of attempts; returns how many."""
        from .backend import enqueue_after_commit

        unsent = self.exclude(status=OutgoingEmail.Status.SENT)
        ids = list(unsent.values_list("pk", flat=True))
        OutgoingEmail.objects.filter(pk__in=ids).update(
            status=OutgoingEmail.Status.RETRYING, next_attempt_at=timezone.now(), attempts=0
        )
        enqueue_after_commit(ids)
        return len(ids)


class OutgoingEmail(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RETRYING = "retrying", _("Waiting to retry")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Gave up")

    from_email = models.CharField(max_length=320)
    recipients = models.JSONField(default=list)
    subject = models.CharField(max_length=255, blank=True)
    raw = models.BinaryField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = OutgoingEmailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.recipients)} ({self.get_status_display()})"

    @classmethod
    def from_message(cls, message: EmailMessage) -> "OutgoingEmail":
        return cls(
            from_email=message.from_email,
            recipients=list(message.recipients()),
            subject=str(message.subject)[:255],
            raw=with_html(message.message()).as_bytes(),
        )

    def as_message(self) -> "StoredEmail":
        return StoredEmail(self)

    def mark_sent(self) -> None:
        self.status, self.sent_at, self.last_error = self.Status.SENT, timezone.now(), ""
        self._write("status", "sent_at", "last_error")

    def mark_failed(self, error: str) -> None:
        """Count a failed attempt; give up only after MAX_ATTEMPTS, keeping the email."""
        self.attempts += 1
        self.last_error = error[:2000]
        self.status = self.Status.FAILED if self.attempts >= MAX_ATTEMPTS else self.Status.RETRYING
        self.next_attempt_at = timezone.now() + backoff(self.attempts)
        self._write("attempts", "last_error", "status", "next_attempt_at")

    def _write(self, *fields: str) -> None:
        # An update, not save(): an email erased while its worker was sending it stays gone.
        OutgoingEmail.objects.filter(pk=self.pk).update(**{f: getattr(self, f) for f in fields})


class StoredEmail(EmailMessage):
    """An email exactly as it was written, handed to the real mail backend."""

    def __init__(self, stored: OutgoingEmail) -> None:
        super().__init__(subject=stored.subject, from_email=stored.from_email, to=stored.recipients)
        self.raw = bytes(stored.raw)

    def message(
        self, *, policy: email.policy.Policy = email.policy.default
    ) -> email.message.Message:
        return email.message_from_bytes(self.raw, policy=policy)

    def recipients(self) -> list[str]:
        return list(self.to)
