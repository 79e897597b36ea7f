"""Emails sent in the background: invitations and reminders to finish a profile."""

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .invitations import account_link
from .models import Invitation, Participant


@task
def send_invitation(invitation_id: int, signed_up: bool = False) -> None:
    """Email the invitation's link; ``signed_up`` when the person asked for it themselves,
    through the programme's open sign-up."""
    invitation = Invitation.objects.select_related("programme").get(pk=invitation_id)
    invitation.sent_at = timezone.now()
    invitation.save(update_fields=["sent_at"])
    context = {
        "invitation": invitation,
        "programme": invitation.programme,
        "link": settings.SITE_URL + invitation.get_absolute_url(),
        "days": Invitation.VALID_DAYS,
        "signed_up": signed_up,
    }
    send_mail(
        render_to_string("participants/email/invitation_subject.txt", context).strip(),
        render_to_string("participants/email/invitation.txt", context),
        None,
        [invitation.email],
    )


@task
def send_profile_reminders(participant_ids: list[int]) -> int:
    """Remind each person that their profile is not finished; returns how many were sent."""
    sent = 0
    people = Participant.objects.filter(pk__in=participant_ids).select_related("programme")
    for person in people.exclude(email=""):
        # Someone imported without an account gets the link that creates it.
        link = account_link(person) or (
            settings.SITE_URL + reverse("my_profile", args=[person.programme.slug])
        )
        context = {
            "person": person,
            "programme": person.programme,
            "link": link,
            "percent": person.completeness,
        }
        send_mail(
            render_to_string("participants/email/reminder_subject.txt", context).strip(),
            render_to_string("participants/email/reminder.txt", context),
            None,
            [person.email],
        )
        sent += 1
    return sent


@task
def send_announcement(announcement_id: int, participant_ids: list[int]) -> int:
    """Email a programme manager's announcement to the people it was written to."""
    from .announcements import send
    from .models import Announcement

    announcement = Announcement.objects.select_related("programme", "sent_by").get(
        pk=announcement_id
    )
    return send(announcement, participant_ids)
