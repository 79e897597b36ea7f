"""Skill names folded so that `GenAI`, `gen ai` and `Generative AI` meet."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

_NON_WORD = re.compile(r"[^0-9a-z+#]+")


def fold_name(name: str) -> str:
    """Lower-case, strip accents and punctuation, collapse spacing."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return _NON_WORD.sub(" ", text).strip()


def fold_skill(name: str, aliases: Mapping[str, str] | None = None) -> str:
    """The canonical form of a skill name after folding and the alias table.

    Aliases are compared folded and without spaces, so `GenAI` and `gen ai` hit one alias.
    """
    folded = fold_name(name)
    if not aliases:
        return folded
    table = fold_aliases(aliases)
    return table.get(folded.replace(" ", ""), folded)


def fold_aliases(aliases: Mapping[str, str]) -> dict[str, str]:
    """The alias table keyed by squashed folded alias, valued by folded canonical name."""
    table: dict[str, str] = {}
    for alias, canonical in aliases.items():
        target = fold_name(canonical)
        table[fold_name(alias).replace(" ", "")] = target
        table.setdefault(target.replace(" ", ""), target)
    return table


class SkillFolder:
    """A reusable folder for one alias table (the hot path folds thousands of names)."""

    def __init__(self, aliases: Mapping[str, str] | None = None) -> None:
        self._table = fold_aliases(aliases or {})
        self._cache: dict[str, str] = {}

    def __call__(self, name: str) -> str:
        hit = self._cache.get(name)
        if hit is None:
            folded = fold_name(name)
            hit = self._table.get(folded.replace(" ", ""), folded)
            self._cache[name] = hit
        return hit
