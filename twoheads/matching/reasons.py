"""Why a participant was left unmatched, in words a programme manager can act on."""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import partial

import numpy as np
import scipy.sparse as sp

from twoheads.matching import explain
from twoheads.matching.candidates import (
    BLOCK_PAIRS,
    BlockPlan,
    each_block,
    in_parallel,
    plan_blocks,
    plan_groups,
    skill_block,
    sort_key,
    top_per_group,
)
from twoheads.matching.model import PairResult, Unmatched
from twoheads.matching.pool import BoolArray, IntArray, Pool
from twoheads.matching.scoring import (
    RULES,
    chart_room,
    evaluate,
    finish,
    finish_rules_ok,
    partial_scores,
)


@dataclass(frozen=True, slots=True)
class Known:
    """What candidate generation already found: everyone's number of valid pairs (by local
    position) and pairs (local positions, scores in millionths) that include the best valid
    pair of each person left without a partner (other pairs may be left out)."""

    valid_mentor: IntArray
    valid_mentee: IntArray
    mentor: IntArray
    mentee: IntArray
    score: IntArray


def unmatched(
    pool: Pool,
    pairs: Sequence[PairResult],
    seed: int,
    known: Known | None = None,
    *,
    placed: AbstractSet[str] = frozenset(),
) -> tuple[Unmatched, ...]:
    """A reason for every participant left without any partner, other than the ids in
    ``placed`` (in suggest mode, those with suggestions).

    With ``known``, the valid counts and best pairs are read from it; only people with no
    valid pair at all are scanned, rule by rule.
    """
    paired = {p.mentor for p in pairs} | {p.mentee for p in pairs} | placed
    partners: dict[str, list[str]] = {}
    for p in pairs:
        partners.setdefault(p.mentor, []).append(p.mentee)
        partners.setdefault(p.mentee, []).append(p.mentor)
    out: list[Unmatched] = []
    for role, side in (("mentee", pool.mentees), ("mentor", pool.mentors)):
        ids = [pool.people[g].id for g in side.tolist()]
        rows = np.array([i for i, pid in enumerate(ids) if pid not in paired], np.int64)
        if len(rows):
            out.extend(_side(pool, role, rows, partners, seed, known))
    return tuple(sorted(out, key=lambda u: (u.role != "mentee", u.id)))


def _side(
    pool: Pool,
    role: str,
    rows: IntArray,
    partners: dict[str, list[str]],
    seed: int,
    known: Known | None,
) -> list[Unmatched]:
    """Reasons for the unmatched of one side, evaluated in blocks of rows on every core."""
    side = pool.mentees if role == "mentee" else pool.mentors
    other = pool.mentors if role == "mentee" else pool.mentees
    everyone = np.arange(len(other))
    size = len(rows)
    if known is None:
        # Valid pairs and the best of them need only the partners the per-person rules allow.
        plans = plan_groups(pool, rows, everyone, by=role)
        tallies = _tallies(pool, role, rows, plans, seed, count_rules=False)
        mutual = sum((t.mutual for t in tallies), np.zeros(size, np.int64))
        valid = sum((t.valid for t in tallies), np.zeros(size, np.int64))
        best_m = np.concatenate([t.best_m for t in tallies] or [np.zeros(0, np.int64)])
        best_e = np.concatenate([t.best_e for t in tallies] or [np.zeros(0, np.int64)])
        best_at = np.concatenate([t.best_at for t in tallies] or [np.zeros(0, np.int64)])
    else:
        valid = (known.valid_mentee if role == "mentee" else known.valid_mentor)[rows]
        # Whoever has a valid pair shares skills both ways with someone: at least that many.
        mutual = valid.copy()
        best_at, best_m, best_e = _known_best(pool, role, rows, known, seed)
    broken = {k: np.zeros(size) for k in RULES}
    # Those with no valid pair at all are told what removed them: every pair sharing skills
    # both ways is counted, rule by rule.
    none = np.flatnonzero(valid == 0)
    if len(none):
        again = rows[none]
        plan = plan_blocks(pool, by=role, rows=again, cols=everyone)
        recount = _tallies(pool, role, again, [plan], seed, count_rules=True)
        mutual[none] = sum((t.mutual for t in recount), np.zeros(len(none), np.int64))
        for k in RULES:
            broken[k][none] = sum((t.broken[k] for t in recount), np.zeros(len(none)))
    # The best pair's score as the pair pages show it.
    shown = evaluate(pool, best_m, best_e).score
    best = {
        int(pos): (int(m), int(e), float(score))
        for pos, m, e, score in zip(best_at, best_m, best_e, shown, strict=True)
    }
    taught, teaches = _flows(pool, role, rows, mutual)
    columns = zip(
        side[rows].tolist(),
        taught.tolist(),
        teaches.tolist(),
        mutual.tolist(),
        valid.tolist(),
        strict=True,
    )
    removed = {k: v.astype(np.int64).tolist() for k, v in broken.items()}
    reasons: list[Unmatched] = []
    for pos, (person, can_learn, can_teach, n_mutual, n_valid) in enumerate(columns):
        stats = _Stats(
            teach=can_learn,
            learn=can_teach,
            mutual=n_mutual,
            valid=n_valid,
            broken={k: v[pos] for k, v in removed.items()},
            best=best.get(pos),
        )
        text = stats.reason(pool, person, role, partners)
        reasons.append(Unmatched(id=pool.people[person].id, role=role, reason=text))
    return reasons


