"""Text going to a partner in another organisation passes the confidentiality guard first."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from tests.base import PersonasTestCase
from twoheads.guard.models import GuardConfirmation
from twoheads.journal.models import Goal, Idea, JournalEntry
from twoheads.journal.relationship import record_idea
from twoheads.meetings.models import Meeting
from twoheads.pairing.models import Pair, PairRequest
from twoheads.participants.models import Participant

FLAGGED = "Project Falcon will cut costs; write to cfo@acme.test for the numbers."


class CrossOrganisationSharingTests(PersonasTestCase):
    def setUp(self):
        self.acme.confidential_terms = "Project Falcon"
        self.acme.save()
        self.p_gus_here = self.open_to_globex()
        self.cross = Pair.objects.create(
            programme=self.programme,
            mentor=self.p_gus_here,
            mentee=self.p_margaret,
            status=Pair.Status.ACTIVE,
        )
        self.client.force_login(self.margaret)

    def share_note(self, text, **extra):
        return self.client.post(
            reverse("journal_new", args=[self.cross.pk]),
            {"title": "Notes", "text": text, "share": "on", **extra},
        )

    def test_a_flagged_note_is_held_back_with_the_findings_highlighted(self):
        response = self.share_note(FLAGGED)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Check before you share")
        self.assertContains(response, "<mark")
        self.assertContains(response, "Project Falcon</mark>")
        self.assertFalse(JournalEntry.objects.exists())

    def test_editing_the_flags_out_lets_it_through(self):
        self.share_note(FLAGGED)
        self.share_note("A cost programme is under way; happy to talk about the approach.")
        entry = JournalEntry.objects.get()
        self.assertTrue(entry.is_shared)
        self.assertFalse(GuardConfirmation.objects.exists())

    def test_confirming_with_a_reason_shares_it_and_keeps_the_confirmation(self):
        shown = self.share_note(FLAGGED).context["crossing"].fingerprint
        reason = "Falcon was announced publicly last week"
        self.share_note(FLAGGED, guard_reason=reason, guard_shown=shown)
        self.assertTrue(JournalEntry.objects.get().is_shared)
        confirmation = GuardConfirmation.objects.get()
        self.assertEqual(confirmation.content_kind, "journal_entry")
        self.assertEqual(confirmation.pair, self.cross)
        self.assertIn("confidential_term", confirmation.kinds)

    def test_a_reason_covers_only_what_was_shown(self):
        shown = self.share_note("Project Falcon starts soon.").context["crossing"].fingerprint
        # The text grows a phone number on the check page, and a reason is given.
        longer = "Project Falcon starts soon. Ring me on 07700 900123."
        response = self.share_note(longer, guard_reason="Falcon is public", guard_shown=shown)
        self.assertContains(response, "Check before you share")
        self.assertContains(response, "07700 900123</mark>")
        self.assertFalse(JournalEntry.objects.exists())
        shown = response.context["crossing"].fingerprint
        self.share_note(
            longer, guard_reason="Falcon is public; that is my work phone", guard_shown=shown
        )
        self.assertTrue(JournalEntry.objects.get().is_shared)

    def test_a_private_note_is_not_checked(self):
        self.client.post(
            reverse("journal_new", args=[self.cross.pk]), {"title": "Mine", "text": FLAGGED}
        )
        self.assertFalse(JournalEntry.objects.get().is_shared)

    def test_ideas_and_meeting_agendas_are_checked_too(self):
        self.client.post(
            reverse("idea_new", args=[self.cross.pk]),
            {"title": "Run Project Falcon like a startup", "direction": "mine"},
        )
        self.assertFalse(Idea.objects.exists())
        when = timezone.localtime(timezone.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
        response = self.client.post(
            reverse("meeting_schedule", args=[self.cross.pk]),
            {"starts_at": when, "duration_minutes": 60, "mode": "online", "agenda": FLAGGED},
        )
        self.assertContains(response, "Check before you share")
        self.assertFalse(Meeting.objects.exists())

    def test_a_meetings_place_and_link_are_checked_with_its_agenda(self):
        when = timezone.localtime(timezone.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
        url = reverse("meeting_schedule", args=[self.cross.pk])
        base = {"starts_at": when, "duration_minutes": 60}
        place = {"mode": "in_person", "location": "Project Falcon war room"}
        link = {"mode": "online", "link": "https://meet.example.com/falcon?cfo@acme.test"}
        for data in (place, link):
            response = self.client.post(url, {**base, **data})
            self.assertContains(response, "Check before you share")
        self.assertFalse(Meeting.objects.exists())

    def test_changing_an_idea_or_a_goal_is_checked_like_writing_it(self):
        idea = record_idea(self.cross, self.margaret, shared_by=self.p_margaret, title="Pilots")
        goal = Goal.objects.create(pair=self.cross, owner=self.p_margaret, title="Listen")
        response = self.client.post(
            reverse("idea_edit", args=[idea.pk]), {"title": "Pilot Project Falcon"}
        )
        self.assertContains(response, "Check before you share")
        response = self.client.post(
            reverse("goal_edit", args=[goal.pk]),
            {"kind": "listening", "title": "Listen", "description": FLAGGED},
        )
        self.assertContains(response, "Check before you share")
        idea.refresh_from_db()
        goal.refresh_from_db()
        self.assertEqual((idea.title, goal.description), ("Pilots", ""))

    def test_a_cancellation_note_a_goal_update_and_a_closing_reason_are_checked_too(self):
        meeting = Meeting.objects.create(
            pair=self.cross,
            organiser=self.margaret,
            starts_at=timezone.now() + timedelta(days=3),
            duration_minutes=60,
        )
        goal = Goal.objects.create(pair=self.cross, owner=self.p_margaret, title="Listen")
        cancel = reverse("meeting_cancel", args=[meeting.pk])
        progress = reverse("goal_progress", args=[goal.pk])
        close = reverse("pair_close", args=[self.cross.pk])
        for url, data in (
            (cancel, {"note": FLAGGED}),
            (progress, {"progress": 40, "note": FLAGGED}),
            (close, {"reason": FLAGGED}),
        ):
            response = self.client.post(url, data)
            shown = response.context["crossing"].fingerprint
            self.assertContains(response, "Check before you share", msg_prefix=url)
            self.assertContains(response, "Project Falcon</mark>", msg_prefix=url)
        meeting.refresh_from_db()
        goal.refresh_from_db()
        self.cross.refresh_from_db()
        self.assertEqual(
            (meeting.status, goal.progress, goal.updates.count(), self.cross.status),
            (Meeting.Status.SCHEDULED, 0, 0, Pair.Status.ACTIVE),
        )
        # With a reason, each goes through and the confirmation is kept.
        reason = {"guard_reason": "Falcon is public now", "guard_shown": shown}
        self.client.post(cancel, {"note": FLAGGED, **reason})
        self.client.post(progress, {"progress": 40, "note": FLAGGED, **reason})
        self.client.post(close, {"reason": FLAGGED, **reason})
        meeting.refresh_from_db()
        goal.refresh_from_db()
        self.cross.refresh_from_db()
        self.assertEqual(
            (meeting.status, goal.progress, self.cross.status),
            (Meeting.Status.CANCELLED, 40, Pair.Status.ENDED),
        )
        kinds = set(GuardConfirmation.objects.values_list("content_kind", flat=True))
        self.assertEqual(kinds, {"meeting_note", "goal_note", "closing_reason"})

    def test_a_pairing_request_and_its_answer_are_checked_too(self):
        self.programme.matching_mode = "suggest"
        self.programme.save()
        self.cross.delete()
        Participant.objects.filter(pk=self.p_margaret.pk).update(capacity=3)
        url = reverse("request_send", args=[self.programme.slug, self.p_gus_here.pk])
        response = self.client.post(url, {"message": FLAGGED})
        self.assertContains(response, "Check before you share")
        self.assertFalse(PairRequest.objects.exists())
        shown = response.context["crossing"].fingerprint
        self.client.post(url, {"message": FLAGGED, "guard_reason": "public", "guard_shown": shown})
        req = PairRequest.objects.get()
        # Gus declines with words of his own organisation's: checked on their way to Margaret.
        self.acme.confidential_terms = ""
        self.acme.save()
        self.globex.confidential_terms = "Project Kite"
        self.globex.save()
        self.client.force_login(self.gus)
        answer = reverse("request_respond", args=[req.pk])
        response = self.client.post(
            answer, {"decision": "decline", "reason": "Busy on Project Kite"}
        )
        self.assertContains(response, "Check before you share")
        req.refresh_from_db()
        self.assertEqual(req.status, PairRequest.Status.PENDING)
        kinds = set(GuardConfirmation.objects.values_list("content_kind", flat=True))
        self.assertEqual(kinds, {"request_message"})

    def test_inside_one_organisation_nothing_is_flagged(self):
        self.client.force_login(self.priya)
        self.client.post(
            reverse("journal_new", args=[self.pair.pk]),
            {"title": "Notes", "text": FLAGGED, "share": "on"},
        )
        self.assertTrue(JournalEntry.objects.get().is_shared)
        self.assertFalse(GuardConfirmation.objects.exists())
