"""The dashboard and the at-risk pairs: managers of the programme only, figures never words."""

import xml.etree.ElementTree as ET
from datetime import timedelta

from django.contrib.messages import get_messages
from django.core import mail
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.insights.stories import SECRET_AGENDA, SECRET_IDEA, SECRET_NOTE, InsightsTestCase
from tests.insights.test_charts import SVG
from tests.insights.test_figures import grow
from twoheads.accounts.models import AuditEvent
from twoheads.insights.atrisk import AtRiskPair
from twoheads.insights.figures import programme_figures
from twoheads.insights.tables import dashboard_sections
from twoheads.pairing.models import Pair
from twoheads.participants.models import Participant
from twoheads.privacy.models import Concern
from twoheads.programmes.models import Programme


class DashboardTests(InsightsTestCase):
    def url(self, name: str = "programme_dashboard", *args: object) -> str:
        return reverse(name, args=[self.programme.slug, *args])

    def test_it_shows_martin_every_section_with_accessible_charts(self):
        self.client.force_login(self.martin)
        r = self.client.get(self.url())
        self.assertEqual(r.status_code, 200)
        html = r.content.decode()
        for title in (
            "Enrolment funnel",
            "Scores of live pairs",
            "Meetings per pair over time",
            "Meeting feedback in each direction",
            "Check-in trend",
            "Knowledge flow",
            "Goals on both sides",
            "Confidentiality flags confirmed",
            "Pairs at risk",
        ):
            self.assertIn(title, html)
        self.assertEqual(html.count('role="img"'), 7)
        self.assertIn('aria-labelledby="chart-funnel-title chart-funnel-desc"', html)
        self.assertIn('<title id="chart-funnel-title">Enrolment funnel</title>', html)
        self.assertIn("<details><summary>Data table: Enrolment funnel</summary>", html)
        self.assertIn('<th scope="col">% of invited</th>', html)
        self.assertContains(r, reverse("programme_dashboard", args=[self.programme.slug]))
        self.assertIn("enrolled without a partner", html)
        self.assertIn('<span class="label">meetings held · 1 not held</span>', html)
        self.assertIn('<span class="value">3</span><span class="label">hours of meetings', html)
        self.assertIn(reverse("run_list", args=[self.programme.slug]), html)

    def test_each_chart_names_its_bars_as_its_data_table_names_its_rows(self):
        sections = dashboard_sections(programme_figures(self.programme))
        for key in ("knowledge", "feedback", "goals", "funnel"):
            section = sections[key]
            chart = ET.fromstring(str(section.chart))
            labels = [t.text for t in chart.iter(f"{SVG}text") if t.get("text-anchor") == "end"]
            rows = {str(row[0]) for row in section.table.rows}
            named = [label for label in labels if not label.replace(".", "").isdigit()]
            self.assertEqual(len(named), len(set(named)), key)
            self.assertLessEqual(set(named), rows, key)

    def test_it_never_shows_what_a_pair_wrote(self):
        """A journal note, an idea's title and a meeting agenda stay out of every page."""
        self.client.force_login(self.martin)
        for url in (
            self.url(),
            self.url("programme_at_risk"),
            self.url("programme_report"),
            self.url("programme_export_csv", "knowledge"),
        ):
            r = self.client.get(url)
            self.assertEqual(r.status_code, 200, url)
            for text in (SECRET_NOTE, SECRET_IDEA, SECRET_AGENDA):
                self.assertNotIn(text, r.content.decode(), url)

    def test_it_lists_the_pairs_at_risk_with_a_next_step_and_a_rematch_link(self):
        self.client.force_login(self.martin)
        r = self.client.get(self.url())
        self.assertContains(r, "Priya Patel &amp; Margaret Hughes")
        self.assertContains(r, "No meeting for a while")
        self.assertContains(r, "Declined, waiting for a new partner")
        self.assertContains(r, "Find a new partner for whoever is waiting.")
        self.assertContains(r, '<span class="muted">Never met</span>')
        self.assertNotContains(r, "Never paired")
        self.assertContains(r, reverse("rematch", args=[self.programme.slug, self.p_nadia.pk]))
        self.assertContains(r, self.url("programme_nudge", self.pair.pk))
        r = self.client.get(self.url("programme_at_risk"))
        self.assertContains(r, "2 pairs at risk")

    def test_it_lets_olivia_the_organisation_admin_see_it(self):
        self.client.force_login(self.olivia)
        self.assertEqual(self.client.get(self.url()).status_code, 200)

    def test_it_hides_the_dashboard_from_everyone_else(self):
        """Greta manages Globex, Priya takes part: both get 404 on every insight of Acme's."""
        urls = [
            self.url(),
            self.url("programme_at_risk"),
            self.url("programme_report"),
            self.url("programme_report_pdf"),
            self.url("programme_export_xlsx"),
            self.url("programme_export_csv", "funnel"),
            reverse("programme_compare")
            + f"?a={self.programme.slug}&b={self.globex_programme.slug}",
        ]
        for user in (self.greta, self.priya):
            self.client.force_login(user)
            for url in urls:
                self.assertEqual(self.client.get(url).status_code, 404, (user, url))
            r = self.client.post(self.url("programme_nudge", self.pair.pk))
            self.assertEqual(r.status_code, 404)
        self.assertEqual(len(mail.outbox), 0)
        self.assertFalse(AuditEvent.objects.filter(action__startswith="insights.").exists())

    def test_it_sends_strangers_to_sign_in(self):
        for url in (self.url(), self.url("programme_export_xlsx"), reverse("programme_compare")):
            r = self.client.get(url)
            self.assertEqual(r.status_code, 302)
            self.assertIn(reverse("login"), r["Location"])

    def test_it_renders_an_empty_programme_sensibly(self):
        empty = Programme.objects.create(organisation=self.acme, name="Next cycle")
        self.client.force_login(self.martin)
        r = self.client.get(reverse("programme_dashboard", args=[empty.slug]))
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "No data yet")
        self.assertContains(r, "There are no pairs yet")
        self.assertNotContains(r, "every active pair has met recently")
        self.assertContains(r, "n/a")

    def test_it_renders_in_the_same_number_of_queries_for_3_or_30_pairs(self):
        programme = Programme.objects.create(organisation=self.acme, name="Scale", status="active")
        url = reverse("programme_dashboard", args=[programme.slug])
        self.client.force_login(self.martin)
        grow(programme, 3)
        self.client.get(url)  # warm the session

        def count() -> int:
            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(self.client.get(url).status_code, 200)
            return len(queries)

        small = count()
        grow(programme, 27, start=3)
        self.assertEqual(count(), small)
        self.assertLessEqual(small, 30)


