from django.urls import reverse

from tests.base import PersonasTestCase
from twoheads.accounts.models import AuditEvent, Membership, audit
from twoheads.participants.models import Participant


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

    def test_reading_the_log_again_soon_is_not_recorded_again(self):
        self.client.force_login(self.olivia)
        self.client.get(self.url())
        self.client.get(self.url(action="run.publish"))
        self.client.get(self.url(page=1))
        self.assertEqual(AuditEvent.objects.filter(action="audit.view").count(), 1)

    def test_an_account_named_by_an_event_shows_its_name(self):
        audit(
            self.priya, "privacy.export_download", f"user {self.priya.pk}", organisation=self.acme
        )
        self.client.force_login(self.olivia)
        response = self.client.get(self.url(action="privacy.export_download"))
        self.assertContains(response, f"Priya Patel (user {self.priya.pk})")
        # Globex's admin does not learn the names of Acme's accounts.
        globex_admin = Membership.objects.create(
            user=self.gus, organisation=self.globex, role=Membership.Role.ORG_ADMIN
        ).user
        self.client.force_login(globex_admin)
        response = self.client.get(self.url(org=self.globex))
        self.assertNotContains(response, "Priya Patel")


class PartnerAuditLogTests(PersonasTestCase):
    """Globex takes part in Acme's programme: its admins read what was done with the records
    of Globex's people there, and what Globex's own managers did, and nothing else of Acme's."""

    def test_a_partners_admin_reads_views_of_its_people_and_its_managers_actions(self):
        self.programme.cross_organisation = True
        self.programme.save()
        self.programme.partners.add(self.globex)
        ginny = Participant.objects.create(
            programme=self.programme,
            external_id="G900",
            name="Ginny Globex",
            role="mentor",
            level=1,
            organisation=self.globex,
        )
        self.client.force_login(self.martin)
        seen = self.client.get(reverse("participant_detail", args=[self.programme.slug, ginny.pk]))
        self.assertEqual(seen.status_code, 200)
        self.client.get(reverse("participant_detail", args=[self.programme.slug, self.p_sam.pk]))
        self.client.force_login(self.greta)
        self.client.get(reverse("participant_export", args=[self.programme.slug, "csv"]))
        globex_admin = Membership.objects.create(
            user=self.gus, organisation=self.globex, role=Membership.Role.ORG_ADMIN
        ).user
        self.client.force_login(globex_admin)
        response = self.client.get(reverse("audit_log", args=[self.globex.slug]))
        rows = [(e.actor_id, e.action, e.target) for e in response.context["page"].object_list]
        self.assertIn((self.martin.pk, "participant.view", f"participant {ginny.pk}"), rows)
        self.assertIn(self.greta.pk, {actor for actor, action, _ in rows if "export" in action})
        self.assertNotIn(f"participant {self.p_sam.pk}", {target for *_, target in rows})
        self.assertContains(response, f"Ginny Globex (participant {ginny.pk})")
        # Acme's admin still reads all of it.
        self.client.force_login(self.olivia)
        response = self.client.get(reverse("audit_log", args=[self.acme.slug]))
        targets = {e.target for e in response.context["page"].object_list}
        self.assertLessEqual({f"participant {ginny.pk}", f"participant {self.p_sam.pk}"}, targets)
