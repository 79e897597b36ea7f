"""Benchmark the programme dashboard: 10,000 participants, 100,000 meetings, time each render.

    createdb -h 127.0.0.1 -U postgres th_bench_dash
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/th_bench_dash DJANGO_DEBUG=1 \
        .venv/bin/python bench/dashboard.py
    dropdb -h 127.0.0.1 -U postgres th_bench_dash

Migrates the database it is given, builds one large programme with bulk inserts (5,000 pairs
over 40 weeks, their meetings, logs, feedback, check-ins, ideas, goals and guard flags; the bulk
inserts of logs and feedback fill the pairs' tallies as every write does), then renders the
dashboard through the full request stack several times, for the whole programme and for one
department of ten, and prints the median, the slowest render and the number of queries.

After building, or after a migration rewrote existing rows, it runs VACUUM ANALYZE, as
autovacuum soon would: the planner needs the new columns' statistics, and index-only scans
need the visibility map.
"""

import argparse
import os
import platform
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twoheads.settings")
os.environ.setdefault("ALLOWED_HOSTS", "localhost")

import django

BATCH = 5000
DEPARTMENTS = 10
# The part of the programme timed after the whole: one department of ten, as a manager filters.
SEGMENT = "?department=Department+3"


def build(participants: int, meetings: int, seed: int):
    from django.utils import timezone

    from twoheads.accounts.models import Membership, Organisation, User
    from twoheads.guard.models import GuardConfirmation
    from twoheads.journal.models import CheckIn, Feedback, Goal, Idea
    from twoheads.meetings.models import Meeting, MeetingLog
    from twoheads.pairing.models import Pair
    from twoheads.participants.models import Participant, ParticipantSkill
    from twoheads.programmes.models import Programme

    rng = random.Random(seed)
    now = timezone.now()
    org = Organisation.objects.create(name=f"Bench {seed} {now:%H%M%S}")
    manager = User.objects.create_user(f"manager-{org.pk}@bench.test", "x", name="Bench Manager")
    Membership.objects.create(
        user=manager, organisation=org, role=Membership.Role.PROGRAMME_MANAGER
    )
    programme = Programme.objects.create(organisation=org, name=org.name, status="active")
    skills = [programme.skills.create(name=f"Skill {i}") for i in range(20)]

    users = User.objects.bulk_create(
        [
            User(email=f"p{i}-{org.pk}@bench.test", name=f"Person {i}", password="!")
            for i in range(participants)
        ],
        batch_size=BATCH,
    )
    people = Participant.objects.bulk_create(
        [
            Participant(
                programme=programme,
                user=user,
                external_id=f"P{i:06d}",
                name=user.name,
                email=user.email,
                role="mentor" if i % 2 == 0 else "mentee",
                level=2 if i % 2 == 0 else 7,
                organisation=org,
                department=f"Department {i % DEPARTMENTS}",
                availability=[[i % 5, 540, 720]],
                languages=["en"],
                status="active" if rng.random() > 0.02 else "withdrawn",
            )
            for i, user in enumerate(users)
        ],
        batch_size=BATCH,
    )
    ParticipantSkill.objects.bulk_create(
        [
            ParticipantSkill(participant=p, skill=rng.choice(skills), kind=kind)
            for p in people
            if rng.random() > 0.1
            for kind in ("offer", "want")
        ],
        batch_size=BATCH,
    )

    pairs = []
    for n in range(participants // 2):
        mentor, mentee = people[2 * n], people[2 * n + 1]
        status = rng.choices(["active", "ended", "declined", "proposed"], [85, 7, 4, 4])[0]
        started = now - timedelta(days=rng.randint(30, 280))
        pairs.append(
            Pair(
                programme=programme,
                mentor=mentor,
                mentee=mentee,
                status=status,
                score=rng.betavariate(5, 3),
                mentor_response="accepted",
                mentee_response="declined" if status == "declined" else "accepted",
                activated_at=started if status in ("active", "ended") else None,
                ended_at=now - timedelta(days=rng.randint(1, 25)) if status == "ended" else None,
            )
        )
    pairs = Pair.objects.bulk_create(pairs, batch_size=BATCH)
    working = [p for p in pairs if p.status in ("active", "ended")]

    meeting_rows = []
    for i in range(meetings):
        pair = working[i % len(working)]
        span = (now - pair.activated_at).days + 14
        starts = pair.activated_at + timedelta(days=rng.randint(0, span), hours=rng.randint(8, 17))
        status = "cancelled" if rng.random() < 0.05 else "scheduled"
        meeting_rows.append(Meeting(pair=pair, starts_at=starts, status=status))
    all_meetings = Meeting.objects.bulk_create(meeting_rows, batch_size=BATCH)
    past = [m for m in all_meetings if m.status == "scheduled" and m.starts_at < now]
    logs = [
        MeetingLog(meeting=m, held=rng.random() < 0.9, duration_minutes=60, logged_at=m.starts_at)
        for m in past
    ]
    MeetingLog.objects.bulk_create(logs, batch_size=BATCH)
    by_pk = {p.pk: p for p in working}
    feedback = []
    for log in logs:
        if not log.held:
            continue
        pair = by_pk[log.meeting.pair_id]
        for person in (pair.mentor, pair.mentee):
            if rng.random() < 0.7:
                marks = [rng.randint(2, 5) for _ in range(4)]
                feedback.append(
                    Feedback(
                        meeting=log.meeting,
                        author_id=person.user_id,
                        listened=marks[0],
                        was_listened_to=marks[1],
                        learned=marks[2],
                        will_act=marks[3],
                    )
                )
    Feedback.objects.bulk_create(feedback, batch_size=BATCH)

    checkins, ideas, goals = [], [], []
    states = ["shared", "understood", "trying", "adopted", "parked"]
    for pair in working:
        for person in (pair.mentor, pair.mentee):
            checkins.append(
                CheckIn(
                    pair=pair,
                    author_id=person.user_id,
                    created_at=now - timedelta(days=rng.randint(0, 300)),
                    relationship=rng.randint(2, 5),
                    openness=rng.randint(2, 5),
                    benefit=rng.randint(2, 5),
                )
            )
            goals.append(Goal(pair=pair, owner=person, title="goal", progress=rng.randint(0, 100)))
        for _ in range(3):
            by, to = (
                (pair.mentor, pair.mentee) if rng.random() < 0.6 else (pair.mentee, pair.mentor)
            )
            ideas.append(
                Idea(
                    pair=pair, shared_by=by, shared_with=to, title="idea", state=rng.choice(states)
                )
            )
    CheckIn.objects.bulk_create(checkins, batch_size=BATCH)
    Idea.objects.bulk_create(ideas, batch_size=BATCH)
    Goal.objects.bulk_create(goals, batch_size=BATCH)
    GuardConfirmation.objects.bulk_create(
        [
            GuardConfirmation(
                programme=programme,
                pair=rng.choice(working),
                content_kind="idea",
                kinds={rng.choice(["email", "financial_figure", "confidential_term"]): 1},
                reason="bench",
            )
            for _ in range(500)
        ]
    )
    counts = {
        "participants": len(people),
        "pairs": len(pairs),
        "meetings": len(all_meetings),
        "logs": len(logs),
        "feedback": len(feedback),
        "ideas": len(ideas),
    }
    return programme, manager, counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=10_000)
    parser.add_argument("--meetings", type=int, default=100_000)
    parser.add_argument("--renders", type=int, default=9)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--programme", help="time this existing programme instead of building one")
    args = parser.parse_args()
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from twoheads.accounts.models import User
    from twoheads.insights.figures import programme_figures
    from twoheads.programmes.models import Programme

    executor = MigrationExecutor(connection)
    migrated = bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    call_command("migrate", verbosity=0)
    if args.programme:
        programme = Programme.objects.get(slug=args.programme)
        manager = User.objects.get(email=f"manager-{programme.organisation_id}@bench.test")
    else:
        start = time.perf_counter()
        programme, manager, counts = build(args.participants, args.meetings, args.seed)
        print(f"built {counts} in {time.perf_counter() - start:.1f} s: {programme.slug}")
    if connection.vendor == "postgresql" and (migrated or not args.programme):
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

    client = Client()
    client.force_login(manager)
    url = reverse("programme_dashboard", args=[programme.slug])
    figures = programme_figures(programme, viewer=manager)
    for label, address in (("whole programme", url), ("one department", url + SEGMENT)):
        client.get(address, HTTP_HOST="localhost")  # warm up: templates, connection, caches
        times, cpu, sql, queries = [], [], [], 0
        for _ in range(args.renders):
            with CaptureQueriesContext(connection) as captured:
                begin, begin_cpu = time.perf_counter(), time.process_time()
                response = client.get(address, HTTP_HOST="localhost")
                times.append(time.perf_counter() - begin)
                cpu.append(time.process_time() - begin_cpu)
            assert response.status_code == 200, response.status_code
            queries = len(captured)
            sql.append(sum(float(q["time"]) for q in captured.captured_queries))

        def ms(values: list[float]) -> str:
            return f"{statistics.median(values) * 1000:.0f} ms"

        print(
            f"{connection.vendor}: dashboard, {label}, over {args.renders} renders: median wall "
            f"{ms(times)} (slowest {max(times) * 1000:.0f} ms), web-process CPU {ms(cpu)}, "
            f"SQL {ms(sql)}, {queries} queries; page {len(response.content) // 1024} KiB; "
            f"{len(figures.at_risk)} pairs at risk in the programme"
        )
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, load average {load}")


if __name__ == "__main__":
    main()
