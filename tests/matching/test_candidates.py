"""Candidate generation: each person's best pairs are found exactly, however many are skipped."""

from __future__ import annotations

from dataclasses import replace
from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from bench import generator
from tests.matching.test_properties import pools, rule_sets
from twoheads.matching import Person, Rules, candidates, engine, match, reasons, solver
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
@given(
    pools(max_side=9),
    rule_sets,
    st.integers(1, 3),
    st.integers(0, 3),
    st.booleans(),
    st.sampled_from([None, 1, 4]),
)
def test_each_persons_best_pairs_are_kept_and_the_rest_are_bounded(
    people: list[Person],
    rules: Rules,
    depth: int,
    seed: int,
    mentors: bool,
    mentor_reserve: int | None,
) -> None:
    """With a small depth most pairs are skipped unscored; the kept ones must still be the best.

    Without ``mentors`` only the mentees' best are sought, and the mentors' bounds still hold.
    With ``mentor_reserve`` the mentors keep that many each (times capacity), never fewer
    than the depth.
    """
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
        cands = generate(pool, depth, seed, mentors=mentors, mentor_reserve=mentor_reserve)
    kept = set(zip(cands.mentor.tolist(), cands.mentee.tolist(), strict=True))
    kept |= set(zip(cands.spare_mentor.tolist(), cands.spare_mentee.tolist(), strict=True))
    capacity = np.maximum(pool.capacity[pool.mentors], 1)
    depth_m = depth if mentor_reserve is None else max(depth, mentor_reserve)
    for owner, limits, kth, sought in (
        (e_l, np.full(len(pool.mentees), depth), cands.kth_mentee, True),
        (m_l, depth_m * capacity, cands.kth_mentor, mentors),
    ):
        for person in np.unique(owner):
            mine = np.flatnonzero(owner == person)
            best = mine[np.argsort(-key[mine], kind="stable")[: limits[person]]]
            assert not sought or all((int(m_l[i]), int(e_l[i])) in kept for i in best)
            left_out = [i for i in mine if (int(m_l[i]), int(e_l[i])) not in kept]
            if left_out:
                assert kth[person] != NONE
                assert max(score[left_out]) <= kth[person]
    if not mentors:
        # Deferred acceptance is given exactly each mentee's best; the mentors' single best
        # pairs, kept for the reasons, are spare.
        tops = set()
        for person in np.unique(e_l):
            mine = np.flatnonzero(e_l == person)
            tops |= {(int(m_l[i]), int(e_l[i])) for i in mine[np.argsort(-key[mine])[:depth]]}
        assert set(zip(cands.mentor.tolist(), cands.mentee.tolist(), strict=True)) == tops
        for person in np.unique(m_l):
            best = np.flatnonzero(m_l == person)[np.argmax(key[m_l == person])]
            assert (int(m_l[best]), int(e_l[best])) in kept


def test_mentors_keep_their_own_reserve_beyond_the_mentees_lists() -> None:
    """Each mentee keeps only its best pair, each mentor its best 6 x capacity: those are
    all kept, and no pair left out scores above the mentor's k-th best."""
    pool = compile_pool(generator.pool(60, 60, 3, exponent=1.4), Rules())
    mentor, mentee = every_pair(pool)
    scored = evaluate(pool, mentor, mentee)
    scored = scored.take(scored.valid)
    m_l = np.searchsorted(pool.mentors, scored.mentor)
    e_l = np.searchsorted(pool.mentees, scored.mentee)
    key = sort_key(scored.score_int, scored.mentor, scored.mentee, 3)
    cands = generate(pool, 1, 3, mentor_reserve=6)
    kept = set(zip(cands.mentor.tolist(), cands.mentee.tolist(), strict=True))
    kept |= set(zip(cands.spare_mentor.tolist(), cands.spare_mentee.tolist(), strict=True))
    capacity = np.maximum(pool.capacity[pool.mentors], 1)
    for person in np.unique(m_l):
        mine = np.flatnonzero(m_l == person)
        best = mine[np.argsort(-key[mine], kind="stable")[: 6 * capacity[person]]]
        assert all((int(m_l[i]), int(e_l[i])) in kept for i in best)
        left_out = [i for i in mine if (int(m_l[i]), int(e_l[i])) not in kept]
        if left_out:
            assert max(scored.score_int[left_out]) <= cands.kth_mentor[person]


