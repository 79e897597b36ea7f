"""Martin imports Acme's HR export into the programme: upsert by id, leavers, the org chart."""

import importlib
from datetime import timedelta

from django.apps import apps as django_apps
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from tests.base import PersonasTestCase
from twoheads.accounts.models import AuditEvent
from twoheads.meetings.models import Meeting
from twoheads.pairing.models import Pair
from twoheads.participants.importer import apply_import, preview_import
from twoheads.participants.models import Participant, ParticipantSkill
from twoheads.programmes.catalogue import seed_catalogue

HEADER = "id,name,email,role,department,site,manager_id,level,timezone,offers,wants,availability\n"
ROWS = (
    "C1,Chris Chief,chris@acme.test,,Board,London,,9,Europe/London,,,\n"
    "B1,Bea Boss,bea@acme.test,mentee,Finance,London,C1,7,Europe/London,"
    "Negotiation:3,GenAI:3,mon 09-12\n"
    "J1,Jo Junior,jo@acme.test,mentor,Data,Leeds,B1,2,Europe/London,"
    "gen ai:3;Data visualisation:2,Finance:2,mon 10-11\n"
)
FILE = (HEADER + ROWS).encode()


class ImporterTests(PersonasTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        seed_catalogue(cls.programme)

    def people(self) -> dict[str, Participant]:
        return {p.external_id: p for p in self.programme.participants.all()}

    def test_it_previews_without_writing_anything(self):
        preview = preview_import(self.programme, FILE, "hr.csv")
        self.assertTrue(preview.ok)
        self.assertEqual((preview.rows, preview.new, preview.updated), (3, 3, 0))
        self.assertNotIn("J1", self.people())

    def test_it_imports_people_with_managers_and_catalogue_skills(self):
        result = apply_import(self.programme, FILE, "hr.csv", self.martin)
        self.assertTrue(result.applied)
        people = self.people()
        self.assertEqual(people["J1"].manager, people["B1"])
        self.assertEqual(people["B1"].manager, people["C1"])
        self.assertEqual(people["C1"].role, "")
        offered = {ps.skill.name: ps.level for ps in people["J1"].offered()}
        self.assertEqual(offered, {"Generative AI tools": 3, "Data visualisation": 2})
        self.assertEqual(people["J1"].availability, [[0, 600, 660]])
        self.assertTrue(AuditEvent.objects.filter(action="participants.import").exists())

    def test_an_email_belongs_to_one_person_in_the_file_and_in_the_programme(self):
        """One address signs one person in: a second record with it would share the account
        (and the person's own page could not tell which record is theirs)."""
        rows = (
            "id,name,email\n"
            "N1,Nia,nia@acme.test\n"
            "N2,Nia again,NIA@acme.test\n"
            "N3,Not Priya,priya@acme.test\n"
        )
        result = apply_import(self.programme, rows.encode(), "hr.csv", self.martin)
        self.assertFalse(result.applied)
        self.assertEqual(
            [e.message for e in result.errors],
            [
                'hr.csv row 3, column "email": "NIA@acme.test" is also the email of row 2 '
                '(id "N1"); each person needs their own',
                'hr.csv row 4, column "email": "priya@acme.test" is the email of "A100", '
                "already in the programme; each person needs their own",
            ],
        )
        self.assertFalse(Participant.objects.filter(external_id__in=["N1", "N2", "N3"]).exists())
        # Priya's own row, with her own address, is fine.
        ok = apply_import(
            self.programme, b"id,email\nA100,priya@acme.test\n", "hr.csv", self.martin
        )
        self.assertTrue(ok.applied, ok.errors)

    def test_a_change_of_skills_is_a_change_of_the_person(self):
        apply_import(self.programme, FILE, "hr.csv", self.martin)
        before = Participant.objects.get(external_id="J1").updated_at
        rows = b"id,offers\nJ1,Negotiation:1\n"
        self.assertTrue(apply_import(self.programme, rows, "hr.csv", self.martin).applied)
        self.assertGreater(Participant.objects.get(external_id="J1").updated_at, before)

    def test_it_does_not_duplicate_anyone_when_the_same_file_comes_again(self):
        apply_import(self.programme, FILE, "hr.csv", self.martin)
        count = Participant.objects.count()
        skills = ParticipantSkill.objects.count()
        again = apply_import(self.programme, FILE, "hr.csv", self.martin)
        self.assertEqual((again.new, again.updated, again.unchanged), (0, 0, 3))
        self.assertEqual(Participant.objects.count(), count)
        self.assertEqual(ParticipantSkill.objects.count(), skills)

    def test_it_updates_changed_people(self):
        apply_import(self.programme, FILE, "hr.csv", self.martin)
        changed = FILE.replace(
            b"Jo Junior,jo@acme.test,mentor,Data", b"Jo Junior,jo@acme.test,mentor,Sales"
        )
        result = apply_import(self.programme, changed, "hr.csv", self.martin)
        self.assertEqual((result.new, result.updated, result.unchanged), (0, 1, 2))
        self.assertEqual(self.people()["J1"].department, "Sales")

    def test_it_deactivates_leavers_without_deleting_them(self):
        apply_import(self.programme, FILE, "hr.csv", self.martin)
        leaving = b"id,status\nJ1,leaver\nB1,on_leave\nC1,active\n"
        result = apply_import(self.programme, leaving, "leavers.csv", self.martin)
        self.assertEqual((result.deactivated, result.unchanged), (2, 1))
        people = self.people()
        self.assertEqual(people["J1"].status, Participant.Status.LEAVER)
        self.assertEqual(people["B1"].status, Participant.Status.ON_LEAVE)
        self.assertEqual(len(people["J1"].offered()), 2, "history and profile stay")
        self.assertNotIn(people["J1"], Participant.objects.matchable())

    def test_a_leavers_pairs_end_with_their_meetings_and_the_partner_is_told(self):
        ahead = Meeting.objects.create(
            pair=self.pair, starts_at=timezone.now() + timedelta(days=3), organiser=self.priya
        )
        leaving = b"id,status\nA100,leaver\n"
        preview = preview_import(self.programme, leaving, "leavers.csv")
        self.assertIn("1 pair has someone the file marks as a leaver", " ".join(preview.warnings))
        self.assertEqual(Pair.objects.get(pk=self.pair.pk).status, Pair.Status.ACTIVE)
        with self.captureOnCommitCallbacks(execute=True):
            result = apply_import(self.programme, leaving, "leavers.csv", self.martin)
        self.assertEqual(result.deactivated, 1)
        self.pair.refresh_from_db()
        self.assertEqual(self.pair.status, Pair.Status.ENDED)
        self.assertEqual(self.pair.end_reason, "Priya Patel has left the organisation.")
        ahead.refresh_from_db()
        self.assertEqual(ahead.status, Meeting.Status.CANCELLED)
        told = [m for m in mail.outbox if m.to == ["margaret@acme.test"] and "ended" in m.subject]
        self.assertIn("Priya Patel has left the organisation.", told[0].body)

    def test_someone_on_leave_keeps_their_pair_until_they_leave(self):
        apply_import(self.programme, b"id,status\nA100,on_leave\n", "leave.csv", self.martin)
        self.assertEqual(Pair.objects.get(pk=self.pair.pk).status, Pair.Status.ACTIVE)
        leaving = b"id,status\nA100,leaver\n"
        preview = preview_import(self.programme, leaving, "leavers.csv")
        self.assertIn("1 pair has someone the file marks as a leaver", " ".join(preview.warnings))
        apply_import(self.programme, leaving, "leavers.csv", self.martin)
        self.assertEqual(Pair.objects.get(pk=self.pair.pk).status, Pair.Status.ENDED)

    def test_a_pair_made_after_someone_was_marked_a_leaver_ends_when_the_file_says_so_again(self):
        Participant.objects.filter(pk=self.pair.mentor_id).update(status=Participant.Status.LEAVER)
        leaving = b"id,status\nA100,leaver\n"
        preview = preview_import(self.programme, leaving, "leavers.csv")
        self.assertIn("1 pair has someone the file marks as a leaver", " ".join(preview.warnings))
        apply_import(self.programme, leaving, "leavers.csv", self.martin)
        self.assertEqual(Pair.objects.get(pk=self.pair.pk).status, Pair.Status.ENDED)

    def test_columns_missing_from_the_file_leave_profiles_alone(self):
        apply_import(self.programme, FILE, "hr.csv", self.martin)
        apply_import(self.programme, b"id,department\nJ1,Sales\n", "hr.csv", self.martin)
        jo = self.people()["J1"]
        self.assertEqual(jo.department, "Sales")
        self.assertEqual(jo.availability, [[0, 600, 660]])
        self.assertEqual(len(jo.offered()), 2)

    def test_a_manager_may_be_someone_already_in_the_database(self):
        data = HEADER + "N1,Nina New,nina@acme.test,mentor,Data,Leeds,A200,2,UTC,,,\n"
        result = apply_import(self.programme, data.encode(), "hr.csv", self.martin)
        self.assertTrue(result.applied, result.errors)
        self.assertEqual(self.people()["N1"].manager, self.p_margaret)

    def test_unknown_skills_become_proposed_catalogue_entries(self):
        data = HEADER + "N1,Nina,n@acme.test,mentor,Data,Leeds,,2,UTC,Prompt craft:2,,\n"
        preview = preview_import(self.programme, data.encode(), "hr.csv")
        self.assertEqual(preview.new_skills, ("Prompt craft",))
        apply_import(self.programme, data.encode(), "hr.csv", self.martin)
        skill = self.programme.skills.get(name="Prompt craft")
        self.assertFalse(skill.approved)

    def test_a_manager_cycle_through_the_database_names_the_people(self):
        apply_import(self.programme, FILE, "hr.csv", self.martin)
        result = apply_import(self.programme, b"id,manager_id\nC1,J1\n", "hr.csv", self.martin)
        self.assertFalse(result.applied)
        message = result.errors[0].message
        self.assertIn("Chris Chief (C1)", message)
        self.assertIn("Jo Junior (J1)", message)
        self.assertIsNone(self.people()["C1"].manager)


class BadFileTests(PersonasTestCase):
    """Each bad file gets a message naming row, column and what was expected; nothing is written."""

    def assert_rejected(self, data: bytes, *expected: str, filename: str = "hr.csv") -> None:
        before = Participant.objects.count()
        result = apply_import(self.programme, data, filename, self.martin)
        self.assertFalse(result.applied)
        self.assertEqual(Participant.objects.count(), before)
        text = "\n".join(p.message for p in result.errors)
        for part in expected:
            self.assertIn(part, text)

    def test_wrong_encoding(self):
        self.assert_rejected("id,name\nX1,Zoë\n".encode("latin-1"), "not UTF-8")

    def test_mixed_encoding(self):
        data = "id,name\nX1,Zoë\n".encode() + "X2,Chloë\n".encode("latin-1")
        self.assert_rejected(data, "not UTF-8")

    def test_missing_required_column(self):
        self.assert_rejected(b"name,role\nZoe,mentor\n", 'required column "id"')

    def test_duplicate_ids(self):
        self.assert_rejected(b"id,name\nX1,Zoe\nX1,Zed\n", "row 3", "already the id in row 2")

    def test_unknown_role(self):
        self.assert_rejected(b"id,role,level\nX1,guru,3\n", 'column "role"', "guru")

    def test_non_integer_level(self):
        self.assert_rejected(b"id,role,level\nX1,mentor,high\n", 'column "level"', "whole number")

    def test_unknown_time_zone(self):
        self.assert_rejected(b"id,timezone\nX1,Mars/Olympus\n", 'column "timezone"', "IANA")

    def test_malformed_availability(self):
        self.assert_rejected(b"id,availability\nX1,someday\n", 'column "availability"')

    def test_manager_cycle_in_the_file(self):
        data = b"id,name,manager_id\nX1,Xavier,X2\nX2,Yolanda,X1\n"
        self.assert_rejected(data, "manager cycle", "Xavier (X1)", "Yolanda (X2)")
        errors = apply_import(self.programme, data, "hr.csv", self.martin).errors
        self.assertEqual(len(errors), 1, [e.message for e in errors])  # said once, not twice

    def test_manager_nowhere_in_file_or_database(self):
        self.assert_rejected(
            b"id,manager_id\nX1,NOBODY\n",
            'column "manager_id"',
            "NOBODY",
            "is not the id of anyone in the file or already in the programme",
        )

    def test_a_level_out_of_range_names_the_same_range_either_way(self):
        self.assert_rejected(b"id,role,level\nX1,mentor,-1\n", "is not between 0 and 1000")
        self.assert_rejected(b"id,role,level\nX1,mentor,1001\n", "is not between 0 and 1000")

    @override_settings(IMPORT_MAX_BYTES=20)
    def test_file_over_the_size_limit(self):
        self.assert_rejected(b"id,name\nX1,Zoe\nX2,Zed\n", "larger than the limit of 20 bytes")

    def test_xlsx_that_is_not_a_spreadsheet(self):
        self.assert_rejected(b"PK\x03\x04 not really", "not an XLSX", filename="hr.xlsx")

    def test_empty_file(self):
        self.assert_rejected(b"", "empty")

    def test_a_value_too_long_for_the_database(self):
        data = b"id,department\nX1," + b"D" * 120 + b"\n"
        self.assert_rejected(data, 'row 2, column "department"', "longer than 100")

    def test_an_organisation_outside_the_programme(self):
        self.assert_rejected(b"id,organisation\nX1,Globex\n", "not an organisation of this")

    def test_more_partners_than_anyone_can_have(self):
        self.assert_rejected(
            b"id,role,level,capacity\nX1,mentor,2,11\n", 'column "capacity"', "between 1 and 10"
        )

    def test_a_person_who_excludes_or_ranks_themselves(self):
        self.assert_rejected(
            b"id,exclude,ranking\nX1,X2;X1,X1\nX2,,\n",
            'row 2, column "exclude": "X1" is this person\'s own id',
            'row 2, column "ranking": "X1" is this person\'s own id',
        )

    def test_someone_in_a_pair_keeps_their_role_and_enough_capacity(self):
        # Priya (A100) mentors Margaret (A200) in a live pair; Sam (A101) is in none.
        self.assert_rejected(
            b"id,role,level,capacity\nA100,mentee,7,1\nA200,mentee,6,0\nA101,mentee,7,1\n",
            'row 2, column "role": "mentee" cannot replace mentor while the person is in a pair',
        )
        data = b"id,role,level,capacity\nA100,mentor,2,2\nA101,mentee,7,1\n"
        result = apply_import(self.programme, data, "hr.csv", self.martin)
        self.assertTrue(result.applied, result.errors)
        Pair.objects.create(
            programme=self.programme,
            mentor=self.p_priya,
            mentee=self.p_sam,
            status=Pair.Status.PROPOSED,
            score=0.5,
        )
        self.assert_rejected(
            b"id,role,level,capacity\nA100,mentor,2,1\n",
            'row 2, column "capacity": "1" is fewer than the 2 pairs the person is in now',
        )

    def test_an_email_that_is_not_an_address(self):
        self.assert_rejected(b"id,email\nX1,not-an-email\n", 'column "email"', "not an email")

    def test_the_readers_problems_and_the_databases_come_together_in_row_order(self):
        data = b"id,level,role,organisation,email\nX1,2,mentor,Globex,\nX2,x,mentor,,x@\n"
        result = apply_import(self.programme, data, "hr.csv", self.martin)
        # Row 3's address is checked although its level is bad: one round of fixes is enough.
        self.assertEqual(
            [(p.row, p.column) for p in result.errors],
            [(2, "organisation"), (3, "level"), (3, "email")],
        )

    def test_a_row_with_a_bad_cell_is_still_checked_for_every_other_problem(self):
        data = (
            b"id,name,role,level,capacity,email,manager_id\n"
            b"M1,Ann,mentor,x,1,not-an-email,M3\n"
            b"M2,Bob,mentor,1,0,b@acme.test,M1\n"
            b"M3,Cy,mentee,5,1,b@acme.test,M2\n"
        )
        result = apply_import(self.programme, data, "hr.csv", self.martin)
        problems = [(p.row, p.column) for p in result.errors]
        self.assertIn((2, "level"), problems)
        self.assertIn((2, "email"), problems)  # beside the bad level
        self.assertIn((3, "capacity"), problems)
        self.assertIn((4, "email"), problems)  # the same address as row 3, whose capacity is bad
        self.assertTrue(
            any(p.column == "manager_id" and "cycle" in p.message for p in result.errors)
        )
        self.assertFalse(result.applied)
        self.assertFalse(Participant.objects.filter(external_id__in=["M1", "M2", "M3"]).exists())

    def test_one_bad_row_stops_every_row(self):
        self.assert_rejected(b"id,level,role\nX1,2,mentor\nX2,x,mentor\n", "row 3")
        self.assertFalse(Participant.objects.filter(external_id="X1").exists())


class FormatTests(PersonasTestCase):
    def test_it_reads_semicolons_and_a_byte_order_mark(self):
        data = "\ufeffid;name;role;level\nX1;Zoë;mentor;2\n".encode()
        result = apply_import(self.programme, data, "hr.csv", self.martin)
        self.assertTrue(result.applied, result.errors)
        self.assertEqual(Participant.objects.get(external_id="X1").name, "Zoë")

    def test_it_reads_xlsx(self):
        from io import BytesIO

        from openpyxl import Workbook

        book = Workbook()
        book.active.append(["id", "name", "role", "level"])
        book.active.append(["X1", "Zoe", "mentee", 7])
        out = BytesIO()
        book.save(out)
        result = apply_import(self.programme, out.getvalue(), "hr.xlsx", self.martin)
        self.assertTrue(result.applied, result.errors)
        self.assertEqual(Participant.objects.get(external_id="X1").level, 7)


class MissingLanguagesColumnTests(PersonasTestCase):
    def test_new_people_from_a_file_without_languages_speak_english_by_default(self):
        data = (
            b"id,name,role,level,offers,wants,availability\n"
            b"N1,Nia Obi,mentor,2,Generative AI tools,Finance,mon 09-12\n"
        )
        result = apply_import(self.programme, data, "hr.csv", self.martin)
        self.assertTrue(result.applied, result.errors)
        self.assertEqual(self.programme.participants.get(external_id="N1").languages, ["en"])

    def test_people_already_stored_keep_their_languages_when_the_column_is_absent(self):
        self.p_priya.languages = ["en", "hi"]
        self.p_priya.save()
        data = b"id,name,role,level\nA100,Priya Patel,mentor,2\n"
        apply_import(self.programme, data, "hr.csv", self.martin)
        self.p_priya.refresh_from_db()
        self.assertEqual(self.p_priya.languages, ["en", "hi"])


class ClosedProgrammeImportTests(PersonasTestCase):
    def test_a_closed_programme_takes_no_file_and_writes_nothing(self):
        self.programme.status = "closed"
        self.programme.save(update_fields=["status"])
        result = apply_import(self.programme, FILE, "hr.csv", self.martin)
        self.assertFalse(result.applied)
        self.assertEqual(
            [e.message for e in result.errors],
            [f"hr.csv cannot be imported: {self.programme.name} is closed and takes no new "
             "people or changes"],
        )  # fmt: skip
        self.assertFalse(self.programme.participants.filter(external_id="J1").exists())


class LanguageNameTests(PersonasTestCase):
    def test_language_names_and_regional_codes_become_codes(self):
        data = (
            "id,name,role,level,languages\n"
            "X1,Eve,mentor,2,English; Français\n"
            "X2,Ola,mentee,8,en-GB;pt_BR;Klingon\n"
        ).encode()
        result = apply_import(self.programme, data, "hr.csv", self.martin)
        self.assertTrue(result.applied, result.errors)
        people = {p.external_id: p for p in self.programme.participants.all()}
        self.assertEqual(people["X1"].languages, ["en", "fr"])
        self.assertEqual(people["X2"].languages, ["en", "pt", "klingon"])

    def test_languages_stored_before_become_codes(self):
        module = importlib.import_module("twoheads.participants.migrations.0004_languages_as_codes")
        Participant.objects.filter(pk=self.p_sam.pk).update(languages=["English", "fr"])
        module.to_codes(django_apps, None)
        self.assertEqual(Participant.objects.get(pk=self.p_sam.pk).languages, ["en", "fr"])
