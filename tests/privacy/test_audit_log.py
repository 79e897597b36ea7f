from django.urls import reverse

from tests.base import PersonasTestCase
from twoheads.accounts.models import AuditEvent, audit


class AuditLogTests(PersonasTestCase):
    """Olivia, Acme's organisation admin, reads what managers did and who looked at what."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        audit(cls.martin, "participants.export", cls.programme, organisation=cls.acme)
        audit(cls.martin, "run.publish", "Run 3", organisation=cls.acme)
        audit(cls.priya, "privacy.export_view", "Priya's data", organisation=cls.acme)
        audit(cls.greta, "participants.export", cls.globex_programme, organisation=cls.globex)

    def url(self, org=None, **query):
        from urllib.parse import urlencode

        base = reverse("audit_log", args=[(org or self.acme).slug])
        return base + ("?" + urlencode(query) if query else "")

    def test_olivia_sees_acme_events_and_none_of_globex(self):
        self.client.force_login(self.olivia)
        response = self.client.get(self.url())
        self.assertContains(response, "run.publish")
        self.assertContains(response, "Martin Manager")
        self.assertNotContains(response, "Globex Exchange")

    def test_she_filters_by_action(self):
        self.client.force_login(self.olivia)
        response = self.client.get(self.url(action="run.publish"))
        events = list(response.context["page"].object_list)
        self.assertEqual([e.action for e in events], ["run.publish"])

    def test_she_filters_by_person(self):
        self.client.force_login(self.olivia)
        response = self.client.get(self.url(person="priya"))
        self.assertEqual(
            [e.action for e in response.context["page"].object_list], ["privacy.export_view"]
        )

    def test_a_look_at_someones_record_is_found_by_their_name_and_shows_it(self):
        self.client.force_login(self.martin)
        self.client.get(reverse("participant_detail", args=[self.programme.slug, self.p_sam.pk]))
        self.client.force_login(self.olivia)
        response = self.client.get(self.url(person="Okafor"))
        events = list(response.context["page"].object_list)
        self.assertEqual([e.action for e in events], ["participant.view"])
        self.assertContains(response, f"Sam Okafor (participant {self.p_sam.pk})")
        # Another organisation's person with a matching name is not looked for here.
        response = self.client.get(self.url(person="Gruber"))
        self.assertEqual(list(response.context["page"].object_list), [])

    def test_an_unknown_action_is_refused_with_a_message(self):
        self.client.force_login(self.olivia)
        response = self.client.get(self.url(action="no.such"))
        self.assertContains(response, "Select a valid choice")

    def test_it_pages_fifty_at_a_time(self):
        AuditEvent.objects.bulk_create(
            [AuditEvent(organisation=self.acme, action="bulk.test") for _ in range(60)]
        )
        self.client.force_login(self.olivia)
        first = self.client.get(self.url())
        self.assertEqual(len(first.context["page"].object_list), 50)
        second = self.client.get(self.url(page=2))
        # 63 events, and the first visit to the log is one more.
        self.assertEqual(len(second.context["page"].object_list), 14)

    def test_reading_the_log_is_recorded(self):
        self.client.force_login(self.olivia)
        self.client.get(self.url())
        self.assertTrue(AuditEvent.objects.filter(action="audit.view", actor=self.olivia))

    def test_greta_of_globex_gets_404_on_acmes_log(self):
        self.client.force_login(self.greta)
        self.assertEqual(self.client.get(self.url()).status_code, 404)

    def test_martin_a_programme_manager_but_not_admin_gets_404(self):
        self.client.force_login(self.martin)
        self.assertEqual(self.client.get(self.url()).status_code, 404)

    def test_priya_a_participant_gets_404(self):
        self.client.force_login(self.priya)
        self.assertEqual(self.client.get(self.url()).status_code, 404)

    def test_anonymous_visitors_are_sent_to_sign_in(self):
        response = self.client.get(self.url())
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("login")))
