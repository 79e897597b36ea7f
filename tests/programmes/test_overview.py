"""The Overview and the invitations of a programme tell the truth about where it stands."""

from django.urls import reverse

from tests.base import PersonasTestCase
from twoheads.participants.models import Invitation


class ClosedProgrammeTests(PersonasTestCase):
    """Acme's programme had open sign-up and an invitation to Nadia nobody used; then it closed."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.programme.open_signup = True
        cls.programme.save()
        Invitation.objects.create(programme=cls.programme, email="nadia@acme.test")
        cls.programme.status = "closed"
        cls.programme.save()

    def setUp(self):
        self.client.force_login(self.martin)

    def test_the_overview_offers_no_way_in(self):
        page = self.client.get(reverse("programme_detail", args=[self.programme.slug]))
        self.assertContains(page, "This programme is closed: it takes no new people")
        for gone in (
            "invitations not yet accepted",
            "profiles not finished",
            "Invite people by email",
            "Import the HR system&#x27;s file",
            "open sign-up with the code",
            self.programme.signup_code,
        ):
            self.assertNotContains(page, gone)
        self.assertContains(page, reverse("participant_export", args=[self.programme.slug, "csv"]))

    def test_an_unused_invitation_says_its_link_no_longer_works(self):
        page = self.client.get(reverse("invitation_list", args=[self.programme.slug]))
        self.assertNotContains(page, "Waiting, the link works until")
        self.assertContains(page, "Not used: the link stopped working when the programme closed")

    def test_an_open_programme_still_offers_every_way_in(self):
        self.programme.status = "active"
        self.programme.save()
        page = self.client.get(reverse("programme_detail", args=[self.programme.slug]))
        self.assertContains(page, '1</span> <span class="label">invitations not yet accepted')
        self.assertContains(page, "Invite people by email")
        self.assertContains(page, self.programme.signup_code)
        page = self.client.get(reverse("invitation_list", args=[self.programme.slug]))
        self.assertContains(page, "Waiting, the link works until")
