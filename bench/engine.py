"""Benchmarks of the matching engine against their baselines, each case in its own process.

python -m bench.engine              # the full set (10k dense baseline, 100k, stable, suggest)
python -m bench.engine --quick      # small sizes, under a minute
python -m bench.engine --write-docs # also rewrite "## Matching engine" in docs/performance.md
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

import numpy as np

from bench import generator
from twoheads.matching import Rules, engine, match, suggest
from twoheads.matching.candidates import generate
from twoheads.matching.pool import compile_pool
from twoheads.matching.scoring import evaluate

DOCS = Path(__file__).resolve().parent.parent / "docs" / "performance.md"
SECTION = "## Matching engine"
Result = dict[str, Any]
# Big enough for the compiled scan to run (`candidates.SCAN_FROM` possible pairs).
WARM_UP_SIZE = 5000


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def case_warm_up(n: int, seed: int) -> Result:
    """Compile the engine's numba code (the scan, the proposal loop, the flow repair) and keep
    it on disk, so that no measured case pays for compiling, as a deployed engine does not after
    its first run (docs/deployment.md). ``n`` must be large enough for the scan to run."""
    people = generator.pool(n, n, seed)
    start = time.perf_counter()
    with (
        mock.patch.object(engine, "REPAIR_FROM", 0),
        mock.patch.object(engine, "REPAIR_MOST", 10**9),
    ):
        match(people, Rules(), seed=seed)
    match(people, Rules(), mode="stable", seed=seed)
    return {"seconds": time.perf_counter() - start}


class Phases:
    """Seconds spent in each phase of a run, from the engine's progress messages (the time
    before the first message is spent compiling the pool)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.current = "compiling the pool"
        self.since = time.perf_counter()

    def __call__(self, fraction: float, message: str) -> None:
        phase = message.split(" (round")[0]  # the solver's rounds count as one phase
        if phase == "done":
            phase = "freeing memory"  # what the engine does after its last message
        if phase != self.current:
            self.end()
            self.current = phase

    def end(self) -> dict[str, float]:
        now = time.perf_counter()
        self.seconds[self.current] = self.seconds.get(self.current, 0.0) + now - self.since
        self.since = now
        return self.seconds


def case_optimal(n: int, seed: int) -> Result:
    """End to end: scoring, solving with its certificate, explanations and reasons."""
    people = generator.pool(n, n, seed)
    phases = Phases()
    start, cpu = time.perf_counter(), time.process_time()
    result = match(people, Rules(), seed=seed, progress=phases)
    s = result.summary
    return {
        "seconds": time.perf_counter() - start,
        "phases": phases.end(),
        "cpu_seconds": time.process_time() - cpu,
        "pairs": s.pairs,
        "total": s.total_score,
        "optimal": s.optimal,
        "upper_bound": s.upper_bound,
        "candidates": s.candidates,
    }


def case_command(n: int, seed: int) -> Result:
    """The match command end to end on a file of the same pool: reading the file, preparing,
    matching and writing the JSON, in a process of its own (whose peak memory is reported)."""
    with tempfile.TemporaryDirectory() as folder:
        people_file, out = Path(folder) / "people.csv", Path(folder) / "pairs.json"
        generator.write_csv(generator.pool(n, n, seed), people_file)
        rows = sum(1 for _ in people_file.open(encoding="utf-8")) - 1
        command = [sys.executable, "-m", "twoheads.matching", str(people_file), "-o", str(out)]
        start = time.perf_counter()
        subprocess.run([*command, "--seed", str(seed)], capture_output=True, check=True)
        seconds = time.perf_counter() - start
        summary = json.loads(out.read_text(encoding="utf-8"))["summary"]
    return {
        "seconds": seconds,
        "command_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "rows": rows,
        "pairs": summary["pairs"],
        "total": summary["total_score"],
        "optimal": summary["optimal"],
    }


