"""Invitations: the one way into a programme for someone without an account.

People imported from the HR system have no account until they accept an invitation. The
invitation page, the People page's "invite everyone without an account" and the emails that
reach such people (their match, a profile reminder) all go through these functions, so each
person holds at most one live link at a time.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Lower
from django.utils import timezone

from twoheads.accounts.models import User
from twoheads.programmes.models import Programme

from .models import Invitation, Participant, home_organisation, organisations_held


def live_invitations(programme: Programme) -> QuerySet[Invitation]:
    """The programme's invitations not yet used whose link still works."""
    since = timezone.now() - timedelta(days=Invitation.VALID_DAYS)
    return Invitation.objects.filter(programme=programme, accepted_at__isnull=True).filter(
        Q(sent_at__gt=since) | Q(sent_at__isnull=True, created_at__gt=since)
    )


def live_invitation_for(programme: Programme, email: str) -> Invitation | None:
    """The newest invitation to ``email`` (in any case) whose link still works, if any."""
    return (
        live_invitations(programme)
        .annotate(address=Lower("email"))
        .filter(address=email.lower())
        .order_by("-created_at")
        .first()
    )


def invitations_seen_by(programme: Programme, manager: User) -> QuerySet[Invitation]:
    """The programme's invitations a manager sees: all for the host's; for a partner's, those
    inviting people to their own organisations. Each carries ``imported_role``: the role of
    the person imported with its address, which accepting keeps (see `enrol`)."""
    held = organisations_held(programme, manager)
    imported = (
        Participant.objects.filter(programme=programme, email__iexact=OuterRef("email"))
        .exclude(role="")
        .values("role")[:1]
    )
    invitations = programme.invitations.annotate(imported_role=Subquery(imported))
    return invitations if held is None else invitations.filter(organisation__in=held)


def invite(
    programme: Programme, emails: list[str], *, role: str = "", actor: User | None = None
) -> list[Invitation]:
    """Create an invitation for each address and queue its email.

    Someone imported with a role is invited as that role, whatever ``role`` says: accepting
    keeps the role imported (see `enrol`), and the invitation says what they will be.
    """
    from .tasks import send_invitation

    organisation = home_organisation(programme, actor)
    imported = _imported_roles(programme, emails)
    made = [
        Invitation.objects.create(
            programme=programme,
            email=email,
            role=imported.get(email.lower(), role),
            invited_by=actor,
            organisation=organisation,
        )
        for email in emails
    ]
    for invitation in made:
        send_invitation.enqueue(invitation.pk)
    return made


def _imported_roles(programme: Programme, emails: list[str]) -> dict[str, str]:
    """The role of each address's imported mentor or mentee, by lower-cased address."""
    addresses = {email.lower() for email in emails}
    people = (
        programme.participants.exclude(role="")
        .annotate(address=Lower("email"))
        .filter(address__in=addresses)
    )
    return dict(people.values_list("address", "role"))


def without_account(
    programme: Programme, people: QuerySet[Participant] | None = None
) -> QuerySet[Participant]:
    """Mentors and mentees of the programme (or of ``people``, some of them) who cannot sign
    in yet: imported, never invited with a link that still works, and with an address to
    invite."""
    waiting = live_invitations(programme).annotate(address=Lower("email")).values("address")
    return (
        (programme.participants.all() if people is None else people)
        .matchable()
        .filter(user__isnull=True)
        .exclude(email="")
        .annotate(address=Lower("email"))
        .exclude(address__in=waiting)
    )


def no_account_count(people: QuerySet[Participant]) -> int:
    """How many of these mentors and mentees cannot sign in yet, invited or not."""
    return people.matchable().filter(user__isnull=True).count()


def account_link(person: Participant) -> str:
    """For someone without an account, the link that creates it and enrols them as the
    person imported (their live invitation, or a new one); "" for everyone else."""
    if person.user_id is not None or not person.email:
        return ""
    invitation = live_invitation_for(person.programme, person.email)
    if invitation is None:
        invitation = Invitation.objects.create(
            programme=person.programme, email=person.email, role=person.role
        )
    if invitation.sent_at is None:
        invitation.sent_at = timezone.now()
        invitation.save(update_fields=["sent_at"])
    return settings.SITE_URL + invitation.get_absolute_url()
