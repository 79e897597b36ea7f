"""Aisha, at Northwind, mentors Nia, a clinical director at Harbour Health, in an exchange.

Northwind has declared its client "Blue Harbour Bank" confidential. When Aisha shares a note
naming the client, the guard stops her and shows the name highlighted; she takes it out. When she
records an idea naming it, she shares it anyway with a reason, and the confirmation is kept. Tom
and Richard, both at Northwind, are never interrupted.
"""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import serious_violations, sign_in
from tests.browser.stories import (
    PASSWORD,
    accepted,
    enrolled_programme,
    manager_account,
    pair_of,
    participant_account,
    person,
    published_match,
)
from twoheads.accounts.models import Organisation
from twoheads.guard.models import GuardConfirmation
from twoheads.journal.models import Idea, JournalEntry

AISHA = "aisha.khan@northwind.example"
TOM = "tom.baker@northwind.example"
CLIENT_NOTE = "Blue Harbour Bank is piloting the same tool; I can share what worked."
REASON = "The pilot was announced publicly last week."


@pytest.fixture
def exchange(transactional_db):
    northwind = Organisation.objects.create(
        name="Northwind Trading", confidential_terms="Project Lighthouse\nBlue Harbour Bank"
    )
    harbour = Organisation.objects.create(name="Harbour Health")
    helen = manager_account("helen.carter@northwind.example", "Helen Carter", northwind)
    participant_account(AISHA, "Aisha Khan", northwind)
    participant_account(TOM, "Tom Baker", northwind)
    participant_account("nia.roberts@harbourhealth.example", "Nia Roberts", harbour)
    participant_account("richard.hale@northwind.example", "Richard Hale", northwind)
    programme = enrolled_programme(
        northwind,
        "Northwind and Harbour Health Exchange",
        helen,
        [
            person(
                "NW-1001",
                "Aisha Khan",
                "mentor",
                "Marketing",
                2,
                "Short-form video:3",
                "Leading through change:3",
                email=AISHA,
            ),
            person(
                "HH-2001",
                "Nia Roberts",
                "mentee",
                "Clinical services",
                8,
                "Leading through change:3",
                "Short-form video:3",
                email="nia.roberts@harbourhealth.example",
                organisation="Harbour Health",
            ),
            person(
                "NW-1002",
                "Tom Baker",
                "mentor",
                "Sales",
                2,
                "Automation:3",
                "Finance:3",
                email=TOM,
            ),
            person(
                "NW-2002",
                "Richard Hale",
                "mentee",
                "Finance",
                8,
                "Finance:3",
                "Automation:3",
                email="richard.hale@northwind.example",
            ),
        ],
        partners=(harbour,),
        cross_organisation=True,
    )
    published_match(programme, helen)
    across = accepted(pair_of(programme, "Aisha Khan", "Nia Roberts"))
    within = accepted(pair_of(programme, "Tom Baker", "Richard Hale"))
    return across, within


def share_a_note(page: Page, title: str, text: str) -> None:
    page.get_by_role("link", name="Write a note").click()
    page.get_by_label("Title").fill(title)
    page.get_by_label("Note:").fill(text)
    page.get_by_label("Share this note with my partner").check()
    page.get_by_role("button", name="Save the note").click()


def test_aisha_is_warned_before_a_client_name_crosses_to_harbour_health(
    page: Page, live_server, exchange
):
    across, _within = exchange
    sign_in(page, live_server.url, AISHA, PASSWORD)
    page.get_by_role("link", name="Nia Roberts").click()
    expect(page.get_by_text("Nia Roberts works in another organisation")).to_be_visible()

    share_a_note(page, "The AI drafting pilot", CLIENT_NOTE)
    guard = page.get_by_role("region", name="Check before you share")
    expect(guard).to_be_visible()
    expect(guard.locator("mark")).to_have_text("Blue Harbour Bank")
    assert serious_violations(page) == []
    assert not JournalEntry.objects.filter(pair=across).exists()

    # She takes the name out; the edited note is shared without further questions.
    page.get_by_label("Note:").fill("A bank we work with is piloting the same tool.")
    page.get_by_role("button", name="Check again and save").click()
    expect(page.get_by_role("status")).to_contain_text("Saved and shared")
    entry = JournalEntry.objects.get(pair=across)
    assert entry.is_shared and "Blue Harbour" not in entry.text
    assert not GuardConfirmation.objects.exists()

    # An idea naming the client: she shares it as it is, and says why.
    page.goto(f"{live_server.url}/pairs/{across.pk}/")
    page.get_by_role("link", name="Record an idea").click()
    page.get_by_label("Idea:").fill("Learn from the Blue Harbour Bank pilot")
    page.get_by_role("radio", name="I shared it with Nia Roberts").check()
    page.get_by_role("button", name="Record the idea").click()
    guard = page.get_by_role("region", name="Check before you share")
    expect(guard.locator("mark")).to_have_text("Blue Harbour Bank")
    guard.get_by_label("Reason to share it as it is").fill(REASON)
    page.get_by_role("button", name="Check again and save").click()
    expect(page.get_by_role("status")).to_contain_text("The idea is recorded")
    assert Idea.objects.get(pair=across).title == "Learn from the Blue Harbour Bank pilot"
    confirmation = GuardConfirmation.objects.get()
    assert (confirmation.pair, confirmation.reason, confirmation.content_kind) == (
        across,
        REASON,
        "idea",
    )


def test_tom_shares_the_same_note_with_richard_inside_northwind_without_interruption(
    page: Page, live_server, exchange
):
    _across, within = exchange
    sign_in(page, live_server.url, TOM, PASSWORD)
    page.get_by_role("link", name="Richard Hale").click()
    share_a_note(page, "The AI drafting pilot", CLIENT_NOTE)
    expect(page.get_by_role("status")).to_contain_text("Saved and shared")
    expect(page.get_by_role("region", name="Check before you share")).to_have_count(0)
    assert JournalEntry.objects.get(pair=within).text == CLIENT_NOTE
    assert not GuardConfirmation.objects.exists()
