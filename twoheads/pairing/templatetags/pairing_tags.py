from django import template
from django.utils.translation import gettext as _

from twoheads.accounts.models import User
from twoheads.matching.explain import without_score_sum
from twoheads.pairing.models import Pair

register = template.Library()
register.filter("without_score_sum", without_score_sum)


@register.simple_tag
def pair_side(pair: Pair, user: User) -> dict[str, object]:
    """The viewer's place in a pair: their answer, their partner's, and whether they may answer."""
    me = pair.side_of(user) if user.is_authenticated else None
    if me is None:
        return {"me": None}
    partner = pair.partner_of(me)
    mine = pair.response_of(me)
    return {
        "me": me,
        "partner": partner,
        "mine": mine,
        "theirs": pair.response_of(partner),
        "can_answer": pair.status == Pair.Status.PROPOSED and not mine,
    }


@register.filter
def status_for(pair: Pair, user: User) -> str:
    """The pair's status as one of its partners reads it: "Waiting for your answer" when the
    other has accepted and they have not."""
    if pair.status == Pair.Status.PROPOSED and user.is_authenticated:
        waiting = pair.waiting_for()
        if len(waiting) == 1 and waiting[0].user_id == user.pk:
            return str(_("Waiting for your answer"))
    return pair.get_status_display()
