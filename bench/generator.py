"""A seeded, realistic pool: long-tailed skills, an org chart, sites and time zones."""

from __future__ import annotations

import csv
import os

import numpy as np

from twoheads.matching import Person
from twoheads.matching.reader import COLUMNS, STYLE_PREFIX

SKILLS = 2000
INTERESTS = 150
DEPARTMENTS = 24
SITES = 8
ZONES = (
    "Europe/London",
    "Europe/London",
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "Asia/Kolkata",
    "Asia/Singapore",
)
LANGUAGES = ("en", "de", "fr", "hi", "es")
STYLE_QUESTIONS = ("pace", "structure", "directness")


def _zipf(rng: np.random.Generator, size: int, count: int, exponent: float) -> np.ndarray:
    weights = 1.0 / np.arange(1, size + 1) ** exponent
    return rng.choice(size, size=count, replace=False, p=weights / weights.sum())


def pool(mentors: int, mentees: int, seed: int = 0, exponent: float = 0.9) -> list[Person]:
    """Mentors (junior) and mentees (senior) under a tree of managers."""
    rng = np.random.default_rng(seed)
    managers = _managers(rng, max(10, (mentors + mentees) // 20))
    people = list(managers)
    ids_at = [p.id for p in managers]
    for i in range(mentors + mentees):
        role = "mentor" if i < mentors else "mentee"
        people.append(_person(rng, i, role, ids_at, exponent))
    return people


def _managers(rng: np.random.Generator, count: int) -> list[Person]:
    out = [Person(id="ceo", name="Chief Executive", level=12)]
    for i in range(1, count):
        parent = out[int(rng.integers(0, max(1, i // 4)))] if i > 1 else out[0]
        out.append(
            Person(
                id=f"boss{i}", manager_id=parent.id, level=10, department=f"Dept {i % DEPARTMENTS}"
            )
        )
    return out


def _skills(rng: np.random.Generator, low: int, high: int, exponent: float) -> tuple:
    picks = _zipf(rng, SKILLS, int(rng.integers(low, high + 1)), exponent)
    return tuple((f"skill {s}", int(rng.integers(1, 4))) for s in picks.tolist())


def _person(
    rng: np.random.Generator, i: int, role: str, managers: list[str], exponent: float
) -> Person:
    junior = role == "mentor"
    zone = ZONES[int(rng.integers(0, len(ZONES)))]
    extra = LANGUAGES[int(rng.integers(1, len(LANGUAGES)))]
    return Person(
        id=f"p{i}",
        name=f"Person {i}",
        role=role,
        department=f"Dept {int(rng.integers(0, DEPARTMENTS))}",
        site=f"Site {int(rng.integers(0, SITES))}",
        manager_id=managers[int(rng.integers(0, len(managers)))],
        level=int(rng.integers(1, 5) if junior else rng.integers(4, 10)),
        timezone=zone,
        languages=("en", extra) if rng.random() < 0.3 else ("en",),
        offers=_skills(rng, 5, 10, exponent),
        wants=_skills(rng, 3, 6, exponent),
        interests=frozenset(f"interest {t}" for t in _zipf(rng, INTERESTS, 4, 0.8).tolist()),
        capacity=int(rng.choice([1, 1, 1, 2])) if junior else 1,
        style=tuple((q, int(rng.integers(1, 6))) for q in STYLE_QUESTIONS),
    )


def write_csv(people: list[Person], path: str | os.PathLike[str]) -> None:
    """The people as a participant file of the command (docs/csv-format.md), with every column
    the reader knows; reading it back gives the same people."""
    styles = [f"{STYLE_PREFIX}{q}" for q in STYLE_QUESTIONS]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, [*COLUMNS, *styles], restval="")
        writer.writeheader()
        for p in people:
            writer.writerow(
                {
                    "id": p.id,
                    "name": p.name,
                    "role": p.role,
                    "department": p.department,
                    "site": p.site,
                    "manager_id": p.manager_id or "",
                    "level": "" if p.level is None else p.level,
                    "timezone": p.timezone,
                    "languages": "; ".join(p.languages),
                    "offers": "; ".join(f"{skill}:{level}" for skill, level in p.offers),
                    "wants": "; ".join(f"{skill}:{priority}" for skill, priority in p.wants),
                    "interests": "; ".join(sorted(p.interests)),
                    "capacity": p.capacity if p.role else "",
                    **{f"{STYLE_PREFIX}{q}": n for q, n in p.style},
                }
            )
