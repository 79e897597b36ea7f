"""Check-ins at the programme's rhythm, and the exit survey when a pair closes."""

from datetime import timedelta
from unittest import mock

from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.base import PersonasTestCase
from twoheads.accounts.models import AuditEvent
from twoheads.journal.checkins import checkin_due, exit_survey_due, latest_checkin_date
from twoheads.journal.closing import close_pair, close_programme_pairs
from twoheads.journal.models import CheckIn, Goal, Idea
from twoheads.journal.nudges import digest_for, due_nudges
from twoheads.journal.relationship import record_idea
from twoheads.meetings.models import Meeting
from twoheads.pairing.models import Pair

ANSWERS = {"relationship": 4, "openness": 5, "benefit": 4}


class CheckInScheduleTests(PersonasTestCase):
    def setUp(self):
        self.today = timezone.localdate()
        self.pair.activated_at = timezone.now()
        self.pair.save()

    def test_the_first_check_in_comes_after_30_days_then_every_60(self):
        self.assertIsNone(latest_checkin_date(self.pair, self.today + timedelta(days=29)))
        first = self.today + timedelta(days=30)
        self.assertEqual(latest_checkin_date(self.pair, first + timedelta(days=59)), first)
        self.assertEqual(
            latest_checkin_date(self.pair, first + timedelta(days=61)), first + timedelta(days=60)
        )

    def test_the_rhythm_follows_the_programme_settings(self):
        self.programme.checkin_first_days, self.programme.checkin_every_days = 10, 20
        self.programme.save()
        self.pair.programme = self.programme
        self.assertEqual(
            latest_checkin_date(self.pair, self.today + timedelta(days=31)),
            self.today + timedelta(days=30),
        )

    def test_answering_the_check_in_clears_it_until_the_next_one(self):
        self.pair.activated_at = timezone.now() - timedelta(days=31)
        self.pair.save()
        self.assertIsNotNone(checkin_due(self.pair, self.priya))
        self.client.force_login(self.priya)
        self.client.post(reverse("checkin_create", args=[self.pair.pk]), ANSWERS)
        self.assertIsNone(checkin_due(self.pair, self.priya))
        self.assertIsNotNone(checkin_due(self.pair, self.margaret))
        self.assertIsNotNone(checkin_due(self.pair, self.priya, self.today + timedelta(days=61)))

    def test_a_check_in_comment_for_the_manager_has_to_be_written(self):
        self.pair.activated_at = timezone.now() - timedelta(days=31)
        self.pair.save()
        self.client.force_login(self.priya)
        response = self.client.post(
            reverse("checkin_create", args=[self.pair.pk]),
            {**ANSWERS, "comment": "", "comment_for_manager": "on"},
        )
        self.assertContains(response, "Write a comment to show it to the manager.")
        self.assertFalse(CheckIn.objects.exists())

    def test_a_second_click_that_saw_the_check_in_open_saves_nothing_more(self):
        due = self.today
        self.client.force_login(self.priya)
        url = reverse("checkin_create", args=[self.pair.pk])
        # Both requests found the check-in open before either saved its answers.
        with mock.patch("twoheads.journal.views.checkin_due", return_value=due):
            self.client.post(url, ANSWERS)
            response = self.client.post(url, ANSWERS, follow=True)
        self.assertContains(response, "Your answers are already saved.")
        self.assertEqual(CheckIn.objects.filter(author=self.priya).count(), 1)

    def test_no_check_in_form_when_none_is_due(self):
        self.client.force_login(self.priya)
        self.client.post(reverse("checkin_create", args=[self.pair.pk]), ANSWERS)
        self.assertFalse(CheckIn.objects.exists())


