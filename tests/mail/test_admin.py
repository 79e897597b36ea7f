"""An operator sends emails that gave up again from the admin, and sees why they failed."""

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.test import TestCase, override_settings
from django.urls import reverse

from tests.ops.test_outbox import OUTBOX
from twoheads.accounts.models import User
from twoheads.mail.models import MAX_ATTEMPTS, OutgoingEmail


def stored(to: str, status: str, error: str = "") -> OutgoingEmail:
    return OutgoingEmail.objects.create(
        from_email="noreply@x.test",
        recipients=[to],
        subject="Your match",
        raw=f"To: {to}\nSubject: Your match\n\nBody\n".encode(),
        status=status,
        attempts=MAX_ATTEMPTS if status == OutgoingEmail.Status.FAILED else 1,
        last_error=error,
    )


@override_settings(MAILERS=OUTBOX)
class OutgoingEmailAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.operator = User.objects.create_superuser("ops@twoheads.test", "pw-ops-123456")
        cls.gave_up = stored("priya@acme.test", "failed", "SMTPServerDisconnected: closed")
        cls.sent = stored("margaret@acme.test", "sent")

    def setUp(self) -> None:
        self.client.force_login(self.operator)
        self.changelist = reverse("admin:mail_outgoingemail_changelist")

    def test_the_list_shows_recipients_and_the_last_error_and_offers_no_add(self):
        response = self.client.get(self.changelist)
        self.assertContains(response, "priya@acme.test")
        self.assertContains(response, "SMTPServerDisconnected: closed")
        self.assertNotContains(response, "Add outgoing email")
        self.assertEqual(self.client.get(reverse("admin:mail_outgoingemail_add")).status_code, 403)

    def test_try_again_sends_the_emails_that_gave_up_now_and_says_how_many(self):
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                self.changelist,
                {"action": "retry", ACTION_CHECKBOX_NAME: [self.gave_up.pk, self.sent.pk]},
                follow=True,
            )
        self.assertContains(response, "1 email is queued to be sent again now.")
        self.assertContains(response, "1 was sent already and is left as it is.")
        self.gave_up.refresh_from_db()
        self.assertEqual(self.gave_up.status, OutgoingEmail.Status.SENT)
        self.assertEqual([m.recipients() for m in mail.outbox], [["priya@acme.test"]])
