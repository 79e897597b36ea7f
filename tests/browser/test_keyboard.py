"""The key steps of every journey with the keyboard alone: Tab, Shift+Tab, Enter and Space.

Nothing is clicked. Each step moves the focus with Tab until it reaches the control a person
would use, checks that the focus can be seen, and acts on it with Enter or Space. The demo
(`seed_demo`, 40 participants) is loaded once; each test's changes are rolled back.
"""

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import sign_in
from twoheads.demo.logins import DEMO_LOGINS, DEMO_PASSWORD
from twoheads.journal.models import Idea
from twoheads.pairing.models import MatchRun, Pair
from twoheads.programmes.models import Programme

LOGINS = {role: email for role, email in DEMO_LOGINS}
HELEN = LOGINS["Programme manager"]
AISHA = LOGINS["Junior reverse mentor"]
MAIN = "Northwind Reverse Mentoring 2026"
FOCUS_SHOWN = """() => {
  const style = getComputedStyle(document.activeElement);
  return style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
}"""


def tab_to(page: Page, target: Locator, *, key: str = "Tab", limit: int = 80) -> None:
    """Press Tab (or Shift+Tab) until `target` has the focus, and check the focus is visible."""
    expect(target).to_be_visible()
    for _ in range(limit):
        page.keyboard.press(key)
        if target.evaluate("element => element === document.activeElement"):
            assert page.evaluate(FOCUS_SHOWN), f"the focus on {target} cannot be seen"
            return
    raise AssertionError(f"{key} never reached {target}")


def sign_in_with_keys(page: Page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/login/")
    tab_to(page, page.get_by_label("Email"))
    page.keyboard.type(email)
    tab_to(page, page.get_by_label("Password"))
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_a_senior_signs_in_and_accepts_his_match_with_the_keyboard(page: Page, demo_site: str):
    pair = (
        Pair.objects.filter(
            programme__name=MAIN, status=Pair.Status.PROPOSED, mentor_response="accepted"
        )
        .select_related("mentor", "mentee__user")
        .order_by("pk")
        .first()
    )
    sign_in_with_keys(page, demo_site, pair.mentee.user.email)
    tab_to(page, page.get_by_role("link", name=pair.mentor.display_name, exact=True))
    page.keyboard.press("Enter")
    accept = page.get_by_role("radio", name="Accept")
    tab_to(page, accept)
    page.keyboard.press("Space")
    expect(accept).to_be_checked()
    send = page.get_by_role("button", name="Send my answer")
    tab_to(page, send)
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("you accepted the match")
    pair.refresh_from_db()
    assert pair.status == Pair.Status.ACTIVE


def test_aisha_records_an_idea_with_the_keyboard(
    open_page: Callable[..., Page], demo_site: str, signed_in: dict[str, Path]
):
    page = open_page(signed_in[AISHA])
    pair = Pair.objects.get(mentor__name="Aisha Khan", mentee__name="Richard Hale")
    page.goto(f"{demo_site}/pairs/{pair.pk}/")
    tab_to(page, page.get_by_role("link", name="Record an idea"))
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_label("Idea:"))
    page.keyboard.type("Caption every town-hall video")
    mine = page.get_by_role("radio", name="I shared it with Richard Hale")
    tab_to(page, mine)
    page.keyboard.press("Space")
    expect(mine).to_be_checked()
    tab_to(page, page.get_by_label("More about it"))
    page.keyboard.type("Auto-captions first, corrected by the comms team.")
    # Back up to check the title once more, then on to the button.
    tab_to(page, page.get_by_label("Idea:"), key="Shift+Tab")
    tab_to(page, page.get_by_role("button", name="Record the idea"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("The idea is recorded")
    expect(page.get_by_role("heading", name="Caption every town-hall video")).to_be_visible()
    idea = Idea.objects.get(pair=pair, title="Caption every town-hall video")
    assert idea.shared_by == pair.mentor


def test_helen_starts_a_run_and_publishes_it_with_the_keyboard(
    open_page: Callable[..., Page], demo_site: str, signed_in: dict[str, Path]
):
    page = open_page(signed_in[HELEN])
    programme = Programme.objects.get(name="Graduate Voices 2027")
    page.goto(f"{demo_site}/programmes/")
    tab_to(page, page.get_by_role("link", name="Graduate Voices 2027"))
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_role("link", name="Matching"))
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_role("button", name="Start the run"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="proposed pairs")).to_be_visible()
    run = MatchRun.objects.get(programme=programme)
    assert run.status == MatchRun.Status.DONE
    tab_to(page, page.get_by_role("link", name="Publish…"))
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_role("button", name="Publish the pairs"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("pairs published")
    run.refresh_from_db()
    assert run.status == MatchRun.Status.PUBLISHED
    assert programme.pairs.count() == run.proposals.count() > 0


def test_the_skip_link_is_the_first_stop_and_moves_the_focus_to_the_content(
    page: Page, demo_site: str
):
    sign_in(page, demo_site, AISHA, DEMO_PASSWORD)
    page.goto(f"{demo_site}/")
    skip = page.get_by_role("link", name="Skip to content")
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    assert page.evaluate(FOCUS_SHOWN)
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
