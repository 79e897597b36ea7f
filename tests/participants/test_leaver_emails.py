"""When HR marks Priya a leaver, her pair with Margaret ends and Margaret is told by email;
Priya, who has left, is not emailed about it."""

from django.core import mail

from tests.base import PersonasTestCase
from twoheads.pairing.models import Pair
from twoheads.participants.importer import apply_import


class LeaverEmailTests(PersonasTestCase):
    def test_only_the_partner_of_a_leaver_is_emailed_that_the_pair_ended(self):
        with self.captureOnCommitCallbacks(execute=True):
            result = apply_import(
                self.programme, b"id,status\nA100,leaver\n", "hr.csv", self.martin
            )
        self.assertTrue(result.applied)
        self.pair.refresh_from_db()
        self.assertEqual(self.pair.status, Pair.Status.ENDED)
        ended = [m for m in mail.outbox if "has ended" in m.subject]
        self.assertEqual([m.to for m in ended], [["margaret@acme.test"]])
        self.assertIn("Priya Patel has left the organisation.", ended[0].body)
        self.assertNotIn("priya@acme.test", [m.to[0] for m in mail.outbox])

    def test_both_partners_are_still_told_when_a_manager_ends_a_pair(self):
        from twoheads.pairing.engine import end_pair

        with self.captureOnCommitCallbacks(execute=True):
            end_pair(self.pair, self.martin, "They agreed to stop.")
        self.assertEqual(
            sorted(m.to[0] for m in mail.outbox), ["margaret@acme.test", "priya@acme.test"]
        )
