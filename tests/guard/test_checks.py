from tests.base import PersonasTestCase
from twoheads.guard.checks import confirmation_counts, findings_for, record_confirmation
from twoheads.guard.models import ProgrammeTerms
from twoheads.participants.models import Participant


class GuardChecksTests(PersonasTestCase):
    """Priya (Acme) shares with Margaret (Acme); Gus (Globex) joins Acme's exchange as a mentee."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.acme.confidential_terms = "Project Falcon\nBlue Harbour Bank"
        cls.acme.internal_domains = "corp.acme.test"
        cls.acme.save()
        cls.p_gus_in_acme = Participant.objects.create(
            programme=cls.programme,
            user=cls.gus,
            external_id="G900",
            name="Gus Gruber",
            role="mentee",
            level=6,
            organisation=cls.globex,
        )

    def test_it_flags_acme_terms_when_priya_writes_to_someone_at_globex(self):
        text = "Project Falcon ships in May, see https://wiki.corp.acme.test/falcon"
        kinds = [f.kind for f in findings_for(text, author=self.p_priya, reader=self.p_gus_in_acme)]
        self.assertEqual(kinds, ["confidential_term", "internal_host"])

    def test_it_stays_out_of_the_way_inside_one_organisation(self):
        text = "Project Falcon ships in May"
        self.assertEqual(findings_for(text, author=self.p_priya, reader=self.p_margaret), [])

    def test_programme_terms_count_too(self):
        ProgrammeTerms.objects.create(programme=self.programme, terms="Operation Nightjar")
        found = findings_for(
            "Operation Nightjar is late", author=self.p_priya, reader=self.p_gus_in_acme
        )
        self.assertEqual([f.kind for f in found], ["confidential_term"])

    def test_confirmations_keep_kinds_and_counts_but_not_the_text(self):
        text = "Blue Harbour Bank renewal, call me on +44 20 7946 0958"
        found = findings_for(text, author=self.p_priya, reader=self.p_gus_in_acme)
        confirmation = record_confirmation(
            author=self.p_priya,
            pair=None,
            findings=found,
            reason="Public news",
            content_kind="idea",
        )
        self.assertNotIn("Blue Harbour", str(confirmation.kinds))
        self.assertEqual(
            confirmation_counts(self.programme.pk), {"confidential_term": 1, "phone": 1}
        )
