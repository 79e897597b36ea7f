"""A manager's dashboard for one part of a programme: a department, a site or an organisation.

On top of the worked story (Priya in Data and Margaret in Finance, both in London, an active
pair), Lena (Legal, Leeds) mentors Harold (Legal, York): an active pair with one meeting of
45 minutes, one idea and one goal. Harold has an open concern.
"""

import csv
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from tests.insights.stories import NOW, InsightsTestCase, at
from tests.insights.test_figures import grow
from twoheads.accounts.models import AuditEvent
from twoheads.insights.figures import programme_figures
from twoheads.journal.models import Goal, Idea
from twoheads.meetings.models import Meeting, MeetingLog
from twoheads.pairing.forms import SegmentForm
from twoheads.pairing.models import Pair
from twoheads.pairing.segments import WHOLE, Segment
from twoheads.participants.models import Participant
from twoheads.privacy.models import Concern
from twoheads.programmes.models import Programme


class SegmentTestCase(InsightsTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        Participant.objects.filter(pk__in=[cls.p_priya.pk, cls.p_margaret.pk]).update(site="London")
        cls.p_lena = cls.person("A300", "Lena Lund", "mentor", department="Legal", site="Leeds")
        cls.p_harold = cls.person("A400", "Harold Hill", "mentee", department="Legal", site="York")
        cls.legal = Pair.objects.create(
            programme=cls.programme,
            mentor=cls.p_lena,
            mentee=cls.p_harold,
            status=Pair.Status.ACTIVE,
            score=0.6,
            mentor_response="accepted",
            mentee_response="accepted",
            activated_at=at("2026-03-01"),
        )
        meeting = Meeting.objects.create(pair=cls.legal, starts_at=at("2026-03-16"))
        MeetingLog.objects.create(meeting=meeting, held=True, duration_minutes=45)
        Idea.objects.create(
            pair=cls.legal, shared_by=cls.p_harold, shared_with=cls.p_lena, title="Contracts"
        )
        Goal.objects.create(pair=cls.legal, owner=cls.p_lena, kind="skill", title="x", progress=50)
        Concern.objects.create(programme=cls.programme, author=cls.p_harold, text="private")

    @classmethod
    def person(cls, ext: str, name: str, role: str, **kw: object) -> Participant:
        return Participant.objects.create(
            programme=cls.programme, external_id=ext, name=name, role=role, level=5, **kw
        )

    def segment(self, **chosen: str) -> Segment:
        form = SegmentForm(chosen, programme=self.programme, user=self.martin)
        self.assertTrue(form.is_valid(), form.errors)
        return form.segment()

    def figures(self, **chosen: str):
        return programme_figures(
            self.programme, NOW, viewer=self.martin, segment=self.segment(**chosen)
        )


class DepartmentSegmentTests(SegmentTestCase):
    def test_it_counts_only_finance_people_and_the_pair_with_margaret(self):
        """Finance is Margaret: one person, and her pair with Priya; Lena and Harold's pair,
        and Harold's concern, are outside it."""
        f = self.figures(department="Finance")
        self.assertEqual(dict(f.funnel.stages())["enrolled"], 1)
        self.assertEqual(f.funnel.invited, 1)  # an open invitation has no department yet
        self.assertEqual((f.funnel.matched, f.funnel.accepted, f.funnel.active), (1, 1, 1))
        self.assertEqual((f.match.enrolled, f.match.paired, f.match.live_pairs), (1, 1, 1))
        self.assertAlmostEqual(f.match.mean_score, 0.72)
        self.assertEqual((f.meetings_held, f.hours_held, f.meetings_not_held), (3, 3.0, 1))
        self.assertEqual([r.count for r in f.feedback], [3, 3])
        self.assertEqual([flow.shared for flow in f.knowledge], [3, 2])
        self.assertEqual([g.goals for g in f.goals], [2, 1])
        self.assertEqual(dict(f.guard_flags), {"email": 2, "financial_figure": 2})
        self.assertEqual(f.open_concerns, 0)
        self.assertEqual([p.pair_id for p in f.at_risk], [self.pair.pk])
        self.assertEqual(sum(m.count for m in f.checkins), 3)

    def test_a_nudge_from_finance_leads_back_to_finance(self):
        self.client.force_login(self.martin)
        dashboard = reverse("programme_dashboard", args=[self.programme.slug])
        page = self.client.get(dashboard, {"department": "Finance"})
        self.assertContains(page, '<input type="hidden" name="segment" value="department=Finance">')
        nudge = reverse("programme_nudge", args=[self.programme.slug, self.pair.pk])
        r = self.client.post(nudge, {"next": "dashboard", "segment": "department=Finance"})
        self.assertRedirects(r, f"{dashboard}?department=Finance")
        # A part that is not one of Martin's choices is dropped, never passed on.
        r = self.client.post(nudge, {"next": "at_risk", "segment": "department=Nowhere&x=1"})
        self.assertRedirects(r, reverse("programme_at_risk", args=[self.programme.slug]))

    def test_the_whole_programme_still_counts_everyone(self):
        f = programme_figures(self.programme, NOW, viewer=self.martin, segment=WHOLE)
        self.assertEqual(f.match.live_pairs, 2)
        self.assertEqual((f.meetings_held, f.hours_held), (4, 3.8))
        self.assertEqual(f.open_concerns, 1)

    def test_a_concern_counts_in_its_authors_segment(self):
        f = self.figures(department="Legal")
        self.assertEqual(f.open_concerns, 1)
        self.assertEqual((f.match.enrolled, f.match.live_pairs), (2, 1))
        self.assertEqual((f.meetings_held, f.hours_held), (1, 0.8))
        self.assertEqual([flow.shared for flow in f.knowledge], [0, 1])
        self.assertEqual([g.goals for g in f.goals], [1, 0])
        self.assertEqual(f.guard_flags, ())
        self.assertIn(self.legal.pk, [p.pair_id for p in f.at_risk])


class SiteSegmentTests(SegmentTestCase):
    def test_york_is_harold_and_his_pair_with_lena(self):
        f = self.figures(site="York")
        self.assertEqual((f.match.enrolled, f.match.paired, f.match.live_pairs), (1, 1, 1))
        self.assertAlmostEqual(f.match.mean_score, 0.6)
        self.assertEqual((f.meetings_held, f.hours_held, f.meetings_not_held), (1, 0.8, 0))
        self.assertEqual([r.count for r in f.feedback], [0, 0])

    def test_london_is_priya_and_margaret(self):
        f = self.figures(site="London")
        self.assertEqual((f.match.enrolled, f.match.paired, f.match.live_pairs), (2, 2, 1))
        self.assertEqual(f.meetings_held, 3)


class OrganisationSegmentTests(SegmentTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.p_gus_here = cls.open_to_globex()
        Participant.objects.filter(pk=cls.p_gus_here.pk).update(department="Sales", site="Berlin")
        # Hilde's organisation is blank: she is the host's, Acme's.
        cls.p_hilde = cls.person("A500", "Hilde Holm", "mentee", department="Sales")
        cls.exchange = Pair.objects.create(
            programme=cls.programme,
            mentor=cls.p_gus_here,
            mentee=cls.p_hilde,
            status=Pair.Status.ACTIVE,
            score=0.9,
            activated_at=at("2026-03-01"),
        )

    def test_globex_is_gus_and_his_pair_with_hilde(self):
        f = self.figures(organisation=str(self.globex.pk))
        self.assertEqual((f.match.enrolled, f.match.paired, f.match.live_pairs), (1, 1, 1))
        self.assertAlmostEqual(f.match.mean_score, 0.9)
        self.assertEqual(f.meetings_held, 0)

    def test_a_blank_organisation_is_the_hosts(self):
        f = self.figures(organisation=str(self.acme.pk))
        acme_people = Participant.objects.filter(programme=self.programme, status="active")
        expected = acme_people.exclude(role="").exclude(pk=self.p_gus_here.pk).count()
        self.assertEqual(f.match.enrolled, expected)
        self.assertEqual(f.match.live_pairs, 3)  # Hilde's pair has her, an Acme person

    def test_the_partner_manager_chooses_among_globex_people_only(self):
        """Greta manages for Globex: she may pick Gus's department and site, not Acme's."""
        form = SegmentForm({}, programme=self.programme, user=self.greta)
        self.assertEqual([v for v, _l in form.fields["department"].choices], ["", "Sales"])
        self.assertEqual([v for v, _l in form.fields["site"].choices], ["", "Berlin"])
        self.assertEqual(
            [v for v, _l in form.fields["organisation"].choices], ["", str(self.globex.pk)]
        )
        for asked in ({"department": "Finance"}, {"organisation": str(self.acme.pk)}):
            self.assertFalse(
                SegmentForm(asked, programme=self.programme, user=self.greta).is_valid()
            )

    def test_the_partner_managers_department_holds_only_their_own_people(self):
        """Hilde, at Acme, is in Sales too: Martin's Sales has her, Greta's does not."""
        for user, enrolled in ((self.martin, 2), (self.greta, 1)):
            form = SegmentForm({"department": "Sales"}, programme=self.programme, user=user)
            f = programme_figures(self.programme, NOW, viewer=user, segment=form.segment())
            self.assertEqual(f.match.enrolled, enrolled, user)
            self.assertEqual(f.match.live_pairs, 1)

    def test_the_partner_manager_sees_no_acme_department_on_the_page(self):
        self.client.force_login(self.greta)
        r = self.client.get(reverse("programme_dashboard", args=[self.programme.slug]))
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, '<option value="Sales">Sales</option>', html=True)
        self.assertNotContains(r, "Finance")
        self.assertNotContains(r, "Legal")


class SegmentPageTests(SegmentTestCase):
    def url(self, name: str, *args: str, query: str = "") -> str:
        return reverse(name, args=[self.programme.slug, *args]) + query

    def setUp(self) -> None:
        self.client.force_login(self.martin)

    def test_the_dashboard_says_which_segment_it_shows_and_offers_to_clear_it(self):
        r = self.client.get(self.url("programme_dashboard", query="?department=Finance"))
        self.assertContains(r, "Figures for the people in Finance and for the pairs with someone")
        self.assertContains(r, "Clear: show the whole programme")
        self.assertContains(r, '<option value="Finance" selected>Finance</option>', html=True)
        self.assertEqual(r.context["figures"].match.live_pairs, 1)
        whole = self.client.get(self.url("programme_dashboard"))
        self.assertContains(whole, "Figures for the whole programme.")
        self.assertNotContains(whole, "Clear: show the whole programme")
        self.assertNotContains(whole, 'name="organisation"')  # not a cross-organisation one

    def test_an_unknown_value_is_a_form_error(self):
        for query in ("?department=Nowhere", f"?organisation={self.globex.pk}"):
            r = self.client.get(self.url("programme_dashboard", query=query))
            self.assertEqual(r.status_code, 200)
            self.assertContains(r, "Select a valid choice")
            self.assertContains(r, "is not one you can choose")
            self.assertEqual(r.context["figures"].match.live_pairs, 2)  # not a segment
        r = self.client.get(self.url("programme_export_xlsx", query="?site=Mars"))
        self.assertEqual(r.status_code, 400)
        self.assertContains(r, "site", status_code=400)

    def test_every_link_of_the_dashboard_carries_the_segment(self):
        r = self.client.get(self.url("programme_dashboard", query="?department=Finance"))
        for name, args in (
            ("programme_report", ()),
            ("programme_report_pdf", ()),
            ("programme_export_xlsx", ()),
            ("programme_export_csv", ("at_risk",)),
            ("programme_export_csv", ("funnel",)),
            ("programme_export_csv", ("meetings",)),
        ):
            self.assertContains(r, f'href="{self.url(name, *args)}?department=Finance"')

    def test_the_csv_and_xlsx_follow_the_segment(self):
        r = self.client.get(self.url("programme_export_csv", "headline", query="?site=York"))
        self.assertIn("at-the-york-site", r["Content-Disposition"])
        rows = dict(
            (row[0], row[1])
            for row in csv.reader(io.StringIO(r.content.decode("utf-8-sig")))
            if len(row) > 1
        )
        self.assertEqual((rows["Live pairs"], rows["Meetings held"]), ("1", "1"))
        r = self.client.get(self.url("programme_export_xlsx", query="?department=Finance"))
        book = load_workbook(io.BytesIO(r.content))
        values = {row[0]: row[1] for row in book.worksheets[0].iter_rows(values_only=True)}
        self.assertEqual((values["Live pairs"], values["Meetings held"]), (1, 3))

    def test_the_report_and_its_pdf_follow_the_segment(self):
        r = self.client.get(self.url("programme_report", query="?department=Legal"))
        self.assertContains(r, "Figures for the people in Legal")
        self.assertContains(r, f'href="{self.url("programme_report_pdf")}?department=Legal"')
        self.assertEqual(r.context["figures"].open_concerns, 1)
        r = self.client.get(self.url("programme_report_pdf", query="?department=Legal"))
        self.assertEqual(r.status_code, 200)
        self.assertIn("-in-legal-", r["Content-Disposition"])
        event = AuditEvent.objects.get(action="insights.export")
        self.assertEqual(event.details["segment"], "in Legal")

    def test_the_at_risk_page_follows_the_segment(self):
        r = self.client.get(self.url("programme_at_risk", query="?department=Finance"))
        self.assertEqual([p.pair_id for p in r.context["page"]], [self.pair.pk])
        self.assertContains(r, f'href="{self.url("programme_export_csv", "at_risk")}?department')


class SegmentQueryCountTests(InsightsTestCase):
    def test_a_segment_is_read_in_the_same_number_of_queries_for_3_or_30_pairs(self):
        programme = Programme.objects.create(organisation=self.acme, name="Scale", status="active")
        url = reverse("programme_dashboard", args=[programme.slug]) + "?department=Finance"
        self.client.force_login(self.martin)

        def count() -> int:
            Participant.objects.filter(programme=programme).update(department="Finance")
            with CaptureQueriesContext(connection) as queries:
                r = self.client.get(url)
            self.assertEqual(r.status_code, 200)
            self.assertTrue(r.context["figures"].segment)
            return len(queries)

        grow(programme, 3)
        count()  # warm the session
        small = count()
        grow(programme, 27, start=3)
        self.assertEqual(count(), small)
        self.assertEqual(self.client.get(url).context["figures"].match.live_pairs, 30)
        self.assertLessEqual(small, 35)
