"""Candidate pairs from the skills: an inverted index (sparse products) over offers and wants.

With ``require_mutual`` a pair needs a skill flowing each way, so only pairs that share
skills are ever scored. Scoring runs in blocks of rows to bound memory.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from twoheads.matching import collector, compiled
from twoheads.matching.arrays import stable_order
from twoheads.matching.native import jit
from twoheads.matching.pool import BoolArray, FloatArray, IntArray, Pool
from twoheads.matching.scoring import (
    SCALE,
    Scored,
    allowed_by_own_values,
    cheap_rules_ok,
    evaluate,
    finish,
    finish_rules_always_ok,
    finish_rules_ok,
    flow_shares,
    own_value_classes,
    partial_scores,
)

BLOCK_PAIRS = 500_000
SCAN_ROWS = 512  # mentees per block, at least, in the compiled scan
# From this many mentor x mentee pairs on, blocks go through the compiled scan (`compiled`).
# Below it the arrays take a second or less, and loading the compiled code costs about 0.3 s a
# process (several seconds to compile it the first time after an install).
SCAN_FROM = 25_000_000
EVAL_CHUNK = 1_000_000
TIE_BITS = 16  # sort keys: the score in millionths, then a seeded tie-break below it
COMPACT_AT = 2  # the mentors' stored pairs are filtered when this many times their limits wait
TOP_STEP = 1_000  # the mentors' bars rise in steps of a thousandth of a score
RAISE_EVERY = 4  # blocks between raises of the mentors' bars
RAISE_SINGLE = 3  # steps a bar rises one at a time in a block before looking further at once
RAISE_WINDOW = 16  # steps of the histogram a bar is then checked against at once
PROBE = 2  # each mentee's best PROBE x depth pairs by their bound are scored first
NONE = -1  # "no k-th best": everyone this person could pair with is a candidate
Progress = Callable[[float, str], None]


def tie_break(mentor: IntArray, mentee: IntArray, seed: int) -> IntArray:
    """A seeded TIE_BITS-bit hash per pair, so equal scores are ordered the same way every run."""
    with np.errstate(over="ignore"):
        x = mentor.astype(np.uint64)
        x *= np.uint64(0x9E3779B97F4A7C15)
        other = mentee.astype(np.uint64)
        other *= np.uint64(0xC2B2AE3D27D4EB4F)
        x ^= other
        x ^= np.uint64(seed & 0xFFFFFFFF) * np.uint64(0x165667B19E3779F9)
        x ^= x >> np.uint64(29)
        x *= np.uint64(0xBF58476D1CE4E5B9)
        x >>= np.uint64(64 - TIE_BITS)
    return x.view(np.int64)  # below 2**TIE_BITS, so the same number


def sort_key(score_int: IntArray, mentor: IntArray, mentee: IntArray, seed: int) -> IntArray:
    """Score first, then the seeded tie-break; in chunks, so that the hash's temporary arrays
    stay small when there are tens of millions of pairs."""
    key = np.empty(len(score_int), np.int64)
    for start in range(0, len(key), EVAL_CHUNK):
        part = slice(start, start + EVAL_CHUNK)
        key[part] = score_int[part]
        key[part] <<= TIE_BITS
        key[part] |= tie_break(mentor[part], mentee[part], seed)
    return key


@dataclass(frozen=True, slots=True)
class BlockPlan:
    """The two sides' skill matrices for one scan, and how many rows each block takes.

    With ``by_pairs`` the matrices are the index of skill pairs (`skillpairs`), whose product
    lands only on pairs with a skill flowing each way; otherwise the offered and wanted skills
    side by side, whose product lands on every pair sharing a skill either way.
    """

    by: str
    rows: IntArray
    cols: IntArray
    left: sp.csr_matrix
    right: sp.csr_matrix | sp.csc_matrix  # by columns only in a narrowed chunk
    step: int
    placed: bool = False  # every pair it forms passes mutual benefit, level and organisation
    by_pairs: bool = False

    @property
    def scannable(self) -> bool:
        """Whether the compiled scan can take this plan's blocks: every pair comes from the
        index of skill pairs and is placed by class."""
        return self.by_pairs and self.placed

    @property
    def starts(self) -> range:
        """The first row of each block."""
        return range(0, len(self.rows), self.step)


def plan_blocks(pool: Pool, *, by: str, rows: IntArray, cols: IntArray) -> BlockPlan:
    """Blocks of ``rows`` (local positions on side ``by``) against ``cols`` on the other side.

    Mentees all in the index of skill pairs are scanned by it; otherwise one complex sparse
    product gives both directions at once: teach in the real part, learn in the imaginary part.
    """
    pairs = pool.skill_pairs
    by_pairs = by == "mentee" and pairs is not None and bool(np.all(pairs.indexed[rows]))
    left, right = _sides(pool, by, by_pairs)
    left = left[rows]
    if len(cols) != right.shape[1] or np.any(cols != np.arange(len(cols))):
        right = right[:, cols]
    step = min(_rows_per_block(left, right), max(len(rows), 1))
    return BlockPlan(by, rows, cols, left, right, step, by_pairs=by_pairs)


def _sides(pool: Pool, by: str, by_pairs: bool) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """The whole matrices a plan takes its rows (left) and columns (right) from."""
    if by_pairs and pool.skill_pairs is not None:
        return pool.skill_pairs.mentees, pool.skill_pairs.mentors_t
    if by == "mentee":
        return pool.flows_e, pool.flows_m_t
    return pool.flows_m, pool.flows_e_t


def whole_right(pool: Pool, plan: BlockPlan) -> sp.csr_matrix:
    """The matrix whose columns ``plan.cols`` are ``plan.right``."""
    return _sides(pool, plan.by, plan.by_pairs)[1]


def _plans(pool: Pool, by: str, rows: IntArray, cols: IntArray) -> list[BlockPlan]:
    """`plan_blocks` for ``rows``, split in two when only some of them are in the index of
    skill pairs."""
    pairs = pool.skill_pairs
    if by != "mentee" or pairs is None or np.all(pairs.indexed[rows]):
        return [plan_blocks(pool, by=by, rows=rows, cols=cols)]
    inside = pairs.indexed[rows]
    return [
        plan_blocks(pool, by=by, rows=part, cols=cols)
        for part in (rows[inside], rows[~inside])
        if len(part)
    ]


MAX_GROUPS = 64  # beyond this many distinct sets of allowed mentors, every mentee sees all
MAX_CLASS_PAIRS = 1_000_000  # beyond this many pairs of classes, too


def plan_groups(pool: Pool, rows: IntArray, cols: IntArray, by: str = "mentee") -> list[BlockPlan]:
    """Block plans of ``rows`` (local positions on side ``by``) against ``cols``, each person
    only against the others that the rules decided by one value per person allow.

    Level, organisation, language and weekly hours depend only on each person's own values,
    so one representative per distinct set of values decides them for everyone in it. People
    whose allowed partners are the same are scanned together; pairs ruled out this way are
    never formed, and those left are still checked pair by pair.
    """
    side, other = (pool.mentees, pool.mentors) if by == "mentee" else (pool.mentors, pool.mentees)
    class_r, first_r = own_value_classes(pool, side[rows])
    class_c, first_c = own_value_classes(pool, other[cols])
    if not 0 < len(first_r) * len(first_c) <= MAX_CLASS_PAIRS:
        return _plans(pool, by, rows, cols)
    rep_r = np.repeat(side[rows][first_r], len(first_c))
    rep_c = np.tile(other[cols][first_c], len(first_r))
    rep_m, rep_e = (rep_c, rep_r) if by == "mentee" else (rep_r, rep_c)
    allowed = allowed_by_own_values(pool, rep_m, rep_e).reshape(len(first_r), len(first_c))
    patterns, group_of_class = np.unique(allowed, axis=0, return_inverse=True)
    if len(patterns) > MAX_GROUPS:
        return _plans(pool, by, rows, cols)
    group = group_of_class.ravel()[class_r]
    plans = []
    for g, pattern in enumerate(patterns):
        mine = rows[group == g]
        theirs = cols[pattern[class_c]]
        if len(mine) and len(theirs):
            plans += [replace(plan, placed=True) for plan in _plans(pool, by, mine, theirs)]
    return plans


NARROW_ROWS = 256  # rows per chunk when a plan is narrowed to the columns each chunk needs


def narrowed(
    plan: BlockPlan,
    row_a: IntArray,
    row_b: IntArray,
    col_a: IntArray,
    col_b: IntArray,
    whole: sp.csc_matrix | None = None,
) -> list[BlockPlan]:
    """``plan`` split into chunks of rows, each against only the columns it can need.

    A pair (r, c) is needed only when ``col_a[c] < row_a[r]`` and ``col_b[c] < row_b[r]``
    (arrays by local position on each side). Rows are chunked in order of ``row_a``, and each
    chunk keeps the columns that pass both tests for at least its highest values, so no
    needed pair is left out (a chunk that needs more than three quarters of the columns keeps
    them all). ``whole`` is `whole_right` by columns, when the caller narrows several plans
    of it: each then takes its columns from that one conversion.
    """
    order = stable_order(row_a[plan.rows])
    right = plan.right.tocsc() if whole is None else whole[:, plan.cols]
    per_col = plan.step * len(plan.cols)
    out = []
    for start in range(0, len(order), NARROW_ROWS):
        at = order[start : start + NARROW_ROWS]
        rows = plan.rows[at]
        wanted = (col_a[plan.cols] < row_a[rows].max()) & (col_b[plan.cols] < row_b[rows].max())
        keep = np.flatnonzero(wanted)
        if not len(keep):
            continue
        step = min(len(rows), max(1, per_col // len(keep)))
        chunk = replace(plan, rows=rows, left=plan.left[at], step=step)
        if len(keep) <= len(plan.cols) * 3 // 4:
            # A copy of the columns only when it saves a quarter of the work at least, so
            # that the chunks never hold many copies of the whole other side.
            # Kept by columns: `skill_block` multiplies it the other way round, which spares
            # converting a large part of the other side for every chunk.
            chunk = replace(chunk, cols=plan.cols[keep], right=right[:, keep])
        out.append(chunk)
    return out


def each_block(plans: Sequence[BlockPlan]) -> list[tuple[BlockPlan, int]]:
    """Every block of ``plans``, as (plan, first row), for `in_parallel`."""
    return [(plan, start) for plan in plans for start in plan.starts]


def skill_block(
    pool: Pool, plan: BlockPlan, start: int
) -> tuple[IntArray, IntArray, FloatArray, FloatArray]:
    """Pairs sharing a skill in one block, as (mentor local, mentee local, teach, learn)."""
    block = plan.left[start : start + plan.step]
    if isinstance(plan.right, sp.csc_matrix):
        product = sp.csr_matrix((plan.right.T @ block.T).T)
    else:
        product = sp.csr_matrix(block @ plan.right)
    cols = product.indices
    if plan.by_pairs and pool.skill_pairs is not None:
        # Every pair the index lands on has a skill flowing each way.
        teach, learn = pool.skill_pairs.decode(product.data)
        per_row = np.diff(product.indptr)
    else:
        parts = product.data.view(np.float64).reshape(-1, 2)
        # Flows are never negative, so the smaller one is positive exactly when both are.
        at = np.flatnonzero(
            (parts.min(axis=1) if pool.rules.require_mutual else parts.sum(axis=1)) > 0
        )
        teach, learn, cols = parts[at, 0], parts[at, 1], cols[at]
        per_row = np.diff(np.searchsorted(at, product.indptr))
    side_rows = np.repeat(plan.rows[start : start + len(per_row)], per_row)
    side_cols = plan.cols[cols]
    m_l, e_l = (side_cols, side_rows) if plan.by == "mentee" else (side_rows, side_cols)
    teach, learn = flow_shares(pool, pool.mentors[m_l], pool.mentees[e_l], teach, learn)
    return m_l, e_l, teach, learn


def scan_rows(
    pool: Pool,
    sides: compiled.Sides,
    plan: BlockPlan,
    start: int,
    depth: int,
    bar: IntArray,
    one_each: bool = False,
) -> compiled.Found:
    """`compiled.scan` of the block of ``plan`` that starts at row ``start``."""
    rows = plan.rows[start : start + plan.step]
    left = plan.left[start : start + plan.step]
    return compiled.scan(
        pool,
        sides,
        (left.indptr, left.indices, left.data, rows),
        (plan.right.indptr, plan.right.indices, plan.cols),
        depth,
        bar,
        one_each,
    )


def skill_blocks(
    pool: Pool, *, by: str, rows: IntArray, cols: IntArray
) -> Iterator[tuple[IntArray, IntArray, FloatArray, FloatArray]]:
    """Pairs sharing a skill, as (mentor local, mentee local, teach, learn) per block.

    ``by`` is the side whose local positions ``rows`` are iterated; ``cols`` the other side.
    """
    plan = plan_blocks(pool, by=by, rows=rows, cols=cols)
    for start in plan.starts:
        yield skill_block(pool, plan, start)


def in_parallel[T, I](work: Callable[[I], T], items: Sequence[I]) -> Iterator[T]:
    """``work`` over ``items`` on every core, results in order, a few blocks ahead at most.

    numpy and scipy release the interpreter lock in their loops, so threads share the work.
    """
    workers = min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1, 8)
    if workers < 2 or len(items) < 2:
        yield from map(work, items)
        return
    with ThreadPoolExecutor(workers) as pool:
        pending: deque[Future[T]] = deque()
        for item in items:
            pending.append(pool.submit(work, item))
            if len(pending) > workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _rows_per_block(left: sp.csr_matrix, right: sp.csr_matrix) -> int:
    """Rows per block so that a block produces about BLOCK_PAIRS pairs."""
    n = left.shape[0]
    if n == 0:
        return 1
    sample = np.linspace(0, n - 1, num=min(n, 64)).astype(np.int64)
    per_row = max(1.0, (left[sample] @ right).nnz / len(sample))
    return max(1, int(BLOCK_PAIRS / per_row))


def valid_pairs(
    pool: Pool,
    mentor_local: IntArray,
    mentee_local: IntArray,
    teach: FloatArray,
    learn: FloatArray,
) -> Scored:
    """Evaluate shared-skill pairs in chunks and keep those that break no hard rule."""
    if pool.rules.require_mutual:
        keep = (teach > 0) & (learn > 0)
        mentor_local, mentee_local = mentor_local[keep], mentee_local[keep]
        teach, learn = teach[keep], learn[keep]
    parts = []
    for s in range(0, max(len(teach), 1), EVAL_CHUNK):
        e = s + EVAL_CHUNK
        gm, ge = pool.mentors[mentor_local[s:e]], pool.mentees[mentee_local[s:e]]
        # The cheap rules go first so the costly components are computed for fewer pairs.
        ok = cheap_rules_ok(pool, gm, ge)
        scored = evaluate(pool, gm[ok], ge[ok], teach[s:e][ok], learn[s:e][ok])
        parts.append(scored.take(scored.valid))
    return concat(parts)


def concat(parts: list[Scored]) -> Scored:
    """Join scored pair sets (all with the same rule keys)."""
    if len(parts) == 1:
        return parts[0]
    names = [f for f in Scored.__dataclass_fields__ if f != "broken"]
    fields = {f: np.concatenate([getattr(p, f) for p in parts]) for f in names}
    broken = {k: np.concatenate([p.broken[k] for p in parts]) for k in parts[0].broken}
    return Scored(**fields, broken=broken)


SCORE_BITS = 21  # scores in millionths, at most SCALE, fit in this many bits
KEY_BITS = 40  # sort keys below 2**40 (a score in millionths and a 16-bit tie-break) pack


def top_per_group(
    group: IntArray, key: IntArray, limit: IntArray, *, ordered: bool = True
) -> IntArray:
    """Positions of the best ``limit[g]`` entries of each group by descending key.

    Equal keys keep their input order. With ``ordered`` the positions come sorted by group,
    then best first; otherwise in input order.
    """
    if not len(group):
        return np.zeros(0, np.int64)
    counts = np.bincount(group)
    if not np.any(counts > limit[: len(counts)]):
        keep = np.arange(len(group))
    elif int(key.min()) >= 0 and int(key.max()) < 1 << KEY_BITS and len(counts) < 1 << 23:
        keep = _top_by_threshold(group, key, limit[: len(counts)], counts)
    else:
        return _top_by_argsort(group, key, limit)
    if not ordered:
        return keep
    return keep[_top_by_argsort(group[keep], key[keep], limit)]


def _top_by_argsort(group: IntArray, key: IntArray, limit: IntArray) -> IntArray:
    order = _group_order(group, key)
    sorted_group = group[order]
    first = np.searchsorted(sorted_group, sorted_group, side="left")
    rank = np.arange(len(order)) - first
    return np.asarray(order[rank < limit[sorted_group]])


def _group_order(group: IntArray, key: IntArray, *, ties_in_order: bool = True) -> IntArray:
    """Positions sorted by group, then descending key, then (``ties_in_order``) input order."""
    if not len(group):
        return np.zeros(0, np.int64)
    # One int64 sort instead of a two-key lexsort: group in the high bits, key inverted below.
    span = int(key.max()) - min(int(key.min()), 0) + 1
    if int(group.max()) < (1 << 62) // span:
        packed = group * span + (int(key.max()) - key)
        # The processor's vectorised sort, several times faster than a stable one, which
        # leaves equal values in any order: the few that are equal are put back in input order.
        order = np.asarray(np.argsort(packed))
        if ties_in_order and len(order) > 1:
            in_order = packed[order]
            same = in_order[1:] == in_order[:-1]
            if np.any(same):
                tied = np.flatnonzero(np.append(same, False) | np.insert(same, 0, False))
                order[tied] = order[tied][np.lexsort((order[tied], in_order[tied]))]
        return order
    return np.asarray(np.lexsort((-key, group)))


def _top_by_threshold(
    group: IntArray, key: IntArray, limit: IntArray, counts: IntArray
) -> IntArray:
    """The same selection as `_top_by_argsort`, from each group's cut-off key.

    A value sort of packed (group, key) finds the ``limit``-th best key of every group, which
    is several times faster than an argsort; only ties at the cut-off need their positions.
    """
    # Groups below 2**23 and keys below 2**40 pack into one non-negative int64.
    inv = (1 << KEY_BITS) - 1 - key
    packed = group.astype(np.int64)  # built and sorted in place: these arrays can be large
    packed <<= KEY_BITS
    packed |= inv
    packed.sort()
    starts = np.cumsum(counts) - counts
    over = np.flatnonzero((counts > limit) & (limit > 0))
    cut = np.full(len(counts), np.iinfo(np.int64).max, np.int64)
    cut[over] = packed[starts[over] + limit[over] - 1] & ((1 << KEY_BITS) - 1)
    cut[limit <= 0] = -1  # nothing is kept of a group with no room
    del packed
    mine = cut[group]
    better = inv < mine
    tied = np.flatnonzero(inv == mine)
    room = limit - np.bincount(group[better], minlength=len(counts))
    if len(tied):
        # Ties at the cut-off go in input order until the group is full.
        order = np.argsort(group[tied], kind="stable")
        g = group[tied][order]
        rank = np.arange(len(g)) - np.searchsorted(g, g, side="left")
        better[tied[order][rank < room[g]]] = True
    return np.flatnonzero(better)


@dataclass(frozen=True, slots=True)
class Candidates:
    """The candidate set (local positions) and the k-th best bound of everyone in it.

    ``spare_*`` are further valid pairs, scored but kept out of the solver at first: the
    certificate checks them against the duals without scoring anything again. The k-th best
    bounds hold for every pair in neither set. ``valid_*`` count everyone's valid pairs,
    kept or not.
    """

    mentor: IntArray
    mentee: IntArray
    score_int: IntArray
    kth_mentor: IntArray
    kth_mentee: IntArray
    spare_mentor: IntArray
    spare_mentee: IntArray
    spare_score: IntArray
    valid_mentor: IntArray
    valid_mentee: IntArray

    @property
    def size(self) -> int:
        """Number of candidate pairs."""
        return len(self.mentor)


class _MentorTops:
    """Each mentor's best pairs so far, and a bar that rises with every block.

    A histogram of each mentor's kept scores, in steps of TOP_STEP, gives the bar: the
    highest step at or above which the mentor already has its limit of pairs, so no pair
    scoring below that step can be among its best. Counting is cheap, so the bars are raised
    every RAISE_EVERY blocks; the stored pairs are only filtered by them now and then, and the
    exact best of each mentor is picked once, at the end.
    """

    def __init__(self, limits: IntArray) -> None:
        self.limits = limits
        self.steps = SCALE // TOP_STEP + 2
        self.counts = np.zeros(len(limits) * self.steps, np.int32)
        self.step = np.zeros(len(limits), np.int64)  # every kept pair is at this step or above
        self.above = np.zeros(len(limits), np.int64)  # kept pairs at or above that step
        self.bar = np.zeros(len(limits), np.int64)
        # (mentor, mentee, key) in 32, 32 and 64 bits: the score is the key's high part.
        self.parts: list[tuple[IntArray, IntArray, IntArray]] = []
        self.pending = 0
        self.filter_at = COMPACT_AT * int(limits.sum())
        self.touched = np.zeros(len(limits), bool)
        self.adds = 0

    def add(self, mentor: IntArray, mentee: IntArray, key: IntArray) -> None:
        # Tens of millions of pairs pass through here at 100,000 x 100,000, one block at a
        # time while the other blocks are scored: counted in compiled code, pair by pair.
        keep = np.empty(len(mentor), bool)
        _tally(mentor, key, self.step, self.steps, self.counts, self.above, self.touched, keep)
        mentor = mentor[keep]
        self.parts.append((mentor.astype(np.int32), mentee[keep].astype(np.int32), key[keep]))
        self.pending += len(mentor)
        self.adds += 1
        if self.adds % RAISE_EVERY == 0:
            self._raise(np.flatnonzero(self.touched))
            self.touched[:] = False
        if self.pending > self.filter_at:
            self._filter()

    def _raise(self, mentors: IntArray) -> None:
        """Move each mentor's step up while the pairs at or above it are still enough.

        Most bars rise a step or two per block, one step at a time; those rising further
        look at RAISE_WINDOW steps at once.
        """
        mentors = mentors[self.above[mentors] >= self.limits[mentors]]
        for _ in range(RAISE_SINGLE):
            at_step = self.counts[mentors * self.steps + self.step[mentors]]
            up = self.above[mentors] - at_step >= self.limits[mentors]
            mentors, at_step = mentors[up], at_step[up]
            if not len(mentors):
                break
            self.above[mentors] -= at_step
            self.step[mentors] += 1
        window = np.arange(RAISE_WINDOW)
        last = len(self.counts) - 1
        while len(mentors):
            first = mentors * self.steps + self.step[mentors]
            here = self.counts[np.minimum(first[:, None] + window, last)]
            # above[:, j]: the mentor's pairs at or above its step + j.
            above = self.above[mentors, None] - (np.cumsum(here, axis=1) - here)
            enough = above >= self.limits[mentors, None]
            rise = enough.sum(axis=1) - 1
            self.step[mentors] += rise
            self.above[mentors] = above[np.arange(len(mentors)), rise]
            further = enough[:, -1] & (above[:, -1] - here[:, -1] >= self.limits[mentors])
            mentors = mentors[further]
        self.bar = self.step * TOP_STEP

    def _filter(self) -> None:
        """Drop the stored pairs that fell below their mentor's bar, one part at a time."""
        parts = []
        for mentor, mentee, key in self.parts:
            keep = (key >> TIE_BITS) >= self.bar[mentor]
            parts.append((mentor[keep], mentee[keep], key[keep]))
        self.parts = parts
        self.pending = sum(len(p[0]) for p in parts)
        # Many pairs tied at their bars' steps can stay; the next filter waits for as many again.
        self.filter_at = max(self.filter_at, 2 * self.pending)

    def best(self) -> tuple[IntArray, IntArray, IntArray]:
        """Each mentor's best ``limit`` pairs, exactly, as (mentor, mentee, score)."""
        if not self.parts:
            return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64)
        mentor, mentee, key = (np.concatenate(c) for c in zip(*self.parts, strict=True))
        self.parts = []
        mentor = mentor.astype(np.int64)
        keep = top_per_group(mentor, key, self.limits, ordered=False)
        return mentor[keep], mentee[keep].astype(np.int64), key[keep] >> TIE_BITS


