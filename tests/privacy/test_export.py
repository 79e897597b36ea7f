import json

from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from tests.privacy.stories import PHRASES, PrivacyStory
from twoheads.accounts.models import ApiToken, AuditEvent, User, audit
from twoheads.journal.models import IdeaEvent, NudgePreference, SentNudge
from twoheads.meetings.models import CalendarFeed
from twoheads.pairing.models import MatchRun, PairRequest, ProposedPair, UnmatchedResult
from twoheads.participants.models import Invitation, Participant
from twoheads.privacy.export import COVERAGE, STAFF_LINKS, export_personal_data


def person_links():
    """Every (model label, field name) that points at a user or a participant."""
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if field.is_relation and field.concrete and field.related_model in (User, Participant):
                yield model._meta.label, field.name


class ExportStory(PrivacyStory):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        run = MatchRun.objects.create(programme=cls.programme, status="done")
        ProposedPair.objects.create(run=run, mentor=cls.p_priya, mentee=cls.p_margaret, score=0.7)
        UnmatchedResult.objects.create(run=run, participant=cls.p_priya, reason="No overlap")
        PairRequest.objects.create(
            programme=cls.programme,
            sender=cls.p_priya,
            recipient=cls.p_lewis,
            message="Request: could we pair on spreadsheets?",
        )
        Invitation.objects.create(programme=cls.programme, email=cls.priya.email)
        CalendarFeed.issue(cls.priya)
        ApiToken.issue(cls.priya, "Priya's laptop")
        NudgePreference.objects.create(user=cls.priya, muted=["no_meeting"])
        SentNudge.objects.create(user=cls.priya, kind="no_meeting", key="k1")
        IdeaEvent.objects.create(idea=cls.idea, to_state="shared", actor=cls.priya, note="first")
        cls.idea.events.update(at=timezone.now())
        audit(cls.priya, "participants.signup", cls.programme, organisation=cls.acme)


class ExportCompletenessTests(ExportStory):
    """Priya downloads everything held about her."""

    def test_every_link_to_a_person_is_covered_or_is_staff_work(self):
        missing = [
            f"{label}.{name}"
            for label, name in person_links()
            if label not in COVERAGE and f"{label}.{name}" not in STAFF_LINKS
        ]
        self.assertEqual(missing, [])

    def test_every_model_that_references_her_appears_in_her_export(self):
        data = export_personal_data(self.priya)
        mine = {self.priya.pk}
        participations = set(self.priya.participations.values_list("pk", flat=True))
        for label, name in person_links():
            if label not in COVERAGE:
                continue
            model = apps.get_model(label)
            field = model._meta.get_field(name)
            ids = mine if field.related_model is User else participations
            if model._base_manager.filter(**{f"{name}__in": ids}).exists():
                self.assertTrue(data[COVERAGE[label]], f"{label}.{name} -> {COVERAGE[label]}")

    def test_the_fixture_gives_every_covered_model_a_row_about_her(self):
        covered = {label for label, _name in person_links() if label in COVERAGE}
        data = export_personal_data(self.priya)
        self.assertEqual(covered | {"accounts.User"}, set(COVERAGE))
        self.assertTrue(all(data[section] for section in COVERAGE.values()))

    def test_everything_she_wrote_is_in_the_json(self):
        text = json.dumps(export_personal_data(self.priya), ensure_ascii=False)
        for key in [
            "private",
            "shared",
            "idea",
            "goal",
            "hopes",
            "agenda",
            "feedback_private",
            "checkin_private",
            "concern",
            "guard_reason",
            "department",
            "skill",
            "interest",
        ]:
            self.assertIn(PHRASES[key], text, key)
        self.assertIn("Request: could we pair on spreadsheets?", text)

    def test_margarets_private_note_is_not_in_priyas_export(self):
        text = json.dumps(export_personal_data(self.priya), ensure_ascii=False)
        self.assertNotIn(PHRASES["margaret_private"], text)


class ExportPagesTests(ExportStory):
    def test_the_page_is_readable_and_audited(self):
        self.client.force_login(self.priya)
        response = self.client.get(reverse("my_data"))
        self.assertContains(response, "Journal entries you wrote")
        self.assertContains(response, PHRASES["private"])
        self.assertContains(response, reverse("raise_concern", args=[self.programme.slug]))
        event = AuditEvent.objects.get(action="privacy.export_view")
        self.assertEqual((event.actor, event.organisation), (self.priya, self.acme))

    def test_the_page_shows_times_scores_and_hours_as_people_read_them(self):
        self.p_priya.availability = [[0, 540, 720]]
        self.p_priya.save()
        self.client.force_login(self.priya)
        page = self.client.get(reverse("my_data")).content.decode()
        self.assertIn("Mon 09:00-12:00", page)
        self.assertNotRegex(page, r"\d{4}-\d\d-\d\dT\d\d:\d\d")  # no raw ISO times
        self.assertNotRegex(page, r"0\.\d{5,}")  # no score to the last digit

    def test_the_json_download_is_a_file_and_audited(self):
        self.client.force_login(self.priya)
        response = self.client.get(reverse("my_data_json"))
        self.assertEqual(response["Content-Type"], "application/json")
        self.assertIn("attachment;", response["Content-Disposition"])
        self.assertEqual(response.json()["account"]["email"], "priya@acme.test")
        self.assertTrue(AuditEvent.objects.filter(action="privacy.export_download"))

    def test_each_person_gets_only_their_own(self):
        self.client.force_login(self.gus)
        data = self.client.get(reverse("my_data_json")).json()
        self.assertEqual(data["account"]["email"], "gus@globex.test")
        self.assertNotIn("Priya", json.dumps(data))

    def test_anonymous_visitors_are_sent_to_sign_in(self):
        for name in ("my_data", "my_data_json", "request_erasure"):
            response = self.client.get(reverse(name))
            self.assertEqual(response.status_code, 302, name)
            self.assertTrue(response["Location"].startswith(reverse("login")), name)
