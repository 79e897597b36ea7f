"""Martin sets up Acme's programmes; Greta of Globex and Priya never get in."""

from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.base import PersonasTestCase
from twoheads.accounts.models import AuditEvent
from twoheads.programmes.catalogue import create_programme
from twoheads.programmes.forms import ProgrammeSettingsForm
from twoheads.programmes.lifecycle import change_status
from twoheads.programmes.models import Programme

ACME_PAGES = [
    "programme_detail",
    "programme_settings",
    "skill_list",
    "question_list",
    "participant_list",
    "import_upload",
    "invitation_list",
]


class LifecycleTests(PersonasTestCase):
    def draft(self) -> Programme:
        return create_programme(self.acme, "Spring cohort", created_by=self.martin)

    def test_it_walks_the_whole_lifecycle(self):
        programme = self.draft()
        for status in ("enrolling", "matching", "active", "closed"):
            programme.transition(status)
        self.assertEqual(programme.status, "closed")
        self.assertIsNotNone(programme.closed_at)

    def test_it_refuses_to_skip_a_step(self):
        programme = self.draft()
        with self.assertRaises(ValidationError):
            programme.transition("active")
        self.assertEqual(Programme.objects.get(pk=programme.pk).status, "draft")

    def test_a_step_is_taken_from_the_status_as_it_is_now(self):
        Programme.objects.filter(pk=self.programme.pk).update(status="matching")
        stale = Programme.objects.get(pk=self.programme.pk)  # a page loaded while matching
        Programme.objects.filter(pk=self.programme.pk).update(status="closed")
        with self.assertRaises(ValidationError):
            change_status(stale, "enrolling", self.martin)
        self.programme.refresh_from_db()
        self.assertEqual(self.programme.status, "closed")

    def test_a_closed_programme_stays_closed(self):
        self.programme.transition("closed")
        self.assertEqual(self.programme.next_statuses(), [])
        with self.assertRaises(ValidationError):
            self.programme.transition("active")

    def test_martin_moves_the_programme_on_with_a_button(self):
        programme = self.draft()
        self.client.force_login(self.martin)
        url = reverse("programme_transition", args=[programme.slug])
        self.client.post(url, {"status": "enrolling"})
        programme.refresh_from_db()
        self.assertEqual(programme.status, "enrolling")
        self.assertTrue(AuditEvent.objects.filter(action="programme.status").exists())

    def test_a_forbidden_move_by_button_changes_nothing(self):
        programme = self.draft()
        self.client.force_login(self.martin)
        response = self.client.post(
            reverse("programme_transition", args=[programme.slug]),
            {"status": "closed"},
            follow=True,
        )
        self.assertContains(response, "not allowed")
        programme.refresh_from_db()
        self.assertEqual(programme.status, "draft")


class CreationTests(PersonasTestCase):
    def test_martin_creates_a_programme_with_a_starting_catalogue(self):
        self.client.force_login(self.martin)
        response = self.client.post(
            reverse("programme_create"),
            {"name": "Autumn exchange", "organisation": self.acme.pk, "type": "reverse"},
        )
        programme = Programme.objects.get(name="Autumn exchange")
        self.assertRedirects(response, programme.get_absolute_url())
        self.assertEqual(programme.find_skill("gen ai").name, "Generative AI tools")
        self.assertEqual(programme.find_skill("Generative AI").name, "Generative AI tools")
        self.assertEqual(programme.find_skill("GenAI").name, "Generative AI tools")
        self.assertEqual(programme.questions.count(), 5)
        self.assertTrue(programme.skills.filter(name="Negotiation", kind="experience").exists())

    def test_martin_cannot_create_a_programme_for_globex(self):
        self.client.force_login(self.martin)
        response = self.client.post(
            reverse("programme_create"), {"name": "Sneaky", "organisation": self.globex.pk}
        )
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Programme.objects.filter(name="Sneaky").exists())

    def test_a_participant_asking_for_the_programme_list_is_sent_home(self):
        self.client.force_login(self.priya)
        response = self.client.get(reverse("programme_list"))
        self.assertRedirects(response, reverse("home"))

    def test_a_participant_cannot_create_a_programme(self):
        self.client.force_login(self.priya)
        self.client.post(
            reverse("programme_create"), {"name": "Mine", "organisation": self.acme.pk}
        )
        self.assertFalse(Programme.objects.filter(name="Mine").exists())

    def test_a_programme_is_never_given_the_slug_new(self):
        programme = create_programme(self.acme, "New")
        self.assertNotEqual(programme.slug, "new")


