"""The dashboard counts the pairs whose partners both agreed to their agreement, never what it
says; the exports, the comparison and the API's summary give the same count."""

from django.urls import reverse
from django.utils import timezone

from tests.insights.stories import NOW
from tests.insights.test_segments import SegmentTestCase
from twoheads.accounts.models import ApiToken
from twoheads.insights.figures import programme_figures
from twoheads.journal.models import Agreement

SECRET = "What stays between us: the Halcyon numbers"


class AgreedPairsTests(SegmentTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        now = timezone.now()
        # Priya and Margaret both agreed; Lena agreed to hers, Harold has not yet.
        Agreement.objects.create(
            pair=cls.pair, between_us=SECRET, mentor_agreed_at=now, mentee_agreed_at=now
        )
        Agreement.objects.create(pair=cls.legal, between_us=SECRET, mentor_agreed_at=now)

    def test_only_pairs_where_both_agreed_count(self):
        figures = programme_figures(self.programme, NOW, viewer=self.martin)
        self.assertEqual(figures.agreed_pairs, 1)
        self.assertEqual(self.figures(department="Finance").agreed_pairs, 1)
        self.assertEqual(self.figures(department="Legal").agreed_pairs, 0)

    def test_the_dashboard_shows_the_count_and_not_the_words(self):
        self.client.force_login(self.martin)
        page = self.client.get(reverse("programme_dashboard", args=[self.programme.slug]))
        self.assertContains(page, "pair agreed how they work together")
        self.assertNotContains(page, SECRET)

    def test_the_api_summary_gives_the_same_count(self):
        token = ApiToken.issue(self.martin, "reports")[1]
        r = self.client.get(
            f"/api/v1/programmes/{self.programme.slug}/summary",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        self.assertEqual(r.json()["agreed_pairs"], 1)
