"""The index of skill pairs lands on exactly the pairs with a skill flowing each way, and what
it decodes is what flows."""

from __future__ import annotations

from dataclasses import replace
from unittest import mock

import numpy as np
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.matching.test_properties import pools, rule_sets
from twoheads.matching import Person, Rules, candidates, skillpairs
from twoheads.matching.candidates import generate, plan_groups, skill_block
from twoheads.matching.pool import compile_pool
from twoheads.matching.scoring import skill_flow

SOME = settings(max_examples=60, deadline=None)


def side(draw: st.DrawFn, people: int, skills: int, values: int) -> sp.csr_matrix:
    """A people x skills matrix of whole values 1..values, a few skills each."""
    rows, cols, data = [], [], []
    for row in range(people):
        mine = draw(st.sets(st.integers(0, skills - 1), max_size=min(skills, 7)))
        for col in sorted(mine):
            rows.append(row)
            cols.append(col)
            data.append(float(draw(st.integers(1, values))))
    return sp.csr_matrix((data, (rows, cols)), shape=(people, skills))


@st.composite
def sides(draw: st.DrawFn) -> tuple[sp.csr_matrix, sp.csr_matrix, int]:
    """Priorities and levels for a pool whose first people are mentors."""
    people = draw(st.integers(2, 14))
    skills = draw(st.integers(1, 8))
    values = draw(st.integers(1, 4))
    return side(draw, people, skills, values), side(draw, people, skills, values), people


@SOME
@given(sides(), st.integers(0, 40), st.integers(0, 50), st.booleans())
def test_the_product_lands_on_the_pairs_sharing_skills_both_ways_with_their_flows(
    drawn: tuple[sp.csr_matrix, sp.csr_matrix, int],
    word_bits: int,
    most_pairs: int,
    searched: bool,
) -> None:
    """Against sums taken pair by pair, including mentees left out for wanting too much or
    for making too many pairs of skills, with each (s1, s2)'s columns found in a table or,
    as when there are too many skills for one, searched."""
    priority, level, people = drawn
    mentors = np.arange(people // 2)
    mentees = np.arange(people // 2, people)
    with (
        mock.patch.object(skillpairs, "WORD_BITS", 63 - word_bits),
        mock.patch.object(skillpairs, "MOST_PAIRS_EACH", most_pairs),
        mock.patch.object(skillpairs, "MOST_LOOKUP", 0 if searched else skillpairs.MOST_LOOKUP),
    ):
        index = skillpairs.build(priority, level, mentors, mentees)
    each = np.diff(priority.indptr) * np.diff(level.indptr)
    if index is None:
        assert word_bits > 20 or each[mentors].sum() > most_pairs * len(mentors)
        return
    assert not np.any(index.indexed & (each[mentees] > most_pairs))
    product = sp.csr_matrix(index.mentees @ index.mentors_t).tocoo()
    teach, learn = index.decode(product.data)
    found = {
        (int(e), int(m)): (t, lo)
        for e, m, t, lo in zip(product.row, product.col, teach, learn, strict=True)
    }
    expected = {}
    for e, pe in enumerate(mentees):
        if not index.indexed[e]:
            continue
        for m, pm in enumerate(mentors):
            t = priority[pe].multiply(level[pm]).sum()
            lo = priority[pm].multiply(level[pe]).sum()
            if t > 0 and lo > 0:
                expected[(e, m)] = (t, lo)
    assert found == expected
    # The left-out mentees are exactly those wanting more than the count field holds.
    wants = np.diff(priority[mentees].indptr)
    assert not index.indexed.all() or wants.max(initial=0) * index.digit <= index.teach_at


def test_values_that_are_not_small_whole_numbers_leave_everyone_to_the_ordinary_scan() -> None:
    one = sp.csr_matrix(np.array([[1.0, 0.0], [0.0, 2.0]]))
    for odd in (0.5, 0.0, 9.0):
        # A stored zero stays stored: the matrix is built from its parts.
        other = sp.csr_matrix(([odd, 1.0, 1.0, 1.0], [0, 1, 0, 1], [0, 2, 4]), shape=(2, 2))
        assert skillpairs.build(one, other, np.array([0]), np.array([1])) is None
    assert skillpairs.build(one, one, np.array([0]), np.array([1])) is not None


def scanned(pool_people: list[Person], rules: Rules, *, index: bool) -> list[tuple]:
    pool = compile_pool(pool_people, rules)
    if not index:
        pool = replace(pool, skill_pairs=None)
    plans = plan_groups(pool, np.arange(len(pool.mentees)), np.arange(len(pool.mentors)))
    out = []
    for plan in plans:
        assert plan.by_pairs == (index and rules.require_mutual)
        for start in plan.starts:
            out += zip(*(a.tolist() for a in skill_block(pool, plan, start)), strict=True)
    return sorted(out)


@SOME
@given(pools(max_side=9), rule_sets)
def test_a_scan_by_the_index_gives_what_the_ordinary_scan_gives(
    people: list[Person], rules: Rules
) -> None:
    """The same pairs with the very same teach and learn, so scores never differ by path."""
    rules = replace(rules, require_mutual=True)
    assert scanned(people, rules, index=True) == scanned(people, rules, index=False)


@SOME
@given(pools(max_side=9), rule_sets, st.booleans())
def test_the_flows_of_a_scan_are_those_of_scoring_a_pair_alone(
    people: list[Person], rules: Rules, index: bool
) -> None:
    pool = compile_pool(people, rules)
    for m_l, e_l, teach, learn in scanned(people, rules, index=index):
        alone = skill_flow(pool, pool.mentors[[m_l]], pool.mentees[[e_l]])
        assert (teach, learn) == (alone[0][0], alone[1][0])


@settings(max_examples=15, deadline=None)
@given(pools(max_side=9), st.integers(1, 3))
def test_candidates_are_the_same_when_some_mentees_are_left_out_of_the_index(
    people: list[Person], depth: int
) -> None:
    """Mentees wanting more than the fields hold are scanned the ordinary way, beside the rest."""
    rules = Rules(min_compatibility=0.0)
    with mock.patch.object(skillpairs, "WORD_BITS", 63 - 40):
        pool = compile_pool(people, rules)
    plain = replace(pool, skill_pairs=None)
    with mock.patch.object(candidates, "BLOCK_PAIRS", 3):
        one, two = generate(pool, depth, 0), generate(plain, depth, 0)
    for field in ("mentor", "mentee", "score_int", "kth_mentor", "kth_mentee", "valid_mentee"):
        assert np.array_equal(getattr(one, field), getattr(two, field)), field
