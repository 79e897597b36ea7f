"""The audit log as organisation admins read it."""

import re
from collections.abc import Iterable

from django.db.models import Q, QuerySet

from twoheads.accounts.models import AuditEvent, Organisation
from twoheads.participants.models import Participant

# What an event about one person's record names as its target: their record's number.
PARTICIPANT_TARGET = re.compile(r"participant (\d+)")
# A person filter matching more records than this is narrowed by actor and target text only.
MOST_PEOPLE_MATCHED = 1000


def _people(organisation: Organisation) -> QuerySet[Participant]:
    """The records an event of this organisation can be about: in its programmes, or its own
    people in a partner's."""
    return Participant.objects.filter(
        Q(programme__organisation=organisation) | Q(organisation=organisation)
    )


def events_of(organisation: Organisation, *, action: str = "", person: str = "") -> QuerySet:
    """The organisation's audit events, newest first, narrowed by action and by person: who
    acted, or who it was about (by name or email, also where the event names their record)."""
    events = AuditEvent.objects.filter(organisation=organisation).select_related("actor")
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
    """The name of each person's record the events name as their target, to show beside it."""
    numbers = {
        int(m.group(1)) for e in events if (m := PARTICIPANT_TARGET.fullmatch(e.target or ""))
    }
    people = _people(organisation).filter(pk__in=numbers).values_list("pk", "name")
    return {f"participant {pk}": name for pk, name in people}
