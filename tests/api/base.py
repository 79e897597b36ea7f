"""API tests: the personas of tests/base.py, each with a personal API token."""

import json
from typing import Any

from django.core.cache import cache
from django.http import HttpResponse

from tests.base import PersonasTestCase
from twoheads.accounts.models import ApiToken, AuditEvent


class ApiTestCase(PersonasTestCase):
    """Martin (Acme manager), Greta (Globex manager) and Priya (participant) hold tokens."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.martin_token = ApiToken.issue(cls.martin, "HR sync")[1]
        cls.greta_token = ApiToken.issue(cls.greta, "Globex reports")[1]
        cls.priya_token = ApiToken.issue(cls.priya, "my scripts")[1]

    def setUp(self) -> None:
        cache.clear()  # the rate limit counts in the cache

    def call(
        self,
        method: str,
        url: str,
        token: str | None = None,
        body: Any = None,
        content_type: str = "application/json",
        **headers: str,
    ) -> HttpResponse:
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = body
        if content_type == "application/json" and not isinstance(body, (bytes, str, type(None))):
            data = json.dumps(body)
        request = getattr(self.client, method.lower())
        if method.upper() == "GET":
            return request(url, headers=headers)
        return request(url, data=data or b"", content_type=content_type, headers=headers)

    def get(self, url: str, token: str | None = None, **headers: str) -> HttpResponse:
        return self.call("GET", url, token, **headers)

    def post(self, url: str, body: Any = None, token: str | None = None, **kw: Any) -> HttpResponse:
        return self.call("POST", url, token, body, **kw)

    def assertError(self, response: HttpResponse, status: int, code: str) -> dict:
        self.assertEqual(response.status_code, status, response.content)
        body = response.json()
        self.assertEqual(body["code"], code, body)
        self.assertTrue(body["message"])
        self.assertIsInstance(body["details"], list)
        return body

    def audits(self, action: str) -> list[AuditEvent]:
        return list(AuditEvent.objects.filter(action=action).order_by("at", "pk"))
