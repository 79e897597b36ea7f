"""Martin, a programme manager at Acme, runs a programme from nothing to published pairs.

He creates the programme, imports the HR file (and is told exactly which cell is wrong the first
time), runs the matching, keeps one pair he knows is right, publishes, and then reads and exports
the dashboard.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import serious_violations, sign_in
from tests.browser.stories import COLUMNS, PASSWORD, manager_account, people_file, person
from twoheads.accounts.models import Organisation
from twoheads.pairing.models import Pair
from twoheads.programmes.models import Programme

PEOPLE = [
    person(
        "A100",
        "Priya Patel",
        "mentor",
        "Data",
        2,
        "Generative AI tools:3; Data visualisation:2",
        "Negotiation:3; Finance:2",
    ),
    person(
        "A101",
        "Sam Okafor",
        "mentor",
        "Marketing",
        1,
        "Social media:3; Data visualisation:2",
        "Stakeholder management:3; Public speaking:2",
    ),
    person(
        "A102",
        "Leah Brown",
        "mentor",
        "IT",
        2,
        "Automation:3; Accessibility:2",
        "Strategy:3; Leading through change:2",
    ),
    person(
        "A200",
        "Margaret Hughes",
        "mentee",
        "Finance",
        7,
        "Negotiation:3; Finance:3",
        "Generative AI tools:3; Data visualisation:2",
    ),
    person(
        "A201",
        "David Price",
        "mentee",
        "Sales",
        6,
        "Stakeholder management:3; Public speaking:3",
        "Social media:3",
    ),
    person(
        "A202",
        "Ruth Evans",
        "mentee",
        "Operations",
        8,
        "Strategy:3; Leading through change:3",
        "Automation:3; Accessibility:2",
    ),
]


@pytest.fixture
def martin(transactional_db):
    acme = Organisation.objects.create(name="Acme Ltd")
    return manager_account("martin@acme.test", "Martin Manager", acme)


@pytest.fixture
def files(tmp_path):
    bad_rows = [dict(row) for row in PEOPLE]
    bad_rows[1]["level"] = "junior"  # row 3 of the file: the header is row 1
    bad = tmp_path / "acme-hr-export.csv"
    bad.write_bytes(people_file(bad_rows))
    good = tmp_path / "acme-hr-export-fixed.csv"
    good.write_bytes(people_file(PEOPLE))
    return bad, good


def test_martin_creates_imports_matches_locks_publishes_and_exports(
    page: Page, live_server, martin, files
):
    bad_file, good_file = files
    sign_in(page, live_server.url, "martin@acme.test", PASSWORD)
    expect(page.get_by_role("heading", name="Programmes", level=1)).to_be_visible()
    assert serious_violations(page) == []

    page.get_by_role("link", name="New programme").click()
    page.get_by_label("Name").fill("Acme Reverse Mentoring 2027")
    page.get_by_label("Description").fill("Juniors mentor the leadership team on new tools.")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Create the programme").click()
    expect(page.get_by_role("heading", name="Acme Reverse Mentoring 2027", level=1)).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("The programme is created")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Move to Enrolling").click()
    expect(page.get_by_role("status")).to_contain_text("The programme is now Enrolling")

    # The first file has a word where a level should be, on row 3.
    page.get_by_role("link", name="Import the HR system's file").click()
    page.get_by_label("File from the HR system").set_input_files(bad_file)
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("alert")).to_contain_text("The file has 1 problem. Nothing was written")
    problem = page.get_by_role("row").filter(has_text="junior")
    expect(problem.get_by_role("cell").nth(0)).to_have_text("3")
    expect(problem.get_by_role("cell").nth(1)).to_have_text("level")
    assert serious_violations(page) == []
    programme = Programme.objects.get(name="Acme Reverse Mentoring 2027")
    assert programme.participants.count() == 0

    # Fixed, it is previewed, then written on confirmation.
    page.get_by_label("File from the HR system").set_input_files(good_file)
    page.get_by_role("button", name="Check the file").click()
    expect(
        page.get_by_role("heading", name="acme-hr-export-fixed.csv: 6 rows read")
    ).to_be_visible()
    page.get_by_role("button", name="Import 6 rows").click()
    expect(page.get_by_role("status").first).to_contain_text("Imported: 6 new")
    assert programme.participants.count() == 6

    # The run executes at once here; its review lists every proposed pair and why.
    page.get_by_role("navigation", name="Programme sections").get_by_role(
        "link", name="Matching"
    ).click()
    expect(page).to_have_url(re.compile(r"/runs/$"))
    assert serious_violations(page) == []
    page.get_by_role("button", name="Start the run").click()
    expect(page.get_by_role("heading", name="3 proposed pairs")).to_be_visible()
    assert serious_violations(page) == []
    review = page.get_by_role("row").filter(has_text="Priya Patel")
    expect(review).to_contain_text("Margaret Hughes")
    review.get_by_role("button", name="Lock Priya Patel & Margaret Hughes").click()
    locked = page.get_by_role("row").filter(has_text="Priya Patel")
    expect(locked.get_by_text("locked", exact=True)).to_be_visible()
    expect(
        locked.get_by_role("button", name="Unlock Priya Patel & Margaret Hughes")
    ).to_be_visible()

    page.get_by_role("link", name="Publish…").click()
    expect(page.get_by_text("3 pairs will be created.")).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_role("button", name="Publish the pairs").click()
    expect(page.get_by_role("status")).to_contain_text("3 pairs published")
    assert serious_violations(page) == []
    assert Pair.objects.filter(programme=programme, status=Pair.Status.PROPOSED).count() == 3
    programme.refresh_from_db()
    assert programme.status == Programme.Status.ACTIVE

    page.get_by_role("navigation", name="Programme sections").get_by_role(
        "link", name="Dashboard"
    ).click()
    headline = page.locator(".stats").first
    expect(headline).to_contain_text("6")
    expect(headline).to_contain_text("enrolled")
    assert serious_violations(page) == []
    with page.expect_download() as download_info:
        page.get_by_role("link", name="All tables as XLSX").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as workbook:
        assert workbook.read(2) == b"PK"  # an XLSX file is a zip archive


def test_martins_hr_file_without_a_languages_column_makes_people_ready_to_match(
    page: Page, live_server, martin, tmp_path
):
    """docs/csv-format.md: `languages` defaults to English; HR exports often lack it."""
    export = tmp_path / "acme-hr-export.csv"
    export.write_bytes(people_file(PEOPLE, columns=tuple(c for c in COLUMNS if c != "languages")))
    sign_in(page, live_server.url, "martin@acme.test", PASSWORD)
    page.get_by_role("link", name="New programme").click()
    page.get_by_label("Name").fill("Acme Reverse Mentoring 2027")
    page.get_by_role("button", name="Create the programme").click()
    page.get_by_role("link", name="Import the HR system's file").click()
    page.get_by_label("File from the HR system").set_input_files(export)
    page.get_by_role("button", name="Check the file").click()
    page.get_by_role("button", name="Import 6 rows").click()
    expect(page.get_by_role("status").first).to_contain_text("Imported: 6 new")
    expect(page.get_by_text("not finished their profiles")).to_have_count(0)
    expect(page.get_by_text("missing: languages you speak")).to_have_count(0)
