"""The enrolment funnel counts people, each once, however many invitations they were sent."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from tests.insights.stories import InsightsTestCase
from twoheads.insights.figures import programme_figures
from twoheads.participants.models import Invitation, Participant


class InvitedCountsPeopleOnceTests(InsightsTestCase):
    """Zoe, Yann and Xavier come from the HR file as mentees, with no account yet."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        for ext, name in (("A301", "Zoe Young"), ("A302", "Yann Xu"), ("A303", "Xavier Wu")):
            Participant.objects.create(
                programme=cls.programme, external_id=ext, name=name, role="mentee", level=7,
                email=f"{name.split()[0]}@Acme.test", organisation=cls.acme,
            )  # fmt: skip

    def invited(self) -> int:
        return programme_figures(self.programme).funnel.invited

    def test_inviting_the_imported_people_adds_nobody(self):
        """Six before (five with a role, Ivan's open invitation); the three imported people
        are already counted, so their invitations add none."""
        before = self.invited()
        self.assertEqual(before, 9)
        self.client.force_login(self.martin)
        self.client.post(reverse("participant_invite_all", args=[self.programme.slug]))
        self.assertEqual(Invitation.objects.filter(email__iendswith="@acme.test").count(), 5)
        self.assertEqual(self.invited(), before)

    def test_a_reminder_with_a_new_link_adds_nobody(self):
        self.client.force_login(self.martin)
        self.client.post(reverse("participant_invite_all", args=[self.programme.slug]))
        # Their links expire unused; the reminder carries a new one for each.
        Invitation.objects.update(
            created_at=timezone.now() - timedelta(days=20),
            sent_at=timezone.now() - timedelta(days=20),
        )
        self.client.post(reverse("participant_remind", args=[self.programme.slug]))
        self.assertEqual(Invitation.objects.filter(email__istartswith="zoe").count(), 2)
        self.assertEqual(self.invited(), 9)

    def test_someone_invited_twice_is_one_person(self):
        Invitation.objects.create(programme=self.programme, email="IVAN@acme.test")
        Invitation.objects.create(programme=self.programme, email="wendy@acme.test")
        self.assertEqual(self.invited(), 10)
