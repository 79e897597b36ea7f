"""The people every test story is told about.

Acme Ltd runs a reverse-mentoring programme. Olivia administers Acme; Martin manages its
programme. Priya, a junior analyst, is the reverse mentor of Margaret, a finance director; Sam
is another junior in the same programme, not paired with them. Globex runs its own programme:
Greta manages it and Gus takes part in it. None of Globex may see anything of Acme's.
"""

from django.test import TestCase

from twoheads.accounts.models import Membership, Organisation, User
from twoheads.pairing.models import Pair
from twoheads.participants.models import Participant
from twoheads.programmes.models import Programme

PASSWORD = "correct horse battery staple"


def make_user(email: str, name: str, org: Organisation, role: str) -> User:
    user = User.objects.create_user(email, PASSWORD, name=name)
    Membership.objects.create(user=user, organisation=org, role=role)
    return user


class PersonasTestCase(TestCase):
    """Named people in two organisations, one active pair, and an outsider for every rule."""

    @classmethod
    def setUpTestData(cls) -> None:
        Role = Membership.Role
        cls.acme = Organisation.objects.create(name="Acme Ltd")
        cls.globex = Organisation.objects.create(name="Globex")
        cls.olivia = make_user("olivia@acme.test", "Olivia Admin", cls.acme, Role.ORG_ADMIN)
        cls.martin = make_user(
            "martin@acme.test", "Martin Manager", cls.acme, Role.PROGRAMME_MANAGER
        )
        cls.priya = make_user("priya@acme.test", "Priya Patel", cls.acme, Role.PARTICIPANT)
        cls.margaret = make_user(
            "margaret@acme.test", "Margaret Hughes", cls.acme, Role.PARTICIPANT
        )
        cls.sam = make_user("sam@acme.test", "Sam Okafor", cls.acme, Role.PARTICIPANT)
        cls.greta = make_user(
            "greta@globex.test", "Greta Globex", cls.globex, Role.PROGRAMME_MANAGER
        )
        cls.gus = make_user("gus@globex.test", "Gus Gruber", cls.globex, Role.PARTICIPANT)

        cls.programme = Programme.objects.create(
            organisation=cls.acme,
            name="Acme Reverse Mentoring",
            status="active",
            created_by=cls.martin,
        )
        cls.globex_programme = Programme.objects.create(
            organisation=cls.globex, name="Globex Exchange", status="active", created_by=cls.greta
        )

        def join(
            programme: Programme, user: User, ext: str, role: str, level: int, **kw: object
        ) -> Participant:
            return Participant.objects.create(
                programme=programme,
                user=user,
                external_id=ext,
                name=user.name,
                email=user.email,
                role=role,
                level=level,
                organisation=programme.organisation,
                **kw,
            )

        cls.p_priya = join(cls.programme, cls.priya, "A100", "mentor", 2, department="Data")
        cls.p_margaret = join(
            cls.programme, cls.margaret, "A200", "mentee", 6, department="Finance"
        )
        cls.p_sam = join(cls.programme, cls.sam, "A101", "mentor", 2, department="Marketing")
        cls.p_gus = join(cls.globex_programme, cls.gus, "G100", "mentor", 2)
        cls.pair = Pair.objects.create(
            programme=cls.programme,
            mentor=cls.p_priya,
            mentee=cls.p_margaret,
            status=Pair.Status.ACTIVE,
            mentor_response="accepted",
            mentee_response="accepted",
            score=0.72,
            explanation="Priya can teach Margaret: generative AI tools (3).",
        )

    @classmethod
    def open_to_globex(cls) -> Participant:
        """Acme's programme made cross-organisation with Globex as a partner, and Gus taking
        part in it as a mentor: his place there."""
        cls.programme.cross_organisation = True
        cls.programme.save()
        cls.programme.partners.add(cls.globex)
        return Participant.objects.create(
            programme=cls.programme,
            user=cls.gus,
            external_id="G900",
            name="Gus Gruber",
            email="gus@globex.test",
            role="mentor",
            level=2,
            organisation=cls.globex,
        )
