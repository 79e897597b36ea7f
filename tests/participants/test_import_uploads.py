"""An HR file Martin checks is kept only until he confirms it, checks another, or a day passes."""

from datetime import timedelta
from io import StringIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests.base import PersonasTestCase
from twoheads.participants.models import ImportUpload, Participant

FILE = b"id,name,role,level\nX1,Xena,mentor,2\n"


class ImportUploadTests(PersonasTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.martin)

    def upload(self, data: bytes = FILE, name: str = "hr.csv") -> ImportUpload:
        url = reverse("import_upload", args=[self.programme.slug])
        self.client.post(url, {"file": SimpleUploadedFile(name, data)})
        return ImportUpload.objects.filter(filename=name).latest("pk")

    def confirm(self, upload: ImportUpload):
        url = reverse("import_confirm", args=[self.programme.slug, upload.pk])
        return self.client.post(url, follow=True)

    def age(self, upload: ImportUpload, hours: float) -> None:
        upload.uploaded_at = timezone.now() - timedelta(hours=hours)
        upload.save(update_fields=["uploaded_at"])

    def test_it_keeps_one_unconfirmed_file_per_manager_and_programme(self):
        first = self.upload(name="monday.csv")
        second = self.upload(name="tuesday.csv")
        self.assertEqual(list(ImportUpload.objects.all()), [second])
        response = self.confirm(first)
        self.assertContains(response, "another file was checked since")
        self.assertContains(response, "check the file again")
        self.assertFalse(Participant.objects.filter(external_id="X1").exists())

    def test_olivias_file_is_not_replaced_by_martins(self):
        self.client.force_login(self.olivia)
        olivias = self.upload(name="olivia.csv")
        self.client.force_login(self.martin)
        self.upload(name="martin.csv")
        self.assertTrue(ImportUpload.objects.filter(pk=olivias.pk).exists())

    def test_a_file_checked_more_than_a_day_ago_cannot_be_confirmed(self):
        upload = self.upload()
        self.age(upload, 25)
        response = self.confirm(upload)
        self.assertRedirects(response, reverse("import_upload", args=[self.programme.slug]))
        self.assertContains(response, "checked more than 24 hours ago")
        self.assertFalse(Participant.objects.filter(external_id="X1").exists())
        self.assertFalse(ImportUpload.objects.exists())

    def test_a_file_checked_this_morning_can_be_confirmed_and_its_bytes_are_not_kept(self):
        upload = self.upload()
        self.age(upload, 23)
        self.confirm(upload)
        upload.refresh_from_db()
        self.assertIsNotNone(upload.applied_at)
        self.assertEqual(bytes(upload.data), b"")
        self.assertEqual(upload.summary["new"], 1)

    def test_someone_elses_expired_file_is_still_not_found(self):
        upload = self.upload()
        self.age(upload, 25)
        self.client.force_login(self.olivia)
        url = reverse("import_confirm", args=[self.programme.slug, upload.pk])
        self.assertEqual(self.client.post(url).status_code, 404)
        self.assertTrue(ImportUpload.objects.filter(pk=upload.pk).exists())

    def test_the_purge_deletes_only_unconfirmed_files_older_than_a_day(self):
        done = self.upload(name="done.csv")
        self.confirm(done)
        self.age(done, 30)
        fresh = self.upload(name="fresh.csv")
        old = ImportUpload.objects.create(
            programme=self.programme, filename="old.csv", data=FILE, uploaded_by=self.olivia
        )
        self.age(old, 30)
        out = StringIO()
        call_command("purge_imports", stdout=out)
        self.assertEqual(out.getvalue().strip(), "1 unconfirmed import files deleted.")
        self.assertEqual(set(ImportUpload.objects.all()), {done, fresh})

    def test_checking_a_file_deletes_everyones_expired_files_too(self):
        self.client.force_login(self.olivia)
        olivias = self.upload(name="olivia.csv")
        self.age(olivias, 30)
        self.client.force_login(self.martin)
        self.upload(name="martin.csv")
        self.assertFalse(ImportUpload.objects.filter(pk=olivias.pk).exists())
