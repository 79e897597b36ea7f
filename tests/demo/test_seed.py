"""The demo tells its story: every lifecycle state, a published match, months of history."""

import io
from datetime import timedelta

from django.core import mail
from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from twoheads.accounts.models import User
from twoheads.demo.logins import DEMO_LOGINS, DEMO_PASSWORD
from twoheads.guard.models import GuardConfirmation
from twoheads.insights.weekly import send_reports
from twoheads.journal.checkins import pair_started_on
from twoheads.journal.models import CheckIn, Goal, GoalUpdate, Idea, SentNudge
from twoheads.journal.nudges import send_nudges
from twoheads.meetings.models import Meeting
from twoheads.pairing.models import MatchRun, Pair
from twoheads.participants.models import ImportUpload
from twoheads.privacy.models import Concern
from twoheads.programmes.models import Programme


class SeedDemoTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("seed_demo", participants=40, seed=3, stdout=io.StringIO())

    def test_every_demo_login_works(self):
        for _role, email in DEMO_LOGINS:
            self.assertTrue(
                self.client.login(username=email, password=DEMO_PASSWORD), f"{email} cannot sign in"
            )

    def test_there_is_a_programme_in_every_state_of_the_lifecycle(self):
        states = set(Programme.objects.values_list("status", flat=True))
        self.assertEqual(
            states, {"draft", "enrolling", "active", "closed"} | ({"matching"} & states)
        )
        self.assertGreaterEqual(len(states), 4)

    def test_aisha_and_richard_are_an_active_pair_with_an_explanation(self):
        pair = Pair.objects.get(mentor__name="Aisha Khan", mentee__name="Richard Hale")
        self.assertEqual(pair.status, Pair.Status.ACTIVE)
        self.assertIn("Aisha Khan can teach Richard Hale", pair.explanation)
        self.assertTrue(pair.meetings.filter(log__held=True).exists())

    def test_the_main_match_is_published_from_a_run(self):
        run = MatchRun.objects.get(programme__name="Northwind Reverse Mentoring 2026")
        self.assertEqual(run.status, MatchRun.Status.PUBLISHED)
        self.assertGreater(run.pairs.count(), 10)

    def test_helens_weekly_report_of_the_main_programme_goes_out(self):
        """Helen chose the main programme's weekly email; the week's report reaches her."""
        mail.outbox.clear()
        sent, _already = send_reports(timezone.now())
        self.assertEqual(sent, 1)
        self.assertEqual(mail.outbox[0].to, ["helen.carter@northwind.example"])
        self.assertIn("Northwind Reverse Mentoring 2026", mail.outbox[0].body)

    def test_the_operations_cohort_is_traditional_with_seniors_mentoring(self):
        run = MatchRun.objects.get(programme__name="Operations Leadership Cohort")
        self.assertEqual(run.programme.type, Programme.Type.TRADITIONAL)
        proposals = run.proposals.select_related("mentor", "mentee")
        self.assertGreater(len(proposals), 5)
        gap = run.programme.min_level_gap
        self.assertTrue(all(p.mentor.level >= p.mentee.level + gap for p in proposals))

    def test_the_people_were_imported_before_the_programme_began(self):
        main = Programme.objects.get(name="Northwind Reverse Mentoring 2026")
        done = ImportUpload.objects.get(programme=main)
        self.assertEqual(done.uploaded_by.email, "helen.carter@northwind.example")
        self.assertLess(timezone.localdate(done.applied_at), main.starts_on)

    def test_no_pair_meets_before_it_was_made(self):
        """Every programme's pairs were made, and active, before their first meeting."""
        pairs = Pair.objects.filter(status=Pair.Status.ACTIVE).prefetch_related("meetings")
        self.assertGreater(len(pairs), 10)
        for pair in pairs:
            first = min((m.starts_at for m in pair.meetings.all()), default=None)
            if first is not None:
                self.assertLessEqual(pair.created_at, first, pair)
                self.assertLessEqual(pair.activated_at, first, pair)

    def test_no_goal_progress_is_dated_ahead_and_each_goal_shows_its_last_update(self):
        now = timezone.now()
        self.assertFalse(GoalUpdate.objects.filter(at__gt=now).exists())
        for goal in Goal.objects.prefetch_related("updates"):
            updates = sorted(goal.updates.all(), key=lambda u: u.at)
            if updates:
                self.assertEqual(goal.progress, updates[-1].progress, goal)
                self.assertEqual(goal.progressed_at, updates[-1].at, goal)

    def test_each_goal_was_set_before_its_first_update_and_is_not_news(self):
        """The first digest after seeding tells nobody that a partner set a goal months ago."""
        for goal in Goal.objects.prefetch_related("updates"):
            for update in goal.updates.all():
                self.assertLess(goal.created_at, update.at, goal)
        send_nudges()
        news = SentNudge.objects.filter(key__startswith="news:goal:")
        self.assertEqual(list(news.values_list("key", flat=True)), [])
        self.assertTrue(SentNudge.objects.exists())

    def test_ideas_reach_every_state(self):
        states = set(Idea.objects.values_list("state", flat=True))
        self.assertEqual(states, {"shared", "understood", "trying", "adopted", "parked"})

    def test_history_spans_months_with_an_upcoming_meeting_for_aisha(self):
        pair = Pair.objects.get(mentor__name="Aisha Khan")
        dates = sorted(pair.meetings.values_list("starts_at", flat=True))
        self.assertGreater((dates[-1] - dates[0]).days, 120)
        self.assertTrue(Meeting.objects.upcoming().filter(pair=pair).exists())

    def test_every_check_in_answers_a_date_on_its_pairs_schedule(self):
        """A check-in answered in the demo is never asked for again on the home page."""
        checkins = CheckIn.objects.filter(kind=CheckIn.Kind.CHECKIN).select_related(
            "pair__programme"
        )
        self.assertTrue(checkins.exists())
        for checkin in checkins:
            pair = checkin.pair
            first = pair_started_on(pair) + timedelta(days=pair.programme.checkin_first_days)
            offset = (checkin.due_on - first).days
            self.assertGreaterEqual(offset, 0, checkin)
            self.assertEqual(offset % pair.programme.checkin_every_days, 0, checkin)

    def test_the_story_has_trouble_to_spot(self):
        self.assertTrue(Concern.objects.exists())
        self.assertTrue(Pair.objects.filter(status=Pair.Status.DECLINED).exists())
        self.assertTrue(GuardConfirmation.objects.exists())

    def test_people_have_real_names(self):
        names = list(User.objects.values_list("name", flat=True))
        self.assertFalse([n for n in names if not n or any(ch.isdigit() for ch in n)])

    def test_seeding_again_with_if_empty_changes_nothing(self):
        before = Pair.objects.count()
        call_command("seed_demo", if_empty=True, stdout=io.StringIO())
        self.assertEqual(Pair.objects.count(), before)
