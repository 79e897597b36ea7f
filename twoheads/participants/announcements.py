"""A programme manager's message to the programme's people, sent by email in the background.

One function chooses who it goes to and one sends it; the page, and anything else that sends
one, goes through `announce`. A partner organisation's manager writes to their own people
only, as they hold only their records (`ParticipantQuerySet.held_by`).
"""

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from twoheads.accounts.models import User, audit
from twoheads.programmes.models import MANAGER_ROLES, Programme

from .models import Announcement, Participant

Audience = Announcement.Audience
# Emails composed and handed to the outbox at a time.
BATCH = 500


def _reachable(programme: Programme, user: User) -> QuerySet[Participant]:
    """Everyone an announcement from `user` can go to: active mentors and mentees with an
    address, among those whose records `user` holds."""
    return (
        programme.participants.held_by(user)
        .matchable()
        .exclude(Q(email="") & (Q(user__isnull=True) | Q(user__email="")))
    )


def _audiences() -> dict[str, Q]:
    """Each audience as a condition on the people reachable."""
    from twoheads.pairing.models import Pair

    live = Exists(Pair.objects.live().filter(Q(mentor=OuterRef("pk")) | Q(mentee=OuterRef("pk"))))
    return {
        Audience.EVERYONE: Q(),
        Audience.MENTORS: Q(role=Participant.Role.MENTOR),
        Audience.MENTEES: Q(role=Participant.Role.MENTEE),
        Audience.PAIRED: Q(live),
        Audience.UNPAIRED: ~Q(live),
    }


def recipients(programme: Programme, user: User, audience: str) -> QuerySet[Participant]:
    """The people an announcement from `user` to `audience` goes to."""
    return _reachable(programme, user).filter(_audiences()[audience]).order_by("pk")


def reach(programme: Programme, user: User) -> dict[str, int]:
    """How many people each audience reaches, in one query."""
    counts = {audience: Count("pk", filter=where) for audience, where in _audiences().items()}
    return _reachable(programme, user).aggregate(**counts)


def seen_by(programme: Programme, user: User) -> QuerySet[Announcement]:
    """The programme's announcements a manager sees: those sent by a manager of their own
    organisations (and, for the host's managers, those whose sender is gone)."""
    orgs = user.organisations_with_role(*MANAGER_ROLES)
    return programme.announcements.filter(
        Q(sent_by__memberships__organisation__in=orgs)
        | Q(sent_by__isnull=True, programme__organisation__in=orgs)
    ).distinct()


def announce(
    programme: Programme, user: User, *, audience: str, subject: str, body: str
) -> Announcement:
    """Record the announcement and send it, once the transaction commits, to its recipients
    as they are now."""
    from .tasks import send_announcement

    ids = list(recipients(programme, user, audience).values_list("pk", flat=True))
    with transaction.atomic():
        announcement = Announcement.objects.create(
            programme=programme,
            audience=audience,
            subject=subject.strip(),
            body=body.strip(),
            sent_by=user,
            recipients=len(ids),
        )
        audit(
            user,
            "programme.announce",
            programme,
            organisation=programme.organisation,
            audience=audience,
            recipients=len(ids),
        )
        announcement.sent_to.set(ids)
        if ids:
            transaction.on_commit(lambda: send_announcement.enqueue(announcement.pk, ids))
    return announcement


def received_by(user: User, count: int = 3) -> list[Announcement]:
    """The latest announcements written to this person, in any of their programmes."""
    return list(
        Announcement.objects.filter(sent_to__user=user)
        .select_related("programme", "sent_by")
        .distinct()[:count]
    )


def send(announcement: Announcement, participant_ids: list[int]) -> int:
    """Email the announcement to each of these people still active; returns how many."""
    programme = announcement.programme
    sender = announcement.sent_by.name if announcement.sent_by else _("The programme's manager")
    subject = f"{programme.name}: {announcement.subject}"
    link = settings.SITE_URL + reverse("home")
    footer = _(
        "%(sender)s sent this to you as someone taking part in %(programme)s. Your pairs, "
        "meetings and journal: %(link)s"
    ) % {"sender": sender, "programme": programme.name, "link": link}
    body = f"{announcement.body}\n\n--\n{footer}\n"
    sent = 0
    people = programme.participants.matchable().select_related("user").order_by("pk")
    for start in range(0, len(participant_ids), BATCH):
        batch = people.filter(pk__in=participant_ids[start : start + BATCH])
        messages = [
            (subject, body, settings.DEFAULT_FROM_EMAIL, [person.mail_to])
            for person in batch
            if person.mail_to
        ]
        sent += send_mass_mail(messages, fail_silently=False) if messages else 0
    return sent
