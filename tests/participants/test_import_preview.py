"""Martin checks an HR file before importing it: the preview says, person by person, what will
happen, and the file changes only what it holds."""

from __future__ import annotations

from unittest import mock

from tests.base import PersonasTestCase
from tests.participants.test_partner_records import Exchange
from twoheads.participants import importer
from twoheads.participants.importer import apply_import, preview_import
from twoheads.participants.models import Participant
from twoheads.programmes.models import Question


def names(people_list: importer.PeopleList) -> list[str]:
    return [person.label for person in people_list.people]


class StyleAnswersTests(PersonasTestCase):
    """Acme's programme asks two working-style questions; Priya has answered both."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        Question.objects.create(programme=cls.programme, key="pace", text="Pace", position=1)
        Question.objects.create(programme=cls.programme, key="detail", text="Detail", position=2)
        cls.p_priya.style = {"pace": 2, "detail": 4}
        cls.p_priya.save()

    def style(self) -> dict[str, int]:
        self.p_priya.refresh_from_db()
        return self.p_priya.style

    def test_it_changes_only_the_answers_the_file_has(self):
        preview = preview_import(self.programme, b"id,style:pace\nA100,5\n", "hr.csv")
        self.assertEqual(preview.updated_people.people[0].details, ("style:pace: 2 → 5",))
        apply_import(self.programme, b"id,style:pace\nA100,5\n", "hr.csv", self.martin)
        self.assertEqual(self.style(), {"pace": 5, "detail": 4})

    def test_an_empty_cell_clears_that_answer_alone(self):
        apply_import(self.programme, b"id,style:detail\nA100,\n", "hr.csv", self.martin)
        self.assertEqual(self.style(), {"pace": 2})

    def test_a_file_with_the_same_answers_changes_nothing(self):
        preview = preview_import(self.programme, b"id,Style:Pace\nA100,2\n", "hr.csv")
        self.assertEqual((preview.updated, preview.unchanged), (0, 1))

    def test_a_question_the_programme_does_not_ask_is_warned_of_and_not_stored(self):
        data = b"id,style:humour,style:pace\nA100,9,3\n"
        result = apply_import(self.programme, data, "hr.csv", self.martin)
        self.assertTrue(result.applied)
        self.assertEqual(
            result.warnings,
            (
                'hr.csv: unknown column "style:humour" was ignored: there is no working-style '
                'question "humour" (the questions: style:detail, style:pace)',
            ),
        )
        self.assertEqual(self.style(), {"pace": 3, "detail": 4})

    def test_a_new_person_gets_the_answers_the_file_gives(self):
        apply_import(self.programme, b"id,name,style:detail\nN1,Nia,5\n", "hr.csv", self.martin)
        self.assertEqual(Participant.objects.get(external_id="N1").style, {"detail": 5})


class CapacityTests(PersonasTestCase):
    """Acme's programme gives everyone three partners unless they say otherwise."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.programme.default_capacity = 3
        cls.programme.save()
        cls.p_sam.capacity = 2
        cls.p_sam.save()

    def test_an_empty_capacity_cell_is_not_given(self):
        """A new person gets the programme's default, a stored one keeps theirs, as when the
        file has no capacity column."""
        data = b"id,name,capacity\nN1,Nia,\nN2,Ned,1\nA101,Sam Okafor,\n"
        result = apply_import(self.programme, data, "hr.csv", self.martin)
        self.assertTrue(result.applied)
        capacity = dict(self.programme.participants.values_list("external_id", "capacity"))
        self.assertEqual((capacity["N1"], capacity["N2"], capacity["A101"]), (3, 1, 2))
        self.assertEqual(result.unchanged, 1)


