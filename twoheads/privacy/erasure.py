"""Erasure on request: a person's profile and private content go; what a partner needs stays.

Shared journal entries, ideas and meeting agendas stay in the partner's relationship, shown as
written by "a former participant"; the ratings of feedback and check-ins stay in the programme's
figures without author or comment. Everything else the person wrote is deleted or emptied, their
name and email are taken out of every other text, and their account is closed.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from twoheads.accounts.models import (
    ApiToken,
    AuditEvent,
    LoginFailure,
    Membership,
    Organisation,
    User,
    audit,
)
from twoheads.guard.models import GuardConfirmation
from twoheads.insights.models import SentWeeklyReport, WeeklyReportChoice
from twoheads.journal.models import (
    Agreement,
    Goal,
    JournalEntry,
    NudgePreference,
    SentNudge,
    forget_authors,
)
from twoheads.mail.models import OutgoingEmail
from twoheads.meetings.models import CalendarFeed, Meeting
from twoheads.meetings.scheduling import cancel_meeting
from twoheads.pairing.models import Pair, PairRequest
from twoheads.participants.models import (
    Announcement,
    ImportUpload,
    Invitation,
    Participant,
    ParticipantSkill,
)

from .models import Concern
from .redaction import redact_everywhere, redact_text, scrub_audit
from .retention import ERASED_PREFIX, record_past_pairs

ERASED_DOMAIN = "erased.invalid"


def former_participant() -> str:
    return _("A former participant")


@dataclass
class Erasure:
    """What erasing one person removed, kept or rewrote, counted."""

    deleted: dict[str, int] = field(default_factory=dict)
    kept_for_partner: dict[str, int] = field(default_factory=dict)
    # Ratings stay in the programme's figures, with their side but no author or comment.
    kept_without_author: dict[str, int] = field(default_factory=dict)
    redacted_rows: int = 0

    def count(self, what: str, n: int) -> None:
        self.deleted[what] = self.deleted.get(what, 0) + n


def participations_of(user: User) -> list[Participant]:
    """Every participant record of the person: linked to the account or carrying its email."""
    same = Q(user=user) | Q(user__isnull=True, email__iexact=user.email)
    return list(Participant.objects.filter(same).select_related("programme"))


def erase_person(user: User, actor: User | None, reason: str = "") -> Erasure:
    """Erase a person's data as described above, in one transaction, and audit it."""
    with transaction.atomic():
        people = participations_of(user)
        needles = {user.name, user.email, *(p.name for p in people), *(p.email for p in people)}
        needles = {n for n in needles if n and len(n) > 2}
        hr_ids = {p.external_id for p in people}
        organisations = _organisations_of(user, people)
        for person in people:
            pairs = Pair.objects.filter(Q(mentor=person) | Q(mentee=person))
            record_past_pairs(person.programme, pairs.select_related("mentor", "mentee"))
        result = Erasure()
        _erase_content(user, people, result)
        _erase_people(people, result)
        _erase_account(user, result)
        _erase_uploads(people, needles, result)
        # Emails to them, sent or waiting, before the sweep below rewrites their recipients.
        result.count("stored emails", OutgoingEmail.objects.addressed_to(needles).delete()[0])
        result.redacted_rows = redact_everywhere(needles)
        scrub_audit(AuditEvent.objects.filter(organisation__in=organisations), needles, hr_ids)
        for organisation in organisations:
            audit(
                actor,
                "privacy.erase",
                f"user {user.pk}",
                organisation=organisation,
                reason=redact_text(reason, needles),
                deleted=result.deleted,
                kept_for_partner=result.kept_for_partner,
                kept_without_author=result.kept_without_author,
            )
    return result


def _organisations_of(user: User, people: list[Participant]) -> list[Organisation]:
    ids = set(user.memberships.values_list("organisation_id", flat=True))
    ids |= {p.programme.organisation_id for p in people}
    return list(Organisation.objects.filter(pk__in=ids))


