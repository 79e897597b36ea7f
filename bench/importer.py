"""Benchmark the participant import: 50,000 rows, first import, preview, re-import, changes.

    DJANGO_DEBUG=1 TWOHEADS_DATA_DIR=/tmp/bench-import .venv/bin/python bench/importer.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/th_bench_import DJANGO_DEBUG=1 \
        .venv/bin/python bench/importer.py

Migrates the database it is given, creates a fresh programme (left in place: give it a
scratch database), and prints one line per step.
"""

import argparse
import csv
import io
import os
import platform
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twoheads.settings")

import django

DEPARTMENTS = ["Finance", "Data", "Marketing", "Sales", "Legal", "HR", "Operations", "IT"]
SITES = ["London", "Leeds", "Manchester", "Glasgow", "Paris", "Berlin"]
ZONES = ["Europe/London", "Europe/Paris", "Europe/Berlin"]
JUNIOR = ["GenAI", "Social media", "Data visualisation", "Automation", "Accessibility", "Agile"]
SENIOR = ["Negotiation", "Strategy", "Finance", "Stakeholder management", "Public speaking"]
INTERESTS = ["cycling", "jazz", "cooking", "chess", "running", "theatre", "gardening"]


def people_file(rows: int, seed: int = 7) -> bytes:
    """A realistic HR export: a management tree, juniors and seniors, an org-chart top."""
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["id", "name", "email", "role", "department", "site", "manager_id", "level", "timezone",
         "languages", "offers", "wants", "interests", "availability", "capacity", "status"]
    )  # fmt: skip
    for i in range(rows):
        pid = f"E{i:06d}"
        manager = "" if i < 10 else f"E{rng.randrange(0, max(10, i // 4)):06d}"
        kind = rng.random()
        role = "" if i < 10 or kind < 0.2 else ("mentor" if kind < 0.6 else "mentee")
        senior = role == "mentee"
        level = rng.randint(6, 9) if senior or not role else rng.randint(1, 3)
        offers = rng.sample(SENIOR if senior else JUNIOR, 2)
        wants = rng.sample(JUNIOR if senior else SENIOR, 2)
        day = rng.randrange(5)
        writer.writerow(
            [pid, f"Person {i}", f"person{i}@bench.test", role, rng.choice(DEPARTMENTS),
             rng.choice(SITES), manager, level, rng.choice(ZONES), "en",
             ";".join(f"{s}:{rng.randint(1, 3)}" for s in offers) if role else "",
             ";".join(f"{s}:{rng.randint(1, 3)}" for s in wants) if role else "",
             ";".join(rng.sample(INTERESTS, 2)),
             f"{['mon', 'tue', 'wed', 'thu', 'fri'][day]} 09-12" if role else "",
             1, "leaver" if rng.random() < 0.01 else "active"]
        )  # fmt: skip
    return out.getvalue().encode()


def changed(data: bytes, every: int) -> bytes:
    """Every `every`-th person moves to the Sales department."""
    lines = data.decode().splitlines(keepends=True)
    for n in range(1, len(lines), every):
        cells = next(csv.reader([lines[n]]))
        cells[4] = "Sales" if cells[4] != "Sales" else "Legal"
        buf = io.StringIO()
        csv.writer(buf).writerow(cells)
        lines[n] = buf.getvalue()
    return "".join(lines).encode()


def step(label: str, fn, *args):
    """Run one step; print wall time and this process's CPU time (less sensitive to load)."""
    start, cpu = time.perf_counter(), time.process_time()
    result = fn(*args)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    summary = result.summary_line() if hasattr(result, "summary_line") else ""
    print(f"{label:<28} wall {seconds:7.2f} s  cpu {cpu:7.2f} s  {summary}", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    args = parser.parse_args()
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from twoheads.accounts.models import Organisation
    from twoheads.participants.importer import apply_import, preview_import
    from twoheads.programmes.catalogue import create_programme

    call_command("migrate", verbosity=0)
    settings.IMPORT_MAX_BYTES = 100 * 1024 * 1024
    org, _ = Organisation.objects.get_or_create(name="Bench Ltd")
    programme = create_programme(org, f"Import bench {time.time():.0f}")
    data = people_file(args.rows)
    machine = platform.processor() or platform.machine()
    print(
        f"{connection.vendor} {connection.Database.__name__} · {machine}"
        f" · {os.cpu_count()} cores · Python {platform.python_version()} · "
        f"{args.rows} rows, {len(data) / 2**20:.1f} MB"
    )
    step("preview (empty programme)", preview_import, programme, data, "people.csv")
    step("first import", apply_import, programme, data, "people.csv", None)
    step("re-import, nothing changed", apply_import, programme, data, "people.csv", None)
    step("re-import, 10% changed", apply_import, programme, changed(data, 10), "people.csv", None)


if __name__ == "__main__":
    main()