def _known_best(
    pool: Pool, role: str, rows: IntArray, known: Known, seed: int
) -> tuple[IntArray, IntArray, IntArray]:
    """Each person's best valid pair among the known ones, as (position in ``rows``, mentor,
    mentee), global positions, ordered as a scan would order them."""
    owner = known.mentee if role == "mentee" else known.mentor
    where = np.searchsorted(rows, owner).clip(max=len(rows) - 1)  # rows is never empty
    mine = np.flatnonzero(rows[where] == owner)
    gm, ge = pool.mentors[known.mentor[mine]], pool.mentees[known.mentee[mine]]
    key = sort_key(known.score[mine], gm, ge, seed)
    top = top_per_group(where[mine], key, np.ones(len(rows), np.int64), ordered=False)
    return where[mine][top], gm[top], ge[top]


def _tallies(
    pool: Pool,
    role: str,
    rows: IntArray,
    plans: list[BlockPlan],
    seed: int,
    *,
    count_rules: bool,
) -> list[_Tallied]:
    """`_tally` over every block of ``plans``, on every core."""
    work = partial(_tally, pool, role, rows, seed, count_rules=count_rules)
    return list(in_parallel(work, each_block(plans)))


def _flows(pool: Pool, role: str, rows: IntArray, mutual: IntArray) -> tuple[BoolArray, BoolArray]:
    """Per person: whether anyone could teach them, and whether they could teach anyone.

    With mutual benefit required, a pair sharing skills both ways answers yes to both, so
    only people with no such pair are looked up.
    """
    if not pool.rules.require_mutual:
        by_others, by_them = _flow_counts(pool, role, rows)
        return by_others > 0, by_them > 0
    taught, teaches = mutual > 0, mutual > 0
    alone = np.flatnonzero(mutual == 0)
    by_others, by_them = _flow_counts(pool, role, rows[alone])
    taught[alone], teaches[alone] = by_others > 0, by_them > 0
    return taught, teaches


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
    """Per position in ``rows``, for one block: candidates sharing skills both ways, valid
    ones, those each rule removed, and each person's best valid pair (at ``best_at``)."""

    mutual: IntArray
    valid: IntArray
    broken: dict[str, np.ndarray]
    best_at: IntArray
    best_m: IntArray
    best_e: IntArray