def case_dense(n: int, seed: int) -> Result:
    """Baseline: every pair scored into a dense matrix, then scipy's linear_sum_assignment."""
    from scipy.optimize import linear_sum_assignment

    pool = compile_pool(generator.pool(n, n, seed), Rules())
    start = time.perf_counter()
    slots = np.repeat(pool.mentors, pool.capacity[pool.mentors])
    big = 1000.0  # above any total difference: at most one pair more beats any scores
    weight = np.zeros((len(slots), len(pool.mentees)))
    for row in range(0, len(slots), 256):
        block = slots[row : row + 256]
        mentor = np.repeat(block, len(pool.mentees))
        mentee = np.tile(pool.mentees, len(block))
        scored = evaluate(pool, mentor, mentee)
        values = np.where(scored.valid, big + scored.score, 0.0)
        weight[row : row + len(block)] = values.reshape(len(block), -1)
    built = time.perf_counter()
    rows, cols = linear_sum_assignment(weight, maximize=True)
    solved = time.perf_counter()
    chosen = weight[rows, cols] > 0
    return {
        "seconds": solved - start,
        "solve_seconds": solved - built,
        "pairs": int(chosen.sum()),
        "total": float((weight[rows, cols][chosen] - big).sum()),
    }


def case_stable(n: int, seed: int, top: int = 50) -> Result:
    """Stable mode with top-`top` preference lists."""
    people = generator.pool(n, n, seed)
    phases = Phases()
    start = time.perf_counter()
    result = match(people, Rules(), mode="stable", top_k=top, seed=seed, progress=phases)
    return {
        "seconds": time.perf_counter() - start,
        "phases": phases.end(),
        "pairs": result.summary.pairs,
        "stable": result.stable,
    }


def case_stable_core(n: int, seed: int, top: int = 50) -> Result:
    """Deferred acceptance alone, on random top-`top` lists (scoring is measured elsewhere)."""
    from twoheads.matching.stable import deferred_acceptance

    rng = np.random.default_rng(seed)
    mentee = np.repeat(np.arange(n), top)
    mentor = rng.integers(0, n, n * top)
    score = rng.integers(0, 1_000_000, n * top)
    keep = np.unique(mentor * n + mentee, return_index=True)[1]
    people = [
        generator.Person(id=f"x{i}", role="mentor" if i < n else "mentee", level=1)
        for i in range(2 * n)
    ]
    pool = compile_pool(people, Rules())
    caps = np.ones(n, np.int64)
    start = time.perf_counter()
    out = deferred_acceptance(pool, caps, caps, mentor[keep], mentee[keep], score[keep], top, seed)
    return {"seconds": time.perf_counter() - start, "pairs": len(out.mentor), "stable": out.stable}


def case_stable_complete(n: int, seed: int) -> Result:
    """Our stable mode with complete lists, the same input as the package baseline."""
    return case_stable(n, seed, top=n)


def case_matching_package(n: int, seed: int) -> Result:
    """Baseline: the `matching` package's hospital/residents solver with complete lists."""
    from matching.games import HospitalResident

    sys.setrecursionlimit(1_000_000)
    pool = compile_pool(generator.pool(n, n, seed), Rules())
    cands = generate(pool, n, seed)
    order = np.lexsort((-cands.score_int, cands.mentee))
    resident_prefs: dict[str, list[str]] = {}
    for i in order.tolist():
        e, m = f"e{cands.mentee[i]}", f"m{cands.mentor[i]}"
        resident_prefs.setdefault(e, []).append(m)
    order = np.lexsort((-cands.score_int, cands.mentor))
    hospital_prefs: dict[str, list[str]] = {}
    for i in order.tolist():
        hospital_prefs.setdefault(f"m{cands.mentor[i]}", []).append(f"e{cands.mentee[i]}")
    caps = {h: int(pool.capacity[pool.mentors[int(h[1:])]]) for h in hospital_prefs}
    start = time.perf_counter()
    game = HospitalResident.create_from_dictionaries(resident_prefs, hospital_prefs, caps)
    found = game.solve(optimal="resident")
    pairs = sum(len(v) for v in found.values())
    return {"seconds": time.perf_counter() - start, "pairs": pairs}


