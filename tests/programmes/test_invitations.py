"""The programme's invitations page says what each invited person will be."""

from django.urls import reverse

from tests.base import PersonasTestCase
from twoheads.participants.invitations import invite
from twoheads.participants.models import Invitation, Participant


class ImportedRoleTests(PersonasTestCase):
    """Zoe comes from the HR file as a mentee with no account; Wendy is invited by address."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        Participant.objects.create(
            programme=cls.programme, external_id="A301", name="Zoe Young",
            email="Zoe.Young@acme.test", role="mentee", level=7, organisation=cls.acme,
        )  # fmt: skip

    def setUp(self):
        self.client.force_login(self.martin)

    def test_inviting_everyone_without_an_account_invites_each_as_imported(self):
        self.client.post(reverse("participant_invite_all", args=[self.programme.slug]))
        invitation = Invitation.objects.get(email__iexact="zoe.young@acme.test")
        self.assertEqual(invitation.role, "mentee")
        page = self.client.get(reverse("invitation_list", args=[self.programme.slug]))
        self.assertContains(page, "<td>zoe.young@acme.test</td><td>Mentee</td>")
        self.assertNotContains(page, "They choose")

    def test_an_older_invitation_without_a_role_shows_the_imported_one(self):
        Invitation.objects.create(programme=self.programme, email="zoe.young@acme.test")
        page = self.client.get(reverse("invitation_list", args=[self.programme.slug]))
        self.assertContains(page, "<td>zoe.young@acme.test</td><td>Mentee</td>")
        self.assertNotContains(page, "They choose")

    def test_someone_not_imported_still_chooses(self):
        invite(self.programme, ["wendy@acme.test"], actor=self.martin)
        self.assertEqual(Invitation.objects.get(email="wendy@acme.test").role, "")
        page = self.client.get(reverse("invitation_list", args=[self.programme.slug]))
        self.assertContains(page, "<td>wendy@acme.test</td><td>They choose</td>")
