"""Fixtures for the engine's tests: plain people, no Django settings needed."""

from __future__ import annotations

import pytest

from twoheads.matching import Person, Rules


def mentor(pid: str, name: str, **fields: object) -> Person:
    """A junior reverse mentor (level 2 unless told)."""
    fields.setdefault("level", 2)
    return Person(id=pid, name=name, role="mentor", **fields)  # type: ignore[arg-type]


def mentee(pid: str, name: str, **fields: object) -> Person:
    """A senior mentee (level 7 unless told)."""
    fields.setdefault("level", 7)
    return Person(id=pid, name=name, role="mentee", **fields)  # type: ignore[arg-type]


@pytest.fixture
def priya() -> Person:
    """Priya, a junior analyst who offers generative AI tools and wants to learn negotiation."""
    return mentor(
        "priya",
        "Priya",
        department="Digital",
        site="Leeds",
        offers=(("generative AI tools", 3), ("social media strategy", 2)),
        wants=(("negotiation", 3),),
        interests=frozenset({"cycling", "sustainability"}),
    )


@pytest.fixture
def margaret() -> Person:
    """Margaret, a finance director who negotiates and wants to understand GenAI."""
    return mentee(
        "margaret",
        "Margaret",
        level=8,
        department="Finance",
        site="London",
        offers=(("negotiation", 3), ("budgeting", 2)),
        wants=(("GenAI", 3), ("Social-Media Strategy", 1)),
        interests=frozenset({"cycling", "opera"}),
    )


@pytest.fixture
def rules() -> Rules:
    """Default rules with the GenAI aliases."""
    return Rules(aliases={"GenAI": "generative AI tools", "Gen AI": "generative AI tools"})
