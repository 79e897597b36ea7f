"""A meeting that is over and that nobody has logged is due, at home and once in the digest."""

from datetime import timedelta

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests.base import PersonasTestCase
from twoheads.journal.nudges import due_nudges, send_nudges
from twoheads.meetings.models import Meeting
from twoheads.meetings.scheduling import log_meeting


class UnloggedMeetingTests(PersonasTestCase):
    def setUp(self):
        self.now = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0)
        self.meeting = Meeting.objects.create(
            pair=self.pair,
            starts_at=self.now - timedelta(days=1),
            duration_minutes=60,
            organiser=self.priya,
        )

    def to_log(self, user, now):
        return [n for n in due_nudges(user, now) if n.key.startswith("log:")]

    def test_both_partners_are_asked_whether_it_took_place(self):
        for user, partner in ((self.priya, "Margaret Hughes"), (self.margaret, "Priya Patel")):
            (nudge,) = self.to_log(user, self.now)
            self.assertIn(f"Did your meeting with {partner} on ", nudge.text)
            self.assertEqual(nudge.url, self.meeting.get_absolute_url())

    def test_the_home_page_lists_it_as_due(self):
        self.client.force_login(self.priya)
        page = self.client.get(reverse("home"))
        self.assertContains(page, "After a meeting: logging it and feedback")
        self.assertContains(page, "Did your meeting with Margaret Hughes on ")
        self.assertNotContains(page, "Nothing is due")

    def test_a_meeting_still_under_way_is_not_asked_about_yet(self):
        self.assertEqual(
            self.to_log(self.priya, self.meeting.starts_at + timedelta(minutes=30)), []
        )

    def test_the_digest_asks_once_and_a_logged_meeting_is_no_longer_due(self):
        send_nudges(self.now)
        asked = [m for m in mail.outbox if "Log it." in m.body]
        self.assertEqual(sorted(m.to[0] for m in asked), ["margaret@acme.test", "priya@acme.test"])
        mail.outbox.clear()
        send_nudges(self.now + timedelta(days=1))
        send_nudges(self.now + timedelta(days=2))
        self.assertFalse([m for m in mail.outbox if "Log it." in m.body])
        log_meeting(self.meeting, self.margaret, held=True, duration_minutes=60, now=self.now)
        self.assertEqual(self.to_log(self.priya, self.now), [])

    def test_a_cancelled_meeting_is_not_asked_about(self):
        Meeting.objects.filter(pk=self.meeting.pk).update(status=Meeting.Status.CANCELLED)
        self.assertEqual(self.to_log(self.priya, self.now), [])

    def test_it_is_muted_with_the_other_reminders_after_a_meeting(self):
        self.client.force_login(self.priya)
        page = self.client.get(reverse("nudge_settings"))
        self.assertContains(page, "After a meeting: logging it and feedback")
        self.client.post(reverse("nudge_settings"), {"wanted": ["no_meeting"]})
        send_nudges(self.now)
        self.assertEqual(
            [m.to for m in mail.outbox if "Log it." in m.body], [["margaret@acme.test"]]
        )
