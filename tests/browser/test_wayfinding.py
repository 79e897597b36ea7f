"""Where a person is, and where the focus is, can be seen: the programme tab of the section a
page is in, a focus ring that stands out on every background, charts that say they scroll on a
phone, and journal pages titled by the note or meeting they are about.

The demo (`seed_demo`, 40 participants) is loaded once. Helen manages the main programme;
Aisha, a junior reverse mentor, keeps a journal of her mentoring with Richard.
"""

import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from twoheads.demo.logins import DEMO_LOGINS
from twoheads.journal.models import JournalEntry
from twoheads.meetings.models import Meeting
from twoheads.pairing.models import MatchRun, Pair
from twoheads.programmes.models import Programme

LOGINS = {role: email for role, email in DEMO_LOGINS}
HELEN = LOGINS["Programme manager"]
AISHA = LOGINS["Junior reverse mentor"]
MAIN = "Northwind Reverse Mentoring 2026"


def programme_path(rest: str = "") -> str:
    return f"/programmes/{Programme.objects.get(name=MAIN).slug}/{rest}"


def a_pair() -> Pair:
    return Pair.objects.filter(programme__name=MAIN, status=Pair.Status.ACTIVE).earliest("pk")


# (page, its address, the tab of its section)
SECTIONS: list[tuple[str, Callable[[], str], str]] = [
    ("overview", lambda: programme_path(), "Overview"),
    ("skills", lambda: programme_path("skills/"), "Overview"),
    ("a person", lambda: programme_path(f"people/{a_pair().mentor_id}/"), "People"),
    ("import", lambda: programme_path("people/import/"), "People"),
    ("invitations", lambda: programme_path("invitations/"), "People"),
    (
        "a run",
        lambda: programme_path(
            f"runs/{MatchRun.objects.filter(programme__name=MAIN).latest('pk').pk}/"
        ),
        "Matching",
    ),
    ("rematch", lambda: programme_path(f"rematch/{a_pair().mentor_id}/"), "Pairs"),
    ("pairs at risk", lambda: programme_path("dashboard/at-risk/"), "Dashboard"),
    ("a guide", lambda: programme_path("guides/first_agenda/"), "Guides"),
    ("confidential terms", lambda: programme_path("confidential-terms/"), "Confidentiality"),
]


@pytest.mark.parametrize(
    ("address", "tab"), [pytest.param(where, tab, id=name) for name, where, tab in SECTIONS]
)
def test_the_tab_of_the_pages_section_is_marked_current(
    open_page: Callable[..., Page],
    demo_site: str,
    signed_in: dict[str, Path],
    address: Callable[[], str],
    tab: str,
):
    page = open_page(signed_in[HELEN])
    response = page.goto(demo_site + address())
    assert response is not None and response.status == 200
    tabs = page.get_by_role("navigation", name="Programme sections")
    expect(tabs.locator("[aria-current=page]")).to_have_text([tab])


def luminance(rgb: tuple[int, ...]) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def colours(css: str) -> list[tuple[int, ...]]:
    return [tuple(int(n) for n in m) for m in re.findall(r"rgba?\((\d+), (\d+), (\d+)", css)]


RING = """e => {
  const style = getComputedStyle(e);
  let bg = 'rgba(0, 0, 0, 0)';
  for (let n = e.parentElement; n; n = n.parentElement) {
    bg = getComputedStyle(n).backgroundColor;
    if (!bg.startsWith('rgba(0, 0, 0, 0)')) break;
  }
  return {outline: style.outlineStyle === 'none' ? '' : style.outlineColor,
          shadow: style.boxShadow, background: bg};
}"""


@pytest.mark.parametrize(
    ("where", "link"),
    [
        pytest.param("white card", "main .card a[href]", id="on white"),
        pytest.param("page background", "main nav.tabs a[href]", id="on the page's grey"),
        pytest.param("blue header", "header a.brand", id="on the blue header"),
    ],
)
def test_the_focus_ring_stands_out_on_every_background(
    open_page: Callable[..., Page],
    demo_site: str,
    signed_in: dict[str, Path],
    where: str,
    link: str,
):
    """One of the ring's colours has 3:1 or more against what is around it (WCAG 1.4.11)."""
    page = open_page(signed_in[HELEN])
    page.goto(demo_site + programme_path())
    page.keyboard.press("Tab")  # the keyboard is in use: focus is shown as it is for Tab
    target = page.locator(link).first
    target.focus()
    ring = target.evaluate(RING)
    background = colours(ring["background"])[0]
    drawn = colours(ring["outline"]) + colours(ring["shadow"])
    assert drawn, f"no focus ring on the {where}"
    best = max(contrast(colour, background) for colour in drawn)
    assert best >= 3, f"the ring has {best:.2f}:1 at best on the {where}: {ring}"


