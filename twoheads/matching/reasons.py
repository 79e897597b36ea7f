"""Why a participant was left unmatched, in words a programme manager can act on."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from twoheads.matching import explain
from twoheads.matching.candidates import skill_blocks, sort_key
from twoheads.matching.model import PairResult, Unmatched
from twoheads.matching.pool import IntArray, Pool
from twoheads.matching.scoring import RULES, evaluate


def unmatched(pool: Pool, pairs: Sequence[PairResult], seed: int) -> tuple[Unmatched, ...]:
    """A reason for every participant left without any partner."""
    paired = {p.mentor for p in pairs} | {p.mentee for p in pairs}
    partners: dict[str, list[str]] = {}
    for p in pairs:
        partners.setdefault(p.mentor, []).append(p.mentee)
        partners.setdefault(p.mentee, []).append(p.mentor)
    out: list[Unmatched] = []
    for role, side in (("mentee", pool.mentees), ("mentor", pool.mentors)):
        ids = [pool.people[g].id for g in side.tolist()]
        rows = np.array([i for i, pid in enumerate(ids) if pid not in paired], np.int64)
        if len(rows):
            out.extend(_side(pool, role, rows, partners, seed))
    return tuple(sorted(out, key=lambda u: (u.role != "mentee", u.id)))


def _side(
    pool: Pool, role: str, rows: IntArray, partners: dict[str, list[str]], seed: int
) -> list[Unmatched]:
    """Reasons for the unmatched of one side, evaluated in blocks of rows."""
    side = pool.mentees if role == "mentee" else pool.mentors
    other = pool.mentors if role == "mentee" else pool.mentees
    reasons: list[Unmatched] = []
    stats = {int(r): _Stats() for r in rows}
    teach_n, learn_n = _flow_counts(pool, role, rows)
    for j, r in enumerate(rows.tolist()):
        stats[r].teach, stats[r].learn = int(teach_n[j]), int(learn_n[j])
    for mentor_l, mentee_l, teach, learn in skill_blocks(
        pool, by=role, rows=rows, cols=np.arange(len(other))
    ):
        _tally(pool, role, rows, stats, (mentor_l, mentee_l, teach, learn), seed)
    for r in rows.tolist():
        person = int(side[r])
        text = stats[r].reason(pool, person, role, partners)
        reasons.append(Unmatched(id=pool.people[person].id, role=role, reason=text))
    return reasons


def _flow_counts(pool: Pool, role: str, rows: IntArray) -> tuple[IntArray, IntArray]:
    """Per person: how many others could teach them, and how many they could teach."""
    if role == "mentee":
        taught = pool.wants_e[rows] @ pool.offers_m_t
        teaches = pool.offers_e[rows] @ pool.wants_m_t
        return np.diff(taught.tocsr().indptr), np.diff(teaches.tocsr().indptr)
    taught = pool.wants_m[rows] @ pool.offers_e_t
    teaches = pool.offers_m[rows] @ pool.wants_e_t
    return np.diff(teaches.tocsr().indptr), np.diff(taught.tocsr().indptr)


Block = tuple[IntArray, IntArray, np.ndarray, np.ndarray]


def _tally(
    pool: Pool, role: str, rows: IntArray, stats: dict[int, _Stats], block: Block, seed: int
) -> None:
    """Count, per person in the block, candidates removed by each rule, and the best one left."""
    mentor_l, mentee_l, teach, learn = block
    scored = evaluate(pool, pool.mentors[mentor_l], pool.mentees[mentee_l], teach, learn)
    own = mentee_l if role == "mentee" else mentor_l
    where = np.searchsorted(rows, own)
    size = len(rows)
    mutual = np.bincount(where, minlength=size)
    broken = {k: np.bincount(where, weights=v, minlength=size) for k, v in scored.broken.items()}
    valid = scored.valid
    valid_n = np.bincount(where[valid], minlength=size)
    key = sort_key(scored.score_int, scored.mentor, scored.mentee, seed)
    best = np.flatnonzero(valid)[np.lexsort((-key[valid], where[valid]))]
    owners, first = np.unique(where[best], return_index=True)
    best_at = dict(zip(owners.tolist(), best[first].tolist(), strict=True))
    for pos in np.flatnonzero(mutual).tolist():
        s = stats[int(rows[pos])]
        s.mutual += int(mutual[pos])
        s.valid += int(valid_n[pos])
        for name in s.broken:
            s.broken[name] += int(broken[name][pos])
        i = best_at.get(pos)
        if i is not None and key[i] > s.best_key:
            s.best_key = int(key[i])
            s.best = (int(scored.mentor[i]), int(scored.mentee[i]), float(scored.score[i]))


class _Stats:
    """What happened to one person's candidates."""

    def __init__(self) -> None:
        self.teach = self.learn = self.mutual = self.valid = 0
        self.broken = dict.fromkeys(RULES, 0)
        self.best: tuple[int, int, float] | None = None
        self.best_key = -1

    def reason(self, pool: Pool, person: int, role: str, partners: dict[str, list[str]]) -> str:
        other = "mentor" if role == "mentee" else "mentee"
        gives, takes = ("learn", "teach") if role == "mentee" else ("teach", "learn")
        if pool.capacity[person] == 0:
            return "Their capacity is 0, so they take no partner this time."
        wants = explain.missing_skills(pool, person, "wants")
        offers = explain.missing_skills(pool, person, "offers")
        if not wants:
            return "They listed no skills they want to learn; add some to their profile."
        if getattr(self, takes) == 0:
            return f"No {other} offers any of: {wants}."
        if pool.rules.require_mutual and getattr(self, gives) == 0:
            if not offers:
                return (
                    "They listed no skills they offer, and the programme requires mutual benefit."
                )
            return f"No {other} wants any of what they offer: {offers}."
        if self.mutual == 0:
            return (
                f"The {other}s who offer what they want want nothing they offer "
                "(the programme requires mutual benefit)."
            )
        if self.valid == 0:
            return explain.removed_text(self.broken, self.mutual, other).capitalize() + "."
        return self._taken(pool, role, partners)

    def _taken(self, pool: Pool, role: str, partners: dict[str, list[str]]) -> str:
        assert self.best is not None
        m, e, score = self.best
        best = pool.people[m] if role == "mentee" else pool.people[e]
        others = [pool.people[pool.index[i]].label for i in partners.get(best.id, [])]
        taken = f", is paired with {', '.join(others)}" if others else " was not chosen"
        plural = "s" if self.valid > 1 else ""
        return (
            f"All {self.valid} suitable {'mentor' if role == 'mentee' else 'mentee'}{plural} "
            f"went to others; the best, {best.label} (score {score:.2f}){taken}."
        )
