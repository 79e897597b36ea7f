"""A form sent back with errors says so where the person is: at the top of the form, which
takes the focus, in the page's title, and on each field, linked from the top.

The demo (`seed_demo`, 40 participants) is loaded once. Aisha, a junior reverse mentor, plans
a meeting with Richard and fills in her profile on a phone; each test's changes are rolled back.
"""

import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from twoheads.demo.logins import DEMO_LOGINS
from twoheads.pairing.models import Pair
from twoheads.programmes.models import Programme

LOGINS = {role: email for role, email in DEMO_LOGINS}
AISHA = LOGINS["Junior reverse mentor"]
PHONE = {"width": 375, "height": 800}
IN_VIEW = "e => { const r = e.getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight; }"


def send_without_the_browsers_checks(page: Page) -> None:
    """Send the page's main form as it is, past the browser's own required-field checks."""
    page.evaluate("document.querySelectorAll('main form').forEach(f => f.noValidate = true)")
    page.locator("main form button.primary[type=submit]").last.click()
    page.wait_for_load_state()


def plan_a_meeting_page(open_page: Callable[..., Page], site: str, saved: Path) -> Page:
    page = open_page(saved)
    page.set_viewport_size(PHONE)
    pair = Pair.objects.get(mentor__name="Aisha Khan", mentee__name="Richard Hale")
    page.goto(f"{site}/pairs/{pair.pk}/meetings/new/")
    return page


def test_an_empty_meeting_form_comes_back_with_its_errors_first_and_focused(
    open_page: Callable[..., Page], demo_site: str, signed_in: dict[str, Path]
):
    page = plan_a_meeting_page(open_page, demo_site, signed_in[AISHA])
    send_without_the_browsers_checks(page)
    assert page.title().startswith("Error: Plan a meeting")
    summary = page.get_by_role("alert").filter(has_text="needs a look")
    expect(summary).to_be_focused()
    assert summary.evaluate(IN_VIEW), "the summary is out of sight on a phone"
    summary.get_by_role("link", name="Starts").click()
    expect(page.get_by_label("Starts")).to_be_focused()


def test_a_group_of_choices_with_an_error_is_linked_and_described(
    open_page: Callable[..., Page], demo_site: str, signed_in: dict[str, Path]
):
    page = plan_a_meeting_page(open_page, demo_site, signed_in[AISHA])
    page.evaluate("document.querySelectorAll('input[name=mode]').forEach(r => r.checked = false)")
    send_without_the_browsers_checks(page)
    link = page.get_by_role("alert").get_by_role("link", name="Where")
    expect(link).to_have_attribute("href", "#id_mode_0")
    link.click()
    expect(page.get_by_role("radio", name="In person")).to_be_focused()
    group = page.get_by_role("group", name="Where")
    expect(group).to_have_accessible_description("This field is required.")


def profile_page(open_page: Callable[..., Page], site: str, saved: Path) -> Page:
    page = open_page(saved)
    slug = Programme.objects.get(name="Northwind Reverse Mentoring 2026").slug
    page.goto(f"{site}/programmes/{slug}/me/")
    return page


def test_each_skill_level_and_priority_is_named_by_its_row(
    open_page: Callable[..., Page], demo_site: str, signed_in: dict[str, Path]
):
    page = profile_page(open_page, demo_site, signed_in[AISHA])
    for n in range(1, 6):
        expect(
            page.get_by_role("combobox", name=f"Level of skill you can teach {n}")
        ).to_be_visible()
        expect(
            page.get_by_role("combobox", name=f"Priority of skill you want to learn {n}")
        ).to_be_visible()
    expect(page.get_by_role("combobox", name="Level", exact=True)).to_have_count(0)
    level = page.get_by_role("combobox", name="Level of skill you can teach 2")
    expect(page.locator(".row", has=level)).to_contain_text("Level:")  # what the eye reads


def test_an_availability_error_is_tied_to_the_hours(
    open_page: Callable[..., Page], demo_site: str, signed_in: dict[str, Path]
):
    page = profile_page(open_page, demo_site, signed_in[AISHA])
    page.evaluate(
        """() => { const box = document.querySelector('input[name=availability]');
                   box.value = '9-99'; box.checked = true; }"""
    )
    send_without_the_browsers_checks(page)
    assert page.title().startswith("Error: ")
    summary = page.get_by_role("alert").filter(has_text="Nothing was saved yet")
    expect(summary).to_be_focused()
    summary.get_by_role("link", name="When you are usually free").click()
    expect(page.locator("input[name=availability]").first).to_be_focused()
    hours = page.get_by_role("group", name="When you are usually free")
    expect(hours).to_have_accessible_description(re.compile(r"^Tick the hours .* valid choice"))
