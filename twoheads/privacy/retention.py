"""Retention: closed programmes are anonymised after their retention period.

All that outlives anonymisation about people is a keyed hash of each past pair, so that the same two
people are not paired again. The hash of a pair is SHA-256 over the two people's keyed identities
(HMAC-SHA256 with the site's secret key over organisation and email, or external id when there is
no email), sorted, so it does not depend on who was the mentor. Without the key nobody can test
whether two given people were ever paired.
"""

import hashlib
import hmac
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from twoheads.accounts.models import AuditEvent, audit
from twoheads.guard.models import GuardConfirmation
from twoheads.journal.models import (
    CheckIn,
    Feedback,
    Goal,
    GoalUpdate,
    Idea,
    IdeaEvent,
    JournalEntry,
)
from twoheads.meetings.models import Meeting, MeetingLog
from twoheads.pairing.models import MatchRun, Pair, PairRequest
from twoheads.participants.models import ImportUpload, Invitation, Participant, ParticipantSkill
from twoheads.programmes.models import Programme, Skill

from .models import Concern, PastPairHash
from .redaction import redact_text

# External ids of people whose data was erased or anonymised start with this.
ERASED_PREFIX = "erased-"


def _key() -> bytes:
    return str(getattr(settings, "PAST_PAIR_KEY", "") or settings.SECRET_KEY).encode()


def identity_key(participant: Participant) -> bytes:
    """A keyed, stable identity for one person: organisation and email, else external id."""
    org = participant.organisation_id or participant.programme.organisation_id
    who = participant.email.strip().lower() or f"id:{participant.external_id}"
    return hmac.new(_key(), f"{org}\n{who}".encode(), hashlib.sha256).digest()


def pair_digest(first: bytes, second: bytes) -> str:
    """The digest of two people's identity keys, the same in either order."""
    low, high = sorted((first, second))
    return hashlib.sha256(low + high).hexdigest()


def record_past_pairs(programme: Programme, pairs: Iterable[Pair] | None = None) -> int:
    """Keep the hash of every pair the programme made (or of `pairs`); returns how many are new."""
    if pairs is None:
        pairs = programme.pairs.select_related("mentor__programme", "mentee__programme")
    digests = {pair_digest(identity_key(p.mentor), identity_key(p.mentee)) for p in pairs}
    known = set(
        PastPairHash.objects.filter(
            organisation=programme.organisation, digest__in=digests
        ).values_list("digest", flat=True)
    )
    PastPairHash.objects.bulk_create(
        [PastPairHash(organisation=programme.organisation, digest=d) for d in digests - known],
        ignore_conflicts=True,
    )
    return len(digests - known)


def blocked_pairs_for(programme: Programme) -> set[tuple[str, str]]:
    """(mentor external id, mentee external id) of people in `programme` who were paired before.

    Reads the hashes kept by every organisation taking part, so anonymised programmes still stop
    the same two people from being paired again. Feed it to the engine's `Rules.blocked`.
    """
    stored = PastPairHash.objects.filter(organisation__in=programme.organisations())
    digests = {bytes.fromhex(d) for d in stored.values_list("digest", flat=True)}
    if not digests:
        return set()
    people = list(
        programme.participants.filter(role__in=[Participant.Role.MENTOR, Participant.Role.MENTEE])
        .exclude(external_id__startswith=ERASED_PREFIX)
        .select_related("programme")
    )
    mentors = [(p.external_id, identity_key(p)) for p in people if p.is_mentor]
    mentees = [(p.external_id, identity_key(p)) for p in people if p.is_mentee]
    sha256 = hashlib.sha256
    # Every mentor-mentee pair is hashed: the digests cannot be looked up any other way.
    return {
        (m, e)
        for m, mk in mentors
        for e, ek in mentees
        if sha256(mk + ek if mk < ek else ek + mk).digest() in digests
    }


def is_due(programme: Programme, now: datetime | None = None) -> bool:
    """Closed, not yet anonymised, and closed for longer than its retention period."""
    if programme.status != Programme.Status.CLOSED or programme.anonymised_at is not None:
        return False
    closed = programme.closed_at or programme.updated_at
    return closed + timedelta(days=programme.retention_days) <= (now or timezone.now())


