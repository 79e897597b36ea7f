"""Priya signs in, is told plainly when she mistypes, and creates an API token."""

import pytest
from playwright.sync_api import Page, expect

from tests.base import PASSWORD
from tests.browser.conftest import serious_violations, sign_in
from twoheads.accounts.models import Membership, Organisation, User


@pytest.fixture
def martin(db):
    acme = Organisation.objects.create(name="Acme Ltd")
    user = User.objects.create_user("martin@acme.test", PASSWORD, name="Martin Manager")
    Membership.objects.create(user=user, organisation=acme, role=Membership.Role.PROGRAMME_MANAGER)
    return user


def test_it_tells_a_mistyped_password_plainly(page: Page, live_server, martin):
    sign_in(page, live_server.url, "martin@acme.test", "not my password")
    expect(page.get_by_role("alert")).to_contain_text("That email and password do not match")


def test_martin_signs_in_with_the_keyboard_and_reaches_his_programmes(
    page: Page, live_server, martin
):
    page.goto(f"{live_server.url}/login/")
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Tab")  # brand
    page.get_by_label("Email").focus()
    page.keyboard.type("martin@acme.test")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Programmes")).to_be_visible()


def test_martin_creates_an_api_token_and_sees_it_once(page: Page, live_server, martin):
    sign_in(page, live_server.url, "martin@acme.test", PASSWORD)
    page.get_by_role("link", name="Account").click()
    page.get_by_label("Token name").fill("HR sync")
    page.get_by_role("button", name="Create a token").click()
    secret = page.locator("#secret").inner_text()
    assert secret.startswith("th_")
    page.get_by_role("link", name="Done").click()
    expect(page.get_by_role("cell", name="HR sync")).to_be_visible()
    expect(page.get_by_text(secret)).to_have_count(0)


def test_sign_in_and_account_pages_have_no_serious_accessibility_violations(
    page: Page, live_server, martin
):
    page.goto(f"{live_server.url}/login/")
    assert serious_violations(page) == []
    sign_in(page, live_server.url, "martin@acme.test", PASSWORD)
    page.goto(f"{live_server.url}/account/")
    assert serious_violations(page) == []
