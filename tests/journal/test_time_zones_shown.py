"""The home and pair pages say which zone their times are in, and the partner's when it
differs."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone

from tests.base import PersonasTestCase
from twoheads.meetings.scheduling import schedule_meeting
from twoheads.participants.models import one_zone


class TimeZonesShownTests(PersonasTestCase):
    def setUp(self):
        one_zone([self.priya.pk], "Europe/London")
        one_zone([self.margaret.pk], "America/New_York")
        self.meeting = schedule_meeting(
            self.pair, self.priya, starts_at=timezone.now() + timedelta(days=3)
        )

    def test_the_home_page_says_which_zone_the_next_meeting_is_in(self):
        self.client.force_login(self.margaret)
        page = self.client.get(reverse("home"))
        self.assertContains(page, "</strong> (America/New_York), ")

    def test_the_pair_page_names_both_zones(self):
        self.client.force_login(self.priya)
        page = self.client.get(reverse("pair_detail", args=[self.pair.pk]))
        when = self.meeting.starts_at.astimezone(ZoneInfo("Europe/London"))
        self.assertContains(
            page, f"Next meeting: {when:%A} {when.day} {when:%B, %H:%M} (Europe/London)"
        )
        self.assertContains(
            page,
            "Times are in your time zone, Europe/London; Margaret Hughes is in America/New_York.",
        )

    def test_partners_in_one_zone_are_told_so(self):
        one_zone([self.margaret.pk], "Europe/London")
        self.client.force_login(self.priya)
        page = self.client.get(reverse("pair_detail", args=[self.pair.pk]))
        self.assertContains(page, "Europe/London, which is Margaret Hughes's too.")
