"""Every way a pair changes moves its `updated_at`, which integrators sync from: publishing,
an answer, activation, a decline, ending it, a person's erasure and a programme's anonymising.
"""

from datetime import timedelta

from django.utils import timezone

from tests.pairing.stories import MatchingTestCase
from twoheads.journal.closing import close_pair
from twoheads.pairing import engine
from twoheads.pairing.models import Pair
from twoheads.privacy.erasure import erase_person
from twoheads.privacy.retention import anonymise_programme

LONG_AGO = timezone.now() - timedelta(days=90)


class PairChangeTests(MatchingTestCase):
    def setUp(self) -> None:
        Pair.objects.update(updated_at=LONG_AGO)
        self.before = timezone.now()

    def assert_changed(self, pair: Pair) -> None:
        pair.refresh_from_db()
        self.assertGreaterEqual(pair.updated_at, self.before, pair)

    def proposed(self) -> Pair:
        pair = Pair.objects.create(programme=self.programme, mentor=self.p_sam, mentee=self.p_mei)
        Pair.objects.filter(pk=pair.pk).update(updated_at=LONG_AGO)
        return pair

    def test_a_published_pair_is_changed_when_it_is_made(self):
        Pair.objects.all().delete()
        engine.publish_run(self.make_run(), self.martin)
        pairs = list(Pair.objects.all())
        self.assertTrue(pairs)
        for pair in pairs:
            self.assertEqual(pair.updated_at, pair.created_at)
            self.assertGreaterEqual(pair.updated_at, self.before)

    def test_each_answer_and_the_activation_change_the_pair(self):
        pair = self.proposed()
        engine.respond(pair, self.sam, True)
        self.assert_changed(pair)
        Pair.objects.filter(pk=pair.pk).update(updated_at=LONG_AGO)
        engine.respond(pair, self.mei, True)
        self.assert_changed(pair)
        self.assertEqual(pair.status, Pair.Status.ACTIVE)

    def test_a_decline_changes_the_pair(self):
        pair = self.proposed()
        engine.respond(pair, self.mei, False, "We work together already")
        self.assert_changed(pair)

    def test_ending_a_pair_changes_it(self):
        close_pair(self.pair, self.martin, "Margaret moved on")
        self.assert_changed(self.pair)

    def test_an_erasure_that_ends_a_pair_changes_it(self):
        erase_person(self.priya, self.priya)
        self.assert_changed(self.pair)
        self.assertEqual(self.pair.status, Pair.Status.ENDED)

    def test_an_erasure_that_blanks_a_decline_reason_changes_the_pair(self):
        pair = self.proposed()
        engine.respond(pair, self.mei, False, "We work together already")
        Pair.objects.filter(pk=pair.pk).update(updated_at=LONG_AGO)
        erase_person(self.mei, self.mei)
        self.assert_changed(pair)
        self.assertEqual(pair.decline_reason, "")

    def test_anonymising_the_programme_changes_its_pairs(self):
        anonymise_programme(self.programme)
        self.assert_changed(self.pair)
        self.assertEqual(self.pair.explanation, "")

    def test_a_pair_nobody_touched_keeps_its_time(self):
        self.proposed()
        close_pair(self.pair, self.martin, "Margaret moved on")
        untouched = Pair.objects.exclude(pk=self.pair.pk).get()
        self.assertEqual(untouched.updated_at, LONG_AGO)