def _tally(
    pool: Pool,
    role: str,
    rows: IntArray,
    seed: int,
    item: tuple[BlockPlan, int],
    *,
    count_rules: bool,
) -> _Tallied:
    """Count, per person in the block, candidates removed by each rule, and the best one left.

    Valid pairs come from the fast scoring; with ``count_rules``, people left with no valid
    candidate at all have their candidates scored again rule by rule, for the counts their
    reason gives.
    """
    mentor_l, mentee_l, teach, learn = skill_block(pool, *item)
    gm, ge = pool.mentors[mentor_l], pool.mentees[mentee_l]
    own = mentee_l if role == "mentee" else mentor_l
    where = np.searchsorted(rows, own)
    size = len(rows)
    mutual = np.bincount(where, minlength=size)
    part = partial_scores(pool, gm, ge, teach, learn, placed=item[0].placed)
    ok = np.flatnonzero(finish_rules_ok(pool, part.mentor, part.mentee, placed=part.placed))
    owner, bound = where[part.at[ok]], part.bound[ok]
    valid = np.bincount(owner, minlength=size)
    # Only pairs whose bound reaches their person's best score can be that best.
    highest = np.full(size, np.iinfo(np.int64).min, np.int64)
    np.maximum.at(highest, owner, bound)
    at, score = finish(pool, part, ok[bound >= highest[owner] - chart_room(pool)])
    broken = {k: np.zeros(size) for k in RULES}
    none = (mutual > 0) & (valid == 0)
    if count_rules and none.any():
        sel = np.flatnonzero(none[where])
        scored = evaluate(pool, gm[sel], ge[sel], teach[sel], learn[sel])
        for name, mask in scored.broken.items():
            broken[name] = np.bincount(where[sel], weights=mask, minlength=size)
    key = sort_key(score, gm[at], ge[at], seed)
    top = at[top_per_group(where[at], key, np.ones(size, np.int64), ordered=False)]
    return _Tallied(mutual, valid, broken, where[top], gm[top], ge[top])


@dataclass(slots=True)
class _Stats:
    """What happened to one person's candidates."""

    teach: bool  # someone on the other side could teach them something they want
    learn: bool  # they could teach someone on the other side something
    mutual: int
    valid: int
    broken: dict[str, int]
    best: tuple[int, int, float] | None

    def reason(self, pool: Pool, person: int, role: str, partners: dict[str, list[str]]) -> str:
        other = "mentor" if role == "mentee" else "mentee"
        gives, takes = ("learn", "teach") if role == "mentee" else ("teach", "learn")
        if pool.capacity[person] == 0:
            return "Their capacity is 0, so they take no partner this time."
        if not explain.lists_skills(pool, person, "wants"):
            return "They listed no skills they want to learn; add some to their profile."
        if not getattr(self, takes):
            return f"No {other} offers any of: {explain.missing_skills(pool, person, 'wants')}."
        if pool.rules.require_mutual and not getattr(self, gives):
            offers = explain.missing_skills(pool, person, "offers")
            if not offers:
                return (
                    "They listed no skills they offer, and the programme requires mutual benefit."
                )
            return f"No {other} wants any of what they offer: {offers}."
        if self.mutual == 0:
            return (
                f"Every {other} who offers something they want to learn wants nothing they "
                "offer in return (the programme requires mutual benefit)."
            )
        if self.valid == 0:
            return explain.removed_text(self.broken, self.mutual, other).capitalize() + "."
        return self._taken(pool, role, partners)

    def _taken(self, pool: Pool, role: str, partners: dict[str, list[str]]) -> str:
        assert self.best is not None
        m, e, score = self.best
        best = pool.people[m] if role == "mentee" else pool.people[e]
        others = [pool.people[pool.index[i]].label for i in partners.get(best.id, [])]
        taken = f"is paired with {', '.join(others)}" if others else "was not chosen"
        other = "mentor" if role == "mentee" else "mentee"
        if self.valid == 1:
            return f"Their one suitable {other}, {best.label} (score {score:.2f}), {taken}."
        return (
            f"{'Both' if self.valid == 2 else f'All {self.valid}'} suitable {other}s went to "
            f"others; the best, {best.label} "
            f"(score {score:.2f}), {taken}."
        )
