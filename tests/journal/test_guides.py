"""Guides are seeded for every programme and programme managers rewrite them."""

from django.urls import reverse

from tests.base import PersonasTestCase
from twoheads.accounts.models import AuditEvent
from twoheads.journal.models import Guide


class GuideTests(PersonasTestCase):
    def test_every_programme_starts_with_the_default_guides(self):
        guides = Guide.objects.for_programme(self.programme)
        self.assertEqual({g.kind for g in guides}, set(Guide.Kind.values))
        Guide.objects.for_programme(self.programme)
        self.assertEqual(Guide.objects.filter(programme=self.programme).count(), 6)

    def test_martin_rewrites_the_listening_tips_and_margaret_sees_them(self):
        self.client.force_login(self.martin)
        url = reverse("guide_edit", args=[self.programme.slug, "listening"])
        self.client.post(url, {"title": "How Acme listens", "body": "Ask before you tell"})
        self.assertTrue(AuditEvent.objects.filter(action="guide.edit", actor=self.martin).exists())
        self.client.force_login(self.margaret)
        page = self.client.get(reverse("pair_detail", args=[self.pair.pk]))
        self.assertContains(page, "How Acme listens")
        self.assertContains(page, "Ask before you tell")

    def test_participants_and_other_organisations_cannot_edit_guides(self):
        url = reverse("guide_edit", args=[self.programme.slug, "listening"])
        for outsider in (self.priya, self.sam, self.greta, self.gus):
            self.client.force_login(outsider)
            self.assertEqual(self.client.get(url).status_code, 404)
            response = self.client.post(url, {"title": "Hacked", "body": "x"})
            self.assertEqual(response.status_code, 404)
            list_url = reverse("guide_list", args=[self.programme.slug])
            self.assertEqual(self.client.get(list_url).status_code, 404)
        self.assertFalse(Guide.objects.filter(title="Hacked").exists())

    def test_an_unknown_guide_is_a_404(self):
        self.client.force_login(self.martin)
        url = reverse("guide_edit", args=[self.programme.slug, "nonsense"])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_the_list_says_who_reads_each_guide(self):
        self.client.force_login(self.martin)
        page = self.client.get(reverse("guide_list", args=[self.programme.slug]))
        self.assertContains(page, "The senior partner of each pair")
        self.assertContains(page, "Both partners, until their first meeting is held")
        self.assertEqual(len(page.context["guides"]), len(Guide.Kind))
