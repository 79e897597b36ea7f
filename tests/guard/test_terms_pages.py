from django.urls import reverse

from tests.base import PersonasTestCase
from twoheads.accounts.models import AuditEvent
from twoheads.guard.models import GuardConfirmation, ProgrammeTerms


class OrganisationTermsPageTests(PersonasTestCase):
    """Olivia keeps Acme's confidential terms and internal domains."""

    def url(self, org=None):
        return reverse("organisation_terms", args=[(org or self.acme).slug])

    def test_olivia_saves_the_terms_and_it_is_audited(self):
        self.client.force_login(self.olivia)
        response = self.client.post(
            self.url(),
            {
                "confidential_terms": "Project Falcon\nBlue Harbour Bank",
                "internal_domains": "corp.acme.test",
            },
        )
        self.assertRedirects(response, self.url(), fetch_redirect_response=False)
        self.acme.refresh_from_db()
        self.assertEqual(self.acme.term_list(), ["Project Falcon", "Blue Harbour Bank"])
        event = AuditEvent.objects.get(action="guard.organisation_terms")
        self.assertEqual(event.details, {"terms": 2, "domains": 1})

    def test_martin_who_only_manages_programmes_gets_404(self):
        self.client.force_login(self.martin)
        self.assertEqual(self.client.get(self.url()).status_code, 404)

    def test_greta_of_globex_gets_404(self):
        self.client.force_login(self.greta)
        self.assertEqual(self.client.get(self.url()).status_code, 404)

    def test_anonymous_visitors_are_sent_to_sign_in(self):
        self.assertEqual(self.client.get(self.url()).status_code, 302)


class ProgrammeTermsPageTests(PersonasTestCase):
    """Martin adds terms of his own programme and sees flags confirmed, by kind only."""

    def test_martin_saves_the_programme_terms(self):
        self.client.force_login(self.martin)
        url = reverse("programme_terms", args=[self.programme.slug])
        response = self.client.post(url, {"terms": "Operation Nightjar"})
        self.assertRedirects(
            response,
            reverse("guard_summary", args=[self.programme.slug]),
            fetch_redirect_response=False,
        )
        self.assertEqual(
            ProgrammeTerms.objects.get(programme=self.programme).term_list(), ["Operation Nightjar"]
        )
        self.assertTrue(AuditEvent.objects.filter(action="guard.programme_terms"))

    def test_the_summary_counts_kinds_but_shows_no_reason(self):
        GuardConfirmation.objects.create(
            programme=self.programme,
            author=self.p_priya,
            content_kind="idea",
            kinds={"email": 1, "phone": 2},
            reason="It is her public work number",
        )
        self.client.force_login(self.martin)
        response = self.client.get(reverse("guard_summary", args=[self.programme.slug]))
        self.assertContains(response, "Phone number")
        self.assertContains(response, '<td class="num">2</td>', html=True)
        self.assertNotContains(response, "public work number")

    def test_greta_of_globex_and_priya_get_404(self):
        for user in (self.greta, self.priya):
            self.client.force_login(user)
            for name in ("programme_terms", "guard_summary"):
                response = self.client.get(reverse(name, args=[self.programme.slug]))
                self.assertEqual(response.status_code, 404, (user, name))
