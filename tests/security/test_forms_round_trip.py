"""Every form can be sent as its page renders it: each field the form checks is on the page.

A field the template forgets is still required by the form, so the page answers "Some answers
need a look" and marks nothing the person could fix. The walk opens every page of the access
matrix as someone allowed to see it, sends each POST form with the values the page filled in,
and compares the fields the form complained about with the fields the page has.
"""

from html.parser import HTMLParser

from django import forms
from django.db import transaction
from django.test import override_settings

from tests.security.test_access_matrix import MatrixFixtures
from tests.security.test_hostile_input import (
    SKIP_ACTIONS,
    SKIP_FIELDS,
    FormFinder,
    HostileInputTests,
)


class FieldNames(HTMLParser):
    """The names of every control inside each POST form of a page, in the page's order."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[set[str]] = []
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self._inside = True
            self.forms.append(set())
        elif self._inside and tag in {"input", "select", "textarea"} and a.get("name"):
            self.forms[-1].add(a["name"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._inside = False


def complaints_off_the_page(context: object, names: set[str]) -> list[str]:
    """The fields a bound form in the response complained about that the page never showed."""
    contexts = context if isinstance(context, list) else [context] if context else []
    bound = {
        id(value): value
        for each in contexts
        for value in each.flatten().values()
        if isinstance(value, forms.BaseForm) and value.is_bound
    }
    return sorted(
        {
            form.add_prefix(field)
            for form in bound.values()
            for field in form.errors
            if field != forms.forms.NON_FIELD_ERRORS and form.add_prefix(field) not in names
        }
    )


class FormsRoundTripTests(MatrixFixtures):
    pages = HostileInputTests.pages

    @override_settings(LOGIN_ADDRESS_LIMIT=10_000)
    def test_no_form_complains_about_a_field_its_page_does_not_show(self) -> None:
        self.client.raise_request_exception = False
        found: list[str] = []
        sent = 0
        for url, persona in self.pages():
            self.client.force_login(getattr(self, persona))
            page = self.client.get(url)
            if page.status_code != 200 or "html" not in page.get("Content-Type", ""):
                continue
            html = page.content.decode()
            defaults, names = FormFinder(), FieldNames()
            defaults.feed(html)
            names.feed(html)
            for (action, values, _), fields in zip(defaults.forms, names.forms, strict=True):
                target = action or url
                if target.startswith(SKIP_ACTIONS):
                    continue
                data = {k: v for k, v in values.items() if k not in SKIP_FIELDS}
                with transaction.atomic():
                    response = self.client.post(target, data)
                    transaction.set_rollback(True)
                sent += 1
                for field in complaints_off_the_page(response.context, fields):
                    found.append(f"{target} (from {url} as {persona}): {field}")
        self.assertGreater(sent, 30, "the walk found too few forms to mean anything")
        self.assertEqual(found, [], "\n".join(found))