def case_suggest(n: int, seed: int) -> Result:
    """Top 10 for one participant against the pool (the pool compiled once, as the app does)."""
    people = generator.pool(n, n, seed)
    start = time.perf_counter()
    pool = compile_pool(people, Rules())
    compiled = time.perf_counter() - start
    rng = np.random.default_rng(seed)
    ids = [p.id for p in people if p.role]
    picks = [ids[int(i)] for i in rng.integers(0, len(ids), 20)]
    times, brute = [], []
    for pid in picks:
        t0 = time.perf_counter()
        suggest(pool, None, pid, k=10)
        times.append(time.perf_counter() - t0)
    for pid in picks[:5]:
        brute.append(_brute_suggest(pool, pid))
    return {
        "compile_seconds": compiled,
        "median_ms": 1000 * statistics.median(times),
        "max_ms": 1000 * max(times),
        "brute_median_ms": 1000 * statistics.median(brute),
    }


def _brute_suggest(pool: Any, pid: str) -> float:
    """Baseline: score the person against everyone on the other side, then sort."""
    start = time.perf_counter()
    where = pool.index[pid]
    mentor_side = pool.people[where].role == "mentor"
    others = pool.mentees if mentor_side else pool.mentors
    me = np.full(len(others), where)
    scored = evaluate(pool, me, others) if mentor_side else evaluate(pool, others, me)
    np.argsort(-np.where(scored.valid, scored.score, -1.0))[:10]
    return time.perf_counter() - start


CASES: dict[str, Callable[[int, int], Result]] = {
    "warm_up": case_warm_up,
    "optimal": case_optimal,
    "command": case_command,
    "dense": case_dense,
    "stable": case_stable,
    "stable_complete": case_stable_complete,
    "stable_core": case_stable_core,
    "matching_package": case_matching_package,
    "suggest": case_suggest,
}


def run_case(name: str, n: int, seed: int, timeout: float) -> Result:
    """One case in a fresh process, so its peak memory is its own."""
    command = [
        sys.executable,
        "-m",
        "bench.engine",
        "--case",
        name,
        "--n",
        str(n),
        "--seed",
        str(seed),
    ]
    print(f"  running {name} at {n:,} x {n:,} ...", file=sys.stderr, flush=True)
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            cwd=Path(__file__).resolve().parent.parent,
        )
    except subprocess.TimeoutExpired:
        return {"case": name, "n": n, "error": f"did not finish in {timeout:.0f} s"}
    if done.returncode != 0:
        return {"case": name, "n": n, "error": done.stderr.strip().splitlines()[-1]}
    return {"case": name, "n": n, **json.loads(done.stdout.strip().splitlines()[-1])}


def plan(args: argparse.Namespace) -> list[tuple[str, int, float]]:
    """The cases to run: (name, size, timeout seconds)."""
    if args.quick:
        return [
            ("optimal", 1000, 60),
            ("dense", 1000, 60),
            ("command", 1000, 60),
            ("stable", 1000, 60),
            ("stable_core", 2000, 60),
            ("stable_complete", 200, 60),
            ("matching_package", 200, 60),
            ("suggest", 5000, 60),
        ]
    out = [("optimal", n, 900) for n in args.optimal] + [("dense", n, 900) for n in args.optimal]
    out += [("optimal", n, args.big_timeout) for n in args.big]
    out += [("command", n, args.big_timeout) for n in args.big]
    out += [("stable", n, args.big_timeout) for n in args.stable]
    out += [("stable_core", n, 900) for n in args.stable]
    for n in args.package:
        out += [("stable_complete", n, 600), ("matching_package", n, args.package_timeout)]
    out += [("suggest", n, 900) for n in args.suggest]
    return out


def machine() -> str:
    """nproc, CPU model and memory of this machine."""
    model = "unknown CPU"
    with open("/proc/cpuinfo", encoding="utf-8") as info:
        for line in info:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{os.cpu_count()} cores ({model}), {memory:.0f} GB RAM, Python {platform.python_version()}"
    )


