"""Time the re-pairing check, `blocked_pairs_for`, on programmes of n mentors and n mentees.

    DATABASE_URL=sqlite:////tmp/th_bench_repairing.sqlite3 \\
        .venv/bin/python -m tests.privacy.bench_repairing 1000 5000 [--old-rows]

Builds each programme into the database it is given (migrating it first), keeps one past pair
per mentor (with a mentee of the same programme) as retention would, and prints the median time
of the check and its query count. With --old-rows the past pairs are kept as rows kept before
tokens were (one hash of the pair), which the check still reads by hashing every pair.
"""

import os
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from twoheads.accounts.models import Organisation  # noqa: E402
from twoheads.pairing.models import Pair  # noqa: E402
from twoheads.participants.models import Participant  # noqa: E402
from twoheads.privacy.models import PastPairHash  # noqa: E402
from twoheads.privacy.retention import (  # noqa: E402
    blocked_pairs_for,
    identity_key,
    pair_digest,
    record_past_pairs,
)
from twoheads.programmes.models import Programme  # noqa: E402

REPEAT = 3


def build(n: int, old_rows: bool) -> Programme:
    """n mentors and n mentees of a new organisation; mentor i was paired with mentee 7i mod n."""
    stamp = f"{n}-{time.time_ns()}"
    org = Organisation.objects.create(name=f"Bench {stamp}")
    programme = Programme.objects.create(organisation=org, name=f"Bench {stamp}")
    people = [
        Participant(
            programme=programme,
            organisation=org,
            external_id=f"{role}-{i}",
            name=f"{role} {i}",
            email=f"{role}{i}@bench.test",
            role=role,
        )
        for role in ("mentor", "mentee")
        for i in range(n)
    ]
    Participant.objects.bulk_create(people, batch_size=500)
    mentors, mentees = people[:n], people[n:]
    past = [Pair(mentor=mentors[i], mentee=mentees[7 * i % n]) for i in range(n)]
    if old_rows:
        digests = {pair_digest(identity_key(p.mentor), identity_key(p.mentee)) for p in past}
        PastPairHash.objects.bulk_create(
            [PastPairHash(organisation=org, digest=d) for d in digests]
        )
    else:
        record_past_pairs(programme, past)
    return programme


def measure(programme: Programme, expected: int) -> tuple[float, int]:
    times, queries = [], 0
    for _ in range(REPEAT):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            blocked = blocked_pairs_for(programme)
            times.append(time.perf_counter() - start)
        queries = len(ctx.captured_queries)
        assert len(blocked) == expected, (len(blocked), expected)
    return statistics.median(times), queries


def main(sizes: list[int], old_rows: bool) -> None:
    call_command("migrate", verbosity=0)
    kept = "old pair hashes" if old_rows else "past pairs"
    print(f"database: {connection.vendor}")
    for n in sizes:
        programme = build(n, old_rows)
        seconds, queries = measure(programme, n)
        print(f"{n} x {n}, {n} {kept}: {seconds:.3f} s (median of {REPEAT}), {queries} queries")


if __name__ == "__main__":
    args = sys.argv[1:]
    main([int(a) for a in args if a.isdigit()] or [1000, 5000], "--old-rows" in args)
