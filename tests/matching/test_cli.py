"""The `twoheads match` command: files in, pairs out, exit 2 and nothing written on bad input."""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from unittest import mock

import pytest

from bench import generator
from twoheads.matching import read_people
from twoheads.matching.cli import main

PEOPLE = """id,name,role,level,department,offers,wants,interests
priya,Priya,mentor,2,Digital,generative AI tools:3;social media strategy:2,negotiation:3,cycling
ravi,Ravi,mentor,1,Digital,python:3,budgeting,chess
margaret,Margaret,mentee,8,Finance,negotiation:3;budgeting,GenAI:3,cycling
wei,Wei,mentee,7,Sales,finance,Mandarin,
"""
RULES = '[aliases]\n"generative AI tools" = ["GenAI"]\n'


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    people = tmp_path / "people.csv"
    people.write_text(PEOPLE, encoding="utf-8")
    rules = tmp_path / "rules.toml"
    rules.write_text(RULES, encoding="utf-8")
    return people, rules


def test_it_writes_json(files: tuple[Path, Path], tmp_path: Path) -> None:
    out = tmp_path / "pairs.json"
    assert main([str(files[0]), "--rules", str(files[1]), "-o", str(out)]) == 0
    data = json.loads(out.read_text())
    assert [(p["mentor"], p["mentee"]) for p in data["pairs"]] == [("priya", "margaret")]
    # One line per pair and per unmatched person, so that a large file reads line by line.
    lines = out.read_text().splitlines()
    assert [json.loads(line.strip().rstrip(",")) for line in lines if "explanation" in line] == (
        data["pairs"]
    )
    assert sum('"reason"' in line for line in lines) == len(data["unmatched"]) == 2
    assert set(data["pairs"][0]["components"]) == {
        "teach",
        "learn",
        "benefit",
        "compatibility",
        "reach",
    }
    assert {u["id"]: u["reason"] for u in data["unmatched"]}["wei"] == (
        "No mentor offers any of: Mandarin."
    )
    assert data["summary"]["optimal"] is True and data["summary"]["pairs"] == 1


def test_it_writes_csv_and_candidates(files: tuple[Path, Path], tmp_path: Path) -> None:
    out, cands = tmp_path / "pairs.csv", tmp_path / "cands.csv"
    args = [str(files[0]), "--rules", str(files[1]), "-o", str(out), "--candidates", str(cands)]
    assert main(args) == 0
    rows = list(csv.DictReader(out.open()))
    assert [r["kind"] for r in rows] == ["pair", "unmatched", "unmatched"]
    assert list(csv.DictReader(cands.open())) == [
        {"mentor": "priya", "mentee": "margaret", "score": rows[0]["score"]}
    ]


