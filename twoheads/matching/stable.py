"""Mentee-proposing deferred acceptance with capacities (hospitals/residents)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from twoheads.matching.candidates import sort_key, top_per_group
from twoheads.matching.native import jit
from twoheads.matching.pool import BoolArray, IntArray, Pool

RANKED = 1 << 62  # a ranked partner is preferred to any scored one


@dataclass(frozen=True, slots=True)
class Outcome:
    """Pairs (local positions) and whether no blocking pair exists among the lists."""

    mentor: IntArray
    mentee: IntArray
    stable: bool


def ranked_pairs(pool: Pool) -> tuple[IntArray, IntArray]:
    """(mentor, mentee) global positions of every pair someone ranked."""
    mentor, mentee = [], []
    for pos, person in enumerate(pool.people):
        for other_id in person.ranking:
            other = pool.index.get(other_id)
            if other is None:
                continue
            roles = (person.role, pool.people[other].role)
            if roles == ("mentee", "mentor"):
                mentor.append(other)
                mentee.append(pos)
            elif roles == ("mentor", "mentee"):
                mentor.append(pos)
                mentee.append(other)
    return np.array(mentor, np.int64), np.array(mentee, np.int64)


def _preference(pool: Pool, owner: IntArray, other: IntArray, key: IntArray) -> IntArray:
    """Ranked partners first in the owner's order, then the rest by score."""
    pref = key.copy()
    for i, (a, b) in enumerate(zip(owner.tolist(), other.tolist(), strict=True)):
        ranking = pool.people[a].ranking
        if ranking:
            partner = pool.people[b].id
            if partner in ranking:
                pref[i] = RANKED - ranking.index(partner)
    return pref


def _ranked_owners(pool: Pool, owner: IntArray) -> BoolArray:
    has = np.array([bool(p.ranking) for p in pool.people], dtype=bool)
    return has[owner] if len(owner) else np.zeros(0, bool)


def _preferences(pool: Pool, owner: IntArray, other: IntArray, key: IntArray) -> IntArray:
    """Preference keys; only people who ranked pay for the slow path."""
    pref = key.copy()
    ranked = np.flatnonzero(_ranked_owners(pool, owner))
    if len(ranked):
        pref[ranked] = _preference(pool, owner[ranked], other[ranked], key[ranked])
    return pref


def deferred_acceptance(
    pool: Pool,
    cap_m: IntArray,
    cap_e: IntArray,
    mentor: IntArray,
    mentee: IntArray,
    score: IntArray,
    depth: int,
    seed: int,
) -> Outcome:
    """Mentees propose down their lists; each mentor keeps its best offers up to capacity."""
    gm, ge = pool.mentors[mentor], pool.mentees[mentee]
    key = sort_key(score, gm, ge, seed)
    mentee_pref = _preferences(pool, ge, gm, key)
    mentor_pref = _preferences(pool, gm, ge, key)
    # top_per_group returns positions already ordered by mentee, then preference.
    order = top_per_group(mentee, mentee_pref, np.full(len(cap_e), depth, np.int64))
    lists_m, lists_e, prefs = mentor[order], mentee[order], mentor_pref[order]
    start = np.searchsorted(lists_e, np.arange(len(cap_e) + 1))
    free = np.random.default_rng(seed).permutation(len(cap_e)).astype(np.int64)
    matched = _propose(cap_m, cap_e, lists_m, lists_e, prefs, start, free)
    # Each held offer is a position in the lists; order the pairs by mentor, then mentee.
    at = np.flatnonzero(matched)
    at = at[np.lexsort((lists_e[at], lists_m[at]))]
    ok = no_blocking_pair(cap_m, cap_e, lists_m, lists_e, prefs, start, matched)
    return Outcome(lists_m[at], lists_e[at], ok)


