"""The audit log as organisation admins read it."""

import re
from collections.abc import Iterable

from django.db.models import CharField, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat

from twoheads.accounts.models import MANAGER_ROLES, AuditEvent, Membership, Organisation, User
from twoheads.participants.models import Participant

# What an event about one person's record names as its target: their record's number.
PARTICIPANT_TARGET = re.compile(r"participant (\d+)")
# ... or an account's number (someone's download of their own data).
USER_TARGET = re.compile(r"user (\d+)")
# A person filter matching more records than this is narrowed by actor and target text only.
MOST_PEOPLE_MATCHED = 1000


def _people(organisation: Organisation) -> QuerySet[Participant]:
    """The records an event of this organisation can be about: in its programmes, or its own
    people in a partner's."""
    return Participant.objects.filter(
        Q(programme__organisation=organisation) | Q(organisation=organisation)
    )


def readable_by_admins_of(organisation: Organisation) -> QuerySet:
    """The events an organisation's admins read: those recorded for it (its programmes, its
    members), and, wherever they were recorded, those done by its own managers and admins and
    those about its own people's records in a partner's programme, which it holds."""
    held_elsewhere = (
        Participant.objects.filter(organisation=organisation)
        .exclude(programme__organisation=organisation)
        .annotate(record=Concat(Value("participant "), Cast("pk", CharField())))
        .values("record")
    )
    staff = Membership.objects.filter(organisation=organisation, role__in=MANAGER_ROLES)
    return AuditEvent.objects.filter(
        Q(organisation=organisation)
        | Q(actor__in=staff.values("user"))
        | Q(target__in=held_elsewhere)
    )


def events_of(organisation: Organisation, *, action: str = "", person: str = "") -> QuerySet:
    """The organisation's audit events, newest first, narrowed by action and by person: who
    acted, or who it was about (by name or email, also where the event names their record)."""
    events = readable_by_admins_of(organisation).select_related("actor")
    if action:
        events = events.filter(action=action)
    person = person.strip()
    if person:
        about = _people(organisation).filter(Q(name__icontains=person) | Q(email__icontains=person))
        records = [
            f"participant {pk}" for pk in about.values_list("pk", flat=True)[:MOST_PEOPLE_MATCHED]
        ]
        events = events.filter(
            Q(actor__name__icontains=person)
            | Q(actor__email__icontains=person)
            | Q(target__icontains=person)
            | Q(target__in=records)
        )
    return events.order_by("-at", "-pk")


def record_names(organisation: Organisation, events: Iterable[AuditEvent]) -> dict[str, str]:
    """The name of each person's record or account the events name as their target, to show
    beside it: records the organisation holds, accounts of its members and its people."""
    events = list(events)
    numbers = {
        int(m.group(1)) for e in events if (m := PARTICIPANT_TARGET.fullmatch(e.target or ""))
    }
    people = _people(organisation).filter(pk__in=numbers).values_list("pk", "name")
    names = {f"participant {pk}": name for pk, name in people}
    accounts = {int(m.group(1)) for e in events if (m := USER_TARGET.fullmatch(e.target or ""))}
    if accounts:
        known = User.objects.filter(pk__in=accounts).filter(
            Q(memberships__organisation=organisation) | Q(participations__in=_people(organisation))
        )
        for pk, name in known.values_list("pk", "name").distinct():
            if name:
                names[f"user {pk}"] = name
    return names
