"""The compiled scan keeps exactly the pairs the array path would keep, with the same scores,
and the engine gives the same answers with it and without it."""

from __future__ import annotations

from dataclasses import replace
from unittest import mock

import numba
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench import generator
from tests.matching.test_candidates import twisted
from tests.matching.test_properties import pools
from twoheads.matching import Person, Rules, candidates, compiled, match, native
from twoheads.matching.candidates import (
    BlockPlan,
    each_block,
    generate,
    plan_groups,
    scan_rows,
    skill_block,
)
from twoheads.matching.pool import IntArray, Pool, compile_pool
from twoheads.matching.scoring import (
    FULL_OVERLAP_HOURS,
    INTEREST_SHARE,
    STYLE_SHARE,
    TIME_SHARE,
    evaluate,
    finish,
    partial_scores,
)

SOME = settings(max_examples=80, deadline=None)
# Enough interests for more 64-bit words than the scan keeps in its rows (`compiled.ROW_WORDS`).
WORDS = [f"interest {i}" for i in range(300)]


def reference(pool: Pool, plan: BlockPlan, start: int) -> tuple[IntArray, IntArray, IntArray]:
    """Every valid pair of a block with its score, the array way: (mentor, mentee, score)."""
    m_l, e_l, teach, learn = skill_block(pool, plan, start)
    part = partial_scores(
        pool, pool.mentors[m_l], pool.mentees[e_l], teach, learn, placed=plan.placed
    )
    at, score = finish(pool, part)
    return m_l[at], e_l[at], score


def check_every_block(pool: Pool, depth: int, bar_seed: int) -> int:
    """Scan every block the scan takes and compare it with the array path; the pairs seen."""
    sides = compiled.sides(pool)
    assert sides is not None
    rng = np.random.default_rng(bar_seed)
    n_m, n_e = len(pool.mentors), len(pool.mentees)
    seen = 0
    for plan, start in each_block(plan_groups(pool, np.arange(n_e), np.arange(n_m))):
        if not (plan.by_pairs and plan.placed):
            continue
        m_l, e_l, score = reference(pool, plan, start)
        seen += len(score)
        # Bars at random: none, at some pair's score, or above everything.
        choices = np.concatenate([[0, 10**7], score]) if len(score) else np.array([0, 10**7])
        bar = rng.choice(choices, n_m).astype(np.int64)
        rows = plan.rows[start : start + plan.step]
        found = scan_rows(pool, sides, plan, start, depth, bar)
        assert found.valid_m.tolist() == np.bincount(m_l, minlength=n_m).tolist()
        assert found.valid_e.tolist() == [int(np.sum(e_l == r)) for r in rows]
        floor = {}
        for i, r in enumerate(rows.tolist()):
            mine = np.sort(score[e_l == r])[::-1]
            floor[r] = int(mine[depth - 1]) if len(mine) >= depth else -1
            assert found.floor[i] == floor[r]
        expected = {
            (m, e, s)
            for m, e, s in zip(m_l.tolist(), e_l.tolist(), score.tolist(), strict=True)
            if s >= floor[e] or s >= bar[m]
        }
        got = list(
            zip(found.mentor.tolist(), found.mentee.tolist(), found.score.tolist(), strict=True)
        )
        assert len(got) == len(set(got))
        assert set(got) == expected
    return seen


@st.composite
def twisted_pools(draw: st.DrawFn) -> list[Person]:
    """Small pools where some people have many interests (words beyond those in a row)."""
    people = draw(pools(max_side=9))
    return [
        replace(p, interests=frozenset(draw(st.lists(st.sampled_from(WORDS), max_size=120))))
        if draw(st.booleans())
        else p
        for p in people
    ]


scan_rules = st.builds(
    Rules,
    # Above 0.45 only pairs sharing interests pass (time and style give 0.45 at most here).
    min_compatibility=st.sampled_from([0.0, 0.35, 0.5, 0.6]),
    min_level_gap=st.integers(0, 3),
    min_overlap_hours=st.sampled_from([0.0, 1.0]),
    allow_same_department=st.booleans(),
)


@SOME
@given(twisted_pools(), scan_rules, st.integers(1, 4), st.integers(0, 1000))
def test_the_scan_keeps_the_pairs_the_array_path_would(
    people: list[Person], rules: Rules, depth: int, bar_seed: int
) -> None:
    """Every valid pair counted, each mentee's depth-th best score, and exactly the pairs at or
    above it or their mentor's bar, with scores identical to the last millionth."""
    pool = compile_pool(people, rules)
    if compiled.sides(pool) is None:
        return
    with mock.patch.object(candidates, "BLOCK_PAIRS", 3):
        check_every_block(pool, depth, bar_seed)