@pytest.mark.parametrize("mentors", [True, False])
def test_a_pair_outside_the_probe_that_scores_best_is_still_found(mentors: bool) -> None:
    """Ann and Bo have the highest bounds, so they are Ada's probe; but they sit next to her
    in the org chart, which costs them more than Cy's slightly worse working style costs him."""

    def mentor(pid: str, manager: str | None, pace: int) -> Person:
        return Person(
            id=pid,
            role="mentor",
            level=1,
            manager_id=manager,
            department="Digital",
            offers=(("python", 2),),
            wants=(("finance", 2),),
            style=(("pace", pace),),
        )

    ada = Person(
        id="ada",
        role="mentee",
        level=5,
        manager_id="boss",
        department="Finance",
        offers=(("finance", 2),),
        wants=(("python", 2),),
        style=(("pace", 3),),
    )
    people = [Person(id="boss", level=9), ada, mentor("ann", "boss", 3), mentor("bo", "boss", 3)]
    pool = compile_pool([*people, mentor("cy", None, 4)], Rules())
    cands = generate(pool, 1, 0, mentors=mentors)
    best = int(np.argmax(cands.score_int))
    assert pool.people[pool.mentors[cands.mentor[best]]].id == "cy"
    scored = evaluate(pool, pool.mentors[cands.mentor], pool.mentees[cands.mentee])
    assert list(scored.score_int) == list(cands.score_int)
    bounds = partial_scores(pool, *every_pair(pool), *skill_flow(pool, *every_pair(pool))).bound
    assert bounds[0] == bounds[1] > bounds[2]  # Ann, Bo, then Cy by bound


@SOME
@given(pools(max_side=9), rule_sets, st.integers(0, 3), st.integers(1, 3))
def test_stable_mode_reads_only_the_mentees_best(
    people: list[Person], rules: Rules, seed: int, depth: int
) -> None:
    """Stable mode seeks only the mentees' best pairs; seeking the mentors' too changes nothing."""

    def with_mentors(*args: object, **kwargs: object) -> candidates.Candidates:
        kwargs["mentors"] = True
        return generate(*args, **kwargs)  # type: ignore[arg-type]

    lean = match(people, rules, mode="stable", seed=seed, top_k=depth)
    with mock.patch.object(engine, "generate", with_mentors):
        full = match(people, rules, mode="stable", seed=seed, top_k=depth)
    assert [(p.mentor, p.mentee) for p in lean.pairs] == [(p.mentor, p.mentee) for p in full.pairs]
    assert lean.stable == full.stable


def best_by_assignment(pool: Pool) -> tuple[int, float]:
    """The most pairs, then the best total, by scipy's assignment over every valid pair (each
    mentor's places as rows of their own)."""
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
    return int(chosen.sum()), float((weight[rows, cols][chosen] - big).sum())


@pytest.mark.parametrize("seed", range(4))
def test_pairs_found_only_by_the_certificate_still_give_the_optimum(seed: int) -> None:
    """Long-tailed skills, one candidate each and nothing in reserve: the first solve is far
    from optimal, so the certificate must find the missing pairs among those never scored."""
    pool = compile_pool(generator.pool(60, 60, seed, exponent=1.4), Rules())
    with (
        mock.patch.object(engine, "SOLVER_DEPTH", 1),
        mock.patch.object(engine, "RESERVE_DEPTH", 0),
        mock.patch.object(candidates, "BLOCK_PAIRS", 1),
        mock.patch.object(candidates, "COMPACT_AT", 0),
    ):
        result = match(pool, seed=seed)
    pairs, total = best_by_assignment(pool)
    assert result.summary.optimal
    assert result.summary.pairs == pairs
    assert result.summary.total_score == pytest.approx(total, abs=1e-4)


