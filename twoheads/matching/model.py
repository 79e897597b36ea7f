"""The engine's inputs and outputs: plain frozen values, never mutated."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

Skill = tuple[str, int]


class MatchInputError(ValueError):
    """Invalid input to the engine; ``errors`` lists every problem found."""

    def __init__(self, message: str, errors: tuple[InputProblem, ...] = ()) -> None:
        super().__init__(message)
        self.errors = errors or (InputProblem(message=message),)


@dataclass(frozen=True, kw_only=True, slots=True)
class InputProblem:
    """One problem in an input file: where it is and what was expected."""

    message: str
    file: str = ""
    row: int | None = None
    column: str = ""
    value: str = ""
    expected: str = ""

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True, kw_only=True, slots=True)
class Person:
    """A participant (mentor or mentee) or someone who only appears in the org chart."""

    id: str
    name: str = ""
    email: str = ""
    role: str = ""
    organisation: str = ""
    department: str = ""
    site: str = ""
    manager_id: str | None = None
    level: int | None = None
    timezone: str = "UTC"
    languages: tuple[str, ...] = ("en",)
    offers: tuple[Skill, ...] = ()
    wants: tuple[Skill, ...] = ()
    interests: frozenset[str] = frozenset()
    availability: tuple[tuple[int, int, int], ...] = ()
    capacity: int = 1
    exclude: frozenset[str] = frozenset()
    past_partners: frozenset[str] = frozenset()
    ranking: tuple[str, ...] = ()
    style: tuple[Skill, ...] = ()

    @property
    def label(self) -> str:
        """The name when known, else the id."""
        return self.name or self.id


@dataclass(frozen=True, kw_only=True, slots=True)
class Weights:
    """How much each component counts in the score; normalised to sum to one."""

    benefit: float = 0.5
    compatibility: float = 0.35
    reach: float = 0.15

    def normalised(self) -> tuple[float, float, float]:
        """The three weights scaled to sum to one."""
        total = self.benefit + self.compatibility + self.reach
        if total <= 0:
            return (1 / 3, 1 / 3, 1 / 3)
        return (self.benefit / total, self.compatibility / total, self.reach / total)


def _freeze_aliases(
    aliases: Mapping[str, str] | tuple[tuple[str, str], ...],
) -> tuple[tuple[str, str], ...]:
    items = aliases.items() if isinstance(aliases, Mapping) else aliases
    return tuple(sorted((str(a), str(c)) for a, c in items))


@dataclass(frozen=True, kw_only=True, slots=True)
class Rules:
    """A programme's matching rules and weights."""

    type: str = "reverse"
    min_level_gap: int = 2
    require_mutual: bool = True
    min_compatibility: float = 0.3
    min_overlap_hours: float = 1.0
    cross_organisation: bool = False
    allow_same_department: bool = True
    weights: Weights = field(default_factory=Weights)
    aliases: tuple[tuple[str, str], ...] = ()
    locked: tuple[tuple[str, str], ...] = ()
    blocked: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        # Accept a plain dict of aliases but store it frozen and hashable.
        object.__setattr__(self, "aliases", _freeze_aliases(self.aliases))
        if self.type not in ("reverse", "traditional"):
            raise MatchInputError(f'rules "type": "{self.type}" is not "reverse" or "traditional"')

    @property
    def alias_map(self) -> dict[str, str]:
        """The alias table as a dict (a new one on every call)."""
        return dict(self.aliases)


@dataclass(frozen=True, kw_only=True, slots=True)
class PairResult:
    """One proposed pair with its score and the reasons for it."""

    mentor: str
    mentee: str
    score: float
    components: dict[str, float]
    explanation: str
    teaches: tuple[Skill, ...] = ()
    learns: tuple[Skill, ...] = ()
    shared_interests: tuple[str, ...] = ()
    overlap_hours: float = 0.0
    locked: bool = False
    broken_rules: tuple[str, ...] = ()
    why: str = ""  # the explanation without what only the manager is told (lock, rules broken)

    def to_json(self) -> dict[str, Any]:
        """The pair in the published JSON shape."""
        return {
            "mentor": self.mentor,
            "mentee": self.mentee,
            "score": round(self.score, 6),
            "components": {k: round(v, 6) for k, v in self.components.items()},
            "explanation": self.explanation,
            "teaches": [list(s) for s in self.teaches],
            "learns": [list(s) for s in self.learns],
            "shared_interests": list(self.shared_interests),
            "overlap_hours": self.overlap_hours,
            "locked": self.locked,
            "broken_rules": list(self.broken_rules),
        }