def many_interests(people: list[Person]) -> list[Person]:
    """``people`` with 60 to 120 interests each out of `WORDS`, so that pairs share some in
    every 64-bit word, those in the scan's rows and those beyond."""
    rng = np.random.default_rng(5)
    return [
        replace(p, interests=frozenset(rng.choice(WORDS, rng.integers(60, 121), replace=False)))
        for p in people
    ]


@pytest.mark.parametrize("twist", ["reporting", "exclusions", "departments", "interests", "none"])
def test_the_scan_on_a_realistic_pool(twist: str) -> None:
    """Realistic pools (more than 64 interests among them) with each rule the scan checks
    pair by pair in play."""
    people = twisted(generator.pool(150, 150, seed=3), twist)
    if twist == "interests":
        people = many_interests(people)
        assert compile_pool(people, Rules()).interests.shape[0] > compiled.ROW_WORDS
    rules = Rules(min_level_gap=1, min_compatibility=0.55)
    if twist == "departments":
        rules = replace(rules, allow_same_department=False)
    pool = compile_pool(people, rules)
    assert pool.lines_cross == (twist == "reporting")
    assert pool.interests.shape[0] > 1  # more than 64 interests: words beyond the first
    with mock.patch.object(candidates, "BLOCK_PAIRS", 400):
        for depth in (1, 5, 30):
            assert check_every_block(pool, depth, depth) > 300


def without_scan():  # type: ignore[no-untyped-def]
    """Every block scored the array way."""
    return mock.patch.object(compiled, "sides", lambda pool: None)


@pytest.mark.parametrize("seed", range(3))
def test_the_engine_gives_the_same_answers_with_the_scan_and_without(seed: int) -> None:
    """The certified optimum, everyone's k-th best and valid pairs, and stable mode's lists."""
    people = generator.pool(150, 150, seed=seed)
    pool = compile_pool(people, Rules())
    assert compiled.sides(pool) is not None
    with (
        mock.patch.object(candidates, "BLOCK_PAIRS", 2_000),
        mock.patch.object(candidates, "SCAN_FROM", 0),
    ):
        scanned = generate(pool, 5, seed, reserve=20)
        stable = generate(pool, 8, seed, mentors=False)
        best = match(pool, seed=seed).summary
        with without_scan():
            arrays = generate(pool, 5, seed, reserve=20)
            stable_arrays = generate(pool, 8, seed, mentors=False)
            best_arrays = match(pool, seed=seed).summary
    for field in ("kth_mentor", "kth_mentee", "valid_mentor", "valid_mentee"):
        assert getattr(scanned, field).tolist() == getattr(arrays, field).tolist()
    assert sorted(scanned.score_int.tolist()) == sorted(arrays.score_int.tolist())
    assert sorted(zip(stable.mentee.tolist(), stable.score_int.tolist(), strict=True)) == sorted(
        zip(stable_arrays.mentee.tolist(), stable_arrays.score_int.tolist(), strict=True)
    )
    # Each mentor's single best pair, kept for the reasons given to the unmatched.
    spares = (stable.spare_mentor, stable.spare_score)
    spares_arrays = (stable_arrays.spare_mentor, stable_arrays.spare_score)
    assert sorted(zip(*(a.tolist() for a in spares), strict=True)) == sorted(
        zip(*(a.tolist() for a in spares_arrays), strict=True)
    )
    assert best.optimal and best_arrays.optimal
    assert best.total_score == best_arrays.total_score
    assert best.pairs == best_arrays.pairs


def test_without_the_tables_the_array_path_scores_everything() -> None:
    """Too many working-style patterns for a table: no scan, and the same candidates."""
    people = generator.pool(60, 60, seed=1)
    with mock.patch("twoheads.matching.pool.MAX_STYLE_PATTERNS", 0):
        untabled = compile_pool(people, Rules())
    assert untabled.style_table is None
    assert compiled.sides(untabled) is None
    tabled = compile_pool(people, Rules())
    assert compiled.sides(tabled) is not None
    with mock.patch.object(candidates, "SCAN_FROM", 0):
        a, b = generate(untabled, 4, 0), generate(tabled, 4, 0)
    for field in ("kth_mentor", "kth_mentee", "valid_mentor", "valid_mentee"):
        assert getattr(a, field).tolist() == getattr(b, field).tolist()
    assert sorted(a.score_int.tolist()) == sorted(b.score_int.tolist())


