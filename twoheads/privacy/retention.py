"""Retention: closed programmes are anonymised after their retention period.

All that outlives anonymisation about people are keyed tokens of each past pair, so that the same
two people are not paired again. A person's identity key is HMAC-SHA256 with the site's secret key
over organisation and email (external id when there is no email); the n-th past pair an
organisation keeps for that person gets the token HMAC(key, organisation, n, identity key), and the
pair is stored as two rows, (token, partner's token) from each side. Every token is different, so
without the key nobody can test whether two given people were ever paired, nor tell that two rows
are about the same person; with it, the check computes one token per person and looks them up.
"""

import hashlib
import hmac
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from twoheads.accounts.models import AuditEvent, Organisation, audit
from twoheads.guard.models import GuardConfirmation
from twoheads.journal.models import (
    Agreement,
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
from twoheads.participants.models import (
    Announcement,
    ImportUpload,
    Invitation,
    Participant,
    ParticipantSkill,
)
from twoheads.programmes.models import Programme, Skill

from .models import Concern, PastPairHash
from .redaction import scrub_audit

# External ids of people whose data was erased or anonymised start with this.
ERASED_PREFIX = "erased-"
# Tokens looked up in one query; well under every backend's limit on query parameters.
LOOKUP_BATCH = 5000


def _key() -> bytes:
    return str(settings.PAST_PAIR_KEY or settings.SECRET_KEY).encode()


def identity_key(participant: Participant) -> bytes:
    """A keyed, stable identity for one person: organisation and email, else external id."""
    org = participant.organisation_id or participant.programme.organisation_id
    return _identity(_key(), org, participant.email, participant.external_id)


def _identity(key: bytes, organisation_id: int, email: str, external_id: str) -> bytes:
    who = email.strip().lower() or f"id:{external_id}"
    return hmac.digest(key, f"{organisation_id}\n{who}".encode(), "sha256")


def pair_digest(first: bytes, second: bytes) -> str:
    """The hash of a pair kept before tokens: two identity keys, the same in either order."""
    low, high = sorted((first, second))
    return hashlib.sha256(low + high).hexdigest()


def pair_token(key: bytes, identity: bytes, organisation_id: int, n: int) -> str:
    """The token of a person's n-th past pair kept by an organisation."""
    message = b"past pair\n%d\n%d\n" % (organisation_id, n) + identity
    return hmac.digest(key, message, "sha256").hex()


def kept_sides(
    identities: Iterable[bytes], organisation_ids: Sequence[int]
) -> dict[str, tuple[bytes, str]]:
    """Every kept side of these people's past pairs: token -> (identity key, partner's token).

    A person's tokens are numbered from 0 without gaps, so each round looks up the next token of
    the people whose last one was found: one token per person and organisation, plus one per hit.
    """
    key = _key()
    found: dict[str, tuple[bytes, str]] = {}
    pending = {(who, org): 0 for who in set(identities) for org in organisation_ids}
    while pending:
        asked = {pair_token(key, who, org, n): (who, org) for (who, org), n in pending.items()}
        hits: dict[tuple[bytes, int], int] = {}
        batch = list(asked)
        for i in range(0, len(batch), LOOKUP_BATCH):
            rows = PastPairHash.objects.filter(token__in=batch[i : i + LOOKUP_BATCH])
            for token, partner in rows.values_list("token", "partner"):
                who, org = asked[token]
                found[token] = (who, partner)
                hits[who, org] = pending[who, org] + 1
        pending = hits
    return found


def past_partners(sides: dict[str, tuple[bytes, str]]) -> set[tuple[bytes, bytes]]:
    """The (identity, identity) pairs, in both orders, whose two sides are both in `sides`."""
    owner = {token: who for token, (who, _) in sides.items()}
    return {(who, owner[partner]) for who, partner in sides.values() if partner in owner}


def record_past_pairs(programme: Programme, pairs: Iterable[Pair] | None = None) -> int:
    """Keep the tokens of every pair the programme made (or of `pairs`); returns how many are new.

    A side whose data is already erased is skipped: its identity is gone, so it would never match.
    """
    if pairs is None:
        pairs = programme.pairs.select_related("mentor__programme", "mentee__programme")
    wanted = {
        frozenset((identity_key(p.mentor), identity_key(p.mentee)))
        for p in pairs
        if not p.mentor.external_id.startswith(ERASED_PREFIX)
        and not p.mentee.external_id.startswith(ERASED_PREFIX)
    }
    wanted = {pair for pair in wanted if len(pair) == 2}
    org = programme.organisation_id
    with transaction.atomic():
        # Numbering a person's tokens reads then writes: one writer per organisation at a time.
        Organisation.objects.select_for_update(no_key=True).filter(pk=org).first()
        sides = kept_sides((who for pair in wanted for who in pair), [org])
        new = wanted - {frozenset(pair) for pair in past_partners(sides)}
        count: dict[bytes, int] = defaultdict(int)
        for who, _ in sides.values():
            count[who] += 1
        rows = []
        key = _key()
        for first, second in (sorted(pair) for pair in new):
            one = pair_token(key, first, org, count[first])
            other = pair_token(key, second, org, count[second])
            count[first] += 1
            count[second] += 1
            rows += [
                PastPairHash(organisation_id=org, token=one, partner=other),
                PastPairHash(organisation_id=org, token=other, partner=one),
            ]
        PastPairHash.objects.bulk_create(rows)
    return len(new)


def blocked_pairs_for(programme: Programme) -> set[tuple[str, str]]:
    """(mentor external id, mentee external id) of people in `programme` who were paired before.

    Reads what every organisation taking part kept, so anonymised programmes still stop the same
    two people from being paired again. Feed it to the engine's `Rules.blocked`.
    """
    organisation_ids = [org.pk for org in programme.organisations()]
    if not PastPairHash.objects.filter(organisation__in=organisation_ids).exists():
        return set()
    people = _people_by_identity(programme)
    pairs = past_partners(kept_sides(people, organisation_ids))
    blocked = {
        (mentor, mentee)
        for first, second in pairs
        for mentor, role in people[first]
        for mentee, other_role in people[second]
        if role == Participant.Role.MENTOR and other_role == Participant.Role.MENTEE
    }
    return blocked | _blocked_by_old_hashes(organisation_ids, people)


def _people_by_identity(programme: Programme) -> dict[bytes, list[tuple[str, str]]]:
    """(external id, role) of the programme's mentors and mentees, by identity key."""
    key = _key()
    people: dict[bytes, list[tuple[str, str]]] = defaultdict(list)
    rows = (
        programme.participants.filter(role__in=[Participant.Role.MENTOR, Participant.Role.MENTEE])
        .exclude(external_id__startswith=ERASED_PREFIX)
        .values_list("external_id", "role", "email", "organisation_id")
    )
    for external_id, role, email, org in rows:
        who = _identity(key, org or programme.organisation_id, email, external_id)
        people[who].append((external_id, role))
    return people


def _blocked_by_old_hashes(
    organisation_ids: list[int], people: dict[bytes, list[tuple[str, str]]]
) -> set[tuple[str, str]]:
    """Pairs kept before tokens hold one hash of both people: every mentor-mentee pair is hashed."""
    kept = PastPairHash.objects.filter(organisation__in=organisation_ids, token__isnull=True)
    digests = {bytes.fromhex(d) for d in kept.values_list("digest", flat=True)}
    if not digests:
        return set()
    everyone = [(ext, role, key) for key, persons in people.items() for ext, role in persons]
    mentors = [(ext, key) for ext, role, key in everyone if role == Participant.Role.MENTOR]
    mentees = [(ext, key) for ext, role, key in everyone if role == Participant.Role.MENTEE]
    sha256 = hashlib.sha256
    return {
        (m, e)
        for m, mk in mentors
        for e, ek in mentees
        if sha256(mk + ek if mk < ek else ek + mk).digest() in digests
    }


def is_due(programme: Programme, now: datetime | None = None) -> bool:
    """Closed, not yet anonymised, and closed for longer than its retention period."""
    if not programme.is_closed or programme.anonymised_at is not None:
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
        hr_ids = set(programme.participants.values_list("external_id", flat=True))
        _scrub_content(programme)
        _scrub_people(programme)
        _scrub_audit(programme, needles, hr_ids)
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
    # Ratings are figures, not personal text: they stay for the programme's insights, with the
    # side that gave them and without author or comment.
    for ratings in (Feedback.objects, CheckIn.objects):
        ratings.filter(pair__in=pairs).update(author=None, comment="", comment_for_manager=False)
    ideas = Idea.objects.filter(pair__in=pairs)
    ideas.update(title="", description="", recorded_by=None)
    IdeaEvent.objects.filter(idea__in=ideas).update(note="", actor=None)
    goals = Goal.objects.filter(pair__in=pairs)
    goals.update(title="", description="")
    Agreement.objects.filter(pair__in=pairs).update(
        how_we_meet="", between_us="", mentor_hopes="", mentee_hopes="", updated_by=None
    )
    GoalUpdate.objects.filter(goal__in=goals).update(note="")
    meetings = Meeting.objects.filter(pair__in=pairs)
    meetings.update(agenda="", note="", location="", link="", organiser=None)
    MeetingLog.objects.filter(meeting__in=meetings).update(logged_by=None)
    PairRequest.objects.filter(programme=programme).update(message="", reply="")
    Announcement.objects.filter(programme=programme).update(subject="", body="")
    Concern.objects.filter(programme=programme).update(text="", resolution_note="", author=None)
    GuardConfirmation.objects.filter(programme=programme).update(reason="", author=None)
    MatchRun.objects.filter(programme=programme).delete()
    pairs.update(
        explanation="",
        decline_reason="",
        end_reason="",
        declined_by=None,
        ended_by=None,
        updated_at=timezone.now(),
    )
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


def _scrub_audit(programme: Programme, needles: list[str], hr_ids: set[str]) -> None:
    """Take the people's names, emails and HR ids out of the organisation's audit trail."""
    scrub_audit(
        AuditEvent.objects.filter(organisation__in=programme.organisations()), needles, hr_ids
    )
