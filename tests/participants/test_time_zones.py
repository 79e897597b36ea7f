"""Sam's time zone: any zone tzdata knows, through his profile, the import file and the API."""

from django.urls import reverse

from tests.api.base import ApiTestCase
from tests.base import PersonasTestCase
from tests.participants.test_profile import profile_data
from twoheads.accounts.models import User
from twoheads.participants.importer import apply_import
from twoheads.participants.models import Participant, enrol
from twoheads.programmes.catalogue import seed_catalogue

BULK = "/api/v1/programmes/acme-reverse-mentoring/participants/bulk"


class ProfileTimeZoneTests(PersonasTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.programme.status = "enrolling"
        cls.programme.save()
        seed_catalogue(cls.programme)

    def setUp(self) -> None:
        self.client.force_login(self.sam)
        self.url = reverse("my_profile", args=[self.programme.slug])

    def sams_profile(self) -> Participant:
        return Participant.objects.get(pk=self.p_sam.pk)

    def test_sam_saves_a_valid_zone(self):
        response = self.client.post(self.url, profile_data(timezone="America/New_York"))
        self.assertRedirects(response, self.url)
        self.assertEqual(self.sams_profile().timezone, "America/New_York")

    def test_one_zone_for_sam_whether_set_on_his_profile_or_his_account(self):
        """Meetings are shown in the account's zone and hours read in the profile's: never two."""
        self.client.post(self.url, profile_data(timezone="America/New_York"))
        self.sam.refresh_from_db()
        self.assertEqual(self.sam.timezone, "America/New_York")
        self.client.post(reverse("account"), {"name": "Sam Okafor-Reid", "timezone": "Asia/Tokyo"})
        sam = self.sams_profile()
        self.assertEqual((sam.timezone, sam.name), ("Asia/Tokyo", "Sam Okafor-Reid"))

    def test_a_zone_from_the_hr_file_becomes_the_accounts(self):
        data = b"id,name,email,timezone\nA101,Sam Okafor,sam@acme.test,Asia/Tokyo\n"
        self.assertTrue(apply_import(self.programme, data, "hr.csv", self.martin).applied)
        self.sam.refresh_from_db()
        self.assertEqual((self.sam.timezone, self.sams_profile().timezone), ("Asia/Tokyo",) * 2)

    def test_an_account_made_for_someone_imported_takes_their_zone(self):
        Participant.objects.create(
            programme=self.programme,
            external_id="N1",
            email="nina@acme.test",
            role="mentor",
            timezone="Europe/Paris",
        )
        nina = User.objects.create_user("nina@acme.test", "a-long-pass-phrase", name="Nina")
        enrol(self.programme, nina)
        nina.refresh_from_db()
        self.assertEqual(nina.timezone, "Europe/Paris")

    def test_an_account_needs_a_name(self):
        response = self.client.post(reverse("account"), {"name": " ", "timezone": "UTC"})
        self.assertContains(response, "This field is required")
        self.assertEqual(self.sams_profile().name, "Sam Okafor")

    def test_an_unknown_zone_gets_a_message_naming_it_and_nothing_is_saved(self):
        data = profile_data(timezone="Mars/Olympus", department="Sales")
        response = self.client.post(self.url, data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "“Mars/Olympus” is not a time zone we know")
        sam = self.sams_profile()
        self.assertEqual((sam.timezone, sam.department), ("UTC", "Marketing"))

    def test_the_select_is_built_with_his_stored_zone_selected(self):
        Participant.objects.filter(pk=self.p_sam.pk).update(timezone="Old/Zone")
        response = self.client.get(self.url)
        self.assertContains(response, '<option value="Old/Zone" selected>')
        self.assertContains(response, '<option value="Europe/Paris">')

    def test_a_stored_zone_tzdata_no_longer_has_must_be_replaced_to_save(self):
        Participant.objects.filter(pk=self.p_sam.pk).update(timezone="Old/Zone")
        response = self.client.post(self.url, profile_data(timezone="Old/Zone", department="Sales"))
        self.assertContains(response, "“Old/Zone” is not a time zone we know")
        self.assertEqual(self.sams_profile().department, "Marketing")


class ImportTimeZoneTests(PersonasTestCase):
    def test_a_file_that_tzdata_loads_but_is_no_zone_is_refused(self):
        for name in ("posixrules", "right/UTC"):
            data = f"id,timezone\nX1,{name}\n".encode()
            result = apply_import(self.programme, data, "hr.csv", self.martin)
            self.assertFalse(result.applied)
            [problem] = result.errors
            self.assertEqual((problem.row, problem.column, problem.value), (2, "timezone", name))
            self.assertIn(f'"{name}" is not an IANA time zone', problem.message)
        self.assertFalse(Participant.objects.filter(external_id="X1").exists())

    def test_any_zone_tzdata_knows_is_imported(self):
        data = b"id,name,timezone\nX1,Xavier,Pacific/Auckland\n"
        self.assertTrue(apply_import(self.programme, data, "hr.csv", self.martin).applied)
        self.assertEqual(Participant.objects.get(external_id="X1").timezone, "Pacific/Auckland")


class ApiTimeZoneTests(ApiTestCase):
    def test_an_unknown_zone_is_named_in_the_error(self):
        for name in ("Mars/Olympus", "posix/Europe/Paris"):
            rows = [{"id": "A300", "name": "Nina", "timezone": name}]
            body = self.assertError(self.post(BULK, rows, self.martin_token), 400, "invalid_rows")
            [detail] = body["details"]
            self.assertEqual((detail["row"], detail["column"]), (1, "timezone"))
            self.assertIn(f'"{name}" is not an IANA time zone', detail["message"])
        self.assertFalse(Participant.objects.filter(external_id="A300").exists())

    def test_a_valid_zone_is_saved_and_read_back(self):
        rows = [{"id": "A300", "name": "Nina", "timezone": "Europe/Paris"}]
        self.assertEqual(self.post(BULK, rows, self.martin_token).status_code, 200)
        url = "/api/v1/programmes/acme-reverse-mentoring/participants/A300"
        self.assertEqual(self.get(url, self.martin_token).json()["timezone"], "Europe/Paris")
