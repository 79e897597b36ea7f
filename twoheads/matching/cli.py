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
from twoheads.matching.explain import count
from twoheads.matching.model import MatchInputError, MatchResult
from twoheads.matching.pool import Pool, compile_pool
from twoheads.matching.reader import read_people, read_rules_for
from twoheads.matching.scoring import COMPONENTS

EXIT_FAILED = 1  # a file could not be written after the match
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
    wrong = _wrong_arguments(args)
    if wrong:
        return _fail(wrong)
    try:
        if _size(args.people) >= READING_NOTICE_BYTES:
            _say(0.0, f"reading {Path(args.people).name}")
        people, warnings = read_people(args.people)
        rules, rule_warnings = read_rules_for(args.rules, people, Path(args.people).name)
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
    for warning in [*warnings, *rule_warnings]:
        print(f"warning: {warning}", file=sys.stderr)
    try:
        if args.candidates:
            _write(args.candidates, _candidates_csv(pool, args.seed))
        if args.output:
            _write(args.output, _render(result, Path(args.output).suffix.lower()))
    except OSError as exc:
        print(f"error: {exc.filename} could not be written: {exc.strerror}", file=sys.stderr)
        return EXIT_FAILED
    if not args.output:
        print(table(result))
    print(_one_line(result), file=sys.stderr)
    return 0


def _wrong_arguments(args: argparse.Namespace) -> str | None:
    """What is wrong with the options, before anything is read: a match can take minutes."""
    if args.fairness and args.mode != "optimal":
        return f"--fairness applies to the optimal mode only, not --mode {args.mode}"
    if args.time_limit is not None and not args.time_limit > 0:
        return f"--time-limit must be a positive number of seconds, not {args.time_limit:g}"
    if args.top is not None and args.top < 1:
        return f"--top must be at least 1, not {args.top}"
    if args.output and Path(args.output).suffix.lower() not in (".json", ".csv"):
        return f"{args.output}: the output must end in .json or .csv"
    if args.output and args.candidates and Path(args.output) == Path(args.candidates):
        return f"{args.output}: the output and the candidates file must be different files"
    for path in (args.output, args.candidates):
        unwritable = path and _unwritable(path)
        if unwritable:
            return unwritable
    return None


def _unwritable(path: str) -> str | None:
    """Why no file can be written at ``path``, or None when one can."""
    target = Path(path)
    folder = target.parent
    if not folder.is_dir():
        return f"{path} cannot be written: the folder {folder} does not exist"
    if target.is_dir():
        return f"{path} cannot be written: it is a folder"
    try:  # the only sure test: write a file where the output will go
        fd, temp = tempfile.mkstemp(dir=folder, prefix=".match-")
    except OSError as exc:
        return f"{path} cannot be written: {exc.strerror}"
    os.close(fd)
    os.unlink(temp)
    return None


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
    temp = None
    try:
        fd, temp = tempfile.mkstemp(dir=Path(path).parent, prefix=".match-")
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(temp, path)
    except OSError as exc:
        if temp is not None:
            Path(temp).unlink(missing_ok=True)
        raise OSError(exc.errno, exc.strerror, path) from exc


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


# The rank and the id and role of whose suggestion a row is are filled in for suggestions only.
CSV_COLUMNS = (
    "kind",
    "mentor",
    "mentee",
    "score",
    *COMPONENTS,
    "explanation",
    "id",
    "role",
    "rank",
    "reason",
)


def _render(result: MatchResult, suffix: str) -> str:
    if suffix == ".json":
        return _json_text(result.to_json())
    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_COLUMNS, restval="")
    writer.writeheader()
    for p in result.pairs:
        writer.writerow(
            {"kind": "pair", "mentor": p.mentor, "mentee": p.mentee}
            | _scores(p.score, p.components)
            | {"explanation": p.explanation}
        )
    for s in result.suggestions:
        writer.writerow(
            {"kind": "suggestion", "mentor": s.mentor, "mentee": s.mentee}
            | _scores(s.score, s.components)
            | {"explanation": s.explanation, "id": s.person, "role": s.role, "rank": s.rank}
        )
    for u in result.unmatched:
        writer.writerow({"kind": "unmatched", "id": u.id, "role": u.role, "reason": u.reason})
    return out.getvalue()


def _scores(score: float, components: dict[str, float]) -> dict[str, str]:
    return {"score": f"{score:.6f}"} | {k: f"{components[k]:.6f}" for k in COMPONENTS}


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
    if s.mode == "suggest":
        each = s.suggestions / max(s.mentees_suggested + s.mentors_suggested, 1)
        return (
            f"suggestions for {s.mentees_suggested}/{s.mentees} mentees and "
            f"{s.mentors_suggested}/{s.mentors} mentors, up to {s.top} each "
            f"({each:.1f} on average), {count(s.suggestions, 'suggestion')} in all, "
            f"in {s.seconds:.1f} s"
        )
    gap = (s.upper_bound - s.total_score) / s.upper_bound if s.upper_bound > 0 else 0.0
    proof = (
        "proven optimal"
        if s.optimal
        else f"upper bound {s.upper_bound:.3f}: at most {max(gap, 0.0):.2%} below the best"
    )
    stable = "" if result.stable is None else (", stable" if result.stable else ", NOT stable")
    return (
        f"{count(s.pairs, 'pair')}, {s.matched_mentees}/{s.mentees} mentees matched, total score "
        f"{s.total_score:.3f} ({proof}{stable}) in {s.seconds:.1f} s"
    )
