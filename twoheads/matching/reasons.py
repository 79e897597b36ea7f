"""Why a participant was left unmatched, in words a programme manager can act on."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

import numpy as np
import scipy.sparse as sp

from twoheads.matching import explain
from twoheads.matching.candidates import (
    BLOCK_PAIRS,
    BlockPlan,
    in_parallel,
    plan_blocks,
    skill_block,
    sort_key,
)
from twoheads.matching.model import PairResult, Unmatched
from twoheads.matching.pool import IntArray, Pool
from twoheads.matching.scoring import RULES, evaluate, valid_scores


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
    """Reasons for the unmatched of one side, evaluated in blocks of rows on every core."""
    side = pool.mentees if role == "mentee" else pool.mentors
    other = pool.mentors if role == "mentee" else pool.mentees
    stats = {int(r): _Stats() for r in rows}
    teach_n, learn_n = _flow_counts(pool, role, rows)
    for j, r in enumerate(rows.tolist()):
        stats[r].teach, stats[r].learn = int(teach_n[j]), int(learn_n[j])
    plan = plan_blocks(pool, by=role, rows=rows, cols=np.arange(len(other)))
    tally = partial(_tally, pool, role, rows, plan, seed)
    for block in in_parallel(tally, plan.starts):
        for pos, s in zip(block.positions.tolist(), block.stats, strict=True):
            stats[int(rows[pos])] = s.with_flows(stats[int(rows[pos])])
    best = [s.best for s in stats.values() if s.best is not None]
    if best:
        # The best pair's score as the pair pages show it.
        m, e = (np.array(c, np.int64) for c in zip(*[(b[0], b[1]) for b in best], strict=True))
        shown = evaluate(pool, m, e).score
        for s, score in zip([s for s in stats.values() if s.best is not None], shown, strict=True):
            assert s.best is not None
            s.best = (s.best[0], s.best[1], float(score))
    reasons: list[Unmatched] = []
    for r in rows.tolist():
        person = int(side[r])
        text = stats[r].reason(pool, person, role, partners)
        reasons.append(Unmatched(id=pool.people[person].id, role=role, reason=text))
    return reasons


def _flow_counts(pool: Pool, role: str, rows: IntArray) -> tuple[IntArray, IntArray]:
    """Per person: how many others could teach them, and how many they could teach."""
    if role == "mentee":
        taught_by, teaches = (pool.wants_e, pool.offers_m_t), (pool.offers_e, pool.wants_m_t)
    else:
        taught_by, teaches = (pool.wants_m, pool.offers_e_t), (pool.offers_m, pool.wants_e_t)
    counts = []
    for left, right in (taught_by, teaches):
        # In slices of rows, so that the products never hold more than a block's pairs.
        step = max(1, BLOCK_PAIRS // max(1, right.shape[1]))
        parts = [
            np.diff(sp.csr_matrix(left[rows[i : i + step]] @ right).indptr)
            for i in range(0, len(rows), step)
        ]
        counts.append(np.concatenate(parts) if parts else np.zeros(0, np.int64))
    return counts[0], counts[1]


@dataclass(frozen=True, slots=True)
class _Tallied:
    """The stats of the people (positions in ``rows``) of one block."""

    positions: IntArray
    stats: list[_Stats]


def _tally(
    pool: Pool, role: str, rows: IntArray, plan: BlockPlan, seed: int, start: int
) -> _Tallied:
    """Count, per person in the block, candidates removed by each rule, and the best one left.

    Valid pairs come from the fast scoring; only people left with no valid candidate at all
    have their candidates scored again rule by rule, for the counts their reason gives.
    """
    mentor_l, mentee_l, teach, learn = skill_block(pool, plan, start)
    gm, ge = pool.mentors[mentor_l], pool.mentees[mentee_l]
    own = mentee_l if role == "mentee" else mentor_l
    where = np.searchsorted(rows, own)
    size = len(rows)
    mutual = np.bincount(where, minlength=size)
    at, score = valid_scores(pool, gm, ge, teach, learn)
    valid_n = np.bincount(where[at], minlength=size)
    broken = {k: np.zeros(size) for k in RULES}
    none = (mutual > 0) & (valid_n == 0)
    if none.any():
        sel = np.flatnonzero(none[where])
        scored = evaluate(pool, gm[sel], ge[sel], teach[sel], learn[sel])
        for name, mask in scored.broken.items():
            broken[name] = np.bincount(where[sel], weights=mask, minlength=size)
    key = sort_key(score, gm[at], ge[at], seed)
    order = np.lexsort((-key, where[at]))
    owners, first = np.unique(where[at][order], return_index=True)
    best_at = dict(zip(owners.tolist(), at[order][first].tolist(), strict=True))
    best_key = dict(zip(owners.tolist(), key[order][first].tolist(), strict=True))
    positions = np.flatnonzero(mutual)
    out: list[_Stats] = []
    for pos in positions.tolist():
        s = _Stats()
        s.mutual, s.valid = int(mutual[pos]), int(valid_n[pos])
        for name in s.broken:
            s.broken[name] = int(broken[name][pos])
        i = best_at.get(pos)
        if i is not None:
            s.best_key = int(best_key[pos])
            s.best = (int(gm[i]), int(ge[i]), 0.0)
        out.append(s)
    return _Tallied(positions, out)


class _Stats:
    """What happened to one person's candidates."""

    def __init__(self) -> None:
        self.teach = self.learn = self.mutual = self.valid = 0
        self.broken = dict.fromkeys(RULES, 0)
        self.best: tuple[int, int, float] | None = None
        self.best_key = -1

    def with_flows(self, earlier: _Stats) -> _Stats:
        """These counts, with the skill-flow counts found before."""
        self.teach, self.learn = earlier.teach, earlier.learn
        return self

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