class PersonByPersonTests(PersonasTestCase):
    """Sam is on leave; Priya, Margaret and he are in the programme."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.p_sam.status = Participant.Status.ON_LEAVE
        cls.p_sam.save()

    FILE = (
        b"id,name,role,level,department,status,offers\n"
        b"A100,Priya Patel,mentor,3,Data,active,Excel\n"
        b"A101,Sam Okafor,mentor,2,Marketing,active,\n"
        b"N1,Nia Noor,mentee,7,Finance,active,\n"
        b"N2,Ned Boss,,9,Board,active,\n"
        b"N3,Noel Numbers,mentor,1,Data,leaver,Excel\n"
    )

    def test_it_names_who_is_new_updated_reactivated_and_left_alone(self):
        preview = preview_import(self.programme, self.FILE, "hr.csv")
        self.assertEqual(
            names(preview.new_people), ["Nia Noor (N1)", "Ned Boss (N2)", "Noel Numbers (N3)"]
        )
        self.assertEqual(
            [(p.label, p.details) for p in preview.updated_people.people],
            [
                ("Priya Patel (A100)", ("level: 2 → 3", "offers")),
                ("Sam Okafor (A101)", ("status: on_leave → active",)),
            ],
        )
        self.assertEqual(names(preview.reactivated_people), ["Sam Okafor (A101)"])
        self.assertEqual(names(preview.absent_people), ["Margaret Hughes (A200)"])
        self.assertEqual((preview.updated, preview.unchanged), (2, 0))

    def test_it_names_the_new_mentors_and_mentees_whose_profile_will_lack_something(self):
        preview = preview_import(self.programme, self.FILE, "hr.csv")
        self.assertEqual(
            [(p.label, p.details) for p in preview.incomplete_people.people],
            [
                (
                    "Nia Noor (N1)",
                    ("skills they can teach", "skills they want to learn", "when they are free"),
                ),
                ("Noel Numbers (N3)", ("skills they want to learn", "when they are free")),
            ],
        )

    def test_it_names_who_is_deactivated(self):
        data = b"id,status\nA100,leaver\nA200,active\n"
        preview = preview_import(self.programme, data, "hr.csv")
        self.assertEqual(
            [(p.label, p.details) for p in preview.deactivated_people.people],
            [("Priya Patel (A100)", ("status: active → leaver",))],
        )
        self.assertEqual(names(preview.updated_people), [])
        self.assertEqual(names(preview.absent_people), ["Sam Okafor (A101)"])  # on leave

    def test_a_large_file_names_some_and_counts_the_rest(self):
        rows = "".join(f"N{i},Person {i}\n" for i in range(5))
        with mock.patch.object(importer, "PREVIEW_NAMES", 2):
            preview = preview_import(self.programme, f"id,name\n{rows}".encode(), "hr.csv")
        self.assertEqual(names(preview.new_people), ["Person 0 (N0)", "Person 1 (N1)"])
        self.assertEqual((preview.new_people.total, preview.new_people.more), (5, 3))

    def test_a_file_with_errors_lists_nobody(self):
        preview = preview_import(self.programme, b"id,level\nN1,high\n", "hr.csv")
        self.assertEqual((preview.new_people.total, preview.absent_people.total), (0, 0))


class HrSpellingsTests(PersonasTestCase):
    def test_the_reporting_line_from_a_manager_id_column_spelled_by_hr_is_imported(self):
        data = b"Employee ID,Name,Manager ID,Time Zone\nN1,Nia,A200,europe/london\n"
        result = apply_import(self.programme, data, "hr.csv", self.martin)
        self.assertEqual(result.warnings, ())
        nia = Participant.objects.get(external_id="N1")
        self.assertEqual((nia.manager, nia.timezone), (self.p_margaret, "Europe/London"))

    def test_a_json_person_may_spell_organisation_the_american_way(self):
        data = b'[{"id": "A100", "Organization": "Acme Ltd", "Department": "Risk"}]'
        result = apply_import(self.programme, data, "hr.json", self.martin)
        self.assertTrue(result.applied)
        self.p_priya.refresh_from_db()
        self.assertEqual(self.p_priya.department, "Risk")


class PartnerPreviewTests(Exchange):
    def test_a_partners_manager_is_told_only_of_their_own_people_left_out(self):
        preview = preview_import(self.programme, b"id,name\nG501,Gia\n", "hr.csv", self.greta)
        self.assertEqual(names(preview.absent_people), ["Gus Gruber (G500)"])
