"""A small programme whose every figure is worked out by hand.

Acme's programme on 20 March 2026: Priya (reverse mentor) and Margaret (mentee) have been an
active pair since 5 January and met three times (14 Jan, 4 Feb, 25 Feb); a fourth meeting on
4 March did not take place and one was cancelled. Their ratings fell at the last meeting.
Sam offered to mentor Nadia, who declined; neither has a partner since. Omar withdrew. One
invitation is still open. Nothing of what they wrote may ever reach a dashboard.
"""

from datetime import UTC, datetime

from tests.base import PersonasTestCase, make_user
from twoheads.accounts.models import Membership
from twoheads.guard.models import GuardConfirmation
from twoheads.journal.models import CheckIn, Feedback, Goal, Idea, JournalEntry
from twoheads.meetings.models import Meeting, MeetingLog
from twoheads.pairing.models import Pair
from twoheads.participants.models import Invitation, Participant, ParticipantSkill

NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)
SECRET_NOTE = "Margaret worries about the Leeds restructuring"
SECRET_IDEA = "Pilot the copilot on the Halcyon merger papers"
SECRET_AGENDA = "Talk through the Halcyon board pack"


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


class InsightsTestCase(PersonasTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        Role = Membership.Role
        cls.nadia = make_user("nadia@acme.test", "Nadia Novak", cls.acme, Role.PARTICIPANT)
        cls.omar = make_user("omar@acme.test", "Omar Obi", cls.acme, Role.PARTICIPANT)
        cls.p_nadia = cls.join(cls.nadia, "A201", "mentee", 7)
        cls.p_omar = cls.join(cls.omar, "A102", "mentor", 1, status="withdrawn")
        Participant.objects.create(programme=cls.programme, external_id="A900", name="Org Chart")
        Invitation.objects.create(programme=cls.programme, email="ivan@acme.test")
        Invitation.objects.create(
            programme=cls.programme, email="priya@acme.test", accepted_at=at("2025-12-01")
        )
        cls.complete(cls.p_priya)
        cls.complete(cls.p_margaret)

        cls.pair.activated_at = at("2026-01-05", 9)
        cls.pair.save()
        cls.declined = Pair.objects.create(
            programme=cls.programme,
            mentor=cls.p_sam,
            mentee=cls.p_nadia,
            status=Pair.Status.DECLINED,
            score=0.35,
            mentor_response="accepted",
            mentee_response="declined",
        )
        ratings = {  # (Priya's, Margaret's) ratings: listened, was listened to, learned, will act
            "2026-01-14": ((5, 5, 5, 5), (4, 4, 4, 4)),
            "2026-02-04": ((5, 4, 5, 4), (4, 5, 3, 4)),
            "2026-02-25": ((3, 2, 3, 2), (2, 2, 2, 2)),
        }
        for day, (by_priya, by_margaret) in ratings.items():
            meeting = cls.meeting(cls.pair, at(day), held=True)
            cls.feedback(meeting, cls.priya, by_priya)
            cls.feedback(meeting, cls.margaret, by_margaret)
        cls.meeting(cls.pair, at("2026-03-04"), held=False)
        Meeting.objects.create(
            pair=cls.pair, starts_at=at("2026-03-11"), status=Meeting.Status.CANCELLED
        )

        for author, day, answers in (
            (cls.priya, "2026-02-10", (4, 5, 4)),
            (cls.margaret, "2026-02-12", (2, 3, 4)),
            (cls.margaret, "2026-03-10", (3, 3, 3)),
        ):
            cls.checkin(author, day, answers)
        cls.checkin(cls.priya, "2026-03-12", (1, 1, 1), kind=CheckIn.Kind.EXIT)

        for by, to, state, title in (
            (cls.p_priya, cls.p_margaret, "adopted", SECRET_IDEA),
            (cls.p_priya, cls.p_margaret, "trying", "Voice notes"),
            (cls.p_priya, cls.p_margaret, "shared", "Prompt library"),
            (cls.p_margaret, cls.p_priya, "adopted", "Budget stories"),
            (cls.p_margaret, cls.p_priya, "parked", "Board etiquette"),
        ):
            Idea.objects.create(
                pair=cls.pair, shared_by=by, shared_with=to, state=state, title=title
            )
        for owner, kind, progress in (
            (cls.p_priya, "confidence", 40),
            (cls.p_priya, "skill", 100),
            (cls.p_margaret, "listening", 60),
        ):
            Goal.objects.create(
                pair=cls.pair, owner=owner, kind=kind, title=f"{kind} goal", progress=progress
            )
        JournalEntry.objects.create(pair=cls.pair, author=cls.margaret, text=SECRET_NOTE)
        for kinds in ({"email": 1, "financial_figure": 2}, {"email": 1}):
            GuardConfirmation.objects.create(
                programme=cls.programme,
                pair=cls.pair,
                content_kind="idea",
                kinds=kinds,
                reason="ok",
            )
        GuardConfirmation.objects.create(
            programme=cls.globex_programme, content_kind="idea", kinds={"iban": 5}, reason="ok"
        )

    @classmethod
    def join(cls, user, ext: str, role: str, level: int, **kw: object) -> Participant:
        return Participant.objects.create(
            programme=cls.programme,
            user=user,
            external_id=ext,
            name=user.name,
            email=user.email,
            role=role,
            level=level,
            organisation=cls.acme,
            **kw,
        )

    @classmethod
    def complete(cls, participant: Participant) -> None:
        skill = cls.programme.skills.get_or_create(name="Generative AI")[0]
        other = cls.programme.skills.get_or_create(name="Board papers")[0]
        ParticipantSkill.objects.create(participant=participant, skill=skill, kind="offer")
        ParticipantSkill.objects.create(participant=participant, skill=other, kind="want")
        participant.availability = [[0, 540, 600]]
        participant.languages = ["en"]
        participant.save()

    @classmethod
    def meeting(cls, pair: Pair, starts_at: datetime, *, held: bool) -> Meeting:
        meeting = Meeting.objects.create(pair=pair, starts_at=starts_at, agenda=SECRET_AGENDA)
        MeetingLog.objects.create(meeting=meeting, held=held, duration_minutes=60 if held else None)
        return meeting

    @classmethod
    def feedback(cls, meeting: Meeting, author, values: tuple[int, int, int, int]) -> Feedback:
        names = dict(zip(Feedback.DIMENSIONS, values, strict=True))
        return Feedback.objects.create(meeting=meeting, author=author, **names)

    @classmethod
    def checkin(cls, author, day: str, answers: tuple[int, int, int], **kw: object) -> CheckIn:
        relationship, openness, benefit = answers
        return CheckIn.objects.create(
            pair=cls.pair,
            author=author,
            created_at=at(day),
            relationship=relationship,
            openness=openness,
            benefit=benefit,
            **kw,
        )