@pytest.mark.parametrize(("near", "reserve"), [(2_000, 0), (20_000, 0), (2_000, 2), (20_000, 2)])
def test_rescanning_only_those_whose_duals_moved_still_gives_the_optimum(
    near: int, reserve: int
) -> None:
    """After a rescan of everyone, each repaired flow is checked by scanning again only the
    people whose duals moved against their pairs, and those the k-th best bound covered
    then but no longer does (with pairs in reserve, the bound covers some). Never everyone,
    here: the certificate must still end at the optimum, and it must have taken that
    shortcut."""
    taken = []
    moved = engine._Run._moved

    def spy(self: engine._Run, *args: object) -> object:
        out = moved(self, *args)  # type: ignore[arg-type]
        taken.append(out is not None)
        return out

    for seed in range(3):
        pool = compile_pool(generator.pool(200, 200, seed, exponent=1.4), Rules())
        with (
            mock.patch.object(engine, "SOLVER_DEPTH", 1),
            mock.patch.object(engine, "RESERVE_DEPTH", reserve),
            mock.patch.object(engine, "REPAIR_FROM", 0),
            mock.patch.object(engine, "REPAIR_MOST", 10**6),
            mock.patch.object(engine, "MOVED_MOST", float("inf")),
            mock.patch.object(engine, "NEAR", near),
            mock.patch.object(engine._Run, "_moved", spy),
        ):
            result = match(pool, seed=seed)
        pairs, total = best_by_assignment(pool)
        assert result.summary.optimal
        assert result.summary.pairs == pairs
        assert result.summary.total_score == pytest.approx(total, abs=1e-4)
    assert any(taken)


def test_a_rescan_after_the_first_takes_the_moved_and_those_it_did_not_scan() -> None:
    pool = compile_pool(generator.pool(6, 6, 0), Rules())
    run = engine._Run(pool, 0, 0.0, None, None)
    n_m, n_e = run.n_m, run.n_e
    everyone_e, everyone_m = np.arange(n_e), np.arange(n_m)
    before = np.zeros(n_m + n_e + 2, np.int64)
    # The last mentee and mentor were covered by the k-th best bound then, so that rescan
    # left them out.
    scanned = engine._Rescan(
        solver.Flow(np.zeros(0, np.int64), before, 0, n_m), everyone_e[:-1], everyone_m[:-1]
    )
    after = before + 7  # everyone's dual rose together: no pair's slack changed
    half = engine.NEAR // 2
    after[1 + n_m + 0] += half  # this mentee's pairs lost NEAR / 2: not enough to matter
    after[1 + n_m + 1] += half + 1  # this one's lost more
    after[1 + 2] -= half + 1  # and this mentor's
    flow = solver.Flow(np.zeros(0, np.int64), after, 0, n_m)
    with mock.patch.object(engine, "MOVED_MOST", float("inf")):
        rows, cols = run._moved(flow, scanned, everyone_e, everyone_m)
    assert rows.tolist() == [1, n_e - 1]
    assert cols.tolist() == [2, n_m - 1]
    with mock.patch.object(engine, "MOVED_MOST", 0.6):  # 2 of 6 mentees and 2 of 6 mentors
        assert run._moved(flow, scanned, everyone_e, everyone_m) is None


