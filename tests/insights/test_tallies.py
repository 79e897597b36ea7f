"""The tallies the dashboard reads agree with the rows they count, however the rows were written.

Each test writes meetings, logs or feedback one way (the pages, the scheduling functions, bulk
inserts as the demo and the benchmark do, deletes, erasure, anonymisation) and then counts
everything again by hand from the logs and the ratings, never from the tallies' own columns.
"""

import importlib
import io
from datetime import timedelta

from django.apps import apps
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse

from tests.insights.stories import NOW, InsightsTestCase, at
from twoheads.insights.figures import programme_figures, summary_dict
from twoheads.journal.models import Feedback, FeedbackTally
from twoheads.meetings.models import Meeting, MeetingLog, MeetingTally
from twoheads.meetings.scheduling import log_meeting, record_past_meeting
from twoheads.pairing.models import Pair
from twoheads.privacy.erasure import erase_person
from twoheads.privacy.retention import anonymise_programme
from twoheads.programmes.models import Programme

DIMENSIONS = Feedback.DIMENSIONS
fill_tallies = importlib.import_module(
    "twoheads.meetings.migrations.0008_tally_hours_and_meetings_not_held"
)


def by_hand(pair: Pair) -> dict[str, object]:
    """What the pair's tallies must say, worked out from its logs and ratings in Python."""
    logs = MeetingLog.objects.filter(meeting__pair=pair, held=True).select_related("meeting")
    held = [log.meeting.starts_at for log in logs]
    counts: dict[str, object] = {"held": len(held), "last_held_at": max(held, default=None)}
    counts["minutes_held"] = sum(log.duration_minutes or 0 for log in logs)
    counts["not_held"] = MeetingLog.objects.filter(meeting__pair=pair, held=False).count()
    ratings = list(Feedback.objects.filter(meeting__pair=pair))
    counts["ratings"] = len(ratings)
    counts["rating_total"] = sum(getattr(f, name) for f in ratings for name in DIMENSIONS)
    for side in ("mentor", "mentee"):
        mine = [f for f in ratings if f.side == side]
        counts[f"{side}_ratings"] = len(mine)
        for name in DIMENSIONS:
            counts[f"{side}_{name}"] = sum(getattr(f, name) for f in mine)
    return counts


def tallied(pair: Pair) -> dict[str, object]:
    meetings = MeetingTally.objects.filter(pair=pair).first() or MeetingTally(pair=pair)
    feedback = FeedbackTally.objects.filter(pair=pair).first() or FeedbackTally(pair=pair)
    counts: dict[str, object] = {
        name: getattr(meetings, name)
        for name in ("held", "last_held_at", "minutes_held", "not_held")
    }
    counts.update({name: getattr(feedback, name) for name in FeedbackTally.counted_fields()})
    return counts


class TallyAssertions:
    def assertTallied(self, pairs) -> None:
        for pair in pairs:
            pair.refresh_from_db()
            self.assertEqual(tallied(pair), by_hand(pair), pair)
            for meeting in Meeting.objects.filter(pair=pair).select_related("log"):
                self.assertEqual(meeting.held, meeting.log.held if meeting.is_logged else None)
            accounts = {pair.mentor.user_id: "mentor", pair.mentee.user_id: "mentee"}
            for rating in Feedback.objects.filter(meeting__pair=pair).select_related("meeting"):
                self.assertEqual(rating.pair_id, pair.pk)
                self.assertEqual(rating.meeting_starts_at, rating.meeting.starts_at)
                if rating.author_id is not None:
                    self.assertEqual(rating.side, accounts.get(rating.author_id, ""))


