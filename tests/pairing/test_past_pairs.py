"""Two people paired in an earlier, since anonymised, programme are not paired again."""

from tests.base import PersonasTestCase
from twoheads.pairing.engine import execute_run, start_run
from twoheads.pairing.models import MatchRun
from twoheads.participants.models import ParticipantSkill
from twoheads.privacy.retention import record_past_pairs
from twoheads.programmes.models import Programme, Skill


class PastPairsTests(PersonasTestCase):
    def make_matchable(self, programme: Programme) -> None:
        ai = Skill.objects.create(programme=programme, name="Generative AI tools")
        money = Skill.objects.create(programme=programme, name="Finance")
        for person, offer, want in (
            (self.p_priya, ai, money),
            (self.p_sam, ai, money),
            (self.p_margaret, money, ai),
        ):
            ParticipantSkill.objects.create(participant=person, skill=offer, kind="offer", level=3)
            ParticipantSkill.objects.create(participant=person, skill=want, kind="want", level=3)
            person.languages = ["en"]
            person.availability = [[0, 9 * 60, 17 * 60]]
            person.save()
        programme.status = Programme.Status.ENROLLING
        programme.min_compatibility = 0
        programme.min_overlap_hours = 0
        programme.save()
        self.pair.delete()

    def run_match(self) -> MatchRun:
        return execute_run(start_run(self.programme, self.martin).pk)

    def test_priya_and_margaret_are_paired_when_nothing_stands_in_the_way(self):
        self.make_matchable(self.programme)
        run = self.run_match()
        self.assertEqual(run.status, MatchRun.Status.DONE)
        self.assertEqual(run.proposals.count(), 1)

    def test_a_kept_hash_of_their_past_pair_stops_it_and_sam_is_chosen(self):
        record_past_pairs(self.programme, [self.pair])
        self.make_matchable(self.programme)
        run = self.run_match()
        proposal = run.proposals.get()
        self.assertEqual((proposal.mentor, proposal.mentee), (self.p_sam, self.p_margaret))