@pytest.mark.parametrize("chunk", [1, 3, 256])
def test_the_certificate_scanning_only_the_pairs_it_needs_still_gives_the_optimum(
    chunk: int,
) -> None:
    """The rescans of the certificate narrow each chunk of mentees to the mentors that could
    pair with one of them; small chunks make every chunk's choice of mentors matter."""
    people = generator.pool(60, 60, 5, exponent=1.4)
    pool = compile_pool(people, Rules())
    with (
        mock.patch.object(engine, "SOLVER_DEPTH", 1),
        mock.patch.object(engine, "RESERVE_DEPTH", 0),
        mock.patch.object(candidates, "NARROW_ROWS", chunk),
    ):
        narrow = match(pool, seed=5)
    with (
        mock.patch.object(engine, "SOLVER_DEPTH", 60),
        mock.patch.object(engine, "RESERVE_DEPTH", 0),
    ):
        every = match(pool, seed=5)  # every valid pair is a candidate: nothing to rescan
    assert narrow.summary.optimal and every.summary.optimal
    assert narrow.summary.pairs == every.summary.pairs
    assert narrow.summary.total_score == pytest.approx(every.summary.total_score, abs=1e-6)


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 5), st.booleans(), st.booleans())
def test_narrowed_plans_keep_every_pair_that_passes_both_tests(
    seed: int, chunk: int, mutual: bool, whole: bool
) -> None:
    """By the index of skill pairs (``mutual``) or by the skills themselves, with the columns
    taken from the plan or from the whole other side converted once (``whole``)."""
    pool = compile_pool(generator.pool(12, 15, seed % 7), Rules(require_mutual=mutual))
    rng = np.random.default_rng(seed)
    row_a, row_b = rng.integers(0, 10, 15), rng.integers(0, 10, 15)
    col_a, col_b = rng.integers(0, 10, 12), rng.integers(0, 10, 12)
    plan = candidates.plan_blocks(pool, by="mentee", rows=np.arange(15), cols=np.arange(12))

    def pairs(plans: list[candidates.BlockPlan]) -> dict[tuple[int, int], tuple[float, float]]:
        out = {}
        for item in candidates.each_block(plans):
            m_l, e_l, teach, learn = candidates.skill_block(pool, *item)
            for m, e, t, lo in zip(m_l, e_l, teach, learn, strict=True):
                assert (int(m), int(e)) not in out  # no pair is scanned twice
                out[int(m), int(e)] = (float(t), float(lo))
        return out

    everything = pairs([plan])
    with mock.patch.object(candidates, "NARROW_ROWS", chunk):
        by_columns = candidates.whole_right(pool, plan).tocsc() if whole else None
        narrow = pairs(candidates.narrowed(plan, row_a, row_b, col_a, col_b, by_columns))
    needed = {(m, e) for m, e in everything if col_a[m] < row_a[e] and col_b[m] < row_b[e]}
    assert needed <= set(narrow)
    assert all(narrow[pair] == everything[pair] for pair in narrow)
    if chunk == 1:  # one row per chunk: the columns that row needs, or all when most are
        for e in range(15):
            wide = np.sum((col_a < row_a[e]) & (col_b < row_b[e])) > 12 * 3 // 4
            mine = {pair for pair in everything if pair[1] == e}
            expect = mine if wide else {pair for pair in needed if pair[1] == e}
            assert {pair for pair in narrow if pair[1] == e} == expect


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


@st.composite
def varied_pools(draw: st.DrawFn) -> list[Person]:
    """Pools whose people differ in the values the groups are made from."""
    people = draw(pools(max_side=9))
    zones = ["UTC", "Asia/Singapore", "America/New_York", "Europe/Berlin"]
    return [
        replace(
            p,
            organisation=draw(st.sampled_from(["", "North", "South"])),
            languages=tuple(draw(st.sets(st.sampled_from(["en", "de", "fr"]), min_size=1))),
            timezone=draw(st.sampled_from(zones)),
            availability=draw(st.sampled_from([(), ((0, 9 * 60, 10 * 60),), ((2, 0, 24 * 60),)])),
        )
        for p in people
    ]


varied_rules = st.builds(
    Rules,
    require_mutual=st.just(False),
    type=st.sampled_from(["reverse", "traditional"]),
    min_level_gap=st.integers(0, 3),
    min_compatibility=st.sampled_from([0.0, 0.35, 0.6, 0.75]),
    min_overlap_hours=st.sampled_from([0.0, 1.0, 5.0, 12.0]),
    cross_organisation=st.booleans(),
)


