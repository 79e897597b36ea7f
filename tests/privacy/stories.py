"""Priya's relationship with Margaret, written down, and the people around it.

Lewis is Priya's line manager: he takes part in the programme himself (as Sam's mentee) and, like
Martin, manages Acme's programmes. Harriet, a programme manager too, is Lewis's line manager. Every
piece of content carries a phrase found nowhere else, so a page either shows it or does not.
"""

from datetime import timedelta

from django.utils import timezone

from tests.base import PersonasTestCase, make_user
from twoheads.accounts.models import Membership, audit
from twoheads.guard.models import GuardConfirmation
from twoheads.journal.models import Agreement, CheckIn, Feedback, Goal, Idea, JournalEntry
from twoheads.meetings.models import Meeting, MeetingLog
from twoheads.pairing.models import Pair
from twoheads.participants.models import Participant, ParticipantSkill
from twoheads.privacy.models import Concern
from twoheads.programmes.models import Skill

PHRASES = {
    "private": "Priya private: nervous about the quarterly review",
    "shared": "Priya shared: prompt libraries save Margaret an hour a week",
    "margaret_private": "Margaret private: I should listen more than I talk",
    "idea": "Idea: weekly lunch-and-learn on copilots",
    "goal": "Goal: present at the all-hands without notes",
    "hopes": "Hopes: to speak up in leadership meetings",
    "agenda": "Agenda: walk through the chatbot pilot together",
    "feedback_private": "Feedback kept to myself: the room was too noisy",
    "feedback_open": "Feedback for the manager: more time would help",
    "checkin_private": "Check-in kept to myself: we clicked at once",
    "concern": "Concern: a senior keeps asking me about the pay of my team",
    "guard_reason": "Guard reason: the number is on our public website",
    "department": "Applied Data Guild",
    "skill": "Prompt Craftsmanship",
    "interest": "urban beekeeping",
}


class PrivacyStory(PersonasTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        Role = Membership.Role
        cls.lewis = make_user("lewis@acme.test", "Lewis Lineman", cls.acme, Role.PARTICIPANT)
        Membership.objects.create(
            user=cls.lewis, organisation=cls.acme, role=Role.PROGRAMME_MANAGER
        )
        cls.harriet = make_user(
            "harriet@acme.test", "Harriet Head", cls.acme, Role.PROGRAMME_MANAGER
        )
        cls.p_harriet = Participant.objects.create(
            programme=cls.programme,
            user=cls.harriet,
            external_id="A900",
            name=cls.harriet.name,
            email=cls.harriet.email,
            organisation=cls.acme,
        )
        cls.p_lewis = Participant.objects.create(
            programme=cls.programme,
            user=cls.lewis,
            external_id="A300",
            name=cls.lewis.name,
            email=cls.lewis.email,
            role="mentee",
            level=5,
            organisation=cls.acme,
            manager=cls.p_harriet,
        )
        Pair.objects.create(
            programme=cls.programme,
            mentor=cls.p_sam,
            mentee=cls.p_lewis,
            status=Pair.Status.ACTIVE,
        )
        cls.p_priya.manager = cls.p_lewis
        cls.p_priya.department = PHRASES["department"]
        cls.p_priya.bio = "I build small tools with language models."
        cls.p_priya.interests = [PHRASES["interest"]]
        cls.p_priya.save()
        skill = Skill.objects.create(programme=cls.programme, name=PHRASES["skill"])
        ParticipantSkill.objects.create(participant=cls.p_priya, skill=skill, kind="offer", level=3)

        cls.meeting = Meeting.objects.create(
            pair=cls.pair,
            starts_at=timezone.now() - timedelta(days=2),
            agenda=PHRASES["agenda"],
            organiser=cls.priya,
        )
        MeetingLog.objects.create(
            meeting=cls.meeting, held=True, duration_minutes=55, logged_by=cls.priya
        )
        cls.private_entry = JournalEntry.objects.create(
            pair=cls.pair, author=cls.priya, text=PHRASES["private"]
        )
        cls.shared_entry = JournalEntry.objects.create(
            pair=cls.pair, author=cls.priya, text=PHRASES["shared"], shared_at=timezone.now()
        )
        cls.margaret_entry = JournalEntry.objects.create(
            pair=cls.pair, author=cls.margaret, text=PHRASES["margaret_private"]
        )
        cls.idea = Idea.objects.create(
            pair=cls.pair,
            shared_by=cls.p_priya,
            shared_with=cls.p_margaret,
            title=PHRASES["idea"],
            recorded_by=cls.priya,
        )
        cls.goal = Goal.objects.create(pair=cls.pair, owner=cls.p_priya, title=PHRASES["goal"])
        cls.agreement = Agreement.objects.create(
            pair=cls.pair,
            between_us="What we say stays between us.",
            mentor_hopes=PHRASES["hopes"],
            updated_by=cls.priya,
        )
        ratings = {"listened": 4, "was_listened_to": 5, "learned": 4, "will_act": 3}
        cls.feedback = Feedback.objects.create(
            meeting=cls.meeting, author=cls.priya, comment=PHRASES["feedback_private"], **ratings
        )
        cls.open_feedback = Feedback.objects.create(
            meeting=cls.meeting,
            author=cls.margaret,
            comment=PHRASES["feedback_open"],
            comment_for_manager=True,
            **ratings,
        )
        cls.checkin = CheckIn.objects.create(
            pair=cls.pair,
            author=cls.priya,
            relationship=5,
            openness=4,
            benefit=5,
            comment=PHRASES["checkin_private"],
        )
        cls.concern = Concern.objects.create(
            programme=cls.programme, author=cls.p_priya, text=PHRASES["concern"]
        )
        cls.confirmation = GuardConfirmation.objects.create(
            programme=cls.programme,
            pair=cls.pair,
            author=cls.p_priya,
            content_kind="idea",
            kinds={"phone": 2},
            reason=PHRASES["guard_reason"],
        )
        audit(cls.martin, "participants.export", cls.programme, organisation=cls.acme)
