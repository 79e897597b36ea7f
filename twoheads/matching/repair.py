"""Re-optimising a solved flow after a few pairs are added, without solving it again.

Once the certificate has found the few left-out pairs that could still improve the flow, a
fresh solve of the whole network (millions of arcs at 100,000 x 100,000) is mostly spent
finding the same pairs again. Here each added pair whose reduced cost is negative is
saturated, which leaves one unit too many at its mentee and one too few at its mentor, and the
units are sent back by successive shortest paths (Dijkstra over reduced costs, which the node
potentials keep non-negative). That is the textbook primal-dual step: the flow stays of
minimum cost at every step, so the result is as optimal as a fresh solve, and the potentials
it ends with prove it (`verified` checks them on every arc before they are used).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from twoheads.matching.arrays import stable_order
from twoheads.matching.pool import IntArray
from twoheads.matching.solver import Flow, arcs, big_for


def improve(
    cap_m: IntArray,
    cap_e: IntArray,
    mentor: IntArray,
    mentee: IntArray,
    score_int: IntArray,
    chosen: IntArray,
    potential: IntArray,
) -> Flow | None:
    """The optimal flow over the given pairs, from an optimal flow over some of them.

    ``chosen`` marks the pairs the earlier flow used and ``potential`` is its proof (every
    residual arc of the earlier network has a non-negative reduced cost). Returns None when
    the result cannot be proved optimal, so that the caller solves afresh.
    """
    n_m, n_e = len(cap_m), len(cap_e)
    big = big_for(cap_m, cap_e)
    tails, heads, caps, costs = arcs(cap_m, cap_e, mentor, mentee, -(big + score_int))
    tails, heads = tails.astype(np.int64), heads.astype(np.int64)
    pairs, total = len(mentor), int(cap_e.sum())
    used = np.zeros(len(tails), np.int64)
    used[:pairs] = chosen
    used[pairs : pairs + n_m] = np.bincount(mentor[chosen], minlength=n_m)
    used[pairs + n_m : pairs + n_m + n_e] = np.bincount(mentee[chosen], minlength=n_e)
    used[-1] = total - int(chosen.sum())
    potential = potential.astype(np.int64, copy=True)
    reduced = costs[:pairs] + potential[tails[:pairs]] - potential[heads[:pairs]]
    gain = (reduced < 0) & ~chosen
    used[:pairs][gain] = 1
    excess = np.bincount(heads[:pairs][gain], minlength=len(potential)) - np.bincount(
        tails[:pairs][gain], minlength=len(potential)
    )
    entries, first = residual_index(len(potential), tails, heads)
    sent = shortest_paths(tails, heads, caps, costs, used, potential, excess, entries, first)
    if not sent or not verified(tails, heads, caps, costs, used, potential):
        return None
    return Flow(np.flatnonzero(used[:pairs] > 0), potential, big, n_m)


def verified(
    tails: IntArray, heads: IntArray, caps: IntArray, costs: IntArray, used: IntArray, d: IntArray
) -> bool:
    """Whether ``used`` is a flow within the capacities that ``d`` proves of least cost."""
    if np.any(used < 0) or np.any(used > caps):
        return False
    balance = np.bincount(tails, used, len(d)) - np.bincount(heads, used, len(d))
    if np.any(balance[1:-1] != 0):
        return False
    reduced = costs + d[tails] - d[heads]
    return not (np.any(reduced[used < caps] < 0) or np.any(reduced[used > 0] > 0))


def residual_index(nodes: int, tails: IntArray, heads: IntArray) -> tuple[IntArray, IntArray]:
    """Each node's arcs in both directions: entry 2a is arc a from its tail, 2a + 1 from its
    head (backwards). Returns the entries ordered by node and each node's first entry."""
    ends = np.empty(2 * len(tails), np.int64)
    ends[0::2], ends[1::2] = tails, heads
    order = stable_order(ends)
    first = np.searchsorted(ends[order], np.arange(nodes + 1))
    return order, first.astype(np.int64)


