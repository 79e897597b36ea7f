"""Martin's import page: a template to start from, the rules on the page, and a preview that
says what will happen to whom, with its warnings where he cannot miss them."""

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.base import PersonasTestCase
from twoheads.participants.importer import preview_import
from twoheads.participants.models import Participant
from twoheads.programmes.models import Question


class ImportPageTests(PersonasTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        Question.objects.create(programme=cls.programme, key="pace", text="Pace", position=1)
        cls.programme.default_capacity = 2
        cls.programme.save()

    def setUp(self) -> None:
        self.client.force_login(self.martin)
        self.url = reverse("import_upload", args=[self.programme.slug])

    def upload(self, data: bytes, name: str = "hr.csv"):
        return self.client.post(self.url, {"file": SimpleUploadedFile(name, data)})

    def test_the_template_has_every_column_the_programmes_questions_and_an_example(self):
        response = self.client.get(reverse("import_template", args=[self.programme.slug]))
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn("attachment;", response["Content-Disposition"])
        text = response.content.decode("utf-8")
        self.assertTrue(text.startswith("\ufeff"))
        header, example = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
        self.assertEqual((header[0], header[-2], header[-1]), ("id", "status", "style:pace"))
        row = dict(zip(header, example, strict=True))
        self.assertEqual(row["availability"], "mon 09-12; thu 14-16")
        self.assertEqual((row["capacity"], row["organisation"]), ("2", "Acme Ltd"))

    def test_the_template_as_it_is_passes_the_check(self):
        data = self.client.get(reverse("import_template", args=[self.programme.slug])).content
        preview = preview_import(self.programme, data, "template.csv", self.martin)
        self.assertEqual((preview.errors, preview.warnings, preview.new), ((), (), 1))

    def test_the_page_offers_the_template_and_the_rules(self):
        response = self.client.get(self.url)
        template = reverse("import_template", args=[self.programme.slug])
        self.assertContains(response, f'href="{template}"')
        self.assertContains(response, "Download a template")
        self.assertContains(response, "separated by commas, semicolons or tabs")
        self.assertContains(response, "mon 09-12; thu 14-16")
        self.assertContains(response, "Excel:3")
        self.assertContains(response, "style:pace")
        self.assertContains(response, "waits 24 hours")

    def test_unknown_columns_are_a_visible_warning(self):
        response = self.upload(b"id,name,Manger ID\nA100,Priya Patel,\n")
        self.assertContains(response, '<div class="message message-warning" role="status">')
        self.assertContains(
            response,
            "<li>hr.csv: unknown column &quot;Manger ID&quot; was ignored; did you mean "
            "&quot;manager_id&quot;?</li>",
        )

    def test_the_preview_names_people_and_calls_out_who_is_made_active_again(self):
        Participant.objects.filter(pk=self.p_sam.pk).update(status="leaver")
        data = b"id,name,level,status\nA101,Sam Okafor,3,active\nN1,Nia Noor,,active\n"
        response = self.upload(data)
        self.assertContains(response, "1 person who left or is on leave is made active again")
        self.assertContains(response, "Sam Okafor (A101) — level: 2 → 3; status: leaver → active")
        self.assertContains(response, "<li>Nia Noor (N1)</li>", html=True)
        self.assertContains(response, "In the programme, not in this file: 2 people")
        self.assertContains(response, "Margaret Hughes (A200)")
        self.assertContains(response, "Nothing happens to them")

    def test_a_file_that_is_not_utf8_is_named_in_its_error_as_in_the_format_doc(self):
        response = self.upload(b"id,name\nA1,Jos\xe9\n")
        self.assertContains(
            response,
            '<td colspan="4">hr.csv is not UTF-8 text (line 2 has the byte 0xe9); save it as '
            "&#x27;CSV UTF-8&#x27;</td>",
            html=False,
        )

    def test_a_row_problem_names_each_cell_for_a_phone(self):
        response = self.upload(b"id,availability\nA1,monday 09-12\n")
        self.assertContains(response, '<table class="problems">')
        self.assertContains(response, '<td data-label="What was expected">has &quot;monday&quot;')
