"""The dashboard's tables as CSV and XLSX files, safe to open in a spreadsheet.

Dates are ISO dates in a CSV file and date cells in a workbook. A CSV file starts with a
byte order mark, without which Excel reads UTF-8 as its own code page and garbles accents.
"""

import csv
import io
import re
from collections.abc import Sequence
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .tables import Cell, Table

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
DATE_WIDTH = 12  # wide enough for yyyy-mm-dd: a narrower date cell shows as ####


def safe_cell(value: Cell) -> Cell:
    """Text a spreadsheet would run as a formula gets a leading apostrophe; numbers stay."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _csv_cell(value: Cell) -> Cell:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return safe_cell(value)


def table_csv(table: Table) -> str:
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out)
    writer.writerow([safe_cell(h) for h in table.headers])
    for row in table.rows:
        writer.writerow([_csv_cell(v) for v in row])
    return out.getvalue()


def _sheet_title(title: str, used: set[str]) -> str:
    base = " ".join(re.sub(r"[\[\]:*?/\\]", " ", title).split())[:31].strip() or "Sheet"
    name, n = base, 2
    while name.lower() in used:
        suffix = f" {n}"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(name.lower())
    return name


def _date_columns(table: Table) -> set[int]:
    return {i for row in table.rows for i, v in enumerate(row) if isinstance(v, date)}


def tables_xlsx(tables: Sequence[Table]) -> bytes:
    """One workbook, one sheet per table, headers in bold."""
    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for table in tables:
        sheet = book.create_sheet(_sheet_title(table.title, used))
        sheet.append([safe_cell(h) for h in table.headers])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([safe_cell(v) for v in row])
        for column in _date_columns(table):
            sheet.column_dimensions[get_column_letter(column + 1)].width = DATE_WIDTH
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