def test_the_skip_link_takes_the_focus_to_the_content_without_a_ring_around_it(
    open_page: Callable[..., Page], demo_site: str, signed_in: dict[str, Path]
):
    page = open_page(signed_in[HELEN])
    page.goto(demo_site + programme_path())
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Enter")
    main = page.locator("main")
    expect(main).to_be_focused()
    ring = main.evaluate(RING)
    assert ring["outline"] == "" and ring["shadow"] == "none", ring


def test_a_chart_on_a_phone_says_it_scrolls_and_keeps_its_words_legible(
    open_page: Callable[..., Page], demo_site: str, signed_in: dict[str, Path]
):
    page = open_page(signed_in[HELEN])
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(demo_site + programme_path("dashboard/"))
    figure = page.locator("figure.insight-chart").first
    cue = figure.evaluate("f => getComputedStyle(f, '::before').content")
    assert "Scroll sideways" in cue, cue
    assert figure.evaluate("f => f.scrollWidth > f.clientWidth")  # there is more to scroll to
    text_px = figure.evaluate(
        "f => { const svg = f.querySelector('svg'); return svg.getBoundingClientRect().width"
        " / svg.viewBox.baseVal.width * 12; }"
    )
    assert text_px >= 10, text_px
    page.set_viewport_size({"width": 1280, "height": 900})
    assert figure.evaluate("f => getComputedStyle(f, '::before').content") == "none"


def aisha_pair() -> Pair:
    return Pair.objects.get(mentor__name="Aisha Khan", mentee__name="Richard Hale")


@pytest.fixture(scope="module")
def written(demo_site: str, django_db_blocker: Any) -> dict[str, Any]:
    """Notes and a meeting added to the demo beside it, outside any test's transaction, so
    that the live server reads them on PostgreSQL too (it has a connection of its own)."""
    with django_db_blocker.unblock():
        pair = aisha_pair()
        aisha, richard = pair.mentor.user, pair.mentee.user
        earliest = Meeting.objects.filter(pair=pair).earliest("starts_at")
        return {
            "earliest": earliest,
            "untitled": JournalEntry.objects.create(
                pair=pair, author=aisha, meeting=earliest, text="x"
            ),
            "shared": JournalEntry.objects.create(
                pair=pair, author=richard, title="Budget talk", text="y", shared_at=timezone.now()
            ),
            "ahead": Meeting.objects.create(
                pair=pair,
                starts_at=timezone.now() + timedelta(days=3),
                duration_minutes=60,
                organiser=aisha,
            ),
        }


def test_a_note_is_titled_by_its_title_or_its_meeting(
    open_page: Callable[..., Page],
    demo_site: str,
    signed_in: dict[str, Path],
    written: dict[str, Any],
):
    pair = aisha_pair()
    aisha = pair.mentor.user
    titled = JournalEntry.objects.filter(pair=pair, author=aisha).exclude(title="").first()
    untitled, shared, meeting = written["untitled"], written["shared"], written["earliest"]
    day = meeting.starts_at.astimezone(ZoneInfo(aisha.timezone))
    page = open_page(signed_in[AISHA])
    page.goto(demo_site + titled.get_absolute_url())
    assert page.title() == f"Your note “{titled.title}” · Mentoring with Richard Hale · Two Heads"
    page.goto(demo_site + untitled.get_absolute_url())
    assert page.title().startswith("Your note about the meeting on "), page.title()
    assert f"{day.day} {day:%B %Y}" in page.title(), page.title()
    page.goto(demo_site + shared.get_absolute_url())
    assert page.title() == "Note from Richard Hale “Budget talk” · Two Heads"


def test_a_new_note_about_a_meeting_names_the_meeting(
    open_page: Callable[..., Page],
    demo_site: str,
    signed_in: dict[str, Path],
    written: dict[str, Any],
):
    pair, meeting = aisha_pair(), written["ahead"]
    page = open_page(signed_in[AISHA])
    page.goto(f"{demo_site}/pairs/{pair.pk}/journal/new/?meeting={meeting.pk}")
    assert re.match(
        r"New note about the meeting of \w{3} \d+ \w{3} \d{4}, \d\d:\d\d · Mentoring with Richard",
        page.title(),
    ), page.title()
    page.goto(f"{demo_site}/pairs/{pair.pk}/journal/new/")
    assert page.title() == "New note · Mentoring with Richard Hale · Two Heads"