@dataclass(frozen=True, kw_only=True, slots=True)
class Unmatched:
    """A participant left without a partner, and a reason a manager can act on."""

    id: str
    role: str
    reason: str

    def to_json(self) -> dict[str, Any]:
        """The unmatched participant in the published JSON shape."""
        return {"id": self.id, "role": self.role, "reason": self.reason}


@dataclass(frozen=True, kw_only=True, slots=True)
class Suggestion:
    """A possible partner for one participant (suggest mode)."""

    person: str
    partner: str
    rank: int
    score: float
    components: dict[str, float]
    explanation: str
    role: str = ""  # the person's: "mentor" or "mentee"

    @property
    def mentor(self) -> str:
        """The mentor of the suggested pair."""
        return self.person if self.role == "mentor" else self.partner

    @property
    def mentee(self) -> str:
        """The mentee of the suggested pair."""
        return self.partner if self.role == "mentor" else self.person

    def to_json(self) -> dict[str, Any]:
        """The suggestion in the published JSON shape."""
        return {
            "person": self.person,
            "role": self.role,
            "partner": self.partner,
            "rank": self.rank,
            "score": round(self.score, 6),
            "components": {k: round(v, 6) for k, v in self.components.items()},
            "explanation": self.explanation,
        }


@dataclass(frozen=True, kw_only=True, slots=True)
class PairCheck:
    """A manager's proposed pair checked against the rules."""

    mentor: str
    mentee: str
    score: float
    components: dict[str, float]
    explanation: str
    broken_rules: tuple[str, ...]

    @property
    def allowed(self) -> bool:
        """True when the pair breaks no rule."""
        return not self.broken_rules


@dataclass(frozen=True, kw_only=True, slots=True)
class Summary:
    """Totals of a run; ``upper_bound`` equals ``total_score`` when proven optimal. A run in
    suggest mode makes no pairs: it counts suggestions, and who has any, instead."""

    mentors: int
    mentees: int
    pairs: int
    matched_mentees: int
    total_score: float
    min_score: float
    upper_bound: float
    optimal: bool
    seconds: float
    candidates: int = 0
    mode: str = "optimal"
    suggestions: int = 0
    mentors_suggested: int = 0
    mentees_suggested: int = 0
    top: int = 0  # the most suggestions a person gets

    def to_json(self) -> dict[str, Any]:
        """The summary in the published JSON shape."""
        if self.mode == "suggest":
            return {
                "mentors": self.mentors,
                "mentees": self.mentees,
                "suggestions": self.suggestions,
                "mentors_with_suggestions": self.mentors_suggested,
                "mentees_with_suggestions": self.mentees_suggested,
                "top": self.top,
                "seconds": round(self.seconds, 3),
                "candidates": self.candidates,
                "mode": self.mode,
            }
        return {
            "mentors": self.mentors,
            "mentees": self.mentees,
            "pairs": self.pairs,
            "matched_mentees": self.matched_mentees,
            "total_score": round(self.total_score, 6),
            "min_score": round(self.min_score, 6),
            "upper_bound": round(self.upper_bound, 6),
            "optimal": self.optimal,
            "seconds": round(self.seconds, 3),
            "candidates": self.candidates,
            "mode": self.mode,
        }


@dataclass(frozen=True, kw_only=True, slots=True)
class MatchResult:
    """Everything a run produced."""

    pairs: tuple[PairResult, ...]
    unmatched: tuple[Unmatched, ...]
    summary: Summary
    suggestions: tuple[Suggestion, ...] = ()
    stable: bool | None = None

    def to_json(self) -> dict[str, Any]:
        """The result in the JSON shape the command writes."""
        out: dict[str, Any] = {
            "pairs": [p.to_json() for p in self.pairs],
            "unmatched": [u.to_json() for u in self.unmatched],
            "summary": self.summary.to_json(),
        }
        if self.suggestions:
            out["suggestions"] = [s.to_json() for s in self.suggestions]
        if self.stable is not None:
            out["summary"]["stable"] = self.stable
        return out
