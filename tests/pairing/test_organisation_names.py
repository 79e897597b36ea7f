"""A pair across two organisations is explained with the organisations' names."""

import importlib

from django.apps import apps as django_apps

from tests.pairing.stories import MatchingTestCase
from twoheads.pairing import engine
from twoheads.participants.models import Participant


class OrganisationNamesTests(MatchingTestCase):
    """Mei moves to Globex, so Sam (Acme) and Mei are a pair across two organisations."""

    def setUp(self):
        Participant.objects.filter(pk=self.p_mei.pk).update(organisation=self.globex)

    def test_a_cross_organisation_pair_names_both_organisations(self):
        self.programme.cross_organisation = True
        self.programme.save()
        run = self.make_run()
        explanation = run.proposals.get(mentor=self.p_sam, mentee=self.p_mei).explanation
        self.assertIn("They work in different organisations (Acme Ltd, Globex).", explanation)

    def test_a_pair_the_programme_may_not_make_names_both_organisations_too(self):
        run = self.make_run()
        self.assertFalse(run.proposals.filter(mentee=self.p_mei).exists())
        check = engine.check_manual_pair(run, self.p_sam, self.p_mei)
        self.assertIn(
            "different organisations (Acme Ltd, Globex) and the programme is not "
            "cross-organisation",
            check.broken_rules,
        )

    def test_people_of_one_organisation_are_in_the_same_one(self):
        roster = engine.roster_for(self.programme)
        organisations = {p.id: p.organisation for p in roster.people}
        self.assertEqual(organisations["A101"], "Acme Ltd")
        self.assertEqual(organisations["A201"], "Globex")
        self.assertEqual(organisations["A100"], organisations["A200"])

    def test_explanations_stored_with_organisation_ids_name_them(self):
        module = importlib.import_module(
            "twoheads.pairing.migrations.0005_organisation_names_in_explanations"
        )
        acme, globex = self.acme.pk, self.globex.pk
        self.pair.explanation = (
            f"Priya can teach Margaret. They work in different organisations ({acme}, {globex})."
        )
        self.pair.save()
        run = self.make_run()
        proposal = run.proposals.get(mentor=self.p_priya)
        proposal.explanation = f"They work in different organisations ({globex}, {acme})."
        proposal.broken_rules = [
            f"different organisations ({acme}, {globex}) and the programme is not "
            "cross-organisation",
            "Sam takes at most 1 partner; with this pair, 2 in this run.",
        ]
        proposal.save()
        module.name_organisations(django_apps, None)
        self.pair.refresh_from_db()
        proposal.refresh_from_db()
        self.assertEqual(
            self.pair.explanation,
            "Priya can teach Margaret. They work in different organisations (Acme Ltd, Globex).",
        )
        self.assertEqual(
            proposal.explanation, "They work in different organisations (Globex, Acme Ltd)."
        )
        self.assertEqual(
            proposal.broken_rules,
            [
                "different organisations (Acme Ltd, Globex) and the programme is not "
                "cross-organisation",
                "Sam takes at most 1 partner; with this pair, 2 in this run.",
            ],
        )
