"""The one reader of participant files (CSV, XLSX, JSON) and programme rules (TOML).

The command, the web importer and the API all call `read_rows`, so every upload is
validated by the same code and reports problems by file, row, column and expectation.
The importer also uses `read_records`, `file_kind` and `manager_cycles` for what needs the
database; everything named with an underscore here is private to the engine.
"""

from __future__ import annotations

import collections
import csv
import difflib
import functools
import io
import json
import os
import re
import tomllib
import zipfile
from collections.abc import Collection, Container, Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from twoheads.matching import collector
from twoheads.matching.model import InputProblem, MatchInputError, Person, Rules, Weights

COLUMNS = (
    "id",
    "name",
    "email",
    "role",
    "organisation",
    "department",
    "site",
    "manager_id",
    "level",
    "timezone",
    "languages",
    "offers",
    "wants",
    "interests",
    "availability",
    "capacity",
    "exclude",
    "past_partners",
    "ranking",
    "status",
)
STYLE_PREFIX = "style:"
# Other spellings HR systems give a column, as `column_name` folds them (no spaces, underscores
# or hyphens): "Employee ID", "Manager_ID" and "line-manager id" all name a column here.
ALIASES = {
    "id": ("employee_id", "employee_number", "person_id", "staff_id"),
    "name": ("full_name", "employee_name"),
    "email": ("email_address", "work_email"),
    "organisation": ("organization",),
    "manager_id": ("line_manager_id", "manager_employee_id", "reports_to_id"),
    "timezone": ("tz",),
    "languages": ("language",),
    "offers": ("skills_offered",),
    "wants": ("skills_wanted",),
}
ROLES = ("mentor", "mentee", "")
STATUSES = ("active", "leaver", "on_leave")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MAX_CAPACITY = 50
UNSET_WHEN_EMPTY = frozenset({"capacity"})
LOWEST_LEVEL, HIGHEST_LEVEL = -1000, 1000
_TIME = r"(\d{1,2})(?::(\d{2}))?"
_SLOT = re.compile(rf"^([a-z]+)(?:\s*-\s*([a-z]+))?\s+{_TIME}\s*-\s*{_TIME}$")


@dataclass(frozen=True, kw_only=True, slots=True)
class PersonRow:
    """A validated row: its number in the file, the person, and the importer-only fields.

    ``columns`` are, for a person of a JSON file, the keys it has (an importer keeps what is
    stored for the rest); None in a CSV or XLSX file, whose every row has every column.
    ``unset`` are the columns whose empty cell means "not given", so that an importer treats
    them as missing: an empty `capacity` (the person has the default).
    """

    row: int
    person: Person
    status: str = "active"
    columns: frozenset[str] | None = None
    unset: frozenset[str] = frozenset()


Source = str | os.PathLike[str] | bytes


class _Problems:
    """Collects every problem in a file so the user can fix them all at once."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.items: list[InputProblem] = []
        self.warnings: list[str] = []  # what the reader chose for the user, such as a sheet

    def add(self, row: int | None, column: str, value: str, expected: str) -> None:
        where = f"{self.filename} row {row}" if row is not None else self.filename
        if column:
            where += f', column "{column}"'
        message = f'{where}: "{value}" {expected}' if row is not None else f"{where}: {expected}"
        self.items.append(
            InputProblem(
                message=message,
                file=self.filename,
                row=row,
                column=column,
                value=value,
                expected=expected,
            )
        )

    def whole_file(self, expected: str) -> None:
        self.items.append(
            InputProblem(
                message=f"{self.filename} {expected}", file=self.filename, expected=expected
            )
        )

    def in_order(self) -> tuple[InputProblem, ...]:
        """In the file's order: the whole file first, then row by row."""
        return in_file_order(self.items)

    def raise_if_any(self) -> None:
        if not self.items:
            return
        self.items = list(self.in_order())
        count = len(self.items)
        head = f"{self.filename} has {count} problem{'s' if count > 1 else ''}:"
        body = "\n".join(f"  {p.message}" for p in self.items)
        raise MatchInputError(f"{head}\n{body}", tuple(self.items))


def in_file_order(problems: Iterable[InputProblem]) -> tuple[InputProblem, ...]:
    """Problems in the order of the file: the whole file's first, then row by row, each row's
    in the order they were found."""
    return tuple(sorted(problems, key=lambda p: -1 if p.row is None else p.row))


def read_people(
    source: Source, filename: str | None = None, *, known_ids: Iterable[str] | None = None
) -> tuple[list[Person], list[str]]:
    """Read participants from a CSV, XLSX or JSON file; return (people, warnings).

    People whose ``status`` is not ``active`` stay in the org chart but are not matched.
    """
    rows, warnings = read_rows(source, filename, known_ids=known_ids)
    people = [r.person if r.status == "active" else _org_chart_only(r.person) for r in rows]
    return people, warnings


def _org_chart_only(person: Person) -> Person:
    fields = {name: getattr(person, name) for name in Person.__slots__}
    fields["role"] = ""
    return Person(**fields)


