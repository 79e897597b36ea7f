"""The Matching tab's form: what a run is for in each programme, and fairness kept to its mode."""

from django.urls import reverse

from tests.pairing.stories import MatchingTestCase
from twoheads.pairing import engine
from twoheads.pairing.models import MatchRun
from twoheads.programmes.models import Programme


class StartFormTests(MatchingTestCase):
    def setUp(self):
        self.client.force_login(self.martin)
        self.url = reverse("run_list", args=[self.programme.slug])
        self.start = reverse("run_start", args=[self.programme.slug])

    def self_selection(self):
        Programme.objects.filter(pk=self.programme.pk).update(matching_mode="suggest")
        self.programme.refresh_from_db()

    def test_a_self_selection_programme_says_people_choose_and_what_a_run_is_for(self):
        self.self_selection()
        page = self.client.get(self.url)
        self.assertContains(page, "In this programme people choose their own partners")
        self.assertContains(page, "proposes partners for those still without one")
        self.assertEqual(page.context["form"].initial, {"mode": "stable", "fairness": False})

    def test_a_programme_the_manager_pairs_says_nothing_of_choosing(self):
        page = self.client.get(self.url)
        self.assertNotContains(page, "people choose their own partners")
        self.assertEqual(page.context["form"].initial["mode"], "optimal")

    def test_fairness_with_stable_pairs_is_refused_with_a_clear_message(self):
        page = self.client.post(self.start, {"mode": "stable", "fairness": "on"})
        self.assertEqual(page.status_code, 400)
        self.assertContains(
            page,
            "Lifting the weakest pair first applies to the best overall pairs",
            status_code=400,
        )
        self.assertFalse(MatchRun.objects.exists())

    def test_fairness_with_the_exact_mode_is_recorded(self):
        self.client.post(self.start, {"mode": "optimal", "fairness": "on"})
        run = MatchRun.objects.get()
        self.assertEqual((run.mode, run.fairness), ("optimal", True))

    def test_the_programmes_fairness_does_not_follow_a_stable_run(self):
        Programme.objects.filter(pk=self.programme.pk).update(fairness=True)
        self.programme.refresh_from_db()
        run = engine.start_run(self.programme, self.martin, mode="stable")
        self.assertEqual((run.mode, run.fairness), ("stable", False))
        with self.assertRaisesMessage(engine.PairingError, "best overall pairs (exact) only"):
            engine.start_run(self.programme, self.martin, mode="stable", fairness=True)
