"""Every scheduled, moved or cancelled meeting reaches both calendars with the same UID."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from tests.base import PersonasTestCase
from twoheads.meetings.models import CalendarFeed, Meeting
from twoheads.meetings.scheduling import cancel_meeting, reschedule_meeting, schedule_meeting


def calendar_of(message) -> Calendar:
    for part in message.message().walk():
        if part.get_content_type() == "text/calendar":
            return Calendar.from_ical(part.get_payload(decode=True))
    raise AssertionError("no text/calendar part in the message")


def event_of(message):
    return calendar_of(message).walk("VEVENT")[0]


class InvitationTests(PersonasTestCase):
    def setUp(self):
        self.start = (timezone.now() + timedelta(days=3)).replace(microsecond=0)
        self.meeting = schedule_meeting(
            self.pair,
            self.priya,
            starts_at=self.start,
            duration_minutes=45,
            mode=Meeting.Mode.ONLINE,
            link="https://meet.example.com/abc",
            agenda="Show Margaret the prompt library",
        )

    def test_it_mails_both_partners_a_request_they_can_parse(self):
        self.assertEqual(
            sorted(m.to[0] for m in mail.outbox), ["margaret@acme.test", "priya@acme.test"]
        )
        cal = calendar_of(mail.outbox[0])
        self.assertEqual(cal["METHOD"], "REQUEST")
        event = cal.walk("VEVENT")[0]
        self.assertEqual(str(event["UID"]), self.meeting.uid)
        self.assertEqual(event["SEQUENCE"], 0)
        self.assertEqual(event.decoded("DTSTART"), self.start)
        self.assertEqual(event.decoded("DTEND"), self.start + timedelta(minutes=45))
        self.assertEqual(str(event["ORGANIZER"]), "mailto:priya@acme.test")
        attendees = sorted(str(a) for a in event["ATTENDEE"])
        self.assertEqual(attendees, ["mailto:margaret@acme.test", "mailto:priya@acme.test"])
        answers = {str(a): (a.params["PARTSTAT"], a.params["RSVP"]) for a in event["ATTENDEE"]}
        self.assertEqual(answers["mailto:priya@acme.test"], ("ACCEPTED", "FALSE"))  # she planned it
        self.assertEqual(answers["mailto:margaret@acme.test"], ("NEEDS-ACTION", "TRUE"))
        self.assertIn("prompt library", str(event["DESCRIPTION"]))
        self.assertEqual(str(event["LOCATION"]), "https://meet.example.com/abc")

    def test_the_attachment_declares_its_method_for_outlook(self):
        part = next(
            p for p in mail.outbox[0].message().walk() if p.get_content_type() == "text/calendar"
        )
        self.assertEqual(part.get_param("method"), "REQUEST")

    def test_it_keeps_the_uid_and_raises_the_sequence_when_moved(self):
        mail.outbox.clear()
        later = self.start + timedelta(days=1)
        reschedule_meeting(self.meeting, self.margaret, starts_at=later, note="Board meeting moved")
        event = event_of(mail.outbox[0])
        self.assertEqual(str(event["UID"]), self.meeting.uid)
        self.assertEqual(event["SEQUENCE"], 1)
        self.assertEqual(event.decoded("DTSTART"), later)
        self.assertIn("Board meeting moved", str(event["DESCRIPTION"]))

    def test_a_cancellation_is_a_cancel_with_the_same_uid_and_a_higher_sequence(self):
        reschedule_meeting(self.meeting, self.priya, starts_at=self.start + timedelta(hours=2))
        mail.outbox.clear()
        cancel_meeting(Meeting.objects.get(pk=self.meeting.pk), self.priya, note="Off sick")
        self.assertEqual(len(mail.outbox), 2)
        cal = calendar_of(mail.outbox[0])
        self.assertEqual(cal["METHOD"], "CANCEL")
        event = cal.walk("VEVENT")[0]
        self.assertEqual(str(event["UID"]), self.meeting.uid)
        self.assertEqual(event["SEQUENCE"], 2)
        self.assertEqual(str(event["STATUS"]), "CANCELLED")

    def test_each_partner_reads_the_time_in_their_own_zone(self):
        self.margaret.timezone = "Asia/Tokyo"
        self.margaret.save()
        mail.outbox.clear()
        reschedule_meeting(self.meeting, self.priya, starts_at=self.start.replace(hour=1, minute=0))
        body = next(m for m in mail.outbox if m.to == ["margaret@acme.test"]).body
        self.assertIn("10:00", body)
        self.assertIn("Asia/Tokyo", body)

    def test_each_subject_names_the_partner(self):
        subjects = {m.to[0]: m.subject for m in mail.outbox}
        self.assertTrue(subjects["priya@acme.test"].startswith("Mentoring meeting with Margaret"))
        self.assertTrue(subjects["margaret@acme.test"].startswith("Mentoring meeting with Priya"))
        mail.outbox.clear()
        cancel_meeting(Meeting.objects.get(pk=self.meeting.pk), self.priya, note="Off sick")
        self.assertTrue(mail.outbox[0].subject.startswith("Meeting with "))
        self.assertIn(" cancelled: ", mail.outbox[0].subject)


class WhoDidWhatTests(PersonasTestCase):
    """Priya plans a meeting, Margaret moves it, Priya cancels it: every email says who did
    what, and the calendars show whoever made the last change as having accepted it."""

    def setUp(self):
        london = ZoneInfo("Europe/London")
        day = (timezone.now() + timedelta(days=4)).astimezone(london).date()
        self.start = datetime.combine(day, time(11), tzinfo=london)
        self.meeting = schedule_meeting(
            self.pair, self.priya, starts_at=self.start, duration_minutes=45
        )

    def body_for(self, email):
        return next(m.body for m in mail.outbox if m.to == [email])

    def answers(self, message):
        event = event_of(message)
        return {str(a): a.params["PARTSTAT"] for a in event["ATTENDEE"]}

    def test_the_invitation_says_who_planned_it(self):
        self.assertIn(
            "Priya Patel planned a mentoring meeting with you.", self.body_for("margaret@acme.test")
        )
        self.assertIn(
            "You planned a mentoring meeting with Margaret Hughes.",
            self.body_for("priya@acme.test"),
        )

    def test_a_change_says_who_made_it_what_changed_and_when_it_was(self):
        mail.outbox.clear()
        later = self.start + timedelta(days=1, hours=2)
        reschedule_meeting(self.meeting, self.margaret, starts_at=later, note="Audit day")
        to_priya = self.body_for("priya@acme.test")
        self.assertIn("Margaret Hughes changed your mentoring meeting.", to_priya)
        self.assertIn("What changed: the time.", to_priya)
        was = self.start.astimezone(ZoneInfo("UTC"))  # Priya reads in her own zone, UTC
        self.assertIn(f"Before: {was:%A} {was.day} {was:%B %Y, %H:%M} (UTC), 45 minutes", to_priya)
        self.assertIn(
            "You changed your mentoring meeting with Priya Patel.",
            self.body_for("margaret@acme.test"),
        )
        self.assertTrue(mail.outbox[0].subject.startswith("Meeting with "))
        self.assertIn(" moved: ", mail.outbox[0].subject)

    def test_the_partner_who_moved_it_has_accepted_and_the_other_is_asked(self):
        self.assertEqual(
            self.answers(mail.outbox[0]),
            {"mailto:priya@acme.test": "ACCEPTED", "mailto:margaret@acme.test": "NEEDS-ACTION"},
        )
        mail.outbox.clear()
        reschedule_meeting(self.meeting, self.margaret, agenda="Budgets, then the prompt library")
        for message in mail.outbox:
            self.assertEqual(
                self.answers(message),
                {
                    "mailto:priya@acme.test": "NEEDS-ACTION",
                    "mailto:margaret@acme.test": "ACCEPTED",
                },
            )
        self.assertIn("What changed: the agenda.", self.body_for("priya@acme.test"))
        self.assertNotIn("Before:", self.body_for("priya@acme.test"))
        self.client.force_login(self.priya)
        download = self.client.get(reverse("meeting_ics", args=[self.meeting.pk])).content
        event = Calendar.from_ical(download).walk("VEVENT")[0]
        answers = {str(a): a.params["PARTSTAT"] for a in event["ATTENDEE"]}
        self.assertEqual(answers["mailto:margaret@acme.test"], "ACCEPTED")
        self.assertEqual(answers["mailto:priya@acme.test"], "NEEDS-ACTION")

    def test_saving_the_change_form_with_nothing_changed_sends_nothing(self):
        mail.outbox.clear()
        with self.assertRaisesMessage(ValidationError, "Nothing has changed"):
            reschedule_meeting(self.meeting, self.margaret, starts_at=self.start, note="Same")
        self.client.force_login(self.margaret)
        response = self.client.post(
            reverse("meeting_reschedule", args=[self.meeting.pk]),
            {
                "starts_at": timezone.localtime(self.start).strftime("%Y-%m-%dT%H:%M"),
                "duration_minutes": 45,
                "mode": "online",
            },
        )
        self.assertContains(response, "Nothing has changed, so nothing was sent.")
        self.meeting.refresh_from_db()
        self.assertEqual((self.meeting.sequence, self.meeting.changed_by), (0, None))
        self.assertEqual(mail.outbox, [])

    def test_the_cancellation_says_who_cancelled_it(self):
        mail.outbox.clear()
        cancel_meeting(self.meeting, self.priya, note="Off sick")
        self.assertIn(
            "Priya Patel cancelled your mentoring meeting.", self.body_for("margaret@acme.test")
        )
        self.assertIn(
            "You cancelled your mentoring meeting with Margaret Hughes.",
            self.body_for("priya@acme.test"),
        )
        self.client.force_login(self.margaret)
        page = self.client.get(self.meeting.get_absolute_url()).content.decode()
        self.assertInHTML("<dt>Cancelled by</dt><dd>Priya Patel</dd>", page)
        self.assertInHTML("<dt>Why it was cancelled</dt><dd>Off sick</dd>", page)

    def test_a_cancellation_by_the_site_says_nobody_did_it(self):
        mail.outbox.clear()
        cancel_meeting(self.meeting, None, note="The mentoring pair has closed.")
        body = self.body_for("margaret@acme.test")
        self.assertIn("between Priya Patel and Margaret Hughes is cancelled.", body)
        self.assertNotIn("None", body)


class InlineInvitationTests(PersonasTestCase):
    def test_the_calendar_message_is_inline_beside_the_text_and_attached_too(self):
        start = (timezone.now() + timedelta(days=3)).replace(microsecond=0)
        meeting = schedule_meeting(
            self.pair,
            self.priya,
            starts_at=start,
            duration_minutes=30,
            mode=Meeting.Mode.ONLINE,
            link="https://meet.example.com/x",
        )
        message = mail.outbox[0].message()
        self.assertEqual(message.get_content_type(), "multipart/mixed")
        alternative, attachment = message.get_payload()
        self.assertEqual(alternative.get_content_type(), "multipart/alternative")
        text, inline = alternative.get_payload()
        self.assertEqual(text.get_content_type(), "text/plain")
        self.assertEqual(inline.get_content_type(), "text/calendar")
        self.assertEqual(inline.get_param("method"), "REQUEST")
        self.assertIsNone(inline.get_content_disposition())
        self.assertEqual(attachment.get_content_type(), "text/calendar")
        self.assertEqual(attachment.get_content_disposition(), "attachment")
        self.assertEqual(attachment.get_filename(), "invite.ics")
        self.assertEqual(inline.get_payload(decode=True), attachment.get_payload(decode=True))
        self.assertEqual(Calendar.from_ical(inline.get_payload(decode=True))["METHOD"], "REQUEST")

        mail.outbox.clear()
        cancel_meeting(meeting, self.priya, note="Off sick")
        (alternative, attachment) = mail.outbox[0].message().get_payload()
        self.assertEqual(alternative.get_payload()[1].get_param("method"), "CANCEL")
        self.assertEqual(attachment.get_filename(), "cancel.ics")


def undefined_zones(cal: Calendar) -> set[str]:
    """The TZIDs the file's times name that no VTIMEZONE of the file defines (RFC 5545 3.2.19)."""
    named = set()
    for component in cal.walk():
        for values in component.values():
            for value in values if isinstance(values, list) else [values]:
                params = getattr(value, "params", {})
                if "TZID" in params:
                    named.add(str(params["TZID"]))
    defined = {str(zone["TZID"]) for zone in cal.walk("VTIMEZONE")}
    return named - defined


