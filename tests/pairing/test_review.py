"""Reviewing a run: filters, lock, remove, manual pairs, re-runs and comparisons, all audited."""

import importlib

from django.apps import apps as django_apps
from django.core import mail
from django.urls import reverse

from tests.pairing.stories import MatchingTestCase
from twoheads.accounts.models import AuditEvent
from twoheads.pairing import engine
from twoheads.pairing.models import MatchRun, Pair


class ReviewTests(MatchingTestCase):
    def setUp(self):
        Pair.objects.all().delete()  # a fresh programme: nobody is paired yet
        self.run = self.make_run()
        self.client.force_login(self.martin)

    def names(self, run: MatchRun) -> set[tuple[str, str]]:
        return set(run.proposals.values_list("mentor__name", "mentee__name"))

    def test_it_searches_filters_and_sorts_the_proposals(self):
        url = self.run.get_absolute_url()
        r = self.client.get(url, {"q": "mei"})
        self.assertEqual([p.mentee.name for p in r.context["page"]], ["Mei Lin"])
        r = self.client.get(url, {"department": "Finance"})
        self.assertEqual([p.mentee.name for p in r.context["page"]], ["Margaret Hughes"])
        r = self.client.get(url, {"site": "Leeds"})
        self.assertEqual([p.mentee.name for p in r.context["page"]], ["Mei Lin"])
        r = self.client.get(url, {"sort": "mentor"})
        self.assertEqual([p.mentor.name for p in r.context["page"]], ["Priya Patel", "Sam Okafor"])
        r = self.client.get(url, {"min_score": "1"})
        self.assertContains(r, "No pair matches these filters.")
        r = self.client.get(url, {"min_score": "0.9", "max_score": "0.2"})
        self.assertContains(r, "The highest score is below the lowest.")
        r = self.client.get(url, {"q": "ivy"})
        self.assertEqual(
            [u.participant.name for u in r.context["unmatched_page"]], ["Ivy Incomplete"]
        )

    def test_it_locks_and_unlocks_a_pair_with_an_audit_entry(self):
        proposal = self.run.proposals.get(mentor=self.p_sam)
        url = reverse("proposal_lock", args=[self.programme.slug, self.run.pk, proposal.pk])
        self.client.post(url)
        proposal.refresh_from_db()
        self.assertTrue(proposal.locked)
        self.client.post(url)
        proposal.refresh_from_db()
        self.assertFalse(proposal.locked)
        actions = list(
            AuditEvent.objects.filter(actor=self.martin).values_list("action", flat=True)
        )
        self.assertIn("run.lock", actions)
        self.assertIn("run.unlock", actions)

    def test_it_removes_a_pair_with_a_reason_and_frees_both(self):
        proposal = self.run.proposals.get(mentor=self.p_sam)
        url = reverse("proposal_remove", args=[self.programme.slug, self.run.pk, proposal.pk])
        self.assertContains(self.client.get(url), "Remove the pair")
        r = self.client.post(url, {"reason": "Sam and Mei sit on the same project"})
        self.assertRedirects(r, self.run.get_absolute_url())
        self.assertEqual(self.names(self.run), {("Priya Patel", "Margaret Hughes")})
        self.assertEqual(
            self.run.unmatched.filter(participant__in=[self.p_sam, self.p_mei]).count(), 2
        )
        event = AuditEvent.objects.get(action="run.remove")
        self.assertEqual(event.reason, "Sam and Mei sit on the same project")
        self.run.refresh_from_db()
        self.assertEqual(self.run.blocked, [["A101", "A201"]])

    def test_the_summary_follows_changes_by_hand(self):
        before = dict(self.run.summary)
        self.assertEqual(before["pairs"], 2)
        engine.remove_pair(self.run.proposals.get(mentor=self.p_sam), self.martin)
        self.run.refresh_from_db()
        self.assertEqual(self.run.summary["pairs"], 1)
        self.assertEqual(self.run.summary["matched_mentees"], 1)
        self.assertAlmostEqual(self.run.summary["match_rate"], 1 / before["mentees_total"])
        self.assertTrue(self.run.summary["edited"])
        self.assertFalse(self.run.summary["optimal"])
        self.assertIsNone(self.run.summary["upper_bound"])
        page = self.client.get(self.run.get_absolute_url())
        self.assertContains(page, "no longer proven best")
        self.assertNotContains(page, "proven best possible")
        engine.add_manual_pair(self.run, self.p_sam, self.p_mei, self.martin, "back together", True)
        self.run.refresh_from_db()
        self.assertEqual(self.run.summary["pairs"], 2)

    def test_it_shows_broken_rules_and_needs_confirmation_for_a_manual_pair(self):
        url = reverse("manual_pair", args=[self.programme.slug, self.run.pk])
        data = {"mentor": self.p_priya.pk, "mentee": self.p_mei.pk, "reason": "They asked for it"}
        r = self.client.post(url, data)
        self.assertContains(r, "This pair breaks these rules")
        self.assertContains(r, "takes at most 1 partner; with this pair, 2 in this run.")
        self.assertFalse(self.run.proposals.filter(manual=True).exists())
        r = self.client.post(url, {**data, "confirm": "on"})
        self.assertRedirects(r, self.run.get_absolute_url())
        manual = self.run.proposals.get(manual=True)
        self.assertTrue(manual.locked)
        self.assertTrue(manual.broken_rules)
        event = AuditEvent.objects.get(action="run.manual_pair")
        self.assertEqual(event.reason, "They asked for it")
        self.assertEqual(event.details["broken_rules"], manual.broken_rules)

    def test_it_requires_a_reason_for_a_manual_pair(self):
        with self.assertRaisesMessage(engine.PairingError, "Give a reason"):
            engine.add_manual_pair(self.run, self.p_priya, self.p_mei, self.martin, " ", True)

    def test_it_refuses_an_incomplete_profile_in_a_manual_pair(self):
        with self.assertRaisesMessage(engine.PairingError, "cannot be paired: profile is not"):
            engine.add_manual_pair(self.run, self.p_sam, self.p_ivy, self.martin, "why not", True)

    def test_it_reruns_keeping_locked_pairs_and_leaving_out_removed_ones(self):
        engine.add_manual_pair(self.run, self.p_priya, self.p_mei, self.martin, "asked", True)
        engine.remove_pair(
            self.run.proposals.get(mentor=self.p_priya, mentee=self.p_margaret), self.martin
        )
        r = self.client.post(reverse("run_rerun", args=[self.programme.slug, self.run.pk]))
        rerun = MatchRun.objects.exclude(pk=self.run.pk).get()
        self.assertRedirects(r, rerun.get_absolute_url())
        self.assertEqual(rerun.base_run, self.run)
        self.assertEqual(rerun.status, MatchRun.Status.DONE, rerun.error)
        names = self.names(rerun)
        self.assertIn(("Priya Patel", "Mei Lin"), names)
        self.assertNotIn(("Priya Patel", "Margaret Hughes"), names)
        self.assertTrue(AuditEvent.objects.filter(action="run.rerun").exists())

    def test_partners_of_a_kept_pair_never_read_the_rules_it_breaks(self):
        """The manager sees the lock and the broken rules; the two partners read only why."""
        engine.add_manual_pair(self.run, self.p_priya, self.p_mei, self.martin, "asked", True)
        engine.remove_pair(
            self.run.proposals.get(mentor=self.p_priya, mentee=self.p_margaret), self.martin
        )
        rerun = engine.start_run(self.programme, self.martin, base_run=self.run)
        kept = rerun.proposals.get(mentor=self.p_priya, mentee=self.p_mei)
        self.assertTrue(kept.locked and kept.broken_rules)
        self.assertContains(self.client.get(rerun.get_absolute_url()), kept.broken_rules[0])
        mail.outbox.clear()
        engine.publish_run(rerun, self.martin)
        pair = Pair.objects.get(mentor=self.p_priya, mentee=self.p_mei)
        words = [pair.explanation] + [m.body for m in mail.outbox if "Mei" in m.body]
        self.assertTrue(pair.explanation.startswith("Priya Patel offers nothing Mei Lin asked"))
        for text in words:
            self.assertNotIn("Locked", text)
            self.assertNotIn("It breaks", text)
            self.assertNotIn("(level", text)
        self.client.force_login(self.priya)
        page = self.client.get(reverse("home")).content.decode()
        self.assertNotIn("It breaks", page)

    def test_explanations_stored_with_the_managers_words_lose_them(self):
        module = importlib.import_module(
            "twoheads.pairing.migrations.0003_explanations_for_participants"
        )
        proposal = self.run.proposals.get(mentor=self.p_sam)
        proposal.explanation = (
            "Locked by the programme manager. Sam can teach Mei. Score 0.50 = x."
            " It breaks: Sam (level 3) is not at least 2 levels below Mei (level 4)."
        )
        proposal.save()
        module.strip_manager_words(django_apps, None)
        proposal.refresh_from_db()
        self.assertEqual(proposal.explanation, "Sam can teach Mei. Score 0.50 = x.")

    def test_two_removals_from_pages_loaded_at_once_are_both_kept(self):
        martins = MatchRun.objects.get(pk=self.run.pk).proposals.get(mentor=self.p_sam)
        olivias = MatchRun.objects.get(pk=self.run.pk).proposals.get(mentor=self.p_priya)
        engine.remove_pair(martins, self.martin)
        engine.remove_pair(olivias, self.olivia)
        self.run.refresh_from_db()
        self.assertEqual(len(self.run.blocked), 2)

    def test_it_compares_two_runs_side_by_side(self):
        engine.remove_pair(self.run.proposals.get(mentor=self.p_sam), self.martin)
        second = engine.start_run(self.programme, self.martin, base_run=self.run)
        engine.remove_pair(second.proposals.get(mentor=self.p_priya), self.martin)
        engine.add_manual_pair(second, self.p_sam, self.p_mei, self.martin, "back together", True)
        url = reverse("run_compare", args=[self.programme.slug])
        r = self.client.get(url, {"first": self.run.pk, "second": second.pk})
        comparison = r.context["comparison"]
        self.assertEqual(
            [(p["mentor__name"], p["mentee__name"]) for p in comparison.added],
            [("Sam Okafor", "Mei Lin")],
        )
        self.assertEqual([p["mentor__name"] for p in comparison.removed], ["Priya Patel"])
        self.assertContains(r, '<span class="label">pair added</span>')

    def test_it_changes_nothing_after_publishing(self):
        engine.publish_run(self.run, self.martin)
        self.run.refresh_from_db()
        with self.assertRaisesMessage(engine.AlreadyPublished, "already published"):
            engine.lock_pair(self.run.proposals.first(), self.martin)
        with self.assertRaises(engine.AlreadyPublished):
            engine.add_manual_pair(self.run, self.p_priya, self.p_mei, self.martin, "late", True)

    def test_it_keeps_another_organisations_manager_out_of_adjustments(self):
        proposal = self.run.proposals.first()
        self.client.force_login(self.greta)
        for name in ("proposal_lock", "proposal_remove"):
            url = reverse(name, args=[self.programme.slug, self.run.pk, proposal.pk])
            self.assertEqual(self.client.post(url, {"reason": "x"}).status_code, 404)
        url = reverse("manual_pair", args=[self.programme.slug, self.run.pk])
        data = {"mentor": self.p_priya.pk, "mentee": self.p_mei.pk, "reason": "x", "confirm": "on"}
        self.assertEqual(self.client.post(url, data).status_code, 404)
        self.assertEqual(self.run.proposals.count(), 2)
        self.assertFalse(AuditEvent.objects.filter(actor=self.greta).exists())
