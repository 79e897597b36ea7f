"""Self-selection programmes: people browse suggestions, send requests, and accept or decline.

The first acceptance wins: accepting takes row locks on both people, so their capacity is
never exceeded, and closes the other pending requests of anyone it leaves at capacity.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from twoheads.accounts.models import User, audit
from twoheads.matching import MatchInputError, PairCheck, Suggestion, check_pair
from twoheads.participants.models import Participant

from . import emails
from .engine import (
    PairingError,
    _lock_people,
    require_open,
    roster_for,
    rules_for,
    suggestions_for,
)
from .models import Pair, PairRequest, live_pair_counts


def my_suggestions(participant: Participant, k: int = 10) -> list[tuple[Participant, Suggestion]]:
    """The participant's top partners among people with room, best first."""
    programme = participant.programme
    if not programme.self_selection or programme.is_closed:
        return []
    return suggestions_for(participant, k, free_only=True)


def send_request(sender: Participant, recipient: Participant, message: str) -> PairRequest:
    """Ask another participant to pair up; refused when either side has no room."""
    programme = sender.programme
    if not programme.self_selection:
        raise PairingError(_("In this programme the programme manager makes the pairs."))
    require_open(programme)
    if recipient.programme_id != programme.pk or {sender.role, recipient.role} != {
        "mentor",
        "mentee",
    }:
        raise PairingError(_("You can only ask someone on the other side of this programme."))
    with transaction.atomic():
        # Under both people's locks: a double click, or two people asking each other at once,
        # make one request.
        _lock_people([sender.pk, recipient.pk])
        _require_free_to_pair(sender, recipient)
        counts = live_pair_counts([sender.pk, recipient.pk])
        if counts[sender.pk] >= sender.capacity:
            raise PairingError(_("You already have as many partners as you can take."))
        if counts[recipient.pk] >= recipient.capacity:
            raise PairingError(_("%s already has as many partners as they can take.") % recipient)
        if declined_by(sender).filter(recipient=recipient).exists():
            raise PairingError(
                _("%s declined your request; ask someone else.") % recipient.display_name
            )
        pending = PairRequest.objects.pending()
        if pending.filter(
            Q(sender=sender, recipient=recipient) | Q(sender=recipient, recipient=sender)
        ).exists():
            raise PairingError(
                _("There is already an open request between you and %s.") % recipient
            )
        if pending.filter(sender=sender).count() >= programme.max_pending_requests:
            raise PairingError(
                _(
                    "You have %(n)d open requests, the most this programme allows. "
                    "Wait for an answer or withdraw one."
                )
                % {"n": programme.max_pending_requests}
            )
        req = PairRequest.objects.create(
            programme=programme, sender=sender, recipient=recipient, message=message.strip()
        )
        audit(sender.user, "request.send", req, organisation=programme.organisation, request=req.pk)
    emails.request_sent(req)
    return req


def declined_by(sender: Participant) -> QuerySet[PairRequest]:
    """The sender's requests their recipients declined: a no is not asked again."""
    return PairRequest.objects.filter(sender=sender, status=PairRequest.Status.DECLINED)


def _require_free_to_pair(sender: Participant, recipient: Participant) -> None:
    """Inside the people's locks: both are active (read afresh) and not already partners."""
    statuses = Participant.objects.filter(pk__in=[sender.pk, recipient.pk]).values_list(
        "status", flat=True
    )
    if any(status != Participant.Status.ACTIVE for status in statuses):
        raise PairingError(_("Only active participants can pair up."))
    together = Q(mentor=sender, mentee=recipient) | Q(mentor=recipient, mentee=sender)
    if Pair.objects.live().filter(together).exists():
        raise PairingError(_("You and %s are partners already.") % recipient)


def respond_request(req: PairRequest, user: User, accept: bool, reply: str = "") -> PairRequest:
    """The recipient accepts (the pair starts at once) or declines a request."""
    if req.recipient.user_id != user.pk:
        raise PairingError(_("Only the person asked can answer this request."))
    if not accept:
        return _close(req, PairRequest.Status.DECLINED, reply, user, "request.decline")
    sender, recipient = req.sender, req.recipient
    require_open(req.programme)
    try:
        check = check_pair(
            roster_for(req.programme).people,
            rules_for(req.programme),
            *(_mentor_mentee(sender, recipient)),
        )
    except MatchInputError as exc:  # one of them is no longer someone the engine can pair
        raise PairingError(_("You cannot pair up with %s now.") % sender) from exc
    with transaction.atomic():
        req.programme.lock()  # one pair made at a time in the programme, as publishing does
        require_open(req.programme)
        _lock_people([sender.pk, recipient.pk])
        req = PairRequest.objects.select_for_update().get(pk=req.pk)
        if not req.is_pending:
            raise PairingError(
                _("This request is no longer open (%s).") % req.get_status_display().lower()
            )
        _require_free_to_pair(sender, recipient)
        counts = live_pair_counts([sender.pk, recipient.pk])
        full = [p for p in (sender, recipient) if counts[p.pk] >= p.capacity]
        if full:
            # Closed for good (committed), then refused: a full person cannot take it up.
            refusal = _("%s already has as many partners as they can take.") % full[0]
            req.close(PairRequest.Status.CLOSED, refusal)
        else:
            refusal = ""
            _pair_up(req, user, reply, check, counts)
    if refusal:
        emails.request_closed(req)
        raise PairingError(refusal)
    return req