@jit(nogil=True)
def _propose(
    cap_m: IntArray,
    cap_e: IntArray,
    lists: IntArray,
    owner: IntArray,
    prefs: IntArray,
    start: IntArray,
    free: IntArray,
) -> BoolArray:
    """The proposal loop, compiled: the free mentees, last first, propose down their lists
    (``lists`` holds the mentor, ``owner`` the mentee of each list position); each mentor
    keeps its offers of highest preference up to its capacity, and a new offer displaces only
    one of lower preference. True for each list position held at the end."""
    n_m = len(cap_m)
    # Each mentor's held offers are a min-heap of (preference, list position) in its own slice.
    first = np.zeros(n_m + 1, np.int64)
    for m in range(n_m):
        first[m + 1] = first[m] + max(cap_m[m], 0)
    heap_pref = np.empty(first[n_m], np.int64)
    heap_at = np.empty(first[n_m], np.int64)
    size = np.zeros(n_m, np.int64)
    holding = np.zeros(len(cap_e), np.int64)
    cursor = start[:-1].copy()
    # A mentee may wait more than once; every wait but the first follows a lost offer.
    waiting = np.empty(len(free) + len(lists), np.int64)
    waiting[: len(free)] = free
    n_waiting = len(free)
    while n_waiting:
        n_waiting -= 1
        e = waiting[n_waiting]
        end = start[e + 1]
        while holding[e] < cap_e[e] and cursor[e] < end:
            j = cursor[e]
            cursor[e] = j + 1
            m = lists[j]
            base = first[m]
            if size[m] < cap_m[m]:
                _push(heap_pref, heap_at, base, size[m], prefs[j], j)
                size[m] += 1
                holding[e] += 1
            elif size[m] > 0 and prefs[j] > heap_pref[base]:
                loser = owner[heap_at[base]]
                _replace_least(heap_pref, heap_at, base, size[m], prefs[j], j)
                holding[e] += 1
                holding[loser] -= 1
                waiting[n_waiting] = loser
                n_waiting += 1
    matched = np.zeros(len(lists), np.bool_)
    for m in range(n_m):
        for i in range(first[m], first[m] + size[m]):
            matched[heap_at[i]] = True
    return matched


@jit(inline="always")
def _before(pref_a: int, at_a: int, pref_b: int, at_b: int) -> bool:
    """Whether (pref_a, at_a) comes before (pref_b, at_b): the heaps' order."""
    return pref_a < pref_b or (pref_a == pref_b and at_a < at_b)


@jit(inline="always")
def _push(heap_pref: IntArray, heap_at: IntArray, base: int, size: int, pref: int, at: int) -> None:
    """Add (pref, at) to the heap of ``size`` entries that starts at ``base``."""
    i = size
    while i > 0:
        parent = (i - 1) // 2
        if not _before(pref, at, heap_pref[base + parent], heap_at[base + parent]):
            break
        heap_pref[base + i] = heap_pref[base + parent]
        heap_at[base + i] = heap_at[base + parent]
        i = parent
    heap_pref[base + i] = pref
    heap_at[base + i] = at


@jit(inline="always")
def _replace_least(
    heap_pref: IntArray, heap_at: IntArray, base: int, size: int, pref: int, at: int
) -> None:
    """Put (pref, at) in place of the least entry of the heap and restore its order."""
    i = 0
    while True:
        child = 2 * i + 1
        if child >= size:
            break
        right = child + 1
        if right < size and _before(
            heap_pref[base + right],
            heap_at[base + right],
            heap_pref[base + child],
            heap_at[base + child],
        ):
            child = right
        if not _before(heap_pref[base + child], heap_at[base + child], pref, at):
            break
        heap_pref[base + i] = heap_pref[base + child]
        heap_at[base + i] = heap_at[base + child]
        i = child
    heap_pref[base + i] = pref
    heap_at[base + i] = at


def no_blocking_pair(
    cap_m: IntArray,
    cap_e: IntArray,
    lists_m: IntArray,
    lists_e: IntArray,
    prefs: IntArray,
    start: IntArray,
    matched: BoolArray,
) -> bool:
    """True when no listed pair would both rather be together than with their partners."""
    position = np.arange(len(lists_m)) - start[lists_e]
    n_e = len(cap_e)
    out_m, out_e = lists_m[matched], lists_e[matched]
    worst_e = np.full(n_e, -1, np.int64)
    np.maximum.at(worst_e, lists_e[matched], position[matched])
    count_e = np.bincount(out_e, minlength=n_e)
    e_wants = (count_e[lists_e] < cap_e[lists_e]) | (position < worst_e[lists_e])
    worst_m = np.full(len(cap_m), np.iinfo(np.int64).max, np.int64)
    np.minimum.at(worst_m, lists_m[matched], prefs[matched])
    count_m = np.bincount(out_m, minlength=len(cap_m))
    m_wants = (count_m[lists_m] < cap_m[lists_m]) | (prefs > worst_m[lists_m])
    return not bool(np.any(e_wants & m_wants & ~matched))
