from django.urls import reverse

from tests.base import PersonasTestCase
from twoheads.programmes.models import Programme


class ProgrammeAccessTests(PersonasTestCase):
    def test_martin_sees_acmes_programme(self):
        self.client.force_login(self.martin)
        response = self.client.get(reverse("programme_detail", args=[self.programme.slug]))
        self.assertContains(response, "Acme Reverse Mentoring")

    def test_greta_of_globex_gets_404_for_acmes_programme(self):
        self.client.force_login(self.greta)
        response = self.client.get(reverse("programme_detail", args=[self.programme.slug]))
        self.assertEqual(response.status_code, 404)

    def test_greta_does_not_see_acmes_programme_in_her_list(self):
        self.client.force_login(self.greta)
        response = self.client.get(reverse("programme_list"))
        self.assertContains(response, "Globex Exchange")
        self.assertNotContains(response, "Acme Reverse Mentoring")

    def test_a_participant_cannot_manage_a_programme(self):
        self.client.force_login(self.priya)
        response = self.client.get(reverse("programme_detail", args=[self.programme.slug]))
        self.assertEqual(response.status_code, 404)

    def test_managers_of_a_partner_organisation_see_the_exchange(self):
        self.programme.partners.add(self.globex)
        self.assertIn(self.programme, Programme.objects.managed_by(self.greta))

    def test_for_user_gives_participants_their_own_programmes_only(self):
        self.assertEqual(list(Programme.objects.for_user(self.priya)), [self.programme])
        self.assertEqual(list(Programme.objects.for_user(self.gus)), [self.globex_programme])