@jit(nogil=True)
def _tally(
    mentor: IntArray,
    key: IntArray,
    step: IntArray,
    steps: int,
    counts: npt.NDArray[np.int32],
    above: IntArray,
    touched: BoolArray,
    keep: BoolArray,
) -> None:
    """Mark the pairs at or above their mentor's step in ``keep``, and count them into
    ``counts`` (by mentor and step), ``above`` and ``touched``."""
    for i in range(len(mentor)):
        m = mentor[i]
        at = (key[i] >> TIE_BITS) // TOP_STEP
        keep[i] = at >= step[m]
        if keep[i]:
            counts[m * steps + at] += 1
            above[m] += 1
            touched[m] = True


@jit(nogil=True)
def _keep_best(
    mentor: IntArray,
    mentee: IntArray,
    key: IntArray,
    best_key: IntArray,
    best_mentee: IntArray,
    bar: IntArray,
) -> None:
    """Each mentor's best pair so far, in place: the first of equal keys, so that an equal
    key seen before stays."""
    for i in range(len(mentor)):
        m = mentor[i]
        if key[i] > best_key[m]:
            best_key[m] = key[i]
            best_mentee[m] = mentee[i]
            bar[m] = key[i] >> TIE_BITS


class _MentorBest:
    """Each mentor's single best pair so far, exactly: what `_MentorTops` keeps when every
    limit is one, as in stable mode, without storing the pairs or counting steps. The bar is
    the best score so far, so a block sends on only the pairs that reach it."""

    def __init__(self, count: int) -> None:
        self.limits = np.ones(count, np.int64)
        self.key = np.full(count, -1, np.int64)  # keys are never negative
        self.mentee = np.zeros(count, np.int64)
        self.bar = np.zeros(count, np.int64)

    def add(self, mentor: IntArray, mentee: IntArray, key: IntArray) -> None:
        if not len(mentor):
            return
        # A new array, filled before it is handed out, as blocks being scored hold the one
        # they were given.
        bar = self.bar.copy()
        _keep_best(mentor, mentee, key, self.key, self.mentee, bar)
        self.bar = bar

    def best(self) -> tuple[IntArray, IntArray, IntArray]:
        """Each mentor's best pair, as (mentor, mentee, score), for mentors with any."""
        has = np.flatnonzero(self.key >= 0)
        return has, self.mentee[has], self.key[has] >> TIE_BITS