def _erase_content(user: User, people: list[Participant], result: Erasure) -> None:
    mine = JournalEntry.objects.filter(author=user)
    result.count("private journal entries", mine.filter(shared_at__isnull=True).delete()[0])
    result.kept_for_partner["shared journal entries"] = mine.count()
    result.count("goals", Goal.objects.filter(owner__in=people).delete()[0])
    for side in ("mentor", "mentee"):
        Agreement.objects.filter(**{f"pair__{side}__in": people}).update(**{f"{side}_hopes": ""})
    Agreement.objects.filter(updated_by=user).update(updated_by=None)
    result.kept_without_author.update(forget_authors([user]))
    concerns = Concern.objects.filter(author__in=people)
    result.count("concerns", concerns.count())
    concerns.filter(resolved_at__isnull=True).update(
        resolved_at=timezone.now(),
        resolution_note="Closed: the person who raised it asked for their data to be erased.",
    )
    concerns.update(text="", author=None)
    GuardConfirmation.objects.filter(author__in=people).update(reason="", author=None)
    PairRequest.objects.filter(sender__in=people).update(message="")
    PairRequest.objects.filter(recipient__in=people).update(reply="")
    now = timezone.now()
    Pair.objects.filter(declined_by__in=people).update(
        decline_reason="", declined_by=None, updated_at=now
    )
    Pair.objects.filter(ended_by=user).update(end_reason="", ended_by=None, updated_at=now)
    involved = Q(sender__in=people) | Q(recipient__in=people)
    PairRequest.objects.pending().filter(involved).update(
        status=PairRequest.Status.CLOSED, closed_at=now
    )
    live = Pair.objects.live().filter(Q(mentor__in=people) | Q(mentee__in=people))
    # The partner's calendar drops the meetings still to come, as when a pair is closed.
    upcoming = Meeting.objects.filter(
        pair__in=live, status=Meeting.Status.SCHEDULED, starts_at__gt=now
    )
    for meeting in upcoming.select_related("pair"):
        cancel_meeting(meeting, user, note=_("The pair has ended."))
    result.kept_for_partner["pairs ended"] = live.update(
        status=Pair.Status.ENDED, ended_at=now, updated_at=now
    )


def _erase_people(people: list[Participant], result: Erasure) -> None:
    ids = [p.pk for p in people]
    result.count("skills", ParticipantSkill.objects.filter(participant__in=ids).delete()[0])
    Announcement.sent_to.through.objects.filter(participant__in=ids).delete()
    for person in people:
        Participant.objects.filter(pk=person.pk).update(
            external_id=f"{ERASED_PREFIX}{person.pk}",
            name=former_participant(),
        )
    Participant.objects.filter(pk__in=ids).update(
        user=None,
        email="",
        status=Participant.Status.WITHDRAWN,
        department="",
        site="",
        job_title="",
        level=None,
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
    result.count("profiles", len(ids))


def _erase_account(user: User, result: Erasure) -> None:
    email = user.email
    result.count("invitations", Invitation.objects.filter(email__iexact=email).delete()[0])
    LoginFailure.objects.filter(email__iexact=email).delete()
    result.count("API tokens", ApiToken.objects.filter(user=user).delete()[0])
    result.count("calendar feeds", CalendarFeed.objects.filter(user=user).delete()[0])
    NudgePreference.objects.filter(user=user).delete()
    SentNudge.objects.filter(user=user).delete()
    WeeklyReportChoice.objects.filter(user=user).delete()
    SentWeeklyReport.objects.filter(user=user).delete()
    result.count("memberships", Membership.objects.filter(user=user).delete()[0])
    user.groups.clear()
    user.user_permissions.clear()
    user.name = former_participant()
    user.email = f"{ERASED_PREFIX}{user.pk}@{ERASED_DOMAIN}"
    user.timezone = "UTC"
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.set_unusable_password()
    user.save()


def _erase_uploads(people: list[Participant], needles: set[str], result: Erasure) -> None:
    """Empty stored import files that still hold the person's row; the import's record stays."""
    programmes = {p.programme_id for p in people}
    for upload in ImportUpload.objects.filter(programme__in=programmes):
        raw = bytes(upload.data).decode("utf-8", "ignore").lower()
        summary = str(upload.summary).lower()
        if any(n.lower() in raw or n.lower() in summary for n in needles):
            upload.data = b""
            upload.summary = {}
            upload.save(update_fields=["data", "summary"])
            result.count("stored import files", 1)