class NudgeTests(InsightsTestCase):
    def nudge(self, pair) -> object:
        return self.client.post(
            reverse("programme_nudge", args=[self.programme.slug, pair.pk]), {"next": "at_risk"}
        )

    def test_it_nudges_a_drifting_pair_by_email_and_audits_it(self):
        self.client.force_login(self.martin)
        r = self.nudge(self.pair)
        self.assertRedirects(r, reverse("programme_at_risk", args=[self.programme.slug]))
        self.assertEqual(
            sorted(m.to[0] for m in mail.outbox), ["margaret@acme.test", "priya@acme.test"]
        )
        to_priya = next(m for m in mail.outbox if m.to == ["priya@acme.test"])
        self.assertIn("You and Margaret Hughes have not met for", to_priya.body)
        self.assertTrue(to_priya.body.startswith("Hello Priya,"), to_priya.body[:40])
        self.assertIn(f"/pairs/{self.pair.pk}/", to_priya.body)
        event = AuditEvent.objects.get(action="insights.nudge")
        self.assertEqual(event.actor, self.martin)
        self.assertEqual(event.details["emailed"], 2)
        self.assertIn("no_meeting", event.details["reasons"])

    def test_a_second_nudge_waits_a_week_and_replies_reach_the_manager(self):
        self.client.force_login(self.martin)
        self.nudge(self.pair)
        self.assertEqual(mail.outbox[0].reply_to, ["martin@acme.test"])
        self.assertEqual(
            mail.outbox[0].subject, f"A note from your programme manager in {self.programme.name}"
        )
        mail.outbox.clear()
        r = self.client.post(
            reverse("programme_nudge", args=[self.programme.slug, self.pair.pk]), follow=True
        )
        self.assertEqual(mail.outbox, [])
        self.assertContains(r, "a nudge can follow 7 days later")
        self.assertEqual(AuditEvent.objects.filter(action="insights.nudge").count(), 1)
        page = self.client.get(reverse("programme_at_risk", args=[self.programme.slug]))
        self.assertContains(page, "Nudged ")
        # A week later the pair can be nudged again.
        AuditEvent.objects.filter(action="insights.nudge").update(
            at=timezone.now() - timedelta(days=7, minutes=1)
        )
        self.nudge(self.pair)
        self.assertEqual(len(mail.outbox), 2)

    def test_falling_ratings_are_never_told_to_the_partner_who_rated_well(self):
        body = render_to_string(
            "insights/email/nudge.txt",
            {
                "person": self.p_priya,
                "partner": self.p_margaret,
                "risk": AtRiskPair(
                    pair_id=1,
                    mentor_id=1,
                    mentee_id=2,
                    mentor="Priya",
                    mentee="Margaret",
                    reasons=("falling_ratings",),
                ),
                "programme": self.programme,
                "pair_url": "http://x/pairs/1/",
            },
        )
        self.assertIn("would like to know how your meetings are going", body)
        self.assertNotIn("rated", body)

    def test_it_tells_only_the_people_waiting_after_a_decline(self):
        self.client.force_login(self.martin)
        self.nudge(self.declined)
        self.assertEqual(sorted(m.to[0] for m in mail.outbox), ["nadia@acme.test", "sam@acme.test"])
        self.assertIn("looking for a new partner", mail.outbox[0].body)

    def test_the_button_and_the_message_name_only_whom_the_nudge_emails(self):
        """Sam has a new partner since Nadia declined: only Nadia waits, so only she is
        named on the button, emailed and named in the message."""
        Pair.objects.create(
            programme=self.programme, mentor=self.p_sam, mentee=self.p_margaret, status="proposed"
        )
        self.client.force_login(self.martin)
        page = self.client.get(reverse("programme_at_risk", args=[self.programme.slug]))
        self.assertContains(page, ">Nudge Nadia Novak</button>", html=False)
        self.assertContains(page, ">Nudge Priya Patel &amp; Margaret Hughes</button>")
        r = self.client.post(
            reverse("programme_nudge", args=[self.programme.slug, self.declined.pk]), follow=True
        )
        self.assertEqual([m.to for m in mail.outbox], [["nadia@acme.test"]])
        self.assertContains(r, "Nudge sent to Nadia Novak.")
        self.assertNotContains(r, "Sam Okafor &amp; Nadia Novak.")

    def test_it_says_so_when_nobody_to_nudge_has_an_address(self):
        Participant.objects.filter(pk=self.p_nadia.pk).update(user=None, email="")
        Pair.objects.create(
            programme=self.programme, mentor=self.p_sam, mentee=self.p_margaret, status="proposed"
        )
        self.client.force_login(self.martin)
        r = self.client.post(
            reverse("programme_nudge", args=[self.programme.slug, self.declined.pk]), follow=True
        )
        self.assertEqual(mail.outbox, [])
        self.assertContains(r, "Nothing was sent: nobody to nudge has an email address.")

    def test_it_sends_nothing_to_a_pair_no_longer_at_risk(self):
        self.programme.no_meeting_days = 0
        self.programme.save()
        self.client.force_login(self.martin)
        r = self.client.post(reverse("programme_nudge", args=[self.programme.slug, self.pair.pk]))
        self.assertRedirects(r, reverse("programme_dashboard", args=[self.programme.slug]))
        self.assertEqual(len(mail.outbox), 0)
        self.assertFalse(AuditEvent.objects.filter(action="insights.nudge").exists())

    def test_no_pair_is_nudged_to_meet_after_the_programme_ended(self):
        self.programme.ends_on = timezone.localdate() - timedelta(days=1)
        self.programme.save()
        self.client.force_login(self.martin)
        self.nudge(self.pair)
        self.assertEqual(mail.outbox, [])

    def test_it_nudges_only_by_post(self):
        self.client.force_login(self.martin)
        r = self.client.get(reverse("programme_nudge", args=[self.programme.slug, self.pair.pk]))
        self.assertEqual(r.status_code, 405)


