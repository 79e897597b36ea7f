"""numba's compiler, with the compiled code kept on disk where it can be."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from numba import njit


def jit(**options: Any) -> Callable[[Callable[..., Any]], Any]:
    """numba's ``njit`` with the compiled code kept on disk, where numba finds a folder it may
    write to (the package's own, ``NUMBA_CACHE_DIR`` or one in the user's home); with none,
    each process compiles the code again when it first runs."""

    def wrap(function: Callable[..., Any]) -> Any:
        try:
            return njit(cache=True, **options)(function)
        except RuntimeError:  # "cannot cache function ...: no locator available"
            return njit(cache=False, **options)(function)

    return wrap
