"""Deliver stored emails through the real mail backend, retrying with a growing pause."""

import logging
from datetime import timedelta

from django.core.mail import mailers
from django.tasks import task
from django.utils import timezone

from .models import MAX_ATTEMPTS, OutgoingEmail

log = logging.getLogger(__name__)

DELIVERY_MAILER = "delivery"
# How long a claimed email waits for its worker before another may try it.
LEASE = timedelta(minutes=15)


def deliver_now(pk: int) -> str:
    """Try to send one stored email once; returns its status afterwards.

    The email is claimed with one conditional update, so that two workers never both send
    it, and no transaction is held while the mail server answers: on SQLite that would stop
    every other write to the site for as long as a slow server takes. A worker that dies
    while sending leaves the email claimed for LEASE, after which it is tried again.
    """
    stored = OutgoingEmail.objects.filter(pk=pk).first()
    if stored is None:
        return "missing"
    if stored.status in (OutgoingEmail.Status.SENT, OutgoingEmail.Status.FAILED):
        return stored.status
    claimed = OutgoingEmail.objects.filter(
        pk=pk,
        status=stored.status,
        attempts=stored.attempts,
        next_attempt_at=stored.next_attempt_at,
    ).update(next_attempt_at=timezone.now() + LEASE)
    if not claimed:  # another worker has it
        return OutgoingEmail.objects.values_list("status", flat=True).get(pk=pk)
    try:
        mailers[DELIVERY_MAILER].send_messages([stored.as_message()])
    except Exception as error:  # any refusal is retried later, never lost
        stored.mark_failed(f"{type(error).__name__}: {error}")
        _log_failure(stored)
    else:
        stored.mark_sent()
    if stored.status == OutgoingEmail.Status.RETRYING and deliver.get_backend().supports_defer:
        deliver.using(run_after=stored.next_attempt_at).enqueue(pk)
    return stored.status


def _log_failure(stored: OutgoingEmail) -> None:
    """One line per failed attempt (a warning), and an error once the outbox gives up."""
    recipients = len(stored.recipients)
    if stored.status == OutgoingEmail.Status.FAILED:
        log.error(
            "Gave up on email %s to %d recipient(s) after %d attempts: %s",
            stored.pk,
            recipients,
            stored.attempts,
            stored.last_error,
        )
    else:
        log.warning(
            "Email %s to %d recipient(s) not delivered (attempt %d of %d, next at %s): %s",
            stored.pk,
            recipients,
            stored.attempts,
            MAX_ATTEMPTS,
            stored.next_attempt_at.isoformat(timespec="seconds"),
            stored.last_error,
        )


@task()
def deliver(pk: int) -> str:
    return deliver_now(pk)


def send_due() -> tuple[int, int]:
    """Send every email whose time has come (for cron or after an outage): (sent, still waiting)."""
    sent = waiting = 0
    for pk in OutgoingEmail.objects.due().values_list("pk", flat=True):
        if deliver_now(pk) == OutgoingEmail.Status.SENT:
            sent += 1
        else:
            waiting += 1
    return sent, waiting
