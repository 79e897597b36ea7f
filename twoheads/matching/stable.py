"""Mentee-proposing deferred acceptance with capacities (hospitals/residents)."""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np

from twoheads.matching.candidates import sort_key, top_per_group
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
    held = _propose(
        cap_m, cap_e, lists_m.tolist(), lists_e.tolist(), prefs.tolist(), start.tolist(), seed
    )
    # Each held offer is a position in the lists; order the pairs by mentor, then mentee.
    at = np.array([j for heap in held for _, j in heap], np.int64)
    at = at[np.lexsort((lists_e[at], lists_m[at]))] if len(at) else at
    matched = np.zeros(len(lists_m), bool)
    matched[at] = True
    ok = no_blocking_pair(cap_m, cap_e, lists_m, lists_e, prefs, start, matched)
    return Outcome(lists_m[at], lists_e[at], ok)


def _propose(
    cap_m: IntArray,
    cap_e: IntArray,
    lists: list[int],
    owner: list[int],
    prefs: list[int],
    start: list[int],
    seed: int,
) -> list[list[tuple[int, int]]]:
    """The proposal loop, kept in plain Python lists for speed."""
    caps_m, caps_e = cap_m.tolist(), cap_e.tolist()
    # A mentor's heap holds (preference, list position) of the offers it keeps.
    held: list[list[tuple[int, int]]] = [[] for _ in caps_m]
    holding = [0] * len(caps_e)
    cursor = start[:-1]
    free = np.random.default_rng(seed).permutation(len(caps_e)).tolist()
    while free:
        e = free.pop()
        end = start[e + 1]
        while holding[e] < caps_e[e] and cursor[e] < end:
            j = cursor[e]
            cursor[e] = j + 1
            m = lists[j]
            heap = held[m]
            if len(heap) < caps_m[m]:
                heapq.heappush(heap, (prefs[j], j))
                holding[e] += 1
            elif heap and prefs[j] > heap[0][0]:
                _, lost = heapq.heapreplace(heap, (prefs[j], j))
                loser = owner[lost]
                holding[e] += 1
                holding[loser] -= 1
                free.append(loser)
    return held


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
