"""Python's cyclic garbage collector, paused while the engine builds many objects at once.

A collection walks every container object alive, and a programme of 100,000 people holds
millions of them (each person, their sets of skills and interests, every pair's result). While
the engine builds objects by the hundred thousand, the collector would start over and over and
find nothing: what the engine builds holds no reference cycles, and ordinary reference counting
frees it. docs/performance.md says what pausing it saves.

Memory freed by the engine's arrays also stays with the process unless it is given back
(`give_back`).
"""

from __future__ import annotations

import ctypes
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """No cyclic collection inside the block; the collector is switched back on after it only
    if it was on before, so nested blocks and a process that turned it off keep their state."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _trim() -> Callable[[int], int] | None:
    try:
        trim: Callable[[int], int] | None = getattr(ctypes.CDLL(None), "malloc_trim", None)
        return trim
    except (OSError, TypeError):  # no C library to look in this way
        return None


_MALLOC_TRIM = _trim()


def give_back() -> None:
    """Return the C heap's free memory to the system, where the C library can (glibc's
    ``malloc_trim``; elsewhere nothing happens).

    The scan's threads allocate and free block after block of arrays, mostly too small for
    the allocator to hand back by itself: at 100,000 x 100,000 about 2.4 GB stays with the
    process once the candidates are found, raising the peak of everything after them, and
    the memory of a worker process long after a run.
    """
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)
