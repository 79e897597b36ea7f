"""The Two Heads matching engine: pure Python, numpy, scipy and OR-Tools; never Django."""

from twoheads.matching.engine import check_pair, match, suggest
from twoheads.matching.model import (
    InputProblem,
    MatchInputError,
    MatchResult,
    PairCheck,
    PairResult,
    Person,
    Rules,
    Suggestion,
    Summary,
    Unmatched,
    Weights,
)
from twoheads.matching.pool import Pool, compile_pool
from twoheads.matching.reader import (
    FileRecords,
    PersonRow,
    check_rows,
    file_kind,
    manager_cycles,
    read_people,
    read_records,
    read_rows,
    read_rules,
    read_rules_for,
)
from twoheads.matching.skills import fold_skill

__all__ = [
    "FileRecords",
    "InputProblem",
    "MatchInputError",
    "MatchResult",
    "PairCheck",
    "PairResult",
    "Person",
    "PersonRow",
    "Pool",
    "Rules",
    "Suggestion",
    "Summary",
    "Unmatched",
    "Weights",
    "check_pair",
    "check_rows",
    "compile_pool",
    "file_kind",
    "fold_skill",
    "manager_cycles",
    "match",
    "read_people",
    "read_records",
    "read_rows",
    "read_rules",
    "read_rules_for",
    "suggest",
]
