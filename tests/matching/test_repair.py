"""A flow repaired after pairs are added is as good as one solved afresh, and a result that
its potentials do not prove optimal is refused."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from twoheads.matching import repair
from twoheads.matching.solver import arcs, big_for, solve


@st.composite
def networks(draw: st.DrawFn) -> tuple:
    """Mentor and mentee capacities, distinct pairs with scores, and which pairs come first."""
    n_m, n_e = draw(st.integers(1, 7)), draw(st.integers(1, 7))
    cap_m = np.array(draw(st.lists(st.integers(0, 3), min_size=n_m, max_size=n_m)), np.int64)
    cap_e = np.array(draw(st.lists(st.integers(0, 2), min_size=n_e, max_size=n_e)), np.int64)
    every = [(m, e) for m in range(n_m) for e in range(n_e)]
    pairs = draw(st.lists(st.sampled_from(every), unique=True, max_size=len(every)))
    mentor = np.array([m for m, _ in pairs], np.int64)
    mentee = np.array([e for _, e in pairs], np.int64)
    # Few distinct scores, so that many flows tie and the repair must still find the best.
    score = np.array(
        draw(
            st.lists(
                st.sampled_from([0, 1, 5, 500_000, 999_999]),
                min_size=len(pairs),
                max_size=len(pairs),
            )
        ),
        np.int64,
    )
    first = np.array(draw(st.lists(st.booleans(), min_size=len(pairs), max_size=len(pairs))), bool)
    return cap_m, cap_e, mentor, mentee, score, first


def value(mentor: np.ndarray, chosen: np.ndarray, score: np.ndarray) -> tuple[int, int]:
    return len(chosen), int(score[chosen].sum())


@settings(max_examples=300, deadline=None)
@given(networks())
def test_a_repaired_flow_is_as_good_as_a_fresh_solve(network: tuple) -> None:
    cap_m, cap_e, mentor, mentee, score, first = network
    earlier = solve(cap_m, cap_e, mentor[first], mentee[first], score[first])
    chosen = np.zeros(len(mentor), bool)
    chosen[np.flatnonzero(first)[earlier.chosen]] = True
    repaired = repair.improve(cap_m, cap_e, mentor, mentee, score, chosen, earlier.potential)
    assert repaired is not None
    fresh = solve(cap_m, cap_e, mentor, mentee, score)
    assert value(mentor, repaired.chosen, score) == value(mentor, fresh.chosen, score)
    # Within every capacity, and no pair left out could improve it.
    assert np.all(np.bincount(mentor[repaired.chosen], minlength=len(cap_m)) <= cap_m)
    assert np.all(np.bincount(mentee[repaired.chosen], minlength=len(cap_e)) <= cap_e)
    left_out = np.ones(len(mentor), bool)
    left_out[repaired.chosen] = False
    assert np.all(repaired.slack(mentor[left_out], mentee[left_out], score[left_out]) >= 0)


def network_of_one_mentor() -> tuple:
    """One mentor of capacity 1 and two mentees: the pair worth 900 should win."""
    cap_m, cap_e = np.array([1]), np.array([1, 1])
    mentor, mentee, score = np.array([0, 0]), np.array([0, 1]), np.array([100, 900])
    tails, heads, caps, costs = arcs(cap_m, cap_e, mentor, mentee, -(big_for(cap_m, cap_e) + score))
    return tails, heads, caps, costs


def test_the_potentials_must_prove_the_flow() -> None:
    tails, heads, caps, costs = network_of_one_mentor()
    # Arcs: two pairs, source to mentor, two mentees to sink, bypass. Nodes 0-4.
    best = np.array([0, 1, 1, 0, 1, 1])
    worse = np.array([1, 0, 1, 1, 0, 1])
    fresh = solve(
        np.array([1]), np.array([1, 1]), np.array([0, 0]), np.array([0, 1]), np.array([100, 900])
    )
    assert repair.verified(tails, heads, caps, costs, best, fresh.potential)
    assert not repair.verified(tails, heads, caps, costs, worse, fresh.potential)
    over_capacity = np.array([1, 1, 2, 1, 1, 0])
    assert not repair.verified(tails, heads, caps, costs, over_capacity, fresh.potential)
    unbalanced = np.array([0, 1, 0, 0, 1, 1])
    assert not repair.verified(tails, heads, caps, costs, unbalanced, fresh.potential)


@settings(max_examples=300, deadline=None)
@given(networks(), st.lists(st.integers(-(10**7), 10**7), min_size=20, max_size=20))
def test_what_comes_back_is_optimal_whatever_potentials_it_was_given(
    network: tuple, noise: list[int]
) -> None:
    """Potentials that prove nothing about the earlier flow can lead the search astray; then
    the result is refused, and whatever is returned is still the optimum."""
    cap_m, cap_e, mentor, mentee, score, first = network
    earlier = solve(cap_m, cap_e, mentor[first], mentee[first], score[first])
    chosen = np.zeros(len(mentor), bool)
    chosen[np.flatnonzero(first)[earlier.chosen]] = True
    wrong = earlier.potential + np.array(noise[: len(earlier.potential)], np.int64)
    repaired = repair.improve(cap_m, cap_e, mentor, mentee, score, chosen, wrong)
    if repaired is not None:
        fresh = solve(cap_m, cap_e, mentor, mentee, score)
        assert value(mentor, repaired.chosen, score) == value(mentor, fresh.chosen, score)
