"""Each partner accepts or declines; a decline frees both and the manager rematches them."""

from datetime import timedelta

from django.core import mail
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from tests.pairing.stories import MatchingTestCase
from twoheads.accounts.models import AuditEvent
from twoheads.matching.explain import without_score_sum
from twoheads.meetings.models import Meeting
from twoheads.pairing import engine
from twoheads.pairing.models import Pair


class RespondTests(MatchingTestCase):
    def setUp(self):
        run = self.make_run()
        engine.publish_run(run, self.martin)
        self.new = Pair.objects.get(run=run)  # Sam & Mei, waiting for both
        self.url = reverse("pair_respond", args=[self.new.pk])

    def answer(self, user, decision, reason=""):
        self.client.force_login(user)
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(self.url, {"decision": decision, "reason": reason})

    def test_it_makes_the_pair_active_when_both_accept(self):
        self.answer(self.sam, "accept")
        self.new.refresh_from_db()
        self.assertEqual((self.new.status, self.new.mentor_response), ("proposed", "accepted"))
        self.assertEqual([m.to for m in mail.outbox], [["mei@acme.test"]])  # her answer waits
        mail.outbox.clear()
        self.answer(self.mei, "accept")
        self.new.refresh_from_db()
        self.assertEqual(self.new.status, "active")
        self.assertIsNotNone(self.new.activated_at)
        self.assertEqual(len(mail.outbox), 2)
        self.assertIn("is active", mail.outbox[0].body)
        subjects = {m.to[0]: m.subject for m in mail.outbox}
        self.assertEqual(subjects["sam@acme.test"], "Your pair with Mei Lin is active")
        self.assertEqual(AuditEvent.objects.filter(action="pair.accept").count(), 2)

    def test_it_frees_both_on_a_decline_with_a_reason_and_tells_the_partner(self):
        r = self.answer(self.mei, "decline")
        self.new.refresh_from_db()
        self.assertEqual(self.new.status, "proposed")  # a decline needs a reason
        self.answer(self.mei, "decline", "We already work together")
        self.new.refresh_from_db()
        self.assertEqual(self.new.status, "declined")
        self.assertEqual(self.new.declined_by, self.p_mei)
        self.assertEqual(self.new.decline_reason, "We already work together")
        self.assertEqual(mail.outbox[-1].to, ["sam@acme.test"])
        self.assertEqual(
            mail.outbox[-1].subject, f"Mei Lin declined the match in {self.programme.name}"
        )
        self.assertEqual(
            AuditEvent.objects.get(action="pair.decline").reason, "We already work together"
        )
        self.assertIsNotNone(r)

    def test_it_lets_only_the_partners_answer(self):
        for outsider in (self.priya, self.martin, self.gus):
            r = self.answer(outsider, "accept")
            self.assertEqual(r.status_code, 404, outsider)
        self.new.refresh_from_db()
        self.assertEqual((self.new.mentor_response, self.new.mentee_response), ("", ""))
        self.client.logout()
        r = self.client.post(self.url, {"decision": "accept"})
        self.assertIn(reverse("login"), r["Location"])

    def test_it_refuses_a_second_answer(self):
        self.answer(self.sam, "accept")
        self.answer(self.mei, "decline", "Not now")
        with self.assertRaisesMessage(engine.PairingError, "no longer waiting"):
            engine.respond(self.new, self.sam, True)

    def test_it_shows_the_partner_why_and_what_next_with_the_answer_form(self):
        request = RequestFactory().get("/")
        request.user = self.mei
        html = render_to_string(
            "pairing/_pair_status.html", {"pair": self.new, "user": self.mei}, request
        )
        self.assertIn("Why you were matched", html)
        # The reasons in words; the score and its parts are shown on their own, not as a sum.
        reasons = without_score_sum(self.new.explanation)
        self.assertIn(escape(reasons), html)
        self.assertIn(" Score ", self.new.explanation)
        self.assertNotIn(" = benefit ", html)
        self.assertIn("What happens next", html)
        self.assertIn(self.url, html)
        self.assertIn("Send my answer", html)
        html = render_to_string(
            "pairing/_pair_status.html", {"pair": self.new, "user": self.martin}, request
        )
        self.assertNotIn("Send my answer", html)