@settings(max_examples=150, deadline=None)
@given(varied_pools(), varied_rules)
def test_the_groups_leave_out_only_pairs_that_break_a_rule(
    people: list[Person], rules: Rules
) -> None:
    pool = compile_pool(people, rules)
    mentor, mentee = every_pair(pool)
    valid = evaluate(pool, mentor, mentee).valid
    local_m = np.searchsorted(pool.mentors, mentor)
    local_e = np.searchsorted(pool.mentees, mentee)
    scanned = np.zeros(len(mentor), bool)
    plans = candidates.plan_groups(pool, np.arange(len(pool.mentees)), np.arange(len(pool.mentors)))
    for plan in plans:
        scanned |= np.isin(local_e, plan.rows) & np.isin(local_m, plan.cols)
    assert not np.any(valid & ~scanned)
    every_row = np.concatenate([np.zeros(0, np.int64)] + [plan.rows for plan in plans])
    assert len(every_row) == len(set(every_row.tolist()))
    # What a group's scan forms needs no second check of the rules the groups decide.
    for plan in plans:
        for start in plan.starts:
            m_l, e_l, teach, learn = candidates.skill_block(pool, plan, start)
            pair = (pool.mentors[m_l], pool.mentees[e_l], teach, learn)
            placed = partial_scores(pool, *pair, placed=plan.placed)
            checked = partial_scores(pool, *pair)
            assert list(placed.at) == list(checked.at)
            assert list(placed.bound) == list(checked.bound)


def test_mentees_are_never_scanned_against_mentors_the_rules_rule_out() -> None:
    def person(i: int, role: str, zone: str, level: int) -> Person:
        return Person(id=f"{role}{i}", role=role, timezone=zone, level=level)

    people = [person(i, "mentor", "America/New_York", 1) for i in range(3)]
    people += [person(i, "mentee", "Asia/Singapore", 5) for i in range(3)]  # no hours in common
    people += [person(i + 3, "mentee", "America/New_York", 2) for i in range(3)]  # level too low
    people += [person(i + 6, "mentee", "America/New_York", 5) for i in range(2)]
    pool = compile_pool(people, Rules())
    plans = candidates.plan_groups(pool, np.arange(8), np.arange(3))
    scanned = [pool.people[pool.mentees[r]].id for plan in plans for r in plan.rows]
    assert sorted(scanned) == ["mentee6", "mentee7"]


@SOME
@given(varied_pools(), varied_rules)
def test_reasons_from_the_groups_are_the_reasons_from_every_pair(
    people: list[Person], rules: Rules
) -> None:
    def one_plan(pool: Pool, rows: np.ndarray, cols: np.ndarray, by: str) -> list:
        return [candidates.plan_blocks(pool, by=by, rows=rows, cols=cols)]

    grouped = match(people, rules).unmatched
    with mock.patch.object(reasons, "plan_groups", one_plan):
        assert match(people, rules).unmatched == grouped


@settings(max_examples=100, deadline=None)
@given(pools(max_side=9), rule_sets, st.integers(0, 3))
def test_a_reason_names_the_best_valid_partner(
    people: list[Person], rules: Rules, seed: int
) -> None:
    pool = compile_pool(people, rules)
    mentor, mentee = every_pair(pool)
    scored = evaluate(pool, mentor, mentee)
    scored = scored.take(scored.valid)
    key = sort_key(scored.score_int, scored.mentor, scored.mentee, seed)
    said = {u.id: u.reason for u in reasons.unmatched(pool, (), seed)}
    for own, other in ((scored.mentee, scored.mentor), (scored.mentor, scored.mentee)):
        for person in set(own.tolist()):
            mine = np.flatnonzero(own == person)
            best = mine[np.argmax(key[mine])]
            partner = pool.people[int(other[best])].label
            score = float(scored.score[best])
            reason = said[pool.people[person].id]
            if "went to others" in reason:  # earlier reasons, such as no wants, come first
                assert f"the best, {partner} (score {score:.2f})" in reason


