"""`twoheads check --deploy` warns while the links in emails would not reach the site."""

from django.test import SimpleTestCase, override_settings

from tests.test_settings_and_health import PRODUCTION_ENV, run_twoheads
from twoheads.mail.checks import check_site_url


@override_settings(DEBUG=False, ALLOWED_HOSTS=["mentoring.example.com"])
class SiteUrlCheckTests(SimpleTestCase):
    def ids(self) -> list[str]:
        return [message.id for message in check_site_url()]

    def test_an_https_address_the_site_answers_to_passes(self):
        with self.settings(SITE_URL="https://mentoring.example.com"):
            self.assertEqual(self.ids(), [])

    def test_the_default_and_any_plain_http_address_warn(self):
        for url in ("http://127.0.0.1:8000", "http://mentoring.example.com"):
            with self.subTest(url), self.settings(SITE_URL=url):
                self.assertEqual(self.ids(), ["twoheads.W001"])

    def test_a_host_the_site_does_not_answer_to_warns(self):
        with self.settings(SITE_URL="https://mentoring.example.org"):
            self.assertEqual(self.ids(), ["twoheads.W002"])

    @override_settings(DEBUG=True)
    def test_development_is_left_alone(self):
        self.assertEqual(self.ids(), [])

    def test_check_deploy_without_site_url_reports_it(self):
        env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SITE_URL"}
        result = run_twoheads("check", "--deploy", "--fail-level", "WARNING", env=env)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("(twoheads.W001) SITE_URL is 'http://127.0.0.1:8000'", result.stderr)
