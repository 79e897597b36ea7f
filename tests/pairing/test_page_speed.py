"""Review and publish pages of a 5,000-pair run: a fixed number of queries, whatever the size."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.pairing.bulk import build_big_run
from tests.pairing.stories import MatchingTestCase
from twoheads.pairing.models import Pair
from twoheads.pairing.views import PAGE_SIZE
from twoheads.programmes.models import Programme

MAX_QUERIES = 16


class PageSpeedTests(MatchingTestCase):
    def setUp(self):
        self.client.force_login(self.martin)
        self.small_programme = Programme.objects.create(
            organisation=self.acme, name="Small", status="matching"
        )
        self.small = build_big_run(self.small_programme, pairs=20, unmatched=5)
        self.big_programme = Programme.objects.create(
            organisation=self.acme, name="Big", status="matching"
        )
        self.big = build_big_run(self.big_programme, pairs=5000)

    def queries(self, method, url, data=None):
        with CaptureQueriesContext(connection) as ctx:
            response = getattr(self.client, method)(url, data or {})
        self.assertLess(response.status_code, 400, url)
        return len(ctx.captured_queries), response

    def test_the_review_page_costs_the_same_queries_for_20_or_5000_pairs(self):
        small, _r = self.queries("get", self.small.get_absolute_url())
        big, response = self.queries("get", self.big.get_absolute_url())
        self.assertEqual(small, big)
        self.assertLessEqual(big, MAX_QUERIES)
        self.assertEqual(len(response.context["page"].object_list), PAGE_SIZE)
        self.assertContains(response, "5000 proposed pairs")
        filtered, _r = self.queries(
            "get", self.big.get_absolute_url(), {"department": "Data", "q": "E1", "sort": "score"}
        )
        self.assertLessEqual(filtered, MAX_QUERIES)

    def test_publishing_5000_pairs_takes_a_bounded_number_of_queries(self):
        url = reverse("run_publish", args=[self.big_programme.slug, self.big.pk])
        confirm, response = self.queries("get", url)
        self.assertLessEqual(confirm, MAX_QUERIES)
        self.assertContains(response, "5000 pairs will be created.")
        published, _r = self.queries("post", url)
        self.assertLessEqual(published, MAX_QUERIES + 10)
        self.assertEqual(Pair.objects.filter(run=self.big).count(), 5000)

    def test_the_pair_list_is_paged_with_bounded_queries(self):
        url = reverse("run_publish", args=[self.big_programme.slug, self.big.pk])
        self.client.post(url)
        count, response = self.queries("get", reverse("pair_list", args=[self.big_programme.slug]))
        self.assertLessEqual(count, MAX_QUERIES)
        self.assertContains(response, "5000 pairs")
