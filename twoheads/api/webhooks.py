"""Webhooks: an organisation's own systems told of every change to the pairs of its programmes.

`deliver_due` (`twoheads send_webhooks`, every minute from cron) posts to each active address
the pairs changed since its last delivery, oldest change first, at most `BATCH` to a request,
each as the API shows it (`PairOut`): the receiver upserts them by `id`. A delivery that fails
is tried again later with the same pairs, so a receiver may see a pair twice, never miss one.
Each request is signed with the webhook's secret (`signature`; docs/api.md shows how to check
it). Only https addresses on the public internet are called, and redirects are not followed.
"""

import hashlib
import hmac
import ipaddress
import json
import socket
import time
import urllib.error
import urllib.request
import uuid
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import send_mail
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from twoheads.accounts.models import Organisation, User, audit
from twoheads.mail.models import backoff
from twoheads.pairing.models import Pair
from twoheads.programmes.models import Programme

from .models import Webhook
from .schemas import PairOut

BATCH = 100
# Requests one webhook gets in one run at most; the rest wait for the next run.
BATCHES_PER_RUN = 20
TIMEOUT_SECONDS = 10
# A change is sent once it is this old, so that the transaction that made it has committed
# and no change with an earlier time can still appear behind the cursor.
SETTLE = timedelta(seconds=30)
USER_AGENT = "TwoHeads-Webhooks/1"


class DeliveryFailed(Exception):
    """The receiver did not take the request: what went wrong, in a line."""


def pairs_of(organisation: Organisation) -> QuerySet[Pair]:
    """The pairs an organisation's managers see: those of its programmes and of the
    programmes it takes part in as a partner."""
    programmes = Programme.objects.of_organisations([organisation])
    return Pair.objects.filter(programme__in=programmes.values("pk"))


def changed_since_last(webhook: Webhook, now: datetime) -> QuerySet[Pair]:
    """The pairs changed after the last one sent, in the order of their changes."""
    after = Q(updated_at__gt=webhook.sent_until) | Q(
        updated_at=webhook.sent_until, pk__gt=webhook.sent_until_pk
    )
    return (
        pairs_of(webhook.organisation)
        .filter(after, updated_at__lte=now - SETTLE)
        .select_related("programme", "mentor", "mentee")
        .order_by("updated_at", "pk")
    )


def body(kind: str, pairs: list[Pair] | None = None) -> bytes:
    """A request's JSON: its own id, its type, when it was made and, for changes, the pairs."""
    content: dict[str, object] = {
        "id": uuid.uuid4().hex,
        "type": kind,
        "created_at": timezone.now(),
    }
    if pairs is not None:
        for pair in pairs:
            pair.read_by_manager = True  # the organisation's managers read the whole explanation
        content["pairs"] = [PairOut.model_validate(pair).model_dump() for pair in pairs]
    return json.dumps(content, cls=DjangoJSONEncoder).encode()


def signature(secret: str, timestamp: int, payload: bytes) -> str:
    """The X-TwoHeads-Signature header: the time and an HMAC-SHA256 of "<time>.<body>"."""
    signed = f"{timestamp}.".encode() + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def check_address(url: str) -> None:
    """Refuse an address that is not https or that leads into a private network: the server
    must not be made to call its own neighbours. WEBHOOKS_ALLOW_PRIVATE lifts both rules (for
    a receiver on the same private network, or tests)."""
    parts = urlsplit(url)
    open_door = settings.WEBHOOKS_ALLOW_PRIVATE
    if parts.scheme != "https" and not (open_door and parts.scheme == "http"):
        raise DeliveryFailed(_("The address must start with https://."))
    if not parts.hostname:
        raise DeliveryFailed(_("The address has no host name."))
    if open_door:
        return
    try:
        found = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as exc:
        raise DeliveryFailed(
            _("The host name %(host)s cannot be found.") % {"host": parts.hostname}
        ) from exc
    for *_rest, address in found:
        if not ipaddress.ip_address(address[0].split("%")[0]).is_global:
            raise DeliveryFailed(
                _("%(host)s is in a private network; only public addresses are called.")
                % {"host": parts.hostname}
            )


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # a 3xx answer is then a failed delivery


