"""A closed programme keeps its runs and pairs as they were: nothing new is made in it."""

from django.urls import reverse

from tests.pairing.stories import MatchingTestCase
from twoheads.pairing import engine, selfselection
from twoheads.pairing.models import MatchRun, Pair
from twoheads.programmes.models import Programme


class ClosedProgrammeTests(MatchingTestCase):
    def setUp(self):
        self.run = self.make_run()
        Programme.objects.filter(pk=self.programme.pk).update(status="closed")
        self.programme.refresh_from_db()
        self.run.refresh_from_db()
        self.client.force_login(self.martin)

    def test_no_run_starts_from_the_page_or_the_engine(self):
        r = self.client.post(reverse("run_start", args=[self.programme.slug]), {"mode": "optimal"})
        self.assertRedirects(
            r, reverse("run_list", args=[self.programme.slug]), fetch_redirect_response=False
        )
        self.assertEqual(MatchRun.objects.count(), 1)
        page = self.client.get(r.url)
        self.assertContains(page, "is closed: it takes no new match runs or pairs")
        self.assertContains(page, "This programme is closed")
        self.assertNotContains(page, "Start the run")
        MatchRun.objects.all().delete()
        page = self.client.get(r.url)
        self.assertContains(page, "No match run was made in this programme.")
        self.assertNotContains(page, "Start one above")
        with self.assertRaisesMessage(engine.PairingError, "is closed"):
            engine.start_run(self.programme, self.martin)

    def test_its_last_run_is_neither_published_nor_changed_nor_run_again(self):
        publish = reverse("run_publish", args=[self.programme.slug, self.run.pk])
        self.client.post(publish)
        self.assertFalse(Pair.objects.filter(run=self.run).exists())
        rerun = reverse("run_rerun", args=[self.programme.slug, self.run.pk])
        self.client.post(rerun)
        self.assertEqual(MatchRun.objects.count(), 1)
        page = self.client.get(self.run.get_absolute_url())
        self.assertContains(page, "can no longer be published, changed or run again")
        self.assertNotContains(page, "Publish…")
        proposal = self.run.proposals.get(mentor=self.p_sam)
        with self.assertRaisesMessage(engine.PairingError, "is closed"):
            engine.lock_pair(proposal, self.martin)
        with self.assertRaisesMessage(engine.PairingError, "is closed"):
            engine.publish_run(self.run, self.martin)

    def test_nobody_is_rematched_or_asks_for_a_partner(self):
        with self.assertRaisesMessage(engine.PairingError, "is closed"):
            engine.rematch(self.programme, self.p_sam, self.p_mei, self.martin, reason="new")
        Programme.objects.filter(pk=self.programme.pk).update(
            matching_mode=Programme.Mode.SELF_SELECTION
        )
        self.p_sam.refresh_from_db()
        with self.assertRaisesMessage(engine.PairingError, "is closed"):
            selfselection.send_request(self.p_sam, self.p_mei, "Shall we?")
        self.assertEqual(selfselection.my_suggestions(self.p_sam), [])

    def test_no_rematch_is_offered_and_the_page_says_why(self):
        Pair.objects.create(
            programme=self.programme,
            mentor=self.p_sam,
            mentee=self.p_mei,
            status=Pair.Status.ENDED,
            end_reason="The programme has ended.",
        )
        pairs = self.client.get(reverse("pair_list", args=[self.programme.slug]))
        self.assertNotContains(pairs, "match them again")
        self.assertNotContains(pairs, reverse("rematch", args=[self.programme.slug, self.p_sam.pk]))
        page = self.client.get(reverse("rematch", args=[self.programme.slug, self.p_sam.pk]))
        self.assertContains(page, "The programme has closed")
        self.assertNotContains(page, "Propose the pair")
