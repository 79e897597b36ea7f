"""An operator hears of email the mail server refuses: in the log, and from `check_email`."""

from io import StringIO

from django.core import mail
from django.core.management import CommandError, call_command
from django.test import SimpleTestCase, TestCase, override_settings

from tests.ops.test_outbox import DOWN, OUTBOX
from twoheads.mail.models import MAX_ATTEMPTS, OutgoingEmail
from twoheads.mail.tasks import deliver_now


@override_settings(MAILERS=DOWN)
class FailureLogTests(TestCase):
    def send_to_priya(self) -> OutgoingEmail:
        with self.captureOnCommitCallbacks(execute=False):
            mail.send_mail("Your match", "Body", None, ["priya@acme.test"])
        return OutgoingEmail.objects.get()

    def test_it_logs_a_warning_for_each_failed_attempt(self):
        stored = self.send_to_priya()
        with self.assertLogs("twoheads.mail", "WARNING") as logged:
            deliver_now(stored.pk)
        [line] = logged.output
        self.assertTrue(line.startswith("WARNING:"), line)
        self.assertIn("1 recipient(s)", line)
        self.assertIn(f"attempt 1 of {MAX_ATTEMPTS}", line)
        self.assertIn("SMTPServerDisconnected: Connection unexpectedly closed", line)
        self.assertNotIn("priya@acme.test", line)  # the log names no one

    def test_it_logs_an_error_when_it_gives_up(self):
        stored = self.send_to_priya()
        OutgoingEmail.objects.filter(pk=stored.pk).update(attempts=MAX_ATTEMPTS - 1)
        with self.assertLogs("twoheads.mail", "WARNING") as logged:
            deliver_now(stored.pk)
        [line] = logged.output
        self.assertTrue(line.startswith("ERROR:"), line)
        self.assertIn(f"Gave up on email {stored.pk}", line)
        self.assertIn(f"after {MAX_ATTEMPTS} attempts", line)


class CheckEmailTests(SimpleTestCase):
    @override_settings(MAILERS=OUTBOX)
    def test_it_sends_straight_to_the_server_and_says_so(self):
        out = StringIO()
        call_command("check_email", "ops@acme.test", stdout=out)
        self.assertEqual(mail.outbox[0].to, ["ops@acme.test"])
        self.assertIn("took the test email to ops@acme.test", out.getvalue())

    @override_settings(MAILERS=DOWN)
    def test_it_fails_with_the_servers_error_when_the_server_is_down(self):
        with self.assertRaisesMessage(CommandError, "SMTPServerDisconnected") as caught:
            call_command("check_email", "ops@acme.test", stdout=StringIO())
        self.assertIn("did not take the email to ops@acme.test", str(caught.exception))
