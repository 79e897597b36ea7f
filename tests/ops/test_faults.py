"""When the database goes away for a moment: a clear page, and the next request works."""

from unittest import mock

from django.db import OperationalError
from django.urls import reverse

from tests.base import PersonasTestCase
from twoheads.programmes.models import Programme


class DatabaseOutageTests(PersonasTestCase):
    def test_martin_sees_a_plain_503_page_then_the_next_request_works(self):
        self.client.force_login(self.martin)
        self.client.raise_request_exception = False
        url = reverse("programme_list")
        with mock.patch.object(
            Programme.objects,
            "managed_by",
            side_effect=OperationalError("server closed the connection"),
        ):
            response = self.client.get(url)
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response["Retry-After"], "10")
        self.assertContains(response, "cannot reach its database", status_code=503)
        self.assertNotContains(response, "server closed the connection", status_code=503)
        self.assertContains(self.client.get(url), "Acme Reverse Mentoring")

    def test_other_errors_are_not_dressed_up_as_outages(self):
        self.client.force_login(self.martin)
        self.client.raise_request_exception = False
        with mock.patch.object(Programme.objects, "managed_by", side_effect=ValueError("bug")):
            response = self.client.get(reverse("programme_list"))
        self.assertEqual(response.status_code, 500)
        self.assertContains(response, "Something went wrong", status_code=500)
