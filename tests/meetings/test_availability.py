"""Free times are overlapped in UTC and shown to each partner in their own zone."""

from datetime import UTC, datetime, timedelta
from unittest import mock

from django.test import SimpleTestCase
from django.urls import reverse

from tests.base import PersonasTestCase
from twoheads.meetings.availability import AvailabilityError, free_times, shared_times

MONDAY = datetime(2026, 11, 30, 0, 0, tzinfo=UTC)  # a Monday, in New York's winter time

# Tokyo (UTC+9) early mornings and New York (UTC-5) late afternoons meet in the UTC evening.
TOKYO_MORNINGS = [[day, 7 * 60, 9 * 60] for day in range(1, 6)]  # Tue-Sat 07:00-09:00 Tokyo
NEW_YORK_EVENINGS = [[day, 16 * 60, 19 * 60] for day in range(0, 5)]  # Mon-Fri 16:00-19:00 NY


class SharedTimesTests(SimpleTestCase):
    def test_a_pair_across_utc_plus_9_and_utc_minus_5_meets_in_the_utc_evening(self):
        shared = shared_times(
            (TOKYO_MORNINGS, "Asia/Tokyo"),
            (NEW_YORK_EVENINGS, "America/New_York"),
            start=MONDAY,
            days=7,
        )
        # Tokyo Tue 07:00-09:00 is Mon 22:00-24:00 UTC; New York Mon 16:00-19:00 is 21:00-24:00.
        self.assertEqual(
            shared[0],
            (datetime(2026, 11, 30, 22, 0, tzinfo=UTC), datetime(2026, 12, 1, 0, 0, tzinfo=UTC)),
        )
        self.assertEqual(len(shared), 5)  # Monday to Friday in New York
        self.assertTrue(
            all(start.hour == 22 and (end - start).seconds == 7200 for start, end in shared)
        )

    def test_office_hours_in_tokyo_and_new_york_never_overlap(self):
        shared = shared_times(([], "Asia/Tokyo"), ([], "America/New_York"), start=MONDAY)
        self.assertEqual(shared, [])

    def test_an_empty_grid_means_weekday_office_hours(self):
        free = free_times([], "Europe/London", MONDAY, MONDAY + timedelta(days=7))
        self.assertEqual(len(free), 5)
        self.assertEqual(free[0], (MONDAY.replace(hour=9), MONDAY.replace(hour=17)))

    def test_wall_clock_hours_follow_daylight_saving(self):
        summer = datetime(2026, 7, 6, tzinfo=UTC)
        free = free_times([[0, 9 * 60, 10 * 60]], "Europe/London", summer, summer.replace(day=7))
        self.assertEqual(free, [(summer.replace(hour=8), summer.replace(hour=9))])

    def test_short_overlaps_are_left_out(self):
        shared = shared_times(
            ([[0, 9 * 60, 9 * 60 + 20]], "UTC"), ([[0, 9 * 60, 12 * 60]], "UTC"), start=MONDAY
        )
        self.assertEqual(shared, [])

    def test_a_broken_grid_is_refused_with_the_entry_named(self):
        with self.assertRaisesMessage(AvailabilityError, "availability entry 2"):
            free_times([[0, 540, 600], [7, 540, 600]], "UTC", MONDAY, MONDAY + timedelta(days=7))
        with self.assertRaisesMessage(AvailabilityError, "unknown time zone 'Mars/Base'"):
            free_times([], "Mars/Base", MONDAY, MONDAY + timedelta(days=7))


class ProposedTimesPageTests(PersonasTestCase):
    def setUp(self):
        self.p_priya.timezone, self.p_priya.availability = "Asia/Tokyo", TOKYO_MORNINGS
        self.p_priya.save()
        self.p_margaret.timezone = "America/New_York"
        self.p_margaret.availability = NEW_YORK_EVENINGS
        self.p_margaret.save()
        self.priya.timezone = "Asia/Tokyo"
        self.priya.save()
        self.margaret.timezone = "America/New_York"
        self.margaret.save()
        patcher = mock.patch("django.utils.timezone.now", return_value=MONDAY)
        patcher.start()
        self.addCleanup(patcher.stop)

    def page_for(self, user):
        self.client.force_login(user)
        return self.client.get(reverse("meeting_schedule", args=[self.pair.pk]))

    def test_the_tokyo_partner_sees_tuesday_morning_and_her_partners_monday_evening(self):
        response = self.page_for(self.priya)
        self.assertContains(response, "Tue 1 Dec, 07:00\N{EN DASH}09:00")
        self.assertContains(response, "Mon 30 Nov, 17:00\N{EN DASH}19:00")
        self.assertContains(response, "Asia/Tokyo")

    def test_the_new_york_partner_sees_monday_evening_first(self):
        response = self.page_for(self.margaret)
        content = response.content.decode()
        self.assertIn("Mon 30 Nov, 17:00\N{EN DASH}19:00", content)
        self.assertLess(content.index("Mon 30 Nov, 17:00"), content.index("Tue 1 Dec, 07:00"))

    def test_choosing_a_proposal_fills_the_form_in_the_viewers_zone(self):
        self.client.force_login(self.priya)
        url = reverse("meeting_schedule", args=[self.pair.pk])
        response = self.client.get(url, {"start": "2026-11-30T22:00:00+00:00"})
        self.assertContains(response, 'value="2026-12-01T07:00"')

    def test_a_grid_that_cannot_be_read_is_explained_not_a_crash(self):
        self.p_margaret.availability = [[9, 0, 60]]
        self.p_margaret.save()
        response = self.page_for(self.priya)
        self.assertContains(response, "availability entry 1")