class TallyTests(TallyAssertions, InsightsTestCase):
    def test_the_story_written_with_the_factories_is_tallied(self):
        self.assertTallied([self.pair, self.declined])
        self.assertEqual(MeetingTally.objects.get(pair=self.pair).held, 3)
        self.assertEqual(FeedbackTally.objects.get(pair=self.pair).mentee_ratings, 3)

    def test_meetings_logged_and_recorded_through_scheduling_are_tallied(self):
        missed = Meeting.objects.create(pair=self.pair, starts_at=at("2026-03-16"))
        log_meeting(missed, self.priya, held=False, now=NOW)
        record_past_meeting(
            self.pair, self.margaret, starts_at=at("2026-03-18"), duration_minutes=30, now=NOW
        )
        self.assertTallied([self.pair])
        self.assertEqual(MeetingTally.objects.get(pair=self.pair).last_held_at, at("2026-03-18"))

    def test_feedback_given_on_its_page_is_tallied(self):
        meeting = record_past_meeting(
            self.pair, self.priya, starts_at=at("2026-03-18"), duration_minutes=30, now=NOW
        )
        for user, mark in ((self.priya, 5), (self.margaret, 1)):
            self.client.force_login(user)
            self.client.post(
                reverse("feedback_create", args=[meeting.pk]), dict.fromkeys(DIMENSIONS, mark)
            )
        self.assertEqual(Feedback.objects.filter(meeting=meeting).count(), 2)
        self.assertTallied([self.pair])

    def test_a_log_changed_or_deleted_is_tallied(self):
        log = MeetingLog.objects.filter(meeting__pair=self.pair, held=True).latest("logged_at")
        log.held = False
        log.save()
        self.assertTallied([self.pair])
        log.delete()
        self.assertTallied([self.pair])

    def test_meetings_and_feedback_deleted_are_tallied(self):
        last = Meeting.objects.filter(pair=self.pair, held=True).latest("starts_at")
        Feedback.objects.filter(meeting=last, author=self.priya).get().delete()
        self.assertTallied([self.pair])
        Feedback.objects.filter(meeting=last).delete()
        self.assertTallied([self.pair])
        last.delete()
        self.assertTallied([self.pair])
        Meeting.objects.filter(pair=self.pair, starts_at__lt=at("2026-02-01")).delete()
        self.assertEqual(MeetingTally.objects.get(pair=self.pair).held, 1)
        Feedback.objects.filter(meeting__pair=self.pair).delete()
        self.assertTallied([self.pair])

    def test_bulk_inserts_like_the_demo_and_the_benchmark_are_tallied(self):
        meetings = Meeting.objects.bulk_create(
            [Meeting(pair=self.pair, starts_at=at("2026-03-1" + str(day))) for day in range(5)]
        )
        MeetingLog.objects.bulk_create(
            [
                MeetingLog(meeting=m, held=i % 2 == 0, duration_minutes=45)
                for i, m in enumerate(meetings)
            ]
        )
        Feedback.objects.bulk_create(
            [
                Feedback(meeting=m, author=self.margaret, **dict.fromkeys(DIMENSIONS, 3))
                for m in meetings[::2]
            ]
        )
        self.assertTallied([self.pair])
        self.assertTrue(all(m.held is not None for m in meetings))

    def test_erasing_a_person_is_tallied(self):
        erase_person(self.margaret, self.martin, "asked")
        self.assertEqual(FeedbackTally.objects.get(pair=self.pair).mentee_ratings, 3)
        self.assertFalse(
            Feedback.objects.filter(
                meeting__pair=self.pair, side="mentee", author__isnull=False
            ).exists()
        )
        self.assertTallied([self.pair])

    def test_anonymising_the_programme_is_tallied(self):
        self.pair.status = Pair.Status.ENDED
        self.pair.ended_at = at("2026-03-15")
        self.pair.save()
        self.programme.status = Programme.Status.CLOSED
        self.programme.save()
        ratings = FeedbackTally.objects.get(pair=self.pair).ratings
        anonymise_programme(self.programme)
        self.assertEqual(FeedbackTally.objects.get(pair=self.pair).ratings, ratings)
        self.assertFalse(
            Feedback.objects.filter(pair__programme=self.programme, author__isnull=False).exists()
        )
        self.assertTallied([self.pair, self.declined])

    def test_the_migration_fills_the_hours_and_the_meetings_not_held(self):
        """Tallies kept before they held minutes: the migration adds them up from the logs,
        and makes a tally for a pair whose only logged meeting did not take place."""
        self.meeting(self.declined, at("2026-03-02"), held=False)
        MeetingTally.objects.update(minutes_held=0, not_held=0)
        MeetingTally.objects.filter(pair=self.declined).delete()
        fill_tallies.fill(apps, None)
        self.assertTallied([self.pair, self.declined])
        self.assertEqual(MeetingTally.objects.get(pair=self.pair).minutes_held, 180)

    def test_a_deleted_pair_takes_its_tallies_with_it(self):
        self.pair.delete()
        self.assertFalse(MeetingTally.objects.exists())
        self.assertFalse(FeedbackTally.objects.exists())


class DemoTallyTests(TallyAssertions, TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("seed_demo", participants=40, seed=3, stdout=io.StringIO())

    def test_the_seeded_demo_is_tallied(self):
        pairs = Pair.objects.filter(meetings__log__held=True).distinct()
        self.assertGreater(pairs.count(), 5)
        self.assertTallied(pairs)
        self.assertTrue(Feedback.objects.exists())


class EarlierMomentTests(InsightsTestCase):
    def test_figures_as_of_an_earlier_moment_leave_out_what_came_after(self):
        """Priya and Margaret meet three days after NOW and rate it badly: as of NOW, that
        meeting is still to come, so it is planned, neither held nor rated."""
        before = summary_dict(programme_figures(self.programme, NOW))
        later = Meeting.objects.create(pair=self.pair, starts_at=NOW + timedelta(days=3))
        MeetingLog.objects.create(meeting=later, held=True, duration_minutes=60)
        for author in (self.priya, self.margaret):
            Feedback.objects.create(meeting=later, author=author, **dict.fromkeys(DIMENSIONS, 1))
        figures = programme_figures(self.programme, NOW)
        self.assertEqual(summary_dict(figures)["meetings"], before["meetings"])
        risk = next(p for p in figures.at_risk if p.pair_id == self.pair.pk)
        self.assertEqual(risk.reasons, ("falling_ratings",))  # no longer quiet: one is planned
        self.assertEqual((risk.last_meeting, risk.idle_days), (at("2026-02-25"), 23))
        self.assertEqual((risk.recent_rating, risk.earlier_rating), (2.25, 4.375))
