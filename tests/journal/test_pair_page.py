"""The pair's page belongs to the two partners and nobody else."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from tests.base import PersonasTestCase
from twoheads.meetings.models import Meeting, MeetingLog


class PairPageTests(PersonasTestCase):
    def url(self):
        return reverse("pair_detail", args=[self.pair.pk])

    def test_it_shows_both_partners_the_relationship_with_the_match_status_first(self):
        for user, partner in ((self.priya, "Margaret Hughes"), (self.margaret, "Priya Patel")):
            self.client.force_login(user)
            response = self.client.get(self.url())
            self.assertContains(response, f"Your mentoring with {partner}")
            self.assertContains(response, 'id="pair-status"')
            self.assertContains(response, "Priya can teach Margaret")

    def test_everyone_else_gets_a_404_managers_included(self):
        for outsider in (self.sam, self.gus, self.martin, self.olivia, self.greta):
            self.client.force_login(outsider)
            self.assertEqual(self.client.get(self.url()).status_code, 404, outsider)

    def test_anonymous_visitors_are_sent_to_sign_in(self):
        response = self.client.get(self.url())
        self.assertRedirects(response, f"{reverse('login')}?next={self.url()}")

    def test_the_senior_gets_listening_tips_and_the_junior_speaking_up_tips(self):
        self.client.force_login(self.margaret)
        response = self.client.get(self.url())
        self.assertContains(response, "Listening tips for the senior partner")
        self.assertNotContains(response, "Speaking up with confidence")
        self.client.force_login(self.priya)
        response = self.client.get(self.url())
        self.assertContains(response, "Speaking up with confidence")
        self.assertContains(response, "Conversation starters for reverse mentors")

    def test_the_first_meeting_agenda_is_offered_until_the_pair_has_met(self):
        self.client.force_login(self.priya)
        response = self.client.get(self.url())
        self.assertContains(response, "An agenda for your first meeting")
        self.assertContains(response, "Plan your first meeting with this agenda")

    def test_the_last_ten_meetings_are_listed_and_every_one_on_asking(self):
        start = timezone.now() - timedelta(days=200)
        for week in range(12):
            meeting = Meeting.objects.create(
                pair=self.pair, starts_at=start + timedelta(weeks=week), organiser=self.priya
            )
            MeetingLog.objects.create(meeting=meeting, held=True, duration_minutes=45)
        self.client.force_login(self.priya)
        page = self.client.get(self.url())
        self.assertEqual(len(page.context["past"]), 10)
        self.assertContains(page, "See all 12 past meetings")
        page = self.client.get(self.url(), {"meetings": "all"})
        self.assertEqual(len(page.context["past"]), 12)
        self.assertNotContains(page, "See all")
