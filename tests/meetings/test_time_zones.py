"""Priya is in London and Margaret in New York: each reads a meeting's time in both zones."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone

from tests.base import PersonasTestCase
from twoheads.meetings.scheduling import schedule_meeting
from twoheads.participants.models import Participant, one_zone

LONDON, NEW_YORK = ZoneInfo("Europe/London"), ZoneInfo("America/New_York")


class PartnersTimeTests(PersonasTestCase):
    def setUp(self):
        one_zone([self.priya.pk], "Europe/London")
        one_zone([self.margaret.pk], "America/New_York")
        day = (timezone.now() + timedelta(days=4)).astimezone(LONDON).date()
        self.start = datetime.combine(day, time(15), tzinfo=LONDON)
        self.meeting = schedule_meeting(self.pair, self.priya, starts_at=self.start)

    def test_the_meeting_page_gives_the_partners_local_time_too(self):
        self.client.force_login(self.priya)
        page = self.client.get(self.meeting.get_absolute_url()).content.decode()
        there = self.start.astimezone(NEW_YORK)
        self.assertInHTML("<dt>For Margaret Hughes</dt>", page)
        self.assertIn(
            f", {there:%H:%M}\N{EN DASH}{there + timedelta(hours=1):%H:%M} (America/New_York)", page
        )
        self.assertIn("15:00\N{EN DASH}16:00 (Europe/London)", page)

    def test_partners_in_one_zone_read_one_time(self):
        one_zone([self.margaret.pk], "Europe/London")
        self.client.force_login(self.priya)
        page = self.client.get(self.meeting.get_absolute_url())
        self.assertNotContains(page, "For Margaret Hughes")

    def test_when_free_times_do_not_overlap_each_zone_is_named(self):
        Participant.objects.filter(pk=self.p_priya.pk).update(availability=[[0, 60, 120]])
        Participant.objects.filter(pk=self.p_margaret.pk).update(availability=[[3, 600, 660]])
        self.client.force_login(self.priya)
        page = self.client.get(reverse("meeting_schedule", args=[self.pair.pk]))
        self.assertContains(
            page,
            "yours are in your time zone, Europe/London, and Margaret Hughes's in theirs, "
            "America/New_York.",
        )
