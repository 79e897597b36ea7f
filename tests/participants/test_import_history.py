"""The import page lists the programme's earlier imports: when, by whom, through which way in,
from which file and with what counts. Each organisation sees its own imports only.

Martin imports Acme's people from the page; an operator runs the command line; Acme's HR system
posts to the API with Martin's token. Globex takes part in the programme and Greta imports
Globex's people: neither Martin nor Greta reads the other's imports.
"""

import tempfile
from io import StringIO
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from tests.api.base import ApiTestCase
from twoheads.participants.models import ImportUpload

ACME = b"id,name,role,level\nX1,Xena Acme,mentor,2\nX2,Yves Acme,mentee,7\n"
GLOBEX = b"id,name,role,level,organisation\nG901,Gina Globex,mentor,2,Globex\n"


class ImportHistoryTests(ApiTestCase):
    def import_on_the_page(self, user, data: bytes, name: str) -> None:
        self.client.force_login(user)
        url = reverse("import_upload", args=[self.programme.slug])
        self.client.post(url, {"file": SimpleUploadedFile(name, data)})
        upload = ImportUpload.objects.get(filename=name, applied_at__isnull=True)
        confirm = reverse("import_confirm", args=[self.programme.slug, upload.pk])
        self.client.post(confirm)

    def file(self, name: str, data: bytes) -> Path:
        path = Path(self.enterContext(tempfile.TemporaryDirectory())) / name
        path.write_bytes(data)
        return path

    def history(self, user) -> str:
        self.client.force_login(user)
        page = self.client.get(reverse("import_upload", args=[self.programme.slug]))
        self.assertEqual(page.status_code, 200)
        return page.content.decode()

    def test_an_import_from_the_page_is_listed_with_its_counts(self):
        self.assertIn("No file has been imported", self.history(self.martin))
        self.import_on_the_page(self.martin, ACME, "monday.csv")
        done = ImportUpload.objects.get(filename="monday.csv")
        self.assertEqual(done.source, ImportUpload.Source.PAGE)
        self.assertEqual((done.rows, done.summary["new"]), (2, 2))
        page = self.history(self.martin)
        self.assertIn("monday.csv", page)
        self.assertIn("Martin Manager, through the import page", page)
        self.assertEqual(ImportUpload.objects.count(), 1)  # the checked file became its record

    def test_the_command_line_and_the_api_are_recorded_too(self):
        path = self.file("nightly.csv", ACME)
        call_command("import_participants", self.programme.slug, str(path), stdout=StringIO())
        csv = "id,name,role,level\nX3,Zoe Acme,mentor,2\n"
        url = f"/api/v1/programmes/{self.programme.slug}/participants/bulk"
        response = self.post(url, csv, self.martin_token, content_type="text/csv")
        self.assertEqual(response.status_code, 200, response.content)
        sources = dict(ImportUpload.objects.values_list("source", "uploaded_by"))
        self.assertEqual(
            sources, {ImportUpload.Source.COMMAND: None, ImportUpload.Source.API: self.martin.pk}
        )
        page = self.history(self.martin)
        self.assertIn("through the command line", page)
        self.assertIn("Martin Manager, through the API", page)

    def test_a_dry_run_a_file_with_errors_and_an_unconfirmed_file_are_not_imports(self):
        path = self.file("x.csv", ACME)
        call_command(
            "import_participants", self.programme.slug, str(path), dry_run=True, stdout=StringIO()
        )
        path.write_bytes(b"id,name,role,level\nX1,Xena,mentor,high\n")
        with self.assertRaises(SystemExit):
            call_command(
                "import_participants",
                self.programme.slug,
                str(path),
                stdout=StringIO(),
                stderr=StringIO(),
            )
        self.client.force_login(self.martin)
        url = reverse("import_upload", args=[self.programme.slug])
        self.client.post(url, {"file": SimpleUploadedFile("waiting.csv", ACME)})
        self.assertFalse(ImportUpload.objects.filter(applied_at__isnull=False).exists())
        self.assertIn("No file has been imported", self.history(self.martin))

    def test_each_organisation_reads_its_own_imports_only(self):
        self.open_to_globex()
        self.import_on_the_page(self.martin, ACME, "acme-hr.csv")
        self.import_on_the_page(self.greta, GLOBEX, "globex-hr.csv")
        path = self.file("ops.csv", ACME)
        call_command("import_participants", self.programme.slug, str(path), stdout=StringIO())
        martins = self.history(self.martin)
        self.assertIn("acme-hr.csv", martins)
        self.assertIn("ops.csv", martins)  # the command line runs for the programme's owner
        self.assertNotIn("globex-hr.csv", martins)
        gretas = self.history(self.greta)
        self.assertIn("globex-hr.csv", gretas)
        self.assertNotIn("acme-hr.csv", gretas)
        self.assertNotIn("ops.csv", gretas)

    def test_outsiders_do_not_reach_the_page(self):
        self.import_on_the_page(self.martin, ACME, "acme-hr.csv")
        url = reverse("import_upload", args=[self.programme.slug])
        for outsider in (self.greta, self.priya):  # Globex does not take part; a participant
            self.client.force_login(outsider)
            self.assertEqual(self.client.get(url).status_code, 404)
        self.client.logout()
        self.assertEqual(self.client.get(url).status_code, 302)
