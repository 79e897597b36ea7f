"""Exports of the dashboard's tables, the printable report and its PDF: same numbers, audited."""

import csv
import io
from datetime import date, datetime

from django.urls import reverse
from openpyxl import load_workbook

from tests.insights.stories import SECRET_NOTE, InsightsTestCase
from twoheads.accounts.models import AuditEvent
from twoheads.insights.exports import safe_cell, table_csv, tables_xlsx
from twoheads.insights.tables import Table
from twoheads.pairing.models import Pair
from twoheads.participants.models import Participant


def csv_rows(content: bytes) -> list[list[str]]:
    """The rows of a CSV file that starts with a byte order mark, as Excel needs."""
    assert content.startswith(b"\xef\xbb\xbf"), content[:10]
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


class ExportTests(InsightsTestCase):
    def setUp(self):
        self.client.force_login(self.martin)

    def url(self, name: str, *args: object) -> str:
        return reverse(name, args=[self.programme.slug, *args])

    def test_it_exports_every_table_to_one_workbook_with_the_dashboards_numbers(self):
        r = self.client.get(self.url("programme_export_xlsx"))
        self.assertEqual(r.status_code, 200)
        self.assertIn("attachment;", r["Content-Disposition"])
        book = load_workbook(io.BytesIO(r.content))
        self.assertEqual(
            book.sheetnames,
            [
                "At a glance",
                "Enrolment funnel",
                "Scores of live pairs",
                "Meetings per pair over time",
                "Meeting feedback in each direct",
                "Check-in trend",
                "Knowledge flow",
                "Goals on both sides",
                "Confidentiality flags confirmed",
                "Pairs at risk",
            ],
        )
        funnel = list(book["Enrolment funnel"].values)
        self.assertEqual(funnel[0], ("Step", "People", "% of invited"))
        self.assertEqual([row[1] for row in funnel[1:]], [6, 4, 4, 2, 4, 3, 2])
        self.assertEqual(funnel[2][2], 66.7)
        feedback = {row[0]: row[1:] for row in book["Meeting feedback in each direct"].values}
        self.assertEqual(feedback["I learned something"], (4.33, 3.0))
        self.assertEqual(feedback["Ratings given"], (3, 3))
        flow = {row[0]: row[1:] for row in book["Knowledge flow"].values}
        self.assertEqual(flow["Adopted"], (1, 1))
        self.assertEqual(flow["All ideas shared"], (3, 2))
        glance = dict(book["At a glance"].values)
        self.assertEqual(glance["Match rate (%)"], 50.0)
        self.assertEqual(glance["Meetings held"], 3)
        self.assertEqual(glance["Hours of meetings held"], 3)
        self.assertEqual(glance["Meetings not held"], 1)
        risk = list(book["Pairs at risk"].values)
        self.assertEqual(risk[1][:2], ("Priya Patel", "Margaret Hughes"))
        event = AuditEvent.objects.get(action="insights.export")
        self.assertEqual((event.actor, event.details["format"]), (self.martin, "xlsx"))
        self.assertEqual(len(event.details["tables"]), 10)

    def test_it_exports_one_table_as_csv_with_the_same_numbers(self):
        r = self.client.get(self.url("programme_export_csv", "goals"))
        self.assertEqual(r["Content-Type"], "text/csv; charset=utf-8")
        rows = csv_rows(r.content)
        self.assertEqual(
            rows,
            [
                ["Side", "Goals", "Average progress (%)", "Done"],
                ["Reverse mentor", "2", "70.0", "1"],
                ["Mentee", "1", "60.0", "0"],
            ],
        )
        event = AuditEvent.objects.get(action="insights.export")
        self.assertEqual(event.details, {"format": "csv", "tables": ["goals"]})
        self.assertEqual(self.client.get(self.url("programme_export_csv", "nope")).status_code, 404)

    def test_it_exports_every_pair_with_its_dates_and_counts_but_no_words(self):
        r = self.client.get(self.url("pair_export", "csv"))
        rows = csv_rows(r.content)
        header, *pairs = rows
        self.assertEqual(
            header[:5], ["Mentor id", "Reverse mentor", "Mentee id", "Mentee", "Status"]
        )
        self.assertEqual(len(pairs), self.programme.pairs.count())
        priya = next(row for row in pairs if row[1] == "Priya Patel")
        held = dict(zip(header, priya, strict=True))
        self.assertEqual(held["Meetings held"], str(self.pair.meeting_tally.held))
        self.assertNotIn(SECRET_NOTE, r.content.decode())
        book = load_workbook(io.BytesIO(self.client.get(self.url("pair_export", "xlsx")).content))
        self.assertEqual(book.sheetnames, ["Pairs"])
        self.assertEqual(self.client.get(self.url("pair_export", "pdf")).status_code, 404)
        self.assertEqual(AuditEvent.objects.filter(action="insights.export").count(), 2)

    def test_it_keeps_spreadsheets_from_running_text_as_formulas(self):
        self.p_priya.name = '=HYPERLINK("http://evil.test")'
        self.p_priya.save()
        self.assertEqual(
            [safe_cell(v) for v in ("=1+1", "+44", "-2", "@SUM", "plain", -2, 3.5, None)],
            ["'=1+1", "'+44", "'-2", "'@SUM", "plain", -2, 3.5, None],
        )
        r = self.client.get(self.url("programme_export_csv", "at_risk"))
        self.assertIn("'=HYPERLINK", r.content.decode())
        book = load_workbook(io.BytesIO(self.client.get(self.url("programme_export_xlsx")).content))
        names = [row[0] for row in book["Pairs at risk"].values]
        self.assertIn('\'=HYPERLINK("http://evil.test")', names)
        self.assertEqual(book["Pairs at risk"]["A2"].data_type, "s")

    def test_it_writes_empty_cells_for_missing_values(self):
        table = Table("t", "A table: with [odd] characters?", ("Name", "Value"), (("x", None),))
        self.assertEqual(table_csv(table), "\ufeffName,Value\r\nx,\r\n")
        book = load_workbook(io.BytesIO(tables_xlsx([table, table])))
        self.assertEqual(
            book.sheetnames, ["A table with odd characters", "A table with odd characters 2"]
        )
        self.assertEqual(list(book.worksheets[0].values), [("Name", "Value"), ("x", None)])

    def test_excel_reads_accents_and_arrows_in_a_csv_file(self):
        """Without a byte order mark Excel reads UTF-8 as its own code page."""
        r = self.client.get(self.url("programme_export_csv", "knowledge"))
        header = csv_rows(r.content)[0]
        self.assertEqual(header[1], "Reverse mentor → Mentee")

    def test_dates_are_iso_in_csv_files_and_date_cells_in_workbooks(self):
        risk = csv_rows(self.client.get(self.url("programme_export_csv", "at_risk")).content)
        last = dict(zip(risk[0], risk[1], strict=True))["Last meeting"]
        self.assertEqual(last, "2026-02-25")
        book = load_workbook(io.BytesIO(self.client.get(self.url("programme_export_xlsx")).content))
        cell = book["Pairs at risk"]["D2"]
        self.assertEqual((cell.is_date, cell.value), (True, datetime(2026, 2, 25)))
        self.assertGreaterEqual(book["Pairs at risk"].column_dimensions["D"].width, 10)
        week = book["Meetings per pair over time"]["A2"]
        self.assertTrue(week.is_date)
        self.assertEqual(week.number_format, "yyyy-mm-dd")
        pairs = load_workbook(io.BytesIO(self.client.get(self.url("pair_export", "xlsx")).content))
        sheet = pairs["Pairs"]
        made = [c.value for c in sheet[1]].index("Made on")
        self.assertTrue(all(row[made].is_date for row in sheet.iter_rows(min_row=2)))
        r = self.client.get(self.url("programme_dashboard"))
        self.assertContains(r, f'<th scope="row">{r.context["figures"].meeting_weeks[0].week}')
        self.assertIsInstance(r.context["figures"].meeting_weeks[0].week, date)

    def test_it_prints_a_report_with_every_table_open(self):
        r = self.client.get(self.url("programme_report"))
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "Acme Reverse Mentoring: programme report")
        self.assertNotContains(r, "<details>")
        self.assertContains(r, '<th scope="row">Declined, waiting for a new partner</th><td>1</td>')
        self.assertNotContains(r, "Margaret Hughes")  # leadership sees counts, not people

    def test_it_renders_the_report_as_a_pdf(self):
        r = self.client.get(self.url("programme_report_pdf"))
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r["Content-Type"], "application/pdf")
        self.assertTrue(r.content.startswith(b"%PDF-"))
        self.assertEqual(AuditEvent.objects.get(action="insights.export").details["format"], "pdf")


