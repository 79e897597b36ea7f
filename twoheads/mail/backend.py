"""The email backend every part of the product sends through: store, then deliver in the background.

Sending never waits for the mail server, and an email the server refuses is kept and retried.
"""

from collections.abc import Sequence

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction

from .models import OutgoingEmail


class OutboxBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        stored = OutgoingEmail.objects.bulk_create(
            OutgoingEmail.from_message(m) for m in email_messages if m.recipients()
        )
        enqueue_after_commit([email.pk for email in stored])
        return len(stored)


def enqueue_after_commit(ids: list[int]) -> None:
    """Hand these stored emails to a background worker once the transaction commits."""
    transaction.on_commit(lambda: _enqueue(ids))


def _enqueue(ids: list[int]) -> None:
    from .tasks import deliver

    for pk in ids:
        deliver.enqueue(pk)
