import json
import os
import subprocess
import sys
from pathlib import Path

from django.db import connection
from django.test import SimpleTestCase, TestCase, override_settings
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "SECRET_KEY": "a-production-secret-key-that-is-long-and-random-9f8e7d6c5b4a3f2e1d0c",
    "ALLOWED_HOSTS": "twoheads.example.com",
    "SITE_URL": "https://twoheads.example.com",
    "DATABASE_URL": "sqlite:////tmp/twoheads-check-deploy.sqlite3",
}


def run_twoheads(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {"SECRET_KEY", "DJANGO_DEBUG", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, "-m", "twoheads", *args],
        env={**clean, "DJANGO_SETTINGS_MODULE": "twoheads.settings", **env},
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


class ProductionSettingsTests(SimpleTestCase):
    def test_check_deploy_is_clean_with_production_variables(self):
        result = run_twoheads("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("no issues", result.stdout)

    def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off(self):
        env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
        result = run_twoheads("check", env=env)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("SECRET_KEY is not set", result.stderr)


class EnvironmentTests(SimpleTestCase):
    def test_every_documented_setting_is_read_from_the_environment(self):
        env = {
            **PRODUCTION_ENV,
            "API_RATE_LIMIT": "42",
            "API_RATE_WINDOW": "7",
            "MATCH_RUN_STALE_SECONDS": "99",
            "PAST_PAIR_KEY": "the-old-secret",
            "CLIENT_ADDRESS_HEADER": "X-Forwarded-For",
            "IMPORT_MAX_BYTES": str(30 * 1024 * 1024),
        }
        names = [
            "API_RATE_LIMIT",
            "API_RATE_WINDOW",
            "MATCH_RUN_STALE_SECONDS",
            "PAST_PAIR_KEY",
            "CLIENT_ADDRESS_HEADER",
            "IMPORT_MAX_BYTES",
        ]
        script = (
            "import json; from django.conf import settings as s; "
            f"print(json.dumps([getattr(s, n) for n in {[*names, 'DATA_UPLOAD_MAX_MEMORY_SIZE']}]))"
        )
        result = run_twoheads("shell", "-c", script, env=env)
        self.assertEqual(result.returncode, 0, result.stderr)
        values = json.loads(result.stdout.strip().splitlines()[-1])
        self.assertEqual(values[:6], [42, 7, 99, "the-old-secret", "X-Forwarded-For", 31457280])
        # The API takes the largest file as a request body, and a little more.
        self.assertGreater(values[6], values[5])
        readme = (ROOT / "README.md").read_text()
        for name in names:
            self.assertIn(f"`{name}`", readme, name)


class HealthTests(TestCase):
    def test_healthz_says_ok_when_the_database_answers(self):
        response = self.client.get(reverse("healthz"))
        self.assertEqual(response.json()["status"], "ok")
        self.assertEqual(response.json()["database"], "ok")  # the worker and outbox: tests/ops

    def test_healthz_says_503_when_the_database_fails_and_keeps_the_reason_to_the_log(self):
        from unittest import mock

        failure = Exception("could not connect to db.internal:5432 as twoheads_admin")
        with (
            mock.patch.object(connection, "cursor", side_effect=failure),
            self.assertLogs("twoheads.views", "ERROR") as logged,
        ):
            response = self.client.get(reverse("healthz"))
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json(), {"status": "error", "database": "unavailable"})
        self.assertIn("db.internal", "\n".join(logged.output))

    @override_settings(SECURE_SSL_REDIRECT=True)
    def test_a_load_balancer_checks_health_over_plain_http(self):
        self.assertEqual(self.client.get(reverse("healthz")).status_code, 200)
        self.assertEqual(self.client.get(reverse("login")).status_code, 301)

    def test_pages_carry_security_headers_and_a_csp_without_inline_scripts(self):
        response = self.client.get(reverse("login"))
        csp = response["Content-Security-Policy"]
        script_src = next(part for part in csp.split(";") if "script-src" in part)
        self.assertNotIn("unsafe-inline", script_src)
        self.assertIn("nonce-", script_src)
        self.assertEqual(response["X-Frame-Options"], "DENY")
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertEqual(response["Referrer-Policy"], "same-origin")