def _pair_up(
    req: PairRequest, user: User, reply: str, check: PairCheck, counts: dict[int, int]
) -> Pair:
    """Inside the locks: create the active pair and close what the new pair fills up."""
    sender, recipient = req.sender, req.recipient
    mentor, mentee = (sender, recipient) if sender.is_mentor else (recipient, sender)
    pair = Pair.objects.create(
        programme=req.programme,
        mentor=mentor,
        mentee=mentee,
        status=Pair.Status.ACTIVE,
        mentor_response=Pair.Response.ACCEPTED,
        mentee_response=Pair.Response.ACCEPTED,
        activated_at=timezone.now(),
        score=check.score,
        components=check.components,
        explanation=check.explanation,
        from_request=True,
    )
    req.pair = pair
    req.save(update_fields=["pair"])
    req.close(PairRequest.Status.ACCEPTED, reply)
    audit(user, "request.accept", req, organisation=req.programme.organisation, pair=pair.pk)
    closed = _close_others_at_capacity([sender, recipient], counts, pair)
    paired = {sender.pk, recipient.pk}

    def tell() -> None:
        emails.request_accepted(req, pair)
        # Each request the new pair closed is told to the one not in the new pair.
        for other in closed:
            emails.request_closed(
                other, to=other.recipient if other.sender_id in paired else other.sender
            )

    transaction.on_commit(tell)
    return pair


def _mentor_mentee(a: Participant, b: Participant) -> tuple[str, str]:
    return (a.external_id, b.external_id) if a.is_mentor else (b.external_id, a.external_id)


def _close_others_at_capacity(
    people: list[Participant], counts: dict[int, int], pair: Pair
) -> list[PairRequest]:
    """Close the pending requests of anyone the new pair leaves at capacity."""
    closed = []
    for p in people:
        if counts[p.pk] + 1 < p.capacity:
            continue
        note = _("%s has found a partner and has no room for another.") % p.display_name
        for other in (
            PairRequest.objects.pending()
            .involving(p)
            .select_related("sender", "recipient", "programme")
        ):
            other.close(PairRequest.Status.CLOSED, note)
            closed.append(other)
    return closed


def withdraw_request(req: PairRequest, user: User) -> PairRequest:
    """The sender takes back a request still waiting for an answer."""
    if req.sender.user_id != user.pk:
        raise PairingError(_("Only the sender can withdraw this request."))
    return _close(req, PairRequest.Status.WITHDRAWN, "", user, "request.withdraw")


def _close(req: PairRequest, status: str, reply: str, user: User, action: str) -> PairRequest:
    with transaction.atomic():
        req = PairRequest.objects.select_for_update().get(pk=req.pk)
        if not req.is_pending:
            raise PairingError(
                _("This request is no longer open (%s).") % req.get_status_display().lower()
            )
        req.close(status, reply.strip())
        audit(user, action, req, organisation=req.programme.organisation, request=req.pk)
    if status == PairRequest.Status.DECLINED:
        emails.request_closed(req)
    return req


def expire_requests(now: datetime | None = None) -> tuple[int, int]:
    """Remind recipients of old requests and expire older ones; safe to run any number of times.

    Returns (reminders sent, requests expired).
    """
    now = now or timezone.now()
    pending = PairRequest.objects.pending().select_related(
        "programme", "sender__user", "recipient__user"
    )
    reminded = expired = 0
    for req in pending:
        age = now - req.created_at
        if age >= timedelta(days=req.programme.request_expiry_days):
            with transaction.atomic():
                fresh = PairRequest.objects.select_for_update().get(pk=req.pk)
                if not fresh.is_pending:
                    continue
                fresh.close(
                    PairRequest.Status.EXPIRED,
                    _("No answer came within %d days.") % req.programme.request_expiry_days,
                )
            emails.request_closed(fresh)
            expired += 1
        elif age >= timedelta(days=req.programme.request_reminder_days) and not req.reminded_at:
            updated = PairRequest.objects.filter(pk=req.pk, reminded_at__isnull=True).update(
                reminded_at=now
            )
            if updated:
                emails.request_reminder(req)
                reminded += 1
    return reminded, expired
