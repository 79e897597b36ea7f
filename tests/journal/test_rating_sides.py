"""Each rating records which side of the pair gave it, so the side outlives its author."""

import importlib
from datetime import timedelta

from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from tests.base import PersonasTestCase
from twoheads.journal.models import CheckIn, Feedback, FeedbackTally
from twoheads.meetings.models import Meeting, MeetingLog

RATINGS = {"listened": 4, "was_listened_to": 5, "learned": 3, "will_act": 4}
ANSWERS = {"relationship": 4, "openness": 3, "benefit": 5}
fill_sides = importlib.import_module("twoheads.journal.migrations.0006_fill_feedback_checkin_side")


class RatingSideTests(PersonasTestCase):
    """Priya is the reverse mentor and Margaret the mentee; Sam is not in their pair."""

    def setUp(self):
        self.meeting = Meeting.objects.create(
            pair=self.pair, starts_at=timezone.now() - timedelta(days=1)
        )
        MeetingLog.objects.create(meeting=self.meeting, held=True, duration_minutes=60)

    def sides(self, model) -> set:
        return set(model.objects.values_list("author", "side"))

    def test_feedback_given_on_its_page_records_the_givers_side(self):
        for user in (self.priya, self.margaret):
            self.client.force_login(user)
            self.client.post(reverse("feedback_create", args=[self.meeting.pk]), RATINGS)
        self.assertEqual(
            self.sides(Feedback), {(self.priya.pk, "mentor"), (self.margaret.pk, "mentee")}
        )

    def test_bulk_inserts_record_the_side_too(self):
        Feedback.objects.bulk_create(
            [Feedback(meeting=self.meeting, author=u, **RATINGS) for u in (self.priya, self.sam)]
        )
        CheckIn.objects.bulk_create([CheckIn(pair=self.pair, author=self.margaret, **ANSWERS)])
        self.assertEqual(self.sides(Feedback), {(self.priya.pk, "mentor"), (self.sam.pk, "")})
        self.assertEqual(self.sides(CheckIn), {(self.margaret.pk, "mentee")})

    def test_the_side_stays_when_the_author_is_deleted(self):
        CheckIn.objects.create(pair=self.pair, author=self.margaret, **ANSWERS)
        Feedback.objects.create(meeting=self.meeting, author=self.margaret, **RATINGS)
        self.margaret.delete()
        self.assertEqual(self.sides(CheckIn), {(None, "mentee")})
        self.assertEqual(self.sides(Feedback), {(None, "mentee")})
        self.assertEqual(FeedbackTally.objects.get(pair=self.pair).mentee_ratings, 1)

    def test_the_migration_fills_the_side_from_the_authors_account(self):
        for user in (self.priya, self.margaret, self.sam):
            Feedback.objects.create(meeting=self.meeting, author=user, **RATINGS)
        CheckIn.objects.create(pair=self.pair, author=self.priya, **ANSWERS)
        Feedback.objects.update(side="")
        CheckIn.objects.update(side="")
        fill_sides.fill(apps, None)
        self.assertEqual(
            self.sides(Feedback),
            {(self.priya.pk, "mentor"), (self.margaret.pk, "mentee"), (self.sam.pk, "")},
        )
        self.assertEqual(self.sides(CheckIn), {(self.priya.pk, "mentor")})

    def test_a_released_comment_of_unknown_side_stays_hidden_from_managers(self):
        """Sam is in neither side of the pair, so whose line manager may read it is unknown."""
        Feedback.objects.create(
            meeting=self.meeting,
            author=self.sam,
            comment="Sam's aside on someone else's meeting",
            comment_for_manager=True,
            **RATINGS,
        )
        Feedback.objects.create(
            meeting=self.meeting,
            author=self.margaret,
            comment="Margaret's released comment",
            comment_for_manager=True,
            **RATINGS,
        )
        self.client.force_login(self.martin)
        response = self.client.get(reverse("programme_feedback", args=[self.programme.slug]))
        self.assertContains(response, "Margaret&#x27;s released comment")
        self.assertNotContains(response, "aside on someone else")
