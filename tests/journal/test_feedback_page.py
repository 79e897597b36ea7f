"""The programme's Feedback page: every answer a page at a time, filtered, and exported.

Priya and Margaret have met 210 times and rated every meeting; Sam and Lewis are a second pair
with a few meetings. Martin reads all of it a page at a time, narrows it to one pair or a range
of days, and downloads what he may see as CSV.
"""

import csv
import io
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from tests.base import PersonasTestCase, make_user
from twoheads.accounts.models import AuditEvent, Membership
from twoheads.journal.answers import PER_PAGE
from twoheads.journal.models import CheckIn, Feedback
from twoheads.meetings.models import Meeting
from twoheads.pairing.models import Pair
from twoheads.participants.models import Participant

RATINGS = {"listened": 4, "was_listened_to": 5, "learned": 3, "will_act": 4}
ANSWERS = {"relationship": 4, "openness": 3, "benefit": 5}
MEETINGS = 210


class FeedbackPageStory(PersonasTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        now = timezone.now()
        meetings = Meeting.objects.bulk_create(
            Meeting(pair=cls.pair, starts_at=now - timedelta(days=MEETINGS - n))
            for n in range(MEETINGS)
        )
        Feedback.objects.bulk_create(
            Feedback(meeting=m, author=cls.priya, **RATINGS) for m in meetings
        )
        cls.lewis = make_user("lewis@acme.test", "Lewis Lee", cls.acme, "participant")
        cls.p_lewis = Participant.objects.create(
            programme=cls.programme,
            user=cls.lewis,
            external_id="A300",
            name="Lewis Lee",
            email="lewis@acme.test",
            role="mentee",
            level=6,
            organisation=cls.acme,
        )
        cls.other = Pair.objects.create(
            programme=cls.programme, mentor=cls.p_sam, mentee=cls.p_lewis, status="active"
        )
        cls.other_meeting = Meeting.objects.create(
            pair=cls.other, starts_at=now - timedelta(days=400)
        )
        Feedback.objects.create(
            meeting=cls.other_meeting,
            author=cls.sam,
            comment='=HYPERLINK("http://x") Sam\'s note for the manager',
            comment_for_manager=True,
            **{**RATINGS, "listened": 1},
        )
        CheckIn.objects.create(pair=cls.other, author=cls.lewis, **ANSWERS)
        CheckIn.objects.bulk_create(
            CheckIn(pair=cls.pair, author=cls.margaret, **ANSWERS) for _ in range(30)
        )

    def page(self, user=None, **params):
        self.client.force_login(user or self.martin)
        return self.client.get(reverse("programme_feedback", args=[self.programme.slug]), params)

    def export(self, kind="feedback", user=None, **params):
        self.client.force_login(user or self.martin)
        url = reverse("programme_feedback_export", args=[self.programme.slug, kind])
        return self.client.get(url, params)

    def rows(self, response):
        text = response.content.decode("utf-8")
        self.assertTrue(text.startswith("\ufeff"), "a byte order mark, for Excel")
        return list(csv.reader(io.StringIO(text[1:])))


class PagingTests(FeedbackPageStory):
    def test_every_answer_is_on_some_page_and_the_page_says_how_many(self):
        seen = []
        response = self.page()
        self.assertContains(response, f"Showing 1 to {PER_PAGE} of {MEETINGS + 1}, newest first.")
        pages = response.context["feedback"].paginator.num_pages
        for number in range(1, pages + 1):
            seen += [f.pk for f in self.page(page=number).context["feedback"]]
        self.assertEqual(sorted(seen), sorted(Feedback.objects.values_list("pk", flat=True)))

    def test_a_page_is_short_enough_to_read_on_a_phone(self):
        response = self.page()
        self.assertEqual(len(response.context["feedback"]), PER_PAGE)
        self.assertEqual(len(response.context["checkins"]), PER_PAGE)

    def test_the_two_tables_turn_their_pages_apart_keeping_the_filters(self):
        response = self.page(pair=self.pair.pk, page=2, cpage=2)
        self.assertContains(response, f'href="?pair={self.pair.pk}&amp;cpage=2&amp;page=3"')
        self.assertContains(response, f'href="?pair={self.pair.pk}&amp;page=2&amp;cpage=1"')


class FilterTests(FeedbackPageStory):
    def test_one_pairs_answers(self):
        response = self.page(pair=self.other.pk)
        self.assertEqual([f.pair for f in response.context["feedback"]], [self.other])
        self.assertEqual([c.pair for c in response.context["checkins"]], [self.other])
        self.assertContains(response, "Showing 1 to 1 of 1")

    def test_a_range_of_days_by_the_meetings_day(self):
        today = timezone.localdate()
        response = self.page(since=today - timedelta(days=10), until=today)
        self.assertEqual(response.context["feedback"].paginator.count, 10)

    def test_a_range_that_ends_before_it_starts_is_refused_and_not_applied(self):
        today = timezone.localdate()
        response = self.page(since=today, until=today - timedelta(days=3))
        self.assertContains(response, "Choose a day on or after the first one.")
        self.assertEqual(response.context["feedback"].paginator.count, MEETINGS + 1)

    def test_nothing_matching_says_so(self):
        long_ago = timezone.localdate() - timedelta(days=3000)
        response = self.page(until=long_ago)
        self.assertContains(response, "No feedback matches these filters.")

    def test_a_manager_who_is_also_a_partner_cannot_pick_their_own_pair(self):
        Membership.objects.create(
            user=self.priya, organisation=self.acme, role=Membership.Role.PROGRAMME_MANAGER
        )
        response = self.page(self.priya, pair=self.pair.pk)
        self.assertContains(response, "Select a valid choice")
        self.assertEqual([f.pair for f in response.context["feedback"]], [self.other])
        self.assertNotContains(response, f'<option value="{self.pair.pk}"')


class ExportTests(FeedbackPageStory):
    def test_every_row_is_exported_with_a_byte_order_mark(self):
        response = self.export()
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn("attachment;", response["Content-Disposition"])
        rows = self.rows(response)
        self.assertEqual(rows[0][:5], ["Pair", "Meeting", "From", "Side", "Listened"])
        self.assertEqual(len(rows), 1 + MEETINGS + 1)

    def test_the_filters_apply_to_the_export(self):
        rows = self.rows(self.export(pair=self.other.pk))
        self.assertEqual(len(rows), 2)
        pair, _day, author, side, listened, *_rest, comment = rows[1]
        self.assertEqual(
            (pair, author, side, listened),
            ("Sam Okafor & Lewis Lee", "Sam Okafor", "Reverse mentor", "1"),
        )
        # A comment a spreadsheet would run as a formula is kept as text.
        self.assertTrue(comment.startswith("'=HYPERLINK"))

    def test_check_ins_have_their_own_export(self):
        rows = self.rows(self.export("checkins"))
        self.assertEqual(rows[0][:3], ["Pair", "Survey", "Date"])
        self.assertEqual(len(rows), 1 + 31)

    def test_a_manager_who_is_also_a_partner_exports_none_of_their_own_pairs_answers(self):
        Membership.objects.create(
            user=self.priya, organisation=self.acme, role=Membership.Role.PROGRAMME_MANAGER
        )
        rows = self.rows(self.export(user=self.priya))
        self.assertEqual([r[0] for r in rows[1:]], ["Sam Okafor & Lewis Lee"])

    def test_it_is_audited(self):
        self.export("checkins")
        event = AuditEvent.objects.get(action="feedback.export")
        self.assertEqual((event.actor, event.details["table"]), (self.martin, "checkins"))

    def test_outsiders_get_404(self):
        for user in (self.greta, self.priya, self.gus):
            with self.subTest(user.name):
                self.assertEqual(self.export(user=user).status_code, 404)
        self.assertEqual(self.export("journal").status_code, 404)

    def test_anonymous_visitors_are_sent_to_sign_in(self):
        self.client.logout()
        url = reverse("programme_feedback_export", args=[self.programme.slug, "feedback"])
        self.assertEqual(self.client.get(url).status_code, 302)