@collector.paused()
def read_rows(
    source: Source, filename: str | None = None, *, known_ids: Iterable[str] | None = None
) -> tuple[list[PersonRow], list[str]]:
    """Validate every row of a participant file; raise MatchInputError listing all problems.

    ``known_ids`` are ids that exist elsewhere (for example already in the database): a
    ``manager_id`` may point at them. Without it, managers must be in the file.
    """
    checked = check_rows(source, filename, known_ids=known_ids)
    if checked.problems:
        problems = _Problems(checked.filename)
        problems.items = list(checked.problems)
        problems.raise_if_any()
    return list(checked.rows), list(checked.warnings)


@dataclass(frozen=True, slots=True)
class CheckedRows:
    """A participant file's rows that passed every check, the warnings, and every problem
    found (in the file's order), for callers that add checks of their own before reporting."""

    filename: str
    rows: tuple[PersonRow, ...]
    warnings: tuple[str, ...]
    problems: tuple[InputProblem, ...]
    # Rows with a bad cell, read with the cell's default in its place: for a caller's own
    # checks of their other cells, so that one round of fixes is enough. Never to be used.
    flawed: tuple[PersonRow, ...] = ()


def check_rows(
    source: Source,
    filename: str | None = None,
    *,
    known_ids: Iterable[str] | None = None,
    max_capacity: int = MAX_CAPACITY,
    lowest_level: int = LOWEST_LEVEL,
    stored_levels: Container[str] = (),
    style_keys: Collection[str] | None = None,
) -> CheckedRows:
    """Check every row of a participant file as `read_rows` does, returning the problems
    instead of raising them (only a path that cannot be read raises MatchInputError). A file
    that cannot be split into rows has no rows. ``max_capacity`` is the most partners one
    person may take, ``lowest_level`` the lowest level (a programme allows less than the
    command). ``stored_levels`` are the ids of people whose level is already stored: a row of
    theirs that has no level column or key keeps it, so it needs none, even as a mentor or
    mentee (its level is None). ``style_keys`` are the working-style questions the file may
    answer, spelled as `column_name` spells them after "style:"; a `style:` column for any
    other is ignored with a warning, like an unknown column (None: every question counts)."""
    data, name = _load(source, filename)
    problems = _Problems(name)
    records = _records(data, name, problems)
    if problems.items:
        return CheckedRows(name, (), (), problems.in_order())
    # In JSON each person has their own keys: a missing level is told row by row.
    header = _header(records, problems, stored_levels, whole=file_kind(data, name) != "json")
    if problems.items:  # without the columns every row needs, each row would say so again
        return CheckedRows(name, (), (), problems.in_order())
    styles = tuple(
        col
        for col in header
        if col.startswith(STYLE_PREFIX)
        and (style_keys is None or col[len(STYLE_PREFIX) :] in style_keys)
    )
    unknown = [col for col in header if col not in COLUMNS and col not in styles]
    warnings = (*problems.warnings, *(_unknown_column(name, c, style_keys) for c in unknown))
    built = [
        _person_row(
            num,
            rec,
            styles,
            _RowChecker(num, rec, problems, max_capacity, lowest_level),
            "level" not in rec and rec.get("id", "") in stored_levels,
        )
        for num, rec in records
    ]
    if file_kind(data, name) == "json":
        built = [
            (replace(row, columns=frozenset(rec)), sound)
            for (row, sound), (_num, rec) in zip(built, records, strict=True)
        ]
    rows = [row if sound else None for row, sound in built]
    flawed = tuple(row for row, sound in built if not sound and row.person.id)
    # A row with a bad cell is still someone, with an id and a manager: those are checked
    # too, so that one round of fixes is enough.
    _check_unique(records, problems)
    in_file = {rec["id"] for _, rec in records if rec.get("id")}
    _check_managers(
        records,
        [row for row, _sound in built if row.person.id],
        problems,
        in_file.union(known_ids or ()),
        elsewhere=known_ids is not None,
    )
    valid = tuple(r for r in rows if r is not None)
    return CheckedRows(name, valid, warnings, problems.in_order(), flawed)


def _load(source: Source, filename: str | None) -> tuple[bytes, str]:
    if isinstance(source, bytes):
        return source, filename or "people"
    path = Path(source)
    try:
        return path.read_bytes(), filename or path.name
    except OSError as exc:
        name = filename or path.name
        raise MatchInputError(f"{name} could not be read: {exc.strerror}") from exc


Record = tuple[int, dict[str, str]]
FileKind = Literal["csv", "xlsx", "json"]


@dataclass(frozen=True, kw_only=True, slots=True)
class FileRecords:
    """A participant file split into rows, before any cell is checked.

    ``columns`` are the lower-cased columns the rows have, in the order first seen; each record
    is a row's number in the file with its cells by column. ``problems`` say why the file could
    not be split into rows (empty, not UTF-8, not a spreadsheet, not JSON, no rows).
    """

    columns: tuple[str, ...]
    records: tuple[Record, ...]
    problems: tuple[InputProblem, ...]


