"""A new cohort starts from an earlier programme's set-up: its rules, weights, reminders,
skills, questions, guides, confidential terms and partners, and none of its people.

Acme's 2026 programme is traditional, wants a level gap of 3, weighs reach at 0.4, meets every
three weeks, has a skill of its own with an alias ("Prompt craft", alias "prompting"), a skill
someone proposed that nobody approved, a sixth question, a rewritten guide, a confidential term
and Globex as a partner.
"""

from datetime import date
from io import StringIO

from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.api.base import ApiTestCase
from twoheads.accounts.models import AuditEvent
from twoheads.guard.models import ProgrammeTerms
from twoheads.journal.models import Guide
from twoheads.programmes.catalogue import create_programme
from twoheads.programmes.models import Programme, Question, Skill, SkillAlias

GUIDE_TEXT = "Bring one question about the new tools to every meeting."


class CopyTestCase(ApiTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        source = cls.programme
        source.type = Programme.Type.TRADITIONAL
        source.description = "Seniors and new hires"
        source.min_level_gap, source.weight_reach = 3, 0.4
        source.meeting_cadence_days, source.request_expiry_days = 21, 10
        source.cross_organisation = True
        source.starts_on, source.ends_on = date(2026, 1, 5), date(2026, 7, 1)
        source.save()
        source.partners.add(cls.globex)
        prompt = Skill.objects.create(programme=source, name="Prompt craft", kind="technology")
        SkillAlias.objects.create(skill=prompt, alias="prompting")
        Skill.objects.create(
            programme=source, name="Crypto trading", approved=False, proposed_by=cls.priya
        )
        Question.objects.create(programme=source, key="humour", text="How much humour?", position=5)
        Guide.objects.for_programme(source)
        Guide.objects.filter(programme=source, kind=Guide.Kind.FIRST_AGENDA).update(body=GUIDE_TEXT)
        ProgrammeTerms.objects.create(programme=source, terms="Project Halcyon")

    def assert_copied(self, copy: Programme) -> None:
        source = self.programme
        self.assertEqual(copy.organisation, self.acme)
        self.assertEqual((copy.min_level_gap, copy.weight_reach), (3, 0.4))
        self.assertEqual((copy.meeting_cadence_days, copy.request_expiry_days), (21, 10))
        self.assertEqual(copy.status, Programme.Status.DRAFT)
        self.assertEqual((copy.starts_on, copy.ends_on), (None, None))
        self.assertEqual(list(copy.partners.all()), [self.globex])
        self.assertEqual(copy.find_skill("prompting").name, "Prompt craft")
        self.assertIsNone(copy.find_skill("Crypto trading"))
        self.assertEqual(
            set(copy.skills.values_list("name", flat=True)),
            set(source.skills.filter(approved=True).values_list("name", flat=True)),
        )
        self.assertEqual(
            list(copy.questions.values_list("key", "text")),
            list(source.questions.values_list("key", "text")),
        )
        agenda = Guide.objects.get(programme=copy, kind=Guide.Kind.FIRST_AGENDA)
        self.assertEqual(agenda.body, GUIDE_TEXT)
        self.assertEqual(copy.confidential_terms.term_list(), ["Project Halcyon"])
        self.assertFalse(copy.participants.exists())
        self.assertFalse(copy.pairs.exists())
        self.assertFalse(copy.invitations.exists())


class CopyFunctionTests(CopyTestCase):
    def test_a_copy_takes_the_set_up_and_none_of_the_people(self):
        people = self.programme.participants.count()
        copy = create_programme(self.acme, "Cohort 2027", copy_from=self.programme)
        self.assert_copied(copy)
        self.assertEqual(copy.type, Programme.Type.TRADITIONAL)
        self.assertEqual(copy.description, "Seniors and new hires")
        self.assertEqual(self.programme.participants.count(), people)
        self.assertEqual(self.programme.find_skill("prompting").programme, self.programme)

    def test_what_is_given_wins_over_what_is_copied(self):
        copy = create_programme(
            self.acme, "Cohort 2027", copy_from=self.programme, type="reverse", min_level_gap=1
        )
        self.assertEqual((copy.type, copy.min_level_gap, copy.weight_reach), ("reverse", 1, 0.4))

    def test_a_programme_of_another_organisation_cannot_be_copied(self):
        with self.assertRaises(ValidationError) as refused:
            create_programme(self.globex, "Borrowed", copy_from=self.programme)
        self.assertIn("copy_from", refused.exception.message_dict)
        self.assertFalse(Programme.objects.filter(name="Borrowed").exists())


class CopyPageTests(CopyTestCase):
    def test_martin_starts_a_cohort_from_his_programme(self):
        self.client.force_login(self.martin)
        form = self.client.get(reverse("programme_create"))
        self.assertContains(form, f'<option value="{self.programme.pk}">')
        r = self.client.post(
            reverse("programme_create"),
            {
                "name": "Cohort 2027",
                "organisation": self.acme.pk,
                "copy_from": self.programme.pk,
                "type": "traditional",
                "starts_on": "2027-01-11",
            },
        )
        copy = Programme.objects.get(name="Cohort 2027")
        self.assertRedirects(r, copy.get_absolute_url())
        self.assert_copied_but_dated(copy)
        event = AuditEvent.objects.get(action="programme.create")
        self.assertEqual(event.details["copied_from"], self.programme.pk)

    def assert_copied_but_dated(self, copy: Programme) -> None:
        self.assertEqual(copy.starts_on, date(2027, 1, 11))
        copy.starts_on = None
        self.assert_copied(copy)

    def test_greta_cannot_copy_acmes_programme(self):
        self.client.force_login(self.greta)
        form = self.client.get(reverse("programme_create"))
        self.assertNotContains(form, f'<option value="{self.programme.pk}">')
        r = self.client.post(
            reverse("programme_create"),
            {"name": "Borrowed", "organisation": self.globex.pk, "copy_from": self.programme.pk},
        )
        self.assertEqual(r.status_code, 200)
        self.assertTrue(r.context["form"].errors["copy_from"])
        self.assertFalse(Programme.objects.filter(name="Borrowed").exists())


class CopyCommandTests(CopyTestCase):
    def test_the_command_copies_and_keeps_the_copied_type(self):
        out = StringIO()
        call_command(
            "create_programme",
            "Cohort 2027",
            organisation="Acme Ltd",
            copy_from=self.programme.slug,
            stdout=out,
        )
        copy = Programme.objects.get(slug=out.getvalue().strip())
        self.assert_copied(copy)
        self.assertEqual(copy.type, Programme.Type.TRADITIONAL)

    def test_the_command_refuses_another_organisations_programme(self):
        with self.assertRaises(CommandError) as refused:
            call_command(
                "create_programme", "Borrowed", organisation="Globex", copy_from=self.programme.slug
            )
        self.assertIn(
            'Globex has no programme with the slug "acme-reverse-mentoring"', str(refused.exception)
        )
        self.assertIn("globex-exchange", str(refused.exception))


class CopyApiTests(CopyTestCase):
    def test_the_api_copies_what_the_body_leaves_out(self):
        r = self.post(
            "/api/v1/programmes",
            {"name": "Cohort 2027", "copy_from": self.programme.slug, "meeting_cadence_days": 14},
            self.martin_token,
        )
        self.assertEqual(r.status_code, 201, r.content)
        copy = Programme.objects.get(slug=r.json()["slug"])
        self.assertEqual(copy.meeting_cadence_days, 14)
        self.assertEqual(copy.type, Programme.Type.TRADITIONAL)
        copy.meeting_cadence_days = 21
        self.assert_copied(copy)
        [event] = self.audits("programme.create")
        self.assertEqual(event.details["copied_from"], self.programme.pk)

    def test_the_api_refuses_to_copy_another_organisations_programme(self):
        body = self.assertError(
            self.post(
                "/api/v1/programmes",
                {"name": "Borrowed", "copy_from": self.programme.slug},
                self.greta_token,
            ),
            400,
            "invalid",
        )
        self.assertEqual(body["details"][0]["field"], "copy_from")
        self.assertFalse(Programme.objects.filter(name="Borrowed").exists())
