"""The engine's small array helpers against numpy's own answers."""

from __future__ import annotations

from unittest import mock

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from twoheads.matching import arrays
from twoheads.matching.arrays import distinct_rows

rows = st.one_of(
    hnp.arrays(
        np.int64, hnp.array_shapes(min_dims=2, max_dims=2, max_side=12), elements=st.integers(-3, 3)
    ),
    hnp.arrays(
        np.uint64,
        st.tuples(st.integers(0, 40), st.integers(1, 11)),
        elements=st.integers(0, 2**64 - 1) | st.integers(0, 2),
    ),
    hnp.arrays(
        np.int32,
        st.tuples(st.integers(0, 40), st.integers(1, 5)),
        elements=st.integers(-(2**31), 2**31 - 1) | st.integers(-1, 1),
    ),
)


def numpy_answer(values: np.ndarray) -> tuple[np.ndarray, ...]:
    patterns, first, inverse = np.unique(values, axis=0, return_index=True, return_inverse=True)
    return patterns, first, inverse.ravel()


@settings(max_examples=300, deadline=None)
@given(rows)
def test_distinct_rows_are_numpys(values: np.ndarray) -> None:
    """The same distinct rows, in the same order, with the same first rows and the same
    distinct row for every row."""
    for got, expected in zip(distinct_rows(values), numpy_answer(values), strict=True):
        assert got.tolist() == expected.tolist()


@settings(max_examples=100, deadline=None)
@given(rows)
def test_distinct_rows_when_every_row_mixes_to_the_same_number(values: np.ndarray) -> None:
    """Rows that mix to one number but differ are told apart by numpy's own comparison."""
    with mock.patch.object(arrays, "_MIX", np.zeros(64, np.uint64)):
        for got, expected in zip(distinct_rows(values), numpy_answer(values), strict=True):
            assert got.tolist() == expected.tolist()


@settings(max_examples=200, deadline=None)
@given(
    hnp.arrays(
        np.int64,
        st.integers(0, 300),
        elements=st.one_of(st.integers(-3, 3), st.integers(-(2**62), 2**62)),
    )
)
def test_stable_order_is_numpys_stable_argsort(values: np.ndarray) -> None:
    """Few distinct values (ties in input order) and values too far apart to pack alike."""
    expected = np.argsort(values, kind="stable")
    assert arrays.stable_order(values).tolist() == expected.tolist()
    small = values.astype(np.int32).clip(-5, 5)  # another integer type
    assert arrays.stable_order(small).tolist() == np.argsort(small, kind="stable").tolist()


def test_stable_order_keeps_ties_in_input_order_among_millions() -> None:
    values = np.random.default_rng(1).integers(0, 1000, 2_000_000)
    assert np.array_equal(arrays.stable_order(values), np.argsort(values, kind="stable"))
