"""Every state-changing page refuses a POST that lacks the CSRF token, even from its owner."""

from django.test import Client
from django.urls import reverse

from tests.security.test_access_matrix import MATRIX, PERSONAS, MatrixFixtures

# Signing in and asking for a reset are protected too, but answer with the form again.
PUBLIC_FORMS = {"login", "password_reset", "password_reset_confirm", "logout"}


class CsrfTests(MatrixFixtures):
    def test_every_post_without_a_token_is_refused(self) -> None:
        unprotected = []
        client = Client(enforce_csrf_checks=True)
        for name, row in sorted(MATRIX.items()):
            allowed = [p for p in PERSONAS if p in row.allowed]
            if not allowed or name in PUBLIC_FORMS or name in {"healthz", "calendar_feed"}:
                continue
            client.force_login(getattr(self, allowed[0]))
            response = client.post(reverse(name, args=row.args(self)), {})
            if response.status_code != 403:
                unprotected.append(f"{name}: {response.status_code}")
        self.assertEqual(unprotected, [])

    def test_the_sign_in_form_needs_its_token_too(self) -> None:
        response = Client(enforce_csrf_checks=True).post(
            reverse("login"), {"username": "priya@acme.test", "password": "x"}
        )
        self.assertEqual(response.status_code, 403)
