"""Nadia's invitation says who invited her, as what, and when the programme starts; its page
says her role instead of asking her to choose one."""

from datetime import date

from django.core import mail
from django.urls import reverse

from tests.base import PersonasTestCase
from twoheads.participants.models import Invitation


class InvitationEmailTests(PersonasTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.programme.status = "enrolling"
        cls.programme.starts_on = date(2027, 3, 1)
        cls.programme.save()

    def invite(self) -> Invitation:
        self.client.force_login(self.martin)
        self.client.post(
            reverse("invitation_list", args=[self.programme.slug]),
            {"emails": "nadia@acme.test", "role": "mentee"},
        )
        self.client.logout()
        return Invitation.objects.get(email="nadia@acme.test")

    def test_the_email_says_who_invited_her_her_role_and_the_start(self):
        self.invite()
        body = mail.outbox[-1].body
        self.assertIn(f"{self.martin.get_full_name()} invited you.", body)
        self.assertIn("You take part as a mentee.", body)
        self.assertIn("The programme starts on 1 March 2027.", body)

    def test_the_page_says_her_role_instead_of_asking_her_to_choose(self):
        invitation = self.invite()
        r = self.client.get(reverse("invitation_accept", args=[invitation.token]))
        self.assertContains(r, "Your role is already set: you take part as a mentee.")
        self.assertNotContains(r, "Choose &ldquo;reverse mentor&rdquo;")
        self.assertNotContains(r, "Choose “reverse mentor”")
