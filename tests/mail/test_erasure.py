"""Erasing Priya deletes the emails stored for her, sent or still waiting, and no one else's."""

from django.test import override_settings

from tests.base import PersonasTestCase
from tests.ops.test_outbox import OUTBOX
from twoheads.mail.models import OutgoingEmail
from twoheads.privacy.erasure import erase_person


def stored(to: str, status: str, body: str = "Hello") -> OutgoingEmail:
    return OutgoingEmail.objects.create(
        from_email="noreply@x.test",
        recipients=[to],
        subject="Your mentoring",
        raw=f"To: {to}\nSubject: Your mentoring\n\n{body}\n".encode(),
        status=status,
    )


@override_settings(MAILERS=OUTBOX)
class ErasureOfStoredEmailsTests(PersonasTestCase):
    def test_priyas_emails_go_sent_or_waiting_and_margarets_stay(self):
        stored("priya@acme.test", "sent", "Hello Priya Patel")
        stored("Priya Patel <PRIYA@acme.test>", "queued", "Hello Priya")
        stored("priya@acme.test", "failed")
        to_margaret = stored("margaret@acme.test", "queued", "Hello Margaret")

        with self.captureOnCommitCallbacks(execute=True):
            result = erase_person(self.priya, self.priya)

        self.assertEqual(result.deleted["stored emails"], 3)
        left = [bytes(raw) for raw in OutgoingEmail.objects.values_list("raw", flat=True)]
        self.assertFalse([raw for raw in left if b"priya@acme.test" in raw.lower()])
        to_margaret.refresh_from_db()
        self.assertEqual(to_margaret.recipients, ["margaret@acme.test"])
