"""Every problem in a people file is reported with its row, column and what was expected."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import Workbook

from twoheads.matching import (
    InputProblem,
    MatchInputError,
    check_rows,
    file_kind,
    manager_cycles,
    read_people,
    read_records,
    read_rows,
)

HEADER = "id,name,role,level,manager_id,timezone,offers,wants,availability"


def problems(text: str | bytes, name: str = "people.csv", **kw: object) -> list[str]:
    """The messages MatchInputError carries for a file."""
    data = text.encode() if isinstance(text, str) else text
    with pytest.raises(MatchInputError) as caught:
        read_people(data, name, **kw)  # type: ignore[arg-type]
    return [p.message for p in caught.value.errors]


def test_it_reads_a_comma_file_with_a_bom() -> None:
    text = "\ufeff" + HEADER + "\npriya,Priya,mentor,2,,Europe/London,GenAI:3;excel,law,mon 09-12\n"
    (person,), warnings = read_people(text.encode(), "people.csv")
    assert person.offers == (("GenAI", 3), ("excel", 2))
    assert person.availability == ((0, 540, 720),)
    assert warnings == []


def test_it_detects_semicolons_and_warns_about_unknown_columns() -> None:
    text = "id;role;level;shoe size;style:pace\nm;mentor;1;42;4\n"
    (person,), warnings = read_people(text.encode(), "people.csv")
    assert person.style == (("pace", 4),)
    assert warnings == ['people.csv: unknown column "shoe size" was ignored']


def test_it_reads_a_tab_separated_file_with_commas_inside_cells() -> None:
    text = "id\tname\trole\tlevel\tinterests\nm\tSmith, Ann\tmentor\t1\tchess;go\n"
    (person,), _ = read_people(text.encode(), "people.csv")
    assert (person.name, person.level, person.interests) == ("Smith, Ann", 1, {"chess", "go"})


def test_a_file_separated_by_pipes_is_told_so_not_that_it_lacks_an_id() -> None:
    assert problems("id|name|role|level\nm|Ann|mentor|1\n") == [
        'people.csv has its columns separated by "|"; separate them with commas, semicolons '
        "or tabs (save it as 'CSV UTF-8')"
    ]


def test_it_collects_every_error_of_a_file() -> None:
    text = (
        HEADER + "\n"
        "a,Ann,mentor,senior,,Mars/Olympus,ai:5,,mun 9-12\n"
        "b,Bob,boss,3,,,,,\n"
        "c,Cy,mentee,,,,,,\n"
    )
    assert problems(text) == [
        'people.csv row 2, column "level": "senior" is not a whole number',
        'people.csv row 2, column "timezone": "Mars/Olympus" is not an IANA time zone '
        "(like Europe/London)",
        'people.csv row 2, column "offers": "5" is not between 1 and 3',
        'people.csv row 2, column "availability": "mun 9-12" has "mun", which is not a day; '
        "write mon, tue, wed, thu, fri, sat or sun",
        'people.csv row 3, column "role": "boss" is not one of "mentor" or "mentee"',
        'people.csv row 4, column "level": "" is empty; a mentor or mentee needs a level (a '
        "whole number)",
    ]


def test_the_same_cells_in_many_rows_are_read_and_reported_row_by_row() -> None:
    good = "mentor,2,,,GenAI:3; excel,law:1,tue-wed 9-11; fri 14:30-16"
    people, _ = read_people(f"{HEADER}\na,A,{good}\nb,B,{good}\n".encode(), "people.csv")
    assert [p.offers for p in people] == [(("GenAI", 3), ("excel", 2))] * 2
    assert [p.wants for p in people] == [(("law", 1),)] * 2
    assert [p.availability for p in people] == [((1, 540, 660), (2, 540, 660), (4, 870, 960))] * 2
    bad = "mentor,2,,,ai:5; :2; ml:x,,mun 9-12; mon 09-12"
    assert problems(f"{HEADER}\na,A,{bad}\nb,B,{bad}\n") == [
        message
        for row in (2, 3)
        for message in (
            f'people.csv row {row}, column "offers": "5" is not between 1 and 3',
            f'people.csv row {row}, column "offers": ":2" is not like "skill" or "skill:level"',
            f'people.csv row {row}, column "offers": "x" is not a whole number',
            f'people.csv row {row}, column "availability": "mun 9-12" has "mun", which is '
            "not a day; write mon, tue, wed, thu, fri, sat or sun",
        )
    ]


def test_a_duplicate_id_names_both_rows() -> None:
    assert problems("id,role\nu1,\nu1,\n") == [
        'people.csv row 3, column "id": "u1" is already the id in row 2'
    ]


def test_a_manager_cycle_names_the_people() -> None:
    text = "id,name,manager_id\na,Ann,b\nb,Bob,a\n"
    assert problems(text) == [
        'people.csv row 2, column "manager_id": "b" makes a manager cycle: Ann (a) -> Bob (b) '
        "-> Ann (a)"
    ]


def test_an_unknown_manager_is_an_error_unless_known_elsewhere() -> None:
    text = "id,manager_id\na,zz\n"
    assert problems(text) == [
        'people.csv row 2, column "manager_id": "zz" is not the id of anyone in the file'
    ]
    (person,), _ = read_people(text.encode(), "people.csv", known_ids={"zz"})
    assert person.manager_id == "zz"


def test_missing_columns_empty_files_and_bad_encodings() -> None:
    assert problems("name\nAnn\n") == ['people.csv is missing the required column "id"']
    assert problems("id,role\nx,mentor\n") == [
        'people.csv is missing the column "level" (required for mentors and mentees)'
    ]
    assert problems("") == ["people.csv is empty; expected a header row and one row per person"]
    assert problems("id\n") == ["people.csv has a header but no rows of people"]
    assert problems("id,name\nx,Jos\xe9\n".encode("latin-1")) == [
        "people.csv is not UTF-8 text (line 2 has the byte 0xe9); save it as 'CSV UTF-8'"
    ]


def test_style_and_capacity_are_checked() -> None:
    assert problems("id,style:pace,capacity\nx,9,0\n") == [
        'people.csv row 2, column "capacity": "0" is not between 1 and 50',
        'people.csv row 2, column "style:pace": "9" is not between 1 and 5',
    ]


def test_it_reads_xlsx_and_rejects_what_is_not_a_spreadsheet() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["ID", "Role", "Level", "Wants"])
    sheet.append(["m1", "mentor", 2, "python:3"])
    out = io.BytesIO()
    book.save(out)
    (person,), _ = read_people(out.getvalue(), "people.xlsx")
    assert (person.id, person.level, person.wants) == ("m1", 2, (("python", 3),))
    assert problems(b"PK\x03\x04 not really", "people.xlsx") == [
        "people.xlsx is not an XLSX spreadsheet; save it as .xlsx or CSV UTF-8"
    ]


def test_it_reads_json_lists() -> None:
    data = json.dumps([{"id": "e1", "role": "mentee", "level": 7, "languages": ["en", "fr"]}])
    (person,), _ = read_people(data.encode(), "people.json")
    assert person.languages == ("en", "fr")
    assert problems(b"{oops", "people.json") == [
        "people.json is not valid JSON (line 1: Expecting property name enclosed in double quotes)"
    ]


def test_the_importer_gets_rows_with_their_status() -> None:
    text = "id,role,level,status\na,mentor,2,leaver\nb,mentee,7,\n"
    rows, _ = read_rows(text.encode(), "people.csv")
    found = [(r.row, r.person.id, r.status) for r in rows]
    assert found == [(2, "a", "leaver"), (3, "b", "active")]
    people, _ = read_people(text.encode(), "people.csv")
    assert [p.role for p in people] == ["", "mentee"]
    assert problems("id,status\na,retired\n") == [
        'people.csv row 2, column "status": "retired" is not one of "active" or "leaver" or '
        '"on_leave"'
    ]


def test_read_records_splits_rows_without_checking_cells() -> None:
    text = "ID;Name;Level\np1;Priya;senior\n\n;;\np2;Sam\n"
    found = read_records(text.encode(), "people.csv")
    assert found.columns == ("id", "name", "level")
    assert found.records == (
        (2, {"id": "p1", "name": "Priya", "level": "senior"}),
        (5, {"id": "p2", "name": "Sam"}),
    )
    assert found.problems == ()


def test_read_records_collects_the_columns_of_every_json_person() -> None:
    data = json.dumps({"people": [{"id": "a"}, {"id": "b", "Site": "Leeds", "level": 3}]})
    found = read_records(data.encode(), "people.json")
    assert found.columns == ("id", "site", "level")
    assert [num for num, _ in found.records] == [1, 2]


def test_read_records_returns_problems_instead_of_raising() -> None:
    found = read_records("id,name\nx,Jos\xe9\n".encode("latin-1"), "hr.csv")
    expected = "is not UTF-8 text (line 2 has the byte 0xe9); save it as 'CSV UTF-8'"
    assert found.problems == (
        InputProblem(message=f"hr.csv {expected}", file="hr.csv", expected=expected),
    )
    assert (found.columns, found.records) == ((), ())
    assert [p.message for p in read_records(b"id\n", "hr.csv").problems] == [
        "hr.csv has a header but no rows of people"
    ]


def test_file_kind_trusts_the_extension_then_the_first_bytes() -> None:
    assert file_kind(b"id\n", "People.XLSX") == "xlsx"
    assert file_kind(b"PK\x03\x04", "people.csv") == "csv"
    assert file_kind(b"[]", "export.json") == "json"
    assert file_kind(b"PK\x03\x04", "upload") == "xlsx"
    assert file_kind(b'  {"people": []}', "upload") == "json"
    assert file_kind(b"id,name\n", "upload") == "csv"


def test_manager_cycles_lists_each_cycle_once_from_its_smallest_id() -> None:
    managers = {
        "ann": "cy",
        "bob": "ann",
        "cy": "bob",
        "dee": "ann",
        "eve": "eve",
        "fay": "outsider",
        "gus": None,
    }
    assert manager_cycles(managers) == [["ann", "cy", "bob"], ["eve"]]
    assert manager_cycles({"dee": "ann", "ann": None}) == []
    assert manager_cycles({}) == []


def test_a_row_with_a_bad_cell_is_still_its_reports_manager() -> None:
    """Only the bad cell is reported: the person is in the file, so naming them as a manager
    is not a second problem."""
    text = "id,level,timezone,manager_id\nboss,9,Mars/Base,\nann,3,UTC,boss\n"
    assert problems(text) == [
        'people.csv row 2, column "timezone": "Mars/Base" is not an IANA time zone '
        "(like Europe/London)"
    ]


def test_a_cell_beyond_the_header_is_an_error_naming_the_row() -> None:
    """A list split by the file's own delimiter (unquoted) would shift or lose cells."""
    text = 'id;level;availability\na;3;mon 09-12; tue 10-11\nb;4;"mon 09-12; tue 10-11"\n'
    assert problems(text) == [
        'people.csv row 2: "tue 10-11" is beyond the header\'s 3 columns; a cell that holds '
        'the delimiter ";" must be in double quotes'
    ]
    # Trailing empty cells, as some spreadsheets write them, are not a problem.
    people, _ = read_people(b"id,level\na,3,,\n", "people.csv")
    assert [p.id for p in people] == ["a"]


def test_a_row_with_a_bad_cell_still_has_its_id_and_manager_checked_in_row_order() -> None:
    """One round of fixes is enough: the duplicate of a bad row's id and a bad row's unknown
    manager are reported with its cells, and every problem comes in the file's order."""
    text = "id,level,manager_id\nann,x,nobody\nbob,3,\nann,4,\n"
    assert problems(text) == [
        'people.csv row 2, column "level": "x" is not a whole number',
        'people.csv row 2, column "manager_id": "nobody" is not the id of anyone in the file',
        'people.csv row 4, column "id": "ann" is already the id in row 2',
    ]


def test_check_rows_returns_the_good_rows_with_every_problem() -> None:
    checked = check_rows(b"id,level,colour\nann,x,red\nbob,3,blue\n", "people.csv")
    assert [r.person.id for r in checked.rows] == ["bob"]
    assert checked.warnings == ('people.csv: unknown column "colour" was ignored',)
    assert [(p.row, p.column) for p in checked.problems] == [(2, "level")]
    nothing = check_rows(b"name\nann\n", "people.csv")
    assert (nothing.rows, [p.row for p in nothing.problems]) == ((), [None])
