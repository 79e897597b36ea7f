"""A pair's agreement: written by either partner, held once both agree to the same words."""

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils.translation import gettext as _

from twoheads.accounts.models import User
from twoheads.pairing.models import Pair
from twoheads.participants.models import Participant

from .models import Agreement


def draft(pair: Pair) -> Agreement:
    """A first agreement to start from: the programme's cadence and the usual promise."""
    return Agreement(
        pair=pair,
        meet_every_days=pair.programme.meeting_cadence_days,
        between_us=str(Agreement.AGREED_TEXT),
    )


def write(agreement: Agreement, author: Participant, user: User, *, changed: bool) -> Agreement:
    """Save what `author` wrote: they agree to it, and a change (a new agreement is one) asks
    their partner to agree again (told by email)."""
    if changed:
        agreement.mentor_agreed_at = agreement.mentee_agreed_at = None
    agreement.agree(author)
    agreement.updated_by = user
    agreement.save()
    if changed:
        _ask_to_agree(agreement, author)
    return agreement


def agree(agreement: Agreement, person: Participant) -> Agreement:
    """`person` agrees to the agreement as it stands."""
    if agreement.agreed_at(person) is None:
        agreement.agree(person)
        agreement.save(update_fields=["mentor_agreed_at", "mentee_agreed_at"])
    return agreement


def _ask_to_agree(agreement: Agreement, author: Participant) -> None:
    partner = agreement.pair.partner_of(author)
    if not partner.mail_to or partner.is_deactivated:
        return
    link = settings.SITE_URL + reverse("agreement", args=[agreement.pair_id])
    send_mail(
        _("%(name)s wrote down your mentoring agreement") % {"name": author.display_name},
        _(
            "%(name)s has written down how you will work together: how often and how you "
            "meet, what stays between you, and what each of you hopes for. Read it, add "
            "what you hope for, and agree to it, or change it: %(link)s"
        )
        % {"name": author.display_name, "link": link},
        None,
        [partner.mail_to],
    )
