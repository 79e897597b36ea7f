"""The pair's page keeps every meeting in its history, the ones called off included."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from tests.base import PersonasTestCase
from twoheads.meetings.models import Meeting, MeetingLog
from twoheads.meetings.scheduling import cancel_meeting, schedule_meeting


class MeetingHistoryTests(PersonasTestCase):
    def url(self):
        return reverse("pair_detail", args=[self.pair.pk])

    def test_a_cancelled_meeting_stays_in_the_history_with_who_cancelled_it_and_why(self):
        soon = timezone.now() + timedelta(days=2)
        meeting = schedule_meeting(self.pair, self.priya, starts_at=soon)
        cancel_meeting(meeting, self.priya, note="Off sick all week")
        held = Meeting.objects.create(
            pair=self.pair, starts_at=timezone.now() - timedelta(days=9), organiser=self.priya
        )
        MeetingLog.objects.create(meeting=held, held=True, duration_minutes=45)
        self.client.force_login(self.margaret)
        page = self.client.get(self.url())
        self.assertEqual(page.context["past"], [meeting, held])
        self.assertContains(page, "Cancelled</span> by Priya Patel:")
        self.assertContains(page, "Off sick all week")
        self.assertContains(page, "Held, 45 min")
        self.client.force_login(self.priya)
        self.assertContains(self.client.get(self.url()), "Cancelled</span> by you:")

    def test_a_meeting_the_site_cancelled_says_so_without_a_name(self):
        meeting = schedule_meeting(
            self.pair, self.priya, starts_at=timezone.now() + timedelta(days=2)
        )
        cancel_meeting(meeting, None, note="The pair has ended.")
        self.client.force_login(self.margaret)
        page = self.client.get(self.url())
        self.assertContains(page, "Cancelled</span>: <span")
        self.assertNotContains(page, "Cancelled</span> by")

    def test_nobody_outside_the_pair_sees_the_cancelled_meetings(self):
        meeting = schedule_meeting(
            self.pair, self.priya, starts_at=timezone.now() + timedelta(days=2)
        )
        cancel_meeting(meeting, self.priya, note="Off sick all week")
        for outsider in (self.sam, self.gus, self.martin):
            self.client.force_login(outsider)
            self.assertEqual(self.client.get(self.url()).status_code, 404, outsider)
