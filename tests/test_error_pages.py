"""Refusals answer with the site's own pages: a form that can no longer be sent, and a page
someone may not have."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import include, path, reverse

from tests.base import PersonasTestCase


def refuse(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied("not yours")


urlpatterns = [path("refused/", refuse), path("", include("twoheads.urls"))]


class CsrfFailureTests(PersonasTestCase):
    def setUp(self) -> None:
        self.client = Client(enforce_csrf_checks=True)

    def test_it_tells_someone_whose_form_expired_that_nothing_was_saved(self):
        response = self.client.post(reverse("login"), {"username": "priya@acme.test"})
        self.assertEqual(response.status_code, 403)
        self.assertTemplateUsed(response, "403_csrf.html")
        self.assertContains(response, "This form has expired", status_code=403)
        self.assertContains(response, "Nothing was saved", status_code=403)
        self.assertNotContains(response, "CSRF verification failed", status_code=403)

    def test_it_leads_back_to_the_page_the_form_was_on(self):
        self.client.force_login(self.priya)
        account = reverse("account")
        response = self.client.post(account, {}, HTTP_REFERER=f"http://testserver{account}?tab=1")
        self.assertContains(response, f'href="{account}?tab=1"', status_code=403)
        self.assertContains(response, "Sign out", status_code=403)  # signed in, as before

    def test_it_never_leads_to_another_site(self):
        response = self.client.post(
            reverse("login"), {}, HTTP_REFERER="https://evil.example/login/"
        )
        self.assertNotContains(response, "evil.example", status_code=403)
        self.assertContains(response, f'href="{reverse("home")}"', status_code=403)


@override_settings(ROOT_URLCONF="tests.test_error_pages")
class PermissionDeniedTests(PersonasTestCase):
    def test_it_answers_a_refusal_with_the_sites_page(self):
        self.client.force_login(self.priya)
        response = self.client.get("/refused/")
        self.assertEqual(response.status_code, 403)
        self.assertTemplateUsed(response, "403.html")
        self.assertContains(response, "You cannot do this here", status_code=403)
        self.assertNotContains(response, "not yours", status_code=403)
