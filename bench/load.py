"""Load test: simulated participants and managers against gunicorn and PostgreSQL on 127.0.0.1.

    python -m bench.load [--users 50] [--seconds 180] [--workers 4] [--participants 200]

It creates a PostgreSQL database, loads the demo into it, starts gunicorn with production settings
on 127.0.0.1, signs each simulated user in, and walks the participant and manager journeys for a
bounded time. It prints requests per second and latency percentiles per page, then removes the
database. It only ever talks to 127.0.0.1.
"""

import argparse
import http.client
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode

HOST, PORT = "127.0.0.1", 8765
PASSWORD = "twoheads-demo"
ROOT = Path(__file__).resolve().parent.parent


class Session:
    """One signed-in browser: its own connection and cookies."""

    def __init__(self) -> None:
        self.conn = http.client.HTTPConnection(HOST, PORT, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, body: dict[str, str] | None = None
    ) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        data = None
        if body is not None:
            data = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{HOST}:{PORT}{path}"
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        try:
            self.conn.request(method, path, body=data, headers=headers)
            response = self.conn.getresponse()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = http.client.HTTPConnection(HOST, PORT, timeout=60)
            raise
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        return response.status, response.read().decode(errors="replace")

    def sign_in(self, email: str) -> None:
        self.request("GET", "/login/")
        status, _ = self.request(
            "POST",
            "/login/",
            {
                "username": email,
                "password": PASSWORD,
                "csrfmiddlewaretoken": self.cookies.get("csrftoken", ""),
            },
        )
        if status != 302:
            raise RuntimeError(f"{email} could not sign in ({status})")


def journeys(env: dict[str, str]) -> tuple[list[tuple[str, list[tuple[str, str]]]], str]:
    """Each participant's pages and the manager's, read from the loaded demo."""
    script = r"""
import django, json; django.setup()
from django.urls import reverse
from twoheads.pairing.models import Pair
from twoheads.programmes.models import Programme
p = Programme.objects.get(name="Northwind Reverse Mentoring 2026")
pairs = Pair.objects.filter(programme=p, status="active").select_related(
    "mentor__user", "mentee__user")
people = []
for pair in pairs[:60]:
    idea = pair.ideas.first()
    for person in (pair.mentor, pair.mentee):
        pages = [("home", "/"), ("pair", reverse("pair_detail", args=[pair.pk])),
                 ("progress", reverse("my_progress", args=[p.slug]))]
        if idea:
            pages.append(("idea", reverse("idea_detail", args=[idea.pk])))
        people.append((person.user.email, pages))
run = p.runs.first()
manager = [("programmes", reverse("programme_list")),
           ("overview", reverse("programme_detail", args=[p.slug])),
           ("people", reverse("participant_list", args=[p.slug])),
           ("pairs", reverse("pair_list", args=[p.slug])),
           ("dashboard", reverse("programme_dashboard", args=[p.slug])),
           ("run review", reverse("run_detail", args=[p.slug, run.pk]))]
print(json.dumps({"people": people, "manager": manager}))
"""
    import json

    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    ).stdout
    data = json.loads(out.strip().splitlines()[-1])
    people = [(email, [tuple(page) for page in pages]) for email, pages in data["people"]]
    return people, json.dumps(data["manager"])


def worker(
    email: str,
    pages: list[tuple[str, str]],
    deadline: float,
    results: dict[str, list[float]],
    errors: list[str],
    lock: threading.Lock,
) -> None:
    session = Session()
    try:
        session.sign_in(email)
    except Exception as error:  # a failed sign-in is an error of the run, reported below
        with lock:
            errors.append(f"sign-in {email}: {error}")
        return
    rng = random.Random(email)
    while time.monotonic() < deadline:
        label, path = rng.choice(pages)
        started = time.perf_counter()
        try:
            status, _ = session.request("GET", path)
        except Exception as error:  # network errors count as failures
            status, detail = 0, str(error)
        else:
            detail = ""
        elapsed = time.perf_counter() - started
        with lock:
            results[label].append(elapsed)
            if status != 200:
                errors.append(f"{label} {path}: {status} {detail}".strip())
        time.sleep(rng.uniform(0.2, 1.0))  # think time between pages


