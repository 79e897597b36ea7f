"""The engine pauses Python's cycle collector while it runs, and gives back the state it found."""

import gc
import os
from pathlib import Path

import numpy as np
import pytest

from twoheads.matching import collector, compile_pool, engine, match
from twoheads.matching.model import Person, Rules


@pytest.fixture
def collector_on():
    was_on = gc.isenabled()
    gc.enable()
    yield
    if not was_on:
        gc.disable()


def test_paused_inside_and_on_again_after(collector_on):
    with collector.paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_on_again_after_an_error(collector_on):
    with pytest.raises(ValueError), collector.paused():
        raise ValueError("boom")
    assert gc.isenabled()


def test_nested_blocks_leave_it_paused_until_the_outer_one_ends(collector_on):
    with collector.paused():
        with collector.paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_turned_off_before_stays_off(collector_on):
    gc.disable()
    with collector.paused():
        pass
    assert not gc.isenabled()


def test_the_engine_pauses_it_while_it_runs(collector_on, monkeypatch):
    seen = []
    people = [
        Person(id="m", role="mentor", level=1, offers=(("python", 3),), wants=(("sales", 2),)),
        Person(id="e", role="mentee", level=5, offers=(("sales", 3),), wants=(("python", 2),)),
    ]
    original = engine.compile_pool

    def watching(*args, **kwargs):
        seen.append(gc.isenabled())
        return original(*args, **kwargs)

    monkeypatch.setattr(engine, "compile_pool", watching)
    result = match(people, Rules())
    assert seen == [False]
    assert len(result.pairs) == 1
    assert gc.isenabled()


def test_compiling_a_pool_pauses_it_too(collector_on, monkeypatch):
    from twoheads.matching import pool

    seen = []
    original = pool._index

    def watching(people):
        seen.append(gc.isenabled())
        return original(people)

    monkeypatch.setattr(pool, "_index", watching)
    compile_pool([Person(id="m", role="mentor", level=1)], Rules())
    assert seen == [False]
    assert gc.isenabled()


def _resident_mb() -> int:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") // 2**20


@pytest.mark.skipif(
    collector._MALLOC_TRIM is None or not Path("/proc/self/statm").exists(),
    reason="needs glibc's malloc_trim and /proc",
)
def test_give_back_returns_freed_memory_to_the_system():
    # Arrays under the allocator's own threshold, freed between others still alive: the C
    # heap keeps their pages until they are given back.
    arrays = [np.ones(12_000) for _ in range(3_000)]  # about 280 MB
    alive = arrays[::10]
    del arrays
    held = _resident_mb()
    collector.give_back()
    assert held - _resident_mb() > 150
    assert sum(a.sum() for a in alive) == 300 * 12_000


def test_a_match_gives_memory_back_when_it_ends(monkeypatch):
    calls = []
    monkeypatch.setattr(collector, "give_back", lambda: calls.append("back"))
    people = [Person(id="m", role="mentor", level=1), Person(id="e", role="mentee", level=4)]
    match(people, Rules(), mode="stable", progress=lambda _, message: calls.append(message))
    assert calls[-2:] == ["done", "back"]
