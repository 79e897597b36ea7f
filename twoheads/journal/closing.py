"""Closing a pair, at the programme's end or early: meetings cancelled, ideas and goals kept,
and both partners asked for the exit survey (but not one HR has marked a leaver or on leave)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from twoheads.accounts.models import User, audit
from twoheads.meetings.models import Meeting
from twoheads.meetings.scheduling import cancel_meeting
from twoheads.pairing.models import Pair, PairRequest
from twoheads.programmes.models import Programme

from .checkins import exit_survey_key
from .models import SentNudge
from .nudges import EXIT_EMAILED


def _end(pair: Pair, actor: User | None, reason: str) -> None:
    """End the pair through pairing's own function when it is there."""
    try:
        from twoheads.pairing.engine import PairingError, end_pair
    except ImportError:
        pair.status, pair.ended_at, pair.end_reason = Pair.Status.ENDED, timezone.now(), reason
        pair.save(update_fields=["status", "ended_at", "end_reason", "updated_at"])
        audit(actor, "pair.end", pair, organisation=pair.programme.organisation, reason=reason)
        return
    try:
        end_pair(pair, actor, reason)
    except PairingError as exc:
        raise ValidationError(str(exc)) from exc


def close_pair(pair: Pair, actor: User | None, reason: str) -> Pair:
    """End the pair with a reason. Ideas, goals and journals stay readable by both partners."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason for closing the pair.")})
    with transaction.atomic():
        # Held first, so that no meeting is planned while the pair is being closed.
        locked = Pair.objects.select_for_update().get(pk=pair.pk)
        if locked.status not in (Pair.Status.PROPOSED, Pair.Status.ACTIVE):
            raise ValidationError(_("This pair has already ended."))
        upcoming = list(Meeting.objects.filter(pair=pair).upcoming())
        for meeting in upcoming:
            cancel_meeting(meeting, actor, note=_("The mentoring pair has closed."))
        _end(pair, actor, reason)
        pair.refresh_from_db()
        transaction.on_commit(lambda: invite_to_exit_survey(pair))
    return pair


def invite_to_exit_survey(pair: Pair) -> int:
    """Ask both partners for the exit survey, once: the daily digest knows it was asked. A
    pair that never became active (a match not yet accepted) has nothing to look back on, and
    someone HR has marked a leaver or on leave is not asked."""
    if pair.activated_at is None:
        return 0
    url = settings.SITE_URL + reverse("exit_survey", args=[pair.pk])
    sent = 0
    for person in (pair.mentor, pair.mentee):
        if person.user is None or person.is_deactivated:
            continue
        context = {"pair": pair, "person": person, "partner": pair.partner_of(person), "url": url}
        body = render_to_string("journal/email/exit_survey.txt", context)
        subject = _("Your mentoring has closed: three questions")
        sent += send_mail(subject, body, None, [person.user.email])
        SentNudge.objects.get_or_create(
            user=person.user, key=exit_survey_key(pair), defaults={"kind": EXIT_EMAILED}
        )
    return sent


def close_programme_pairs(programme: Programme, actor: User | None, reason: str = "") -> int:
    """Close every live pair of a programme that has come to its end; returns how many."""
    reason = reason.strip() or _("The programme has ended.")
    pairs = Pair.objects.filter(
        programme=programme, status__in=[Pair.Status.PROPOSED, Pair.Status.ACTIVE]
    )
    closed = 0
    for pair in pairs.select_related("programme", "mentor__user", "mentee__user"):
        close_pair(pair, actor, reason)
        closed += 1
    # Requests still waiting for an answer can no longer be taken up.
    PairRequest.objects.pending().filter(programme=programme).update(
        status=PairRequest.Status.CLOSED, reply=str(reason), closed_at=timezone.now()
    )
    return closed
