"""Someone HR has marked a leaver or on leave cannot take up their place through an invitation
link: they are told their place is not active, and no account is made."""

from django.urls import reverse

from tests.base import PASSWORD, PersonasTestCase
from twoheads.accounts.models import User
from twoheads.participants.models import Invitation, Participant


class InactiveInvitationTests(PersonasTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.programme.status = "enrolling"
        cls.programme.save()
        cls.jose = Participant.objects.create(
            programme=cls.programme, external_id="E1035", email="jose@acme.test",
            name="José Okafor", role="mentee", level=3, status=Participant.Status.LEAVER,
        )  # fmt: skip

    def setUp(self):
        invitation = Invitation.objects.create(
            programme=self.programme, email="jose@acme.test", role="mentee"
        )
        self.url = reverse("invitation_accept", args=[invitation.token])

    def test_a_leaver_is_told_their_place_is_not_active(self):
        r = self.client.get(self.url)
        self.assertContains(r, "Your programme place is not active", status_code=403)
        self.assertContains(r, "you have left the organisation", status_code=403)
        self.assertContains(r, "ask your programme manager", status_code=403)

    def test_a_leaver_cannot_make_an_account_with_the_link(self):
        data = {"name": "José", "password1": PASSWORD, "password2": PASSWORD}
        r = self.client.post(self.url, data)
        self.assertEqual(r.status_code, 403)
        self.assertFalse(User.objects.filter(email="jose@acme.test").exists())
        self.jose.refresh_from_db()
        self.assertIsNone(self.jose.user)

    def test_someone_on_leave_is_refused_too(self):
        Participant.objects.filter(pk=self.jose.pk).update(status=Participant.Status.ON_LEAVE)
        r = self.client.get(self.url)
        self.assertContains(r, "you are on leave", status_code=403)

    def test_someone_active_again_can_accept(self):
        Participant.objects.filter(pk=self.jose.pk).update(status=Participant.Status.ACTIVE)
        self.assertContains(self.client.get(self.url), "Accept your invitation")
