"""In a cross-organisation programme each organisation holds its own people's records.

Acme runs the programme and Globex is a partner: Greta (Globex's manager) co-manages it, but
reads, exports, changes and imports only Globex's people; Acme's staff she sees by name where
pairs and match runs show them. Martin (Acme's manager) holds everyone's.
"""

import io

from django.urls import reverse
from openpyxl import load_workbook

from tests.api.base import ApiTestCase
from twoheads.accounts.models import Membership, Organisation, User
from twoheads.pairing.models import Pair
from twoheads.participants.importer import apply_import
from twoheads.participants.models import Invitation, Participant

PEOPLE = "/api/v1/programmes/acme-reverse-mentoring/participants"


class Exchange(ApiTestCase):
    """Acme's programme with Globex as a partner, and Gus there as Globex's person."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.programme.partners.add(cls.globex)
        cls.p_gina = Participant.objects.create(
            programme=cls.programme,
            user=cls.gus,
            external_id="G500",
            name="Gus Gruber",
            email="gus@globex.test",
            role="mentee",
            level=7,
            organisation=cls.globex,
        )


class PartnerRecordsTests(Exchange):
    def url(self, name: str, *args: object) -> str:
        return reverse(name, args=[self.programme.slug, *args])

    def test_the_partner_lists_only_their_own_people_and_is_told_why(self):
        self.client.force_login(self.greta)
        response = self.client.get(self.url("participant_list"))
        self.assertEqual([p.external_id for p in response.context["page"]], ["G500"])
        self.assertContains(response, "3 more people take part through Acme Ltd")
        self.assertNotContains(response, "priya@acme.test")

    def test_the_host_lists_everyone_with_no_such_note(self):
        self.client.force_login(self.martin)
        response = self.client.get(self.url("participant_list"))
        ids = sorted(p.external_id for p in response.context["page"])
        self.assertEqual(ids, ["A100", "A101", "A200", "G500"])
        self.assertNotContains(response, "more people take part through")

    def test_a_partners_person_page_names_a_host_partner_without_a_link(self):
        pair = Pair.objects.create(
            programme=self.programme, mentor=self.p_priya, mentee=self.p_gina, status="active"
        )
        self.client.force_login(self.greta)
        response = self.client.get(self.url("participant_detail", self.p_gina.pk))
        self.assertEqual([p for p, _, _ in response.context["pairs"]], [pair])
        self.assertContains(response, "Priya")
        self.assertNotContains(response, self.p_priya.get_absolute_url())

    def test_the_partner_cannot_open_or_change_a_host_record(self):
        self.client.force_login(self.greta)
        for name in ("participant_detail", "participant_manage"):
            with self.subTest(name):
                url = self.url(name, self.p_priya.pk)
                self.assertEqual(self.client.get(url).status_code, 404)
                self.assertEqual(self.client.get(self.url(name, self.p_gina.pk)).status_code, 200)
        response = self.client.post(
            self.url("participant_manage", self.p_priya.pk),
            {"status": "leaver", "role": "mentor", "level": 2, "capacity": 1, "reason": "x"},
        )
        self.assertEqual(response.status_code, 404)
        self.p_priya.refresh_from_db()
        self.assertEqual(self.p_priya.status, "active")

    def test_the_partner_exports_only_their_own_people(self):
        self.client.force_login(self.greta)
        csv = self.client.get(self.url("participant_export", "csv")).content.decode("utf-8-sig")
        self.assertIn("G500,Gus Gruber,gus@globex.test", csv)
        self.assertNotIn("acme.test", csv)
        self.assertEqual(len(csv.strip().splitlines()), 2)
        xlsx = self.client.get(self.url("participant_export", "xlsx")).content
        rows = list(load_workbook(io.BytesIO(xlsx)).active.iter_rows(values_only=True))
        self.assertEqual([row[0] for row in rows[1:]], ["G500"])

    def test_the_host_exports_everyone(self):
        self.client.force_login(self.martin)
        csv = self.client.get(self.url("participant_export", "csv")).content.decode("utf-8-sig")
        self.assertIn("priya@acme.test", csv)
        self.assertIn("gus@globex.test", csv)

    def test_the_api_gives_the_partner_only_their_own_people(self):
        body = self.get(PEOPLE, self.greta_token).json()
        self.assertEqual([p["id"] for p in body["results"]], ["G500"])
        self.assertEqual(self.get(f"{PEOPLE}/A100", self.greta_token).status_code, 404)
        self.assertEqual(self.get(f"{PEOPLE}/G500", self.greta_token).status_code, 200)
        everyone = [p["id"] for p in self.get(PEOPLE, self.martin_token).json()["results"]]
        self.assertEqual(sorted(everyone), ["A100", "A101", "A200", "G500"])

    def test_the_partner_imports_their_own_people_into_their_own_organisation(self):
        rows = (
            "id,name,email,role,level,offers,wants\n"
            "G600,Gabi Gold,gabi@globex.test,mentor,1,GenAI,Negotiation\n"
        )
        result = apply_import(self.programme, rows.encode(), "globex.csv", self.greta)
        self.assertTrue(result.applied, result.errors)
        gabi = Participant.objects.get(programme=self.programme, external_id="G600")
        self.assertEqual(gabi.organisation, self.globex)
        # The host's own import puts a row with no organisation at the host.
        rows = rows.replace("G600,Gabi Gold,gabi", "A600,Ana Alves,ana").replace("globex", "acme")
        self.assertTrue(
            apply_import(self.programme, rows.encode(), "acme.csv", self.martin).applied
        )
        ana = Participant.objects.get(programme=self.programme, external_id="A600")
        self.assertEqual(ana.organisation, self.acme)

    def test_the_partner_cannot_import_or_overwrite_host_people(self):
        rows = (
            "id,name,organisation,role,level\n"
            "G601,Gil Grey,Globex,mentor,1\n"
            "A700,Axel Acme,Acme Ltd,mentor,1\n"
            "A100,Priya P,,mentor,5\n"
        )
        result = apply_import(self.programme, rows.encode(), "sync.csv", self.greta)
        self.assertFalse(result.applied)
        messages = [str(problem) for problem in result.errors]
        self.assertEqual(len(messages), 2, messages)
        self.assertIn('sync.csv row 3, column "organisation"', messages[0])
        self.assertIn("Acme Ltd", messages[0])
        self.assertIn('sync.csv row 4, column "id"', messages[1])
        self.assertIn("A100", messages[1])
        # Nothing half-written: not even the partner's own valid row.
        self.assertFalse(Participant.objects.filter(external_id__in=["G601", "A700"]).exists())
        self.p_priya.refresh_from_db()
        self.assertEqual((self.p_priya.name, self.p_priya.level), ("Priya Patel", 2))

    def test_the_api_sync_of_a_partner_is_held_to_the_same_rule(self):
        rows = "id,name,role,level\nA100,Priya P,mentor,5\n"
        response = self.post(f"{PEOPLE}/bulk", rows, self.greta_token, content_type="text/csv")
        body = self.assertError(response, 400, "invalid_rows")
        [problem] = body["details"]
        self.assertEqual((problem["row"], problem["column"]), (2, "id"))
        self.assertIn("one of Acme Ltd's people, not Globex's", problem["message"])
        self.p_priya.refresh_from_db()
        self.assertEqual(self.p_priya.level, 2)

    def test_an_outsider_manager_still_sees_nothing(self):
        self.programme.partners.remove(self.globex)
        self.client.force_login(self.greta)
        self.assertEqual(self.client.get(self.url("participant_list")).status_code, 404)
        self.assertEqual(self.get(PEOPLE, self.greta_token).status_code, 404)


class PartnerInvitationTests(ApiTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.programme.partners.add(cls.globex)

    def test_someone_a_partner_invites_joins_as_the_partners_person(self):
        self.client.force_login(self.greta)
        url = reverse("invitation_list", args=[self.programme.slug])
        self.client.post(url, {"emails": "gil@globex.test", "role": "mentor"})
        self.client.force_login(self.martin)
        self.client.post(url, {"emails": "ana@acme.test", "role": "mentee"})
        # Each manager sees the invitations their own organisation sent (the host: all).
        self.client.force_login(self.greta)
        seen = [i.email for i in self.client.get(url).context["invitations"]]
        self.assertEqual(seen, ["gil@globex.test"])
        self.client.force_login(self.martin)
        seen = sorted(i.email for i in self.client.get(url).context["invitations"])
        self.assertEqual(seen, ["ana@acme.test", "gil@globex.test"])

        gil = User.objects.create_user("gil@globex.test", "pw-long-enough-1", name="Gil Grey")
        Invitation.objects.get(email="gil@globex.test").accept(gil)
        person = Participant.objects.get(programme=self.programme, user=gil)
        self.assertEqual(person.organisation, self.globex)
        self.assertTrue(gil.memberships.filter(organisation=self.globex).exists())
        self.client.force_login(self.greta)
        response = self.client.get(reverse("participant_list", args=[self.programme.slug]))
        self.assertIn(person, list(response.context["page"]))

        ana = User.objects.create_user("ana@acme.test", "pw-long-enough-2", name="Ana Alves")
        Invitation.objects.get(email="ana@acme.test").accept(ana)
        self.assertEqual(Participant.objects.get(user=ana).organisation, self.acme)

    def test_an_invitation_keeps_the_organisation_it_was_sent_for(self):
        self.client.force_login(self.greta)
        url = reverse("invitation_list", args=[self.programme.slug])
        self.client.post(url, {"emails": "gil@globex.test", "role": "mentor"})
        self.greta.memberships.all().delete()  # Greta leaves Globex before Gil answers
        gil = User.objects.create_user("gil@globex.test", "pw-long-enough-1", name="Gil Grey")
        Invitation.objects.get(email="gil@globex.test").accept(gil)
        self.assertEqual(Participant.objects.get(user=gil).organisation, self.globex)

    def test_a_partner_is_not_told_how_the_host_already_has_an_address(self):
        url = reverse("invitation_list", args=[self.programme.slug])
        self.client.force_login(self.martin)
        self.client.post(url, {"emails": "ana@acme.test", "role": "mentee"})
        self.client.force_login(self.greta)
        self.client.post(url, {"emails": "gil@globex.test", "role": "mentor"})
        # Priya takes part with the host; Ana is the host's invitation; Gil is Greta's own.
        emails = "priya@acme.test, ana@acme.test, gil@globex.test"
        response = self.client.post(url, {"emails": emails, "role": ""})
        errors = response.context["form"].errors["emails"]
        self.assertEqual(
            errors,
            [
                "Already invited, and their link still works: gil@globex.test. Once it "
                "expires (after 14 days) they can be invited again.",
                "Taking part or invited through another organisation in this programme: "
                "ana@acme.test, priya@acme.test.",
            ],
        )
        # With a new address among them, that one is invited and the rest said the same way.
        response = self.client.post(url, {"emails": emails + ", new@globex.test"}, follow=True)
        self.assertContains(response, "Not invited: Taking part or invited through another")
        self.assertTrue(Invitation.objects.filter(email="new@globex.test").exists())
        self.assertEqual(Invitation.objects.filter(email="priya@acme.test").count(), 0)

    def test_the_host_is_told_exactly(self):
        url = reverse("invitation_list", args=[self.programme.slug])
        self.client.force_login(self.greta)
        self.client.post(url, {"emails": "gil@globex.test", "role": "mentor"})
        self.client.force_login(self.martin)
        response = self.client.post(url, {"emails": "priya@acme.test\ngil@globex.test"})
        errors = response.context["form"].errors["emails"]
        self.assertEqual(errors[0], "Already in the programme: priya@acme.test.")
        self.assertTrue(errors[1].startswith("Already invited, and their link still works: gil@"))
        self.assertEqual(len(errors), 2)


class PartnerImportEdgeTests(Exchange):
    def test_the_host_reimporting_with_a_blank_organisation_keeps_a_partners_person(self):
        rows = "id,name,organisation,role,level\nG500,Gus Gruber,,mentee,8\n"
        self.assertTrue(apply_import(self.programme, rows.encode(), "hr.csv", self.martin).applied)
        self.p_gina.refresh_from_db()
        self.assertEqual((self.p_gina.organisation, self.p_gina.level), (self.globex, 8))

    def test_a_partners_import_never_links_a_host_account(self):
        rows = "id,name,email,role,level\nG700,P. Patel,priya@acme.test,mentor,1\n"
        result = apply_import(self.programme, rows.encode(), "g.csv", self.greta)
        self.assertFalse(result.applied)
        self.assertEqual(
            [e.message for e in result.errors],
            [
                'g.csv row 2, column "email": "priya@acme.test" is the email of someone another '
                "organisation holds, already in the programme; each person needs their own"
            ],
        )
        self.assertFalse(Participant.objects.filter(external_id="G700").exists())
        # An address nobody in the programme has is imported, and links no host account.
        rows = "id,name,email,role,level\nG700,P. Patel,pat@acme.test,mentor,1\n"
        pat = User.objects.create_user("pat@acme.test", "pw-long-enough-3", name="Pat")
        Membership.objects.create(
            user=pat, organisation=self.acme, role=Membership.Role.PARTICIPANT
        )
        self.assertTrue(apply_import(self.programme, rows.encode(), "g.csv", self.greta).applied)
        record = Participant.objects.get(programme=self.programme, external_id="G700")
        self.assertIsNone(record.user)
        self.assertEqual(record.organisation, self.globex)

    def test_the_overview_counts_what_the_partner_holds(self):
        self.client.force_login(self.greta)
        response = self.client.get(reverse("programme_detail", args=[self.programme.slug]))
        self.assertEqual(response.context["counts"]["mentees"], 1)  # Gus, not Margaret
        self.assertEqual(response.context["counts"]["mentors"], 0)
        self.assertContains(response, "Export your organisation")
        self.client.force_login(self.martin)
        response = self.client.get(reverse("programme_detail", args=[self.programme.slug]))
        self.assertEqual(response.context["counts"]["mentees"], 2)
        self.assertContains(response, "Export everyone")


class PartnersSettingTests(Exchange):
    """Which organisations take part is the host's to change, and only for the organisations
    the editor manages: saving the settings never drops a partner the editor cannot see."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.initech = Organisation.objects.create(name="Initech")
        cls.programme.partners.add(cls.initech)
        # Martin also manages Umbrella, which could take part but does not yet.
        cls.umbrella = Organisation.objects.create(name="Umbrella")
        Membership.objects.create(
            user=cls.martin, organisation=cls.umbrella, role=Membership.Role.PROGRAMME_MANAGER
        )

    def post_settings(self, user: User, partners: list[int]) -> object:
        self.client.force_login(user)
        url = reverse("programme_settings", args=[self.programme.slug])
        form = self.client.get(url).context["form"]
        data = {k: v for k, v in form.initial.items() if v not in (None, False)}
        data["partners"] = partners
        return self.client.post(url, data)

    def partners(self) -> set[str]:
        return set(self.programme.partners.values_list("name", flat=True))

    def test_a_partners_manager_cannot_drop_or_add_partners(self):
        self.post_settings(self.greta, [])
        self.assertEqual(self.partners(), {"Globex", "Initech"})
        self.post_settings(self.greta, [self.umbrella.pk])
        self.assertEqual(self.partners(), {"Globex", "Initech"})

    def test_a_partners_manager_is_told_who_decides(self):
        self.client.force_login(self.greta)
        url = reverse("programme_settings", args=[self.programme.slug])
        response = self.client.get(url)
        self.assertContains(response, "Only Acme Ltd&#x27;s managers change which organisations")
        self.assertTrue(response.context["form"].fields["partners"].disabled)

    def test_the_host_adds_an_organisation_it_manages_and_keeps_the_others(self):
        response = self.post_settings(self.martin, [self.umbrella.pk])
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.partners(), {"Globex", "Initech", "Umbrella"})
        self.post_settings(self.martin, [])
        self.assertEqual(self.partners(), {"Globex", "Initech"})

    def test_the_host_is_told_which_partners_it_cannot_change(self):
        self.client.force_login(self.martin)
        response = self.client.get(reverse("programme_settings", args=[self.programme.slug]))
        self.assertContains(response, "Also taking part, through their own managers: ")
        field = response.context["form"].fields["partners"]
        self.assertEqual([o.name for o in field.queryset], ["Umbrella"])

    def test_an_organisation_the_host_does_not_manage_cannot_be_added(self):
        outsider = Organisation.objects.create(name="Hooli")
        response = self.post_settings(self.martin, [outsider.pk])
        self.assertIn("partners", response.context["form"].errors)
        self.assertEqual(self.partners(), {"Globex", "Initech"})
