"""`twoheads create_programme` finds the organisation it is given and never makes a second
programme or organisation by accident."""

from io import StringIO

from django.core.management import CommandError, call_command
from django.test import TestCase

from twoheads.accounts.models import Organisation
from twoheads.programmes.models import Programme


def create(*args: str, **options: object) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("create_programme", *args, stdout=out, stderr=err, **options)
    return out.getvalue().strip(), err.getvalue().strip()


class CreateProgrammeTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.acme = Organisation.objects.create(name="Acme Ltd")

    def test_it_finds_the_organisation_by_name_in_any_case_or_by_slug(self):
        self.assertEqual(create("Spring", organisation="ACME LTD")[0], "spring")
        self.assertEqual(create("Autumn", organisation="acme-ltd")[0], "autumn")
        self.assertEqual(
            list(Programme.objects.values_list("organisation__name", flat=True)),
            ["Acme Ltd", "Acme Ltd"],
        )
        self.assertEqual(Organisation.objects.count(), 1)

    def test_a_misspelt_organisation_is_refused_with_the_likely_one_named(self):
        with self.assertRaises(CommandError) as refused:
            create("Spring", organisation="Acme Lts")
        self.assertEqual(
            str(refused.exception),
            "No organisation has the name or slug \"Acme Lts\". Did you mean 'Acme Ltd'? To "
            "create it, add --new-organisation.",
        )
        self.assertFalse(Programme.objects.exists())
        self.assertEqual(Organisation.objects.count(), 1)

    def test_a_new_organisation_is_made_only_when_asked_and_said(self):
        slug, said = create("Pilot", organisation="Northwind", new_organisation=True)
        self.assertEqual(slug, "pilot")
        self.assertEqual(said, "Created organisation Northwind (slug northwind).")
        self.assertEqual(Programme.objects.get().organisation.name, "Northwind")

    def test_a_second_programme_of_the_same_name_is_refused_unless_if_missing(self):
        create("Spring", organisation="Acme Ltd")
        with self.assertRaisesMessage(CommandError, 'a programme called "Spring" already'):
            create("spring", organisation="Acme Ltd")
        self.assertEqual(create("Spring", organisation="Acme Ltd", if_missing=True)[0], "spring")
        self.assertEqual(Programme.objects.count(), 1)
