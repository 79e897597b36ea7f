"""The engine's entry points: match, suggest and check_pair."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse as sp

from twoheads.matching import collector, explain, reasons, repair, stable
from twoheads.matching.candidates import (
    NONE,
    BlockPlan,
    Candidates,
    each_block,
    generate,
    in_parallel,
    narrowed,
    plan_groups,
    skill_block,
    skill_blocks,
    sort_key,
    top_per_group,
    union_pairs,
    valid_pairs,
    whole_right,
)
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
)
from twoheads.matching.pool import IntArray, Pool, compile_pool
from twoheads.matching.scoring import SCALE, Scored, evaluate, finish, partial_scores
from twoheads.matching.solver import Flow, bottleneck, solve

MODES = ("optimal", "stable", "suggest")
SOLVER_DEPTH = 10  # candidates given to the solver per person at first
RESERVE_DEPTH = 100  # pairs scored per person for the certificate to check without rescoring
# Mentors keep half as many (times their capacity): each mentor's best are kept from a stream of
# blocks, and a longer list lets tens of millions more pairs through on their way; the mentees'
# lists already bound most left-out pairs.
MENTOR_RESERVE_SHARE = 0.5
# Left-out pairs within this many millionths of improving the flow join it together with the
# ones that would, so that the duals settle in fewer rounds.
NEAR = 20_000
# Beyond this share of the mentees plus share of the mentors whose duals moved since the last
# rescan of everyone, everyone is rescanned (`_Run._moved`).
MOVED_MOST = 0.5
# A grown flow is repaired from the last one (`repair.improve`) rather than solved afresh when
# it has this many pairs or more and at most REPAIR_MOST of the pairs added could improve it:
# each of those costs one shortest-path search, and below this size a fresh solve is quick.
REPAIR_FROM = 200_000
REPAIR_MOST = 500
STABLE_DEPTH = 50
SUGGEST_DEPTH = 10
Progress = Callable[[float, str], None]


@collector.paused()
def match(
    people: Sequence[Person] | Pool,
    rules: Rules | None = None,
    *,
    mode: str = "optimal",
    fairness: bool = False,
    seed: int = 0,
    top_k: int | None = None,
    time_limit: float | None = None,
    progress: Progress | None = None,
) -> MatchResult:
    """Pair mentors with mentees; ``mode`` is optimal (exact), stable or suggest."""
    if mode not in MODES:
        raise MatchInputError(f'mode "{mode}" is not one of {", ".join(MODES)}')
    if top_k is not None and top_k < 1:
        raise MatchInputError(f"top_k must be at least 1, got {top_k}")
    if time_limit is not None and not time_limit > 0:
        raise MatchInputError(f"time_limit must be a positive number of seconds, got {time_limit}")
    run = _Run(_pool(people, rules), seed, time.perf_counter(), time_limit, progress)
    if mode == "suggest":
        result = run.suggest_all(top_k or SUGGEST_DEPTH)
    elif mode == "stable":
        result = run.stable(top_k or STABLE_DEPTH)
    else:
        result = run.optimal(fairness)
    del run
    collector.give_back()  # a worker process keeps running after the match
    return result


def _pool(people: Sequence[Person] | Pool, rules: Rules | None) -> Pool:
    if isinstance(people, Pool):
        if rules is not None and rules != people.rules:
            return compile_pool(people.people, rules)
        return people
    return compile_pool(people, rules or Rules())


@dataclass(frozen=True, slots=True)
class _Rescan:
    """A rescan of everyone whose left-out pairs the k-th best bound did not cover: the flow
    whose duals it was made with, and those mentees and mentors (local positions)."""

    flow: Flow
    rows: IntArray
    cols: IntArray


@dataclass
class _Run:
    """One run of the engine over a compiled pool."""

    pool: Pool
    seed: int
    started: float
    time_limit: float | None
    progress: Progress | None

    def __post_init__(self) -> None:
        self.locked = _locked(self.pool)
        taken_m = np.bincount(self._local_m(self.locked.mentor), minlength=self.n_m)
        taken_e = np.bincount(self._local_e(self.locked.mentee), minlength=self.n_e)
        self.cap_m = np.maximum(self.pool.capacity[self.pool.mentors] - taken_m, 0)
        self.cap_e = np.maximum(self.pool.capacity[self.pool.mentees] - taken_e, 0)

    @property
    def n_m(self) -> int:
        return len(self.pool.mentors)

    @property
    def n_e(self) -> int:
        return len(self.pool.mentees)

    def _local_m(self, mentor: IntArray) -> IntArray:
        return np.searchsorted(self.pool.mentors, mentor)

    def _local_e(self, mentee: IntArray) -> IntArray:
        return np.searchsorted(self.pool.mentees, mentee)

    def _tell(self, fraction: float, message: str) -> None:
        if self.progress is not None:
            self.progress(min(max(fraction, 0.0), 1.0), message)

    def _out_of_time(self) -> bool:
        limit = self.time_limit
        return limit is not None and time.perf_counter() - self.started > limit

    def optimal(self, fairness: bool) -> MatchResult:
        mentor_reserve = int(RESERVE_DEPTH * MENTOR_RESERVE_SHARE)
        cands = self._candidates(SOLVER_DEPTH, RESERVE_DEPTH, mentor_reserve)
        mentor, mentee, score = self._without_locked(cands.mentor, cands.mentee, cands.score_int)
        flow, mentor, mentee, score, certified = self._certify(cands, mentor, mentee, score, 0)
        if fairness and len(flow.chosen):
            floor = bottleneck(self.cap_m, self.cap_e, mentor, mentee, score, len(flow.chosen))
            self._tell(0.9, "maximising the lowest pair score")
            keep = score >= floor
            flow, mentor, mentee, score, certified = self._certify(
                cands, mentor[keep], mentee[keep], score[keep], floor
            )
        chosen = flow.chosen
        bound = _upper_bound(cands, self.cap_m, self.cap_e)
        if not certified:
            dual = _dual_bound(flow, (mentor, mentee, score), cands, self.cap_m, self.cap_e)
            bound = min(bound, dual)
        return self._result(mentor[chosen], mentee[chosen], cands, certified, bound, "optimal")

    def _candidates(
        self,
        depth: int,
        reserve: int = 0,
        mentor_reserve: int | None = None,
        *,
        mentors: bool = True,
    ) -> Candidates:
        self._tell(0.0, "finding candidate pairs from skills")
        return generate(
            self.pool,
            depth,
            self.seed,
            self._scoring_progress,
            reserve,
            mentors=mentors,
            mentor_reserve=mentor_reserve,
        )

    def _scoring_progress(self, fraction: float, message: str) -> None:
        self._tell(0.7 * fraction, message)

    def _without_locked(
        self, mentor: IntArray, mentee: IntArray, score: IntArray
    ) -> tuple[IntArray, IntArray, IntArray]:
        if not len(self.locked.mentor):
            return mentor, mentee, score
        locked = self._local_m(self.locked.mentor) * self.n_e + self._local_e(self.locked.mentee)
        keep = ~np.isin(mentor * self.n_e + mentee, locked)
        return mentor[keep], mentee[keep], score[keep]

    def _certify(
        self, cands: Candidates, mentor: IntArray, mentee: IntArray, score: IntArray, floor: int
    ) -> tuple[Flow, IntArray, IntArray, IntArray, bool]:
        """Solve, then add left-out pairs that the duals say could improve it, until none.

        The spare pairs are checked first, from their stored scores, and while any of them
        could improve the flow the duals are still moving, so nothing is scored again. Only
        then are the people whose k-th best bound does not cover their left-out pairs
        scored again.
        """
        spare = self._without_locked(cands.spare_mentor, cands.spare_mentee, cands.spare_score)
        above = spare[2] >= floor
        if not np.all(above):  # without a floor all are, and tens of millions are not copied
            spare = (spare[0][above], spare[1][above], spare[2][above])
        self._tell(0.72, "solving (round 1)")
        flow = solve(self.cap_m, self.cap_e, mentor, mentee, score, self.seed)
        scanned: _Rescan | None = None  # the last rescan of everyone
        for round_number in range(2, 1000):
            slack = flow.slack(*spare)
            if np.any(slack < 0):
                near = slack < NEAR
                found = (spare[0][near], spare[1][near], spare[2][near])
                spare = (spare[0][~near], spare[1][~near], spare[2][~near])
            else:
                found, improving, scanned = self._violations(
                    cands, flow, mentor, mentee, floor, scanned
                )
                if not improving:
                    return flow, mentor, mentee, score, True
            if self._out_of_time():
                return flow, mentor, mentee, score, False
            self._tell(0.7 + 0.02 * round_number, f"solving (round {round_number})")
            grown = union_pairs(self.n_e, (mentor, mentee, score), found)
            flow = self._grown_flow(flow, mentor[flow.chosen], mentee[flow.chosen], found, grown)
            mentor, mentee, score = grown
        return flow, mentor, mentee, score, False

    def _grown_flow(
        self,
        flow: Flow,
        kept_mentor: IntArray,
        kept_mentee: IntArray,
        found: tuple[IntArray, IntArray, IntArray],
        grown: tuple[IntArray, IntArray, IntArray],
    ) -> Flow:
        """The optimal flow over the grown pairs: repaired from the last flow when only a few
        of the pairs found could improve it, else solved afresh."""
        mentor, mentee, score = grown
        gaining = int(np.count_nonzero(flow.slack(*found) < 0))
        if len(mentor) >= REPAIR_FROM and gaining <= REPAIR_MOST:
            keys = mentor * self.n_e + mentee  # ordered, as union_pairs leaves them
            chosen = np.zeros(len(mentor), bool)
            chosen[np.searchsorted(keys, kept_mentor * self.n_e + kept_mentee)] = True
            repaired = repair.improve(
                self.cap_m, self.cap_e, mentor, mentee, score, chosen, flow.potential
            )
            if repaired is not None:
                return repaired
        return solve(self.cap_m, self.cap_e, mentor, mentee, score, self.seed)

    def _violations(
        self,
        cands: Candidates,
        flow: Flow,
        mentor: IntArray,
        mentee: IntArray,
        floor: int,
        scanned: _Rescan | None,
    ) -> tuple[tuple[IntArray, IntArray, IntArray], bool, _Rescan]:
        """Left-out valid pairs within NEAR of improving the flow, whether any would, and the
        last rescan of everyone (``scanned`` or this one).

        A rescan of everyone leaves each left-out pair it did not find at least NEAR from
        improving the flow. Until the duals have moved too far from that rescan's, only the
        people whose duals moved against their pairs by more than NEAR / 2, and those it did
        not need to scan, are scanned again: a pair of two others has lost at most NEAR
        since, so it still cannot improve the flow.
        """
        rows, cols = self._danger(cands, flow)
        empty = np.zeros(0, np.int64)
        if not len(rows) or not len(cols):
            return (empty, empty, empty), False, _Rescan(flow, rows, cols)
        have = np.sort(mentor * self.n_e + mentee)  # the flow's own pairs are not left out
        moved = None if scanned is None else self._moved(flow, scanned, rows, cols)
        if scanned is None or moved is None:
            parts = [self._near(cands, flow, have, floor, rows, cols)]
            scanned = _Rescan(flow, rows, cols)
        else:
            rows_moved, cols_moved = moved
            rows_still = np.setdiff1d(rows, rows_moved)
            parts = [
                self._near(cands, flow, have, floor, rows_moved, cols),
                self._near(cands, flow, have, floor, rows_still, cols_moved),
            ]
        found = [part for chunk in parts for part in chunk]
        if not found:
            return (empty, empty, empty), False, scanned
        m_found, e_found, s_found = (np.concatenate(c) for c in zip(*found, strict=True))
        m_found, e_found, s_found = self._without_locked(m_found, e_found, s_found)
        improving = bool(np.any(flow.slack(m_found, e_found, s_found) < 0))
        return (m_found, e_found, s_found), improving, scanned

    def _moved(
        self, flow: Flow, scanned: _Rescan, rows: IntArray, cols: IntArray
    ) -> tuple[IntArray, IntArray] | None:
        """Of the mentees ``rows`` and mentors ``cols`` whose left-out pairs the k-th best
        bound does not cover now, those that ``scanned`` left out and those whose duals moved
        by more than NEAR / 2 against their pairs since; None when so many did that scanning
        everyone again costs about the same. Neither ``rows`` nor ``cols`` is empty.

        A pair's slack is d_m - d_e less its score, so it falls by (d_e's rise - s) + (s -
        d_m's rise) for any s; s is the middle of the rises, since the duals may all shift
        together without any pair's slack changing.
        """
        rise_m = flow.mentor_potential[cols] - scanned.flow.mentor_potential[cols]
        rise_e = flow.mentee_potential[rows] - scanned.flow.mentee_potential[rows]
        shift = int(np.median(np.concatenate([rise_m, rise_e])))
        half = NEAR // 2
        rows_moved = rows[(rise_e - shift > half) | ~np.isin(rows, scanned.rows)]
        cols_moved = cols[(shift - rise_m > half) | ~np.isin(cols, scanned.cols)]
        if len(rows_moved) / len(rows) + len(cols_moved) / len(cols) > MOVED_MOST:
            return None
        return rows_moved, cols_moved

    def _near(
        self,
        cands: Candidates,
        flow: Flow,
        have: IntArray,
        floor: int,
        rows: IntArray,
        cols: IntArray,
    ) -> list[tuple[IntArray, IntArray, IntArray]]:
        """Left-out valid pairs of mentees ``rows`` and mentors ``cols`` within NEAR of
        improving the flow, scored again in blocks on every core. ``have`` holds the flow's
        pairs as mentor x mentees + mentee, sorted."""
        if not len(rows) or not len(cols):
            return []
        # A left-out pair (m, e) scores at most both k-th bests, so it can come within NEAR
        # of improving the flow only when d_m < tau_e + NEAR and sigma_m < d_e + NEAR.
        tau_e, sigma_m = self._kth_limits(cands, flow)
        d_m = flow.mentor_potential
        tau_near, d_e_near = tau_e + NEAR, flow.mentee_potential + NEAR
        by_columns: dict[int, sp.csc_matrix] = {}

        def narrow(plan: BlockPlan) -> list[BlockPlan]:
            whole = whole_right(self.pool, plan)
            if id(whole) not in by_columns:
                by_columns[id(whole)] = whole.tocsc()
            return narrowed(plan, tau_near, d_e_near, d_m, sigma_m, by_columns[id(whole)])

        plans = [narrow(plan) for plan in plan_groups(self.pool, rows, cols)]
        pool = self.pool

        def block_violations(item: tuple[BlockPlan, int]) -> tuple[IntArray, IntArray, IntArray]:
            m_l, e_l, teach, learn = skill_block(pool, *item)
            need = (d_m[m_l] < tau_near[e_l]) & (sigma_m[m_l] < d_e_near[e_l])
            m_l, e_l, teach, learn = m_l[need], e_l[need], teach[need], learn[need]
            gm, ge = pool.mentors[m_l], pool.mentees[e_l]
            part = partial_scores(pool, gm, ge, teach, learn, placed=item[0].placed)
            # A pair that is not near improving the flow even at its bound is never finished.
            slack = flow.slack(m_l[part.at], e_l[part.at], part.bound)
            at, score = finish(pool, part, (slack < NEAR) & (part.bound >= floor))
            m_l, e_l = m_l[at], e_l[at]
            near = (flow.slack(m_l, e_l, score) < NEAR) & (score >= floor)
            key = m_l * self.n_e + e_l
            at = np.searchsorted(have, key).clip(max=max(len(have) - 1, 0))
            near &= ~(have[at] == key) if len(have) else near
            return m_l[near], e_l[near], score[near]

        found = list(in_parallel(block_violations, each_block([p for c in plans for p in c])))
        del plans
        by_columns.clear()  # the converted skill matrices
        collector.give_back()
        return found

    def _danger(self, cands: Candidates, flow: Flow) -> tuple[IntArray, IntArray]:
        """Mentees and mentors whose left-out pairs are not covered by the k-th best bound."""
        d_m, d_e = flow.mentor_potential, flow.mentee_potential
        real_m = (cands.kth_mentor != NONE) & (self.cap_m > 0)
        real_e = (cands.kth_mentee != NONE) & (self.cap_e > 0)
        if not real_m.any() or not real_e.any():
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        tau_e, sigma_m = self._kth_limits(cands, flow)
        rows = np.flatnonzero(real_e & (tau_e > d_m[real_m].min()))
        cols = np.flatnonzero(real_m & (sigma_m < d_e[real_e].max()))
        return rows, cols

    @staticmethod
    def _kth_limits(cands: Candidates, flow: Flow) -> tuple[IntArray, IntArray]:
        """tau_e and sigma_m: a left-out pair (m, e) could improve the flow only when
        d_m < tau_e and sigma_m < d_e (its score is at most both people's k-th best)."""
        tau_e = flow.mentee_potential + flow.big + cands.kth_mentee
        sigma_m = flow.mentor_potential - flow.big - cands.kth_mentor
        return tau_e, sigma_m

    def stable(self, depth: int) -> MatchResult:
        # Deferred acceptance reads only the mentees' lists: their best ``depth`` each.
        cands = self._candidates(depth, mentors=False)
        mentor, mentee, score = self._without_locked(cands.mentor, cands.mentee, cands.score_int)
        mentor, mentee, score = self._with_rankings(mentor, mentee, score)
        self._tell(0.8, "deferred acceptance")
        outcome = stable.deferred_acceptance(
            self.pool, self.cap_m, self.cap_e, mentor, mentee, score, depth, self.seed
        )
        bound = _upper_bound(cands, self.cap_m, self.cap_e)
        return self._result(
            outcome.mentor, outcome.mentee, cands, False, bound, "stable", outcome.stable
        )

    def _with_rankings(
        self, mentor: IntArray, mentee: IntArray, score: IntArray
    ) -> tuple[IntArray, IntArray, IntArray]:
        """Add the valid pairs people ranked, even outside their top candidates."""
        ranked = stable.ranked_pairs(self.pool)
        if not len(ranked[0]):
            return mentor, mentee, score
        scored = evaluate(self.pool, ranked[0], ranked[1])
        scored = scored.take(scored.valid)
        extra = (self._local_m(scored.mentor), self._local_e(scored.mentee), scored.score_int)
        return self._without_locked(*union_pairs(self.n_e, (mentor, mentee, score), extra))

    def suggest_all(self, depth: int) -> MatchResult:
        cands = self._candidates(depth)
        key = sort_key(cands.score_int, cands.mentor, cands.mentee, self.seed)
        depth_m = np.full(self.n_m, depth, np.int64)
        depth_e = np.full(self.n_e, depth, np.int64)
        by_e = top_per_group(cands.mentee, key, depth_e)
        by_m = top_per_group(cands.mentor, key, depth_m)
        suggestions = (
            *self._suggestions(cands, by_e, key, "mentee"),
            *self._suggestions(cands, by_m, key, "mentor"),
        )
        # Everyone with a valid pair has some, so those without are told why they have none,
        # in the words a match gives someone with no valid pair.
        known = reasons.Known(
            cands.valid_mentor, cands.valid_mentee, cands.mentor, cands.mentee, cands.score_int
        )
        suggested = frozenset(s.person for s in suggestions)
        unmatched = reasons.unmatched(self.pool, (), self.seed, known, placed=suggested)
        summary = replace(
            self._summary((), cands, False, 0.0, "suggest"),
            suggestions=len(suggestions),
            mentors_suggested=len(np.unique(cands.mentor[by_m])),
            mentees_suggested=len(np.unique(cands.mentee[by_e])),
            top=depth,
        )
        return MatchResult(pairs=(), unmatched=unmatched, summary=summary, suggestions=suggestions)

    def _suggestions(
        self, cands: Candidates, picked: IntArray, key: IntArray, side: str
    ) -> list[Suggestion]:
        mentor = self.pool.mentors[cands.mentor[picked]]
        mentee = self.pool.mentees[cands.mentee[picked]]
        scored = evaluate(self.pool, mentor, mentee)
        owner = mentee if side == "mentee" else mentor
        order = np.lexsort((-key[picked], owner))
        out: list[Suggestion] = []
        rank, last = 0, -1
        for i in order.tolist():
            rank = rank + 1 if owner[i] == last else 1
            last = int(owner[i])
            out.append(_suggestion(self.pool, scored, i, side, rank))
        return out

    def _result(
        self,
        mentor: IntArray,
        mentee: IntArray,
        cands: Candidates,
        certified: bool,
        bound: float,
        mode: str,
        is_stable: bool | None = None,
    ) -> MatchResult:
        self._tell(0.95, "writing explanations")
        scored = evaluate(self.pool, self.pool.mentors[mentor], self.pool.mentees[mentee])
        order = np.lexsort((scored.mentee, scored.mentor))
        scored = scored.take(order)
        teaches = explain.flows_of_pairs(self.pool, scored.mentor, scored.mentee)
        learns = explain.flows_of_pairs(self.pool, scored.mentee, scored.mentor)
        pairs = _pairs(self.pool, scored, locked=False, flows=(teaches, learns))
        pairs += _pairs(self.pool, self.locked, locked=True)
        # The candidates and spare pairs hold each person's best valid pair; only those of
        # people left without a partner are read, and there are far fewer of them.
        paired_m = np.zeros(self.n_m, bool)
        paired_m[mentor] = paired_m[self._local_m(self.locked.mentor)] = True
        paired_e = np.zeros(self.n_e, bool)
        paired_e[mentee] = paired_e[self._local_e(self.locked.mentee)] = True

        def unpaired(m: IntArray, e: IntArray, s: IntArray) -> tuple[IntArray, ...]:
            keep = ~paired_m[m] | ~paired_e[e]
            return m[keep], e[keep], s[keep]

        parts = zip(
            unpaired(cands.mentor, cands.mentee, cands.score_int),
            unpaired(cands.spare_mentor, cands.spare_mentee, cands.spare_score),
            strict=True,
        )
        known = reasons.Known(
            cands.valid_mentor, cands.valid_mentee, *(np.concatenate(p) for p in parts)
        )
        unmatched = reasons.unmatched(self.pool, pairs, self.seed, known)
        summary = self._summary(tuple(pairs), cands, certified, bound, mode)
        self._tell(1.0, "done")
        return MatchResult(
            pairs=tuple(pairs), unmatched=unmatched, summary=summary, stable=is_stable
        )

    def _summary(
        self,
        pairs: tuple[PairResult, ...],
        cands: Candidates,
        certified: bool,
        bound: float,
        mode: str,
    ) -> Summary:
        total = float(sum(p.score for p in pairs))
        locked_total = float(sum(p.score for p in pairs if p.locked))
        return Summary(
            mentors=self.n_m,
            mentees=self.n_e,
            pairs=len(pairs),
            matched_mentees=len({p.mentee for p in pairs}),
            total_score=total,
            min_score=min((p.score for p in pairs), default=0.0),
            upper_bound=total if certified else max(total, bound + locked_total),
            optimal=certified,
            seconds=time.perf_counter() - self.started,
            candidates=cands.size,
            mode=mode,
        )


def _upper_bound(cands: Candidates, cap_m: IntArray, cap_e: IntArray) -> float:
    """No matching beats every mentee taking its best valid pair on every free place, nor
    every mentor doing so: the lower of the two sums. The candidates and spare pairs hold
    everyone's best valid pair."""
    sides = []
    for cap, people, spare in (
        (cap_m, cands.mentor, cands.spare_mentor),
        (cap_e, cands.mentee, cands.spare_mentee),
    ):
        best = np.zeros(len(cap), np.int64)
        np.maximum.at(best, people, cands.score_int)
        np.maximum.at(best, spare, cands.spare_score)
        sides.append(int((best * cap).sum()))
    return min(sides) / SCALE


def _dual_bound(
    flow: Flow,
    pairs: tuple[IntArray, IntArray, IntArray],
    cands: Candidates,
    cap_m: IntArray,
    cap_e: IntArray,
) -> float:
    """An upper bound on the total score of the best matching, from the potentials of a flow
    that is optimal over ``pairs`` only (local positions, scores in millionths).

    By LP duality for b-matching, no matching's worth (BIG + score a pair) exceeds
    sum(cap_m a_m) + sum(cap_e b_e) + sum(g_me) for any a, b, g >= 0 with
    a_m + b_e + g_me >= BIG + score for every valid pair. Here a_m = max(d_m - k, 0) and
    b_e = max(k - d_e, 0) for a node potential k. A known pair (the flow's or a spare one)
    that these do not cover is covered by its own g, or by raising its mentee's b or its
    mentor's a by the most any of their pairs lacks, whichever costs least. A pair never
    found scores at most both people's k-th best, which one side's duals are then raised to
    cover. The best matching has at least as many pairs as the flow, so BIG for each of the
    flow's pairs comes off.
    """
    d = flow.potential
    d_m, d_e = flow.mentor_potential, flow.mentee_potential
    mentor = np.concatenate([pairs[0], cands.spare_mentor])
    mentee = np.concatenate([pairs[1], cands.spare_mentee])
    worth = flow.big + np.concatenate([pairs[2], cands.spare_score])
    left_m, left_e = cands.kth_mentor != NONE, cands.kth_mentee != NONE
    totals = []
    for k in sorted({int(d[0]), int(d[-1])}):  # the source's and the sink's, often equal
        alpha, beta = np.maximum(d_m - k, 0), np.maximum(k - d_e, 0)
        lack = np.maximum(worth - alpha[mentor] - beta[mentee], 0)
        most_e, most_m = np.zeros(len(d_e), np.int64), np.zeros(len(d_m), np.int64)
        np.maximum.at(most_e, mentee, lack)
        np.maximum.at(most_m, mentor, lack)
        for a, b, gamma in (
            (alpha, beta, int(lack.sum())),
            (alpha, beta + most_e, 0),
            (alpha + most_m, beta, 0),
        ):
            duals = [(a, b)]
            if left_m.any() and left_e.any():
                raised_e = flow.big + cands.kth_mentee - int(a[left_m].min())
                raised_m = flow.big + cands.kth_mentor - int(b[left_e].min())
                duals = [
                    (a, np.where(left_e, np.maximum(b, raised_e), b)),
                    (np.where(left_m, np.maximum(a, raised_m), a), b),
                ]
            totals += [int((x * cap_m).sum()) + int((y * cap_e).sum()) + gamma for x, y in duals]
    return (min(totals) - flow.big * len(flow.chosen)) / SCALE


def _locked(pool: Pool) -> Scored:
    """The manager's locked pairs, each once, scored; unknown ids or wrong roles are input
    errors, all of them named at once."""
    mentor, mentee, problems = [], [], []
    for m_id, e_id in dict.fromkeys(pool.rules.locked):
        m, e = _role_problem(pool, m_id, "mentor"), _role_problem(pool, e_id, "mentee")
        problems += [f'rules "locked": {p}' for p in (m, e) if isinstance(p, str)]
        if isinstance(m, int) and isinstance(e, int):
            mentor.append(m)
            mentee.append(e)
    if problems:
        errors = tuple(InputProblem(message=p, column="locked") for p in dict.fromkeys(problems))
        raise MatchInputError("; ".join(e.message for e in errors), errors)
    return evaluate(pool, np.array(mentor, np.int64), np.array(mentee, np.int64))


def _position(pool: Pool, person_id: str, role: str) -> int:
    where = _role_problem(pool, person_id, role)
    if isinstance(where, str):
        raise MatchInputError(where)
    return where


def _role_problem(pool: Pool, person_id: str, role: str) -> int | str:
    """The person's position when they are a ``role``, else what is wrong."""
    where = pool.index.get(person_id)
    if where is None:
        return f'"{person_id}" is not anyone in the people file'
    if pool.people[where].role != role:
        return f'"{person_id}" ({pool.people[where].label}) is not a {role}'
    return where


def _pairs(
    pool: Pool,
    scored: Scored,
    *,
    locked: bool,
    flows: tuple[Sequence[tuple[explain.Skill, ...]], Sequence[tuple[explain.Skill, ...]]]
    | None = None,
) -> list[PairResult]:
    """The pairs of ``scored`` as results, with their explanations; ``flows`` are the skills
    flowing each way, pair by pair, when already known."""
    mentors, mentees = scored.mentor.tolist(), scored.mentee.tolist()
    if flows is None:
        flows = (
            [explain.flows(pool, m, e) for m, e in zip(mentors, mentees, strict=True)],
            [explain.flows(pool, e, m) for m, e in zip(mentors, mentees, strict=True)],
        )
    teaches, learns = flows
    interests = [
        explain.shared_interests(pool, m, e) for m, e in zip(mentors, mentees, strict=True)
    ]
    texts = explain.pair_texts(pool, scored, teaches, learns, interests)
    rows = zip(
        mentors,
        mentees,
        scored.score.tolist(),
        scored.overlap_hours.tolist(),
        scored.all_components(),
        texts,
        strict=True,
    )
    over = explain.over_capacity(pool, mentors, mentees) if locked else []
    out = []
    for i, (m, e, score, hours, components, text) in enumerate(rows):
        broken: tuple[str, ...] = ()
        why = text
        if locked:
            broken = (*explain.broken_text(pool, scored, i), *over[i])
            text = "Locked by the programme manager. " + text
            if broken:
                text += " It breaks: " + "; ".join(broken) + "."
        out.append(
            PairResult(
                mentor=pool.people[m].id,
                mentee=pool.people[e].id,
                score=score,
                components=components,
                explanation=text,
                why=why,
                teaches=teaches[i],
                learns=learns[i],
                shared_interests=interests[i],
                overlap_hours=hours,
                locked=locked,
                broken_rules=broken,
            )
        )
    return out


def _suggestion(pool: Pool, scored: Scored, i: int, side: str, rank: int) -> Suggestion:
    m, e = int(scored.mentor[i]), int(scored.mentee[i])
    person, partner = (e, m) if side == "mentee" else (m, e)
    return Suggestion(
        person=pool.people[person].id,
        partner=pool.people[partner].id,
        rank=rank,
        score=float(scored.score[i]),
        components=scored.components(i),
        explanation=explain.pair_text(pool, scored, i),
        role=side,
    )


@collector.paused()
def suggest(
    people: Sequence[Person] | Pool,
    rules: Rules | None,
    person_id: str,
    k: int = 10,
    *,
    seed: int = 0,
) -> tuple[Suggestion, ...]:
    """The top k partners for one participant, best first.

    Pass a compiled Pool (see `compile_pool`) to answer many requests against one pool fast.
    """
    pool = _pool(people, rules)
    where = pool.index.get(person_id)
    if where is None:
        raise MatchInputError(f'"{person_id}" is not anyone in the pool')
    role = pool.people[where].role
    if role not in ("mentor", "mentee"):
        raise MatchInputError(f'"{person_id}" is neither a mentor nor a mentee')
    side = pool.mentees if role == "mentee" else pool.mentors
    other = pool.mentors if role == "mentee" else pool.mentees
    row = np.array([np.searchsorted(side, where)], np.int64)
    blocks = list(skill_blocks(pool, by=role, rows=row, cols=np.arange(len(other))))
    scored = valid_pairs(pool, *[np.concatenate(c) for c in zip(*blocks, strict=True)])
    key = sort_key(scored.score_int, scored.mentor, scored.mentee, seed)
    order = np.argsort(-key, kind="stable")[:k]
    return tuple(_suggestion(pool, scored, int(i), role, r + 1) for r, i in enumerate(order))


def check_pair(
    people: Sequence[Person] | Pool, rules: Rules | None, mentor_id: str, mentee_id: str
) -> PairCheck:
    """Score a proposed pair and list, in plain words, every rule it breaks."""
    pool = _pool(people, rules)
    m, e = _position(pool, mentor_id, "mentor"), _position(pool, mentee_id, "mentee")
    scored = evaluate(pool, np.array([m]), np.array([e]))
    return PairCheck(
        mentor=mentor_id,
        mentee=mentee_id,
        score=float(scored.score[0]),
        components=scored.components(0),
        explanation=explain.pair_text(pool, scored, 0),
        broken_rules=explain.broken_text(pool, scored, 0),
    )