class RematchTests(MatchingTestCase):
    def setUp(self):
        self.client.force_login(self.martin)

    def test_ending_a_pair_from_the_pairs_page_cancels_its_meetings_still_to_come(self):
        ahead = Meeting.objects.create(
            pair=self.pair, starts_at=timezone.now() + timedelta(days=3), organiser=self.priya
        )
        url = reverse("pair_end", args=[self.programme.slug, self.pair.pk])
        self.client.post(url, {"reason": "Margaret moved to another role"})
        ahead.refresh_from_db()
        self.assertEqual(ahead.status, "cancelled")

    def test_it_ends_a_pair_with_a_reason_and_rematches_both(self):
        Pair.objects.filter(pk=self.pair.pk).update(activated_at=timezone.now())
        url = reverse("pair_end", args=[self.programme.slug, self.pair.pk])
        with self.captureOnCommitCallbacks(execute=True):
            r = self.client.post(url, {"reason": "Margaret moved to another role"})
        self.assertRedirects(r, reverse("rematch", args=[self.programme.slug, self.p_margaret.pk]))
        self.pair.refresh_from_db()
        self.assertEqual(
            (self.pair.status, self.pair.end_reason), ("ended", "Margaret moved to another role")
        )
        # Each is told the pair has ended and asked for the exit survey, as when they close it.
        self.assertEqual(
            sorted(m.to[0] for m in mail.outbox),
            sorted(["margaret@acme.test", "priya@acme.test"] * 2),
        )
        surveys = [
            m for m in mail.outbox if m.subject == "Your mentoring has closed: three questions"
        ]
        self.assertEqual(len(surveys), 2)
        ended = {m.to[0]: m for m in mail.outbox if m not in surveys}
        self.assertEqual(
            ended["priya@acme.test"].subject, "Your pair with Margaret Hughes has ended"
        )
        for message in ended.values():
            self.assertIn("A programme manager, Martin Manager, ended it.", message.body)
        self.assertEqual(AuditEvent.objects.get(action="pair.end").actor, self.martin)
        # Margaret's earlier partner is never suggested or offered again; free Sam is not a fit.
        page = self.client.get(r["Location"])
        self.assertEqual(page.context["options"], [])
        offered = list(page.context["form"].fields["partner"].queryset)
        self.assertIn(self.p_sam, offered)
        self.assertNotIn(self.p_priya, offered)
        with self.captureOnCommitCallbacks(execute=True):
            r = self.client.post(
                r["Location"], {"partner": self.p_sam.pk, "reason": "Asked to try", "confirm": "on"}
            )
        self.assertRedirects(r, reverse("pair_list", args=[self.programme.slug]))
        again = Pair.objects.get(mentor=self.p_sam, mentee=self.p_margaret)
        self.assertEqual(again.status, "proposed")
        self.assertTrue(AuditEvent.objects.filter(action="pair.rematch").exists())

    def test_it_suggests_only_free_people_after_a_decline(self):
        engine.end_pair(self.pair, self.martin, "Priya left the team")
        options = engine.rematch_suggestions(self.programme, self.p_priya)
        self.assertEqual(options, [])  # Margaret was her partner; Mei wants something else
        options = engine.rematch_suggestions(self.programme, self.p_mei)
        self.assertEqual([p for p, _s in options], [self.p_sam])
        Pair.objects.create(programme=self.programme, mentor=self.p_sam, mentee=self.p_ivy)
        self.assertEqual(engine.rematch_suggestions(self.programme, self.p_mei), [])

    def test_it_lists_live_pairs_with_their_answers(self):
        r = self.client.get(reverse("pair_list", args=[self.programme.slug]))
        self.assertContains(r, "Margaret Hughes")
        self.assertContains(r, reverse("pair_end", args=[self.programme.slug, self.pair.pk]))

    def test_it_keeps_outsiders_away_from_pairs_and_rematching(self):
        urls = [
            reverse("pair_list", args=[self.programme.slug]),
            reverse("pair_end", args=[self.programme.slug, self.pair.pk]),
            reverse("rematch", args=[self.programme.slug, self.p_margaret.pk]),
        ]
        for user in (self.greta, self.priya):
            self.client.force_login(user)
            for url in urls:
                self.assertEqual(self.client.get(url).status_code, 404, url)
            r = self.client.post(urls[1], {"reason": "no"})
            self.assertEqual(r.status_code, 404)
        self.pair.refresh_from_db()
        self.assertEqual(self.pair.status, "active")


class DeclinedPairsTests(MatchingTestCase):
    def test_the_manager_sees_declined_pairs_with_rematch_suggestions(self):
        declined = Pair.objects.create(
            programme=self.programme, mentor=self.p_sam, mentee=self.p_mei,
            status="declined", decline_reason="Clash of diaries",
        )  # fmt: skip
        self.client.force_login(self.martin)
        r = self.client.get(reverse("pair_list", args=[self.programme.slug]))
        self.assertContains(r, "Clash of diaries")
        self.assertContains(r, reverse("rematch", args=[self.programme.slug, declined.mentee_id]))
        page = self.client.get(reverse("rematch", args=[self.programme.slug, self.p_mei.pk]))
        self.assertContains(page, "A new partner for Mei Lin")


class RematchPartnersTests(MatchingTestCase):
    """Priya takes two mentees: her pair with Margaret has ended, her pair with Mei goes on."""

    def setUp(self):
        self.p_priya.capacity = 2
        self.p_priya.save()
        engine.end_pair(self.pair, self.martin, "Margaret moved to another role")
        self.with_mei = Pair.objects.create(
            programme=self.programme, mentor=self.p_priya, mentee=self.p_mei, status="active"
        )
        self.client.force_login(self.martin)
        self.page = self.client.get(reverse("rematch", args=[self.programme.slug, self.p_priya.pk]))

    def test_only_the_ended_partner_is_an_earlier_partner(self):
        self.assertEqual(self.page.context["former"], [self.p_margaret])
        self.assertContains(
            self.page, "Earlier partners, never suggested or offered again: Margaret Hughes."
        )

    def test_the_current_partner_is_named_apart_and_not_offered(self):
        self.assertEqual(self.page.context["current"], [self.p_mei])
        self.assertContains(self.page, "Current partners, not offered: Mei Lin.")
        offered = self.page.context["form"].fields["partner"].queryset
        self.assertNotIn(self.p_mei, offered)
        self.assertNotIn(self.p_mei, [p for p, _s in self.page.context["options"]])
