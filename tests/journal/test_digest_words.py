"""The daily digest counts what it holds in words that fit: one thing, or several."""

from datetime import timedelta

from django.core import mail
from django.utils import timezone

from tests.base import PersonasTestCase
from twoheads.journal.models import NudgePreference
from twoheads.journal.nudges import send_nudges
from twoheads.meetings.models import Meeting


class DigestWordsTests(PersonasTestCase):
    def setUp(self):
        self.now = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0)
        self.pair.activated_at = self.now - timedelta(days=40)
        self.pair.save()
        # Priya hears only that the pair has not met for a while, and what is due after a meeting.
        muted = ["checkin", "idea_revisit", "goal_stale", "partner_news", "meeting_soon"]
        muted.append("agreement")
        NudgePreference.objects.create(user=self.priya, muted=muted)

    def digest(self):
        return next(m for m in mail.outbox if m.to == ["priya@acme.test"])

    def test_a_digest_of_one_thing_says_one_thing(self):
        send_nudges(self.now)
        digest = self.digest()
        self.assertIn("One thing for your mentoring:", digest.body)
        self.assertNotIn("A few things", digest.body)
        self.assertEqual(digest.subject, "Two Heads: 1 thing for your mentoring")

    def test_a_digest_of_several_things_counts_them(self):
        Meeting.objects.create(  # over, and not logged yet
            pair=self.pair, starts_at=self.now - timedelta(days=1), organiser=self.priya
        )
        send_nudges(self.now)
        self.assertIn("2 things for your mentoring:", self.digest().body)
