"""A form sent back with errors says so at its top, in the page's title, and field by field.

Priya changes her password and gets it wrong in several ways at once.
"""

import re

from django.urls import reverse

from tests.base import PASSWORD, PersonasTestCase


class FormErrorsTests(PersonasTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.priya)

    def change_password(self, new: str) -> str:
        response = self.client.post(
            reverse("password_change"),
            {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
        )
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_it_puts_error_before_the_title_of_a_page_sent_back(self):
        self.assertRegex(self.change_password("123"), r"<title>Error: ")

    def test_it_leaves_the_title_alone_on_a_page_not_yet_sent(self):
        html = self.client.get(reverse("password_change")).content.decode()
        self.assertNotIn("Error:", re.search(r"<title>(.*?)</title>", html, re.S).group(1))

    def test_it_sums_the_errors_up_first_with_a_link_to_each_field(self):
        html = self.change_password("123")
        summary = re.search(r'<div class="errors error-summary"(.*?)</div>', html, re.S)
        self.assertIsNotNone(summary)
        self.assertIn('role="alert"', summary.group(1))
        self.assertIn("autofocus", summary.group(1))
        self.assertIn('href="#id_new_password2"', summary.group(1))
        self.assertLess(summary.start(), html.index('id="id_old_password"'))

    def test_it_wraps_all_of_a_fields_errors_in_the_one_element_its_input_points_to(self):
        html = self.change_password("123")  # too short, too common and all digits
        self.assertEqual(html.count('id="id_new_password2_error"'), 1)
        block = re.search(r'<div class="error" id="id_new_password2_error">(.*?)</div>', html, re.S)
        self.assertGreaterEqual(block.group(1).count("<p>"), 2)
        self.assertRegex(html, r'aria-describedby="[^"]*id_new_password2_error')
