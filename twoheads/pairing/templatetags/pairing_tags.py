from django import template

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