@SOME
@given(pools(max_side=9), rule_sets)
def test_reasons_look_up_flows_only_where_no_pair_shares_skills_both_ways(
    people: list[Person], rules: Rules
) -> None:
    def every_flow(pool: Pool, role: str, rows: np.ndarray, mutual: np.ndarray) -> tuple:
        by_others, by_them = reasons._flow_counts(pool, role, rows)
        return by_others > 0, by_them > 0

    pool = compile_pool(people, rules)
    quick = reasons.unmatched(pool, (), 0)
    with mock.patch.object(reasons, "_flows", every_flow):
        assert reasons.unmatched(pool, (), 0) == quick


@SOME
@given(
    st.integers(1, 6),
    st.lists(
        st.lists(st.tuples(st.integers(0, 4), st.integers(0, 40_000)), max_size=30),
        min_size=1,
        max_size=8,
    ),
    st.sampled_from([1, 2, 3]),
)
def test_a_mentors_bar_never_passes_its_best_and_trails_them_by_less_than_a_step(
    limit: int, blocks: list[list[tuple[int, int]]], every: int
) -> None:
    """Pairs arrive in blocks; each mentor's bar must stay at or below the score of its
    ``limit``-th best pair so far (or no pair would be kept that should), within one step of
    it once raised, and the best pairs at the end must be exactly the ``limit`` best."""
    tops = candidates._MentorTops(np.full(5, limit, np.int64))
    seen: list[tuple[int, int, int]] = []
    with (
        mock.patch.object(candidates, "TOP_STEP", 1_000),
        mock.patch.object(candidates, "RAISE_EVERY", every),
        mock.patch.object(candidates, "COMPACT_AT", 0),
    ):
        for number, block in enumerate(blocks, start=1):
            mentor = np.array([m for m, _ in block], np.int64)
            score = np.array([s for _, s in block], np.int64)
            mentee = np.arange(len(seen), len(seen) + len(block), dtype=np.int64)
            key = sort_key(score, mentor, mentee, seed=0)
            seen += list(zip(mentor.tolist(), key.tolist(), mentee.tolist(), strict=True))
            tops.add(mentor, mentee, key)
            for m in range(5):
                mine = sorted((k for owner, k, _ in seen if owner == m), reverse=True)
                kth = mine[limit - 1] >> candidates.TIE_BITS if len(mine) >= limit else 0
                assert tops.bar[m] <= kth
                if number % every == 0:
                    assert kth - tops.bar[m] < 1_000
        best_m, best_e, best_score = tops.best()
    expected = set()
    for m in range(5):
        mine = sorted(((k, e) for owner, k, e in seen if owner == m), reverse=True)[:limit]
        expected |= {(m, e, k >> candidates.TIE_BITS) for k, e in mine}
    got = set(zip(best_m.tolist(), best_e.tolist(), best_score.tolist(), strict=True))
    assert got == expected


@SOME
@given(
    st.lists(
        st.lists(st.tuples(st.integers(0, 4), st.integers(0, 3)), max_size=30),
        min_size=1,
        max_size=8,
    )
)
def test_each_mentors_single_best_is_kept_exactly_as_the_general_tops_keep_it(
    blocks: list[list[tuple[int, int]]],
) -> None:
    """With every limit one (stable mode), `_MentorBest` keeps what `_MentorTops` keeps, the
    first of equal keys included, and its bar is each mentor's best score so far."""
    best = candidates._MentorBest(5)
    tops = candidates._MentorTops(np.ones(5, np.int64))
    seen: list[tuple[int, int]] = []
    for block in blocks:
        mentor = np.array([m for m, _ in block], np.int64)
        # Few distinct keys, so that equal keys are common: the first of them must stay.
        key = np.array([k for _, k in block], np.int64) << candidates.TIE_BITS
        mentee = np.arange(len(seen), len(seen) + len(block), dtype=np.int64)
        seen += [(m, k) for m, k in zip(mentor.tolist(), key.tolist(), strict=True)]
        given, before = best.bar, best.bar.copy()
        best.add(mentor, mentee, key)
        tops.add(mentor, mentee, key)
        for m in range(5):
            mine = [k for owner, k in seen if owner == m]
            assert best.bar[m] == (max(mine) >> candidates.TIE_BITS if mine else 0)
        assert np.array_equal(given, before)  # the bar a block was given never changes
    got = set(zip(*(a.tolist() for a in best.best()), strict=True))
    expected = set(zip(*(a.tolist() for a in tops.best()), strict=True))
    assert got == expected
    assert {m for m, _, _ in got} == {m for m, _ in seen}


