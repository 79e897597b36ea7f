"""A comment Priya releases to programme managers never reaches her own line manager."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from tests.base import PersonasTestCase
from twoheads.journal.models import CheckIn, Feedback
from twoheads.meetings.models import Meeting, MeetingLog
from twoheads.participants.models import Participant


class LineManagerCommentTests(PersonasTestCase):
    """Martin manages the programme and is also Priya's line manager in the org chart."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.p_martin = Participant.objects.create(
            programme=cls.programme,
            user=cls.martin,
            external_id="A001",
            name="Martin Manager",
            email=cls.martin.email,
            organisation=cls.acme,
        )
        cls.p_priya.manager = cls.p_martin
        cls.p_priya.save()
        meeting = Meeting.objects.create(
            pair=cls.pair, organiser=cls.priya, starts_at=timezone.now() - timedelta(days=2)
        )
        MeetingLog.objects.create(
            meeting=meeting, held=True, duration_minutes=30, logged_by=cls.priya
        )
        Feedback.objects.create(
            meeting=meeting,
            author=cls.priya,
            listened=4,
            was_listened_to=4,
            learned=5,
            will_act=4,
            comment="Please move me to another team soon",
            comment_for_manager=True,
        )
        Feedback.objects.create(
            meeting=meeting,
            author=cls.margaret,
            listened=5,
            was_listened_to=4,
            learned=4,
            will_act=5,
            comment="Priya explained the tool brilliantly",
            comment_for_manager=True,
        )
        CheckIn.objects.create(
            pair=cls.pair,
            author=cls.priya,
            relationship=4,
            openness=3,
            benefit=4,
            comment="I hold back when my boss comes up",
            comment_for_manager=True,
        )

    def page(self, user):
        self.client.force_login(user)
        return self.client.get(reverse("programme_feedback", args=[self.programme.slug]))

    def test_martin_sees_priyas_ratings_but_none_of_her_comments(self):
        response = self.page(self.martin)
        self.assertNotContains(response, "Please move me to another team soon")
        self.assertNotContains(response, "I hold back when my boss comes up")
        self.assertContains(response, "Priya explained the tool brilliantly")

    def test_olivia_outside_priyas_line_reads_the_released_comments(self):
        response = self.page(self.olivia)
        self.assertContains(response, "Please move me to another team soon")
        self.assertContains(response, "I hold back when my boss comes up")

    def test_a_manager_two_levels_up_is_kept_out_too(self):
        p_olivia = Participant.objects.create(
            programme=self.programme,
            user=self.olivia,
            external_id="A000",
            name="Olivia Admin",
            email=self.olivia.email,
            organisation=self.acme,
        )
        self.p_martin.manager = p_olivia
        self.p_martin.save()
        self.assertNotContains(self.page(self.olivia), "Please move me to another team soon")


class ProfileViewAuditTests(PersonasTestCase):
    def test_martin_opening_priyas_profile_is_audited_without_her_name(self):
        from twoheads.accounts.models import AuditEvent

        self.client.force_login(self.martin)
        self.client.get(reverse("participant_detail", args=[self.programme.slug, self.p_priya.pk]))
        event = AuditEvent.objects.get(action="participant.view")
        self.assertEqual((event.actor, event.organisation), (self.martin, self.acme))
        self.assertNotIn("Priya", event.target)


class ClosingAProgrammeTests(PersonasTestCase):
    def test_closing_the_programme_closes_its_live_pairs(self):
        from twoheads.pairing.models import Pair

        self.client.force_login(self.martin)
        url = reverse("programme_transition", args=[self.programme.slug])
        page = self.client.post(url, {"status": "closed"})
        self.assertContains(page, "1 pair still running ends")
        self.assertContains(page, "cannot be opened again")
        self.pair.refresh_from_db()
        self.assertEqual(self.pair.status, Pair.Status.ACTIVE)  # asked first, nothing done
        self.client.post(url, {"status": "closed", "confirm": "1"})
        self.pair.refresh_from_db()
        self.assertEqual(self.pair.status, Pair.Status.ENDED)
