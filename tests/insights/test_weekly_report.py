"""The weekly report by email: Martin chooses it on the dashboard, `send_reports` mails it
once a week to the managers who chose it, as their own dashboard would show it to them."""

from datetime import timedelta
from io import StringIO
from unittest import mock

from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from tests.insights.stories import (
    NOW,
    SECRET_AGENDA,
    SECRET_IDEA,
    SECRET_NOTE,
    InsightsTestCase,
    at,
)
from twoheads.accounts.models import Membership
from twoheads.insights.models import SentWeeklyReport, WeeklyReportChoice
from twoheads.insights.weekly import send_reports
from twoheads.meetings.models import Meeting, MeetingLog
from twoheads.privacy.models import Concern

CONCERN_TEXT = "Margaret keeps asking me about the Leeds restructuring"


class ChoosingTests(InsightsTestCase):
    """Martin turns the weekly email on and off on the programme's dashboard."""

    def dashboard(self) -> str:
        return reverse("programme_dashboard", args=[self.programme.slug])

    def choose(self, **data: str):
        return self.client.post(
            reverse("programme_weekly_report", args=[self.programme.slug]), data
        )

    def chosen(self, user) -> bool:
        return WeeklyReportChoice.objects.filter(user=user, programme=self.programme).exists()

    def test_it_is_off_until_martin_asks_for_it_on_the_dashboard(self):
        self.client.force_login(self.martin)
        page = self.client.get(self.dashboard())
        self.assertContains(page, "Email me these figures every week")
        self.assertFalse(self.chosen(self.martin))

        response = self.choose(wanted="on")
        self.assertRedirects(response, self.dashboard(), fetch_redirect_response=False)
        self.assertTrue(self.chosen(self.martin))
        self.assertFalse(self.chosen(self.olivia))
        page = self.client.get(self.dashboard())
        self.assertContains(page, "You will get this programme&#x27;s figures by email")
        self.assertContains(page, "Stop the weekly email")
        self.assertNotContains(page, "Email me these figures every week")

    def test_martin_stops_it_from_the_dashboard(self):
        WeeklyReportChoice.choose(self.martin, self.programme, True)
        self.client.force_login(self.martin)
        self.choose()  # the stop button sends no "wanted"
        self.assertFalse(self.chosen(self.martin))
        page = self.client.get(self.dashboard())
        self.assertContains(page, "You will no longer get this programme&#x27;s weekly email")
        self.assertContains(page, "Email me these figures every week")

    def test_nobody_who_does_not_manage_the_programme_can_choose_it(self):
        for outsider in (self.greta, self.priya):
            self.client.force_login(outsider)
            self.assertEqual(self.choose(wanted="on").status_code, 404)
            self.assertFalse(self.chosen(outsider))
        self.client.logout()
        self.assertIn("/login/", self.choose(wanted="on")["Location"])
        self.assertFalse(WeeklyReportChoice.objects.exists())

    def test_a_manager_who_lost_the_role_can_no_longer_change_it(self):
        WeeklyReportChoice.choose(self.martin, self.programme, True)
        Membership.objects.filter(user=self.martin).update(role=Membership.Role.PARTICIPANT)
        self.client.force_login(self.martin)
        self.assertEqual(self.choose().status_code, 404)
        self.assertTrue(self.chosen(self.martin))

    def test_the_account_page_lists_the_weekly_emails_a_manager_gets(self):
        account = reverse("account")
        dashboard = reverse("programme_dashboard", args=[self.programme.slug])
        self.client.force_login(self.martin)
        self.assertContains(self.client.get(account), "Weekly report emails")
        self.assertNotContains(self.client.get(account), f"{dashboard}#weekly-report")
        WeeklyReportChoice.choose(self.martin, self.programme, True)
        self.assertContains(self.client.get(account), f"{dashboard}#weekly-report")
        # Greta's choice of Acme's programme, made while Globex took part, is not listed: she
        # no longer manages it, and nothing is sent to her for it.
        WeeklyReportChoice.choose(self.greta, self.programme, True)
        self.client.force_login(self.greta)
        self.assertNotContains(self.client.get(account), self.programme.name)
        # A participant has no weekly report to choose.
        self.client.force_login(self.priya)
        self.assertNotContains(self.client.get(account), "Weekly report emails")

    def test_it_is_changed_by_a_form_only(self):
        self.client.force_login(self.martin)
        url = reverse("programme_weekly_report", args=[self.programme.slug])
        self.assertEqual(self.client.get(url, {"wanted": "on"}).status_code, 405)
        self.assertFalse(self.chosen(self.martin))