class ConcernTests(InsightsTestCase):
    def setUp(self):
        self.programme.no_meeting_days = 0  # only the concern puts the pair at risk
        self.programme.save()
        Concern.objects.create(programme=self.programme, author=self.p_priya, text=SECRET_NOTE)

    def test_it_shows_martin_the_pair_and_the_count_but_never_the_words(self):
        self.client.force_login(self.martin)
        r = self.client.get(reverse("programme_dashboard", args=[self.programme.slug]))
        self.assertContains(r, "A concern raised")
        self.assertContains(r, reverse("concern_list", args=[self.programme.slug]))
        self.assertEqual(r.context["figures"].open_concerns, 1)
        self.assertContains(r, "open concern · ")
        self.assertNotContains(r, "open concerns")
        self.assertContains(r, ">read it</a>")
        self.assertNotContains(r, SECRET_NOTE)

    def test_it_keeps_the_concern_from_a_manager_it_does_not_reach(self):
        """Olivia, an admin, does not read Priya's concern while Acme has a programme manager:
        her dashboard neither counts it nor sends her to a Concerns page with nothing on it."""
        self.client.force_login(self.olivia)
        r = self.client.get(reverse("programme_dashboard", args=[self.programme.slug]))
        self.assertNotContains(r, "A concern raised")
        self.assertEqual(r.context["figures"].open_concerns, 0)
        self.assertContains(r, '<span class="value">0</span><span class="label">open concerns')
        self.assertNotContains(r, "read it")
        concerns = self.client.get(reverse("concern_list", args=[self.programme.slug]))
        self.assertEqual(len(concerns.context["open"]), 0)

    def test_it_nudges_only_the_author_of_a_concern_without_naming_it(self):
        self.client.force_login(self.martin)
        self.client.post(reverse("programme_nudge", args=[self.programme.slug, self.pair.pk]))
        self.assertEqual([m.to for m in mail.outbox], [["priya@acme.test"]])
        self.assertIn("would like to hear how your mentoring is going", mail.outbox[0].body)
        messages = [str(m) for m in get_messages(self.client.get("/").wsgi_request)]
        self.assertIn("Nudge sent to Priya Patel.", messages)
        self.assertNotIn("concern", mail.outbox[0].body.lower())
