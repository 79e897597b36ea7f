"""HR systems spell columns and cells their own way: the reader takes the common spellings, and
says exactly what is wrong with the rest."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import Workbook

from twoheads.matching import MatchInputError, check_rows, read_people, read_rows


def messages(text: str | bytes, name: str = "hr.csv") -> list[str]:
    data = text.encode() if isinstance(text, str) else text
    with pytest.raises(MatchInputError) as caught:
        read_people(data, name)
    return [p.message for p in caught.value.errors]


def workbook(*sheets: tuple[str, list[list[object]]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("id_header", "manager_header"),
    [
        ("Employee ID", "Manager ID"),
        ("employee_id", "Manager_ID"),
        ("Person ID", "manager id"),
        ("ID", "Line Manager ID"),
        ("EmployeeID", "ManagerID"),
        ("id", "line-manager-id"),
    ],
)
def test_hr_spellings_of_the_id_and_manager_columns_are_read(
    id_header: str, manager_header: str
) -> None:
    text = f"{id_header},Name,{manager_header}\nB1,Bea,\nJ1,Jo,B1\n"
    people, warnings = read_people(text.encode(), "hr.csv")
    assert [(p.id, p.manager_id) for p in people] == [("B1", None), ("J1", "B1")]
    assert warnings == []


def test_other_columns_ignore_case_spaces_and_hyphens() -> None:
    text = (
        "ID,Time Zone,Past-Partners,E-mail Address,Organization\n"
        "A,Europe/Paris,B,a@x.test,Acme\nB,,,,\n"
    )
    rows, warnings = read_rows(text.encode(), "hr.csv")
    person = rows[0].person
    assert (person.timezone, person.past_partners) == ("Europe/Paris", frozenset({"B"}))
    assert (person.email, person.organisation) == ("a@x.test", "Acme")
    assert warnings == []


def test_two_columns_that_name_the_same_thing_are_refused() -> None:
    assert messages("Employee ID,name,id\nA,Ann,B\n") == [
        'hr.csv has two columns for "id": "Employee ID" (column 1) and "id" (column 3); keep one'
    ]


def test_a_header_close_to_a_known_column_is_ignored_with_the_known_name_suggested() -> None:
    _, warnings = read_people(b"id,Manger ID,Departmnet,shoe size\nA,,Data,42\n", "hr.csv")
    assert warnings == [
        'hr.csv: unknown column "Manger ID" was ignored; did you mean "manager_id"?',
        'hr.csv: unknown column "Departmnet" was ignored; did you mean "department"?',
        'hr.csv: unknown column "shoe size" was ignored',
    ]


def test_style_columns_for_questions_the_caller_lacks_are_ignored_with_a_warning() -> None:
    text = "id,Style: Pace,style:humour,style:detial\nA,4,9,2\n"
    checked = check_rows(text.encode(), "hr.csv", style_keys={"pace", "detail"})
    assert checked.problems == ()  # the 9 of a question nobody asks is not checked
    assert checked.rows[0].person.style == (("pace", 4),)
    assert checked.warnings == (
        'hr.csv: unknown column "style:humour" was ignored: there is no working-style '
        'question "humour" (the questions: style:detail, style:pace)',
        'hr.csv: unknown column "style:detial" was ignored; did you mean "style:detail"?',
    )


def test_without_style_keys_every_style_column_is_read() -> None:
    (person,), warnings = read_people(b"id,style:humour\nA,3\n", "hr.csv")
    assert (person.style, warnings) == ((("humour", 3),), [])


def test_a_json_person_with_two_keys_for_one_column_is_refused() -> None:
    data = json.dumps([{"Employee ID": "A", "id": "B"}]).encode()
    assert messages(data, "hr.json") == [
        'hr.json row 1, column "id": "" is given twice, as "Employee ID" and "id"'
    ]


def test_a_whole_number_written_with_a_decimal_point_is_read_in_csv_as_in_xlsx() -> None:
    csv_people, _ = read_people(b"id,role,level,capacity\nA,mentor,3.0,2.00\n", "hr.csv")
    xlsx = workbook(("People", [["id", "role", "level", "capacity"], ["A", "mentor", 3.0, 2]]))
    xlsx_people, _ = read_people(xlsx, "hr.xlsx")
    assert [(p.level, p.capacity) for p in csv_people + xlsx_people] == [(3, 2), (3, 2)]


def test_a_fraction_is_refused_in_csv_as_in_xlsx() -> None:
    xlsx = workbook(("People", [["id", "role", "level"], ["A", "mentor", 3.5]]))
    expected = '"3.5" is not a whole number'
    assert messages(b"id,role,level\nA,mentor,3.5\n")[0].endswith(expected)
    assert messages(xlsx, "hr.xlsx")[0].endswith(expected)


def test_a_time_zone_in_any_case_is_stored_as_its_iana_name() -> None:
    people, _ = read_people(b"id,timezone\nA,europe/london\nB,AMERICA/NEW_YORK\nC,utc\n")
    assert [p.timezone for p in people] == ["Europe/London", "America/New_York", "UTC"]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (
            "monday 09-12",
            'has "monday", which is not a day; write mon, tue, wed, thu, fri, sat or sun',
        ),
        (
            "mon-frid 09-12",
            'has "frid", which is not a day; write mon, tue, wed, thu, fri, sat or sun',
        ),
        (
            "mon 12-09",
            'ends (09:00) before it starts (12:00); write the start first, like "mon 09-12"',
        ),
        (
            "mon 9:30-9:30",
            'ends (09:30) when it starts (09:30); write the start first, like "mon 09-12"',
        ),
        (
            "fri-mon 09-12",
            'goes from fri back to mon; write the days in week order, like "mon-fri"',
        ),
        ("mon 09-25", "has a time that is not on a 24-hour clock (00:00 to 24:00)"),
        ("mon 09:75-10", "has a time that is not on a 24-hour clock (00:00 to 24:00)"),
        ("mornings", 'is not like "mon 09-12; thu 14:30-16"'),
    ],
)
def test_an_availability_item_says_which_part_is_wrong(cell: str, expected: str) -> None:
    assert messages(f"id,availability\nA,{cell}\n") == [
        f'hr.csv row 2, column "availability": "{cell}" {expected}'
    ]


def test_an_xlsx_that_opens_on_a_sheet_of_notes_is_read_from_the_people_sheet() -> None:
    data = workbook(
        ("Read me", [["Exported from the HR system"], ["Do not edit the ids"]]),
        ("People", [["Employee ID", "Name"], ["A1", "Ann"]]),
        ("Lookups", [["code", "meaning"]]),
    )
    people, warnings = read_people(data, "hr.xlsx")
    assert [p.id for p in people] == ["A1"]
    assert warnings == [
        'hr.xlsx: read the sheet "People", the first with an "id" column; the other sheets '
        '("Read me", "Lookups") were not read'
    ]


def test_an_xlsx_whose_sheets_have_no_id_column_names_its_sheets() -> None:
    data = workbook(("Read me", [["notes"]]), ("Staff", [["Name"], ["Ann"]]))
    assert messages(data, "hr.xlsx") == [
        'hr.xlsx has no sheet with an "id" column in its first row (its sheets: "Read me", '
        '"Staff"); put the people on a sheet whose first row names the columns'
    ]


def test_an_xlsx_of_one_sheet_says_nothing_about_sheets() -> None:
    people, warnings = read_people(workbook(("Sheet1", [["id"], ["A1"]])), "hr.xlsx")
    assert ([p.id for p in people], warnings) == (["A1"], [])


def test_an_empty_capacity_cell_is_not_given() -> None:
    rows, _ = read_rows(b"id,capacity\nA,\nB,3\n")
    assert [(r.person.capacity, r.unset) for r in rows] == [
        (1, frozenset({"capacity"})),
        (3, frozenset()),
    ]