def post(webhook: Webhook, kind: str, payload: bytes) -> None:
    """Send one signed request; DeliveryFailed unless the receiver answers 2xx."""
    check_address(webhook.url)
    request = urllib.request.Request(  # noqa: S310 -- check_address allows https (http by setting)
        webhook.url,
        data=payload,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "X-TwoHeads-Event": kind,
            "X-TwoHeads-Signature": signature(webhook.secret, int(time.time()), payload),
        },
    )
    opener = urllib.request.build_opener(_NoRedirects)
    try:
        with opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        answer = _("The receiver answered HTTP %(code)s.") % {"code": exc.code}
        raise DeliveryFailed(answer) from exc
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DeliveryFailed(_("No answer: %(reason)s.") % {"reason": reason}) from exc
    if not 200 <= status < 300:
        raise DeliveryFailed(_("The receiver answered HTTP %(code)s.") % {"code": status})


def deliver(webhook: Webhook, now: datetime | None = None) -> int:
    """Send this webhook the pairs changed since its last delivery; how many were taken."""
    now = now or timezone.now()
    sent = 0
    for _batch in range(BATCHES_PER_RUN):
        pairs = list(changed_since_last(webhook, now)[:BATCH])
        if not pairs:
            break
        try:
            post(webhook, "pairs.changed", body("pairs.changed", pairs))
        except DeliveryFailed as exc:
            _failed(webhook, now, str(exc))
            return sent
        last = pairs[-1]
        webhook.sent_until, webhook.sent_until_pk = last.updated_at, last.pk
        webhook.failures, webhook.next_attempt_at, webhook.last_error = 0, None, ""
        webhook.last_delivered_at = webhook.last_attempt_at = now
        webhook.save(
            update_fields=[
                "sent_until",
                "sent_until_pk",
                "failures",
                "next_attempt_at",
                "last_error",
                "last_delivered_at",
                "last_attempt_at",
            ]
        )
        sent += len(pairs)
    return sent


def deliver_due(now: datetime | None = None) -> tuple[int, int]:
    """Deliver to every active webhook whose next attempt is due; (webhooks, pairs sent).
    A webhook another run is delivering to is left to that run."""
    now = now or timezone.now()
    due = Webhook.objects.filter(disabled_at__isnull=True).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    webhooks = pairs = 0
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            webhook = (
                Webhook.objects.select_for_update(skip_locked=True)
                .select_related("organisation")
                .filter(pk=pk, disabled_at__isnull=True)
                .first()
            )
            if webhook is None:
                continue
            webhooks += 1
            pairs += deliver(webhook, now)
    return webhooks, pairs


def _failed(webhook: Webhook, now: datetime, error: str) -> None:
    webhook.failures += 1
    webhook.last_error = error[:300]
    webhook.last_attempt_at = now
    webhook.next_attempt_at = now + backoff(webhook.failures)
    if webhook.failures >= Webhook.MAX_FAILURES:
        webhook.disabled_at = now
        _tell_switched_off(webhook)
    webhook.save(
        update_fields=[
            "failures",
            "last_error",
            "last_attempt_at",
            "next_attempt_at",
            "disabled_at",
        ]
    )


def _tell_switched_off(webhook: Webhook) -> None:
    if webhook.created_by is None or not webhook.created_by.email:
        return
    link = settings.SITE_URL + reverse("webhook_list", args=[webhook.organisation.slug])
    send_mail(
        _("Two Heads stopped sending to %(url)s") % {"url": webhook.url},
        _(
            "%(n)s deliveries in a row to %(url)s failed, the last with: %(error)s\n\n"
            "No more are sent until it is switched on again; the changes since the last "
            "delivery are kept and sent then. %(link)s"
        )
        % {
            "n": webhook.failures,
            "url": webhook.url,
            "error": webhook.last_error,
            "link": link,
        },
        None,
        [webhook.created_by.email],
    )


def add_webhook(organisation: Organisation, user: User, url: str, description: str = "") -> Webhook:
    """A new webhook, sent the changes from now on; DeliveryFailed for an address that is
    not allowed."""
    check_address(url)
    webhook = Webhook.objects.create(
        organisation=organisation, url=url, description=description, created_by=user
    )
    audit(user, "webhook.create", webhook, organisation=organisation)
    return webhook


def ping(webhook: Webhook) -> str:
    """Send a test request; "" when the receiver took it, else what went wrong."""
    try:
        post(webhook, "ping", body("ping"))
    except DeliveryFailed as exc:
        return str(exc)
    return ""
