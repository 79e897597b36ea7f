"""When HR marks Priya a leaver, her pair with Margaret ends and Margaret is told by email and
asked for the exit survey; Priya, who has left, is neither emailed about it nor asked to look
back on it. Someone on leave is treated alike; someone who withdrew is still asked."""

from datetime import timedelta

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests.base import PersonasTestCase
from twoheads.journal.checkins import exit_survey_due
from twoheads.journal.closing import close_pair
from twoheads.journal.nudges import due_nudges, send_nudges
from twoheads.pairing.models import Pair
from twoheads.participants.importer import apply_import

EXIT_SUBJECT = "Your mentoring has closed: three questions"


class LeaverEmailTests(PersonasTestCase):
    def setUp(self):
        # The pair has been going for a while: its closing has something to look back on.
        Pair.objects.filter(pk=self.pair.pk).update(
            activated_at=timezone.now() - timedelta(days=40)
        )
        self.pair.refresh_from_db()

    def import_priya_as(self, status: str) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            result = apply_import(
                self.programme, f"id,status\nA100,{status}\n".encode(), "hr.csv", self.martin
            )
        self.assertTrue(result.applied)
        self.pair.refresh_from_db()

    def test_only_the_partner_of_a_leaver_is_emailed_that_the_pair_ended(self):
        self.import_priya_as("leaver")
        self.assertEqual(self.pair.status, Pair.Status.ENDED)
        ended = [m for m in mail.outbox if "has ended" in m.subject]
        self.assertEqual([m.to for m in ended], [["margaret@acme.test"]])
        self.assertIn("Priya Patel has left the organisation.", ended[0].body)
        self.assertNotIn("priya@acme.test", [m.to[0] for m in mail.outbox])

    def test_only_the_partner_of_a_leaver_is_asked_for_the_exit_survey(self):
        self.import_priya_as("leaver")
        asked = [m.to for m in mail.outbox if m.subject == EXIT_SUBJECT]
        self.assertEqual(asked, [["margaret@acme.test"]])
        self.assertTrue(exit_survey_due(self.pair, self.margaret))
        self.assertFalse(exit_survey_due(self.pair, self.priya))

    def test_the_leaver_is_not_asked_for_the_exit_survey_in_the_digest_nor_on_the_page(self):
        self.import_priya_as("leaver")
        mail.outbox.clear()
        exit_key = f"exit:{self.pair.pk}"
        self.assertFalse(any(n.key == exit_key for n in due_nudges(self.priya)))
        send_nudges(timezone.now() + timedelta(days=1))
        self.assertNotIn("priya@acme.test", [m.to[0] for m in mail.outbox])
        self.client.force_login(self.priya)
        survey = reverse("exit_survey", args=[self.pair.pk])
        self.assertNotContains(self.client.get(reverse("pair_detail", args=[self.pair.pk])), survey)
        page = self.client.get(survey, follow=True)
        self.assertContains(page, "There is no survey waiting for you on this pair.")

    def test_a_manager_marking_someone_a_leaver_asks_only_the_partner(self):
        self.client.force_login(self.martin)
        url = reverse("participant_manage", args=[self.programme.slug, self.p_priya.pk])
        form = {"status": "leaver", "role": "mentor", "level": 2, "capacity": 1}
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(url, form)
        self.pair.refresh_from_db()
        self.assertEqual(self.pair.status, Pair.Status.ENDED)
        self.assertEqual(sorted(m.to[0] for m in mail.outbox), ["margaret@acme.test"] * 2)

    def test_someone_on_leave_whose_pair_is_closed_is_not_emailed_about_it(self):
        self.import_priya_as("on_leave")
        self.assertEqual(self.pair.status, Pair.Status.ACTIVE, "someone on leave keeps the pair")
        with self.captureOnCommitCallbacks(execute=True):
            close_pair(self.pair, self.martin, "Priya is away for a year.")
        self.pair.refresh_from_db()
        self.assertEqual(sorted(m.to[0] for m in mail.outbox), ["margaret@acme.test"] * 2)
        self.assertFalse(exit_survey_due(self.pair, self.priya))

    def test_back_from_leave_the_exit_survey_waits_for_them(self):
        self.import_priya_as("on_leave")
        close_pair(self.pair, self.martin, "Priya is away for a year.")
        self.import_priya_as("active")
        self.assertTrue(exit_survey_due(self.pair, self.priya))

    def test_someone_who_withdrew_is_still_asked_for_the_exit_survey(self):
        self.client.force_login(self.martin)
        url = reverse("participant_manage", args=[self.programme.slug, self.p_priya.pk])
        form = {"status": "withdrawn", "role": "mentor", "level": 2, "capacity": 1}
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(url, form)
        asked = sorted(m.to[0] for m in mail.outbox if m.subject == EXIT_SUBJECT)
        self.assertEqual(asked, ["margaret@acme.test", "priya@acme.test"])

    def test_both_partners_are_still_told_when_a_manager_ends_a_pair(self):
        from twoheads.pairing.engine import end_pair

        with self.captureOnCommitCallbacks(execute=True):
            end_pair(self.pair, self.martin, "They agreed to stop.")
        self.assertEqual(
            sorted(m.to[0] for m in mail.outbox), ["margaret@acme.test", "priya@acme.test"]
        )
