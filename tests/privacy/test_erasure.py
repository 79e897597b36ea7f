from datetime import timedelta

from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from tests.base import PASSWORD
from tests.privacy.stories import PHRASES, PrivacyStory
from twoheads.accounts.models import AuditEvent, audit
from twoheads.insights.models import SentWeeklyReport, WeeklyReportChoice
from twoheads.journal.models import JournalEntry
from twoheads.meetings.models import Meeting
from twoheads.pairing.models import Pair, PairRequest
from twoheads.privacy.erasure import erase_person
from twoheads.privacy.redaction import matching_rows, text_columns

GONE = [
    "private",
    "goal",
    "feedback_private",
    "checkin_private",
    "concern",
    "guard_reason",
    "department",
    "interest",
]


def rows_containing(needle):
    """(model, column, pk) of every row in the database whose text holds `needle`."""
    found = []
    for model in apps.get_models():
        if not model._meta.managed:
            continue
        for field in text_columns(model):
            for pk in matching_rows(model, field, needle).values_list("pk", flat=True):
                found.append((model._meta.label, field.name, pk))
    return found


class ErasureStory(PrivacyStory):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        JournalEntry.objects.create(
            pair=cls.pair, author=cls.margaret, text="Coffee with Priya Patel, priya@acme.test"
        )
        PairRequest.objects.create(
            programme=cls.programme,
            sender=cls.p_priya,
            recipient=cls.p_lewis,
            message="Request only Priya wrote: pair on pivot tables?",
        )
        audit(cls.martin, "participant.view", "Priya Patel", organisation=cls.acme)
        cls.p_sam.bio = "Learning from Priya Patel how she writes prompts"
        cls.p_sam.save()


class ErasureTests(ErasureStory):
    """Priya asks for her data to be erased."""

    def test_it_leaves_no_name_email_or_private_phrase_anywhere_in_the_database(self):
        self.assertTrue(rows_containing("Priya Patel"))
        erase_person(self.priya, self.priya, "Leaving Acme")
        for needle in [
            "Priya Patel",
            "priya@acme.test",
            "pair on pivot tables",
            *(PHRASES[k] for k in GONE),
        ]:
            self.assertEqual(rows_containing(needle), [], needle)

    def test_what_she_shared_stays_for_margaret_as_a_former_participant(self):
        erase_person(self.priya, self.priya)
        self.client.force_login(self.margaret)
        response = self.client.get(reverse("pair_detail", args=[self.pair.pk]))
        self.assertContains(response, PHRASES["shared"])
        self.assertContains(response, "A former participant")
        self.assertContains(
            self.client.get(reverse("idea_detail", args=[self.idea.pk])), PHRASES["idea"]
        )
        self.assertContains(
            self.client.get(reverse("meeting_detail", args=[self.meeting.pk])), PHRASES["agenda"]
        )

    def test_someone_else_with_her_name_keeps_it(self):
        from twoheads.participants.models import Participant

        other = Participant.objects.create(
            programme=self.globex_programme, external_id="G7", name="Priya Patel"
        )
        erase_person(self.priya, self.priya)
        other.refresh_from_db()
        self.assertEqual(other.name, "Priya Patel")
        self.p_sam.refresh_from_db()
        self.assertEqual(self.p_sam.bio, "Learning from [removed] how she writes prompts")

    def test_margarets_own_private_note_stays_hers(self):
        erase_person(self.priya, self.priya)
        self.assertTrue(JournalEntry.objects.filter(text=PHRASES["margaret_private"]).exists())

    def test_her_account_is_closed_and_scrubbed(self):
        erase_person(self.priya, self.priya)
        self.priya.refresh_from_db()
        self.assertFalse(self.priya.is_active)
        self.assertFalse(self.priya.has_usable_password())
        self.assertTrue(self.priya.email.endswith("@erased.invalid"))
        self.assertFalse(self.client.login(email="priya@acme.test", password=PASSWORD))
        self.assertFalse(self.priya.memberships.exists())

    def test_a_managers_weekly_reports_stop_with_the_erasure(self):
        """Martin had asked for the programme's weekly report; erased, no choice or record of
        one stays linked to his closed account."""
        WeeklyReportChoice.choose(self.martin, self.programme, wanted=True)
        SentWeeklyReport.objects.create(
            user=self.martin, programme=self.programme, week=timezone.localdate()
        )
        erase_person(self.martin, self.martin)
        self.assertFalse(WeeklyReportChoice.objects.filter(user=self.martin).exists())
        self.assertFalse(SentWeeklyReport.objects.filter(user=self.martin).exists())

    def test_her_pair_ends_and_her_profile_is_an_empty_record(self):
        erase_person(self.priya, self.priya)
        self.pair.refresh_from_db()
        self.p_priya.refresh_from_db()
        self.assertEqual(self.pair.status, Pair.Status.ENDED)
        self.assertIsNone(self.p_priya.user)
        self.assertEqual(self.p_priya.name, "A former participant")
        self.assertTrue(self.p_priya.external_id.startswith("erased-"))
        self.assertFalse(self.p_priya.skills.exists())

    def test_her_open_concern_is_closed_without_its_text(self):
        erase_person(self.priya, self.priya)
        self.concern.refresh_from_db()
        self.assertFalse(self.concern.is_open)
        self.assertEqual(self.concern.text, "")

    def test_it_is_audited_in_her_organisation_without_her_name(self):
        erase_person(self.priya, self.olivia, "Asked by Priya Patel in writing")
        event = AuditEvent.objects.get(action="privacy.erase")
        self.assertEqual((event.actor, event.organisation), (self.olivia, self.acme))
        self.assertNotIn("Priya", event.target + event.reason + str(event.details))
        self.assertIn("private journal entries", event.details["deleted"])

    def test_her_meetings_still_to_come_are_cancelled_and_her_requests_closed(self):
        ahead = Meeting.objects.create(
            pair=self.pair, starts_at=timezone.now() + timedelta(days=3), organiser=self.margaret
        )
        erase_person(self.priya, self.olivia)
        ahead.refresh_from_db()
        self.assertEqual(ahead.status, "cancelled")
        self.assertFalse(PairRequest.objects.pending().exists())

    def test_her_hr_id_leaves_the_audit_details_and_others_stay(self):
        audit(
            self.martin,
            "run.lock",
            "run 1",
            organisation=self.acme,
            mentor=self.p_priya.external_id,
            mentee=self.p_margaret.external_id,
        )
        erase_person(self.priya, self.olivia)
        event = AuditEvent.objects.get(action="run.lock")
        self.assertEqual(
            event.details, {"mentor": "[removed]", "mentee": self.p_margaret.external_id}
        )