def twisted(people: list[Person], twist: str) -> list[Person]:
    """``people`` with one twist: "reporting" (two mentees in three report to a mentor),
    "managed by mentees" (two mentors in three report to a mentee), "exclusions" (every mentee
    excludes a few mentors); anything else leaves them as they are."""
    mentors = [p.id for p in people if p.role == "mentor"]
    mentees = [p.id for p in people if p.role == "mentee"]
    if twist == "reporting":
        return [
            replace(p, manager_id=mentors[i % len(mentors)]) if p.role == "mentee" and i % 3 else p
            for i, p in enumerate(people)
        ]
    if twist == "managed by mentees":
        return [
            replace(p, manager_id=mentees[i % len(mentees)]) if p.role == "mentor" and i % 3 else p
            for i, p in enumerate(people)
        ]
    if twist == "exclusions":
        return [
            replace(p, exclude=frozenset(mentors[i % 7 :: 5])) if p.role == "mentee" else p
            for i, p in enumerate(people)
        ]
    return people


@pytest.mark.parametrize("twist", ["reporting", "managed by mentees", "exclusions", "none"])
@pytest.mark.parametrize(("size", "depth"), [(40, 1), (60, 1), (60, 2)])
def test_generate_counts_every_valid_pair_even_those_it_skips(
    size: int, depth: int, twist: str
) -> None:
    """Valid counts include the pairs never scored, and only those that pass every rule.

    With "reporting" two mentees in three report to a mentor, so some pairs are in one line
    (with "managed by mentees", two mentors in three report to a mentee); with "exclusions"
    every mentee excludes a few mentors; with "none" nobody in the programme manages anyone
    and nobody is excluded, so every pair the class plan allows is valid without looking
    (the count's quick path)."""
    people = twisted(generator.pool(size, size, seed=size), twist)
    pool = compile_pool(people, Rules())
    assert pool.lines_cross == (twist in ("reporting", "managed by mentees"))
    mentor, mentee = every_pair(pool)
    scored = evaluate(pool, mentor, mentee)
    assert scored.broken["excluded"].any() == (twist == "exclusions")
    scored = scored.take(scored.valid)
    with (
        mock.patch.object(candidates, "BLOCK_PAIRS", 1),
        mock.patch.object(candidates, "RAISE_EVERY", 1),
    ):
        cands = generate(pool, depth, 0)
    m_l = np.searchsorted(pool.mentors, scored.mentor)
    e_l = np.searchsorted(pool.mentees, scored.mentee)
    kept = cands.size + len(cands.spare_mentor)
    assert kept < len(m_l), "no pair was left out, so nothing is tested"
    assert cands.valid_mentor.tolist() == np.bincount(m_l, minlength=len(pool.mentors)).tolist()
    assert cands.valid_mentee.tolist() == np.bincount(e_l, minlength=len(pool.mentees)).tolist()


def _reasons_from_a_scan_agree(people: list[Person], rules: Rules, seed: int, mode: str) -> None:
    with (
        mock.patch.object(engine, "SOLVER_DEPTH", 1),
        mock.patch.object(engine, "RESERVE_DEPTH", 0),
        mock.patch.object(candidates, "BLOCK_PAIRS", 1),
        mock.patch.object(candidates, "RAISE_EVERY", 1),
    ):
        result = match(people, rules, seed=seed, mode=mode, top_k=2 if mode == "stable" else None)
    pool = compile_pool(people, rules)
    assert result.unmatched == reasons.unmatched(pool, result.pairs, seed)