@dataclass(frozen=True, slots=True)
class _Block:
    """What scoring one block of mentees gives: everyone's valid pairs in it, the mentees'
    top pairs and the mentors' part."""

    rows: int
    valid_m: IntArray
    valid_e: IntArray
    best: tuple[IntArray, IntArray, IntArray]
    rising: tuple[IntArray, IntArray, IntArray]


def generate(
    pool: Pool,
    k: int,
    seed: int,
    progress: Progress | None = None,
    reserve: int = 0,
    *,
    mentors: bool = True,
    mentor_reserve: int | None = None,
) -> Candidates:
    """Each mentee's top k and each mentor's top k x capacity, with their k-th best scores.

    With ``reserve`` above k, everyone's top ``reserve`` are scored and kept as spare pairs,
    and the bounds are the ``reserve``-th best, so far fewer pairs need scoring again later;
    ``mentor_reserve``, when given, is the mentors' own (times their capacity).
    Without ``mentors`` only the mentees' top k are candidates (all that mentee-proposing
    deferred acceptance reads), and of the mentors only their single best pair is sought, as a
    spare pair, for the reasons given to those left unmatched.
    """
    depth = max(k, reserve)
    n_m, n_e = len(pool.mentors), len(pool.mentees)
    k_mentee = np.full(n_e, depth, np.int64)
    capacity = np.maximum(pool.capacity[pool.mentors], 1)
    depth_m = depth if mentor_reserve is None else max(k, mentor_reserve)
    limits = depth_m * capacity if mentors else np.ones(n_m, np.int64)
    # Where each mentor needs only its best pair, that pair is kept exactly from the start.
    one_each = bool(np.all(limits == 1))
    mentor_tops = _MentorBest(n_m) if one_each else _MentorTops(limits)
    valid_m = np.zeros(n_m, np.int64)
    valid_e = np.zeros(n_e, np.int64)
    keep_e: list[tuple[IntArray, IntArray, IntArray]] = []
    plans = plan_groups(pool, np.arange(n_e), np.arange(n_m))
    sides = compiled.sides(pool) if n_m * n_e >= SCAN_FROM else None
    if sides is not None:
        # The scan holds no block's pairs, so its blocks are as large as the bookkeeping
        # around each (a row of every mentor and mentee) needs to be cheap.
        plans = [replace(p, step=max(p.step, SCAN_ROWS)) if p.scannable else p for p in plans]
    blocks = each_block(plans)

    def scan_block(plan: BlockPlan, start: int, sides: compiled.Sides) -> _Block:
        # The compiled scan gives what the array path below finds, with each mentee's exact
        # depth-th best as its floor, and forms no pair it does not keep. Where each mentor
        # needs only its best pair, its bar also rises within the block.
        rows = plan.rows[start : start + plan.step]
        bar = mentor_tops.bar
        found = scan_rows(pool, sides, plan, start, depth, bar, one_each)
        m_l, e_l, score = found.mentor, found.mentee, found.score
        floor_e = np.full(n_e, -1, np.int64)
        floor_e[rows] = found.floor
        valid_e = np.zeros(n_e, np.int64)
        valid_e[rows] = found.valid_e
        key = sort_key(score, pool.mentors[m_l], pool.mentees[e_l], seed)
        mine = np.flatnonzero(score >= floor_e[e_l])
        best = mine[top_per_group(e_l[mine], key[mine], k_mentee, ordered=False)]
        rising = found.rising
        return _Block(
            rows=len(rows),
            valid_m=found.valid_m,
            valid_e=valid_e,
            best=(m_l[best], e_l[best], score[best]),
            rising=(m_l[rising], e_l[rising], key[rising]),
        )

    def score_block(item: tuple[BlockPlan, int]) -> _Block:
        plan, start = item
        if sides is not None and plan.scannable:
            return scan_block(plan, start, sides)
        m_l, e_l, teach, learn = skill_block(pool, plan, start)
        part = partial_scores(
            pool, pool.mentors[m_l], pool.mentees[e_l], teach, learn, placed=plan.placed
        )
        pm, pe = m_l[part.at], e_l[part.at]
        # Each mentee's most promising pairs first: their scores set the bar for the rest.
        probe = _promising(pe, part.bound, PROBE * depth)
        first = finish(pool, part, probe)
        # Each mentee's depth-th best so far: no pair below it can be among its best.
        floor_e = _depth_th(e_l[first[0]], first[1], depth, n_e)
        bar = np.minimum(floor_e[pe], mentor_tops.bar[pm])
        rest = ~probe & (part.bound >= bar)
        second = finish(pool, part, rest)
        at, score = (np.concatenate(c) for c in zip(first, second, strict=True))
        m_l, e_l = m_l[at], e_l[at]
        # Skipped pairs are not scored, but they count towards everyone's valid pairs.
        if finish_rules_always_ok(pool, placed=part.placed):
            valid_m, valid_e = np.bincount(pm, minlength=n_m), np.bincount(pe, minlength=n_e)
        else:
            skipped = ~probe & ~rest
            ok = finish_rules_ok(
                pool, part.mentor[skipped], part.mentee[skipped], placed=part.placed
            )
            also_m, also_e = pm[skipped][ok], pe[skipped][ok]
            valid_m = np.bincount(m_l, minlength=n_m) + np.bincount(also_m, minlength=n_m)
            valid_e = np.bincount(e_l, minlength=n_e) + np.bincount(also_e, minlength=n_e)
        # Only pairs at or above a bar can be among anyone's best; the rest need no sort key.
        could = (score >= floor_e[e_l]) | (score >= mentor_tops.bar[m_l])
        m_l, e_l, score = m_l[could], e_l[could], score[could]
        key = sort_key(score, pool.mentors[m_l], pool.mentees[e_l], seed)
        mine = np.flatnonzero(score >= floor_e[e_l])
        best = mine[top_per_group(e_l[mine], key[mine], k_mentee, ordered=False)]
        # The mentors' bars only rise, so one read a little early keeps a few more.
        rising = score >= mentor_tops.bar[m_l]
        return _Block(
            rows=min(plan.step, len(plan.rows) - start),
            valid_m=valid_m,
            valid_e=valid_e,
            best=(m_l[best], e_l[best], score[best]),
            rising=(m_l[rising], e_l[rising], key[rising]),
        )

    done = 0
    for block in in_parallel(score_block, blocks):
        valid_m += block.valid_m
        valid_e += block.valid_e
        keep_e.append(block.best)
        mentor_tops.add(*block.rising)
        done += block.rows
        if progress:
            progress(done / max(n_e, 1), "scoring candidate pairs")
    del blocks, plans  # the plans' copies of the skill matrices, before the pairs are put together
    collector.give_back()
    tm, te, ts = mentor_tops.best()
    kth_m = np.full(n_m, NONE, np.int64)
    _record_kth(kth_m, tm, ts, valid_m > mentor_tops.limits)
    em = [
        np.concatenate([p[i] for p in keep_e]) if keep_e else np.zeros(0, np.int64)
        for i in range(3)
    ]
    del keep_e
    kth_e = np.full(n_e, NONE, np.int64)
    _record_kth(kth_e, em[1], em[2], valid_e > depth)
    mentor, mentee, score_int = union_pairs(n_e, (em[0], em[1], em[2]), (tm, te, ts))
    del em, tm, te, ts  # tens of millions of pairs at 100,000 x 100,000: kept once, not twice
    first = np.ones(len(mentor), bool)
    if max(depth, depth_m) > k or not mentors:
        key = sort_key(score_int, pool.mentors[mentor], pool.mentees[mentee], seed)
        first[:] = False
        first[top_per_group(mentee, key, np.full(n_e, k, np.int64), ordered=False)] = True
        if mentors:
            first[top_per_group(mentor, key, k * capacity, ordered=False)] = True
    spare = ~first
    return Candidates(
        mentor[first],
        mentee[first],
        score_int[first],
        kth_m,
        kth_e,
        mentor[spare],
        mentee[spare],
        score_int[spare],
        valid_m,
        valid_e,
    )