class ClosingTests(PersonasTestCase):
    def setUp(self):
        Pair.objects.filter(pk=self.pair.pk).update(
            activated_at=timezone.now() - timedelta(days=40)
        )
        self.pair.refresh_from_db()
        self.idea = record_idea(self.pair, self.priya, shared_by=self.p_priya, title="Shorts")
        self.goal = Goal.objects.create(pair=self.pair, owner=self.p_margaret, title="Listen")
        self.upcoming = Meeting.objects.create(
            pair=self.pair, starts_at=timezone.now() + timedelta(days=3), organiser=self.priya
        )

    def test_closing_ends_the_pair_cancels_meetings_and_keeps_ideas_and_goals(self):
        with self.captureOnCommitCallbacks(execute=True):
            close_pair(self.pair, self.margaret, "Programme finished early for me")
        self.pair.refresh_from_db()
        self.assertEqual(self.pair.status, Pair.Status.ENDED)
        self.assertIsNotNone(self.pair.ended_at)
        self.assertEqual(self.pair.end_reason, "Programme finished early for me")
        self.upcoming.refresh_from_db()
        self.assertTrue(self.upcoming.is_cancelled)
        self.assertTrue(Idea.objects.filter(pk=self.idea.pk).exists())
        self.assertTrue(Goal.objects.filter(pk=self.goal.pk).exists())
        self.assertTrue(AuditEvent.objects.filter(action="pair.end").exists())
        subjects = [m.subject for m in mail.outbox]
        self.assertIn("Your mentoring has closed: three questions", subjects)
        told = {m.to[0]: m.body for m in mail.outbox if "has ended" in m.subject}
        self.assertIn("Margaret Hughes ended it.", told["priya@acme.test"])
        self.assertIn("You ended it.", told["margaret@acme.test"])

    def test_the_exit_survey_is_asked_once_and_never_of_a_pair_that_never_began(self):
        with self.captureOnCommitCallbacks(execute=True):
            close_pair(self.pair, self.priya, "Moving team")
        asked = [m for m in mail.outbox if m.subject.startswith("Your mentoring has closed")]
        self.assertEqual(len(asked), 2)
        digest = due_nudges(self.priya)
        self.assertTrue(any(n.key == f"exit:{self.pair.pk}" for n in digest))
        self.assertFalse(
            any(n.key == f"exit:{self.pair.pk}" for n in digest_for(self.priya, timezone.now()))
        )

        mail.outbox.clear()
        proposed = Pair.objects.create(
            programme=self.programme, mentor=self.p_sam, mentee=self.p_margaret
        )
        with self.captureOnCommitCallbacks(execute=True):
            close_pair(proposed, self.martin, "Sam moved to another team")
        self.assertFalse(any("three questions" in m.subject for m in mail.outbox))
        proposed.refresh_from_db()
        self.assertFalse(exit_survey_due(proposed, self.sam))

    def test_a_reason_is_required_and_a_closed_pair_cannot_close_again(self):
        with self.assertRaises(ValidationError):
            close_pair(self.pair, self.margaret, "  ")
        close_pair(self.pair, self.margaret, "Done")
        with self.assertRaises(ValidationError):
            close_pair(Pair.objects.get(pk=self.pair.pk), self.margaret, "Again")

    def test_both_partners_are_asked_for_the_exit_survey_once(self):
        close_pair(self.pair, self.priya, "Moving team")
        self.pair.refresh_from_db()
        self.assertTrue(exit_survey_due(self.pair, self.priya))
        self.client.force_login(self.margaret)
        page = self.client.get(reverse("pair_detail", args=[self.pair.pk]))
        self.assertContains(page, reverse("exit_survey", args=[self.pair.pk]))
        self.assertContains(page, "Shorts")
        survey = self.client.get(reverse("exit_survey", args=[self.pair.pk]))
        self.assertContains(survey, "I got something out of it")
        self.assertNotContains(survey, "I am getting something out of it")
        self.client.post(
            reverse("exit_survey", args=[self.pair.pk]), {**ANSWERS, "comment": "Great"}
        )
        self.assertFalse(exit_survey_due(self.pair, self.margaret))
        self.assertTrue(exit_survey_due(self.pair, self.priya))
        self.client.post(reverse("exit_survey", args=[self.pair.pk]), ANSWERS)
        self.assertEqual(CheckIn.objects.filter(kind="exit").count(), 1)

    def test_a_partner_closes_from_the_page_and_outsiders_cannot(self):
        url = reverse("pair_close", args=[self.pair.pk])
        for outsider in (self.sam, self.martin, self.greta):
            self.client.force_login(outsider)
            self.assertEqual(self.client.post(url, {"reason": "x"}).status_code, 404)
        self.client.force_login(self.priya)
        response = self.client.post(url, {"reason": "New role"})
        self.assertRedirects(response, reverse("exit_survey", args=[self.pair.pk]))
        self.pair.refresh_from_db()
        self.assertEqual(self.pair.status, Pair.Status.ENDED)

    def test_nothing_new_is_added_to_a_closed_pair(self):
        close_pair(self.pair, self.priya, "Done")
        self.client.force_login(self.priya)
        self.client.post(
            reverse("idea_new", args=[self.pair.pk]), {"title": "Late idea", "direction": "mine"}
        )
        self.assertFalse(Idea.objects.filter(title="Late idea").exists())
        # No form is offered that could only be refused once filled in.
        detail = reverse("pair_detail", args=[self.pair.pk])
        for name in ("meeting_schedule", "meeting_record", "pair_close"):
            response = self.client.get(reverse(name, args=[self.pair.pk]))
            self.assertRedirects(response, detail, msg_prefix=name)


class ProgrammeEndTests(PersonasTestCase):
    def test_the_end_of_the_programme_closes_every_live_pair_with_the_same_reason(self):
        other = Pair.objects.create(
            programme=self.programme, mentor=self.p_sam, mentee=self.p_margaret, status="active"
        )
        self.programme.status = "closed"
        self.programme.save()
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(close_programme_pairs(self.programme, self.martin), 2)
        for pair in (self.pair, other):
            pair.refresh_from_db()
            self.assertEqual((pair.status, pair.end_reason), ("ended", "The programme has ended."))
        ended = [m.body for m in mail.outbox if "has ended" in m.subject]
        self.assertTrue(ended)
        for body in ended:
            self.assertIn("Thank you for the time you gave each other.", body)
            self.assertNotIn("may suggest a new partner", body)
            self.assertIn("It ended with the programme.", body)
            self.assertNotIn("Martin Manager", body)
