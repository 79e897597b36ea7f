"""Nudges keep pairs going without spamming: one digest a day, never the same nudge twice."""

from datetime import timedelta
from io import StringIO
from zoneinfo import ZoneInfo

from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests.base import PersonasTestCase
from twoheads.journal.models import Agreement, Goal, NudgePreference, SentNudge
from twoheads.journal.nudges import EXIT_EMAILED, due_nudges, send_nudges
from twoheads.journal.relationship import record_idea
from twoheads.meetings.models import Meeting, MeetingLog


class NudgeTests(PersonasTestCase):
    def setUp(self):
        self.start = timezone.now()
        self.pair.activated_at = self.start - timedelta(days=40)
        self.pair.save()
        # Their agreement is agreed by both, so it asks nothing of them here
        # (tests/journal/test_agreement.py has its nudges).
        agreed = self.start - timedelta(days=30)
        Agreement.objects.create(
            pair=self.pair, between_us="x", mentor_agreed_at=agreed, mentee_agreed_at=agreed
        )

    def kinds(self, user, now):
        return sorted({n.kind for n in due_nudges(user, now)})

    def test_a_pair_that_has_not_met_for_the_programmes_days_is_nudged(self):
        self.assertIn("no_meeting", self.kinds(self.priya, self.start))
        Meeting.objects.create(pair=self.pair, starts_at=self.start + timedelta(days=2))
        self.assertNotIn("no_meeting", self.kinds(self.priya, self.start))

    def test_the_exit_survey_email_of_a_closing_is_not_taken_for_todays_digest(self):
        SentNudge.objects.create(user=self.priya, kind=EXIT_EMAILED, key="exit:999")
        send_nudges(self.start)
        self.assertIn("priya@acme.test", {m.to[0] for m in mail.outbox})

    def test_a_meeting_in_the_next_two_days_is_in_the_digest_once_in_each_zone(self):
        self.margaret.timezone = "Asia/Tokyo"
        self.margaret.save()
        when = (self.start + timedelta(days=1)).replace(hour=1, minute=0, second=0, microsecond=0)
        Meeting.objects.create(pair=self.pair, starts_at=when, organiser=self.priya)
        Meeting.objects.create(pair=self.pair, starts_at=self.start + timedelta(days=5))
        soon = {
            user.email: [n.text for n in due_nudges(user, self.start) if n.kind == "meeting_soon"]
            for user in (self.priya, self.margaret)
        }
        tokyo = when.astimezone(ZoneInfo("Asia/Tokyo")).strftime("%a %d %b, %H:%M")
        self.assertEqual(
            soon["margaret@acme.test"], [f"You meet Priya Patel on {tokyo} (Asia/Tokyo)."]
        )
        self.assertEqual(len(soon["priya@acme.test"]), 1)
        send_nudges(self.start)
        mail.outbox.clear()
        send_nudges(self.start + timedelta(days=1))
        self.assertFalse(any("You meet" in m.body for m in mail.outbox))

    def test_no_nudge_to_plan_a_meeting_after_the_programme_ends(self):
        self.programme.ends_on = (self.start - timedelta(days=1)).date()
        self.programme.save()
        self.assertNotIn("no_meeting", self.kinds(self.priya, self.start))

    def test_feedback_goal_idea_and_checkin_nudges(self):
        meeting = Meeting.objects.create(pair=self.pair, starts_at=self.start - timedelta(days=1))
        MeetingLog.objects.create(meeting=meeting, held=True, duration_minutes=45)
        Goal.objects.create(
            pair=self.pair,
            owner=self.p_priya,
            title="Speak up",
            progressed_at=self.start - timedelta(days=31),
        )
        idea = record_idea(self.pair, self.priya, shared_by=self.p_priya, title="Shorts")
        idea.move("parked", actor=self.margaret, note="later")
        later = self.start + timedelta(days=31)
        Meeting.objects.create(pair=self.pair, starts_at=later + timedelta(days=1))
        self.assertEqual(
            self.kinds(self.priya, later),
            ["checkin", "goal_stale", "idea_revisit", "meeting_soon"],
        )
        self.assertEqual(self.kinds(self.priya, self.start), ["checkin", "feedback", "goal_stale"])
        self.assertNotIn("goal_stale", self.kinds(self.margaret, later))

    def test_running_twice_sends_nothing_twice(self):
        summary = send_nudges(self.start)
        self.assertEqual(len(mail.outbox), 2)
        self.assertIn("Sent 2 digest(s)", summary)
        self.assertIn("have not met for 40 days", mail.outbox[0].body)
        self.assertRegex(mail.outbox[0].subject, r"^Two Heads: (1 thing|\d+ things) for")
        send_nudges(self.start)
        send_nudges(self.start + timedelta(days=1))
        self.assertEqual(len(mail.outbox), 2)
        self.assertEqual(SentNudge.objects.filter(user=self.priya, kind="no_meeting").count(), 1)

    def test_at_most_one_digest_a_day_and_new_nudges_wait_for_tomorrow(self):
        # Midday, so that five minutes later is still the same day whenever the test runs.
        start = self.start.replace(hour=12, minute=0, second=0, microsecond=0)
        send_nudges(start)
        meeting = Meeting.objects.create(pair=self.pair, starts_at=start - timedelta(hours=3))
        MeetingLog.objects.create(meeting=meeting, held=True, duration_minutes=45)
        summary = send_nudges(start + timedelta(minutes=5))
        self.assertEqual(len(mail.outbox), 2)
        self.assertIn("2 person(s) already had today's digest", summary)
        send_nudges(start + timedelta(days=1))
        self.assertEqual(len(mail.outbox), 4)
        self.assertIn("How did your meeting", mail.outbox[-1].body)

    def test_a_muted_kind_is_not_emailed_but_still_listed_at_home(self):
        NudgePreference.objects.create(user=self.priya, muted=["no_meeting", "checkin"])
        send_nudges(self.start)
        self.assertEqual([m.to for m in mail.outbox], [["margaret@acme.test"]])
        self.client.force_login(self.priya)
        self.assertContains(self.client.get(reverse("home")), "have not met for 40 days")

    def test_people_choose_their_reminders_on_a_settings_page(self):
        self.client.force_login(self.priya)
        self.client.post(reverse("nudge_settings"), {"wanted": ["feedback", "goal_stale"]})
        self.assertEqual(
            sorted(NudgePreference.muted_for(self.priya)),
            ["agreement", "checkin", "idea_revisit", "meeting_soon", "no_meeting", "partner_news"],
        )

    def test_the_command_prints_a_one_line_summary(self):
        out = StringIO()
        call_command("send_nudges", stdout=out)
        self.assertEqual(len(out.getvalue().strip().splitlines()), 1)
        self.assertIn("Sent 2 digest(s) with", out.getvalue())

    def test_people_outside_active_pairs_get_nothing(self):
        send_nudges(self.start)
        recipients = {m.to[0] for m in mail.outbox}
        self.assertEqual(recipients, {"priya@acme.test", "margaret@acme.test"})


