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
