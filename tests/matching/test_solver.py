"""The dual potentials are the residual graph's shortest distances, and a negative cycle is
refused."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from twoheads.matching.solver import SolverError, _potentials


def shortest(nodes: int, arcs: list[tuple[int, int, int]]) -> list[int]:
    """Plain Bellman-Ford from a source joined to every node at cost 0."""
    dist = [0] * nodes
    for _ in range(nodes):
        for u, v, c in arcs:
            dist[v] = min(dist[v], dist[u] + c)
    return dist


@st.composite
def graphs(draw: st.DrawFn) -> tuple[int, list[tuple[int, int, int]]]:
    """Arcs whose costs are a potential's difference plus something not negative, so that no
    cycle is negative while paths of many arcs still lower distances."""
    nodes = draw(st.integers(1, 12))
    height = draw(st.lists(st.integers(-50, 50), min_size=nodes, max_size=nodes))
    arcs = draw(
        st.lists(
            st.tuples(st.integers(0, nodes - 1), st.integers(0, nodes - 1), st.integers(0, 5)),
            max_size=40,
        )
    )
    return nodes, [(u, v, height[v] - height[u] + extra) for u, v, extra in arcs if u != v]


def potentials(nodes: int, arcs: list[tuple[int, int, int]], used: int = 0) -> np.ndarray:
    """`_potentials` over arcs of capacity 1 carrying ``used`` (0: forward arcs only)."""
    tails, heads, costs = (np.array([a[i] for a in arcs], np.int64) for i in range(3))
    caps = np.ones(len(arcs), np.int64)
    return _potentials(nodes, tails, heads, caps, costs, np.full(len(arcs), used, np.int64))


@settings(max_examples=200, deadline=None)
@given(graphs())
def test_the_potentials_are_the_shortest_distances(graph: tuple[int, list]) -> None:
    nodes, arcs = graph
    assert potentials(nodes, arcs).tolist() == shortest(nodes, arcs)
    # A saturated arc leaves only its reverse, at the opposite cost.
    saturated = [(v, u, -c) for u, v, c in arcs]
    assert potentials(nodes, saturated, used=1).tolist() == shortest(nodes, arcs)


def test_a_negative_cycle_means_the_flow_was_not_optimal() -> None:
    with pytest.raises(SolverError, match="negative cycle"):
        potentials(3, [(0, 1, 2), (1, 2, -1), (2, 0, -2)])
