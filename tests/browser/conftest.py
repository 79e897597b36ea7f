"""Browser tests: Playwright drives Debian's Chromium against a live server.

Every test here is marked `browser`. A failing test leaves a screenshot of every page it opened
in test-results/screenshots/. Journeys build small stories with the ORM (tests/browser/stories.py)
and use pytest-django's `live_server`; page-by-page checks share one demo per module
(`demo_site`, with `signed_in` sessions for the demo logins).
"""

import io
import os
import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

from twoheads.demo.logins import DEMO_LOGINS, DEMO_PASSWORD

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"
# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# between page actions are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.path):
            item.add_marker(pytest.mark.browser)
        if "demo_site" in getattr(item, "fixturenames", ()):
            # The test database must exist for the module's demo; each test runs in a
            # transaction rolled back at its end.
            item.add_marker(pytest.mark.django_db)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    report = yield
    if report.when == "call":
        item.stash.setdefault(FAILED, report.failed)
        if report.failed:
            item.stash[FAILED] = True
    return report


FAILED = pytest.StashKey[bool]()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium is not at {CHROMIUM}. Install Debian's chromium package "
            "(apt-get install chromium) or set CHROMIUM to its path."
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


CONTEXT = {"viewport": {"width": 1280, "height": 900}, "locale": "en-GB"}


@pytest.fixture
def open_page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Callable[..., Page]]:
    """Open pages in fresh browser contexts (optionally signed in with a saved storage state).

    When the test fails, every page it opened is saved as a screenshot.
    """
    contexts: list[BrowserContext] = []

    def open_(storage_state: str | Path | None = None) -> Page:
        context = browser.new_context(**CONTEXT, storage_state=storage_state)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_
    failed = request.node.stash.get(FAILED, False)
    for number, context in enumerate(contexts):
        if failed:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)[-150:]
            suffix = f"-{number}" if number else ""
            for page in context.pages:
                page.screenshot(path=str(SCREENSHOTS / f"{name}{suffix}.png"), full_page=True)
        context.close()


@pytest.fixture
def page(open_page: Callable[..., Page]) -> Page:
    return open_page()


@pytest.fixture(scope="module")
def demo_site(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """A live server over the demo (`seed_demo` with 40 participants), shared by a module.

    Each test using it runs in a transaction rolled back at its end (see
    `pytest_collection_modifyitems`). On SQLite the server shares the test's connection, so
    what it writes is rolled back too and work deferred to `transaction.on_commit` (emails)
    does not run; on PostgreSQL the server commits on its own connection. Either way a test
    must not count on another's changes. The database is emptied after the module.
    """
    with django_db_blocker.unblock():
        call_command("seed_demo", participants=40, stdout=io.StringIO())
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
        try:
            yield server.url
        finally:
            server._live_server_modified_settings.disable()
            _finish_requests()
            server.stop()
            call_command("flush", interactive=False, verbosity=0)


def _finish_requests() -> None:
    """Wait for the server's request threads (sockets the browser opened ahead, now closed).

    They close the shared database connection when they end, which must happen before the
    server gives the connection back to the test thread.
    """
    for thread in threading.enumerate():
        if thread is not threading.current_thread() and "process_request" in thread.name:
            thread.join(timeout=10)


@pytest.fixture(scope="module")
def signed_in(
    browser: Browser, demo_site: str, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    """The saved sign-in of each demo login, by email: pass one to `open_page`.

    Made once per module, before any test's transaction, so the sessions outlive every test.
    """
    folder = tmp_path_factory.mktemp("signed-in")
    saved: dict[str, Path] = {}
    context = browser.new_context(**CONTEXT)
    for _role, email in DEMO_LOGINS:
        page = context.new_page()
        sign_in(page, demo_site, email, DEMO_PASSWORD)
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()
        saved[email] = folder / f"{email}.json"
        context.storage_state(path=saved[email])
        context.clear_cookies()
        page.close()
    context.close()
    return saved


def sign_in(page: Page, base_url: str, email: str, password: str) -> None:
    page.goto(f"{base_url}/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")


def serious_violations(page: Page) -> list[str]:
    """axe-core's serious and critical violations on the page, as readable lines."""
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {len(v['nodes'])} element(s)"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
