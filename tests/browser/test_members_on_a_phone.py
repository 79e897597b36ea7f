"""On a phone, the organisation's Members page shows every column of each member, the role and
the action included, inside the screen: each member is a card."""

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page

from twoheads.accounts.models import Organisation
from twoheads.demo.logins import DEMO_LOGINS

SAMIR = dict(DEMO_LOGINS)["Organisation admin"]


def members_page() -> str:
    organisation = Organisation.objects.get(memberships__user__email=SAMIR)
    return f"/organisations/{organisation.slug}/members/"


def test_each_member_is_a_card_within_a_phones_width(
    open_page: Callable[..., Page], demo_site: str, signed_in: dict[str, Path]
):
    page = open_page(signed_in[SAMIR])
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(demo_site + members_page())
    rows = page.locator("main table tbody tr")
    assert rows.count() >= 2
    for i in range(rows.count()):
        for cell in rows.nth(i).locator("td").all():
            box = cell.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375, (
                cell.inner_text()
            )
    cells = rows.first.locator("td")
    labels = [
        cells.nth(i).evaluate("c => getComputedStyle(c, '::before').content") for i in range(1, 4)
    ]
    assert labels == ['"Email"', '"Role"', '"Since"']
    assert rows.first.get_by_text("Take away").first.is_visible()