def anonymise_due(now: datetime | None = None) -> list[Programme]:
    """Anonymise every programme whose retention period is over; returns those it did."""
    closed = Programme.objects.filter(status=Programme.Status.CLOSED, anonymised_at__isnull=True)
    done = []
    for programme in closed:
        if is_due(programme, now):
            anonymise_programme(programme)
            done.append(programme)
    return done


def anonymise_programme(programme: Programme) -> bool:
    """Scrub every name, email and text of a programme's people; False when already done."""
    with transaction.atomic():
        programme = Programme.objects.select_for_update().get(pk=programme.pk)
        if programme.anonymised_at is not None:
            return False
        record_past_pairs(programme)
        needles = _names_and_emails(programme)
        _scrub_content(programme)
        _scrub_people(programme)
        _scrub_audit(programme, needles)
        programme.anonymised_at = timezone.now()
        programme.save(update_fields=["anonymised_at", "updated_at"])
        audit(
            None,
            "programme.anonymise",
            f"programme {programme.pk}",
            organisation=programme.organisation,
            programme=programme.pk,
        )
    return True


def _names_and_emails(programme: Programme) -> list[str]:
    rows = programme.participants.values_list("name", "email")
    return sorted({v for row in rows for v in row if v and len(v) > 2}, key=len, reverse=True)


def _scrub_content(programme: Programme) -> None:
    pairs = Pair.objects.filter(programme=programme)
    JournalEntry.objects.filter(pair__in=pairs).delete()
    # Feedback and check-ins belong to a user account that cannot be unlinked, so they go.
    Feedback.objects.filter(meeting__pair__in=pairs).delete()
    CheckIn.objects.filter(pair__in=pairs).delete()
    ideas = Idea.objects.filter(pair__in=pairs)
    ideas.update(title="", description="", recorded_by=None)
    IdeaEvent.objects.filter(idea__in=ideas).update(note="", actor=None)
    goals = Goal.objects.filter(pair__in=pairs)
    goals.update(title="", description="")
    GoalUpdate.objects.filter(goal__in=goals).update(note="")
    meetings = Meeting.objects.filter(pair__in=pairs)
    meetings.update(agenda="", note="", location="", link="", organiser=None)
    MeetingLog.objects.filter(meeting__in=meetings).update(logged_by=None)
    PairRequest.objects.filter(programme=programme).update(message="", reply="")
    Concern.objects.filter(programme=programme).update(text="", resolution_note="", author=None)
    GuardConfirmation.objects.filter(programme=programme).update(reason="", author=None)
    MatchRun.objects.filter(programme=programme).delete()
    pairs.update(explanation="", decline_reason="", end_reason="", declined_by=None, ended_by=None)
    Invitation.objects.filter(programme=programme).delete()
    ImportUpload.objects.filter(programme=programme).delete()
    Skill.objects.filter(programme=programme).update(proposed_by=None)


def _scrub_people(programme: Programme) -> None:
    people = Participant.objects.filter(programme=programme)
    ParticipantSkill.objects.filter(participant__in=people).delete()
    people.update(manager=None)
    for person in people.only("pk"):
        Participant.objects.filter(pk=person.pk).update(external_id=f"{ERASED_PREFIX}{person.pk}")
    people.update(
        user=None,
        name="",
        email="",
        department="",
        site="",
        job_title="",
        timezone="UTC",
        languages=[],
        interests=[],
        availability=[],
        exclude=[],
        past_partners=[],
        ranking=[],
        style={},
        bio="",
    )


def _scrub_audit(programme: Programme, needles: list[str]) -> None:
    """Take the people's names and emails out of the organisation's audit trail."""
    if not needles:
        return
    events = AuditEvent.objects.filter(organisation__in=programme.organisations())
    condition = Q()
    for needle in needles:
        condition |= Q(target__icontains=needle) | Q(reason__icontains=needle)
    for event in events.filter(condition):
        event.target = redact_text(event.target, needles)
        event.reason = redact_text(event.reason, needles)
        event.save(update_fields=["target", "reason"])
