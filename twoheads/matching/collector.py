"""Python's cyclic garbage collector, paused while the engine builds many objects at once.

A collection walks every container object alive, and a programme of 100,000 people holds
millions of them (each person, their sets of skills and interests, every pair's result). While
the engine builds objects by the hundred thousand, the collector would start over and over and
find nothing: what the engine builds holds no reference cycles, and ordinary reference counting
frees it. docs/performance.md says what pausing it saves.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
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
