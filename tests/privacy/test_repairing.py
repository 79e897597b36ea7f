"""The re-pairing check: past pairs are kept as per-person tokens and found one person at a time.

Acme keeps Priya's past pairs; its next cohort brings the same people back under new ids.
"""

from unittest import mock

from tests.base import PersonasTestCase
from twoheads.pairing.models import Pair
from twoheads.participants.models import Participant
from twoheads.privacy import retention
from twoheads.privacy.models import PastPairHash
from twoheads.privacy.retention import (
    blocked_pairs_for,
    identity_key,
    pair_digest,
    record_past_pairs,
)
from twoheads.programmes.models import Programme


class RepairingTests(PersonasTestCase):
    def person(self, email: str, role: str) -> Participant:
        """An Acme participant of some earlier programme."""
        return Participant(email=email, role=role, external_id=email, organisation=self.acme)

    def keep(self, mentor: str, mentee: str, programme: Programme | None = None) -> int:
        """Keep the pair of two Acme people as anonymising their programme would."""
        pair = Pair(mentor=self.person(mentor, "mentor"), mentee=self.person(mentee, "mentee"))
        return record_past_pairs(programme or self.programme, [pair])

    def cohort(self, *people: tuple[str, str]) -> Programme:
        """Acme's next cohort: (email, role) of each person, with ids N0, N1, ..."""
        cohort = Programme.objects.create(organisation=self.acme, name="Acme Cohort Two")
        for n, (email, role) in enumerate(people):
            Participant.objects.create(
                programme=cohort,
                external_id=f"N{n}",
                name=email.split("@")[0].title(),
                email=email,
                role=role,
                organisation=self.acme,
            )
        return cohort

    def test_it_blocks_every_past_partner_of_priya_kept_at_different_times(self):
        self.keep("priya@acme.test", "margaret@acme.test")
        self.keep("priya@acme.test", "lewis@acme.test")
        self.keep("priya@acme.test", "nina@acme.test")
        cohort = self.cohort(
            ("priya@acme.test", "mentor"),
            ("Margaret@Acme.test", "mentee"),
            ("lewis@acme.test", "mentee"),
            ("nina@acme.test", "mentee"),
            ("olga@acme.test", "mentee"),
        )
        self.assertEqual(blocked_pairs_for(cohort), {("N0", "N1"), ("N0", "N2"), ("N0", "N3")})

    def test_it_blocks_a_pair_whatever_side_each_person_takes_now(self):
        self.keep("priya@acme.test", "margaret@acme.test")
        cohort = self.cohort(("margaret@acme.test", "mentor"), ("priya@acme.test", "mentee"))
        self.assertEqual(blocked_pairs_for(cohort), {("N0", "N1")})

    def test_keeping_the_same_pair_twice_adds_nothing(self):
        self.assertEqual(self.keep("priya@acme.test", "margaret@acme.test"), 1)
        self.assertEqual(self.keep("margaret@acme.test", "priya@acme.test"), 0)
        self.assertEqual(PastPairHash.objects.count(), 2)

    def test_no_kept_value_ties_two_of_priyas_pairs_together(self):
        """Each token is stored once as a side and once as its partner's partner, nothing more."""
        self.keep("priya@acme.test", "margaret@acme.test")
        self.keep("priya@acme.test", "lewis@acme.test")
        rows = list(PastPairHash.objects.values("token", "partner", "digest"))
        tokens = [row["token"] for row in rows]
        self.assertEqual(len(set(tokens)), 4)
        self.assertEqual(sorted(row["partner"] for row in rows), sorted(tokens))
        self.assertEqual({row["digest"] for row in rows}, {None})
        kept = " ".join(tokens).lower()
        for needle in ("priya", "margaret", "acme", "a100"):
            self.assertNotIn(needle, kept)

    def test_the_check_computes_one_token_per_person_not_one_per_pair(self):
        for i in range(20):
            self.keep(f"mentor{i}@acme.test", f"mentee{(7 * i) % 20}@acme.test")
        cohort = self.cohort(
            *[(f"mentor{i}@acme.test", "mentor") for i in range(20)],
            *[(f"mentee{i}@acme.test", "mentee") for i in range(20)],
        )
        with mock.patch.object(retention, "pair_token", wraps=retention.pair_token) as token:
            blocked = blocked_pairs_for(cohort)
        self.assertEqual(len(blocked), 20)
        self.assertIn(("N1", f"N{20 + 7}"), blocked)
        # 40 people: the token of each one's first pair (all found), then of a second (none).
        self.assertEqual(token.call_count, 80)

    def test_the_check_takes_the_same_queries_for_more_people(self):
        def queries_for(n: int) -> int:
            PastPairHash.objects.all().delete()
            Participant.objects.filter(programme__name="Acme Cohort Two").delete()
            Programme.objects.filter(name="Acme Cohort Two").delete()
            for i in range(n):
                self.keep(f"mentor{i}@acme.test", f"mentee{i}@acme.test")
            cohort = self.cohort(
                *[(f"mentor{i}@acme.test", "mentor") for i in range(n)],
                *[(f"mentee{i}@acme.test", "mentee") for i in range(n)],
            )
            with self.assertNumQueries(6) as context:
                self.assertEqual(len(blocked_pairs_for(cohort)), n)
            return len(context.captured_queries)

        self.assertEqual(queries_for(3), queries_for(30))

    def test_a_pair_kept_before_tokens_still_blocks(self):
        priya = self.person("priya@acme.test", "mentor")
        margaret = self.person("margaret@acme.test", "mentee")
        digest = pair_digest(identity_key(priya), identity_key(margaret))
        PastPairHash.objects.create(organisation=self.acme, digest=digest)
        cohort = self.cohort(
            ("priya@acme.test", "mentor"),
            ("margaret@acme.test", "mentee"),
            ("lewis@acme.test", "mentee"),
        )
        self.assertEqual(blocked_pairs_for(cohort), {("N0", "N1")})

    def test_a_side_whose_data_is_already_erased_is_not_kept(self):
        pair = Pair(mentor=self.p_priya, mentee=self.p_margaret)
        pair.mentee.external_id = "erased-17"
        self.assertEqual(record_past_pairs(self.programme, [pair]), 0)
        self.assertFalse(PastPairHash.objects.exists())

    def test_a_pair_kept_by_globex_blocks_only_programmes_globex_takes_part_in(self):
        self.keep("priya@acme.test", "margaret@acme.test", programme=self.globex_programme)
        cohort = self.cohort(("priya@acme.test", "mentor"), ("margaret@acme.test", "mentee"))
        self.assertEqual(blocked_pairs_for(cohort), set())
        cohort.partners.add(self.globex)
        self.assertEqual(blocked_pairs_for(cohort), {("N0", "N1")})


class PastPairAdminTests(PersonasTestCase):
    """Site staff can look at the kept tokens but never add or delete single rows."""

    def test_the_admin_lists_tokens_and_offers_no_delete(self):
        from django.urls import reverse

        from twoheads.accounts.models import User

        row = PastPairHash.objects.create(organisation=self.acme, token="a" * 64, partner="b" * 64)
        self.client.force_login(User.objects.create_superuser("root@acme.test", "x", name="Root"))
        listing = self.client.get(reverse("admin:privacy_pastpairhash_changelist"))
        self.assertContains(listing, "a" * 64)
        delete = self.client.get(reverse("admin:privacy_pastpairhash_delete", args=[row.pk]))
        self.assertEqual(delete.status_code, 403)
        self.assertTrue(PastPairHash.objects.filter(pk=row.pk).exists())