def warm_up(workers: int) -> None:
    """Wait for gunicorn, then load the pages' code into every worker before timing anything."""
    for _ in range(120):
        try:
            http.client.HTTPConnection(HOST, PORT, timeout=2).request("GET", "/healthz")
            break
        except OSError:
            time.sleep(0.5)
    for _ in range(workers * 3):
        connection = http.client.HTTPConnection(HOST, PORT, timeout=120)
        connection.request("GET", "/login/")
        connection.getresponse().read()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--managers", type=int, default=10, help="of the users, how many managers")
    parser.add_argument("--seconds", type=int, default=180)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--participants", type=int, default=200)
    parser.add_argument("--pg", default="postgres@127.0.0.1:5432")
    args = parser.parse_args()

    name = f"th_load_{secrets.token_hex(3)}"
    data_dir = tempfile.mkdtemp(prefix="twoheads-load-")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "twoheads.settings",
        "DJANGO_DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": f"postgres://{args.pg}/{name}",
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "0",
        "TWOHEADS_DATA_DIR": data_dir,
        "EMAIL_BACKEND": "memory",
    }
    user, _, hostport = args.pg.partition("@")
    pg_host, _, pg_port = hostport.partition(":")
    psql = [
        "psql",
        "-h",
        pg_host,
        "-p",
        pg_port or "5432",
        "-U",
        user,
        "-d",
        "postgres",
        "-q",
        "-c",
    ]
    subprocess.run([*psql, f"CREATE DATABASE {name}"], check=True)
    server = None
    try:
        twoheads = [sys.executable, "-m", "twoheads"]
        subprocess.run([*twoheads, "migrate", "-v", "0"], env=env, check=True)
        subprocess.run([*twoheads, "collectstatic", "--no-input", "-v", "0"], env=env, check=True)
        subprocess.run(
            [*twoheads, "seed_demo", "--participants", str(args.participants)], env=env, check=True
        )
        people, manager_json = journeys(env)
        import json

        manager_pages = [tuple(p) for p in json.loads(manager_json)]
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "twoheads.wsgi",
                "--workers",
                str(args.workers),
                "--bind",
                f"{HOST}:{PORT}",
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=ROOT,
        )
        warm_up(args.workers)
        results: dict[str, list[float]] = defaultdict(list)
        errors: list[str] = []
        lock = threading.Lock()
        deadline = time.monotonic() + args.seconds
        threads = [
            threading.Thread(
                target=worker,
                args=(
                    "helen.carter@northwind.example",
                    manager_pages,
                    deadline,
                    results,
                    errors,
                    lock,
                ),
            )
            for _ in range(args.managers)
        ]
        threads += [
            threading.Thread(target=worker, args=(email, pages, deadline, results, errors, lock))
            for email, pages in people[: args.users - args.managers]
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        report(results, errors, elapsed, args)
    finally:
        if server:
            server.terminate()
            server.wait(timeout=30)
        subprocess.run([*psql, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], check=False)


def report(
    results: dict[str, list[float]], errors: list[str], elapsed: float, args: argparse.Namespace
) -> None:
    total = sum(len(v) for v in results.values())
    print(
        f"\n{args.users} users ({args.managers} managers) for {elapsed:.0f} s against gunicorn "
        f"with {args.workers} workers and PostgreSQL: {total} requests, "
        f"{total / elapsed:.1f} req/s, "
        f"{len(errors)} errors\n"
    )
    print("| page | requests | req/s | median ms | p95 ms | p99 ms |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, values in sorted(results.items()):
        ms = [v * 1000 for v in values]
        print(
            f"| {label} | {len(values)} | {len(values) / elapsed:.1f} "
            f"| {statistics.median(ms):.0f} "
            f"| {percentile(ms, 0.95):.0f} | {percentile(ms, 0.99):.0f} |"
        )
    for line in errors[:20]:
        print("error:", line)
    if errors:
        sys.exit(1)


if __name__ == "__main__":
    main()
