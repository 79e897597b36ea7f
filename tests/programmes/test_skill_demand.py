"""The skill catalogue counts who can teach each skill and who wants it, on each side, and
names the skills wanted by more people than can teach them.

The matching story: Priya (reverse mentor) teaches generative AI and wants negotiation,
Margaret (mentee) the reverse; Sam (reverse mentor) teaches social media and wants strategy,
Mei (mentee) the reverse. Ivy, a mentee, wants generative AI too; so did Wanda, who withdrew.
"""

from django.urls import reverse

from tests.pairing.stories import MatchingTestCase
from twoheads.participants.models import Participant, ParticipantSkill, skill_demand


class SkillDemandTests(MatchingTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        genai = cls.skills["Generative AI"]
        ParticipantSkill.objects.create(participant=cls.p_ivy, skill=genai, kind="want")
        wanda = Participant.objects.create(
            programme=cls.programme, external_id="A300", name="Wanda", role="mentee",
            level=7, status="withdrawn",
        )  # fmt: skip
        ParticipantSkill.objects.create(participant=wanda, skill=genai, kind="want")

    def test_each_skill_counts_both_sides_of_the_exchange(self):
        rows = {d.skill.name: d for d in skill_demand(self.programme)}
        counts = {
            name: (d.mentors_offer, d.mentees_want, d.mentees_offer, d.mentors_want)
            for name, d in rows.items()
        }
        self.assertEqual(
            counts,
            {
                "Generative AI": (1, 2, 0, 0),
                "Negotiation": (0, 0, 1, 1),
                "Social media": (1, 1, 0, 0),
                "Strategy": (0, 0, 1, 1),
            },
        )
        self.assertEqual(rows["Generative AI"].mentees_short, 1)
        self.assertEqual(rows["Negotiation"].mentors_short, 0)

    def test_the_catalogue_names_the_skills_wanted_beyond_those_who_teach_them(self):
        self.client.force_login(self.martin)
        page = self.client.get(reverse("skill_list", args=[self.programme.slug]))
        self.assertContains(
            page,
            "<li><strong>Generative AI</strong>: 2 mentees want it, "
            "1 of the reverse mentors can teach it</li>",
            html=True,
        )
        self.assertContains(page, "None is wanted by more of them than can teach it.")
        self.assertContains(page, "Reverse mentors can teach")

    def test_another_organisations_manager_sees_no_counts(self):
        self.client.force_login(self.greta)
        page = self.client.get(reverse("skill_list", args=[self.programme.slug]))
        self.assertEqual(page.status_code, 404)
