"""Every form can be sent as its page renders it: each field the form checks is on the page.

A field the template forgets is still required by the form, so the page answers "Some answers
need a look" and marks nothing the person could fix. The walk opens every page of the access
matrix as someone allowed to see it, sends each POST form with the values the page filled in,
and compares the fields the form complained about with the fields the page has.
"""

from django import forms
from django.db import transaction
from django.test import override_settings

from tests.security.test_hostile_input import SKIP_FIELDS, FormWalk


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


class FormsRoundTripTests(FormWalk):
    @override_settings(LOGIN_ADDRESS_LIMIT=10_000)
    def test_no_form_complains_about_a_field_its_page_does_not_show(self) -> None:
        self.client.raise_request_exception = False
        found: list[str] = []
        sent = 0
        for url, persona, target, form in self.forms_on_pages():
            data = {k: v for k, v in form.defaults.items() if k not in SKIP_FIELDS}
            with transaction.atomic():
                response = self.client.post(target, data)
                transaction.set_rollback(True)
            sent += 1
            for name in complaints_off_the_page(response.context, form.names):
                found.append(f"{target} (from {url} as {persona}): {name}")
        self.assertGreater(sent, 30, "the walk found too few forms to mean anything")
        self.assertEqual(found, [], "\n".join(found))
