"""Priya picks her time zone from whatever tzdata knows; the migrations never list the zones."""

from io import StringIO
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.migrations.loader import MigrationLoader
from django.test import SimpleTestCase, TestCase
from django.urls import reverse

from tests.base import PersonasTestCase
from twoheads.accounts.models import User
from twoheads.accounts.zones import TimeZoneField, time_zone_choices, validate_time_zone
from twoheads.participants.models import Participant

APPS = {"accounts": "user", "participants": "participant"}


class ValidatorTests(SimpleTestCase):
    def test_it_accepts_any_zone_tzdata_knows(self):
        for name in ("Europe/Paris", "Pacific/Auckland", "UTC", "America/Argentina/Salta"):
            validate_time_zone(name)

    def test_it_names_the_value_it_refuses(self):
        for name in ("Mars/Olympus", "europe/paris", "", "posixrules", "right/UTC"):
            with self.assertRaises(ValidationError) as caught:
                validate_time_zone(name)
            self.assertIn(f"“{name}” is not a time zone", caught.exception.messages[0])

    def test_the_choices_are_sorted_and_keep_the_current_value(self):
        names = [value for value, _label in time_zone_choices()]
        self.assertEqual(names, sorted(names))
        self.assertIn("Europe/Paris", names)
        self.assertNotIn("Old/Zone", names)
        self.assertIn(("Old/Zone", "Old/Zone"), time_zone_choices("Old/Zone"))

    def test_a_kept_value_shows_but_does_not_validate(self):
        field = TimeZoneField()
        field.keep("Old/Zone")
        self.assertIn(("Old/Zone", "Old/Zone"), field.choices)
        with self.assertRaisesMessage(ValidationError, "“Old/Zone” is not a time zone"):
            field.clean("Old/Zone")
        self.assertEqual(field.clean("Asia/Tokyo"), "Asia/Tokyo")


class AccountTimeZoneTests(PersonasTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.priya)
        self.url = reverse("account")

    def priyas_zone(self) -> str:
        return User.objects.get(pk=self.priya.pk).timezone

    def test_priya_saves_a_valid_zone(self):
        response = self.client.post(self.url, {"name": "Priya Patel", "timezone": "Asia/Tokyo"})
        self.assertRedirects(response, self.url)
        self.assertEqual(self.priyas_zone(), "Asia/Tokyo")

    def test_an_unknown_zone_gets_a_message_naming_it_and_is_not_saved(self):
        response = self.client.post(self.url, {"name": "Priya Patel", "timezone": "Mars/Olympus"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "“Mars/Olympus” is not a time zone we know")
        self.assertEqual(self.priyas_zone(), "UTC")

    def test_the_page_offers_every_zone_with_hers_selected(self):
        User.objects.filter(pk=self.priya.pk).update(timezone="Europe/Paris")
        response = self.client.get(self.url)
        self.assertContains(response, '<option value="Europe/Paris" selected>')
        self.assertContains(response, '<option value="Pacific/Auckland">')

    def test_a_stored_zone_tzdata_no_longer_has_stays_selected(self):
        User.objects.filter(pk=self.priya.pk).update(timezone="Old/Zone")
        response = self.client.get(self.url)
        self.assertContains(response, '<option value="Old/Zone" selected>')

    def test_the_model_refuses_an_unknown_zone_too(self):
        self.priya.timezone = "Mars/Olympus"
        with self.assertRaisesMessage(ValidationError, "“Mars/Olympus” is not a time zone"):
            self.priya.full_clean()


class AdminTimeZoneTests(PersonasTestCase):
    def test_the_admin_offers_every_zone_with_the_stored_one_selected(self):
        admin = User.objects.create_superuser("root@acme.test", "x", name="Root")
        self.client.force_login(admin)
        url = reverse("admin:accounts_user_change", args=[self.priya.pk])
        self.assertContains(self.client.get(url), '<option value="UTC" selected>')
        p_url = reverse("admin:participants_participant_change", args=[self.p_priya.pk])
        self.assertContains(self.client.get(p_url), '<option value="Europe/Paris">')


class MigrationTests(TestCase):
    """A tzdata update must not need a migration: no model or migration lists the zones."""

    def test_the_fields_carry_a_validator_and_no_choices(self):
        for model in (User, Participant):
            field = model._meta.get_field("timezone")
            self.assertFalse(field.choices, model)
            self.assertIn(validate_time_zone, field.validators)

    def test_the_migrated_state_has_no_zone_list(self):
        state = MigrationLoader(None, ignore_no_migrations=True).project_state()
        for app, model in APPS.items():
            self.assertFalse(state.models[app, model].fields["timezone"].choices, app)

    def test_the_newest_migrations_do_not_contain_the_zone_list(self):
        loader = MigrationLoader(None, ignore_no_migrations=True)
        for app in APPS:
            [leaf] = loader.graph.leaf_nodes(app)
            module = loader.disk_migrations[leaf].__module__
            text = Path(__import__(module, fromlist=["_"]).__file__).read_text()
            self.assertNotIn("Europe/Paris", text, leaf)

    def test_makemigrations_finds_nothing_to_do(self):
        out = StringIO()
        call_command("makemigrations", *APPS, check=True, dry_run=True, stdout=out)
        self.assertIn("No changes detected", out.getvalue())