PROBE_STEP = 1_000  # the probe ranks bounds in steps of a thousandth


def _promising(group: IntArray, bound: IntArray, limit: int) -> BoolArray:
    """At least ``limit`` of each group's highest bounds (all of a smaller group).

    A histogram of the bounds in steps of PROBE_STEP finds each group's cut, so ties within a
    step are all kept; the groups are a block's rows, a short range with gaps between them.
    """
    if not len(group):
        return np.zeros(0, bool)
    steps = int(bound.max()) // PROBE_STEP + 1
    # One histogram row per group present, not per number in the range.
    low = int(group.min())
    present = np.zeros(int(group.max()) - low + 1, np.int64)
    present[group - low] = 1
    row = (np.cumsum(present) - 1)[group - low]
    # Steps are counted from the top, so each row's running total is a plain cumulative sum.
    down = steps - 1 - np.maximum(bound, 0) // PROBE_STEP
    counts = np.bincount(row * steps + down, minlength=(int(row.max()) + 1) * steps)
    at_least = np.cumsum(counts.reshape(-1, steps), axis=1)
    # cut[r]: the first step from the top where row r has ``limit`` pairs (all when it never does).
    cut = np.where(at_least[:, -1] >= limit, np.argmax(at_least >= limit, axis=1), steps - 1)
    return np.asarray(down <= cut[row])