class PartnerPairExportTests(InsightsTestCase):
    """Globex joins Acme's programme as a partner; Greta manages Globex, and Gus, one of
    Globex's people, is Margaret's second partner."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.programme.partners.add(cls.globex)
        gus = Participant.objects.create(
            programme=cls.programme, user=cls.gus, external_id="G500", name="Gus Gruber",
            role="mentor", level=2, organisation=cls.globex,
        )  # fmt: skip
        Pair.objects.create(
            programme=cls.programme, mentor=gus, mentee=cls.p_margaret, status="active"
        )

    def hr_ids(self, user) -> dict[str, str]:
        self.client.force_login(user)
        r = self.client.get(reverse("pair_export", args=[self.programme.slug, "csv"]))
        header, *rows = csv_rows(r.content)
        ids = {}
        for row in rows:
            cells = dict(zip(header, row, strict=True))
            ids[cells["Reverse mentor"]] = cells["Mentor id"]
            ids[cells["Mentee"]] = cells["Mentee id"]
        return ids

    def test_a_partners_manager_gets_the_hr_ids_of_their_own_people_only(self):
        ids = self.hr_ids(self.greta)
        self.assertEqual(ids["Gus Gruber"], "G500")
        self.assertEqual(ids["Margaret Hughes"], "")
        self.assertEqual(ids["Priya Patel"], "")

    def test_the_hosts_manager_gets_everyones(self):
        ids = self.hr_ids(self.martin)
        self.assertEqual(
            (ids["Gus Gruber"], ids["Margaret Hughes"], ids["Priya Patel"]),
            ("G500", "A200", "A100"),
        )
