"""axe-core finds no serious or critical problem on any main page of the demo.

The demo (`seed_demo`, 40 participants) is loaded once for the module. Helen, the programme
manager, reads her pages; Aisha, a junior reverse mentor five months into her mentoring with
Richard, reads hers.
"""

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import serious_violations
from twoheads.accounts.models import Organisation
from twoheads.demo.logins import DEMO_LOGINS
from twoheads.journal.models import Idea
from twoheads.meetings.models import Meeting
from twoheads.pairing.models import MatchRun, Pair
from twoheads.programmes.models import Programme

LOGINS = {role: email for role, email in DEMO_LOGINS}
HELEN = LOGINS["Programme manager"]
AISHA = LOGINS["Junior reverse mentor"]
SAMIR = LOGINS["Organisation admin"]
MAIN = "Northwind Reverse Mentoring 2026"


def slug(name: str = MAIN) -> str:
    return Programme.objects.get(name=name).slug


def run_of(name: str) -> str:
    run = MatchRun.objects.filter(programme__name=name).latest("pk")
    return f"/programmes/{run.programme.slug}/runs/{run.pk}/"


def aisha_pair() -> Pair:
    return Pair.objects.get(mentor__name="Aisha Khan", mentee__name="Richard Hale")


def aisha_idea() -> str:
    return Idea.objects.filter(pair=aisha_pair()).order_by("pk").first().get_absolute_url()


def aisha_past_meeting() -> str:
    meeting = Meeting.objects.filter(pair=aisha_pair(), log__held=True).latest("starts_at")
    return meeting.get_absolute_url()


# (page, who reads it, its address, its main heading)
PAGES: list[tuple[str, str, Callable[[], str], str]] = [
    ("programme list", HELEN, lambda: "/programmes/", "Programmes"),
    ("programme overview", HELEN, lambda: f"/programmes/{slug()}/", MAIN),
    ("people", HELEN, lambda: f"/programmes/{slug()}/people/", MAIN),
    ("import", HELEN, lambda: f"/programmes/{slug()}/people/import/", MAIN),
    ("announcements", HELEN, lambda: f"/programmes/{slug()}/people/announcements/", MAIN),
    ("skills", HELEN, lambda: f"/programmes/{slug()}/skills/", MAIN),
    ("pairs found", HELEN, lambda: f"/programmes/{slug()}/pairs/?department=Finance", MAIN),
    ("published run", HELEN, lambda: run_of(MAIN), MAIN),
    (
        "run under review",
        HELEN,
        lambda: run_of("Operations Leadership Cohort"),
        "Operations Leadership Cohort",
    ),
    ("pairs", HELEN, lambda: f"/programmes/{slug()}/pairs/", MAIN),
    ("dashboard", HELEN, lambda: f"/programmes/{slug()}/dashboard/", MAIN),
    (
        "dashboard of one department",
        HELEN,
        lambda: f"/programmes/{slug()}/dashboard/?department=Finance",
        MAIN,
    ),
    ("manager's account", HELEN, lambda: "/account/", ""),
    ("pairs at risk", HELEN, lambda: f"/programmes/{slug()}/dashboard/at-risk/", MAIN),
    ("concerns", HELEN, lambda: f"/programmes/{slug()}/concerns/", MAIN),
    ("programme settings", HELEN, lambda: f"/programmes/{slug()}/settings/", MAIN),
    ("participant home", AISHA, lambda: "/", "Hello, Aisha"),
    ("pair page", AISHA, lambda: aisha_pair().get_absolute_url(), "Your mentoring with Richard"),
    (
        "agreement",
        AISHA,
        lambda: f"/pairs/{aisha_pair().pk}/agreement/",
        "Your mentoring agreement",
    ),
    ("idea page", AISHA, aisha_idea, ""),
    ("meeting page", AISHA, aisha_past_meeting, "Meeting on"),
    ("plan a meeting", AISHA, lambda: f"/pairs/{aisha_pair().pk}/meetings/new/", "Plan a meeting"),
    ("profile form", AISHA, lambda: f"/programmes/{slug()}/me/", ""),
    ("my data", AISHA, lambda: "/account/my-data/", ""),
    ("concern form", AISHA, lambda: f"/programmes/{slug()}/concerns/new/", ""),
    ("account", AISHA, lambda: "/account/", ""),
    (
        "members",
        SAMIR,
        lambda: (
            f"/organisations/{Organisation.objects.get(name='Northwind Trading').slug}/members/"
        ),
        "Who runs Northwind Trading on Two Heads",
    ),
    (
        "webhooks",
        SAMIR,
        lambda: (
            f"/organisations/{Organisation.objects.get(name='Northwind Trading').slug}/webhooks/"
        ),
        "Webhooks of Northwind Trading",
    ),
]


@pytest.mark.parametrize(
    ("reader", "address", "heading"),
    [pytest.param(who, where, heading, id=name) for name, who, where, heading in PAGES],
)
def test_the_page_has_no_serious_accessibility_violations(
    open_page: Callable[..., Page],
    demo_site: str,
    signed_in: dict[str, Path],
    reader: str,
    address: Callable[[], str],
    heading: str,
):
    page = open_page(signed_in[reader])
    response = page.goto(demo_site + address())
    assert response is not None and response.status == 200
    h1 = page.get_by_role("heading", level=1)
    expect(h1).to_be_visible()
    expect(h1).to_contain_text(heading)
    assert serious_violations(page) == []


def test_the_checker_does_report_a_serious_violation_when_there_is_one(page: Page):
    page.set_content(
        '<html lang="en"><title>t</title><main><h1>A form</h1>'
        '<input type="text" name="unlabelled"><button></button></main></html>'
    )
    found = serious_violations(page)
    assert any(line.startswith("label ") for line in found), found
    assert any(line.startswith("button-name ") for line in found), found


@pytest.mark.parametrize(
    ("reader", "address"),
    [pytest.param(who, where, id=name) for name, who, where, _heading in PAGES],
)
def test_the_page_fits_a_phone_without_scrolling_sideways(
    open_page: Callable[..., Page],
    demo_site: str,
    signed_in: dict[str, Path],
    reader: str,
    address: Callable[[], str],
):
    """Wide tables scroll inside their own box; the page itself stays as wide as the phone."""
    page = open_page(signed_in[reader])
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(demo_site + address())
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > 376 && !e.closest('.table-wrap'))
            .slice(0, 5).map(e => e.tagName + '.' + e.className)"""
    )
    assert width <= 375, (width, wide)


def test_a_run_shows_each_pair_as_a_card_on_a_phone(
    open_page: Callable[..., Page], demo_site: str, signed_in: dict[str, Path]
):
    """The review table's cells stack inside the phone's width, each named by its column."""
    page = open_page(signed_in[HELEN])
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(demo_site + run_of("Operations Leadership Cohort"))
    row = page.locator("table.review tbody tr").first
    box = row.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375
    cells = row.locator("th, td")
    labels = [
        cells.nth(i).evaluate("c => getComputedStyle(c, '::before').content")
        for i in range(cells.count())
    ]
    assert labels[:5] == ['"Mentor"', '"Mentee"', '"Score"', '"Components"', '"Why"']
    why = row.locator("td").nth(3).bounding_box()
    assert why is not None and why["width"] > 300  # the explanation gets the card's width
