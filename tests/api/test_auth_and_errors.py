"""Tokens, the rate limit and the one error shape, told from the integrator's side."""

from django.test import override_settings
from django.utils import timezone

from tests.api.base import ApiTestCase
from twoheads.accounts.models import ApiToken
from twoheads.api.auth import count_request
from twoheads.api.errors import RateLimited


class TokenTests(ApiTestCase):
    def test_it_refuses_a_request_without_a_token(self):
        response = self.get("/api/v1/programmes")
        self.assertError(response, 401, "unauthorized")
        self.assertIn("Bearer", response["WWW-Authenticate"])

    def test_it_refuses_a_made_up_token(self):
        self.assertError(
            self.get("/api/v1/programmes", "th_abc_notarealsecret"), 401, "unauthorized"
        )
        self.assertError(self.get("/api/v1/programmes", "nonsense"), 401, "unauthorized")

    def test_it_refuses_a_token_with_the_right_lookup_but_the_wrong_secret(self):
        forged = self.martin_token[: self.martin_token.index("_", 3) + 1] + "guessed"
        self.assertError(self.get("/api/v1/programmes", forged), 401, "unauthorized")

    def test_it_refuses_a_revoked_token(self):
        token, secret = ApiToken.issue(self.martin, "old laptop")
        self.assertEqual(self.get("/api/v1/programmes", secret).status_code, 200)
        token.revoke()
        self.assertError(self.get("/api/v1/programmes", secret), 401, "unauthorized")

    def test_it_refuses_the_token_of_a_deactivated_user(self):
        self.sam.is_active = False
        self.sam.save()
        secret = ApiToken.issue(self.sam, "scripts")[1]
        self.assertError(self.get("/api/v1/me", secret), 401, "unauthorized")

    def test_it_ignores_a_session_login(self):
        """The API is for tokens only, so a browser session cannot be ridden by another site."""
        self.client.force_login(self.martin)
        self.assertError(self.get("/api/v1/programmes"), 401, "unauthorized")

    def test_it_records_when_a_token_was_last_used(self):
        self.get("/api/v1/me", self.martin_token)
        token = ApiToken.objects.get(user=self.martin, name="HR sync")
        self.assertLess((timezone.now() - token.last_used_at).total_seconds(), 60)

    def test_it_tells_the_owner_who_they_are(self):
        body = self.get("/api/v1/me", self.martin_token).json()
        self.assertEqual(body["email"], "martin@acme.test")
        self.assertEqual(body["roles"], [{"organisation": "acme-ltd", "role": "programme_manager"}])


class RateLimitTests(ApiTestCase):
    @override_settings(API_RATE_LIMIT=3, API_RATE_WINDOW=60)
    def test_it_answers_429_with_retry_after_once_a_token_exceeds_its_limit(self):
        for _ in range(3):
            self.assertEqual(self.get("/api/v1/me", self.martin_token).status_code, 200)
        response = self.get("/api/v1/me", self.martin_token)
        self.assertError(response, 429, "rate_limited")
        self.assertTrue(1 <= int(response["Retry-After"]) <= 60)

    @override_settings(API_RATE_LIMIT=3, API_RATE_WINDOW=60)
    def test_it_counts_each_token_on_its_own(self):
        for _ in range(4):
            self.get("/api/v1/me", self.martin_token)
        self.assertEqual(self.get("/api/v1/me", self.greta_token).status_code, 200)

    @override_settings(API_RATE_LIMIT=2, API_RATE_WINDOW=60)
    def test_it_starts_a_fresh_count_in_the_next_window(self):
        count_request("token-a", now=120.0)
        count_request("token-a", now=150.0)
        with self.assertRaises(RateLimited) as caught:
            count_request("token-a", now=170.5)
        self.assertEqual(caught.exception.retry_after, 10)
        count_request("token-a", now=180.0)  # a new window: allowed again

    @override_settings(API_RATE_LIMIT=1, API_RATE_WINDOW=60)
    def test_it_says_one_second_not_one_seconds(self):
        count_request("token-b", now=120.0)
        with self.assertRaises(RateLimited) as caught:
            count_request("token-b", now=179.5)
        self.assertIn("retry after 1 second.", caught.exception.message)
        with self.assertRaises(RateLimited) as caught:
            count_request("token-b", now=170.0)
        self.assertIn("retry after 10 seconds.", caught.exception.message)


class ErrorShapeTests(ApiTestCase):
    def test_it_reports_invalid_query_parameters_as_400_naming_the_field(self):
        body = self.assertError(
            self.get("/api/v1/programmes?page=0", self.martin_token), 400, "invalid"
        )
        self.assertEqual(body["details"][0]["field"], "page")

    def test_it_reports_an_invalid_body_as_400_naming_the_field(self):
        body = self.assertError(
            self.post(
                "/api/v1/programmes", {"name": "Pilot", "type": "sideways"}, self.martin_token
            ),
            400,
            "invalid",
        )
        self.assertIn("type", [d["field"] for d in body["details"]])

    def test_a_body_left_out_is_told_which_fields_it_needs_by_their_own_names(self):
        pair = f"/api/v1/pairs/{self.pair.pk}/end"
        status = "/api/v1/programmes/acme-reverse-mentoring/status"
        for url, field in ((pair, "reason"), (status, "status"), ("/api/v1/programmes", "name")):
            with self.subTest(url=url):
                response = self.call("POST", url, self.martin_token, content_type="")
                body = self.assertError(response, 400, "invalid")
                self.assertEqual(body["details"], [{"field": field, "message": "Field required"}])
        self.pair.refresh_from_db()
        self.assertEqual(self.pair.status, "active")

    def test_it_reports_malformed_json_as_400(self):
        response = self.post("/api/v1/programmes", b"{not json", self.martin_token)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["code"], "invalid")

    def test_it_answers_a_method_an_address_does_not_take_with_a_json_405(self):
        response = self.call("DELETE", "/api/v1/programmes", self.martin_token)
        body = self.assertError(response, 405, "method_not_allowed")
        self.assertIn("GET", response["Allow"])
        self.assertIn("DELETE is not taken here", body["message"])

    def test_it_answers_a_number_too_large_for_the_database_with_a_400(self):
        huge = "99999999999999999999"
        response = self.get(f"/api/v1/meetings?pair={huge}", self.martin_token)
        self.assertError(response, 400, "invalid")

    def test_it_answers_an_unknown_address_with_a_json_404(self):
        self.assertError(self.get("/api/v2/everything", self.martin_token), 404, "not_found")

    def test_it_publishes_its_schema_and_docs_without_a_token(self):
        schema = self.get("/api/openapi.json").json()
        self.assertIn("/api/v1/programmes/{slug}/participants/bulk", schema["paths"])
        self.assertEqual(schema["components"]["securitySchemes"]["BearerToken"]["scheme"], "bearer")
        docs = self.get("/api/docs")
        self.assertContains(docs, "/api/docs/assets/swagger-ui-bundle.js")
        self.assertEqual(self.get("/api/docs/assets/swagger-ui-init.js").status_code, 200)
        self.assertEqual(self.get("/api/docs/assets/settings.py").status_code, 404)
