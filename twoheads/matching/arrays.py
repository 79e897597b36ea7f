"""Small array helpers shared by the engine's modules."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]


def ranges(start: IntArray, count: IntArray) -> IntArray:
    """The ranges start[i] .. start[i] + count[i] - 1, one after the other, in one array."""
    count = np.asarray(count, np.int64)
    ends = np.cumsum(count)
    return np.asarray(
        np.repeat(start - ends + count, count) + np.arange(int(ends[-1]) if len(ends) else 0)
    )


# Odd multipliers that mix a row of whole numbers into one 64-bit number (fixed, so that runs
# repeat exactly).
_MIX = np.random.default_rng(20261126).integers(1, 1 << 63, 64, dtype=np.uint64) | np.uint64(1)


def distinct_rows(
    rows: npt.NDArray[np.integer],
) -> tuple[npt.NDArray[np.integer], IntArray, IntArray]:
    """``np.unique(rows, axis=0, return_index=True, return_inverse=True)`` for whole numbers:
    the distinct rows in ascending order, each one's first row, and each row's distinct row.

    numpy compares whole rows to find them, which takes most of a second for 200,000 rows.
    Here each row is mixed into one number and those are sorted instead; the rows are then
    checked against their distinct rows, and any clash of numbers goes the numpy way.
    """
    if rows.ndim == 2 and len(rows) and rows.shape[1] <= len(_MIX):
        mixed = (rows.astype(np.uint64) * _MIX[: rows.shape[1]]).sum(axis=1, dtype=np.uint64)
        _, first, inverse = np.unique(mixed, return_index=True, return_inverse=True)
        if np.array_equal(rows[first][inverse], rows):
            # np.unique orders the distinct rows column by column, the first column first.
            order = np.lexsort(rows[first].T[::-1])
            rank = np.empty(len(order), np.int64)
            rank[order] = np.arange(len(order))
            return rows[first[order]], first[order], rank[inverse.ravel()]
    patterns, first, inverse = np.unique(rows, axis=0, return_index=True, return_inverse=True)
    return patterns, first, inverse.ravel()


def stable_order(values: npt.NDArray[np.integer]) -> IntArray:
    """``np.argsort(values, kind="stable")`` for whole numbers.

    Where each value and its position pack into one int64, the packed numbers are all
    distinct and sorting them (the processor's vectorised sort, several times faster than a
    stable argsort of millions) gives the same order.
    """
    n = len(values)
    if not n:
        return np.zeros(0, np.int64)
    low, high = int(values.min()), int(values.max())
    if high - low >= (1 << 62) // n:
        return np.asarray(np.argsort(values, kind="stable"), np.int64)
    packed = values.astype(np.int64)
    packed -= low
    packed *= n
    packed += np.arange(n)
    packed.sort()
    packed %= n
    return packed
