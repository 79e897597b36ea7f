"""Richard, a finance director, declines the junior he was matched with, and says why.

Tom already works with him on the budget project, so the pair would not bring them together.
Helen, the programme manager, sees the declined pair with Richard's reason and finds both of
them a new partner.
"""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import serious_violations, sign_in
from tests.browser.stories import (
    PASSWORD,
    enrolled_programme,
    manager_account,
    pair_of,
    participant_account,
    person,
    published_match,
)
from twoheads.accounts.models import Organisation
from twoheads.pairing.models import Pair

RICHARD = "richard.hale@northwind.example"
HELEN = "helen.carter@northwind.example"
REASON = "Tom and I already work closely together on the budget project."


@pytest.fixture
def programme(transactional_db):
    northwind = Organisation.objects.create(name="Northwind Trading")
    helen = manager_account(HELEN, "Helen Carter", northwind)
    participant_account(RICHARD, "Richard Hale", northwind)
    participant_account("tom.baker@northwind.example", "Tom Baker", northwind)
    programme = enrolled_programme(
        northwind,
        "Northwind Reverse Mentoring",
        helen,
        [
            person(
                "NW-1002",
                "Tom Baker",
                "mentor",
                "Sales",
                2,
                "Generative AI tools:3; Social media:3; Data visualisation:3",
                "Negotiation:3; Finance:3",
                email="tom.baker@northwind.example",
            ),
            person(
                "NW-1003",
                "Zara Ahmed",
                "mentor",
                "IT",
                1,
                "Generative AI tools:2",
                "Negotiation:2",
                interests="cycling",
            ),
            person(
                "NW-2001",
                "Richard Hale",
                "mentee",
                "Finance",
                8,
                "Negotiation:3; Finance:3",
                "Generative AI tools:3; Social media:2; Data visualisation:2",
                email=RICHARD,
            ),
        ],
    )
    published_match(programme, helen)
    pair_of(programme, "Tom Baker", "Richard Hale")  # the match Richard is about to decline
    return programme


def test_richard_declines_with_a_reason_and_helen_sees_the_pair_waiting_for_a_rematch(
    page: Page, live_server, programme
):
    sign_in(page, live_server.url, RICHARD, PASSWORD)
    page.get_by_role("link", name="Tom Baker", exact=True).click()
    form = page.get_by_role("group", name="Do you accept this match?")
    form.get_by_role("radio", name="Decline").check()
    page.get_by_role("button", name="Send my answer").click()
    # A decline without a reason is refused, and nothing changes.
    expect(page.locator(".message-error")).to_be_visible()
    assert pair_of(programme, "Tom Baker", "Richard Hale").status == Pair.Status.PROPOSED

    page.get_by_role("radio", name="Decline").check()
    page.get_by_label("Why (needed when you decline)").fill(REASON)
    assert serious_violations(page) == []
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_role("status")).to_contain_text("You declined the match")
    pair = pair_of(programme, "Tom Baker", "Richard Hale")
    assert (pair.status, pair.decline_reason) == (Pair.Status.DECLINED, REASON)

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server.url, HELEN, PASSWORD)
    page.get_by_role("link", name="Northwind Reverse Mentoring").click()
    page.get_by_role("navigation", name="Programme sections").get_by_role(
        "link", name="Pairs"
    ).click()
    waiting = page.get_by_role("region", name="Declined or ended lately: match them again")
    expect(waiting).to_contain_text("Tom Baker & Richard Hale — Declined")
    expect(waiting).to_contain_text(REASON)
    assert serious_violations(page) == []

    waiting.get_by_role("link", name="Suggestions for Richard Hale").click()
    expect(page.get_by_role("heading", name="A new partner for Richard Hale")).to_be_visible()
    earlier = "Earlier partners, never suggested or offered again: Tom Baker"
    expect(page.get_by_text(earlier)).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="Zara Ahmed")).to_be_visible()
    assert serious_violations(page) == []
