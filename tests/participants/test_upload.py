"""Martin uploads the HR file: a preview first, every problem listed, a write only on confirming."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from tests.base import PersonasTestCase
from twoheads.participants.models import ImportUpload, Participant

GOOD = b"id,name,role,level,department\nX1,Xena,mentor,2,Data\nA100,Priya Patel,mentor,3,Data\n"
BAD = b"id,name,role,level\nX1,Xena,guru,2\nX2,Yann,mentor,high\n"


class UploadTests(PersonasTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.martin)
        self.url = reverse("import_upload", args=[self.programme.slug])

    def upload(self, data: bytes, name: str = "hr.csv"):
        return self.client.post(self.url, {"file": SimpleUploadedFile(name, data)})

    def test_the_preview_counts_and_writes_nothing(self):
        response = self.upload(GOOD)
        self.assertContains(response, "2 rows read")
        self.assertEqual(response.context["preview"].new, 1)
        self.assertEqual(response.context["preview"].updated, 1)
        self.assertFalse(Participant.objects.filter(external_id="X1").exists())
        self.assertContains(response, "Import 2 rows")

    def test_confirming_writes_every_row(self):
        self.upload(GOOD)
        upload = ImportUpload.objects.get()
        response = self.client.post(
            reverse("import_confirm", args=[self.programme.slug, upload.pk])
        )
        self.assertRedirects(response, reverse("participant_list", args=[self.programme.slug]))
        self.assertTrue(Participant.objects.filter(external_id="X1").exists())
        self.assertEqual(Participant.objects.get(external_id="A100").level, 3)
        upload.refresh_from_db()
        self.assertIsNotNone(upload.applied_at)
        self.assertEqual(upload.summary["new"], 1)

    def test_an_upload_is_confirmed_only_once(self):
        self.upload(GOOD)
        upload = ImportUpload.objects.get()
        url = reverse("import_confirm", args=[self.programme.slug, upload.pk])
        self.client.post(url)
        self.assertEqual(self.client.post(url).status_code, 404)

    def test_every_error_is_listed_with_row_column_value_and_expectation(self):
        response = self.upload(BAD)
        self.assertContains(response, "2 problems")
        self.assertContains(response, '<td data-label="Value">guru</td>', html=False)
        self.assertContains(response, '<td data-label="Value">high</td>', html=False)
        self.assertEqual(
            [(e.row, e.column, e.value) for e in response.context["preview"].errors],
            [(2, "role", "guru"), (3, "level", "high")],
        )
        self.assertContains(response, "is not a whole number")
        self.assertContains(response, ": not imported</h3>")
        self.assertNotContains(response, "rows read")
        self.assertFalse(ImportUpload.objects.exists())

    @override_settings(IMPORT_MAX_BYTES=10)
    def test_a_file_over_the_limit_is_refused(self):
        response = self.upload(GOOD)
        self.assertContains(response, "larger than the limit")
        self.assertFalse(ImportUpload.objects.exists())

    def test_greta_cannot_confirm_an_acme_upload(self):
        self.upload(GOOD)
        upload = ImportUpload.objects.get()
        self.client.force_login(self.greta)
        response = self.client.post(
            reverse("import_confirm", args=[self.programme.slug, upload.pk])
        )
        self.assertEqual(response.status_code, 404)
        self.assertFalse(Participant.objects.filter(external_id="X1").exists())

    def test_olivia_cannot_confirm_martins_upload(self):
        self.upload(GOOD)
        upload = ImportUpload.objects.get()
        self.client.force_login(self.olivia)
        response = self.client.post(
            reverse("import_confirm", args=[self.programme.slug, upload.pk])
        )
        self.assertEqual(response.status_code, 404)

    def test_a_confirm_that_no_longer_fits_leaves_the_manager_on_the_import_page(self):
        """A checked file that makes a manager cycle with a change made since: the confirm
        fails, and the page it shows checks the next file at the import address."""
        self.upload(b"id,manager_id\nA101,A100\n", "b.csv")
        upload = ImportUpload.objects.get()
        Participant.objects.filter(external_id="A100").update(manager=self.p_sam)
        response = self.client.post(
            reverse("import_confirm", args=[self.programme.slug, upload.pk]),
            headers={"HX-Request": "true"},
        )
        self.assertContains(response, "nothing was written")
        self.assertContains(response, "manager cycle")
        self.assertEqual(response["HX-Push-Url"], self.url)
        self.assertContains(response, f'hx-post="{self.url}"')
        self.assertContains(response, "Up to 10 MB.")
        again = self.upload(GOOD, "fresh.csv")
        self.assertContains(again, "fresh.csv: 2 rows read")

    def test_one_row_is_one_row(self):
        response = self.upload(b"id,name,role,level\nX1,Xena,mentor,2\n")
        self.assertContains(response, "hr.csv: 1 row read")
