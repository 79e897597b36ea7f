"""Publishing a run: one atomic step, pairs created once, both partners told why and what next."""

from django.core import mail
from django.urls import reverse

from tests.pairing.stories import MatchingTestCase
from twoheads.accounts.models import AuditEvent
from twoheads.matching.explain import without_score_sum
from twoheads.pairing import engine
from twoheads.pairing.models import MatchRun, Pair
from twoheads.programmes.models import Programme


class PublishTests(MatchingTestCase):
    def setUp(self):
        self.run = self.make_run()
        self.client.force_login(self.martin)
        self.url = reverse("run_publish", args=[self.programme.slug, self.run.pk])

    def test_it_asks_before_publishing(self):
        r = self.client.get(self.url)
        self.assertContains(r, "1 pair will be created.")
        self.assertFalse(Pair.objects.filter(run=self.run).exists())

    def test_it_publishes_pairs_and_emails_both_partners(self):
        with self.captureOnCommitCallbacks(execute=True):
            r = self.client.post(self.url)
        self.assertRedirects(r, reverse("pair_list", args=[self.programme.slug]))
        new = Pair.objects.get(run=self.run)
        self.assertEqual((new.mentor, new.mentee, new.status), (self.p_sam, self.p_mei, "proposed"))
        self.assertIn("Sam Okafor can teach Mei Lin", new.explanation)
        self.assertEqual(Pair.objects.filter(mentor=self.p_priya).count(), 1)  # the live pair stays
        self.assertEqual(sorted(m.to[0] for m in mail.outbox), ["mei@acme.test", "sam@acme.test"])
        body = next(m.body for m in mail.outbox if m.to == ["mei@acme.test"])
        self.assertIn("matched with Sam Okafor", body)
        self.assertIn("Why you were matched", body)
        self.assertIn(without_score_sum(new.explanation), body)
        self.assertNotIn(" = benefit ", body)
        self.assertIn("What happens next", body)
        self.run.refresh_from_db()
        self.assertEqual((self.run.status, self.run.published_by), ("published", self.martin))
        self.programme.refresh_from_db()
        self.assertEqual(self.programme.status, "active")
        self.assertEqual(AuditEvent.objects.get(action="run.publish").details["pairs"], 1)

    def test_the_run_page_calls_its_pairs_proposed_until_they_are_published(self):
        page = self.run.get_absolute_url()
        self.assertContains(self.client.get(page), "2 proposed pairs</h3>")
        engine.publish_run(self.run, self.martin)
        r = self.client.get(page)
        self.assertContains(r, "2 published pairs</h3>")
        self.assertNotContains(r, "proposed pair")

    def test_it_refuses_to_publish_over_pairs_made_since_the_run_started(self):
        Pair.objects.create(programme=self.programme, mentor=self.p_sam, mentee=self.p_mei)
        with self.assertRaisesMessage(engine.PairingError, "re-run it"):
            engine.publish_run(self.run, self.martin)
        self.run.refresh_from_db()
        self.assertEqual(self.run.status, "done")
        self.assertEqual(Pair.objects.filter(run=self.run).count(), 0)
        # A re-run sees the new pair; it proposes nothing new, so has nothing to publish.
        rerun = engine.start_run(self.programme, self.martin, base_run=self.run)
        self.assertEqual(rerun.status, "done")
        with self.assertRaisesMessage(engine.PairingError, "nothing to publish"):
            engine.publish_run(rerun, self.martin)

    def test_an_out_of_date_run_says_so_up_front_and_offers_no_publishing(self):
        Pair.objects.create(programme=self.programme, mentor=self.p_sam, mentee=self.p_mei)
        page = self.client.get(self.run.get_absolute_url())
        self.assertContains(page, "Out of date: 1 pair has been made in this programme")
        self.assertNotContains(page, self.url)
        self.assertContains(page, "Re-run keeping locked pairs")
        self.assertRedirects(self.client.get(self.url), self.run.get_absolute_url())
        fresh = engine.start_run(self.programme, self.martin, base_run=self.run)
        page = self.client.get(fresh.get_absolute_url())
        self.assertNotContains(page, "Out of date")
        # Every pair it proposes is live already: nothing new to publish, and it says so.
        self.assertContains(page, "nothing to publish")

    def test_it_publishes_only_once(self):
        engine.publish_run(self.run, self.martin)
        r = self.client.post(self.url, follow=True)
        self.assertContains(r, "already published")
        with self.assertRaises(engine.AlreadyPublished):
            engine.publish_run(self.run, self.olivia)
        self.assertEqual(Pair.objects.filter(run=self.run).count(), 1)
        self.assertEqual(AuditEvent.objects.filter(action="run.publish").count(), 1)

    def test_it_lets_one_of_two_managers_win_with_a_stale_copy_of_the_run(self):
        martins_copy = MatchRun.objects.get(pk=self.run.pk)
        olivias_copy = MatchRun.objects.get(pk=self.run.pk)
        engine.publish_run(martins_copy, self.martin)
        with self.assertRaises(engine.AlreadyPublished):
            engine.publish_run(olivias_copy, self.olivia)
        self.assertEqual(Pair.objects.filter(run=self.run).count(), 1)

    def test_it_refuses_to_publish_a_failed_run(self):
        self.run.mark_failed("broken")
        with self.assertRaisesMessage(engine.PairingError, "Only a finished run"):
            engine.publish_run(self.run, self.martin)

    def test_a_draft_programmes_run_is_a_trial_and_is_not_published(self):
        Programme.objects.filter(pk=self.programme.pk).update(status="draft")
        page = self.client.get(reverse("run_list", args=[self.programme.slug]))
        self.assertContains(page, "a run here is a trial")
        with self.assertRaisesMessage(engine.PairingError, "is still a draft"):
            engine.publish_run(self.run, self.martin)
        self.assertFalse(Pair.objects.filter(run=self.run).exists())
        Programme.objects.filter(pk=self.programme.pk).update(status="enrolling")
        page = self.client.get(reverse("run_list", args=[self.programme.slug]))
        self.assertContains(page, "Starting a run moves the programme from enrolling to matching")

    def test_a_draft_programmes_run_page_offers_no_publishing_and_says_why(self):
        Programme.objects.filter(pk=self.programme.pk).update(status="draft")
        page = self.client.get(self.run.get_absolute_url())
        self.assertNotContains(page, self.url)
        self.assertContains(page, "is still a draft: a run here is a trial.")
        self.assertContains(page, "Add a manual pair")
        confirm = self.client.get(self.url)
        self.assertRedirects(confirm, self.run.get_absolute_url())

    def test_a_run_with_no_new_pair_offers_no_publishing_and_says_why(self):
        engine.remove_pair(self.run.proposals.get(mentor=self.p_sam), self.martin, "Not now")
        page = self.client.get(self.run.get_absolute_url())
        self.assertNotContains(page, self.url)
        self.assertContains(page, "This run proposes no new pair, so there is nothing to publish.")
        self.assertRedirects(self.client.get(self.url), self.run.get_absolute_url())
        with self.assertRaisesMessage(engine.PairingError, "nothing to publish"):
            engine.publish_run(self.run, self.martin)

    def test_it_keeps_another_organisations_manager_from_publishing(self):
        self.client.force_login(self.greta)
        self.assertEqual(self.client.post(self.url).status_code, 404)
        self.run.refresh_from_db()
        self.assertEqual(self.run.status, "done")

    def test_it_stamps_published_pairs_with_the_time_they_were_made(self):
        from django.utils import timezone

        before = timezone.now()
        engine.publish_run(self.run, self.martin)
        made = Pair.objects.get(run=self.run)
        self.assertGreaterEqual(made.created_at, before.replace(microsecond=0))
        self.assertLessEqual(made.created_at, timezone.now())
