"""The Overview and the invitations of a programme tell the truth about where it stands."""

from django.urls import reverse

from tests.base import PersonasTestCase, make_user
from twoheads.insights.figures import programme_figures
from twoheads.insights.tables import grid_sections
from twoheads.participants.models import Invitation, Participant


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


class UnfinishedProfilesTests(PersonasTestCase):
    """Nadia and Omar joined with an account and have not chosen a role; Zoe is only in the org
    chart; nobody's profile is finished."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        for ext, name in (("A301", "Nadia Novak"), ("A302", "Omar Obi")):
            user = make_user(f"{name.split()[0].lower()}@acme.test", name, cls.acme, "participant")
            Participant.objects.create(
                programme=cls.programme, external_id=ext, user=user, name=name
            )
        Participant.objects.create(programme=cls.programme, external_id="A900", name="Zoe Chart")

    def test_the_overview_says_how_many_have_not_chosen_a_role(self):
        self.client.force_login(self.martin)
        page = self.client.get(reverse("programme_detail", args=[self.programme.slug]))
        self.assertContains(
            page,
            '<span class="value">5</span> <span class="label">profiles not finished '
            "(2 have not chosen a role)</span>",
            html=True,
        )

    def test_the_funnel_says_they_are_in_no_step_yet(self):
        funnel = programme_figures(self.programme).funnel
        self.assertEqual((funnel.enrolled, funnel.profile_complete, funnel.no_role), (3, 0, 2))
        note = grid_sections(programme_figures(self.programme))["funnel"].note
        self.assertIn("2 more people have joined without choosing a role", note)
        self.client.force_login(self.martin)
        page = self.client.get(reverse("programme_dashboard", args=[self.programme.slug]))
        self.assertContains(page, "2 more people have joined without choosing a role")


class PartnerOverviewTests(PersonasTestCase):
    """Globex joins Acme's programme as a partner; Gus is Globex's one mentee in it."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.programme.partners.add(cls.globex)
        Participant.objects.create(
            programme=cls.programme, user=cls.gus, external_id="G500", name="Gus Gruber",
            role="mentee", level=7, organisation=cls.globex,
        )  # fmt: skip

    def overview(self, user):
        self.client.force_login(user)
        return self.client.get(reverse("programme_detail", args=[self.programme.slug]))

    def test_the_partner_reads_their_own_people_and_how_many_more_take_part(self):
        page = self.overview(self.greta)
        self.assertContains(page, '0</span> <span class="label">reverse mentors')
        self.assertContains(page, '1</span> <span class="label">mentees')
        self.assertContains(page, "The counts above are of your organisation's people only.")
        self.assertContains(page, "3 more people take part through Acme Ltd")

    def test_the_host_reads_everyone_with_no_such_note(self):
        page = self.overview(self.martin)
        self.assertContains(page, '2</span> <span class="label">mentees')
        self.assertNotContains(page, "your organisation's people")
        self.assertNotContains(page, "more people take part through")