def test_with_no_folder_to_keep_compiled_code_in_the_scan_still_compiles() -> None:
    """A read-only install with no writable home: numba finds nowhere to cache, so the code
    is compiled in the process instead of failing at import."""
    from numba.core.caching import CacheImpl

    def double(x: int) -> int:
        return 2 * x

    with mock.patch.object(CacheImpl, "_locator_classes", []):
        with pytest.raises(RuntimeError, match="no locator"):
            numba.njit(cache=True)(double)
        jitted = native.jit()(double)
    assert jitted(21) == 42
    assert type(jitted._cache).__name__ == "NullCache"  # compiled in the process only


def test_small_programmes_are_scored_the_array_way(monkeypatch: pytest.MonkeyPatch) -> None:
    """Below SCAN_FROM pairs the compiled scan is never loaded; from it on, it is used."""
    pool = compile_pool(generator.pool(60, 60, seed=2), Rules())
    calls = []
    real_scan = compiled.scan
    monkeypatch.setattr(compiled, "scan", lambda *a: calls.append(1) or real_scan(*a))
    pairs = len(pool.mentors) * len(pool.mentees)
    with mock.patch.object(candidates, "SCAN_FROM", pairs + 1):
        generate(pool, 3, 0)
    assert not calls
    with mock.patch.object(candidates, "SCAN_FROM", pairs):
        generate(pool, 3, 0)
    assert calls


@pytest.mark.parametrize(("limit", "bits"), [("CODE_BITS", 4), ("DEPTH_BITS", 1), ("FLOW_BITS", 3)])
def test_with_more_than_the_rows_pack_the_array_path_scores_everything(
    limit: str, bits: int
) -> None:
    """More departments, a deeper org chart or larger flow divisors than the mentors' rows
    hold in their bits: no scan, and the same candidates."""
    people = generator.pool(60, 60, seed=2)
    pool = compile_pool(people, Rules())
    assert compiled.sides(pool) is not None
    largest = {
        "CODE_BITS": int(pool.department.max()) + 1,
        "DEPTH_BITS": int(pool.depth.max()),
        "FLOW_BITS": int(pool.flow_scale.max()),
    }
    assert largest[limit] >= 1 << bits
    with mock.patch.object(compiled, limit, bits):
        assert compiled.sides(pool) is None
        with mock.patch.object(candidates, "SCAN_FROM", 0):
            narrow = generate(pool, 4, 0)
    with mock.patch.object(candidates, "SCAN_FROM", 0):
        scanned = generate(pool, 4, 0)
    for field in ("kth_mentor", "kth_mentee", "valid_mentor", "valid_mentee"):
        assert getattr(narrow, field).tolist() == getattr(scanned, field).tolist()
    assert sorted(narrow.score_int.tolist()) == sorted(scanned.score_int.tolist())


def test_pairs_exactly_at_the_minimum_compatibility_are_ruled_as_the_array_path_rules_them() -> (
    None
):
    """The scan first compares compatibility from reciprocals, which can be a unit in the last
    place below the exact value; a pair whose exact compatibility is the minimum still passes,
    as in the array path."""
    rng = np.random.default_rng(4)
    # Interests of every count, so that their shares are not all exact in binary.
    people = [
        replace(p, interests=frozenset(rng.choice(WORDS[:12], int(rng.integers(1, 8)), False)))
        for p in generator.pool(80, 80, seed=4)
    ]
    pool = compile_pool(people, Rules())
    mentor, mentee = (a.ravel() for a in np.meshgrid(pool.mentors, pool.mentees))
    scored = evaluate(pool, mentor, mentee)
    shared = np.bitwise_count(pool.interests[0][mentor] & pool.interests[0][mentee])
    together = np.maximum(pool.interest_count[mentor] + pool.interest_count[mentee], 1)
    # The same sums as the scan's, in the same order.
    style = STYLE_SHARE * pool.style_table[pool.style_code[mentor], pool.style_code[mentee]]
    hours = TIME_SHARE * np.minimum(1.0, scored.overlap_hours / FULL_OVERLAP_HOURS)
    exact = INTEREST_SHARE * (2.0 * shared / together) + style + hours
    assert exact.tolist() == scored.compatibility.tolist()
    rough = INTEREST_SHARE * (2.0 * shared * (1.0 / together)) + style + hours
    below = np.flatnonzero(scored.valid & (rough < scored.compatibility))
    assert len(below)
    value = float(exact[below[0]])
    # The engine allows 1e-9 below the minimum: find the minimum that puts this pair on it.
    minimum = value + 1e-9
    while minimum - 1e-9 > value:
        minimum = float(np.nextafter(minimum, 0))
    while minimum - 1e-9 < value:
        minimum = float(np.nextafter(minimum, 1))
    strict = compile_pool(people, Rules(min_compatibility=minimum))
    assert check_every_block(strict, depth=3, bar_seed=1) > 0
