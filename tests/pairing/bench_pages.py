"""Time the review and publish pages of a 5,000-pair run.

    createdb -h 127.0.0.1 -U postgres th_bench_pairing
    DATABASE_URL=postgres://postgres@127.0.0.1/th_bench_pairing \\
        .venv/bin/python -m tests.pairing.bench_pages
    dropdb -h 127.0.0.1 -U postgres th_bench_pairing

Builds the data into the database it is given (migrating it first), then prints the median of
several renders of each page, with its query count.
"""

import os
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402

from tests.pairing.bulk import build_big_run  # noqa: E402
from twoheads.accounts.models import Membership, Organisation, User  # noqa: E402
from twoheads.programmes.models import Programme  # noqa: E402

PAIRS = 5000
REPEAT = 7


def timed(
    client: Client, method: str, url: str, data: dict | None = None
) -> tuple[float, float, float, int]:
    """Wall time, this process's CPU time, the database's time (ms), and the query count."""
    with CaptureQueriesContext(connection) as ctx:
        start, cpu = time.perf_counter(), time.process_time()
        response = getattr(client, method)(url, data or {})
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    assert response.status_code < 400, (url, response.status_code)
    sql = sum(float(q["time"]) for q in ctx.captured_queries)
    return elapsed * 1000, cpu * 1000, sql * 1000, len(ctx.captured_queries)


def median_of(
    client: Client, url: str, data: dict | None = None
) -> tuple[float, float, float, int]:
    runs = [timed(client, "get", url, data) for _ in range(REPEAT)]
    return (
        statistics.median(r[0] for r in runs),
        statistics.median(r[1] for r in runs),
        statistics.median(r[2] for r in runs),
        runs[-1][3],
    )


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def main() -> None:
    call_command("migrate", verbosity=0)
    stamp = str(int(time.time()))
    org = Organisation.objects.create(name=f"Bench {stamp}")
    manager = User.objects.create_user(f"bench-{stamp}@example.test", "bench-password-123")
    Membership.objects.create(user=manager, organisation=org, role="programme_manager")
    programme = Programme.objects.create(organisation=org, name=f"Bench {stamp}", status="matching")
    start = time.perf_counter()
    run = build_big_run(programme, PAIRS)
    print(f"built {PAIRS} pairs in {time.perf_counter() - start:.1f} s on {connection.vendor}")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would after a bulk load
    client = Client()
    client.force_login(manager)
    review = run.get_absolute_url()
    publish = reverse("run_publish", args=[programme.slug, run.pk])
    rows = [
        ("review, first page", *median_of(client, review)),
        ("review, page 40", *median_of(client, review, {"page": 40})),
        (
            "review, filtered + search",
            *median_of(client, review, {"department": "Data", "q": "E12"}),
        ),
        ("review, sorted by mentor", *median_of(client, review, {"sort": "mentor"})),
        ("publish confirmation", *median_of(client, publish)),
        ("publish (POST, 5,000 pairs)", *timed(client, "post", publish)),
        (
            "pairs list after publishing",
            *median_of(client, reverse("pair_list", args=[programme.slug])),
        ),
    ]
    print(f"{'page':32} {'wall ms':>8} {'cpu ms':>8} {'sql ms':>8} queries")
    for name, wall, cpu, sql, queries in rows:
        print(f"{name:32} {wall:8.1f} {cpu:8.1f} {sql:8.1f} {queries:7d}")
    print("load average:", " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
