"""A programme manager's message to the programme's people, sent by email in the background.

One function chooses who it goes to and one sends it; the page, and anything else that sends
one, goes through `announce`. A partner organisation's manager writes to their own people
only, as they hold only their records (`ParticipantQuerySet.held_by`).
"""

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from twoheads.accounts.models import User, audit
from twoheads.programmes.models import Programme

from .models import Announcement, Participant

Audience = Announcement.Audience
# Emails composed and handed to the outbox at a time.
BATCH = 500


def recipients(programme: Programme, user: User, audience: str) -> QuerySet[Participant]:
    """The people an announcement from `user` to `audience` goes to: active mentors and
    mentees with an address, among those whose records `user` holds."""
    from twoheads.pairing.models import Pair

    people = (
        programme.participants.held_by(user)
        .matchable()
        .exclude(Q(email="") & (Q(user__isnull=True) | Q(user__email="")))
    )
    live = Pair.objects.live().filter(Q(mentor=OuterRef("pk")) | Q(mentee=OuterRef("pk")))
    match audience:
        case Audience.MENTORS:
            people = people.filter(role=Participant.Role.MENTOR)
        case Audience.MENTEES:
            people = people.filter(role=Participant.Role.MENTEE)
        case Audience.PAIRED:
            people = people.filter(Exists(live))
        case Audience.UNPAIRED:
            people = people.exclude(Exists(live))
    return people.order_by("pk")


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
    people = (
        Participant.objects.filter(pk__in=participant_ids, programme=programme)
        .matchable()
        .select_related("user")
        .order_by("pk")
    )
    for start in range(0, len(participant_ids), BATCH):
        batch = people.filter(pk__in=participant_ids[start : start + BATCH])
        messages = [
            (subject, body, settings.DEFAULT_FROM_EMAIL, [person.mail_to])
            for person in batch
            if person.mail_to
        ]
        sent += send_mass_mail(messages, fail_silently=False) if messages else 0
    return sent
