"""Deliver stored emails through the real mail backend, retrying with a growing pause."""

from django.core.mail import mailers
from django.db import transaction
from django.tasks import task

from .models import OutgoingEmail

DELIVERY_MAILER = "delivery"


def deliver_now(pk: int) -> str:
    """Try to send one stored email once; returns its status afterwards."""
    with transaction.atomic():
        stored = OutgoingEmail.objects.select_for_update().filter(pk=pk).first()
        if stored is None or stored.status in (
            OutgoingEmail.Status.SENT,
            OutgoingEmail.Status.FAILED,
        ):
            return stored.status if stored else "missing"
        try:
            mailers[DELIVERY_MAILER].send_messages([stored.as_message()])
        except Exception as error:  # any refusal is retried later, never lost
            stored.mark_failed(f"{type(error).__name__}: {error}")
        else:
            stored.mark_sent()
    if stored.status == OutgoingEmail.Status.RETRYING and deliver.get_backend().supports_defer:
        deliver.using(run_after=stored.next_attempt_at).enqueue(pk)
    return stored.status


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