def _depth_th(mentee: IntArray, score: IntArray, depth: int, n_e: int) -> IntArray:
    """Each mentee's ``depth``-th best score among these pairs, -1 with fewer than that."""
    out = np.full(n_e, -1, np.int64)
    if not len(mentee):
        return out
    order = _group_order(mentee, score, ties_in_order=False)
    owner = mentee[order]
    rank = np.arange(len(order)) - np.searchsorted(owner, owner, side="left")
    at = order[rank == depth - 1]
    out[mentee[at]] = score[at]
    return out


def _record_kth(kth: IntArray, owner: IntArray, score: IntArray, cut: BoolArray) -> None:
    """The lowest kept score of everyone ``cut`` (with more valid pairs than were kept)."""
    if not len(owner):
        return
    lowest = np.full(len(kth), np.iinfo(np.int64).max, np.int64)
    np.minimum.at(lowest, owner, score)
    touched = np.zeros(len(kth), bool)
    touched[owner] = True
    kth[cut & touched] = lowest[cut & touched]


def union_pairs(
    n_e: int, *sets: tuple[IntArray, IntArray, IntArray]
) -> tuple[IntArray, IntArray, IntArray]:
    """Distinct pairs from several (mentor, mentee, score) sets, ordered by mentor then mentee.

    A pair in several sets has the same score in each, so a value sort of the pair and its
    score packed in one integer finds them (several times faster than an argsort); should
    the scores differ, the first set's score is kept. The packing is done in place: at 100k
    the sets hold over 20 million pairs, and every fresh array of that size costs more in
    new memory than the arithmetic on it.
    """
    n_e = max(n_e, 1)
    packed = _packed_pairs(n_e, sets)
    if packed is not None:
        packed.sort()
        packed = _distinct_sorted(packed)
        pair = packed >> SCORE_BITS
        if not np.any(pair[1:] == pair[:-1]):
            mentor = pair // n_e
            pair -= mentor * n_e
            packed &= (1 << SCORE_BITS) - 1
            return mentor, pair, packed
    mentor = np.concatenate([s[0] for s in sets])
    mentee = np.concatenate([s[1] for s in sets])
    score = np.concatenate([s[2] for s in sets])
    _, first = np.unique(mentor * n_e + mentee, return_index=True)
    return mentor[first], mentee[first], score[first]