def test_its_summary_line_says_how_far_from_the_best_a_result_can_be(
    files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([str(files[0]), "--rules", str(files[1])]) == 0
    assert "(proven optimal)" in capsys.readouterr().err
    assert main([str(files[0]), "--rules", str(files[1]), "--mode", "stable"]) == 0
    line = capsys.readouterr().err
    assert re.search(
        r"\(upper bound \d+\.\d{3}: at most \d+\.\d{2}% below the best, stable\)", line
    )


def test_it_prints_a_table_without_an_output(
    files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([str(files[0]), "--rules", str(files[1]), "--mode", "suggest", "--top", "3"]) == 0
    printed = capsys.readouterr()
    assert "priya" in printed.out and "#1" in printed.out
    assert printed.out.splitlines()[0].split() == ["person", "#", "partner", "score", "why"]
    assert printed.err.startswith("suggestions for 1/2 mentees and 1/2 mentors, up to 3 each")
    assert main([str(files[0]), "--rules", str(files[1])]) == 0
    assert capsys.readouterr().out.splitlines()[0].split() == ["mentor", "mentee", "score", "why"]


def test_bad_input_exits_2_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    people = tmp_path / "people.csv"
    people.write_text("id,role,level\na,mentor,senior\n", encoding="utf-8")
    out = tmp_path / "pairs.json"
    assert main([str(people), "-o", str(out)]) == 2
    assert not out.exists()
    assert 'people.csv row 2, column "level": "senior" is not a whole number' in (
        capsys.readouterr().err
    )


def test_bad_rules_exit_2(files: tuple[Path, Path], tmp_path: Path) -> None:
    files[1].write_text("colour = 'blue'\n", encoding="utf-8")
    out = tmp_path / "pairs.json"
    assert main([str(files[0]), "--rules", str(files[1]), "-o", str(out)]) == 2
    assert not out.exists()


def test_a_rules_file_naming_nobody_exits_2_naming_every_id(
    files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files[1].write_text(
        'blocked = [["priya", "margaretX"]]\n'
        'locked = [["nobody", "margaret"], ["ravi", "ghost"]]\n',
        encoding="utf-8",
    )
    out = tmp_path / "pairs.json"
    assert main([str(files[0]), "--rules", str(files[1]), "-o", str(out)]) == 2
    assert not out.exists()
    assert capsys.readouterr().err.splitlines()[1:] == [
        '  rules.toml key "locked": "nobody", "ghost" are not anyone in people.csv',
        '  rules.toml key "blocked": "margaretX" is not anyone in people.csv',
    ]


def test_a_pair_locked_twice_is_written_once_with_a_warning(
    files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files[1].write_text('locked = [["ravi", "margaret"], ["ravi", "margaret"]]\n' + RULES)
    out = tmp_path / "pairs.json"
    assert main([str(files[0]), "--rules", str(files[1]), "-o", str(out)]) == 0
    pairs = json.loads(out.read_text())["pairs"]
    assert [(p["mentor"], p["mentee"], p["locked"]) for p in pairs] == [("ravi", "margaret", True)]
    assert capsys.readouterr().err.startswith(
        'warning: rules.toml key "locked": ["ravi", "margaret"] is listed 2 times; it counts once'
    )


def test_suggestions_in_csv_put_each_person_and_score_in_its_column(
    files: tuple[Path, Path], tmp_path: Path
) -> None:
    out = tmp_path / "suggestions.csv"
    args = [str(files[0]), "--rules", str(files[1]), "--mode", "suggest", "-o", str(out)]
    assert main(args) == 0
    rows = list(csv.DictReader(out.open()))
    assert [(r["kind"], r["mentor"], r["mentee"], r["id"], r["role"], r["rank"]) for r in rows] == [
        ("suggestion", "priya", "margaret", "margaret", "mentee", "1"),
        ("suggestion", "priya", "margaret", "priya", "mentor", "1"),
        ("unmatched", "", "", "wei", "mentee", ""),
        ("unmatched", "", "", "ravi", "mentor", ""),
    ]
    as_json = tmp_path / "suggestions.json"
    assert main([*args[:-1], str(as_json)]) == 0
    data = json.loads(as_json.read_text())
    components = data["suggestions"][0]["components"]
    assert {k: float(rows[0][k]) for k in components} == components
    assert float(rows[0]["score"]) == data["suggestions"][0]["score"]
    assert rows[2]["reason"] == "No mentor offers any of: Mandarin."
    assert [(u["id"], u["reason"]) for u in data["unmatched"]] == [
        (r["id"], r["reason"]) for r in rows[2:]
    ]


def test_an_output_that_cannot_be_written_is_refused_before_matching(
    files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "missing"
    with mock.patch("twoheads.matching.cli.match") as matching:
        assert main([str(files[0]), "-o", str(missing / "x.json")]) == 2
        assert capsys.readouterr().err == (
            f"error: {missing / 'x.json'} cannot be written: the folder {missing} does not exist\n"
        )
        cands = ["-o", str(tmp_path / "x.json"), "--candidates", str(missing / "c.csv")]
        assert main([str(files[0]), *cands]) == 2
        assert f"error: {missing / 'c.csv'} cannot be written" in capsys.readouterr().err
        assert main([str(files[0]), "-o", str(tmp_path)]) == 2
        (tmp_path / "folder.json").mkdir()
        assert main([str(files[0]), "-o", str(tmp_path / "folder.json")]) == 2
        assert "folder.json cannot be written: it is a folder" in capsys.readouterr().err
        matching.assert_not_called()
    assert not (tmp_path / "x.json").exists() and not missing.exists()


def test_a_write_that_fails_after_the_match_says_so_in_one_line(
    files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "pairs.json"
    with mock.patch("twoheads.matching.cli.os.replace", side_effect=OSError(28, "No space")):
        assert main([str(files[0]), "-o", str(out)]) == 1
    assert capsys.readouterr().err == f"error: {out} could not be written: No space\n"
    assert sorted(tmp_path.iterdir()) == sorted(files)  # no temporary file left behind


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--mode", "stable", "--fairness"], "--fairness applies to the optimal mode only"),
        (["--mode", "suggest", "--fairness"], "--fairness applies to the optimal mode only"),
        (["--time-limit", "-1"], "--time-limit must be a positive number of seconds, not -1"),
        (["--time-limit", "0"], "--time-limit must be a positive number of seconds, not 0"),
        (["--top", "0"], "--top must be at least 1, not 0"),
    ],
)
def test_options_that_mean_nothing_are_refused(
    files: tuple[Path, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    options: list[str],
    message: str,
) -> None:
    out = tmp_path / "pairs.json"
    assert main([str(files[0]), "-o", str(out), *options]) == 2
    assert capsys.readouterr().err.startswith(f"error: {message}")
    assert not out.exists()


def test_its_summary_line_counts_one_pair_as_one(
    files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([str(files[0]), "--rules", str(files[1])]) == 0
    assert capsys.readouterr().err.startswith("1 pair, 1/2 mentees matched")


def test_stable_mode_reports_stability(files: tuple[Path, Path], tmp_path: Path) -> None:
    out = tmp_path / "pairs.json"
    assert main([str(files[0]), "--rules", str(files[1]), "--mode", "stable", "-o", str(out)]) == 0
    assert json.loads(out.read_text())["summary"]["stable"] is True


def test_the_console_command_runs_without_any_settings(
    files: tuple[Path, Path], tmp_path: Path
) -> None:
    """`twoheads match` on a machine where the web application was never configured."""
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DJANGO_DEBUG")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    out = tmp_path / "pairs.json"
    command = [sys.executable, "-m", "twoheads", "match", str(files[0]), "-o", str(out)]
    done = subprocess.run(
        [*command, "--rules", str(files[1])], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(out.read_text())["summary"]["pairs"] == 1
    bad = subprocess.run(
        [sys.executable, "-m", "twoheads", "match", str(tmp_path / "missing.csv")],
        env=env,
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2
    assert "missing.csv" in bad.stderr


def test_a_long_run_shows_its_progress_and_a_short_one_does_not(
    files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    people = generator.pool(1000, 1000, seed=3)
    styles = [question for question, _ in people[-1].style]
    path = tmp_path / "hr-export.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["id", "role", "department", "site", "manager_id", "level", "timezone"]
            + ["languages", "offers", "wants", "interests", "capacity"]
            + [f"style:{q}" for q in styles]
        )
        for p in people:
            answers = dict(p.style)
            writer.writerow(
                [p.id, p.role, p.department, p.site, p.manager_id or "", p.level, p.timezone]
                + [";".join(p.languages)]
                + [";".join(f"{s}:{n}" for s, n in items) for items in (p.offers, p.wants)]
                + [";".join(sorted(p.interests)), p.capacity]
                + [answers.get(q, "") for q in styles]
            )
    with mock.patch("twoheads.matching.cli.READING_NOTICE_BYTES", 1):
        assert main([str(path), "-o", str(tmp_path / "pairs.json")]) == 0
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == "[  0%] reading hr-export.csv"
    assert lines[1] == f"[  0%] preparing {len(people):,} people"
    assert "[100%] done" in lines
    assert lines[-1].startswith(
        f"{json.loads((tmp_path / 'pairs.json').read_text())['summary']['pairs']} pairs"
    )
    # Four people: no progress, only the closing line.
    assert main([str(files[0]), "-o", str(tmp_path / "small.json")]) == 0
    assert len(capsys.readouterr().err.splitlines()) == 1


def test_the_benchmark_file_reads_back_as_the_generated_people(tmp_path):
    people = generator.pool(40, 40, 3)
    generator.write_csv(people, tmp_path / "people.csv")
    read, warnings = read_people(tmp_path / "people.csv")
    assert warnings == []
    assert read == [replace(p, style=tuple(sorted(p.style))) for p in people]
