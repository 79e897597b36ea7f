"""Webhooks: each organisation's system is sent the changes to the pairs of its programmes,
signed, oldest first, again after a failure, and never to an address inside the network.

A small HTTP server on this machine stands in for the receiver; it answers with the status
each test sets and keeps what it was sent.
"""

import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from pathlib import Path

from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from tests.api.base import ApiTestCase
from tests.base import make_user
from twoheads.accounts.models import AuditEvent, Membership
from twoheads.api.models import Webhook
from twoheads.api.webhooks import (
    SETTLE,
    DeliveryFailed,
    check_address,
    deliver_due,
    ping,
    signature,
)
from twoheads.journal.closing import close_pair
from twoheads.pairing.models import Pair


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        self.server.received.append((self.headers, self.rfile.read(length)))
        self.send_response(self.server.status)
        if self.server.status in (301, 302):
            self.send_header("Location", "http://127.0.0.1:1/elsewhere")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@override_settings(WEBHOOKS_ALLOW_PRIVATE=True)
class WebhookTestCase(ApiTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
        cls.server.received, cls.server.status = [], 200
        threading.Thread(target=cls.server.serve_forever, daemon=True).start()
        cls.address = f"http://127.0.0.1:{cls.server.server_address[1]}/hook"

    @classmethod
    def tearDownClass(cls) -> None:
        cls.server.shutdown()
        cls.server.server_close()
        super().tearDownClass()

    def setUp(self) -> None:
        super().setUp()
        self.server.received.clear()
        self.server.status = 200
        self.long_ago = timezone.now() - timedelta(days=1)
        self.webhook = Webhook.objects.create(
            organisation=self.acme, url=self.address, created_by=self.olivia
        )
        Webhook.objects.filter(pk=self.webhook.pk).update(sent_until=self.long_ago)
        self.webhook.refresh_from_db()

    def later(self, minutes: int = 5):
        return timezone.now() + timedelta(minutes=minutes)

    def sent(self) -> list[dict]:
        return [json.loads(payload) for _headers, payload in self.server.received]

    def sent_ids(self) -> list[list[int]]:
        return [[p["id"] for p in body["pairs"]] for body in self.sent()]


class DeliveryTests(WebhookTestCase):
    def test_the_changed_pairs_go_out_once_signed_and_oldest_first(self):
        Pair.objects.filter(pk=self.pair.pk).update(updated_at=self.long_ago + timedelta(hours=1))
        second = Pair.objects.create(
            programme=self.programme, mentor=self.p_sam, mentee=self.p_margaret
        )
        self.assertEqual(deliver_due(self.later()), (1, 2))
        self.assertEqual(self.sent_ids(), [[self.pair.pk, second.pk]])
        headers, payload = self.server.received[0]
        self.assertEqual(headers["X-TwoHeads-Event"], "pairs.changed")
        stamp, digest = (
            part.split("=", 1)[1] for part in headers["X-TwoHeads-Signature"].split(",")
        )
        expected = hmac.new(
            self.webhook.secret.encode(), f"{stamp}.".encode() + payload, hashlib.sha256
        ).hexdigest()
        self.assertTrue(hmac.compare_digest(digest, expected))
        pair = self.sent()[0]["pairs"][0]
        self.assertEqual((pair["mentor"]["name"], pair["status"]), ("Priya Patel", "active"))
        # Nothing new: nothing is sent.
        self.assertEqual(deliver_due(self.later()), (1, 0))
        self.assertEqual(len(self.server.received), 1)

    def test_a_pair_that_ends_is_sent_again(self):
        deliver_due(self.later())
        self.server.received.clear()
        close_pair(self.pair, self.martin, "Margaret moved on")
        deliver_due(self.later())
        [body] = self.sent()
        self.assertEqual(
            [(p["id"], p["status"], p["end_reason"]) for p in body["pairs"]],
            [(self.pair.pk, "ended", "Margaret moved on")],
        )

    def test_a_change_is_sent_only_once_it_has_settled(self):
        deliver_due(self.later())
        self.server.received.clear()
        close_pair(self.pair, self.martin, "Done")
        self.assertEqual(deliver_due(timezone.now() + SETTLE / 2), (1, 0))
        self.assertEqual(deliver_due(self.later()), (1, 1))

    def test_another_organisation_is_sent_none_of_acmes_pairs(self):
        Webhook.objects.filter(pk=self.webhook.pk).delete()
        globex = Webhook.objects.create(organisation=self.globex, url=self.address)
        Webhook.objects.filter(pk=globex.pk).update(sent_until=self.long_ago)
        deliver_due(self.later())
        self.assertEqual(self.sent(), [])
        # As a partner in Acme's programme, Globex is sent its pairs.
        self.programme.partners.add(self.globex)
        Pair.objects.filter(pk=self.pair.pk).update(updated_at=timezone.now())
        deliver_due(self.later())
        self.assertEqual(self.sent_ids(), [[self.pair.pk]])

    def test_a_failed_delivery_is_tried_again_later_with_the_same_pairs(self):
        self.server.status = 500
        deliver_due(self.later())
        self.webhook.refresh_from_db()
        self.assertEqual(self.webhook.failures, 1)
        self.assertEqual(self.webhook.last_error, "The receiver answered HTTP 500.")
        self.assertEqual(self.webhook.sent_until, self.long_ago)
        # Not before its next attempt is due.
        self.server.received.clear()
        self.assertEqual(deliver_due(self.later(0)), (0, 0))
        self.server.status = 200
        self.assertEqual(deliver_due(self.later(10)), (1, 1))
        self.webhook.refresh_from_db()
        self.assertEqual((self.webhook.failures, self.webhook.last_error), (0, ""))

    def test_a_redirect_is_not_followed(self):
        self.server.status = 302
        deliver_due(self.later())
        self.webhook.refresh_from_db()
        self.assertEqual(self.webhook.last_error, "The receiver answered HTTP 302.")
        self.assertEqual(len(self.server.received), 1)

    def test_too_many_failures_switch_it_off_and_tell_its_creator(self):
        self.server.status = 500
        Webhook.objects.filter(pk=self.webhook.pk).update(failures=Webhook.MAX_FAILURES - 1)
        with self.captureOnCommitCallbacks(execute=True):
            deliver_due(self.later())
        self.webhook.refresh_from_db()
        self.assertFalse(self.webhook.is_active)
        [message] = mail.outbox
        self.assertEqual(message.to, ["olivia@acme.test"])
        self.assertIn(self.address, message.subject)
        self.server.received.clear()
        deliver_due(self.later(60 * 24))
        self.assertEqual(self.server.received, [])

    def test_the_command_sends_what_is_due(self):
        out = StringIO()
        call_command("send_webhooks", stdout=out)
        # The command's "now" is the real one: the story's pairs changed long enough ago.
        Pair.objects.update(updated_at=self.long_ago + timedelta(hours=1))
        call_command("send_webhooks", stdout=out)
        self.assertIn("1 changed pairs sent to 1 webhooks.", out.getvalue())

    def test_the_check_in_the_docs_accepts_a_delivery_and_refuses_a_changed_one(self):
        docs = (Path(__file__).parents[2] / "docs" / "api.md").read_text()
        code = docs.split("## Webhooks", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
        space: dict[str, object] = {}
        exec(code, space)  # the documented recipe, run as a receiver would
        verified = space["verified"]
        ping(self.webhook)
        headers, payload = self.server.received[0]
        header = headers["X-TwoHeads-Signature"]
        self.assertTrue(verified(self.webhook.secret, header, payload))
        self.assertFalse(verified(self.webhook.secret, header, payload + b" "))
        self.assertFalse(verified("whsec_other", header, payload))

    def test_a_test_request_says_whether_it_arrived(self):
        self.assertEqual(ping(self.webhook), "")
        self.assertEqual(self.sent()[0]["type"], "ping")
        self.server.status = 404
        self.assertEqual(ping(self.webhook), "The receiver answered HTTP 404.")


class AddressTests(ApiTestCase):
    def test_only_https_is_called(self):
        with self.assertRaisesMessage(DeliveryFailed, "must start with https://"):
            check_address("http://example.com/hook")

    def test_an_address_inside_the_network_is_refused(self):
        for url in (
            "https://127.0.0.1/hook",
            "https://localhost/hook",
            "https://10.1.2.3/hook",
            "https://169.254.169.254/latest/meta-data",
            "https://[::1]/hook",
        ):
            with self.assertRaisesMessage(DeliveryFailed, "private network"):
                check_address(url)

    def test_an_address_inside_the_network_is_not_called_even_when_stored(self):
        webhook = Webhook.objects.create(organisation=self.acme, url="https://127.0.0.1:9/hook")
        Webhook.objects.filter(pk=webhook.pk).update(sent_until=timezone.now() - timedelta(days=1))
        deliver_due(timezone.now() + timedelta(minutes=5))
        webhook.refresh_from_db()
        self.assertIn("private network", webhook.last_error)


class WebhookPageTests(WebhookTestCase):
    def url(self, name: str = "webhook_list", *args: object) -> str:
        return reverse(name, args=[self.acme.slug, *args])

    def test_an_admin_adds_a_webhook_and_reads_its_secret_once(self):
        self.client.force_login(self.olivia)
        r = self.client.post(self.url(), {"url": self.address, "description": "HRIS"})
        self.assertRedirects(r, self.url("webhook_created"), fetch_redirect_response=False)
        webhook = Webhook.objects.get(description="HRIS")
        self.assertContains(self.client.get(self.url("webhook_created")), webhook.secret)
        self.assertRedirects(self.client.get(self.url("webhook_created")), self.url())
        self.assertNotContains(self.client.get(self.url()), webhook.secret)
        self.assertTrue(AuditEvent.objects.filter(action="webhook.create").exists())

    @override_settings(WEBHOOKS_ALLOW_PRIVATE=False)
    def test_an_address_inside_the_network_is_refused_on_the_form(self):
        self.client.force_login(self.olivia)
        r = self.client.post(self.url(), {"url": "https://127.0.0.1/hook"})
        self.assertContains(r, "private network")
        self.assertEqual(Webhook.objects.count(), 1)

    def test_an_admin_tests_switches_on_and_removes_a_webhook(self):
        self.client.force_login(self.olivia)
        r = self.client.post(self.url("webhook_ping", self.webhook.pk), follow=True)
        self.assertContains(r, "took the test request")
        Webhook.objects.filter(pk=self.webhook.pk).update(
            disabled_at=timezone.now(), failures=Webhook.MAX_FAILURES
        )
        self.client.post(self.url("webhook_enable", self.webhook.pk))
        self.webhook.refresh_from_db()
        self.assertTrue(self.webhook.is_active)
        self.assertEqual(self.webhook.failures, 0)
        self.client.post(self.url("webhook_delete", self.webhook.pk))
        self.assertFalse(Webhook.objects.exists())

    def test_nobody_but_the_organisations_admins_sees_or_changes_them(self):
        greta_admin = make_user("gina@globex.test", "Gina", self.globex, Membership.Role.ORG_ADMIN)
        for user in (self.martin, self.priya, self.greta, greta_admin):
            self.client.force_login(user)
            self.assertEqual(self.client.get(self.url()).status_code, 404, user)
            for name in ("webhook_ping", "webhook_enable", "webhook_delete"):
                r = self.client.post(self.url(name, self.webhook.pk))
                self.assertEqual(r.status_code, 404, (user, name))
        self.client.logout()
        self.assertEqual(self.client.get(self.url()).status_code, 302)
        self.assertTrue(Webhook.objects.filter(pk=self.webhook.pk).exists())
        self.assertEqual(self.server.received, [])

    def test_each_request_is_signed_as_the_docs_say(self):
        payload = b'{"type": "ping"}'
        header = signature("whsec_x", 1700000000, payload)
        self.assertEqual(
            header,
            "t=1700000000,v1="
            + hmac.new(b"whsec_x", b"1700000000." + payload, hashlib.sha256).hexdigest(),
        )
