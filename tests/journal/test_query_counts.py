"""The pair's page and the home page cost the same number of queries however full they are."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.base import PersonasTestCase
from twoheads.journal.models import Goal, JournalEntry
from twoheads.journal.relationship import record_idea
from twoheads.meetings.models import Meeting, MeetingLog


class QueryCountTests(PersonasTestCase):
    def fill(self, n, start):
        now = timezone.now()
        for i in range(start, start + n):
            past = Meeting.objects.create(pair=self.pair, starts_at=now - timedelta(days=i + 1))
            MeetingLog.objects.create(meeting=past, held=True, duration_minutes=30)
            Meeting.objects.create(pair=self.pair, starts_at=now + timedelta(days=i + 1))
            record_idea(self.pair, self.priya, shared_by=self.p_priya, title=f"Idea {i}")
            Goal.objects.create(pair=self.pair, owner=self.p_priya, title=f"Goal {i}")
            JournalEntry.objects.create(pair=self.pair, author=self.priya, text=f"Note {i}")

    def count(self, url):
        with CaptureQueriesContext(connection) as ctx:
            self.assertEqual(self.client.get(url).status_code, 200)
        return len(ctx.captured_queries)

    def test_queries_do_not_grow_with_meetings_ideas_goals_and_notes(self):
        self.client.force_login(self.priya)
        self.fill(1, 0)
        urls = [reverse("pair_detail", args=[self.pair.pk]), reverse("home")]
        self.client.get(urls[0])  # seed the guides
        few = [self.count(url) for url in urls]
        self.fill(8, 1)
        many = [self.count(url) for url in urls]
        self.assertEqual(few, many)
