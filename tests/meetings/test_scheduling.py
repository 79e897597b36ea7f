"""Partners plan, move, cancel and log their meetings; nobody else can touch them."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.base import PersonasTestCase
from twoheads.meetings.models import Meeting, MeetingLog
from twoheads.meetings.scheduling import (
    cancel_meeting,
    log_meeting,
    proposed_times,
    record_past_meeting,
    reschedule_meeting,
    schedule_meeting,
)
from twoheads.pairing.models import Pair
from twoheads.participants.models import Participant
from twoheads.programmes.models import Programme


def local_input(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


class SchedulingPageTests(PersonasTestCase):
    def test_priya_plans_a_meeting_and_both_get_the_invitation(self):
        self.client.force_login(self.priya)
        when = (timezone.now() + timedelta(days=2)).replace(second=0, microsecond=0)
        response = self.client.post(
            reverse("meeting_schedule", args=[self.pair.pk]),
            {
                "starts_at": local_input(when),
                "duration_minutes": 60,
                "mode": "in_person",
                "location": "Café on level 2",
                "agenda": "Walk through the new dashboard",
            },
        )
        meeting = Meeting.objects.get()
        self.assertRedirects(response, meeting.get_absolute_url())
        self.assertEqual(meeting.starts_at, when)
        self.assertEqual(meeting.organiser, self.priya)
        self.assertEqual(len(mail.outbox), 2)
        page = self.client.get(meeting.get_absolute_url())
        self.assertContains(page, "Café on level 2")

    def test_a_meeting_in_person_says_where_and_an_agenda_stays_readable(self):
        self.client.force_login(self.priya)
        when = (timezone.now() + timedelta(days=2)).replace(second=0, microsecond=0)
        url = reverse("meeting_schedule", args=[self.pair.pk])
        data = {"starts_at": local_input(when), "duration_minutes": 60, "mode": "in_person"}
        self.assertContains(self.client.post(url, data), "Say where you will meet")
        long = {**data, "location": "Room 4", "agenda": "x" * 5001}
        self.assertContains(self.client.post(url, long), "at most 5000 characters")
        self.assertFalse(Meeting.objects.exists())
        self.client.post(url, {**data, "mode": "online"})
        self.assertIn("Where: Online\n", mail.outbox[0].body)

    def test_a_time_in_the_past_is_refused_with_a_clear_message(self):
        self.client.force_login(self.priya)
        response = self.client.post(
            reverse("meeting_schedule", args=[self.pair.pk]),
            {
                "starts_at": local_input(timezone.now() - timedelta(hours=1)),
                "duration_minutes": 60,
                "mode": "online",
            },
        )
        self.assertContains(response, "Choose a time in the future")
        self.assertFalse(Meeting.objects.exists())
        self.assertEqual(mail.outbox, [])

    def test_a_time_taken_by_another_meeting_or_after_the_programme_is_refused(self):
        when = (timezone.now() + timedelta(days=2)).replace(second=0, microsecond=0)
        first = schedule_meeting(self.pair, self.priya, starts_at=when, duration_minutes=60)
        with self.assertRaisesMessage(ValidationError, "You already meet at"):
            schedule_meeting(self.pair, self.margaret, starts_at=when + timedelta(minutes=30))
        # Right after the first one ends is free, and moving the first one is not a clash.
        second = schedule_meeting(self.pair, self.margaret, starts_at=when + timedelta(minutes=60))
        reschedule_meeting(first, self.priya, starts_at=when - timedelta(minutes=10))
        with self.assertRaisesMessage(ValidationError, "You already meet at"):
            reschedule_meeting(second, self.margaret, starts_at=when + timedelta(minutes=30))
        cancel_meeting(first, self.priya, note="Ill")
        reschedule_meeting(second, self.margaret, starts_at=when)  # a cancelled one is free
        self.programme.ends_on = (when + timedelta(days=5)).date()
        self.programme.save()
        with self.assertRaisesMessage(ValidationError, "The programme ends on"):
            schedule_meeting(self.pair, self.priya, starts_at=when + timedelta(days=10))
        self.assertEqual(Meeting.objects.count(), 2)

    def test_neither_partner_is_booked_twice_across_their_pairs(self):
        when = (timezone.now() + timedelta(days=2)).replace(second=0, microsecond=0)
        sams = Pair.objects.create(
            programme=self.programme, mentor=self.p_sam, mentee=self.p_margaret, status="active"
        )
        schedule_meeting(sams, self.sam, starts_at=when, duration_minutes=60)
        with self.assertRaisesMessage(ValidationError, "One of you already has another"):
            schedule_meeting(self.pair, self.priya, starts_at=when + timedelta(minutes=30))
        mine = schedule_meeting(self.pair, self.priya, starts_at=when + timedelta(minutes=60))
        with self.assertRaisesMessage(ValidationError, "One of you already has another"):
            reschedule_meeting(mine, self.priya, starts_at=when - timedelta(minutes=30))

    def test_outsiders_cannot_plan_or_see_the_pairs_meetings(self):
        meeting = schedule_meeting(
            self.pair, self.priya, starts_at=timezone.now() + timedelta(days=1)
        )
        urls = [
            reverse("meeting_schedule", args=[self.pair.pk]),
            reverse("meeting_record", args=[self.pair.pk]),
            reverse("meeting_detail", args=[meeting.pk]),
            reverse("meeting_reschedule", args=[meeting.pk]),
            reverse("meeting_cancel", args=[meeting.pk]),
            reverse("meeting_ics", args=[meeting.pk]),
        ]
        for outsider in (self.sam, self.gus, self.martin, self.olivia, self.greta):
            self.client.force_login(outsider)
            for url in urls:
                self.assertEqual(self.client.get(url).status_code, 404, (outsider, url))
            response = self.client.post(reverse("meeting_log", args=[meeting.pk]), {"held": "yes"})
            self.assertEqual(response.status_code, 404)
        self.client.logout()
        response = self.client.get(urls[2])
        self.assertRedirects(response, f"{reverse('login')}?next={urls[2]}")

    def test_margaret_moves_the_meeting_and_the_note_goes_out(self):
        meeting = schedule_meeting(
            self.pair, self.priya, starts_at=timezone.now() + timedelta(days=1)
        )
        mail.outbox.clear()
        self.client.force_login(self.margaret)
        later = (timezone.now() + timedelta(days=3)).replace(second=0, microsecond=0)
        self.client.post(
            reverse("meeting_reschedule", args=[meeting.pk]),
            {
                "starts_at": local_input(later),
                "duration_minutes": 30,
                "mode": "online",
                "link": "https://meet.example.com/x",
                "note": "Clash with the audit committee",
            },
        )
        meeting.refresh_from_db()
        self.assertEqual((meeting.starts_at, meeting.sequence), (later, 1))
        self.assertIn("Clash with the audit committee", mail.outbox[0].body)

    def test_cancelling_needs_a_note_and_tells_both(self):
        meeting = schedule_meeting(
            self.pair, self.priya, starts_at=timezone.now() + timedelta(days=1)
        )
        mail.outbox.clear()
        self.client.force_login(self.margaret)
        url = reverse("meeting_cancel", args=[meeting.pk])
        self.assertContains(self.client.post(url, {"note": ""}), "This field is required")
        self.client.post(url, {"note": "Travelling that week"})
        meeting.refresh_from_db()
        self.assertTrue(meeting.is_cancelled)
        self.assertEqual(len(mail.outbox), 2)
        self.assertIn("Travelling that week", mail.outbox[0].body)

    def test_a_cancelled_or_logged_meeting_offers_no_cancel_form(self):
        meeting = schedule_meeting(
            self.pair, self.priya, starts_at=timezone.now() + timedelta(days=1)
        )
        self.client.force_login(self.margaret)
        url = reverse("meeting_cancel", args=[meeting.pk])
        self.client.post(url, {"note": "Travelling that week"})
        response = self.client.get(url, follow=True)
        self.assertRedirects(response, meeting.get_absolute_url())
        self.assertContains(response, "This meeting is already cancelled or logged.")
        self.assertNotContains(response, "Cancel it and tell my partner")

    def test_a_meeting_that_has_started_cannot_be_cancelled(self):
        meeting = Meeting.objects.create(
            pair=self.pair, starts_at=timezone.now() - timedelta(minutes=10), organiser=self.priya
        )
        self.client.force_login(self.margaret)
        url = reverse("meeting_cancel", args=[meeting.pk])
        response = self.client.post(url, {"note": "Never mind"}, follow=True)
        self.assertRedirects(response, meeting.get_absolute_url())
        self.assertContains(response, "already started: log whether it took place instead")
        with self.assertRaisesMessage(ValidationError, "already started"):
            cancel_meeting(meeting, self.margaret, note="Never mind")
        meeting.refresh_from_db()
        self.assertFalse(meeting.is_cancelled)
        self.assertEqual(len(mail.outbox), 0)

    def test_an_online_link_is_a_web_address_and_a_note_stays_short(self):
        self.client.force_login(self.priya)
        when = (timezone.now() + timedelta(days=2)).replace(second=0, microsecond=0)
        data = {"starts_at": local_input(when), "duration_minutes": 30, "mode": "online"}
        for link in ("ftp://files.example.com/call", "javascript:alert(1)"):
            response = self.client.post(
                reverse("meeting_schedule", args=[self.pair.pk]), {**data, "link": link}
            )
            self.assertContains(response, "starting with https:// or http://")
        self.assertFalse(Meeting.objects.exists())
        with self.assertRaises(ValidationError):
            schedule_meeting(self.pair, self.priya, starts_at=when, link="ftp://x.example.com")
        meeting = schedule_meeting(self.pair, self.priya, starts_at=when)
        url = reverse("meeting_cancel", args=[meeting.pk])
        response = self.client.post(url, {"note": "x" * 1001})
        self.assertContains(response, "Keep the note to 1,000 characters or fewer (it has 1001).")
        response = self.client.post(
            reverse("meeting_reschedule", args=[meeting.pk]), {**data, "note": "y" * 1001}
        )
        self.assertContains(response, "Keep the note to 1,000 characters or fewer")
        meeting.refresh_from_db()
        self.assertEqual((meeting.status, meeting.sequence), (Meeting.Status.SCHEDULED, 0))
        self.client.post(url, {"note": "x" * 1000})
        meeting.refresh_from_db()
        self.assertTrue(meeting.is_cancelled)

    def test_the_meeting_form_says_how_long_a_meeting_may_be_in_plain_words(self):
        self.client.force_login(self.priya)
        url = reverse("meeting_schedule", args=[self.pair.pk])
        form = self.client.get(url).content.decode()
        self.assertIn('min="15"', form)
        self.assertIn('max="480"', form)
        later = (timezone.now() + timedelta(days=3)).replace(second=0, microsecond=0)
        data = {"starts_at": local_input(later), "mode": "online", "link": "https://m.example"}
        for minutes, message in (
            (10, "A meeting lasts at least 15 minutes."),
            (600, "A meeting lasts at most 8 hours (480 minutes)."),
        ):
            response = self.client.post(url, {**data, "duration_minutes": minutes})
            self.assertEqual(response.context["form"].errors["duration_minutes"], [message])

    def test_a_pair_that_is_not_active_cannot_plan_meetings(self):
        self.pair.status = Pair.Status.ENDED
        self.pair.save()
        with self.assertRaises(ValidationError):
            schedule_meeting(self.pair, self.priya, starts_at=timezone.now() + timedelta(days=1))


class LoggingTests(PersonasTestCase):
    def setUp(self):
        self.now = timezone.now()
        self.meeting = Meeting.objects.create(
            pair=self.pair, starts_at=self.now - timedelta(hours=2), organiser=self.priya
        )

    def test_either_partner_logs_a_meeting_that_took_place(self):
        self.client.force_login(self.margaret)
        url = reverse("meeting_log", args=[self.meeting.pk])
        response = self.client.post(url, {"held": "yes", "duration_minutes": 50})
        self.assertRedirects(response, self.meeting.get_absolute_url())
        log = MeetingLog.objects.get()
        self.assertEqual((log.held, log.duration_minutes, log.logged_by), (True, 50, self.margaret))

    def test_a_held_meeting_needs_its_length(self):
        self.client.force_login(self.priya)
        response = self.client.post(reverse("meeting_log", args=[self.meeting.pk]), {"held": "yes"})
        self.assertContains(response, "Say how long the meeting lasted", status_code=400)
        response = self.client.post(
            reverse("meeting_log", args=[self.meeting.pk]),
            {"held": "yes", "duration_minutes": 5000},
        )
        self.assertContains(response, "A meeting lasts at most 8 hours", status_code=400)
        self.assertNotContains(response, "Say how long", status_code=400)
        self.assertFalse(MeetingLog.objects.exists())

    def test_a_held_meeting_lasts_as_long_as_one_can_be_planned_for(self):
        """Logging follows the rule of planning: 15 minutes to 8 hours."""
        self.client.force_login(self.priya)
        url = reverse("meeting_log", args=[self.meeting.pk])
        for minutes, words in ((2, "at least 15 minutes"), (481, "at most 8 hours")):
            response = self.client.post(url, {"held": "yes", "duration_minutes": minutes})
            self.assertContains(response, words, status_code=400)
        with self.assertRaises(ValidationError):
            log_meeting(self.meeting, self.priya, held=True, duration_minutes=2)
        self.assertFalse(MeetingLog.objects.exists())
        self.client.post(url, {"held": "yes", "duration_minutes": 15})
        self.assertEqual(MeetingLog.objects.get().duration_minutes, 15)

    def test_the_same_meeting_cannot_be_logged_twice(self):
        log_meeting(self.meeting, self.priya, held=True, duration_minutes=45)
        with self.assertRaisesMessage(ValidationError, "already been logged"):
            log_meeting(self.meeting, self.margaret, held=False)
        self.client.force_login(self.margaret)
        self.client.post(reverse("meeting_log", args=[self.meeting.pk]), {"held": "no"})
        self.assertEqual(MeetingLog.objects.get().held, True)

    def test_a_meeting_in_the_future_cannot_be_logged(self):
        future = Meeting.objects.create(pair=self.pair, starts_at=self.now + timedelta(days=1))
        with self.assertRaisesMessage(ValidationError, "in the future"):
            log_meeting(future, self.priya, held=True, duration_minutes=30)
        self.assertFalse(MeetingLog.objects.exists())

    def test_a_cancelled_meeting_cannot_be_logged(self):
        before = self.meeting.starts_at - timedelta(hours=1)
        cancel_meeting(self.meeting, self.priya, note="Ill", now=before)
        with self.assertRaisesMessage(ValidationError, "cancelled"):
            log_meeting(self.meeting, self.priya, held=True, duration_minutes=30)

    def test_a_meeting_that_was_not_planned_here_can_be_logged_but_not_in_the_future(self):
        Pair.objects.filter(pk=self.pair.pk).update(created_at=self.now - timedelta(days=30))
        self.pair.refresh_from_db()
        meeting = record_past_meeting(
            self.pair, self.priya, starts_at=self.now - timedelta(days=1), duration_minutes=40
        )
        self.assertTrue(meeting.log.held)
        with self.assertRaises(ValidationError):
            record_past_meeting(
                self.pair, self.priya, starts_at=self.now + timedelta(days=1), duration_minutes=40
            )
        self.client.force_login(self.priya)
        response = self.client.post(
            reverse("meeting_record", args=[self.pair.pk]),
            {
                "starts_at": local_input(self.now + timedelta(days=2)),
                "duration_minutes": 30,
                "mode": "online",
            },
        )
        self.assertContains(response, "cannot be in the future")
        self.assertEqual(MeetingLog.objects.count(), 1)

    def test_a_meeting_already_here_is_not_logged_a_second_time(self):
        """Margaret logs the meeting Priya logged (or one overlapping it): she is sent to it."""
        Pair.objects.filter(pk=self.pair.pk).update(created_at=self.now - timedelta(days=30))
        self.pair.refresh_from_db()
        start = self.now - timedelta(days=2)
        record_past_meeting(self.pair, self.priya, starts_at=start, duration_minutes=45)
        for again in (start, start + timedelta(minutes=30), start - timedelta(minutes=15)):
            with self.assertRaisesMessage(ValidationError, "is already here"):
                record_past_meeting(self.pair, self.margaret, starts_at=again, duration_minutes=45)
        later = record_past_meeting(
            self.pair, self.margaret, starts_at=start + timedelta(minutes=45), duration_minutes=30
        )
        self.assertTrue(later.log.held)
        self.assertEqual(MeetingLog.objects.count(), 2)

    def test_a_logged_meeting_is_from_the_pairs_time_and_as_long_as_a_meeting_can_be(self):
        Pair.objects.filter(pk=self.pair.pk).update(created_at=self.now - timedelta(days=30))
        self.pair.refresh_from_db()
        with self.assertRaisesMessage(ValidationError, "You were paired on"):
            record_past_meeting(
                self.pair, self.priya, starts_at=self.now - timedelta(days=31), duration_minutes=40
            )
        with self.assertRaises(ValidationError):  # the meeting's own shortest length
            record_past_meeting(
                self.pair, self.priya, starts_at=self.now - timedelta(days=3), duration_minutes=5
            )
        self.client.force_login(self.priya)
        response = self.client.post(
            reverse("meeting_record", args=[self.pair.pk]),
            {
                "starts_at": local_input(self.now - timedelta(days=3)),
                "duration_minutes": 5,
                "mode": "online",
            },
        )
        self.assertContains(response, "A meeting lasts at least 15 minutes.")
        self.assertEqual(MeetingLog.objects.count(), 0)


class MeetingPageTests(PersonasTestCase):
    def test_a_past_unlogged_meeting_offers_the_log_form_and_no_changes(self):
        meeting = Meeting.objects.create(
            pair=self.pair, starts_at=timezone.now() - timedelta(hours=1)
        )
        self.client.force_login(self.priya)
        page = self.client.get(meeting.get_absolute_url())
        self.assertContains(page, "Log the meeting")
        self.assertNotContains(page, reverse("meeting_reschedule", args=[meeting.pk]))

    def test_a_logged_meeting_offers_feedback_and_no_second_log(self):
        meeting = Meeting.objects.create(
            pair=self.pair, starts_at=timezone.now() - timedelta(hours=1)
        )
        log_meeting(meeting, self.priya, held=True, duration_minutes=30)
        self.client.force_login(self.margaret)
        page = self.client.get(meeting.get_absolute_url())
        self.assertContains(page, reverse("feedback_create", args=[meeting.pk]))
        self.assertNotContains(page, "Log the meeting")
        self.assertContains(page, "30 minutes")
        self.client.post(
            reverse("feedback_create", args=[meeting.pk]),
            {"listened": 4, "was_listened_to": 5, "learned": 4, "will_act": 3},
        )
        self.assertTrue(meeting.feedback.filter(author=self.margaret).exists())
        page = self.client.get(meeting.get_absolute_url())
        self.assertNotContains(page, reverse("feedback_create", args=[meeting.pk]))
        self.assertContains(page, "You gave feedback on this meeting")

    def test_a_partner_downloads_the_invitation_file(self):
        meeting = schedule_meeting(
            self.pair, self.priya, starts_at=timezone.now() + timedelta(days=1)
        )
        self.client.force_login(self.margaret)
        response = self.client.get(reverse("meeting_ics", args=[meeting.pk]))
        self.assertTrue(response["Content-Type"].startswith("text/calendar"))
        self.assertIn(meeting.uid, response.content.decode())


class ProposedTimesTests(PersonasTestCase):
    """On Friday 27 November 2026 Priya is free on Wednesdays 13:00-16:00 and Margaret keeps
    office hours (both in UTC), so they are both free on 2 and 9 December, 13:00-16:00."""

    now = datetime(2026, 11, 27, 23, 39, tzinfo=UTC)

    def setUp(self):
        Participant.objects.filter(pk=self.p_priya.pk).update(availability=[[2, 780, 960]])
        self.pair = Pair.objects.select_related("mentor", "mentee").get(pk=self.pair.pk)

    def at(self, day, hour, minute=0):
        return datetime(2026, 12, day, hour, minute, tzinfo=UTC)

    def proposals(self):
        return proposed_times(Pair.objects.get(pk=self.pair.pk), now=self.now)

    def plan(self, pair, start, minutes):
        return Meeting.objects.create(pair=pair, starts_at=start, duration_minutes=minutes)

    def test_a_time_the_pair_has_booked_is_no_longer_proposed(self):
        self.assertEqual(
            self.proposals(), [(self.at(2, 13), self.at(2, 16)), (self.at(9, 13), self.at(9, 16))]
        )
        schedule_meeting(self.pair, self.priya, starts_at=self.at(2, 13), now=self.now)
        self.plan(self.pair, self.at(9, 14), 15)  # splits the range; both pieces are long enough
        self.assertEqual(
            self.proposals(),
            [
                (self.at(2, 14), self.at(2, 16)),
                (self.at(9, 13), self.at(9, 14)),
                (self.at(9, 14, 15), self.at(9, 16)),
            ],
        )

    def test_a_piece_too_short_to_meet_in_is_not_proposed_and_a_cancelled_meeting_frees_it(self):
        first = self.plan(self.pair, self.at(2, 13), 165)  # leaves 15:45-16:00
        self.plan(self.pair, self.at(9, 12), 240)  # from before the range to after it
        self.assertEqual(self.proposals(), [])
        cancel_meeting(first, self.priya, note="Ill")
        self.assertEqual(self.proposals(), [(self.at(2, 13), self.at(2, 16))])

    def test_each_partners_other_meetings_are_left_out_and_nobody_elses(self):
        nadia = Participant.objects.create(
            programme=self.programme, external_id="A300", name="Nadia Noor", role="mentee"
        )
        sams = Pair.objects.create(
            programme=self.programme, mentor=self.p_sam, mentee=self.p_margaret, status="active"
        )
        sam_and_nadia = Pair.objects.create(
            programme=self.programme, mentor=self.p_sam, mentee=nadia, status="active"
        )
        graduates = Programme.objects.create(
            organisation=self.acme, name="Acme Graduates", status="active", created_by=self.martin
        )
        priya_again = Participant.objects.create(
            programme=graduates, user=self.priya, external_id="G1", name="Priya", role="mentor"
        )
        omar = Participant.objects.create(
            programme=graduates, external_id="G2", name="Omar", role="mentee"
        )
        priya_and_omar = Pair.objects.create(
            programme=graduates, mentor=priya_again, mentee=omar, status="active"
        )
        self.plan(sams, self.at(2, 14, 30), 30)  # Margaret, with Sam
        self.plan(sam_and_nadia, self.at(2, 13), 60)  # neither of them: still free
        self.plan(priya_and_omar, self.at(9, 13), 150)  # Priya, in her other programme
        self.assertEqual(
            self.proposals(),
            [
                (self.at(2, 13), self.at(2, 14, 30)),
                (self.at(2, 15), self.at(2, 16)),
                (self.at(9, 15, 30), self.at(9, 16)),
            ],
        )

    def test_a_clash_names_the_time_as_the_site_does_in_the_readers_zone(self):
        schedule_meeting(self.pair, self.priya, starts_at=self.at(2, 13), now=self.now)
        for zone, shown in (("Europe/London", "13:00"), ("America/New_York", "08:00")):
            with timezone.override(ZoneInfo(zone)), self.assertRaises(ValidationError) as raised:
                schedule_meeting(
                    self.pair, self.margaret, starts_at=self.at(2, 13, 30), now=self.now
                )
            self.assertEqual(
                raised.exception.message_dict["starts_at"],
                [f"You already meet at Wednesday 2 December 2026, {shown}; choose another time."],
            )


class ProposedTimesPageTests(PersonasTestCase):
    def test_priya_is_not_offered_the_time_she_has_just_booked_nor_can_book_it_twice(self):
        kolkata = ZoneInfo("Asia/Kolkata")
        self.priya.timezone = "Asia/Kolkata"
        self.priya.save()
        self.client.force_login(self.priya)
        url = reverse("meeting_schedule", args=[self.pair.pk])
        start = self.client.get(url).context["proposals"][0]["start"]
        end = start + timedelta(minutes=60)
        schedule_meeting(self.pair, self.priya, starts_at=start)
        for slot in self.client.get(url).context["proposals"]:
            self.assertTrue(slot["end"] <= start or slot["start"] >= end, slot)
        mine = start.astimezone(kolkata)
        data = {
            "starts_at": mine.strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": 30,
            "mode": "online",
        }
        response = self.client.post(url, data)
        when = f"{mine:%A} {mine.day} {mine:%B %Y, %H:%M}"
        self.assertContains(response, f"You already meet at {when}; choose another time.")
        self.assertEqual(Meeting.objects.count(), 1)

    def test_using_a_free_time_shorter_than_an_hour_takes_it_whole(self):
        self.client.force_login(self.priya)
        url = reverse("meeting_schedule", args=[self.pair.pk])
        start = timezone.now().replace(microsecond=0) + timedelta(days=3)
        end = start + timedelta(minutes=30)
        query = {"start": start.isoformat(), "end": end.isoformat()}
        form = self.client.get(url, query).context["form"]
        self.assertEqual(form.initial["duration_minutes"], 30)
        query["end"] = (start + timedelta(hours=3)).isoformat()
        form = self.client.get(url, query).context["form"]
        self.assertNotIn("duration_minutes", form.initial)  # the usual hour
        page = self.client.get(url)
        self.assertContains(page, "&amp;end=")
