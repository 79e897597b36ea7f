from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from tests.privacy.stories import PHRASES, PrivacyStory
from tests.privacy.test_erasure import rows_containing
from twoheads.accounts.models import AuditEvent, audit
from twoheads.journal.models import JournalEntry
from twoheads.pairing.models import Pair
from twoheads.participants.models import Participant
from twoheads.privacy.erasure import erase_person
from twoheads.privacy.models import PastPairHash
from twoheads.privacy.retention import anonymise_programme, blocked_pairs_for, is_due
from twoheads.programmes.models import Programme


def anonymise_command() -> str:
    out = StringIO()
    call_command("anonymise", stdout=out)
    return out.getvalue().strip()


class AnonymiseStory(PrivacyStory):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        audit(cls.martin, "participant.view", "Margaret Hughes", organisation=cls.acme)
        Programme.objects.filter(pk=cls.programme.pk).update(
            status=Programme.Status.CLOSED,
            closed_at=timezone.now() - timedelta(days=400),
            retention_days=365,
        )
        cls.programme.refresh_from_db()

    def next_cohort(self, *people):
        """Acme's next programme, with the same people imported again under new ids."""
        cohort = Programme.objects.create(organisation=self.acme, name="Acme Cohort Two")
        for n, (name, email, role) in enumerate(people):
            Participant.objects.create(
                programme=cohort,
                external_id=f"N{n}",
                name=name,
                email=email,
                role=role,
                organisation=self.acme,
            )
        return cohort


class AnonymiseTests(AnonymiseStory):
    """Acme's programme closed 400 days ago and keeps data for 365."""

    def test_it_is_due_only_after_the_retention_period(self):
        self.assertTrue(is_due(self.programme))
        self.programme.retention_days = 500
        self.assertFalse(is_due(self.programme))
        self.assertFalse(is_due(self.globex_programme))

    def test_the_command_anonymises_once_and_then_does_nothing(self):
        self.assertEqual(anonymise_command(), "Anonymised 1 programme(s): acme-reverse-mentoring")
        hashes = PastPairHash.objects.count()
        self.assertEqual(anonymise_command(), "Anonymised 0 programme(s).")
        self.assertFalse(anonymise_programme(self.programme))
        self.assertEqual(PastPairHash.objects.count(), hashes)

    def test_it_leaves_no_names_emails_or_texts_of_the_programme(self):
        people = list(self.programme.participants.values_list("name", "email"))
        anonymise_command()
        for name, email in people:
            for needle in (name, email):
                found = [r for r in rows_containing(needle) if r[0] != "accounts.User"]
                self.assertEqual(found, [], needle)
        for key in ["private", "shared", "idea", "goal", "agenda", "concern", "guard_reason"]:
            self.assertEqual(rows_containing(PHRASES[key]), [], key)
        self.assertFalse(JournalEntry.objects.filter(pair__programme=self.programme).exists())

    def test_no_hr_id_of_the_programme_stays_in_the_audit_trail(self):
        ids = sorted(self.programme.participants.values_list("external_id", flat=True))
        audit(
            self.martin,
            "api.participants.read",
            "people",
            organisation=self.acme,
            participants=ids,
            mentor=ids[0],
            count=len(ids),
        )
        anonymise_command()
        event = AuditEvent.objects.get(action="api.participants.read")
        self.assertEqual(event.details["participants"], ["[removed]"] * len(ids))
        self.assertEqual((event.details["mentor"], event.details["count"]), ("[removed]", len(ids)))
        for value in ids:
            found = [r for r in rows_containing(value) if r[0] == "accounts.AuditEvent"]
            self.assertEqual(found, [], value)

    def test_the_programme_figures_still_add_up(self):
        anonymise_command()
        self.assertEqual(Pair.objects.filter(programme=self.programme).count(), 2)
        self.assertEqual(self.programme.participants.filter(role="mentor").count(), 2)
        self.programme.refresh_from_db()
        self.assertIsNotNone(self.programme.anonymised_at)

    def test_a_dry_run_names_the_programme_and_changes_nothing(self):
        out = StringIO()
        call_command("anonymise", "--dry-run", stdout=out)
        self.assertIn("acme-reverse-mentoring", out.getvalue())
        self.assertFalse(PastPairHash.objects.exists())


class RepairingBlockTests(AnonymiseStory):
    """After anonymisation, Priya and Margaret join Acme's next cohort."""

    def test_the_same_two_people_are_blocked_from_pairing_again(self):
        anonymise_command()
        cohort = self.next_cohort(
            ("Priya Patel", "priya@acme.test", "mentor"),
            ("Margaret Hughes", "Margaret@Acme.test", "mentee"),
            ("Sam Okafor", "sam@acme.test", "mentor"),
        )
        self.assertEqual(blocked_pairs_for(cohort), {("N0", "N1")})

    def test_the_tokens_hold_no_name_or_email(self):
        anonymise_command()
        tokens = " ".join(PastPairHash.objects.values_list("token", flat=True))
        self.assertNotIn("priya", tokens.lower())
        self.assertEqual(len(tokens.split()), 4)  # two pairs, one row from each side

    def test_other_organisations_and_new_pairs_are_not_blocked(self):
        anonymise_command()
        cohort = self.next_cohort(
            ("Priya Patel", "priya@acme.test", "mentor"),
            ("Lewis Lineman", "lewis@acme.test", "mentee"),
        )
        self.assertEqual(blocked_pairs_for(cohort), set())
        self.assertEqual(blocked_pairs_for(self.globex_programme), set())

    def test_erasure_keeps_the_block_too(self):
        Programme.objects.filter(pk=self.programme.pk).update(status="active")
        erase_person(self.priya, self.priya)
        cohort = self.next_cohort(
            ("Priya Patel", "priya@acme.test", "mentor"),
            ("Margaret Hughes", "margaret@acme.test", "mentee"),
        )
        self.assertEqual(blocked_pairs_for(cohort), {("N0", "N1")})

    def test_a_different_key_forgets_the_past(self):
        anonymise_command()
        cohort = self.next_cohort(
            ("Priya Patel", "priya@acme.test", "mentor"),
            ("Margaret Hughes", "margaret@acme.test", "mentee"),
        )
        with self.settings(PAST_PAIR_KEY="another key"):
            self.assertEqual(blocked_pairs_for(cohort), set())
