"""Exports of the dashboard's tables, the printable report and its PDF: same numbers, audited."""

import csv
import io

from django.urls import reverse
from openpyxl import load_workbook

from tests.insights.stories import SECRET_NOTE, InsightsTestCase
from twoheads.accounts.models import AuditEvent
from twoheads.insights.exports import safe_cell, table_csv, tables_xlsx
from twoheads.insights.tables import Table


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
        rows = list(csv.reader(io.StringIO(r.content.decode())))
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
        rows = list(csv.reader(io.StringIO(r.content.decode())))
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
        self.assertEqual(table_csv(table), "Name,Value\r\nx,\r\n")
        book = load_workbook(io.BytesIO(tables_xlsx([table, table])))
        self.assertEqual(
            book.sheetnames, ["A table with odd characters", "A table with odd characters 2"]
        )
        self.assertEqual(list(book.worksheets[0].values), [("Name", "Value"), ("x", None)])

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
