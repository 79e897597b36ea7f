"""Exact b-matching by min-cost flow, its dual potentials, and the bottleneck for fairness.

Each matched pair is worth BIG + score, with BIG larger than any total of scores, so the
flow first matches as many mentees as possible and then maximises the total score. A
bypass arc from source to sink carries the flow of everyone left unmatched.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.graph.python import max_flow, min_cost_flow

from twoheads.matching.arrays import ranges, stable_order
from twoheads.matching.candidates import sorted_distinct
from twoheads.matching.pool import IntArray
from twoheads.matching.scoring import SCALE


class SolverError(RuntimeError):
    """The flow solver did not reach an optimum (never expected on valid input)."""


@dataclass(frozen=True, slots=True)
class Flow:
    """The chosen arcs and node potentials (d) proving optimality on the arcs given."""

    chosen: IntArray
    potential: IntArray
    big: int
    mentors: int

    @property
    def mentor_potential(self) -> IntArray:
        """d of each mentor node."""
        return self.potential[1 : 1 + self.mentors]

    @property
    def mentee_potential(self) -> IntArray:
        """d of each mentee node."""
        return self.potential[1 + self.mentors : -1]

    def slack(self, mentor: IntArray, mentee: IntArray, score_int: IntArray) -> IntArray:
        """Reduced cost of adding pair arcs; negative means the pair could improve the flow."""
        # In place: there can be tens of millions of pairs.
        out = np.take(self.potential[1:], mentor)
        out -= np.take(self.potential[1 + self.mentors :], mentee)
        out -= score_int
        out -= self.big
        return out


def big_for(cap_m: IntArray, cap_e: IntArray) -> int:
    """A pair's bonus, above any possible gain in total score from fewer pairs."""
    return SCALE * (int(min(cap_m.sum(), cap_e.sum())) + 1)


def solve(
    cap_m: IntArray,
    cap_e: IntArray,
    mentor: IntArray,
    mentee: IntArray,
    score_int: IntArray,
    seed: int = 0,
) -> Flow:
    """Maximum-cardinality, then maximum-score b-matching over the given pairs."""
    n_m, n_e = len(cap_m), len(cap_e)
    big = big_for(cap_m, cap_e)
    source, sink = 0, n_m + n_e + 1
    order = np.random.default_rng(seed).permutation(len(mentor))
    tails, heads, caps, costs = arcs(
        cap_m, cap_e, mentor[order], mentee[order], -(big + score_int[order])
    )
    total = int(cap_e.sum())
    flow = min_cost_flow.SimpleMinCostFlow()
    # Maximum flow at minimum cost is the same lexicographic optimum as the bonus form,
    # and solves faster because the costs stay small; the bypass arc is left out here.
    small = np.where(costs < 0, SCALE + costs + big, 0)
    flow.add_arcs_with_capacity_and_unit_cost(tails[:-1], heads[:-1], caps[:-1], small[:-1])
    flow.set_nodes_supplies(np.array([source, sink]), np.array([total, -total]))
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        raise SolverError(f"min-cost flow stopped with status {status}")
    used = np.append(flow.flows(np.arange(len(tails) - 1)), total - flow.maximum_flow())
    pair_used = np.zeros(len(mentor), bool)
    pair_used[order] = used[: len(mentor)] > 0
    potential = _potentials(sink + 1, tails, heads, caps, costs, used)
    return Flow(np.flatnonzero(pair_used), potential, big, n_m)


def arcs(
    cap_m: IntArray, cap_e: IntArray, mentor: IntArray, mentee: IntArray, cost: IntArray
) -> tuple[IntArray, IntArray, IntArray, IntArray]:
    n_m, n_e = len(cap_m), len(cap_e)
    sink = n_m + n_e + 1
    m_nodes, e_nodes = 1 + np.arange(n_m), 1 + n_m + np.arange(n_e)
    total = int(cap_e.sum())
    tails = np.concatenate([1 + mentor, np.zeros(n_m, np.int64), e_nodes, [0]])
    heads = np.concatenate([1 + n_m + mentee, m_nodes, np.full(n_e, sink), [sink]])
    caps = np.concatenate([np.ones(len(mentor), np.int64), cap_m, cap_e, [total]])
    costs = np.concatenate([cost, np.zeros(n_m + n_e + 1, np.int64)])
    return (
        tails.astype(np.int32),
        heads.astype(np.int32),
        caps.astype(np.int64),
        costs.astype(np.int64),
    )


def _potentials(
    nodes: int, tails: IntArray, heads: IntArray, caps: IntArray, costs: IntArray, used: IntArray
) -> IntArray:
    """Shortest distances in the residual graph (Bellman-Ford, vectorised).

    Each round relaxes only the arcs out of nodes whose distance fell in the round before:
    an arc out of a node that did not change cannot lower anything it did not lower already.
    """
    forward = used < caps
    backward = used > 0
    tail = np.concatenate([tails[forward], heads[backward]]).astype(np.int64)
    head = np.concatenate([heads[forward], tails[backward]]).astype(np.int64)
    cost = np.concatenate([costs[forward], -costs[backward]]).astype(np.int64)
    order = stable_order(tail)
    tail, head, cost = tail[order], head[order], cost[order]
    first = np.searchsorted(tail, np.arange(nodes + 1))  # each node's arcs: first[n]:first[n + 1]
    dist = np.zeros(nodes, np.int64)
    active = np.arange(nodes)
    for _ in range(nodes + 1):
        arc = ranges(first[active], first[active + 1] - first[active])
        to, reach = head[arc], dist[tail[arc]] + cost[arc]
        lower = reach < dist[to]
        if not lower.any():
            return dist
        to = to[lower]
        np.minimum.at(dist, to, reach[lower])
        fell = np.zeros(nodes, bool)
        fell[to] = True
        active = np.flatnonzero(fell)
    raise SolverError("the residual graph has a negative cycle: the flow is not optimal")


def max_matched(cap_m: IntArray, cap_e: IntArray, mentor: IntArray, mentee: IntArray) -> int:
    """How many pairs the given arcs allow at most."""
    n_m, n_e = len(cap_m), len(cap_e)
    tails, heads, caps, _ = arcs(cap_m, cap_e, mentor, mentee, np.zeros(len(mentor), np.int64))
    keep = slice(0, len(tails) - 1)  # no bypass arc
    flow = max_flow.SimpleMaxFlow()
    flow.add_arcs_with_capacity(tails[keep], heads[keep], caps[keep])
    if flow.solve(0, n_m + n_e + 1) != flow.OPTIMAL:
        raise SolverError("max flow did not finish")
    return int(flow.optimal_flow())


def bottleneck(
    cap_m: IntArray,
    cap_e: IntArray,
    mentor: IntArray,
    mentee: IntArray,
    score_int: IntArray,
    target: int,
) -> int:
    """The highest score t such that pairs scoring at least t still match ``target`` pairs."""
    levels = sorted_distinct(score_int)
    low, high = 0, len(levels) - 1
    while low < high:
        mid = (low + high + 1) // 2
        keep = score_int >= levels[mid]
        if max_matched(cap_m, cap_e, mentor[keep], mentee[keep]) >= target:
            low = mid
        else:
            high = mid - 1
    return int(levels[low]) if len(levels) else 0
