"""The pairs page finds pairs by a partner's name or HR id, by status and by the department,
site or organisation of either partner, and its exports hold the pairs it lists.

The story is the segments' one: Priya (Data) and Margaret (Finance) are active in London, Sam
and Nadia's pair was declined, Lena (Legal, Leeds) mentors Harold (Legal, York).
"""

from django.urls import reverse

from tests.insights.test_exports import csv_rows
from tests.insights.test_segments import SegmentTestCase
from twoheads.accounts.models import AuditEvent
from twoheads.pairing.models import Pair


class PairFilterTests(SegmentTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.martin)

    def listed(self, **query: str) -> list[str]:
        r = self.client.get(reverse("pair_list", args=[self.programme.slug]), query)
        self.assertEqual(r.status_code, 200)
        return [f"{p.mentor.name} & {p.mentee.name}" for p in r.context["page"].object_list]

    def exported(self, fmt: str = "csv", **query: str) -> list[str]:
        r = self.client.get(reverse("pair_export", args=[self.programme.slug, fmt]), query)
        self.assertEqual(r.status_code, 200, r.content)
        _header, *rows = csv_rows(r.content)
        return [f"{row[1]} & {row[3]}" for row in rows]

    def test_live_pairs_are_listed_first_and_every_status_can_be_chosen(self):
        live = ["Lena Lund & Harold Hill", "Priya Patel & Margaret Hughes"]
        self.assertEqual(self.listed(), live)
        self.assertEqual(self.listed(status="declined"), ["Sam Okafor & Nadia Novak"])
        self.assertEqual(len(self.listed(status="all")), 3)

    def test_a_name_finds_the_pair_of_either_partner_in_any_case(self):
        self.assertEqual(self.listed(q="harold"), ["Lena Lund & Harold Hill"])
        self.assertEqual(self.listed(q="LENA"), ["Lena Lund & Harold Hill"])
        self.assertEqual(self.listed(q="nadia"), [])  # declined: not live
        self.assertEqual(self.listed(q="nadia", status="all"), ["Sam Okafor & Nadia Novak"])

    def test_an_hr_id_finds_the_pair_exactly(self):
        self.assertEqual(self.listed(q="A400"), ["Lena Lund & Harold Hill"])
        self.assertEqual(self.listed(q="A40"), [])

    def test_a_department_lists_the_pairs_with_someone_in_it(self):
        self.assertEqual(self.listed(department="Finance"), ["Priya Patel & Margaret Hughes"])
        self.assertEqual(self.listed(site="York"), ["Lena Lund & Harold Hill"])
        self.assertEqual(self.listed(department="Finance", q="harold"), [])

    def test_the_page_says_when_nothing_matches_and_offers_to_clear(self):
        r = self.client.get(reverse("pair_list", args=[self.programme.slug]), {"q": "Zed"})
        self.assertContains(r, "No pair matches these choices.")
        self.assertContains(r, "Clear: show every live pair")
        self.assertNotContains(r, "Publish a match run")

    def test_a_status_with_no_pairs_says_so_rather_than_asking_for_a_run(self):
        r = self.client.get(reverse("pair_list", args=[self.programme.slug]), {"status": "ended"})
        self.assertContains(r, "No pair matches these choices.")
        self.assertNotContains(r, "Publish a match run")

    def test_a_choice_not_on_the_lists_is_an_error_and_lists_the_live_pairs(self):
        r = self.client.get(
            reverse("pair_list", args=[self.programme.slug]), {"department": "Nowhere"}
        )
        self.assertContains(r, "That is not a choice you can make here")
        self.assertEqual(len(r.context["page"].object_list), 2)

    def test_the_pages_and_the_exports_carry_the_choice(self):
        Pair.objects.bulk_create(
            Pair(
                programme=self.programme,
                mentor=self.p_lena,
                mentee=self.p_harold,
                status=Pair.Status.ENDED,
            )
            for _ in range(60)
        )
        r = self.client.get(
            reverse("pair_list", args=[self.programme.slug]), {"status": "ended", "site": "York"}
        )
        self.assertContains(r, "?status=ended&amp;site=York&amp;page=2")
        export = reverse("pair_export", args=[self.programme.slug, "csv"])
        self.assertContains(r, f"{export}?status=ended&amp;site=York")

    def test_the_export_holds_the_pairs_listed_and_the_audit_says_which(self):
        self.assertEqual(
            self.exported(status="live", department="Legal"), ["Lena Lund & Harold Hill"]
        )
        event = AuditEvent.objects.get(action="insights.export")
        self.assertEqual(event.details["segment"], "Live pairs in Legal")
        r = self.client.get(
            reverse("pair_export", args=[self.programme.slug, "xlsx"]), {"q": "Priya"}
        )
        self.assertIn("-pairs-with-priya-", r["Content-Disposition"])

    def test_the_export_without_a_choice_is_every_pair(self):
        self.assertEqual(len(self.exported()), 3)
        self.assertNotIn("segment", AuditEvent.objects.get(action="insights.export").details)

    def test_an_export_of_a_choice_not_on_the_lists_is_refused(self):
        r = self.client.get(
            reverse("pair_export", args=[self.programme.slug, "csv"]), {"department": "Nowhere"}
        )
        self.assertEqual(r.status_code, 400)
        self.assertFalse(AuditEvent.objects.filter(action="insights.export").exists())

    def test_another_organisations_manager_cannot_list_or_export_the_pairs(self):
        self.client.force_login(self.greta)
        for url in (
            reverse("pair_list", args=[self.programme.slug]),
            reverse("pair_export", args=[self.programme.slug, "csv"]),
        ):
            self.assertEqual(self.client.get(url, {"department": "Finance"}).status_code, 404)


class PartnerPairFilterTests(SegmentTestCase):
    """Greta manages for Globex, a partner: she filters by her own people's departments only."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.p_gus_here = cls.open_to_globex()
        cls.p_gus_here.department = "Sales"
        cls.p_gus_here.save()
        Pair.objects.create(
            programme=cls.programme, mentor=cls.p_gus_here, mentee=cls.p_nadia, status="active"
        )

    def test_the_partner_manager_cannot_list_by_an_acme_department(self):
        self.client.force_login(self.greta)
        url = reverse("pair_list", args=[self.programme.slug])
        r = self.client.get(url, {"department": "Finance"})
        self.assertContains(r, "That is not a choice you can make here")
        self.assertNotContains(r, '<option value="Finance">')
        r = self.client.get(url, {"department": "Sales"})
        self.assertEqual(
            [p.mentor.name for p in r.context["page"].object_list], [self.p_gus_here.name]
        )
