"""Open sign-up with a programme's code, for someone without an account: the address is proved
before anything is made.

The sign-up form sends an invitation to the address given, and the invitation's link makes the
account (with a password of the person's choosing) and enrols them, as for anyone a manager
invites. Someone who already has an account is taken to sign in by the same link. The page says
the same whichever it is, so the form never tells a stranger which addresses have accounts.
"""

from datetime import timedelta

from django.utils import timezone

from twoheads.programmes.models import Programme

from .invitations import live_invitation_for
from .models import Invitation
from .tasks import send_invitation

# A second sign-up with the same address within this time sends no second email.
RESEND_AFTER = timedelta(minutes=5)


def ask_to_join(programme: Programme, email: str, name: str) -> Invitation:
    """The invitation that lets ``email`` finish joining ``programme``, emailed unless one
    went to the address a moment ago."""
    invitation = live_invitation_for(programme, email)
    if invitation is not None:
        if invitation.sent_at and timezone.now() - invitation.sent_at < RESEND_AFTER:
            return invitation
    else:
        invitation = Invitation.objects.create(
            programme=programme,
            email=email,
            name=name,
            organisation=programme.organisation,
        )
    send_invitation.enqueue(invitation.pk, signed_up=True)
    return invitation