class SettingsTests(PersonasTestCase):
    def settings_page(self) -> tuple[str, dict[str, object]]:
        """Martin on the settings page: its address and the form as shown, ready to post."""
        self.client.force_login(self.martin)
        url = reverse("programme_settings", args=[self.programme.slug])
        data = self.client.get(url).context["form"].initial
        return url, {k: v for k, v in data.items() if v not in (None, False) and k != "partners"}

    def test_martin_edits_every_rule_with_help_in_plain_words(self):
        self.client.force_login(self.martin)
        url = reverse("programme_settings", args=[self.programme.slug])
        response = self.client.get(url)
        self.assertContains(response, "Both must be free at the same time")
        self.assertContains(response, 'name="weight_reach"')
        data = response.context["form"].initial
        data = {k: v for k, v in data.items() if v is not None and k != "partners"}
        data.update(min_level_gap=3, open_signup="on", weight_reach=0.4)
        for key in ("fairness", "require_mutual", "cross_organisation", "allow_same_department"):
            if not data.get(key):
                data.pop(key, None)
        response = self.client.post(url, data)
        self.assertRedirects(response, url)
        self.programme.refresh_from_db()
        self.assertEqual(self.programme.min_level_gap, 3)
        self.assertEqual(self.programme.weight_reach, 0.4)
        self.assertTrue(self.programme.signup_code)

    def test_saving_the_settings_never_undoes_a_change_of_status_made_meanwhile(self):
        _url, data = self.settings_page()
        data.update(meeting_cadence_days=21)
        loaded = Programme.objects.get(pk=self.programme.pk)
        form = ProgrammeSettingsForm(data, instance=loaded, user=self.martin)
        self.assertTrue(form.is_valid(), form.errors)
        Programme.objects.filter(pk=self.programme.pk).update(status="closed")  # meanwhile
        form.save()
        self.programme.refresh_from_db()
        self.assertEqual(
            (self.programme.status, self.programme.meeting_cadence_days), ("closed", 21)
        )

    def test_a_description_is_at_most_5000_characters_as_the_api_takes(self):
        url, data = self.settings_page()
        data.update(description="x" * 5001)
        errors = self.client.post(url, data).context["form"].errors
        self.assertIn("description", errors)

    def test_all_weights_at_zero_are_refused(self):
        url, data = self.settings_page()
        data.update(weight_benefit=0, weight_compatibility=0, weight_reach=0)
        response = self.client.post(url, data)
        self.assertContains(response, "At least one weight")

    def test_dates_out_of_order_are_refused_each_at_its_field(self):
        url, data = self.settings_page()
        data.update(
            starts_on="2027-06-01",
            ends_on="2027-01-01",
            enrolment_closes="2027-02-01",
            matching_on="2027-03-01",
        )
        response = self.client.post(url, data)
        errors = response.context["form"].errors
        self.assertEqual(errors["ends_on"], ["The programme would end before it starts."])
        self.assertEqual(
            errors["enrolment_closes"], ["Enrolment would close after the programme ends."]
        )
        self.assertEqual(errors["matching_on"], ["Matching would come after the programme ends."])
        self.programme.refresh_from_db()
        self.assertIsNone(self.programme.ends_on)
        # In order, or with either end left open, they are kept.
        data.update(ends_on="2027-12-01")
        self.assertRedirects(self.client.post(url, data), url)
        data.update(ends_on="")
        self.assertRedirects(self.client.post(url, data), url)

    def test_day_counts_that_make_no_sense_are_refused_at_their_field(self):
        url, data = self.settings_page()
        data.update(
            meeting_cadence_days=0,
            checkin_every_days=0,
            request_reminder_days=20,
            request_expiry_days=14,
            max_pending_requests=0,
            min_level_gap=5000,
            enrolment_closes="2027-03-01",
            matching_on="2027-02-01",
        )
        errors = self.client.post(url, data).context["form"].errors
        self.assertEqual(
            sorted(errors),
            [
                "checkin_every_days",
                "matching_on",
                "max_pending_requests",
                "meeting_cadence_days",
                "min_level_gap",
                "request_reminder_days",
            ],
        )
        self.assertEqual(
            errors["request_reminder_days"],
            ["Remind before the request expires: it expires after 14 days."],
        )
        self.assertEqual(errors["matching_on"], ["Matching would come before enrolment closes."])
        # No nudge (0) and anonymising as soon as the programme closes (0) are choices.
        data.update(
            meeting_cadence_days=14,
            checkin_every_days=30,
            request_reminder_days=7,
            max_pending_requests=1,
            min_level_gap=3,
            matching_on="2027-03-08",
            no_meeting_days=0,
            retention_days=0,
        )
        self.assertRedirects(self.client.post(url, data), url)
        self.programme.refresh_from_db()
        self.assertEqual((self.programme.no_meeting_days, self.programme.retention_days), (0, 0))

    def test_a_new_programme_that_ends_before_it_starts_is_refused(self):
        self.client.force_login(self.martin)
        response = self.client.post(
            reverse("programme_create"),
            {
                "name": "Backwards",
                "organisation": self.acme.pk,
                "type": "reverse",
                "starts_on": "2027-06-01",
                "ends_on": "2027-05-01",
            },
        )
        self.assertContains(response, "The programme would end before it starts.")
        self.assertFalse(Programme.objects.filter(name="Backwards").exists())