class SendingTests(InsightsTestCase):
    """On Friday 20 March 2026 the managers who chose it get the week in Acme's programme."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        WeeklyReportChoice.choose(cls.martin, cls.programme, True)
        WeeklyReportChoice.choose(cls.olivia, cls.programme, True)

    def emails_to(self, user) -> list:
        return [m for m in mail.outbox if m.to == [user.email]]

    def test_each_manager_gets_one_email_for_each_programme_they_chose(self):
        WeeklyReportChoice.choose(self.greta, self.globex_programme, True)
        self.assertEqual(send_reports(NOW), (3, 0))
        subjects = sorted((m.to[0], m.subject) for m in mail.outbox)
        acme = "Two Heads: the week in Acme Reverse Mentoring"
        self.assertEqual(
            subjects,
            [
                (self.greta.email, "Two Heads: the week in Globex Exchange"),
                (self.martin.email, acme),
                (self.olivia.email, acme),
            ],
        )

    def test_running_it_again_the_same_week_sends_nothing_twice(self):
        send_reports(NOW)
        self.assertEqual(send_reports(NOW + timedelta(days=2)), (0, 2))  # Sunday
        self.assertEqual(len(mail.outbox), 2)
        self.assertEqual(SentWeeklyReport.objects.count(), 2)
        self.assertEqual(send_reports(NOW + timedelta(days=3)), (2, 0))  # Monday: a new week
        self.assertEqual(len(mail.outbox), 4)

    def test_a_manager_who_stops_it_gets_nothing(self):
        WeeklyReportChoice.choose(self.olivia, self.programme, False)
        send_reports(NOW)
        self.assertEqual([m.to for m in mail.outbox], [[self.martin.email]])

    def test_nothing_is_sent_for_a_closed_programme(self):
        self.programme.status = self.programme.Status.CLOSED
        self.programme.save()
        self.assertEqual(send_reports(NOW), (0, 0))
        self.assertEqual(mail.outbox, [])

    def test_nothing_is_sent_before_the_programme_starts(self):
        self.programme.starts_on = NOW.date() + timedelta(days=3)
        self.programme.save()
        self.assertEqual(send_reports(NOW), (0, 0))
        self.assertEqual(send_reports(NOW + timedelta(days=3)), (2, 0))

    def test_nothing_is_sent_while_the_programme_is_still_enrolling(self):
        self.programme.status = self.programme.Status.ENROLLING
        self.programme.save()
        self.assertEqual(send_reports(NOW), (0, 0))

    def test_a_manager_who_lost_the_role_gets_nothing(self):
        Membership.objects.filter(user=self.olivia).update(role=Membership.Role.PARTICIPANT)
        send_reports(NOW)
        self.assertEqual([m.to for m in mail.outbox], [[self.martin.email]])

    def test_a_deactivated_manager_gets_nothing(self):
        self.olivia.is_active = False
        self.olivia.save()
        send_reports(NOW)
        self.assertEqual([m.to for m in mail.outbox], [[self.martin.email]])

    def test_the_email_gives_the_week_and_the_figures_so_far_never_anyones_words(self):
        self.meeting(self.pair, at("2026-03-18"), held=True)
        send_reports(NOW)
        body = self.emails_to(self.martin)[0].body
        self.assertIn("Hello Martin,", body)
        self.assertIn("from 13 March to 20 March 2026", body)
        self.assertIn("- 1 meeting held (1 hour)", body)
        self.assertIn("- 2 pairs at risk now", body)
        self.assertIn("- Priya Patel & Margaret Hughes: Falling ratings. Talk to each", body)
        self.assertIn("- Sam Okafor & Nadia Novak: Declined, waiting for a new partner.", body)
        self.assertNotIn("No meeting for a while", body)  # they met on Wednesday
        self.assertIn("- Meetings held: 4", body)  # so far: three before, one this week
        self.assertIn("- Enrolled people: ", body)
        self.assertIn("- I listened well: 4.33 / 3.33", body)  # Priya's and Margaret's
        dashboard = settings.SITE_URL + reverse("programme_dashboard", args=[self.programme.slug])
        self.assertIn(f"The dashboard: {dashboard}\n", body)
        self.assertIn(f"To stop these emails: {dashboard}#weekly-report", body)
        for secret in (SECRET_NOTE, SECRET_IDEA, SECRET_AGENDA):
            self.assertNotIn(secret, body)

    def test_the_weeks_hours_are_the_weeks_own_minutes(self):
        """A quarter of an hour before the week and one in it: the week had 0.25 hours, which
        is 0.2, whatever rounding the totals before and after it would give (3.2 and 3.5)."""
        for day in ("2026-03-10", "2026-03-18"):
            meeting = Meeting.objects.create(pair=self.pair, starts_at=at(day))
            MeetingLog.objects.create(meeting=meeting, held=True, duration_minutes=15)
        send_reports(NOW)
        self.assertIn("- 1 meeting held (0.2 hours)", self.emails_to(self.martin)[0].body)

    def test_it_names_the_most_urgent_pairs_first_and_counts_the_rest(self):
        send_reports(NOW)
        body = self.emails_to(self.martin)[0].body
        self.assertIn("- 0 meetings held (0 hours)", body)
        self.assertIn("- 2 pairs at risk now", body)
        urgent = body.index("- Priya Patel & Margaret Hughes: Falling ratings, No meeting")
        self.assertLess(urgent, body.index("- Sam Okafor & Nadia Novak: Declined"))
        self.assertNotIn("more pair", body)
        mail.outbox.clear()
        with mock.patch("twoheads.insights.weekly.URGENT_SHOWN", 1):
            send_reports(NOW + timedelta(days=7))
        body = self.emails_to(self.martin)[0].body
        self.assertIn("Priya Patel & Margaret Hughes", body)
        self.assertNotIn("Sam Okafor & Nadia Novak", body)
        self.assertIn("And 1 more pair on the dashboard.", body)

    def test_the_command_is_quiet_for_cron_and_says_one_line_when_asked(self):
        out = StringIO()
        call_command("send_reports", verbosity=0, stdout=out)
        self.assertEqual(out.getvalue(), "")
        self.assertEqual(len(mail.outbox), 2)
        call_command("send_reports", stdout=out)  # this week's have gone: nothing to say
        self.assertEqual(out.getvalue(), "")
        SentWeeklyReport.objects.all().delete()
        call_command("send_reports", stdout=out)
        self.assertEqual(out.getvalue().strip(), "sent=2 already_sent_this_week=0")


class PartnerManagerTests(InsightsTestCase):
    """Globex joins Acme's programme as a partner. Priya raised a concern, which reaches
    Acme's managers only: Greta's email, like her dashboard, says nothing of it."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.programme.partners.add(cls.globex)
        Concern.objects.create(programme=cls.programme, author=cls.p_priya, text=CONCERN_TEXT)
        for manager in (cls.martin, cls.greta):
            WeeklyReportChoice.choose(manager, cls.programme, True)

    def body_for(self, user) -> str:
        (email,) = [m for m in mail.outbox if m.to == [user.email]]
        return email.body

    def test_greta_gets_the_figures_without_the_concern_she_may_not_read(self):
        send_reports(NOW)
        greta = self.body_for(self.greta)
        self.assertIn("- 0 open concerns for you to read", greta)
        self.assertIn("- Open concerns: 0", greta)
        self.assertIn("- Priya Patel & Margaret Hughes: Falling ratings, No meeting", greta)
        self.assertNotIn("A concern raised", greta)
        self.assertNotIn("Read the open concern", greta)
        self.assertNotIn(CONCERN_TEXT, greta)

    def test_martin_whose_organisation_the_concern_reaches_is_told_of_it(self):
        send_reports(NOW)
        martin = self.body_for(self.martin)
        self.assertIn("- 1 open concern for you to read", martin)
        self.assertIn("- Priya Patel & Margaret Hughes: A concern raised, Falling ratings", martin)
        self.assertNotIn(CONCERN_TEXT, martin)

    def test_greta_may_choose_it_as_a_manager_of_the_programme(self):
        WeeklyReportChoice.choose(self.greta, self.programme, False)
        self.client.force_login(self.greta)
        url = reverse("programme_weekly_report", args=[self.programme.slug])
        self.assertEqual(self.client.post(url, {"wanted": "on"}).status_code, 302)
        self.assertTrue(
            WeeklyReportChoice.objects.filter(user=self.greta, programme=self.programme).exists()
        )

    def test_once_globex_leaves_the_programme_greta_gets_nothing(self):
        self.programme.partners.remove(self.globex)
        send_reports(NOW)
        self.assertEqual([m.to for m in mail.outbox], [[self.martin.email]])
