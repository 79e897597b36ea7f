from django.urls import reverse

from tests.base import PersonasTestCase
from twoheads.accounts.models import ApiToken, AuditEvent


class ApiTokenTests(PersonasTestCase):
    def test_it_stores_only_a_hash_and_authenticates_the_secret(self):
        token, secret = ApiToken.issue(self.martin, "HR sync")
        self.assertNotIn(secret, token.digest)
        self.assertEqual(ApiToken.authenticate(secret), self.martin)
        token.refresh_from_db()
        self.assertIsNotNone(token.last_used_at)

    def test_it_refuses_a_revoked_token(self):
        token, secret = ApiToken.issue(self.martin, "HR sync")
        token.revoke()
        self.assertIsNone(ApiToken.authenticate(secret))

    def test_it_refuses_a_tampered_or_foreign_secret(self):
        _, secret = ApiToken.issue(self.martin, "HR sync")
        self.assertIsNone(ApiToken.authenticate(secret[:-2] + "xx"))
        self.assertIsNone(ApiToken.authenticate("Bearer nonsense"))

    def test_it_refuses_the_token_of_a_deactivated_user(self):
        _, secret = ApiToken.issue(self.martin, "HR sync")
        self.martin.is_active = False
        self.martin.save()
        self.assertIsNone(ApiToken.authenticate(secret))

    def test_martin_sees_a_new_token_once_and_can_revoke_it(self):
        self.client.force_login(self.martin)
        response = self.client.post(
            reverse("token_create"), {"token-name": "BI reports"}, follow=True
        )
        token = self.martin.api_tokens.get()
        self.assertContains(response, f"th_{token.lookup}_")
        self.assertContains(response, "BI reports")
        # A reload shows it no more and makes no other token: the POST was answered by a
        # redirect, so the browser has no form to send again.
        self.assertEqual(response.redirect_chain, [(reverse("token_created"), 302)])
        again = self.client.get(reverse("token_created"))
        self.assertRedirects(again, reverse("account"))
        self.assertEqual(self.martin.api_tokens.count(), 1)
        page = self.client.get(reverse("account"))
        self.assertNotContains(page, f"th_{token.lookup}_")
        self.client.post(reverse("token_revoke", args=[token.pk]))
        token.refresh_from_db()
        self.assertIsNotNone(token.revoked_at)
        self.assertTrue(AuditEvent.objects.filter(action="api_token.revoke").exists())

    def test_greta_cannot_revoke_martins_token(self):
        token, _ = ApiToken.issue(self.martin, "HR sync")
        self.client.force_login(self.greta)
        response = self.client.post(reverse("token_revoke", args=[token.pk]))
        self.assertEqual(response.status_code, 404)
        token.refresh_from_db()
        self.assertIsNone(token.revoked_at)