def read_records(data: bytes, filename: str) -> FileRecords:
    """Split a CSV, XLSX or JSON file into rows; problems are returned, never raised."""
    problems = _Problems(filename)
    records = _records(data, filename, problems)
    return FileRecords(
        columns=tuple(_columns(records)), records=tuple(records), problems=tuple(problems.items)
    )


def _records(data: bytes, name: str, problems: _Problems) -> list[Record]:
    if not data.strip():
        problems.whole_file("is empty; expected a header row and one row per person")
        return []
    kind = file_kind(data, name)
    if kind == "xlsx":
        return _xlsx_records(data, problems)
    text = _decode(data, problems)
    if text is None:
        return []
    if kind == "json":
        return _json_records(text, problems)
    return _csv_records(text, problems)


def file_kind(data: bytes, name: str) -> FileKind:
    """Whether a file is "csv", "xlsx" or "json": by its name's extension, else its first bytes."""
    lower = name.lower()
    if lower.endswith((".xlsx", ".xlsm")):
        return "xlsx"
    if lower.endswith(".json"):
        return "json"
    if lower.endswith((".csv", ".txt", ".tsv")):
        return "csv"
    if data[:2] == b"PK":
        return "xlsx"
    return "json" if data.lstrip()[:1] in (b"[", b"{") else "csv"


def _decode(data: bytes, problems: _Problems) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.whole_file(
            f"is not UTF-8 text (line {line} has the byte 0x{data[exc.start]:02x}); "
            "save it as 'CSV UTF-8'"
        )
        return None


_LINE_END = re.compile(r"[\r\n]")
DELIMITERS = (",", ";", "\t")