class ErasurePageTests(ErasureStory):
    def url(self):
        return reverse("request_erasure")

    def test_it_explains_what_happens_first(self):
        self.client.force_login(self.priya)
        self.assertContains(self.client.get(self.url()), "a former participant")

    def test_a_wrong_email_changes_nothing(self):
        self.client.force_login(self.priya)
        response = self.client.post(self.url(), {"email": "sam@acme.test"})
        self.assertContains(response, "That is not the email address you sign in with")
        self.priya.refresh_from_db()
        self.assertTrue(self.priya.is_active)

    def test_confirming_erases_and_signs_her_out(self):
        self.client.force_login(self.priya)
        response = self.client.post(self.url(), {"email": "Priya@acme.test", "reason": ""})
        self.assertRedirects(response, reverse("login"), fetch_redirect_response=False)
        self.priya.refresh_from_db()
        self.assertFalse(self.priya.is_active)
        self.assertEqual(self.client.get(reverse("my_data")).status_code, 302)


class EraseCommandTests(ErasureStory):
    def run_command(self, *args):
        from io import StringIO

        from django.core.management import call_command

        out = StringIO()
        call_command("erase_person", *args, stdout=out)
        return out.getvalue().strip()

    def test_without_yes_it_changes_nothing(self):
        self.assertIn("run again with --yes", self.run_command("priya@acme.test"))
        self.priya.refresh_from_db()
        self.assertTrue(self.priya.is_active)

    def test_with_yes_it_erases_and_audits_as_the_system(self):
        summary = self.run_command("PRIYA@acme.test", "--yes", "--reason", "Emailed request")
        self.assertTrue(summary.startswith(f"Erased user {self.priya.pk}:"))
        event = AuditEvent.objects.get(action="privacy.erase")
        self.assertIsNone(event.actor)
        self.assertEqual(event.reason, "Emailed request")

    def test_an_unknown_email_is_an_error_naming_it(self):
        from django.core.management import CommandError

        with self.assertRaisesMessage(CommandError, "nobody@acme.test"):
            self.run_command("nobody@acme.test", "--yes")
