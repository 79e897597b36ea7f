"""The enrolment funnel counts people, each once, however many invitations they were sent."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from tests.base import make_user
from tests.insights.stories import InsightsTestCase
from twoheads.insights.figures import programme_figures
from twoheads.insights.tables import grid_sections
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

    def test_the_imported_people_are_enrolled_but_have_not_joined(self):
        """Zoe, Yann and Xavier are enrolled with no account: the funnel shows who joined,
        the three fewer the People page says cannot sign in yet."""
        funnel = programme_figures(self.programme).funnel
        self.assertEqual((funnel.enrolled, funnel.joined), (7, 4))
        self.assertEqual([name for name, _n in funnel.stages()][1:3], ["enrolled", "joined"])
        self.client.force_login(self.martin)
        people = self.client.get(reverse("participant_list", args=[self.programme.slug]))
        self.assertEqual(people.context["no_account"], funnel.enrolled - funnel.joined)
        self.assertContains(people, "3 mentors and mentees have no account yet")
        section = grid_sections(programme_figures(self.programme))["funnel"]
        self.assertIn(("Joined (has an account)", 4, 44.4), section.table.rows)
        self.assertIn("3 enrolled people have not joined", section.note)
        # Zoe signs up.
        zoe = Participant.objects.get(external_id="A301")
        zoe.user = make_user("zoe@acme.test", "Zoe Young", self.acme, "participant")
        zoe.save()
        self.assertEqual(programme_figures(self.programme).funnel.joined, 5)
