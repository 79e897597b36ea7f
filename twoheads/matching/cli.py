"""`twoheads match PEOPLE [--rules RULES.toml] [--mode ...] [-o OUT]`, without any database."""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from twoheads.matching import collector
from twoheads.matching.candidates import Progress, generate
from twoheads.matching.engine import MODES, match
from twoheads.matching.model import MatchInputError, MatchResult
from twoheads.matching.pool import Pool, compile_pool
from twoheads.matching.reader import read_people, read_rules
from twoheads.matching.scoring import COMPONENTS

EXIT_INVALID = 2
CANDIDATE_LIMIT = 5000
PROGRESS_FROM = 2000  # people in the file from which a run shows its progress on stderr
READING_NOTICE_BYTES = 5 * 2**20  # files from this size are announced before they are read


def parser() -> argparse.ArgumentParser:
    """The command's arguments."""
    p = argparse.ArgumentParser(prog="twoheads match", description="Pair mentors with mentees.")
    p.add_argument("people", help="people file: .csv, .xlsx or .json")
    p.add_argument("--rules", help="programme rules (.toml)")
    p.add_argument("--mode", choices=MODES, default="optimal")
    p.add_argument(
        "--top",
        type=int,
        default=None,
        help="suggestions per person (suggest) or preference list length (stable)",
    )
    p.add_argument("--fairness", action="store_true", help="maximise the lowest score first")
    p.add_argument("--seed", type=int, default=0, help="tie-break seed")
    p.add_argument("-o", "--output", help="write .json or .csv here instead of a table")
    p.add_argument("--candidates", help="write every candidate pair considered to this CSV")
    p.add_argument(
        "--time-limit",
        type=float,
        default=None,
        help="seconds for certification, checked between its rounds",
    )
    return p


@collector.paused()
def main(argv: list[str] | None = None) -> int:
    """Run the command; 0 on success, 2 on invalid input (nothing written)."""
    args = parser().parse_args(argv)
    if args.output and Path(args.output).suffix.lower() not in (".json", ".csv"):
        return _fail(f"{args.output}: the output must end in .json or .csv")
    try:
        if _size(args.people) >= READING_NOTICE_BYTES:
            _say(0.0, f"reading {Path(args.people).name}")
        people, warnings = read_people(args.people)
        rules = read_rules(args.rules) if args.rules else read_rules(None)
        progress = _progress(len(people))
        if progress:
            _say(0.0, f"preparing {len(people):,} people")
        pool = compile_pool(people, rules)
        result = match(
            pool,
            mode=args.mode,
            fairness=args.fairness,
            seed=args.seed,
            top_k=args.top,
            time_limit=args.time_limit,
            progress=progress,
        )
    except MatchInputError as exc:
        return _fail(str(exc))
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if args.candidates:
        _write(args.candidates, _candidates_csv(pool, args.seed))
    if args.output:
        _write(args.output, _render(result, Path(args.output).suffix.lower()))
    else:
        print(table(result))
    print(_one_line(result), file=sys.stderr)
    return 0


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return EXIT_INVALID


def _progress(size: int) -> Progress | None:
    """Progress lines on stderr, only for runs long enough to need them."""
    if size < PROGRESS_FROM:
        return None
    last = [-1]

    def tell(fraction: float, message: str) -> None:
        step = int(fraction * 10)
        if step != last[0]:
            last[0] = step
            _say(fraction, message)

    return tell


def _say(fraction: float, message: str) -> None:
    print(f"[{fraction:4.0%}] {message}", file=sys.stderr, flush=True)


def _size(path: str) -> int:
    """The file's size in bytes; 0 when it cannot be read (the reader then says why)."""
    try:
        return Path(path).stat().st_size
    except OSError:
        return 0


def _write(path: str, text: str) -> None:
    """Write atomically, so a failed run never leaves half a file behind."""
    target = Path(path)
    fd, temp = tempfile.mkstemp(dir=target.parent or Path("."), prefix=".match-")
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    os.replace(temp, target)


