"""The programme summary gives Martin's BI tool the dashboard's numbers, and nobody else."""

from tests.api.base import ApiTestCase
from twoheads.insights.figures import programme_figures, summary_dict
from twoheads.privacy.concerns import raise_concern

SUMMARY = "/api/v1/programmes/acme-reverse-mentoring/summary"


class SummaryTests(ApiTestCase):
    def test_it_gives_the_manager_the_same_figures_as_the_dashboard(self):
        response = self.get(SUMMARY, self.martin_token)
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        expected = summary_dict(programme_figures(self.programme))
        self.assertEqual(body["funnel"], expected["funnel"])
        self.assertEqual(body["match"]["live_pairs"], 1)

    def test_it_names_the_programme_by_its_slug_as_every_other_answer_does(self):
        body = self.get(SUMMARY, self.martin_token).json()
        self.assertEqual(body["programme"], "acme-reverse-mentoring")

    def test_a_concern_counts_as_on_the_managers_dashboard(self):
        raise_concern(self.p_priya, "The senior partner talks over me")
        body = self.get(SUMMARY, self.martin_token).json()
        expected = summary_dict(programme_figures(self.programme, viewer=self.martin))
        self.assertEqual(body["open_concerns"], expected["open_concerns"])
        self.assertEqual(body["at_risk"], expected["at_risk"])
        self.assertEqual(body["at_risk"]["by_reason"]["concern"], 1)

    def test_it_hides_the_summary_from_globex(self):
        self.assertError(self.get(SUMMARY, self.greta_token), 404, "not_found")

    def test_it_keeps_the_summary_for_managers(self):
        self.assertError(self.get(SUMMARY, self.priya_token), 403, "forbidden")

    def test_it_refuses_without_a_token(self):
        self.assertError(self.get(SUMMARY), 401, "unauthorized")
