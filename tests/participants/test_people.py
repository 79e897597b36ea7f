"""Martin looks after the people of Acme's programme: filters, reminders, export, commands."""

import csv
import io
import re
from io import StringIO

from django.core import mail, signing
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from tests.base import PersonasTestCase
from twoheads.accounts.models import AuditEvent, User
from twoheads.matching import check_pair, read_people
from twoheads.pairing.emails import matched_message
from twoheads.pairing.models import Pair
from twoheads.participants.export import escape_cell, export_csv, export_xlsx
from twoheads.participants.importer import apply_import
from twoheads.participants.models import Invitation, Participant, ParticipantSkill
from twoheads.programmes.catalogue import seed_catalogue
from twoheads.programmes.models import Programme


class PeopleListTests(PersonasTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        seed_catalogue(cls.programme)
        genai = cls.programme.find_skill("GenAI")
        finance = cls.programme.find_skill("Finance")
        ParticipantSkill.objects.create(participant=cls.p_priya, skill=genai, kind="offer", level=3)
        ParticipantSkill.objects.create(
            participant=cls.p_priya, skill=finance, kind="want", level=2
        )
        cls.p_priya.availability = [[0, 540, 720]]
        cls.p_priya.languages = ["en"]
        cls.p_priya.save()

    def setUp(self) -> None:
        self.client.force_login(self.martin)
        self.url = reverse("participant_list", args=[self.programme.slug])

    def test_martin_sees_everyone_with_how_complete_they_are(self):
        response = self.client.get(self.url)
        self.assertContains(response, "Priya Patel")
        self.assertContains(response, "Margaret Hughes")
        self.assertContains(response, "ready")

    def test_someone_who_joined_without_choosing_a_role_is_one_to_finish(self):
        """Not "org chart only": they have an account; counted, listed and reminded."""
        nia = User.objects.create_user("nia@acme.test", "pw-long-enough-9", name="Nia Nel")
        Participant.objects.create(
            programme=self.programme, user=nia, external_id="N1", name="Nia Nel",
            email="nia@acme.test", role="",
        )  # fmt: skip
        Participant.objects.create(
            programme=self.programme, external_id="C1", name="Chief", role=""
        )
        response = self.client.get(self.url)
        self.assertContains(response, "Role not chosen yet")
        self.assertContains(response, "Org chart only")
        self.assertEqual(response.context["incomplete"], 3)
        self.client.post(reverse("participant_remind", args=[self.programme.slug]))
        recipients = sorted(m.to[0] for m in mail.outbox)
        self.assertEqual(recipients, ["margaret@acme.test", "nia@acme.test", "sam@acme.test"])
        response = self.client.get(self.url, {"profile": "incomplete"})
        names = sorted(p.name for p in response.context["page"])
        self.assertEqual(names, ["Margaret Hughes", "Nia Nel", "Sam Okafor"])
        # Nia's own home page says the same.
        self.client.force_login(nia)
        self.assertContains(self.client.get(reverse("home")), "Role not chosen yet")

    def test_the_filters_pick_people_who_have_not_finished(self):
        response = self.client.get(self.url, {"profile": "incomplete"})
        names = [p.name for p in response.context["page"]]
        self.assertEqual(sorted(names), ["Margaret Hughes", "Sam Okafor"])
        response = self.client.get(self.url, {"profile": "complete", "role": "mentor"})
        self.assertEqual([p.name for p in response.context["page"]], ["Priya Patel"])
        response = self.client.get(self.url, {"role": "mentee"})
        self.assertEqual([p.name for p in response.context["page"]], ["Margaret Hughes"])

    def test_the_reminder_reaches_only_those_who_have_not_finished(self):
        self.client.post(reverse("participant_remind", args=[self.programme.slug]))
        recipients = sorted(m.to[0] for m in mail.outbox)
        self.assertEqual(recipients, ["margaret@acme.test", "sam@acme.test"])
        self.assertIn("/me/", mail.outbox[0].body)
        self.assertTrue(AuditEvent.objects.filter(action="participants.remind").exists())

    def test_the_list_counts_people_who_have_not_chosen_a_role_among_the_unfinished(self):
        page = self.client.get(self.url)
        self.assertContains(page, "2 people have not finished their profiles.")
        Participant.objects.filter(pk=self.p_sam.pk).update(role="")
        page = self.client.get(self.url)
        self.assertContains(page, "2 people have not finished their profiles. (1 has not chosen")

    def test_a_closed_programme_reminds_nobody_to_finish_a_profile(self):
        Programme.objects.filter(pk=self.programme.pk).update(status="closed")
        self.assertNotContains(self.client.get(self.url), "Send them a reminder")
        self.client.post(reverse("participant_remind", args=[self.programme.slug]))
        self.assertEqual(mail.outbox, [])
        self.assertFalse(AuditEvent.objects.filter(action="participants.remind").exists())

    def test_the_detail_page_shows_what_is_missing(self):
        url = reverse("participant_detail", args=[self.programme.slug, self.p_sam.pk])
        response = self.client.get(url)
        # Said about the person to the manager reading it, not to the person.
        self.assertContains(response, "skills they can teach")
        self.assertNotContains(response, "skills you can teach")

    def test_the_detail_page_shows_the_persons_pairs_and_when_they_are_free(self):
        self.p_priya.availability = [[0, 540, 720], [3, 870, 960]]
        self.p_priya.save()
        url = reverse("participant_detail", args=[self.programme.slug, self.p_priya.pk])
        response = self.client.get(url)
        self.assertContains(response, "Mon 09:00-12:00; Thu 14:30-16:00")
        pairs = response.context["pairs"]
        self.assertEqual(
            [(pair, partner) for pair, partner, _ in pairs], [(self.pair, self.p_margaret)]
        )
        self.assertContains(response, self.p_margaret.get_absolute_url())
        self.assertContains(response, reverse("pair_end", args=[self.programme.slug, self.pair.pk]))
        sam = self.client.get(
            reverse("participant_detail", args=[self.programme.slug, self.p_sam.pk])
        )
        self.assertContains(sam, "Not paired in this programme yet.")
        self.assertContains(sam, "Monday to Friday, 09:00-17:00, is assumed")

    def test_martin_cannot_open_a_globex_participant_through_acmes_address(self):
        url = reverse("participant_detail", args=[self.programme.slug, self.p_gus.pk])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_priya_cannot_see_the_list_or_send_reminders(self):
        self.client.force_login(self.priya)
        self.assertEqual(self.client.get(self.url).status_code, 404)
        self.client.post(reverse("participant_remind", args=[self.programme.slug]))
        self.assertEqual(mail.outbox, [])


class ExportTests(PersonasTestCase):
    def test_cells_a_spreadsheet_would_run_are_escaped(self):
        self.assertEqual(escape_cell("=HYPERLINK(1)"), "'=HYPERLINK(1)")
        self.assertEqual(escape_cell("+44 20"), "'+44 20")
        self.assertEqual(escape_cell("@SUM(A1)"), "'@SUM(A1)")
        self.assertEqual(escape_cell("-lol"), "'-lol")
        self.assertEqual(escape_cell("-3"), "-3")
        self.assertEqual(escape_cell("Data"), "Data")

    def test_the_csv_export_is_in_the_import_format_and_safe(self):
        self.p_sam.department = "=cmd|' /C calc'!A0"
        self.p_sam.save()
        rows = list(csv.reader(io.StringIO(export_csv(self.programme).decode("utf-8-sig"))))
        self.assertEqual(rows[0][:4], ["id", "name", "email", "role"])
        sam = next(r for r in rows if r[0] == "A101")
        self.assertTrue(sam[rows[0].index("department")].startswith("'="))

    def test_the_xlsx_export_never_holds_a_formula(self):
        self.p_sam.name = "=1+1"
        self.p_sam.save()
        book = load_workbook(io.BytesIO(export_xlsx(self.programme)))
        values = [c.value for row in book.active.iter_rows() for c in row]
        self.assertIn("'=1+1", values)
        self.assertEqual(
            [c for row in book.active.iter_rows() for c in row if c.data_type == "f"], []
        )

    def test_an_export_imports_back_unchanged(self):
        """Languages are given here: an empty cell means English, the file format's default."""
        Participant.objects.update(languages=["en", "fr"], interests=["jazz"])
        Participant.objects.filter(pk=self.p_sam.pk).update(availability=[[2, 570, 720]])
        data = export_csv(self.programme)
        result = apply_import(self.programme, data, "export.csv", self.martin)
        self.assertTrue(result.applied, result.errors)
        self.assertEqual((result.new, result.updated), (0, 0))

    def test_martin_downloads_both_formats_and_it_is_audited(self):
        self.client.force_login(self.martin)
        for fmt in ("csv", "xlsx"):
            response = self.client.get(
                reverse("participant_export", args=[self.programme.slug, fmt])
            )
            self.assertEqual(response.status_code, 200)
            self.assertIn(f".{fmt}", response["Content-Disposition"])
        self.assertEqual(AuditEvent.objects.filter(action="participants.export").count(), 2)


class ReportingLineTests(PersonasTestCase):
    """The org chart imported from HR reaches the engine, which refuses same-line pairs."""

    def test_a_mentor_under_the_mentee_is_never_paired_with_her(self):
        data = (
            b"id,name,role,level,manager_id,department,offers,wants,availability\n"
            b"C1,Chris Chief,,9,,Board,,,\n"
            b"B1,Bea Boss,mentee,7,C1,Finance,Negotiation:3,GenAI:3,mon 09-12\n"
            b"J1,Jo Junior,mentor,2,B1,Data,GenAI:3,Negotiation:3,mon 09-12\n"
        )
        seed_catalogue(self.programme)
        self.assertTrue(apply_import(self.programme, data, "hr.csv", self.martin).applied)
        self.assertEqual(Participant.objects.get(external_id="J1").manager.external_id, "B1")
        people, _warnings = read_people(export_csv(self.programme), "export.csv")
        jo = next(p for p in people if p.id == "J1")
        self.assertEqual(jo.manager_id, "B1")
        check = check_pair(people, None, "J1", "B1")
        self.assertFalse(check.allowed)
        self.assertTrue(
            any("report" in rule.lower() for rule in check.broken_rules), check.broken_rules
        )


class CommandTests(PersonasTestCase):
    def run_import(self, path, *args: str) -> tuple[int, str, str]:
        out, err = StringIO(), StringIO()
        try:
            call_command(
                "import_participants", self.programme.slug, str(path), *args, stdout=out, stderr=err
            )
        except SystemExit as exc:
            return int(exc.code), out.getvalue(), err.getvalue()
        return 0, out.getvalue(), err.getvalue()

    def test_it_imports_and_ends_with_the_summary_line(self):
        path = self.write("id,name,role,level\nX1,Xena,mentor,2\nA100,Priya Patel,mentor,3\n")
        code, out, _err = self.run_import(path)
        self.assertEqual(code, 0)
        self.assertEqual(
            out.strip().splitlines()[-1], "new=1 updated=1 unchanged=0 deactivated=0 errors=0"
        )

    def test_a_dry_run_writes_nothing(self):
        path = self.write("id,name,role,level\nX1,Xena,mentor,2\n")
        code, out, _err = self.run_import(path, "--dry-run")
        self.assertEqual(code, 0)
        self.assertIn("new=1", out)
        self.assertFalse(Participant.objects.filter(external_id="X1").exists())

    def test_it_prints_every_error_and_exits_non_zero(self):
        path = self.write("id,role,level\nX1,guru,2\nX2,mentor,high\n")
        code, out, err = self.run_import(path)
        self.assertEqual(code, 1)
        self.assertIn("row 2", err)
        self.assertIn("row 3", err)
        self.assertTrue(out.strip().endswith("errors=2"))

    def test_create_programme_prints_the_slug_and_seeds_the_catalogue(self):
        out = StringIO()
        call_command(
            "create_programme",
            "Northwind Pilot",
            organisation="Northwind",
            new_organisation=True,
            slug="nw-pilot",
            type="traditional",
            stdout=out,
        )
        self.assertEqual(out.getvalue().strip(), "nw-pilot")
        programme = Programme.objects.get(slug="nw-pilot")
        self.assertEqual(
            (programme.organisation.name, programme.type), ("Northwind", "traditional")
        )
        self.assertTrue(programme.skills.exists())

    def write(self, text: str):
        import tempfile
        from pathlib import Path

        folder = Path(tempfile.mkdtemp())
        path = folder / "hr.csv"
        path.write_text(text)
        return path


class PeopleWithoutAccountTests(PersonasTestCase):
    """Hugo and Ida came from the HR file: nobody can sign in as them until they are invited."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.hugo = Participant.objects.create(
            programme=cls.programme,
            external_id="H1",
            name="Hugo Shah",
            email="Hugo@acme.test",
            role="mentor",
            level=2,
            organisation=cls.acme,
        )
        cls.ida = Participant.objects.create(
            programme=cls.programme,
            external_id="I1",
            name="Ida Brandt",
            role="mentee",
            level=8,
            organisation=cls.acme,
        )

    def setUp(self) -> None:
        self.client.force_login(self.martin)
        self.url = reverse("participant_list", args=[self.programme.slug])
        self.invite_all = reverse("participant_invite_all", args=[self.programme.slug])

    def assertLinksTo(self, body: str, invitation: Invitation) -> None:
        """The body holds a link that accepts ``invitation`` (its token carries the second it
        was signed in, so it is read back rather than compared with a new one)."""
        prefix = reverse("invitation_accept", args=["TOKEN"]).split("TOKEN")[0]
        found = re.search(re.escape(prefix) + r"([^/\s]+)/", body)
        self.assertIsNotNone(found, body)
        signer = signing.TimestampSigner(salt=Invitation.SALT)
        self.assertEqual(signer.unsign(found.group(1)), str(invitation.pk))

    def test_martin_sees_who_has_no_account_and_invites_them_once(self):
        page = self.client.get(self.url)
        self.assertContains(page, "2 mentors and mentees have no account yet")
        self.assertContains(page, "no account", count=3)  # the sentence and two badges
        self.assertContains(page, "Invite the 1 person without an invitation")
        self.assertContains(page, "Some already hold an invitation that still works")

        self.client.post(self.invite_all)
        (invitation,) = Invitation.objects.filter(programme=self.programme)
        self.assertEqual(invitation.email, "hugo@acme.test")
        self.assertEqual([m.to for m in mail.outbox], [["hugo@acme.test"]])
        self.assertLinksTo(mail.outbox[0].body, invitation)
        self.assertEqual(AuditEvent.objects.get(action="participants.invite").details["count"], 1)

        self.assertNotContains(self.client.get(self.url), "without an invitation")
        self.client.post(self.invite_all)
        self.assertEqual(Invitation.objects.count(), 1)

        # Hugo's link enrols him as the person imported, with his skills to come.
        self.client.logout()
        self.client.post(
            invitation.get_absolute_url(),
            {
                "name": "Hugo Shah",
                "password1": "a-long-pass-phrase",
                "password2": "a-long-pass-phrase",
            },
        )
        self.hugo.refresh_from_db()
        self.assertEqual(self.hugo.user.email, "hugo@acme.test")
        self.client.force_login(self.martin)
        self.assertContains(self.client.get(self.url), "1 mentor or mentee has no account yet")

    def test_emails_to_someone_without_an_account_carry_the_link_that_creates_it(self):
        self.client.post(reverse("participant_remind", args=[self.programme.slug]))
        reminder = next(m for m in mail.outbox if m.to == ["Hugo@acme.test"])
        (invitation,) = Invitation.objects.all()
        self.assertLinksTo(reminder.body, invitation)
        self.assertNotIn("/me/", reminder.body)

        pair = Pair.objects.create(
            programme=self.programme, mentor=self.hugo, mentee=self.p_margaret
        )
        hugo, margaret = matched_message(pair, self.hugo), matched_message(pair, self.p_margaret)
        self.assertIn("You have no account yet", hugo[1])
        self.assertLinksTo(hugo[1], invitation)
        self.assertNotIn("no account", margaret[1])
        self.assertEqual(Invitation.objects.count(), 1)  # his live link, not a second one

        # The link's page knows his name, and leads him to the match waiting for his answer.
        self.client.logout()
        url = invitation.get_absolute_url()
        self.assertContains(self.client.get(url), 'value="Hugo Shah"')
        done = self.client.post(
            url,
            {
                "name": "Hugo Shah",
                "password1": "a-long-pass-phrase",
                "password2": "a-long-pass-phrase",
            },
        )
        self.assertRedirects(done, pair.get_absolute_url(), fetch_redirect_response=False)

    def test_nobody_but_the_programmes_managers_invites_everyone(self):
        for outsider in (self.priya, self.gus):
            self.client.force_login(outsider)
            self.assertEqual(self.client.post(self.invite_all).status_code, 404)
        Programme.objects.filter(pk=self.programme.pk).update(status="closed")
        self.client.force_login(self.martin)
        self.assertNotContains(self.client.get(self.url), "no account yet")
        self.client.post(self.invite_all)
        self.assertFalse(Invitation.objects.exists())


class ManagePersonTests(PersonasTestCase):
    """Martin changes one person without a new HR file, under the profile page's rules."""

    def url(self, person: Participant) -> str:
        return reverse("participant_manage", args=[self.programme.slug, person.pk])

    def data(self, person: Participant, **changes: object) -> dict[str, object]:
        values = {
            "status": person.status,
            "role": person.role,
            "level": person.level,
            "capacity": person.capacity,
        }
        return {**values, **changes}

    def test_a_leaver_marked_by_hand_has_their_pair_ended_and_the_partner_told(self):
        self.client.force_login(self.martin)
        detail = self.client.get(
            reverse("participant_detail", args=[self.programme.slug, self.p_priya.pk])
        )
        self.assertContains(detail, self.url(self.p_priya))
        with self.captureOnCommitCallbacks(execute=True):
            r = self.client.post(self.url(self.p_priya), self.data(self.p_priya, status="leaver"))
        self.assertRedirects(
            r, reverse("participant_detail", args=[self.programme.slug, self.p_priya.pk])
        )
        self.pair.refresh_from_db()
        self.assertEqual(self.pair.status, Pair.Status.ENDED)
        self.assertEqual(self.pair.end_reason, "Priya Patel has left the organisation.")
        self.assertTrue(any(m.to == ["margaret@acme.test"] for m in mail.outbox))
        event = AuditEvent.objects.get(action="participant.edit")
        self.assertEqual((event.details["changed"], event.details["pairs_ended"]), (["status"], 1))

    def test_the_profile_pages_rules_hold(self):
        self.client.force_login(self.martin)
        r = self.client.post(self.url(self.p_priya), self.data(self.p_priya, role="mentee"))
        self.assertContains(r, "The role stays while they are in a pair")
        for capacity in (0, 11):
            r = self.client.post(self.url(self.p_sam), self.data(self.p_sam, capacity=capacity))
            self.assertEqual(r.status_code, 200)
        self.assertContains(r, "Ensure this value is less than or equal to 10")
        r = self.client.post(self.url(self.p_sam), self.data(self.p_sam, capacity=0))
        self.assertContains(r, "At least 1.")
        r = self.client.post(self.url(self.p_sam), self.data(self.p_sam, level=1001))
        self.assertContains(r, "less than or equal to 1000")
        r = self.client.post(
            self.url(self.p_sam), self.data(self.p_sam, role="mentee", level=8, capacity=2)
        )
        self.assertEqual(r.status_code, 302)
        sam = Participant.objects.get(pk=self.p_sam.pk)
        self.assertEqual((sam.role, sam.level, sam.capacity), ("mentee", 8, 2))
        self.assertEqual(Pair.objects.get(pk=self.pair.pk).status, Pair.Status.ACTIVE)

    def test_nobody_else_changes_a_person(self):
        for outsider in (self.priya, self.gus, self.greta):
            self.client.force_login(outsider)
            r = self.client.post(self.url(self.p_sam), self.data(self.p_sam, capacity=3))
            self.assertEqual(r.status_code, 404)
        self.assertEqual(Participant.objects.get(pk=self.p_sam.pk).capacity, self.p_sam.capacity)
