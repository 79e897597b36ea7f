"""The audit log as organisation admins read it."""

from django.db.models import Q, QuerySet

from twoheads.accounts.models import AuditEvent, Organisation


def events_of(organisation: Organisation, *, action: str = "", person: str = "") -> QuerySet:
    """The organisation's audit events, newest first, narrowed by action and by person."""
    events = AuditEvent.objects.filter(organisation=organisation).select_related("actor")
    if action:
        events = events.filter(action=action)
    person = person.strip()
    if person:
        events = events.filter(
            Q(actor__name__icontains=person)
            | Q(actor__email__icontains=person)
            | Q(target__icontains=person)
        )
    return events.order_by("-at", "-pk")