def _json_text(data: dict[str, Any]) -> str:
    """The result as JSON with each pair, suggestion or unmatched person on a line of its own:
    as easy to read as an indented file, and written by the json module's fast encoder (an
    indented file of 100,000 pairs takes several times as long)."""

    dump = json.JSONEncoder(ensure_ascii=False).encode  # one encoder for every line
    fields = []
    for key, value in data.items():
        if isinstance(value, list) and value:
            items = ",\n".join(f"    {dump(item)}" for item in value)
            fields.append(f"  {dump(key)}: [\n{items}\n  ]")
        else:
            fields.append(f"  {dump(key)}: {dump(value)}")
    return "{\n" + ",\n".join(fields) + "\n}\n"


def _render(result: MatchResult, suffix: str) -> str:
    if suffix == ".json":
        return _json_text(result.to_json())
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "kind",
            "mentor",
            "mentee",
            "score",
            *COMPONENTS,
            "explanation",
            "id",
            "role",
            "reason",
        ]
    )
    for p in result.pairs:
        c = p.components
        writer.writerow(
            [
                "pair",
                p.mentor,
                p.mentee,
                f"{p.score:.6f}",
                *(f"{c[k]:.6f}" for k in COMPONENTS),
                p.explanation,
                "",
                "",
                "",
            ]
        )
    for s in result.suggestions:
        blanks = [""] * len(COMPONENTS)
        writer.writerow(
            [
                "suggestion",
                s.person,
                s.partner,
                f"{s.score:.6f}",
                *blanks,
                s.explanation,
                s.person,
                str(s.rank),
                "",
            ]
        )
    for u in result.unmatched:
        writer.writerow(["unmatched", "", "", "", "", "", "", "", "", "", u.id, u.role, u.reason])
    return out.getvalue()


def _candidates_csv(pool: Pool, seed: int) -> str:
    # Small pools list every pair that passes the hard rules; large ones the solver's set.
    depth = pool.size if pool.size <= CANDIDATE_LIMIT else 50
    cands = generate(pool, depth, seed)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["mentor", "mentee", "score"])
    for m, e, s in zip(
        cands.mentor.tolist(), cands.mentee.tolist(), cands.score_int.tolist(), strict=True
    ):
        mentor, mentee = pool.people[pool.mentors[m]].id, pool.people[pool.mentees[e]].id
        writer.writerow([mentor, mentee, f"{s / 1_000_000:.6f}"])
    return out.getvalue()


def table(result: MatchResult) -> str:
    """A readable table of pairs, suggestions and the unmatched."""
    lines = []
    if result.pairs or not result.suggestions:
        lines.append(f"{'mentor':<16} {'mentee':<16} {'score':>6}  why")
    for p in result.pairs:
        lines.append(f"{p.mentor:<16} {p.mentee:<16} {p.score:6.2f}  {p.explanation}")
    if result.suggestions:
        lines.append(f"{'person':<16} {'#':<3} {'partner':<12} {'score':>6}  why")
    for s in result.suggestions:
        lines.append(f"{s.person:<16} #{s.rank:<2} {s.partner:<12} {s.score:6.2f}  {s.explanation}")
    if result.unmatched:
        lines.append("")
        lines.append("Unmatched:")
        lines.extend(f"  {u.id} ({u.role}): {u.reason}" for u in result.unmatched)
    return "\n".join(lines)


def _one_line(result: MatchResult) -> str:
    s = result.summary
    gap = (s.upper_bound - s.total_score) / s.upper_bound if s.upper_bound > 0 else 0.0
    proof = (
        "proven optimal"
        if s.optimal
        else f"upper bound {s.upper_bound:.3f}: at most {max(gap, 0.0):.2%} below the best"
    )
    stable = "" if result.stable is None else (", stable" if result.stable else ", NOT stable")
    return (
        f"{s.pairs} pairs, {s.matched_mentees}/{s.mentees} mentees matched, total score "
        f"{s.total_score:.3f} ({proof}{stable}) in {s.seconds:.1f} s"
    )
