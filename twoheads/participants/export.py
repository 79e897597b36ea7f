"""Participants written out in the import format, safe to open in a spreadsheet."""

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence

from django.db.models import QuerySet

from twoheads.matching.reader import COLUMNS, DAYS, STYLE_PREFIX
from twoheads.programmes.models import Programme

from .models import Participant, ParticipantSkill

# A spreadsheet runs a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def escape_cell(value: str) -> str:
    """Quote text a spreadsheet would otherwise run as a formula; numbers stay numbers."""
    if value.startswith(FORMULA_STARTS) and not NUMBER.match(value):
        return "'" + value
    return value


def csv_bytes(rows: Iterable[Sequence[str]]) -> bytes:
    """Rows as UTF-8 CSV with a byte order mark, so spreadsheets read accents right."""
    out = io.StringIO()
    out.write("\ufeff")
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def _style_keys(programme: Programme) -> list[str]:
    return list(programme.questions.values_list("key", flat=True))


def _header(keys: list[str]) -> list[str]:
    return [*COLUMNS, *(f"{STYLE_PREFIX}{key}" for key in keys)]


def participant_rows(
    programme: Programme, people: QuerySet[Participant] | None = None
) -> Iterator[list[str]]:
    """The header, then one row per participant (of ``people`` when given), in the columns
    `read_rows` accepts."""
    keys = _style_keys(programme)
    yield _header(keys)
    people = (
        (Participant.objects.filter(programme=programme) if people is None else people)
        .select_related("organisation", "manager")
        .prefetch_related("skills__skill")
        .order_by("external_id")
    )
    for person in people.iterator(chunk_size=2000):
        yield [escape_cell(cell) for cell in _row(person, keys)]


def _row(p: Participant, keys: list[str]) -> list[str]:
    values = {
        "id": p.external_id,
        "name": p.name,
        "email": p.email,
        "role": p.role,
        "organisation": p.organisation.name if p.organisation else "",
        "department": p.department,
        "site": p.site,
        "manager_id": p.manager.external_id if p.manager else "",
        "level": "" if p.level is None else str(p.level),
        "timezone": p.timezone,
        "languages": "; ".join(p.languages),
        "offers": _skills(p, ParticipantSkill.Kind.OFFER),
        "wants": _skills(p, ParticipantSkill.Kind.WANT),
        "interests": "; ".join(p.interests),
        "availability": availability_text(p.availability),
        "capacity": str(p.capacity),
        "exclude": "; ".join(p.exclude),
        "past_partners": "; ".join(p.past_partners),
        "ranking": "; ".join(p.ranking),
        # Someone who withdrew is kept out of matching like someone on leave.
        "status": p.status if p.status != Participant.Status.WITHDRAWN else "on_leave",
    }
    style = [str(p.style.get(key, "")) for key in keys]
    return [values[column] for column in COLUMNS] + style


def _skills(p: Participant, kind: str) -> str:
    chosen = sorted((ps.skill.name, ps.level) for ps in p.skills.all() if ps.kind == kind)
    return "; ".join(f"{name}:{level}" for name, level in chosen)


WEEKDAYS = tuple(day.capitalize() for day in DAYS)  # as people read them: Mon, Tue, ...


def availability_text(slots: list[list[int]], days: tuple[str, ...] = DAYS) -> str:
    """Weekly ranges as the import reads them: `mon 09:00-12:00; thu 14:00-16:00`."""
    return "; ".join(
        f"{days[day]} {start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}"
        for day, start, end in slots
    )


def export_csv(programme: Programme, people: QuerySet[Participant] | None = None) -> bytes:
    """UTF-8 CSV with a byte order mark, so spreadsheets read accents right."""
    return csv_bytes(participant_rows(programme, people))


def template_csv(programme: Programme) -> bytes:
    """A file to start from: every column, the programme's `style:` questions included, and
    one example person, as CSV UTF-8 with a byte order mark (so spreadsheets read accents)."""
    keys = _style_keys(programme)
    skills = programme.skills.filter(approved=True).order_by("name")
    catalogue = skills.values_list("name", flat=True)[:3]
    names = list(dict.fromkeys([*catalogue, "Excel", "Negotiation", "Coaching"]))
    example = {
        "id": "E1001",
        "name": "Ann Example",
        "email": "ann.example@example.com",
        "role": "mentor",
        "organisation": programme.organisation.name,
        "department": "Data",
        "site": "Leeds",
        "level": "2",
        "timezone": "Europe/London",
        "languages": "en; fr",
        "offers": f"{names[0]}:3; {names[1]}:2",
        "wants": f"{names[2]}:2",
        "interests": "cycling; jazz",
        "availability": "mon 09-12; thu 14-16",
        "capacity": str(programme.default_capacity),
        "status": "active",
    }
    row = [example.get(column, "") for column in COLUMNS] + ["3"] * len(keys)
    return csv_bytes([_header(keys), row])


def export_xlsx(programme: Programme, people: QuerySet[Participant] | None = None) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("participants")
    for row in participant_rows(programme, people):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
