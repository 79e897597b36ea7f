"""Acme's programme ready for matching: complete profiles that fit together two by two.

Priya teaches Margaret generative AI and learns negotiation (they are already paired); Sam
teaches Mei social media and learns strategy. Ivy has enrolled but not finished her profile.
"""

from tests.base import PersonasTestCase, make_user
from twoheads.accounts.models import Membership
from twoheads.pairing.models import MatchRun
from twoheads.participants.models import Participant, ParticipantSkill
from twoheads.programmes.models import Programme, Skill

WEEKDAYS = [[day, 9 * 60, 17 * 60] for day in range(5)]


class MatchingTestCase(PersonasTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        Role = Membership.Role
        cls.mei = make_user("mei@acme.test", "Mei Lin", cls.acme, Role.PARTICIPANT)
        cls.ivy = make_user("ivy@acme.test", "Ivy Incomplete", cls.acme, Role.PARTICIPANT)
        skills = {
            name: Skill.objects.create(programme=cls.programme, name=name)
            for name in ("Generative AI", "Social media", "Negotiation", "Strategy")
        }
        cls.skills = skills
        cls.p_mei = Participant.objects.create(
            programme=cls.programme, user=cls.mei, external_id="A201", name="Mei Lin",
            email=cls.mei.email, role="mentee", level=6, organisation=cls.acme,
            department="Sales", site="Leeds",
        )  # fmt: skip
        cls.p_ivy = Participant.objects.create(
            programme=cls.programme, user=cls.ivy, external_id="A202", name="Ivy Incomplete",
            email=cls.ivy.email, role="mentee", level=7, organisation=cls.acme,
        )  # fmt: skip
        plan = {
            cls.p_priya: ("Generative AI", "Negotiation"),
            cls.p_margaret: ("Negotiation", "Generative AI"),
            cls.p_sam: ("Social media", "Strategy"),
            cls.p_mei: ("Strategy", "Social media"),
        }
        for person, (offer, want) in plan.items():
            person.availability = WEEKDAYS
            person.languages = ["en"]
            person.interests = ["cycling", "books"]
            person.save()
            ParticipantSkill.objects.create(
                participant=person, skill=skills[offer], kind="offer", level=3
            )
            ParticipantSkill.objects.create(
                participant=person, skill=skills[want], kind="want", level=3
            )
        Programme.objects.filter(pk=cls.programme.pk).update(status="matching")
        cls.programme.refresh_from_db()

    def make_run(self, **kw: object) -> MatchRun:
        from twoheads.pairing.engine import start_run

        return start_run(self.programme, self.martin, **kw)