def _packed_pairs(n_e: int, sets: Sequence[tuple[IntArray, IntArray, IntArray]]) -> IntArray | None:
    """Each pair as mentor x n_e + mentee, shifted left by SCORE_BITS, with its score in the
    low bits; None when pairs or scores do not fit."""
    total = sum(len(s[0]) for s in sets)
    if not total:
        return None
    for mentor, mentee, score in sets:
        if not len(mentor):
            continue
        if int(mentor.max()) * n_e + int(mentee.max()) >= 1 << (62 - SCORE_BITS):
            return None
        if int(score.min()) < 0 or int(score.max()) >= 1 << SCORE_BITS:
            return None
    packed = np.empty(total, np.int64)
    at = 0
    for mentor, mentee, score in sets:
        part = packed[at : at + len(mentor)]
        np.multiply(mentor, n_e, out=part)
        part += mentee
        part <<= SCORE_BITS
        part |= score
        at += len(mentor)
    return packed


def _distinct_sorted(ordered: IntArray) -> IntArray:
    """The distinct values of a sorted array."""
    if not len(ordered):
        return ordered
    keep = np.empty(len(ordered), bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return np.asarray(ordered[keep])


def sorted_distinct(values: IntArray) -> IntArray:
    """The distinct values, ascending: a sort and a comparison of neighbours, which is many
    times faster than ``np.unique`` on large arrays of integers."""
    return _distinct_sorted(np.sort(values))
