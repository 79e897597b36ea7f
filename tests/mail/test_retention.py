"""Stored emails do not outlive their use: sent ones go after EMAIL_RETENTION_DAYS, and the
outbox's cron line stays quiet when it has nothing to say."""

from datetime import timedelta
from io import StringIO

from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.utils import timezone

from tests.ops.test_outbox import OUTBOX
from twoheads.mail.models import OutgoingEmail
from twoheads.mail.tasks import deliver_now

DAY = timedelta(days=1)


def stored(to: str, status: str = "queued", age: timedelta = timedelta(0)) -> OutgoingEmail:
    written = timezone.now() - age
    return OutgoingEmail.objects.create(
        from_email="noreply@x.test",
        recipients=[to],
        subject="Your match",
        raw=f"To: {to}\nSubject: Your match\n\nHello\n".encode(),
        status=status,
        created_at=written,
        next_attempt_at=written,
        sent_at=written if status == OutgoingEmail.Status.SENT else None,
    )


def send_outbox(*args: str) -> str:
    out = StringIO()
    call_command("send_outbox", *args, stdout=out)
    return out.getvalue()


@override_settings(MAILERS=OUTBOX, EMAIL_RETENTION_DAYS=30)
class RetentionTests(TestCase):
    def test_send_outbox_deletes_emails_kept_past_the_retention_period(self):
        old_sent = stored("priya@acme.test", "sent", 31 * DAY)
        recent_sent = stored("priya@acme.test", "sent", 29 * DAY)
        old_gave_up = stored("sam@acme.test", "failed", 31 * DAY)
        recent_gave_up = stored("sam@acme.test", "failed", 2 * DAY)
        self.assertEqual(send_outbox().strip(), "sent=0 waiting=0 deleted=2")
        self.assertEqual(
            set(OutgoingEmail.objects.values_list("pk", flat=True)),
            {recent_sent.pk, recent_gave_up.pk},
        )
        self.assertFalse(OutgoingEmail.objects.filter(pk__in=[old_sent.pk, old_gave_up.pk]))

    @override_settings(EMAIL_RETENTION_DAYS=7)
    def test_the_period_is_a_setting(self):
        stored("priya@acme.test", "sent", 8 * DAY)
        send_outbox()
        self.assertFalse(OutgoingEmail.objects.exists())

    def test_an_email_still_to_send_is_never_deleted_for_its_age(self):
        waiting = stored("priya@acme.test", "queued", 90 * DAY)
        send_outbox()  # sends it; it is kept for the period from now
        waiting.refresh_from_db()
        self.assertEqual(waiting.status, OutgoingEmail.Status.SENT)

    def test_it_prints_nothing_when_nothing_happened(self):
        stored("priya@acme.test", "sent", 2 * DAY)
        self.assertEqual(send_outbox(), "")

    def test_it_prints_nothing_at_verbosity_0_whatever_happened(self):
        stored("priya@acme.test")
        self.assertEqual(send_outbox("-v", "0"), "")
        self.assertEqual(OutgoingEmail.objects.get().status, OutgoingEmail.Status.SENT)


class AddressedToTests(TestCase):
    def test_it_finds_a_persons_emails_by_address_in_any_case_and_nobody_elses(self):
        to_priya = stored("priya@acme.test")
        named = stored("Priya Patel <PRIYA@acme.test>")
        stored("xpriya@acme.test")
        stored("sam@acme.test")
        found = OutgoingEmail.objects.addressed_to(["Priya Patel", "Priya@Acme.test"])
        self.assertEqual(set(found), {to_priya, named})
        self.assertFalse(OutgoingEmail.objects.addressed_to(["Priya Patel"]).exists())


class ErasedWhileSendingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):  # type: ignore[no-untyped-def]
        OutgoingEmail.objects.all().delete()
        return len(email_messages)


@override_settings(
    MAILERS={
        **OUTBOX,
        "delivery": {"BACKEND": "tests.mail.test_retention.ErasedWhileSendingBackend"},
    }
)
class DeletedWhileSendingTests(TestCase):
    def test_an_email_deleted_while_its_worker_sends_it_stays_deleted(self):
        email = stored("priya@acme.test")
        self.assertEqual(deliver_now(email.pk), OutgoingEmail.Status.SENT)
        self.assertFalse(OutgoingEmail.objects.exists())
