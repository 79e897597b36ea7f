"""A large finished run built straight into the database, for the page-speed tests and bench."""

import random

from django.utils import timezone

from twoheads.pairing.models import MatchRun, ProposedPair, UnmatchedResult
from twoheads.participants.models import Participant
from twoheads.programmes.models import Programme

DEPARTMENTS = ["Data", "Finance", "Sales", "Marketing", "Legal", "Operations", "HR", "IT"]
SITES = ["London", "Leeds", "Glasgow", "Cardiff", "Belfast"]
EXPLANATION = (
    "{m} can teach {e}: generative AI tools (3), social media strategy (2). {e} can teach {m}: "
    "negotiation (3). Shared interests: cycling, books. 12.0 hours a week free at the same time."
)


def build_big_run(programme: Programme, pairs: int, unmatched: int = 200) -> MatchRun:
    rng = random.Random(7)

    def person(ext: str, role: str, level: int) -> Participant:
        return Participant(
            programme=programme, external_id=ext, name=f"{role.title()} {ext}", role=role,
            level=level, department=rng.choice(DEPARTMENTS), site=rng.choice(SITES),
            email=f"{ext.lower()}@example.test",
        )  # fmt: skip

    people = [person(f"M{i}", "mentor", 2) for i in range(pairs + unmatched)]
    people += [person(f"E{i}", "mentee", 6) for i in range(pairs)]
    Participant.objects.bulk_create(people, batch_size=2000)
    ids = dict(programme.participants.values_list("external_id", "pk"))
    now = timezone.now()
    run = MatchRun.objects.create(
        programme=programme, status=MatchRun.Status.DONE, started_at=now, finished_at=now,
        progress=1.0,
        summary={
            "mentors": pairs + unmatched, "mentees": pairs, "pairs": pairs,
            "matched_mentees": pairs, "mentees_total": pairs, "match_rate": 1.0,
            "total_score": 0.6 * pairs, "average_score": 0.6, "min_score": 0.21,
            "upper_bound": 0.6 * pairs, "optimal": True, "gap": 0.0, "incomplete": 0,
            "departments": sorted(DEPARTMENTS), "sites": sorted(SITES),
        },
    )  # fmt: skip
    ProposedPair.objects.bulk_create(
        [
            ProposedPair(
                run=run, mentor_id=ids[f"M{i}"], mentee_id=ids[f"E{i}"],
                score=round(rng.uniform(0.2, 0.95), 4),
                components={
                    "teach": rng.random(), "learn": rng.random(), "benefit": rng.random(),
                    "compatibility": rng.random(), "reach": rng.random(),
                },
                explanation=EXPLANATION.format(m=f"Mentor M{i}", e=f"Mentee E{i}"),
            )
            for i in range(pairs)
        ],
        batch_size=1000,
    )  # fmt: skip
    UnmatchedResult.objects.bulk_create(
        [
            UnmatchedResult(
                run=run, participant_id=ids[f"M{pairs + i}"],
                reason="every candidate was taken; the best, Mentee E1, by Mentor M1",
            )
            for i in range(unmatched)
        ]
    )  # fmt: skip
    return run
