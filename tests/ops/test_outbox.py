"""Email never blocks a page and is never lost: stored, delivered in the background, retried."""

import smtplib
from unittest import mock

from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import connection
from django.test import TestCase, override_settings

from twoheads.mail.models import MAX_ATTEMPTS, OutgoingEmail
from twoheads.mail.tasks import deliver_now, send_due

OUTBOX = {
    "default": {"BACKEND": "twoheads.mail.backend.OutboxBackend"},
    "delivery": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"},
}
DOWN = {**OUTBOX, "delivery": {"BACKEND": "tests.ops.test_outbox.RefusingBackend"}}


class RefusingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):  # type: ignore[no-untyped-def]
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


@override_settings(MAILERS=OUTBOX)
class OutboxTests(TestCase):
    def test_an_email_is_stored_then_delivered_exactly_as_written(self):
        with self.captureOnCommitCallbacks(execute=True):
            mail.send_mail(
                "Meet Aisha", "Aisha Khan is your reverse mentor. ✨", None, ["richard@x.test"]
            )
        stored = OutgoingEmail.objects.get()
        self.assertEqual(stored.status, OutgoingEmail.Status.SENT)
        self.assertEqual(len(mail.outbox), 1)
        sent = mail.outbox[0].message()
        self.assertEqual(sent["Subject"], "Meet Aisha")
        self.assertIn(
            "Aisha Khan is your reverse mentor. ✨", sent.get_body(("plain",)).get_content()
        )
        self.assertEqual(mail.outbox[0].recipients(), ["richard@x.test"])

    def test_nothing_is_sent_when_the_transaction_that_wrote_it_rolls_back(self):
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            mail.send_mail("Hello", "Body", None, ["a@x.test"])
        self.assertEqual(len(callbacks), 1)
        self.assertEqual(len(mail.outbox), 0)

    @override_settings(MAILERS=DOWN)
    def test_a_refused_email_is_kept_and_tried_again_later(self):
        with self.captureOnCommitCallbacks(execute=True):
            sent = mail.send_mail("Your match", "Body", None, ["priya@x.test"])
        self.assertEqual(sent, 1)  # the page that sent it carries on
        stored = OutgoingEmail.objects.get()
        self.assertEqual(stored.status, OutgoingEmail.Status.RETRYING)
        self.assertEqual(stored.attempts, 1)
        self.assertIn("SMTPServerDisconnected", stored.last_error)
        self.assertGreater(stored.next_attempt_at, stored.created_at)

    def test_the_retry_delivers_once_the_server_is_back(self):
        with override_settings(MAILERS=DOWN), self.captureOnCommitCallbacks(execute=True):
            mail.send_mail("Your match", "Body", None, ["priya@x.test"])
        OutgoingEmail.objects.update(next_attempt_at=OutgoingEmail.objects.get().created_at)
        self.assertEqual(send_due(), (1, 0))
        self.assertEqual(OutgoingEmail.objects.get().status, OutgoingEmail.Status.SENT)
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(send_due(), (0, 0))  # never twice

    @override_settings(MAILERS=DOWN)
    def test_it_gives_up_only_after_many_attempts_and_keeps_the_email(self):
        with self.captureOnCommitCallbacks(execute=True):
            mail.send_mail("Your match", "Body", None, ["priya@x.test"])
        stored = OutgoingEmail.objects.get()
        for _ in range(MAX_ATTEMPTS):
            deliver_now(stored.pk)
        stored.refresh_from_db()
        self.assertEqual(stored.status, OutgoingEmail.Status.FAILED)
        self.assertEqual(stored.attempts, MAX_ATTEMPTS)
        self.assertTrue(stored.raw)

    def test_the_command_reports_what_it_sent(self):
        OutgoingEmail.objects.create(
            from_email="noreply@x.test",
            recipients=["a@x.test"],
            subject="Hi",
            raw=b"Subject: Hi\n\nBody\n",
        )
        out = __import__("io").StringIO()
        call_command("send_outbox", stdout=out)
        self.assertEqual(out.getvalue().strip(), "sent=1 waiting=0 deleted=0")


class InTransactionBackend(BaseEmailBackend):
    """A mail server that notes how deep in transactions the database was while it was
    being talked to, and what the email's row looked like then."""

    seen: list[tuple[int, object]] = []

    def send_messages(self, email_messages):  # type: ignore[no-untyped-def]
        row = OutgoingEmail.objects.values_list("next_attempt_at", flat=True).first()
        InTransactionBackend.seen.append((len(connection.savepoint_ids), row))
        return len(email_messages)


SLOW = {**OUTBOX, "delivery": {"BACKEND": "tests.ops.test_outbox.InTransactionBackend"}}


@override_settings(MAILERS=SLOW)
class ClaimTests(TestCase):
    def test_the_mail_server_is_talked_to_outside_any_transaction_of_its_own(self):
        InTransactionBackend.seen.clear()
        depth = len(connection.savepoint_ids)  # the test case's own transactions
        with self.captureOnCommitCallbacks(execute=True):
            mail.send_mail("Hello", "Body", None, ["a@x.test"])
        [(depth_while_sending, claimed_until)] = InTransactionBackend.seen
        self.assertEqual(depth_while_sending, depth)
        stored = OutgoingEmail.objects.get()
        self.assertEqual(stored.status, OutgoingEmail.Status.SENT)
        self.assertGreater(claimed_until, stored.created_at)  # claimed while being sent

    def test_an_email_another_worker_has_claimed_is_not_sent_twice(self):
        with self.captureOnCommitCallbacks(execute=False):
            mail.send_mail("Hello", "Body", None, ["a@x.test"])
        stored = OutgoingEmail.objects.get()
        InTransactionBackend.seen.clear()
        real_filter = OutgoingEmail.objects.filter

        def claimed_meanwhile(*args, **kwargs):  # type: ignore[no-untyped-def]
            rows = real_filter(*args, **kwargs)
            if "attempts" in kwargs:  # the claim: another worker got there first
                return rows.none()
            return rows

        with mock.patch.object(OutgoingEmail.objects, "filter", side_effect=claimed_meanwhile):
            self.assertEqual(deliver_now(stored.pk), OutgoingEmail.Status.QUEUED)
        self.assertEqual(InTransactionBackend.seen, [])
