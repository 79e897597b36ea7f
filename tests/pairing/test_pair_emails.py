"""What the two partners of a pair are told: why they were matched, who has answered, and a
pair the programme manager made themselves."""

from django.core import mail
from django.urls import reverse

from tests.pairing.stories import MatchingTestCase
from twoheads.pairing import engine
from twoheads.pairing.models import Pair


class AnswersTests(MatchingTestCase):
    """Run and publish: Sam and Mei are asked to accept each other."""

    def setUp(self):
        run = self.make_run()
        with self.captureOnCommitCallbacks(execute=True):
            engine.publish_run(run, self.martin)
        self.new = Pair.objects.get(run=run)
        self.matched = {m.to[0]: m.body for m in mail.outbox}
        mail.outbox.clear()

    def answer(self, user):
        self.client.force_login(user)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("pair_respond", args=[self.new.pk]), {"decision": "accept"})

    def test_the_matched_email_greets_by_first_name_and_gives_the_score_and_its_parts(self):
        body = self.matched["mei@acme.test"]
        self.assertTrue(body.startswith("Hello Mei,\n"))
        self.assertIn(
            "Match score 0.92 out of 1 (Mentor teaches 1.00, Mentee teaches 1.00, Mutual "
            "benefit 1.00, Compatibility 0.85, Reach 0.80).",
            body,
        )
        self.assertNotIn("programme manager chose", body)

    def test_after_one_answer_the_badge_names_who_is_still_to_answer(self):
        self.answer(self.sam)
        self.new.refresh_from_db()
        self.assertEqual(self.new.get_status_display(), "Waiting for Mei Lin to accept")
        page = self.client.get(self.new.get_absolute_url())
        self.assertContains(page, "Waiting for Mei Lin to accept")
        self.client.force_login(self.mei)
        page = self.client.get(self.new.get_absolute_url())
        self.assertContains(page, "Waiting for your answer")
        self.assertNotContains(page, "Waiting for both to accept")
        # Her home page says the same, not her own name.
        home = self.client.get(reverse("home"))
        self.assertContains(home, "Waiting for your answer")
        self.assertNotContains(home, "Waiting for Mei Lin to accept")

    def test_the_partner_still_to_answer_is_told_the_other_has_accepted(self):
        self.answer(self.sam)
        (email,) = mail.outbox
        self.assertEqual(email.to, ["mei@acme.test"])
        self.assertEqual(email.subject, "Sam Okafor has accepted: your answer is waiting")
        self.assertTrue(email.body.startswith("Hello Mei,\n"))
        self.assertIn(self.new.get_absolute_url(), email.body)

    def test_each_is_told_the_pair_is_active_in_their_own_words(self):
        self.answer(self.sam)
        mail.outbox.clear()
        self.answer(self.mei)
        bodies = {m.to[0]: m.body for m in mail.outbox}
        self.assertTrue(bodies["sam@acme.test"].startswith("Hello Sam,\n"))
        self.assertIn("Mei Lin has accepted too: your pair", bodies["sam@acme.test"])
        self.assertTrue(bodies["mei@acme.test"].startswith("Hello Mei,\n"))
        self.assertIn("You and Sam Okafor have both accepted", bodies["mei@acme.test"])
        self.assertNotIn("has accepted too", bodies["mei@acme.test"])


class ManualPairTests(MatchingTestCase):
    """Martin takes Sam & Mei out of the run and puts them back by hand, with his reason."""

    REASON = "Both asked to work with each other"

    def setUp(self):
        self.run = self.make_run()
        engine.remove_pair(self.run.proposals.get(mentor=self.p_sam), self.martin, "Try again")
        engine.add_manual_pair(self.run, self.p_sam, self.p_mei, self.martin, self.REASON)
        self.client.force_login(self.martin)

    def test_a_re_run_keeps_the_manual_badge_and_the_reason(self):
        self.client.post(reverse("run_rerun", args=[self.programme.slug, self.run.pk]))
        rerun = self.programme.runs.exclude(pk=self.run.pk).get()
        kept = rerun.proposals.get(mentor=self.p_sam)
        self.assertEqual((kept.locked, kept.manual, kept.note), (True, True, self.REASON))
        page = self.client.get(rerun.get_absolute_url())
        self.assertContains(page, '<span class="badge">manual</span>')
        self.assertContains(page, f"Manager's reason: {self.REASON}")

    def test_the_partners_are_told_the_manager_chose_the_pair_and_why(self):
        with self.captureOnCommitCallbacks(execute=True):
            engine.publish_run(self.run, self.martin)
        pair = Pair.objects.get(run=self.run, mentor=self.p_sam)
        self.assertEqual((pair.manual, pair.manager_reason), (True, self.REASON))
        body = next(m.body for m in mail.outbox if m.to == ["mei@acme.test"])
        self.assertIn(
            f"Your programme manager chose this pair.\nTheir reason: {self.REASON}\n"
            "How your profiles compare: Sam Okafor can teach Mei Lin",
            body,
        )
        self.client.force_login(self.mei)
        page = self.client.get(pair.get_absolute_url())
        self.assertContains(page, "Your programme manager chose this pair. Their reason:")

    def test_a_rematch_is_the_managers_pair_with_their_reason(self):
        engine.end_pair(self.pair, self.martin, "Margaret moved")
        with self.captureOnCommitCallbacks(execute=True):
            pair = engine.rematch(
                self.programme, self.p_sam, self.p_margaret, self.martin,
                reason="Sam knows the Leeds team", confirm=True,
            )  # fmt: skip
        self.assertEqual((pair.manual, pair.manager_reason), (True, "Sam knows the Leeds team"))
        body = next(m.body for m in mail.outbox if m.to == ["margaret@acme.test"])
        self.assertTrue(body.startswith("Hello Margaret,\n"))
        self.assertIn("Their reason: Sam knows the Leeds team", body)