class CalendarFileTests(PersonasTestCase):
    """Priya plans in London time and Margaret moves the meeting in New York time: every file
    about it defines what it names, and the email, the download and the feed agree."""

    def setUp(self):
        london, new_york = ZoneInfo("Europe/London"), ZoneInfo("America/New_York")
        day = (timezone.now() + timedelta(days=5)).astimezone(london).date()
        self.start = datetime.combine(day, time(11), tzinfo=london)
        self.meeting = schedule_meeting(self.pair, self.priya, starts_at=self.start)
        self.later = datetime.combine(day + timedelta(days=1), time(9), tzinfo=new_york)
        self.moved = reschedule_meeting(
            self.meeting, self.margaret, starts_at=self.later, note="Flying out"
        )
        self.files = [calendar_of(message) for message in mail.outbox]

    def download(self) -> Calendar:
        self.client.force_login(self.margaret)
        response = self.client.get(reverse("meeting_ics", args=[self.meeting.pk]))
        return Calendar.from_ical(response.content)

    def feed(self) -> Calendar:
        _feed, secret = CalendarFeed.issue(self.priya)
        return Calendar.from_ical(self.client.get(reverse("calendar_feed", args=[secret])).content)

    def test_every_zone_an_emailed_invitation_names_is_defined(self):
        cancel_meeting(self.moved, self.priya, note="Off sick")
        files = [calendar_of(message) for message in mail.outbox]
        self.assertEqual(len(files), 6)  # planned, moved, cancelled; two partners each
        for cal in files:
            self.assertEqual(undefined_zones(cal), set(), cal.to_ical().decode())

    def test_the_download_and_the_feed_define_every_zone_they_name(self):
        for cal in (self.download(), self.feed()):
            self.assertEqual(undefined_zones(cal), set(), cal.to_ical().decode())

    def test_the_email_the_download_and_the_feed_give_the_same_times(self):
        emailed = self.files[-1].walk("VEVENT")[0]
        for cal in (self.download(), self.feed()):
            event = cal.walk("VEVENT")[0]
            self.assertEqual(str(event["UID"]), str(emailed["UID"]))
            for name in ("DTSTART", "DTEND"):
                self.assertEqual(event[name].to_ical(), emailed[name].to_ical(), name)
                self.assertEqual(dict(event[name].params), dict(emailed[name].params), name)
        self.assertEqual(emailed.decoded("DTSTART"), self.later)
        self.assertEqual(emailed["SEQUENCE"], 1)
