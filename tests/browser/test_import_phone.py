"""Helen checks an HR file on her phone: each problem is a card she can read in full, and the
columns the import ignores are a warning she cannot miss."""

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.conftest import serious_violations
from tests.browser.test_accessibility import HELEN, slug

FILE = (
    b"Employee ID,Name,Manger ID,availability,level,role\n"
    b"E9001,Nia Noor,,monday 09-12,2,mentor\n"
    b"E9002,Ned Boss,,mon 12-09,senior,mentee\n"
)


def test_a_files_problems_fit_a_phone_and_its_warnings_stand_out(
    open_page: Callable[..., Page], demo_site: str, signed_in: dict[str, Path]
):
    page = open_page(signed_in[HELEN])
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{demo_site}/programmes/{slug()}/people/import/")
    page.get_by_label("File from the HR system").set_input_files(
        {"name": "hr.csv", "mimeType": "text/csv", "buffer": FILE}
    )
    page.get_by_role("button", name="Check the file").click()
    row = page.locator("table.problems tbody tr").first
    expect(row).to_be_visible()
    box = row.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375
    cells = row.locator("td")
    labels = [
        cells.nth(i).evaluate("c => getComputedStyle(c, '::before').content")
        for i in range(cells.count())
    ]
    assert labels == ['"Row"', '"Column"', '"Value"', '"What was expected"']
    expected = cells.nth(3).bounding_box()
    assert expected is not None and expected["width"] > 250  # not one word a line
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    warning = page.locator(".message-warning")
    expect(warning).to_contain_text('unknown column "Manger ID" was ignored; did you mean')
    colour = warning.evaluate("e => getComputedStyle(e).borderLeftColor")
    assert colour != "rgba(0, 0, 0, 0)"


def test_the_person_by_person_preview_has_no_serious_accessibility_problem(
    open_page: Callable[..., Page], demo_site: str, signed_in: dict[str, Path]
):
    page = open_page(signed_in[HELEN])
    page.goto(f"{demo_site}/programmes/{slug()}/people/import/")
    page.get_by_label("File from the HR system").set_input_files(
        {
            "name": "hr.csv",
            "mimeType": "text/csv",
            "buffer": b"Employee ID,Name,role,level,style:humour\nE9001,Nia Noor,mentor,2,3\n",
        }
    )
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_text("Person by person")).to_be_visible()
    expect(page.locator(".message-warning")).to_contain_text("style:humour")
    assert serious_violations(page) == []