@pytest.mark.parametrize("mode", ["optimal", "stable"])
@pytest.mark.parametrize("seed", [0, 1])
def test_reasons_from_the_candidates_are_the_reasons_from_a_scan_in_a_long_tailed_pool(
    seed: int, mode: str
) -> None:
    """The valid counts and best pairs are read from the candidates and spare pairs; a scan
    of every unmatched person must say the same, though most pairs were never scored."""
    people = generator.pool(60, 45, seed=seed)
    _reasons_from_a_scan_agree(people, Rules(), seed, mode)


@SOME
@given(varied_pools(), varied_rules, st.integers(0, 3), st.sampled_from(["optimal", "stable"]))
def test_reasons_from_the_candidates_are_the_reasons_from_a_scan(
    people: list[Person], rules: Rules, seed: int, mode: str
) -> None:
    _reasons_from_a_scan_agree(people, rules, seed, mode)


TRIPLES = st.lists(
    st.tuples(st.integers(0, 6), st.integers(0, 6), st.integers(0, 1_000_000)), max_size=40
)


@SOME
@given(TRIPLES, TRIPLES, st.booleans())
def test_union_keeps_each_pair_once_in_order_with_the_first_sets_score(
    first: list[tuple[int, int, int]], second: list[tuple[int, int, int]], one_score: bool
) -> None:
    """Pairs in both sets normally carry the same score (``one_score``); when they do not,
    the first set's score is kept."""
    if one_score:
        first = [(m, e, 1_000 * m + e) for m, e, _ in first]
        second = [(m, e, 1_000 * m + e) for m, e, _ in second]

    def arrays(rows: list[tuple[int, int, int]]) -> tuple[np.ndarray, ...]:
        return tuple(np.array([r[i] for r in rows], np.int64) for i in range(3))

    mentor, mentee, score = candidates.union_pairs(7, arrays(first), arrays(second))
    expected: dict[tuple[int, int], int] = {}
    for m, e, s in first + second:
        expected.setdefault((m, e), s)
    got = list(zip(mentor.tolist(), mentee.tolist(), score.tolist(), strict=True))
    assert got == [(m, e, s) for (m, e), s in sorted(expected.items())]


@SOME
@given(pools(max_side=9), rule_sets)
def test_lines_cross_exactly_when_some_mentor_and_mentee_are_in_one_reporting_line(
    people: list[Person], rules: Rules
) -> None:
    pool = compile_pool(people, rules)
    mentor, mentee = every_pair(pool)
    assert pool.lines_cross == bool(_chart(pool, mentor, mentee)[0].any())


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 5), st.integers(0, 6)), max_size=60),
    st.lists(st.integers(0, 4), min_size=6, max_size=6),
    st.booleans(),
)
def test_each_groups_best_come_by_key_then_in_input_order(
    entries: list[tuple[int, int]], limits: list[int], ordered: bool
) -> None:
    """Few distinct keys, so equal ones are common: they keep the order they came in."""
    group = np.array([g for g, _ in entries], np.int64)
    key = np.array([k for _, k in entries], np.int64)
    limit = np.array(limits, np.int64)
    got = candidates.top_per_group(group, key, limit, ordered=ordered)
    ranked = sorted(range(len(entries)), key=lambda i: (group[i], -key[i], i))
    seen: dict[int, int] = {}
    expected = []
    for i in ranked:
        seen[int(group[i])] = seen.get(int(group[i]), 0) + 1
        if seen[int(group[i])] <= limit[group[i]]:
            expected.append(i)
    assert got.tolist() == (expected if ordered else sorted(expected))


def test_equal_keys_keep_their_input_order_in_large_groups_too() -> None:
    """Large enough for the vectorised sort, which alone would not keep ties in order."""
    rng = np.random.default_rng(3)
    group = rng.integers(0, 20, 20_000)
    key = rng.integers(0, 5, 20_000)
    limit = np.full(20, 400, np.int64)
    got = candidates.top_per_group(group, key, limit)
    order = np.lexsort((np.arange(len(group)), -key, group))
    rank = np.arange(len(order)) - np.searchsorted(group[order], group[order], side="left")
    assert got.tolist() == order[rank < 400].tolist()
