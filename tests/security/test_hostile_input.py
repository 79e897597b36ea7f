"""Hostile text in every form the product shows: nothing executes, nothing breaks.

The forms are found, not listed: every page of the access matrix is opened by someone allowed to
see it, every POST form on it is filled with each hostile string, and sent. No answer may be a
server error, and afterwards no page may carry a hostile string unescaped.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from tests.security.test_access_matrix import MATRIX, PERSONAS, MatrixFixtures

HOSTILE = (
    "<script>alert('th')</script>",
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE accounts_user; --",
    "Robert'); DELETE FROM journal_journalentry WHERE ('1'='1",
    "x" * 20_000,
    "before\x00after",
    "bell\x07 escape\x1b[31m red",
    "\u202eexe.txt\u202c right-to-left override",
    "Emoji 😀👩🏽‍💻🇬🇧 and more",
    "Z̸̢͉a̵̟l̶̡g̷̨o combining marks",
    '=HYPERLINK("http://evil.example","click")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
)
UNESCAPED = ("<script>alert('th')</script>", "<img src=x onerror=alert(1)>")
SKIP_FIELDS = {"csrfmiddlewaretoken", "next"}
# Forms that end the session or destroy the account would stop the walk, not test it.
SKIP_ACTIONS = ("/logout/", "/account/erase/", "/password/")


@dataclass
class PostForm:
    """One POST form of a page: where it posts, what the page filled in, its free-text
    fields, and the name of every control it has."""

    action: str
    defaults: dict[str, str] = field(default_factory=dict)
    text_fields: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)


class FormFinder(HTMLParser):
    """The POST forms of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[PostForm] = []
        self._current: PostForm | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self._current = PostForm(a.get("action", ""))
            return
        form = self._current
        if form is None:
            return
        if tag in {"input", "select", "textarea"} and a.get("name"):
            form.names.add(a["name"])
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            form.defaults[a["name"]] = a.get("value", "on" if kind == "checkbox" else "")
            if kind in {"text", "search", "url"}:
                form.text_fields.add(a["name"])
        elif tag == "textarea" and a.get("name"):
            form.defaults[a["name"]] = ""
            form.text_fields.add(a["name"])
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
        elif tag == "option" and self._select and self._select not in form.defaults:
            form.defaults[self._select] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._current is not None:
            self.forms.append(self._current)
            self._current = None
        elif tag == "select":
            self._select = None


class FormWalk(MatrixFixtures):
    """Every page of the access matrix, opened as someone allowed to, and its POST forms."""

    def pages(self) -> list[tuple[str, str]]:
        """(url, persona) for every page someone may open with GET."""
        found = []
        for name, row in sorted(MATRIX.items()):
            allowed = [p for p in PERSONAS if p in row.allowed]
            if row.method == "GET" and allowed and name not in {"calendar_feed", "my_data_json"}:
                found.append((reverse(name, args=row.args(self)), allowed[0]))
        return found

    def forms_on_pages(self) -> Iterator[tuple[str, str, str, PostForm]]:
        """(page, persona, where the form posts, the form) for every form worth sending:
        not those that end the session or destroy the account."""
        for url, persona in self.pages():
            self.client.force_login(getattr(self, persona))
            page = self.client.get(url)
            if page.status_code != 200 or "html" not in page.get("Content-Type", ""):
                continue
            finder = FormFinder()
            finder.feed(page.content.decode())
            for form in finder.forms:
                target = form.action or url
                if not target.startswith(SKIP_ACTIONS):
                    yield url, persona, target, form


class HostileInputTests(FormWalk):
    @override_settings(LOGIN_ADDRESS_LIMIT=10_000)
    def test_no_form_answers_hostile_text_with_a_server_error(self) -> None:
        self.client.raise_request_exception = False
        errors: list[str] = []
        sent = 0
        for _url, persona, target, form in self.forms_on_pages():
            if not form.text_fields:
                continue
            for payload in HOSTILE:
                data = {k: v for k, v in form.defaults.items() if k not in SKIP_FIELDS}
                data.update({name: payload for name in form.text_fields})
                with transaction.atomic():
                    response = self.client.post(target, data)
                    transaction.set_rollback(True)
                sent += 1
                if response.status_code >= 500:
                    errors.append(f"{target} as {persona} with {payload[:30]!r}: 500")
        self.assertGreater(sent, 100, "the walk found too few forms to mean anything")
        self.assertEqual(errors, [], "\n".join(errors))

    @override_settings(LOGIN_ADDRESS_LIMIT=10_000)
    def test_stored_hostile_text_is_shown_escaped_everywhere(self) -> None:
        payload = " ".join(UNESCAPED)
        self.pair.explanation = payload
        self.pair.save()
        self.p_priya.name = payload
        self.p_priya.save()
        self.idea.title = payload
        self.idea.save()
        self.private_entry.text = payload
        self.private_entry.shared_at = self.private_entry.created_at
        self.private_entry.save()
        leaks = []
        for url, persona in self.pages():
            self.client.force_login(getattr(self, persona))
            response = self.client.get(url)
            if "html" not in response.get("Content-Type", ""):
                continue  # calendars, CSV and XLSX are data, never rendered as a page
            body = response.content.decode(errors="replace")
            leaks += [f"{url} as {persona}" for raw in UNESCAPED if raw in body]
        self.assertEqual(leaks, [])
