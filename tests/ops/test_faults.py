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
        # True whoever runs the site: the error is in the log (ADMINS is not required).
        self.assertContains(response, "has logged it for the people who run it", status_code=500)


class OutageBeforeTheViewTests(PersonasTestCase):
    def test_a_signed_in_person_sees_the_503_page_when_their_account_cannot_be_read(self):
        """The user is read for their time zone before any view runs: the same page, not a 500."""
        self.client.force_login(self.margaret)
        self.client.raise_request_exception = False
        with mock.patch(
            "django.contrib.auth.backends.ModelBackend.get_user",
            side_effect=OperationalError("could not connect to server"),
        ):
            response = self.client.get(reverse("home"))
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response["Retry-After"], "10")
        self.assertContains(response, "cannot reach its database", status_code=503)
        self.assertEqual(self.client.get(reverse("home")).status_code, 200)
