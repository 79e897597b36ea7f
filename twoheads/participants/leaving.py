"""Someone leaves the organisation or withdraws: their pairs end and their requests close.

The HR import (a row with status `leaver`) and the manager's page for one person both come
here, so a pair ends the same way whichever way the news arrives.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from twoheads.accounts.models import User
from twoheads.pairing.models import Pair, PairRequest

from .models import Participant

REASONS = {
    Participant.Status.LEAVER: _("%(name)s has left the organisation."),
    Participant.Status.WITHDRAWN: _("%(name)s has withdrawn from the programme."),
}


def live_pairs_of(people: list[int]) -> QuerySet[Pair]:
    return Pair.objects.live().filter(Q(mentor__in=people) | Q(mentee__in=people))


def end_pairs_of(people: list[int], status: str, actor: User | None) -> int:
    """End the live pairs of these participants, who now have ``status``, as if closed with
    the reason for it; close their requests to pair up. Returns how many pairs ended.

    Each partner is emailed the reason and asked for the exit survey; a leaver is neither
    (`emails.pair_ended`, `closing.invite_to_exit_survey`)."""
    from twoheads.journal.closing import close_pair

    if not people:
        return 0
    ended = 0
    for pair in live_pairs_of(people).select_related("mentor", "mentee", "programme"):
        person = pair.mentor if pair.mentor_id in people else pair.mentee
        close_pair(pair, actor, str(REASONS[status]) % {"name": person.display_name})
        ended += 1
    involved = Q(sender__in=people) | Q(recipient__in=people)
    PairRequest.objects.pending().filter(involved).update(
        status=PairRequest.Status.CLOSED, closed_at=timezone.now()
    )
    return ended