def _csv_records(text: str, problems: _Problems) -> list[Record]:
    end = _LINE_END.search(text)  # the header row, found without splitting the rest
    first = text[: end.start()] if end else text
    # Whichever of comma, semicolon and tab the header has most of (a comma on a tie).
    delimiter = max(DELIMITERS, key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    lines = list(reader)
    if len(lines[0]) == 1 and (other := next((c for c in "|" if c in lines[0][0]), None)):
        problems.whole_file(
            f'has its columns separated by "{other}"; separate them with commas, semicolons or '
            "tabs (save it as 'CSV UTF-8')"
        )
        return []
    header = _header_row(lines[0], problems)
    out: list[Record] = []
    for num, cells in enumerate(lines[1:], start=2):
        if not "".join(cells).strip():
            continue
        beyond = [c.strip() for c in cells[len(header) :] if c.strip()]
        if beyond:
            problems.add(
                num,
                "",
                beyond[0],
                f"is beyond the header's {len(header)} columns; a cell that holds the "
                f'delimiter "{delimiter}" must be in double quotes',
            )
        out.append((num, dict(zip(header, map(str.strip, cells), strict=False))))
    if not out:
        problems.whole_file("has a header but no rows of people")
    return out


def _xlsx_records(data: bytes, problems: _Problems) -> list[Record]:
    from openpyxl import load_workbook  # imported lazily: only spreadsheets need it

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        problems.whole_file("is not an XLSX spreadsheet; save it as .xlsx or CSV UTF-8")
        return []
    try:
        lines = _people_sheet(book.worksheets, problems)
    finally:
        book.close()
    if lines is None:
        return []
    if not lines:
        problems.whole_file("is empty; expected a header row and one row per person")
        return []
    header = _header_row(lines[0], problems)
    out = [
        (num, dict(zip(header, cells, strict=False)))
        for num, cells in enumerate(lines[1:], start=2)
        if any(cells)
    ]
    if not out:
        problems.whole_file("has a header but no rows of people")
    return out


def _people_sheet(sheets: list[Any], problems: _Problems) -> list[list[str]] | None:
    """The rows of the first sheet whose first row has an `id` column (a workbook often opens
    on a sheet of notes); a workbook of several sheets is told which one was read. None when
    there are several sheets and none has an `id` column."""
    for sheet in sheets:
        first = next(sheet.iter_rows(max_row=1, values_only=True), ())
        if len(sheets) > 1 and "id" not in (column_name(_cell(c)) for c in first):
            continue
        if len(sheets) > 1:
            others = ", ".join(f'"{s.title}"' for s in sheets if s is not sheet)
            problems.warnings.append(
                f'{problems.filename}: read the sheet "{sheet.title}", the first with an "id" '
                f"column; the other sheets ({others}) were not read"
            )
        return [[_cell(c) for c in row] for row in sheet.iter_rows(values_only=True)]
    titles = ", ".join(f'"{s.title}"' for s in sheets)
    problems.whole_file(
        f'has no sheet with an "id" column in its first row (its sheets: {titles}); put the '
        "people on a sheet whose first row names the columns"
    )
    return None


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _json_records(text: str, problems: _Problems) -> list[Record]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        problems.whole_file(f"is not valid JSON (line {exc.lineno}: {exc.msg})")
        return []
    if isinstance(data, dict):
        data = data.get("people")
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        problems.whole_file('is not a JSON list of people (or {"people": [...]})')
        return []
    if not data:
        problems.whole_file("has no people")
    return [(num, _json_record(num, rec, problems)) for num, rec in enumerate(data, start=1)]


def _json_record(num: int, rec: dict[Any, Any], problems: _Problems) -> dict[str, str]:
    """A JSON person's values by column; two keys naming one column are a problem."""
    out: dict[str, str] = {}
    spelled: dict[str, str] = {}
    for key, value in rec.items():
        column = column_name(str(key))
        if column in spelled:
            problems.add(num, column, "", f'is given twice, as "{spelled[column]}" and "{key}"')
            continue
        spelled[column] = str(key)
        out[column] = _json_value(value)
    return out


def _json_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "; ".join(_json_value(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}:{_json_value(v)}" for k, v in value.items())
    return str(value).strip()


@functools.cache
def _known_columns() -> dict[str, str]:
    """Every column and alias, folded as `column_name` folds a header, to its column."""
    known = {_fold(column): column for column in COLUMNS}
    known.update({_fold(alias): column for column, names in ALIASES.items() for alias in names})
    return known


def _fold(text: str) -> str:
    return re.sub(r"[\s_\-.]+", "", text.lower())


def column_name(header: str) -> str:
    """The column a header names, whatever its case, spaces, underscores and hyphens, and
    through the aliases ("Manager ID" -> "manager_id", "Employee ID" -> "id"); a `style:`
    column's question is lower case, its spaces and hyphens underscores ("style:Work pace" ->
    "style:work_pace"). Any other header is returned as written."""
    text = header.strip()
    prefix, colon, key = text.partition(":")
    if colon and _fold(prefix) == "style":
        return STYLE_PREFIX + re.sub(r"[\s_\-.]+", "_", key.strip().lower())
    return _known_columns().get(_fold(text), text)


def _header_row(cells: list[str], problems: _Problems) -> list[str]:
    """A header row's columns (`column_name`); two cells naming one column are a problem."""
    names = [column_name(cell) for cell in cells]
    first: dict[str, int] = {}
    for at, name in enumerate(names):
        if name in first and (name in COLUMNS or name.startswith(STYLE_PREFIX)):
            was = first[name]
            problems.whole_file(
                f'has two columns for "{name}": "{cells[was].strip()}" (column {was + 1}) and '
                f'"{cells[at].strip()}" (column {at + 1}); keep one'
            )
        first.setdefault(name, at)
    return names


def _unknown_column(filename: str, column: str, style_keys: Collection[str] | None) -> str:
    """The warning for a column the reader does not know, suggesting a near spelling."""
    said = f'{filename}: unknown column "{column}" was ignored'
    if column.startswith(STYLE_PREFIX):
        known = sorted(style_keys or ())
        key = column[len(STYLE_PREFIX) :]
        near = difflib.get_close_matches(key, known, n=1, cutoff=0.75)
        if near:
            return f'{said}; did you mean "{STYLE_PREFIX}{near[0]}"?'
        questions = ", ".join(STYLE_PREFIX + k for k in known) or "none"
        return f'{said}: there is no working-style question "{key}" (the questions: {questions})'
    folded = _known_columns()
    near = difflib.get_close_matches(_fold(column), list(folded), n=1, cutoff=0.75)
    return f'{said}; did you mean "{folded[near[0]]}"?' if near else said


def _columns(records: list[Record]) -> list[str]:
    return list(dict.fromkeys(k for _, rec in records for k in rec))


def _header(
    records: list[Record], problems: _Problems, stored_levels: Container[str], *, whole: bool
) -> list[str]:
    header = _columns(records)
    if "id" not in header:
        problems.whole_file('is missing the required column "id"')
    roles = {
        rec.get("role", "").lower() for _, rec in records if rec.get("id", "") not in stored_levels
    }
    if whole and "level" not in header and roles & {"mentor", "mentee"}:
        problems.whole_file('is missing the column "level" (required for mentors and mentees)')
    return header


def _person_row(
    num: int,
    rec: dict[str, str],
    styles: tuple[str, ...],
    check: _RowChecker,
    level_kept: bool = False,
) -> tuple[PersonRow, bool]:
    """One row as a person, and whether every cell of it is sound (a bad cell has its default
    in the person); ``styles`` are the file's `style:` columns. With ``level_kept`` the row
    leaves a stored level as it is, and needs none."""
    problems = check.problems
    before = len(problems.items)
    role = check.choice("role", ROLES, lower=True)
    status = check.choice("status", STATUSES, lower=True) or "active"
    person_id = rec.get("id", "")
    if not person_id:
        problems.add(num, "id", "", "is empty; every person needs an id")
    fields: dict[str, Any] = {
        "id": person_id,
        "name": rec.get("name", ""),
        "email": rec.get("email", ""),
        "role": role,
        "organisation": rec.get("organisation", ""),
        "department": rec.get("department", ""),
        "site": rec.get("site", ""),
        "manager_id": rec.get("manager_id") or None,
        "level": check.level(required=role in ("mentor", "mentee") and not level_kept),
        "timezone": check.timezone(),
        "languages": check.words("languages") or ("en",),
        "offers": check.skills("offers"),
        "wants": check.skills("wants"),
        "interests": frozenset(check.words("interests")),
        "availability": check.availability(),
        "capacity": check.capacity(),
        "exclude": frozenset(check.ids("exclude")),
        "past_partners": frozenset(check.ids("past_partners")),
        "ranking": check.ids("ranking"),
        "style": check.style(styles),
    }
    for column in ("exclude", "past_partners", "ranking"):
        if person_id and person_id in fields[column]:
            problems.add(num, column, person_id, "is this person's own id")
    unset = frozenset(column for column in UNSET_WHEN_EMPTY if rec.get(column) == "")
    row = PersonRow(row=num, person=Person(**fields), status=status, unset=unset)
    return row, len(problems.items) == before


class _RowChecker:
    """Parses the cells of one row, reporting each bad cell."""

    def __init__(
        self,
        num: int,
        rec: dict[str, str],
        problems: _Problems,
        max_capacity: int = MAX_CAPACITY,
        lowest_level: int = LOWEST_LEVEL,
    ) -> None:
        self.num, self.rec, self.problems = num, rec, problems
        self.max_capacity, self.lowest_level = max_capacity, lowest_level

    def bad(self, column: str, value: str, expected: str) -> None:
        self.problems.add(self.num, column, value, expected)

    def choice(self, column: str, allowed: tuple[str, ...], *, lower: bool) -> str:
        value = self.rec.get(column, "")
        value = value.lower() if lower else value
        if value and value not in allowed:
            shown = " or ".join(f'"{a}"' for a in allowed if a)
            self.bad(column, value, f"is not one of {shown}")
            return ""
        return value

    def integer(self, column: str, low: int, high: int, value: str) -> int | None:
        number = _whole_number(value)
        if number is None:
            self.bad(column, value, "is not a whole number")
            return None
        if not low <= number <= high:
            self.bad(column, value, f"is not between {low} and {high}")
            return None
        return number

    def level(self, *, required: bool) -> int | None:
        value = self.rec.get("level", "")
        if not value:
            if required:
                self.bad("level", "", "is empty; a mentor or mentee needs a level (a whole number)")
            return None
        return self.integer("level", self.lowest_level, HIGHEST_LEVEL, value)

    def timezone(self) -> str:
        value = self.rec.get("timezone", "") or "UTC"
        zone = _zone(value)
        if zone is None:
            self.bad("timezone", value, "is not an IANA time zone (like Europe/London)")
            return "UTC"
        return zone

    def words(self, column: str) -> tuple[str, ...]:
        return _words(self.rec.get(column, ""))

    def ids(self, column: str) -> tuple[str, ...]:
        value = self.rec.get(column, "")
        return tuple(dict.fromkeys(_split(value))) if value else ()

    def skills(self, column: str) -> tuple[tuple[str, int], ...]:
        out: dict[str, int] = {}
        what = "level" if column == "offers" else "priority"
        for item in _split(self.rec.get(column, "")):
            valid = _valid_skill(item)
            if valid is not None:
                out[valid[0]] = valid[1]
                continue
            skill, number = _skill_item(item)
            if not skill:
                self.bad(column, item, f'is not like "skill" or "skill:{what}"')
                continue
            value = self.integer(column, 1, 3, number)
            if value is not None:
                out[skill] = value
        return tuple(out.items())

    def availability(self) -> tuple[tuple[int, int, int], ...]:
        slots, wrong = _week(self.rec.get("availability", ""))
        for item, expected in wrong:
            self.bad("availability", item, expected)
        return slots

    def capacity(self) -> int:
        value = self.rec.get("capacity", "")
        if not value:
            return 1
        return self.integer("capacity", 1, self.max_capacity, value) or 1

    def style(self, columns: tuple[str, ...]) -> tuple[tuple[str, int], ...]:
        out: list[tuple[str, int]] = []
        for column in columns:
            value = self.rec.get(column, "")
            if value:
                number = self.integer(column, 1, 5, value)
                if number is not None:
                    out.append((column[len(STYLE_PREFIX) :].strip(), number))
        return tuple(sorted(out))


def _split(value: str) -> list[str]:
    return [part for part in map(str.strip, value.split(";")) if part]


# Cells and items come back row after row in a large file (the same availability, languages
# and skills), so each distinct one is parsed once.
CACHED = 1 << 16


@functools.lru_cache(maxsize=CACHED)
def _words(value: str) -> tuple[str, ...]:
    """A cell's list in lower case, each word once, in the order given."""
    return tuple(dict.fromkeys(w.lower() for w in _split(value)))


@functools.lru_cache(maxsize=CACHED)
def _week(
    value: str,
) -> tuple[tuple[tuple[int, int, int], ...], tuple[tuple[str, str], ...]]:
    """An availability cell's slots, and the items that are not slots with what is wrong."""
    slots: list[tuple[int, int, int]] = []
    wrong: list[tuple[str, str]] = []
    for item in _split(value):
        found = _parse_slot(item.lower())
        if isinstance(found, str):
            wrong.append((item, found))
        else:
            slots.extend(found)
    return tuple(slots), tuple(wrong)


_WHOLE = re.compile(r"^[+-]?[0-9]+(?:\.0*)?$")


def _whole_number(value: str) -> int | None:
    """A whole number, also as a spreadsheet may write it ("3.0"); None for anything else."""
    text = value.strip()
    return int(text.split(".")[0]) if _WHOLE.match(text) else None


@functools.lru_cache(maxsize=CACHED)
def _valid_skill(item: str) -> tuple[str, int] | None:
    """`skill` or `skill:2` as (skill, number) when it is valid, else None (the caller then
    says what is wrong with it)."""
    skill, number = _skill_item(item)
    if not skill:
        return None
    try:
        value = int(number)
    except ValueError:
        return None
    return (skill, value) if 1 <= value <= 3 else None


@functools.lru_cache(maxsize=CACHED)
def _skill_item(item: str) -> tuple[str, str]:
    """`skill` or `skill:2` as (skill, the number's text); the number is 2 when not given."""
    skill, _, number = item.rpartition(":") if ":" in item else (item, "", "2")
    return skill.strip(), number.strip()


_ZONES: dict[str, str | None] = {}


def _zone(name: str) -> str | None:
    """The IANA zone a cell names, in any case ("europe/london" -> "Europe/London"); None
    when it names none."""
    if name not in _ZONES:
        _ZONES[name] = _zone_names().get(name.lower())
        if _ZONES[name] is None:
            try:
                ZoneInfo(name)
                _ZONES[name] = name
            except (ZoneInfoNotFoundError, ValueError):
                pass
    return _ZONES[name]


@functools.cache
def _zone_names() -> dict[str, str]:
    return {zone.lower(): zone for zone in available_timezones()}


SLOT_EXAMPLE = 'is not like "mon 09-12; thu 14:30-16"'


def _parse_slot(text: str) -> list[tuple[int, int, int]] | str:
    """`mon 09-12` or `mon-fri 09:30-17` into (weekday, start minute, end minute); when it is
    not one, what is wrong with it."""
    found = _SLOT.match(text.strip())
    if not found:
        return SLOT_EXAMPLE
    first, last, h1, m1, h2, m2 = found.groups()
    for day in (first, last):
        if day and day not in DAYS:
            return f'has "{day}", which is not a day; write {", ".join(DAYS[:-1])} or sun'
    if last and DAYS.index(last) < DAYS.index(first):
        return f'goes from {first} back to {last}; write the days in week order, like "mon-fri"'
    start, end = int(h1) * 60 + int(m1 or 0), int(h2) * 60 + int(m2 or 0)
    if int(m1 or 0) >= 60 or int(m2 or 0) >= 60 or end > 24 * 60:
        return "has a time that is not on a 24-hour clock (00:00 to 24:00)"
    if end <= start:
        return (
            f"ends ({_clock(end)}) {'before' if end < start else 'when'} it starts "
            f'({_clock(start)}); write the start first, like "mon 09-12"'
        )
    days = range(DAYS.index(first), DAYS.index(last or first) + 1)
    return [(day, start, end) for day in days]


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _check_unique(records: list[Record], problems: _Problems) -> None:
    seen: dict[str, int] = {}
    for num, rec in records:
        person_id = rec.get("id", "")
        if not person_id:
            continue
        first = seen.setdefault(person_id, num)
        if first != num:
            problems.add(num, "id", person_id, f"is already the id in row {first}")


def _check_managers(
    records: list[Record],
    rows: list[PersonRow],
    problems: _Problems,
    known: set[str],
    *,
    elsewhere: bool = False,
) -> None:
    """Every manager is someone (``known``: the file's ids and any known ``elsewhere``), and
    no chain of managers among the rows (those with a bad cell too) comes back to where it
    started."""
    nobody = "is not the id of anyone in the file" + (
        " or already in the programme" if elsewhere else ""
    )
    for num, rec in records:
        manager = rec.get("manager_id")
        if manager and manager not in known:
            problems.add(num, "manager_id", manager, nobody)
    by_id = {r.person.id: r for r in rows}
    for cycle in manager_cycles({pid: r.person.manager_id for pid, r in by_id.items()}):
        names = " -> ".join(f"{by_id[p].person.label} ({p})" for p in [*cycle, cycle[0]])
        problems.add(
            by_id[cycle[0]].row,
            "manager_id",
            by_id[cycle[0]].person.manager_id or "",
            f"makes a manager cycle: {names}",
        )


def manager_cycles(managers: Mapping[str, str | None]) -> list[list[str]]:
    """Every cycle in the manager relation (id -> manager id), each once from its smallest id.

    Managers missing from the mapping end a chain; people leading into a cycle are not in it.
    """
    state: dict[str, int] = {}
    cycles: list[list[str]] = []
    for start in sorted(managers):
        path: list[str] = []
        node: str | None = start
        while node is not None and node in managers and state.get(node, 0) == 0:
            state[node] = 1
            path.append(node)
            node = managers[node]
        if node is not None and state.get(node) == 1 and node in path:
            cycle = path[path.index(node) :]
            low = cycle.index(min(cycle))
            cycles.append(cycle[low:] + cycle[:low])
        for visited in path:
            state[visited] = 2
    return cycles


RULE_KEYS = (
    "type",
    "min_level_gap",
    "require_mutual",
    "min_compatibility",
    "min_overlap_hours",
    "cross_organisation",
    "allow_same_department",
    "weights",
    "aliases",
    "locked",
    "blocked",
)
WEIGHT_KEYS = ("benefit", "compatibility", "reach")


def read_rules(source: str | os.PathLike[str] | bytes | None = None) -> Rules:
    """Read programme rules from a TOML file or TOML text; unknown keys are an error."""
    return _read_rules(source, None, "")[0]


def read_rules_for(
    source: str | os.PathLike[str] | bytes | None,
    people: Iterable[Person],
    people_file: str = "the people file",
) -> tuple[Rules, list[str]]:
    """Read programme rules and check their locked and blocked pairs against ``people``;
    return (rules, warnings).

    An id that is nobody in ``people_file``, or a locked pair that is not a mentor and a
    mentee in that order, is an error naming the key; a pair listed twice counts once, with a
    warning.
    """
    return _read_rules(source, people, people_file)


def _read_rules(
    source: str | os.PathLike[str] | bytes | None,
    people: Iterable[Person] | None,
    people_file: str,
) -> tuple[Rules, list[str]]:
    if source is None:
        return Rules(), []
    text, name = _rules_text(source)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise MatchInputError(f"{name} is not valid TOML: {exc}") from exc
    problems = _Problems(name)
    fields = _rule_fields(data, problems)
    warnings = [] if people is None else _check_pairs(fields, people, people_file, problems)
    problems.raise_if_any()
    return Rules(**fields), warnings


def _rules_text(source: str | os.PathLike[str] | bytes) -> tuple[str, str]:
    if isinstance(source, bytes):
        raw, name = source, "rules"
    elif isinstance(source, str) and ("=" in source or "\n" in source or not source.strip()):
        return source, "rules"
    else:
        path = Path(source)
        try:
            raw, name = path.read_bytes(), path.name
        except OSError as exc:
            raise MatchInputError(f"{path.name} could not be read: {exc.strerror}") from exc
    try:
        return raw.decode("utf-8-sig"), name
    except UnicodeDecodeError as exc:
        raise MatchInputError(f"{name} is not UTF-8 text") from exc


def _rule_fields(data: dict[str, Any], problems: _Problems) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key not in RULE_KEYS:
            problems.whole_file(f'has an unknown key "{key}"; known keys: {", ".join(RULE_KEYS)}')
            continue
        parsed = _rule_value(key, value, problems)
        if parsed is not None:
            out[key] = parsed
    return out


_RULE_TYPES: dict[str, tuple[type, ...]] = {
    "min_level_gap": (int,),
    "require_mutual": (bool,),
    "min_compatibility": (int, float),
    "min_overlap_hours": (int, float),
    "cross_organisation": (bool,),
    "allow_same_department": (bool,),
}


def _rule_value(key: str, value: Any, problems: _Problems) -> Any:
    if key == "type":
        if value in ("reverse", "traditional"):
            return value
        _bad_rule(problems, key, value, 'must be "reverse" or "traditional"')
        return None
    if key == "weights":
        return _weights(value, problems)
    if key == "aliases":
        return _aliases(value, problems)
    if key in ("locked", "blocked"):
        return _pairs(key, value, problems)
    kinds = _RULE_TYPES[key]
    if isinstance(value, bool) != (bool in kinds) or not isinstance(value, kinds):
        _bad_rule(problems, key, value, f"must be {_kind_words(kinds)}")
        return None
    number = float(value) if isinstance(value, int | float) else 0.0
    if key == "min_compatibility" and not 0 <= number <= 1:
        _bad_rule(problems, key, value, "must be between 0 and 1")
        return None
    if key in ("min_overlap_hours", "min_level_gap") and number < 0:
        _bad_rule(problems, key, value, "must not be negative")
        return None
    return value


def _kind_words(kinds: tuple[type, ...]) -> str:
    if bool in kinds:
        return "true or false"
    return "a whole number" if kinds == (int,) else "a number"


def _bad_rule(problems: _Problems, key: str, value: Any, expected: str) -> None:
    problems.whole_file(f'key "{key}" = {value!r} {expected}')


def _weights(value: Any, problems: _Problems) -> Weights | None:
    if not isinstance(value, dict):
        _bad_rule(problems, "weights", value, "must be a table of benefit, compatibility, reach")
        return None
    unknown = [k for k in value if k not in WEIGHT_KEYS]
    for key in unknown:
        problems.whole_file(f'has an unknown key "weights.{key}"; known: {", ".join(WEIGHT_KEYS)}')
    good = {}
    for key in WEIGHT_KEYS:
        weight = value.get(key, getattr(Weights(), key))
        if isinstance(weight, bool) or not isinstance(weight, int | float) or weight < 0:
            _bad_rule(problems, f"weights.{key}", weight, "must be a number, zero or more")
        else:
            good[key] = float(weight)
    if not unknown and len(good) == 3 and sum(good.values()) <= 0:
        _bad_rule(problems, "weights", value, "must not all be zero")
        return None
    return Weights(**good) if len(good) == 3 and not unknown else None


def _aliases(value: Any, problems: _Problems) -> dict[str, str] | None:
    """Either alias = "canonical" or canonical = ["alias", ...]."""
    if not isinstance(value, dict):
        _bad_rule(problems, "aliases", value, "must be a table")
        return None
    out: dict[str, str] = {}
    for key, target in value.items():
        if isinstance(target, str):
            out[key] = target
        elif isinstance(target, list) and all(isinstance(t, str) for t in target):
            out.update(dict.fromkeys(target, key))
        else:
            _bad_rule(problems, f"aliases.{key}", target, "must be a skill name or a list of names")
    return out


def _pairs(key: str, value: Any, problems: _Problems) -> tuple[tuple[str, str], ...] | None:
    ok = isinstance(value, list) and all(
        isinstance(p, list) and len(p) == 2 and all(isinstance(i, str) for i in p) for p in value
    )
    if not ok:
        _bad_rule(problems, key, value, 'must be a list of ["mentor id", "mentee id"] pairs')
        return None
    return tuple((p[0], p[1]) for p in value)


def _check_pairs(
    fields: dict[str, Any], people: Iterable[Person], people_file: str, problems: _Problems
) -> list[str]:
    """Check the locked and blocked pairs of ``fields`` against the people, and keep each
    pair once; return a warning for each pair listed more than once."""
    roles = {p.id: (p.role, p.label) for p in people}
    warnings = []
    for key in ("locked", "blocked"):
        pairs: tuple[tuple[str, str], ...] = fields.get(key, ())
        unknown = list(dict.fromkeys(i for pair in pairs for i in pair if i not in roles))
        if unknown:
            names = ", ".join(f'"{i}"' for i in unknown)
            verb = "is not anyone" if len(unknown) == 1 else "are not anyone"
            problems.whole_file(f'key "{key}": {names} {verb} in {people_file}')
        for pair, times in collections.Counter(pairs).items():
            if times > 1:
                warnings.append(
                    f'{problems.filename} key "{key}": {_toml_pair(pair)} is listed {times} '
                    "times; it counts once"
                )
        if pairs:
            fields[key] = tuple(dict.fromkeys(pairs))
        for pair in fields.get(key, ()):
            if key == "locked":
                _check_roles(pair, roles, problems)
            else:
                _check_either_way(pair, roles, problems)
    return warnings


def _check_either_way(
    pair: tuple[str, str], roles: Mapping[str, tuple[str, str]], problems: _Problems
) -> None:
    """A blocked pair is a mentor and a mentee, in either order: any other two could never be
    paired, so blocking them would block nothing (unknown ids are told apart)."""
    if any(i not in roles for i in pair):
        return
    found = {roles[i][0] for i in pair}
    if found != {"mentor", "mentee"}:
        said = " and ".join(f'"{i}" ({roles[i][1]}) is {_part(roles[i][0])}' for i in pair)
        problems.whole_file(
            f'key "blocked": in {_toml_pair(pair)}, {said}; each pair is a mentor and a mentee, '
            "in either order"
        )


def _check_roles(
    pair: tuple[str, str], roles: Mapping[str, tuple[str, str]], problems: _Problems
) -> None:
    """A locked pair is a mentor and a mentee, in that order (unknown ids are told apart)."""
    for person_id, role in zip(pair, ("mentor", "mentee"), strict=True):
        has, label = roles.get(person_id, (role, ""))
        if has != role:
            problems.whole_file(
                f'key "locked": in {_toml_pair(pair)}, "{person_id}" ({label}) is {_part(has)}, '
                f'not a {role}; each pair is ["mentor id", "mentee id"]'
            )


def _part(role: str) -> str:
    return f"a {role}" if role else "only in the org chart"


def _toml_pair(pair: tuple[str, str]) -> str:
    return f'["{pair[0]}", "{pair[1]}"]'
