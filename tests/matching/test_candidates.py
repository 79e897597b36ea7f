"""Candidate generation: each person's best pairs are found exactly, however many are skipped."""

from __future__ import annotations

from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from bench import generator
from tests.matching.test_properties import pools, rule_sets
from twoheads.matching import Person, Rules, candidates, engine, match
from twoheads.matching.candidates import NONE, generate, sort_key
from twoheads.matching.pool import Pool, compile_pool
from twoheads.matching.scoring import (
    _chart,
    _chart_far,
    _far,
    evaluate,
    finish,
    partial_scores,
    skill_flow,
)

SOME = settings(max_examples=40, deadline=None)


def every_pair(pool: Pool) -> tuple[np.ndarray, np.ndarray]:
    """All mentor x mentee pairs, as global positions."""
    mentor = np.repeat(pool.mentors, len(pool.mentees))
    mentee = np.tile(pool.mentees, len(pool.mentors))
    return mentor, mentee


@SOME
@given(pools(max_side=9), rule_sets)
def test_the_bound_is_never_below_the_score_and_finishing_gives_the_score(
    people: list[Person], rules: Rules
) -> None:
    pool = compile_pool(people, rules)
    mentor, mentee = every_pair(pool)
    teach, learn = skill_flow(pool, mentor, mentee)
    scored = evaluate(pool, mentor, mentee, teach, learn)
    part = partial_scores(pool, mentor, mentee, teach, learn)
    assert set(np.flatnonzero(scored.valid)) <= set(part.at)
    assert np.all(part.bound >= scored.score_int[part.at])
    at, score = finish(pool, part)
    assert list(at) == list(np.flatnonzero(scored.valid))
    assert list(score) == list(scored.score_int[at])


@SOME
@given(pools(max_side=9), rule_sets, st.integers(1, 3), st.integers(0, 3))
def test_each_persons_best_pairs_are_kept_and_the_rest_are_bounded(
    people: list[Person], rules: Rules, depth: int, seed: int
) -> None:
    """With a small depth most pairs are skipped unscored; the kept ones must still be the best."""
    pool = compile_pool(people, rules)
    mentor, mentee = every_pair(pool)
    scored = evaluate(pool, mentor, mentee)
    scored = scored.take(scored.valid)
    m_l = np.searchsorted(pool.mentors, scored.mentor)
    e_l = np.searchsorted(pool.mentees, scored.mentee)
    score = scored.score_int
    key = sort_key(score, scored.mentor, scored.mentee, seed)

    # One mentee per block and the mentors' bars raised after every block, so that pairs
    # are skipped unscored even in a small pool.
    with (
        mock.patch.object(candidates, "BLOCK_PAIRS", 1),
        mock.patch.object(candidates, "COMPACT_AT", 0),
    ):
        cands = generate(pool, depth, seed)
    kept = set(zip(cands.mentor.tolist(), cands.mentee.tolist(), strict=True))
    kept |= set(zip(cands.spare_mentor.tolist(), cands.spare_mentee.tolist(), strict=True))
    capacity = np.maximum(pool.capacity[pool.mentors], 1)
    for owner, limits, kth in (
        (e_l, np.full(len(pool.mentees), depth), cands.kth_mentee),
        (m_l, depth * capacity, cands.kth_mentor),
    ):
        for person in np.unique(owner):
            mine = np.flatnonzero(owner == person)
            best = mine[np.argsort(-key[mine], kind="stable")[: limits[person]]]
            assert all((int(m_l[i]), int(e_l[i])) in kept for i in best)
            left_out = [i for i in mine if (int(m_l[i]), int(e_l[i])) not in kept]
            if left_out:
                assert kth[person] != NONE
                assert max(score[left_out]) <= kth[person]


@pytest.mark.parametrize("seed", range(4))
def test_pairs_found_only_by_the_certificate_still_give_the_optimum(seed: int) -> None:
    """Long-tailed skills, one candidate each and nothing in reserve: the first solve is far
    from optimal, so the certificate must find the missing pairs among those never scored."""
    people = generator.pool(60, 60, seed, exponent=1.4)
    pool = compile_pool(people, Rules())
    mentor, mentee = every_pair(pool)
    scored = evaluate(pool, mentor, mentee)
    scored = scored.take(scored.valid)
    places = np.repeat(pool.mentors, np.maximum(pool.capacity[pool.mentors], 1))
    big = 1000.0
    weight = np.zeros((len(places), len(pool.mentees)))
    for m, e, s in zip(scored.mentor, scored.mentee, scored.score_int, strict=True):
        rows = np.flatnonzero(places == m)
        weight[rows, np.searchsorted(pool.mentees, e)] = big + s / 1e6
    rows, cols = linear_sum_assignment(weight, maximize=True)
    chosen = weight[rows, cols] > 0
    with (
        mock.patch.object(engine, "SOLVER_DEPTH", 1),
        mock.patch.object(engine, "RESERVE_DEPTH", 0),
        mock.patch.object(candidates, "BLOCK_PAIRS", 1),
        mock.patch.object(candidates, "COMPACT_AT", 0),
    ):
        result = match(pool, seed=seed)
    assert result.summary.optimal
    assert result.summary.pairs == int(chosen.sum())
    expected = float((weight[rows, cols][chosen] - big).sum())
    assert result.summary.total_score == pytest.approx(expected, abs=1e-4)


def test_the_quick_chart_check_agrees_with_the_full_one_for_every_pair() -> None:
    chain = [Person(id="c0", level=12)]
    for i in range(1, 14):  # deep enough for pairs at every distance
        chain.append(Person(id=f"c{i}", manager_id=f"c{i - 1}", level=12))
    people = chain + generator.pool(150, 150, seed=3)
    side = [Person(id=f"s{i}", manager_id=f"c{i}", level=1, role="mentor") for i in range(14)]
    pool = compile_pool(people + side, Rules())
    everyone = np.arange(len(pool.people))
    a, b = np.repeat(everyone, len(everyone)), np.tile(everyone, len(everyone))
    a, b = a[a != b], b[a != b]
    same_line, distance = _chart(pool, a, b)
    quick_line, far = _chart_far(pool, a, b)
    assert same_line.any() and (_far(distance) < 1).any()
    assert list(quick_line) == list(same_line)
    assert list(far[~same_line]) == list(_far(distance)[~same_line])
