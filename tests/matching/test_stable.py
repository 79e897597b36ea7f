"""The proposal loop of deferred acceptance, on random preference lists."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from twoheads.matching.stable import _propose, no_blocking_pair


@st.composite
def lists(draw: st.DrawFn) -> tuple[np.ndarray, ...]:
    """Capacities, and each mentee's list of mentors (ordered by the mentee's preference)
    with the mentors' preferences for those offers, some of them equal."""
    n_m, n_e = draw(st.integers(1, 6)), draw(st.integers(1, 16))
    cap_m = np.array(draw(st.lists(st.integers(0, 6), min_size=n_m, max_size=n_m)), np.int64)
    cap_e = np.array(draw(st.lists(st.integers(0, 2), min_size=n_e, max_size=n_e)), np.int64)
    mentor, mentee, pref = [], [], []
    for e in range(n_e):
        mine = draw(st.permutations(range(n_m)))[: draw(st.integers(0, n_m))]
        mentor += mine
        mentee += [e] * len(mine)
        pref += [draw(st.integers(0, 4)) for _ in mine]
    if draw(st.booleans()):
        pref = draw(st.permutations(range(len(pref))))  # no ties
    start = np.searchsorted(np.array(mentee, np.int64), np.arange(n_e + 1))
    return (
        cap_m,
        cap_e,
        np.array(mentor, np.int64),
        np.array(mentee, np.int64),
        (np.array(pref, np.int64)),
        start,
    )


@settings(max_examples=300, deadline=None)
@given(lists(), st.randoms(use_true_random=False))
def test_deferred_acceptance_is_stable_and_the_same_in_any_order(
    case: tuple[np.ndarray, ...], random: object
) -> None:
    """No blocking pair, capacities kept, and the same offers held whichever mentee
    proposes first (mentee-proposing deferred acceptance has one answer)."""
    cap_m, cap_e, mentor, mentee, pref, start = case
    first = np.arange(len(cap_e), dtype=np.int64)
    other = first.copy()
    random.shuffle(other)  # type: ignore[attr-defined]
    held = _propose(cap_m, cap_e, mentor, mentee, pref, start, first)
    assert no_blocking_pair(cap_m, cap_e, mentor, mentee, pref, start, held)
    assert np.all(np.bincount(mentor[held], minlength=len(cap_m)) <= cap_m)
    assert np.all(np.bincount(mentee[held], minlength=len(cap_e)) <= cap_e)
    if len(set(pref.tolist())) == len(pref):
        # With ties among a mentor's offers, which one it keeps can depend on the order.
        again = _propose(cap_m, cap_e, mentor, mentee, pref, start, other)
        assert held.tolist() == again.tolist()