def table(results: list[Result]) -> list[str]:
    """Rows of the results table, each figure with its baseline ratio where there is one."""
    find = {(r["case"], r["n"]): r for r in results}
    rows = [
        "| case | size | time | peak memory | result | baseline | ratio |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        rows.append(_row(r, find))
    return rows


def _row(r: Result, find: dict[tuple[str, int], Result]) -> str:
    size = f"{r['n']:,} x {r['n']:,}"
    if "error" in r:
        return f"| {r['case']} | {size} | - | - | {r['error']} | | |"
    mem = f"{r.get('peak_mb', 0):,.0f} MB"
    case, n = r["case"], r["n"]
    if case == "optimal":
        base = find.get(("dense", n))
        cpu = f" (CPU {r['cpu_seconds']:.1f} s)" if "cpu_seconds" in r else ""
        proof = "certified optimal" if r["optimal"] else f"bound {r['upper_bound']:.3f}"
        result = f"{r['pairs']:,} pairs, total {r['total']:.3f}, {proof}"
        if base and "solve_seconds" in base:
            same = abs(base["total"] - r["total"]) < 1e-4 * max(r["pairs"], 1)
            result += " (= dense optimum)" if same and base["pairs"] == r["pairs"] else " (DIFFERS)"
            return (
                f"| optimal | {size} | {r['seconds']:.1f} s{cpu} | {mem} | {result} | scipy LSA "
                f"solve {base['solve_seconds']:.1f} s | "
                f"{r['seconds'] / base['solve_seconds']:.2f} |"
            )
        target = 10.0 if n <= 10000 else 120.0
        return (
            f"| optimal | {size} | {r['seconds']:.1f} s{cpu} | {mem} | {result} | target "
            f"{target:.0f} s | {r['seconds'] / target:.2f} |"
        )
    if case == "command":
        proof = "certified optimal" if r["optimal"] else "not certified"
        return (
            f"| `twoheads match` command, file of {r['rows']:,} rows | {size} | "
            f"{r['seconds']:.1f} s | {r['command_peak_mb']:,.0f} MB | {r['pairs']:,} pairs, total "
            f"{r['total']:.3f}, {proof} | target 120 s, 6 GB | {r['seconds'] / 120:.2f} |"
        )
    if case == "dense":
        return (
            f"| dense baseline | {size} | {r['seconds']:.1f} s (solve {r['solve_seconds']:.1f} s)"
            f" | {mem} | {r['pairs']:,} pairs, total {r['total']:.3f} | | |"
        )
    if case == "stable_core":
        return (
            f"| deferred acceptance alone, random top-50 lists | {size} | {r['seconds']:.2f} s"
            f" | {mem} | {r['pairs']:,} pairs, stable={r['stable']} | target 10 s | "
            f"{r['seconds'] / 10:.2f} |"
        )
    if case in ("stable", "stable_complete"):
        lists = "top-50 lists" if case == "stable" else "complete lists"
        base = find.get(("matching_package", n)) if case == "stable_complete" else None
        ratio, label = "", "target 10 s" if case == "stable" else ""
        if case == "stable":
            ratio = f"{r['seconds'] / 10:.2f}"
        elif base and "seconds" in base:
            label, ratio = (
                f"`matching` {base['seconds']:.1f} s",
                f"{r['seconds'] / base['seconds']:.3f}",
            )
        elif base:
            label = f"`matching`: {base.get('error')}"
        return (
            f"| stable, {lists} | {size} | {r['seconds']:.2f} s | {mem} | {r['pairs']:,} pairs, "
            f"stable={r['stable']} | {label} | {ratio} |"
        )
    if case == "matching_package":
        return (
            f"| `matching` HR, complete lists | {size} | {r['seconds']:.1f} s | {mem} | "
            f"{r['pairs']:,} pairs | | |"
        )
    return (
        f"| suggest top 10 | pool {size} | median {r['median_ms']:.0f} ms, max {r['max_ms']:.0f} ms"
        f" (pool compiled once in {r['compile_seconds']:.1f} s) | {mem} | | brute force "
        f"{r['brute_median_ms']:.0f} ms; target 200 ms | {r['median_ms'] / 200:.2f} |"
    )


def phase_lines(results: list[Result]) -> list[str]:
    """Where the time of each end-to-end run went, phase by phase."""
    lines = []
    for r in results:
        if "phases" not in r:
            continue
        lines.append(
            f"- {r['case']} at {r['n']:,} x {r['n']:,}, {r['seconds']:.1f} s: "
            + ", ".join(f"{name} {sec:.1f} s" for name, sec in r["phases"].items() if sec >= 0.05)
            + "."
        )
    if not lines:
        return []
    return ["Where the time went, by the engine's own progress messages:", "", *lines]


def warm_up_line(warm: Result) -> str:
    """What compiling the engine's code took before the cases ran."""
    if "error" in warm:
        return f"Compiling the engine's code first failed: {warm['error']}."
    return (
        f"Before the cases, one run at {warm['n']:,} x {warm['n']:,} in optimal and stable "
        "mode compiled the engine's code and kept it on disk "
        f"({warm['seconds']:.1f} s with any compiling), so no case's time includes compiling."
    )


def write_docs(lines: list[str], command: str, warm: Result) -> None:
    """Replace only the "## Matching engine" section of docs/performance.md."""
    text = DOCS.read_text(encoding="utf-8") if DOCS.exists() else "# Performance\n"
    body = "\n".join(
        [
            SECTION,
            "",
            f"Measured {datetime.date.today().isoformat()} on {machine()}, load average "
            f"{', '.join(f'{x:.1f}' for x in os.getloadavg())} at the end of the run.",
            f"Command: `{command}`. Each case runs in its own process; peak memory is that",
            "process's maximum resident size (including the generated pool). Ratios are time /",
            "baseline (or target where no baseline can run).",
            warm_up_line(warm),
            "",
            *lines,
            "",
            "",
        ]
    )
    start = text.find(SECTION)
    if start < 0:
        text = text.rstrip("\n") + "\n\n" + body
    else:
        end = text.find("\n## ", start + len(SECTION))
        text = text[:start] + body + (text[end + 1 :] if end >= 0 else "")
    DOCS.parent.mkdir(parents=True, exist_ok=True)
    DOCS.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark plan, print a table, optionally write it to the docs."""
    p = argparse.ArgumentParser(prog="python -m bench.engine")
    p.add_argument("--quick", action="store_true", help="small sizes, under a minute")
    p.add_argument("--optimal", type=int, nargs="*", default=[10000])
    p.add_argument("--big", type=int, nargs="*", default=[100000])
    p.add_argument("--stable", type=int, nargs="*", default=[100000])
    p.add_argument("--package", type=int, nargs="*", default=[1000, 5000])
    p.add_argument("--package-timeout", type=float, default=180)
    p.add_argument("--suggest", type=int, nargs="*", default=[100000])
    p.add_argument("--big-timeout", type=float, default=600, help="seconds per 100k case")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--write-docs", action="store_true")
    p.add_argument("--case", choices=sorted(CASES), help=argparse.SUPPRESS)
    p.add_argument("--n", type=int, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.case:
        out = CASES[args.case](args.n, args.seed)
        print(json.dumps({**out, "peak_mb": _peak_mb()}))
        return 0
    warm = run_case("warm_up", WARM_UP_SIZE, args.seed, 900)
    results = [run_case(name, n, args.seed, timeout) for name, n, timeout in plan(args)]
    lines = table(results)
    phases = phase_lines(results)
    if phases:
        lines += ["", *phases]
    print("\n".join(lines))
    print(warm_up_line(warm))
    if args.write_docs:
        write_docs(lines, "python -m bench.engine " + " ".join(argv or sys.argv[1:]), warm)
    return 0


if __name__ == "__main__":
    sys.exit(main())