class PagesTests(PersonasTestCase):
    def test_martin_opens_every_page_of_his_programme(self):
        from twoheads.programmes.catalogue import seed_catalogue

        seed_catalogue(self.programme)
        self.client.force_login(self.martin)
        for name in ACME_PAGES:
            with self.subTest(name):
                response = self.client.get(reverse(name, args=[self.programme.slug]))
                self.assertContains(response, "Acme Reverse Mentoring")
                self.assertContains(response, 'aria-label="Programme sections"')
        url = reverse("participant_detail", args=[self.programme.slug, self.p_priya.pk])
        self.assertContains(self.client.get(url), "Priya Patel")

    def test_priya_opens_her_profile_and_the_enrolment_page(self):
        self.client.force_login(self.priya)
        self.assertContains(
            self.client.get(reverse("my_profile", args=[self.programme.slug])), "Your profile"
        )
        self.assertContains(
            self.client.get(reverse("programme_enrol", args=[self.programme.slug])), "The two roles"
        )


class OutsiderTests(PersonasTestCase):
    def test_greta_of_globex_gets_404_on_every_acme_page(self):
        self.client.force_login(self.greta)
        for name in ACME_PAGES:
            with self.subTest(name):
                response = self.client.get(reverse(name, args=[self.programme.slug]))
                self.assertEqual(response.status_code, 404)
        url = reverse("participant_detail", args=[self.programme.slug, self.p_priya.pk])
        self.assertEqual(self.client.get(url).status_code, 404)
        url = reverse("participant_export", args=[self.programme.slug, "csv"])
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(
            self.client.get(reverse("my_profile", args=[self.programme.slug])).status_code, 404
        )
        self.assertEqual(
            self.client.get(reverse("programme_enrol", args=[self.programme.slug])).status_code, 404
        )

    def test_greta_cannot_change_acmes_programme(self):
        self.client.force_login(self.greta)
        slug = self.programme.slug
        posts = [
            ("programme_transition", [slug], {"status": "closed"}),
            ("participant_remind", [slug], {}),
            ("skill_merge", [slug], {}),
            ("programme_settings", [slug], {"name": "Hacked"}),
        ]
        for name, args, data in posts:
            with self.subTest(name):
                self.assertEqual(self.client.post(reverse(name, args=args), data).status_code, 404)
        self.programme.refresh_from_db()
        self.assertEqual(self.programme.status, "active")

    def test_priya_cannot_manage_her_own_programme(self):
        self.client.force_login(self.priya)
        for name in ACME_PAGES:
            with self.subTest(name):
                response = self.client.get(reverse(name, args=[self.programme.slug]))
                self.assertEqual(response.status_code, 404)

    def test_anonymous_visitors_are_sent_to_sign_in(self):
        for name in [*ACME_PAGES, "my_profile"]:
            with self.subTest(name):
                response = self.client.get(reverse(name, args=[self.programme.slug]))
                self.assertEqual(response.status_code, 302)
                self.assertIn(reverse("login"), response["Location"])


class SeniorityRuleTests(PersonasTestCase):
    def rule(self, gap: int, type: str = "reverse") -> str:
        return Programme(name="X", type=type, min_level_gap=gap).seniority_rule()

    def test_it_says_one_level_and_two_levels(self):
        self.assertIn("at least 1 level below the mentee.", self.rule(1))
        self.assertIn("at least 2 levels below the mentee.", self.rule(2))
        self.assertIn("Choose “reverse mentor”", self.rule(1))
        self.assertIn("at least 1 level above the mentee.", self.rule(1, "traditional"))
        self.assertIn("at least 3 levels above the mentee.", self.rule(3, "traditional"))

    def test_a_gap_of_nothing_is_said_without_a_number(self):
        self.assertIn("at the mentee's level or below", self.rule(0))
        self.assertNotIn("0 level", self.rule(0))
        self.assertIn("at the mentee's level or above", self.rule(0, "traditional"))
