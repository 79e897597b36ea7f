"""Aisha, a junior marketer, is matched as reverse mentor of Richard, a finance director.

She accepts, Richard accepts, she plans their first meeting from the times they are both free,
logs it once it has happened, records the idea she brought and follows it until Richard's team
adopts it, and gives her feedback on the meeting.
"""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
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
from twoheads.journal.models import Feedback, Idea
from twoheads.meetings.models import Meeting
from twoheads.pairing.models import Pair

AISHA = "aisha.khan@northwind.example"
RICHARD = "richard.hale@northwind.example"


@pytest.fixture
def pair(transactional_db):
    northwind = Organisation.objects.create(name="Northwind Trading")
    helen = manager_account("helen.carter@northwind.example", "Helen Carter", northwind)
    participant_account(AISHA, "Aisha Khan", northwind)
    participant_account(RICHARD, "Richard Hale", northwind)
    programme = enrolled_programme(
        northwind,
        "Northwind Reverse Mentoring",
        helen,
        [
            person(
                "NW-1001",
                "Aisha Khan",
                "mentor",
                "Marketing",
                2,
                "Generative AI tools:3; Social media:3",
                "Negotiation:3; Stakeholder management:2",
                email=AISHA,
                site="Manchester",
            ),
            person(
                "NW-2001",
                "Richard Hale",
                "mentee",
                "Finance",
                8,
                "Negotiation:3; Stakeholder management:2",
                "Generative AI tools:3; Social media:2",
                email=RICHARD,
            ),
        ],
    )
    published_match(programme, helen)
    return pair_of(programme, "Aisha Khan", "Richard Hale")


def answer(page: Page, decision: str) -> None:
    page.get_by_role("group", name="Do you accept this match?").get_by_label(decision).check()
    page.get_by_role("button", name="Send my answer").click()


def move_idea(page: Page, state: str, note: str) -> None:
    page.get_by_role("group", name="Where is it now?").get_by_role(
        "radio", name=state, exact=True
    ).check()
    page.get_by_label("What happened").fill(note)
    page.get_by_role("button", name="Save the change").click()
    expect(page.get_by_role("status")).to_contain_text("The idea moved on")
    expect(page.get_by_text(note)).to_be_visible()


def test_aisha_and_richard_accept_meet_log_follow_an_idea_and_give_feedback(
    page: Page, live_server, pair
):
    sign_in(page, live_server.url, AISHA, PASSWORD)
    expect(page.get_by_role("heading", name="Hello, Aisha")).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_role("link", name="Richard Hale", exact=True).click()
    expect(page.get_by_role("heading", name="Your mentoring with Richard Hale")).to_be_visible()
    expect(page.get_by_text("Aisha Khan can teach Richard Hale")).to_be_visible()
    assert serious_violations(page) == []
    answer(page, "Accept")
    expect(page.get_by_role("status")).to_contain_text("you accepted the match")
    expect(page.get_by_text("Richard Hale's answer: not answered yet")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server.url, RICHARD, PASSWORD)
    page.get_by_role("link", name="Aisha Khan", exact=True).click()
    answer(page, "Accept")
    expect(page.get_by_role("status")).to_contain_text("you accepted the match")
    pair.refresh_from_db()
    assert pair.status == Pair.Status.ACTIVE

    # Aisha plans the first meeting at a time they are both free.
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server.url, AISHA, PASSWORD)
    page.goto(f"{live_server.url}/pairs/{pair.pk}/")
    page.get_by_role("link", name="Plan a meeting").click()
    free = page.get_by_role("region", name="When you are both free")
    expect(free.get_by_role("row")).not_to_have_count(1)
    assert serious_violations(page) == []
    free.get_by_role("link", name="Use this time").first.click()
    expect(page.get_by_label("Starts:")).not_to_have_value("")
    page.get_by_role("group", name="Where").get_by_role("radio", name="Online").check()
    page.get_by_label("Online meeting link").fill("https://meet.example.com/aisha-richard")
    page.get_by_label("Agenda").fill("Which AI drafting tools your team could try first.")
    mail.outbox.clear()
    page.get_by_role("button", name="Plan it and send the invitations").click()
    expect(page.get_by_role("status")).to_contain_text("The meeting is planned")
    meeting = Meeting.objects.get(pair=pair)
    assert {address for m in mail.outbox for address in m.to} >= {AISHA, RICHARD}

    # Two days later the meeting has happened; Aisha logs it from the pair's page.
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(days=2))
    page.goto(f"{live_server.url}/pairs/{pair.pk}/")
    page.get_by_role("link", name="did it happen?").click()
    expect(page.get_by_role("heading", name="Log the meeting")).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_role("group", name="Did the meeting take place?").get_by_role(
        "radio", name="Yes, we met"
    ).check()
    page.get_by_label("How long it lasted, in minutes").fill("50")
    page.get_by_role("button", name="Log it").click()
    expect(page.get_by_role("status")).to_contain_text("The meeting is logged")
    expect(page.get_by_text("Took place")).to_be_visible()

    # Her feedback on it.
    page.get_by_role("link", name="Give feedback on this meeting").click()
    expect(page).to_have_url(re.compile(r"/meetings/\d+/feedback/$"))
    assert serious_violations(page) == []
    for question, rating in [
        ("I listened well", "4"),
        ("I was listened to", "5"),
        ("I learned something", "4"),
        ("I will act on something", "5"),
    ]:
        page.get_by_role("group", name=question).get_by_role(
            "radio", name=rating, exact=True
        ).check()
    page.get_by_role("button", name="Send feedback").click()
    expect(page.get_by_role("status")).to_contain_text("Thank you for your feedback")
    feedback = Feedback.objects.get(meeting=meeting)
    assert (feedback.listened, feedback.was_listened_to, feedback.learned, feedback.will_act) == (
        4,
        5,
        4,
        5,
    )

    # The idea she brought, followed until it is adopted.
    page.goto(f"{live_server.url}/pairs/{pair.pk}/")
    page.get_by_role("link", name="Record an idea").click()
    page.get_by_label("Idea:").fill("Draft board papers with a generative AI tool")
    page.get_by_role("group", name="Who shared it?").get_by_role(
        "radio", name="I shared it with Richard Hale"
    ).check()
    page.get_by_label("More about it").fill("A first draft in minutes; Richard edits the tone.")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Record the idea").click()
    expect(
        page.get_by_role("heading", name="Draft board papers with a generative AI tool")
    ).to_be_visible()
    assert serious_violations(page) == []
    idea_url = page.url
    # How far it has landed is Richard's to say.
    expect(page.get_by_text("Richard Hale says when it is adopted")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server.url, RICHARD, PASSWORD)
    page.goto(idea_url)
    for state, note in [
        ("Understood", "I see how it saves an evening a month."),
        ("Trying it", "My team drafts the March paper this way."),
        ("Adopted", "Every board paper now starts as a draft from the tool."),
    ]:
        move_idea(page, state, note)
    expect(page.locator(".badge").first).to_have_text("Adopted")
    assert Idea.objects.get(pair=pair).state == Idea.State.ADOPTED

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server.url, AISHA, PASSWORD)
    page.goto(f"{live_server.url}/")
    expect(page.get_by_text("idea adopted", exact=True)).to_be_visible()
    expect(page.locator(".stat").filter(has_text="idea adopted")).to_contain_text("1")
    expect(page.locator(".stat").filter(has_text="meeting held")).to_contain_text("1")