class PeriodicTaskTests(PersonasTestCase):
    def test_the_periodic_task_sends_the_same_digests_as_the_command(self):
        from twoheads.journal.tasks import send_nudges_task

        self.pair.activated_at = timezone.now() - timedelta(days=30)
        self.pair.save()
        result = send_nudges_task.enqueue()
        self.assertIn("Sent 2 digest(s)", result.return_value)
        self.assertEqual(len(mail.outbox), 2)
        send_nudges_task.enqueue()
        self.assertEqual(len(mail.outbox), 2)


class PartnerNewsTests(PersonasTestCase):
    """Margaret hears, once, what Priya shared with her this week; never a private note."""

    def setUp(self):
        self.pair.activated_at = timezone.now() - timedelta(days=3)
        self.pair.save()

    def news(self, user, now=None):
        now = now or timezone.now() + timedelta(minutes=1)
        return [n.text for n in due_nudges(user, now) if n.kind == "partner_news"]

    def test_shared_notes_ideas_moves_and_goals_are_news_for_the_partner(self):
        self.client.force_login(self.priya)
        self.client.post(
            reverse("journal_new", args=[self.pair.pk]),
            {"title": "After our chat", "text": "Shared words", "share": "on"},
        )
        self.client.post(
            reverse("journal_new", args=[self.pair.pk]),
            {"title": "Only mine", "text": "Private words"},
        )
        idea = record_idea(self.pair, self.priya, shared_by=self.p_priya, title="Shorts")
        Goal.objects.create(pair=self.pair, owner=self.p_priya, title="Speak up in meetings")
        idea.move("understood", actor=self.margaret, note="Makes sense")
        news = self.news(self.margaret)
        self.assertIn("Priya Patel shared a note with you: “After our chat”.", news)
        self.assertIn("Priya Patel recorded an idea: “Shorts”.", news)
        self.assertIn("Priya Patel set a goal: “Speak up in meetings”.", news)
        self.assertFalse(any("Only mine" in text for text in news))
        self.assertEqual(
            self.news(self.priya), ["Margaret Hughes moved the idea “Shorts” to understood."]
        )
        # Sent once in a digest, and old news after a week.
        send_nudges(timezone.now() + timedelta(minutes=1))
        to_margaret = [m.body for m in mail.outbox if m.to == ["margaret@acme.test"]]
        self.assertIn("shared a note with you", to_margaret[0])
        mail.outbox.clear()
        send_nudges(timezone.now() + timedelta(days=1))
        self.assertFalse(any("shared a note" in m.body for m in mail.outbox))
        self.assertEqual(self.news(self.margaret, timezone.now() + timedelta(days=8)), [])

    def test_news_can_be_muted(self):
        NudgePreference.objects.create(user=self.margaret, muted=["partner_news"])
        record_idea(self.pair, self.priya, shared_by=self.p_priya, title="Shorts")
        send_nudges(timezone.now() + timedelta(minutes=1))
        self.assertFalse(any("recorded an idea" in m.body for m in mail.outbox))