@njit(cache=True, nogil=True)
def _push(heap_d: IntArray, heap_v: IntArray, size: int, d: int, v: int) -> int:
    i = size
    heap_d[i], heap_v[i] = d, v
    while i > 0:
        parent = (i - 1) >> 1
        if heap_d[parent] <= heap_d[i]:
            break
        heap_d[parent], heap_d[i] = heap_d[i], heap_d[parent]
        heap_v[parent], heap_v[i] = heap_v[i], heap_v[parent]
        i = parent
    return size + 1


@njit(cache=True, nogil=True)
def _pop(heap_d: IntArray, heap_v: IntArray, size: int) -> int:
    size -= 1
    heap_d[0], heap_v[0] = heap_d[size], heap_v[size]
    i = 0
    while True:
        left = 2 * i + 1
        if left >= size:
            break
        child = left
        if left + 1 < size and heap_d[left + 1] < heap_d[left]:
            child = left + 1
        if heap_d[i] <= heap_d[child]:
            break
        heap_d[child], heap_d[i] = heap_d[i], heap_d[child]
        heap_v[child], heap_v[i] = heap_v[i], heap_v[child]
        i = child
    return size


@njit(cache=True, nogil=True)
def shortest_paths(
    tails: IntArray,
    heads: IntArray,
    caps: IntArray,
    costs: IntArray,
    used: IntArray,
    potential: IntArray,
    excess: IntArray,
    entries: IntArray,
    first: IntArray,
) -> bool:
    """Send every unit of excess to a node short of one, each along a path of least reduced
    cost, updating ``used`` and ``potential`` in place. False when some excess can reach no
    such node (never on a network with a bypass arc)."""
    nodes = len(potential)
    big_distance = np.iinfo(np.int64).max
    dist = np.full(nodes, big_distance, np.int64)
    done = np.zeros(nodes, np.bool_)
    via = np.full(nodes, -1, np.int64)  # the entry a node was reached by
    seen = np.empty(nodes, np.int64)
    heap_d = np.empty(len(entries) + nodes, np.int64)
    heap_v = np.empty(len(entries) + nodes, np.int64)
    left = 0
    for v in range(nodes):
        if excess[v] > 0:
            left += excess[v]
    while left > 0:
        n_seen, size = 0, 0
        for v in range(nodes):
            if excess[v] > 0:
                dist[v] = 0
                seen[n_seen] = v
                n_seen += 1
                size = _push(heap_d, heap_v, size, 0, v)
        target = -1
        while size > 0:
            d, u = heap_d[0], heap_v[0]
            size = _pop(heap_d, heap_v, size)
            if done[u] or d > dist[u]:
                continue
            done[u] = True
            if excess[u] < 0:
                target = u
                break
            for k in range(first[u], first[u + 1]):
                entry = entries[k]
                arc = entry >> 1
                if entry & 1 == 0:
                    if used[arc] >= caps[arc]:
                        continue
                    v, cost = heads[arc], costs[arc]
                else:
                    if used[arc] <= 0:
                        continue
                    v, cost = tails[arc], -costs[arc]
                if done[v]:
                    continue
                nd = d + cost + potential[u] - potential[v]
                if nd < dist[v]:
                    if dist[v] == big_distance:
                        seen[n_seen] = v
                        n_seen += 1
                    dist[v] = nd
                    via[v] = entry
                    size = _push(heap_d, heap_v, size, nd, v)
        if target < 0:
            return False
        reach = dist[target]
        for i in range(n_seen):
            v = seen[i]
            if done[v] and dist[v] < reach:
                potential[v] -= reach - dist[v]
        v = target
        while via[v] >= 0:
            entry = via[v]
            arc = entry >> 1
            if entry & 1 == 0:
                used[arc] += 1
                v = tails[arc]
            else:
                used[arc] -= 1
                v = heads[arc]
        excess[v] -= 1
        excess[target] += 1
        left -= 1
        for i in range(n_seen):
            v = seen[i]
            dist[v] = big_distance
            done[v] = False
            via[v] = -1
    return True
