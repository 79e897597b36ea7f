"""A calendar app reads a person's meetings with nothing but the secret address."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from tests.base import PersonasTestCase
from twoheads.meetings.models import CalendarFeed, Meeting
from twoheads.meetings.scheduling import cancel_meeting, log_meeting, schedule_meeting
from twoheads.pairing.models import Pair


class CalendarFeedTests(PersonasTestCase):
    def setUp(self):
        self.meeting = schedule_meeting(
            self.pair, self.priya, starts_at=timezone.now() + timedelta(days=5), agenda="Roadmap"
        )
        other = Pair.objects.create(
            programme=self.programme, mentor=self.p_sam, mentee=self.p_margaret, status="active"
        )
        self.sams = Meeting.objects.create(pair=other, starts_at=timezone.now() + timedelta(days=1))

    def feed_path(self, secret):
        return reverse("calendar_feed", args=[secret])

    def test_the_secret_alone_opens_the_feed_with_only_the_owners_meetings(self):
        _feed, secret = CalendarFeed.issue(self.priya)
        response = self.client.get(self.feed_path(secret))  # no session: a calendar app
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response["Content-Type"].startswith("text/calendar"))
        cal = Calendar.from_ical(response.content)
        uids = [str(e["UID"]) for e in cal.walk("VEVENT")]
        self.assertEqual(uids, [self.meeting.uid])
        self.assertNotIn(self.sams.uid, response.content.decode())

    def test_only_the_hash_of_the_secret_is_stored(self):
        feed, secret = CalendarFeed.issue(self.priya)
        self.assertNotIn(secret, (feed.digest, feed.lookup))
        self.assertEqual(feed.digest, CalendarFeed.hash_secret(secret))

    def test_a_wrong_or_revoked_secret_gets_a_404(self):
        _feed, secret = CalendarFeed.issue(self.priya)
        self.assertEqual(self.client.get(self.feed_path(secret + "x")).status_code, 404)
        self.assertEqual(self.client.get(self.feed_path("nonsense")).status_code, 404)
        CalendarFeed.revoke_all(self.priya)
        self.assertEqual(self.client.get(self.feed_path(secret)).status_code, 404)

    def test_a_new_address_turns_the_old_one_off(self):
        _feed, old = CalendarFeed.issue(self.priya)
        _feed, new = CalendarFeed.issue(self.priya)
        self.assertEqual(self.client.get(self.feed_path(old)).status_code, 404)
        self.assertEqual(self.client.get(self.feed_path(new)).status_code, 200)

    def test_a_deactivated_account_feeds_nothing(self):
        _feed, secret = CalendarFeed.issue(self.priya)
        self.priya.is_active = False
        self.priya.save()
        self.assertEqual(self.client.get(self.feed_path(secret)).status_code, 404)

    def test_cancelled_meetings_stay_in_the_feed_as_cancelled_with_the_same_uid(self):
        _feed, secret = CalendarFeed.issue(self.priya)
        cancel_meeting(self.meeting, self.priya, note="Moved to next month")
        cal = Calendar.from_ical(self.client.get(self.feed_path(secret)).content)
        event = cal.walk("VEVENT")[0]
        self.assertEqual((str(event["UID"]), str(event["STATUS"])), (self.meeting.uid, "CANCELLED"))

    def test_a_meeting_that_did_not_happen_shows_as_cancelled_and_offers_no_invite(self):
        past = Meeting.objects.create(
            pair=self.pair, starts_at=timezone.now() - timedelta(days=2), organiser=self.priya
        )
        log_meeting(past, self.priya, held=False)
        _feed, secret = CalendarFeed.issue(self.priya)
        cal = Calendar.from_ical(self.client.get(self.feed_path(secret)).content)
        status = {str(e["UID"]): str(e["STATUS"]) for e in cal.walk("VEVENT")}
        self.assertEqual((status[past.uid], status[self.meeting.uid]), ("CANCELLED", "CONFIRMED"))
        self.client.force_login(self.priya)
        ics = reverse("meeting_ics", args=[past.pk])
        self.assertNotContains(self.client.get(past.get_absolute_url()), ics)
        ics = reverse("meeting_ics", args=[self.meeting.pk])
        self.assertContains(self.client.get(self.meeting.get_absolute_url()), ics)

    def test_the_settings_page_shows_the_address_once_and_can_turn_it_off(self):
        self.client.force_login(self.priya)
        response = self.client.post(reverse("calendar_feed_issue"), follow=True)
        self.assertEqual(response.redirect_chain, [(reverse("calendar_settings"), 302)])
        secret_url = response.context["feed_url"]
        self.assertContains(response, secret_url)
        page = self.client.get(reverse("calendar_settings"))  # a reload issues nothing
        self.assertEqual(CalendarFeed.objects.filter(user=self.priya).count(), 1)
        self.assertNotContains(page, secret_url)
        self.assertContains(page, "You have a calendar address")
        self.client.post(reverse("calendar_feed_revoke"))
        path = secret_url.split("127.0.0.1:8000", 1)[1]
        self.client.logout()
        self.assertEqual(self.client.get(path).status_code, 404)

    def test_the_settings_page_needs_a_sign_in(self):
        url = reverse("calendar_settings")
        self.assertRedirects(self.client.get(url), f"{reverse('login')}?next={url}")

    def test_the_settings_page_says_everything_the_feed_shows_to_whoever_has_the_address(self):
        """Names, agenda, notes and video links travel in the feed; the page warns of each."""
        moved = Meeting.objects.get(pk=self.meeting.pk)
        moved.mode, moved.link = Meeting.Mode.ONLINE, "https://meet.example.com/roadmap"
        moved.note = "Pushed back a day for the board"
        moved.save()
        _feed, secret = CalendarFeed.issue(self.priya)
        cal = Calendar.from_ical(self.client.get(self.feed_path(secret)).content)
        event = cal.walk("VEVENT")[0]
        self.assertEqual(str(event["SUMMARY"]), "Mentoring: Priya Patel and Margaret Hughes")
        self.assertIn("Roadmap", str(event["DESCRIPTION"]))
        self.assertIn("for the board", str(event["DESCRIPTION"]))
        self.assertEqual(str(event["LOCATION"]), moved.link)
        self.assertNotIn("ATTENDEE", event)
        self.assertNotIn("ORGANIZER", event)
        self.client.force_login(self.priya)
        page = self.client.get(reverse("calendar_settings"))
        for words in (
            "your name and your partner",
            "the agenda",
            "the note left when it was moved or cancelled",
            "the video call link",
            "Email addresses are not in it",
        ):
            self.assertContains(page, words)
        self.assertNotContains(page, "can read your meeting times")
