"""A compiled scan of mentees against mentors by the index of skill pairs, pair by pair.

The array path (`candidates.skill_block`, `scoring.partial_scores`, `scoring.finish`) forms
every pair a block lands on as arrays of components before it can keep a few. At 100,000 x
100,000 that is hundreds of millions of pairs, and the cost is the arrays themselves. This
scan walks each mentee's pairs once in compiled code (numba): it sums the encoded skill flows
into an array over the mentors, scores each pair the index lands on with the same rules and the
same floating-point arithmetic, in the same order, as the array path, and keeps only the
pairs that can be among someone's best.

It runs where the array path would scan by the index with every pair already placed (level,
organisation and a shared language decided by classes, `candidates.plan_groups`), and where
the weekly overlaps and the working-style closeness are tables (`Pool.overlap_table`,
`Pool.style_table`), in programmes of `candidates.SCAN_FROM` possible pairs or more.
Everything else goes the array way, and so do pools with more than 65,535 distinct values
of a code the mentors' rows pack in 16 bits (working style, weekly hours, department, site).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

from twoheads.matching.native import jit
from twoheads.matching.pool import FloatArray, IntArray, Pool
from twoheads.matching.scoring import (
    CHART_SHARE,
    DEPARTMENT_SHARE,
    FAR_IN_CHART,
    FULL_OVERLAP_HOURS,
    INTEREST_SHARE,
    SCALE,
    SITE_SHARE,
    STYLE_SHARE,
    TIME_SHARE,
)
from twoheads.matching.skillpairs import SkillPairs

# Columns of the mentees' table the scan reads: one 64-byte row per mentee. INTERESTS holds
# twice the number of interests, plus one when some lie beyond the words kept in the row; the
# words follow.
(
    GLOBAL,
    STYLE,
    WEEK,
    DEPARTMENT,
    SITE,
    SPAN_FIRST,
    SPAN_END,
    DEPTH,
    INTERESTS,
    FLOW_SCALE,
    WORDS,
) = range(11)
# The interests' first 64-bit words kept in each row, two int32 halves each; `_scan` compares
# exactly three, one by one.
ROW_WORDS = 3
FIELDS = 16
Table = npt.NDArray[np.int32]
# The mentors' side of a scan: one 64-byte row of int64 per mentor, holding everything a pair
# is scored and ruled on, so that a pair reads one cache line of the mentor's. PLACE holds the
# depth in the org chart in its lowest 8 bits, the flow divisor in the 24 above, and the
# global position in its high half; WORDS the first interest words; SPAN the first place in
# the chart's order and the end of the span; CODES four 16-bit codes (style, week, and
# department and site plus one, so that 0 is unknown); PERSON the INTERESTS field of the
# mentees' table in its low half and the flow divisor's reciprocal as a 32-bit float in its
# high half, for the bound (`_scan`); COUNT the mentor's bar and its valid pairs so far, which
# the scan of a block updates in its copy.
C_PLACE, C_WORDS, C_SPAN, C_CODES, C_PERSON, C_COUNT = (
    0,
    1,
    1 + ROW_WORDS,
    2 + ROW_WORDS,
    3 + ROW_WORDS,
    4 + ROW_WORDS,
)
C_FIELDS = 8
DEPTH_BITS = 8
FLOW_BITS = 24
DEPTH_MASK = (1 << DEPTH_BITS) - 1
FLOW_MASK = (1 << FLOW_BITS) - 1
# How close to the minimum compatibility a value from reciprocals is checked exactly: far
# more than the few units in the last place of a 64-bit float it can be off by.
NEAR = 1e-9
CODE_BITS = 16
LOW = (1 << 32) - 1
Rows = npt.NDArray[np.int64]
# Each mentee's mentors are read this many pairs ahead of scoring them, and the sums' entries
# this many ahead in a posting list: the reads are random, and waiting on each in turn would
# leave the processor idle.
AHEAD, AHEAD_SUMS = 8, 16


@dataclass(frozen=True, slots=True)
class Found:
    """What a scan of some mentees keeps: pairs (local positions) with their scores and
    whether each was at or above its mentor's bar, each mentee's ``depth``-th best score (-1
    with fewer valid pairs), and everyone's valid pairs."""

    mentor: IntArray
    mentee: IntArray
    score: IntArray
    rising: npt.NDArray[np.bool_]
    floor: IntArray
    valid_m: IntArray
    valid_e: IntArray


def usable(pool: Pool) -> bool:
    """Whether the scan can score this pool: the index of skill pairs exists, the weekly
    overlaps and working-style closeness are tables, and the flow divisors whole numbers."""
    return (
        pool.skill_pairs is not None
        and pool.overlap_table is not None
        and pool.style_table is not None
        and bool(np.all(pool.flow_scale == np.rint(pool.flow_scale)))
        and int(pool.flow_scale.max(initial=0)) < 1 << FLOW_BITS
        and int(pool.depth.max(initial=0)) < 1 << DEPTH_BITS
        and all(
            int(codes.max(initial=0)) + 1 < 1 << CODE_BITS
            for codes in (pool.style_code, pool.week, pool.department, pool.site)
        )
    )


@dataclass(frozen=True, slots=True)
class Sides:
    """What the scan reads of a pool, found once per pool: the mentees' table and the mentors'
    rows by local position, the layout of the encoded sums (`_layout`) and the scoring
    numbers (`_numbers`)."""

    mentees: Table
    mentors: Rows
    layout: IntArray
    numbers: FloatArray
    time_table: FloatArray  # the time part of compatibility, by both weekly patterns
    inverse: FloatArray  # `_inverses`


def sides(pool: Pool) -> Sides | None:
    """What the scan reads of ``pool``, or None when it cannot score this pool (`usable`)."""
    if not usable(pool) or pool.skill_pairs is None or pool.overlap_table is None:
        return None
    return Sides(
        _table(pool, pool.mentees),
        _mentor_rows(pool, pool.mentors),
        _layout(pool.skill_pairs),
        _numbers(pool),
        np.minimum(1.0, pool.overlap_table / FULL_OVERLAP_HOURS),
        _inverses(pool),
    )


def _inverses(pool: Pool) -> FloatArray:
    """1 / k for every whole k the scan divides by: the counts of skills flowing each way
    (`SkillPairs.decode`) and of interests of two people together (`scoring._interest`)."""
    assert pool.skill_pairs is not None
    most = max(1 << pool.skill_pairs.digit, 64, 2 * int(pool.interest_count.max(initial=0)) + 2)
    with np.errstate(divide="ignore"):
        return 1.0 / np.arange(most + 1, dtype=np.float64)


def _mentor_rows(pool: Pool, people: IntArray) -> Rows:
    """The scan's rows of ``people`` (global positions), in their order, with no bars or
    counts yet."""
    rows = np.zeros((len(people), C_FIELDS), np.int64)
    words = pool.interests[:ROW_WORDS, people].view(np.int64)
    rows[:, C_WORDS : C_WORDS + len(words)] = words.T  # a pool with fewer words has zeros
    flow = pool.flow_scale[people].astype(np.int64)
    rows[:, C_PLACE] = (
        pool.depth[people].astype(np.int64) | flow << DEPTH_BITS | (people.astype(np.int64) << 32)
    )
    span = pool.chart_span[people].astype(np.int64)
    rows[:, C_SPAN] = span[:, 0] | span[:, 1] << 32
    codes = [
        pool.style_code[people],
        pool.week[people],
        pool.department[people] + 1,
        pool.site[people] + 1,
    ]
    for at, code in enumerate(codes):
        rows[:, C_CODES] |= code.astype(np.int64) << (CODE_BITS * at)
    inverse = (1.0 / np.maximum(flow, 1)).astype(np.float32).view(np.int32).astype(np.int64)
    rows[:, C_PERSON] = _interests(pool, people) | inverse << 32
    return rows


def _interests(pool: Pool, people: IntArray) -> IntArray:
    """Twice each person's number of interests, plus one when some lie beyond the words the
    rows keep."""
    beyond = np.bitwise_count(pool.interests[ROW_WORDS:, people]).sum(axis=0) > 0
    return np.asarray(2 * pool.interest_count[people].astype(np.int64) + beyond)


def _table(pool: Pool, people: IntArray) -> Table:
    """The scan's table of ``people`` (global positions), in their order."""
    table = np.zeros((len(people), FIELDS), np.int32)
    table[:, GLOBAL] = people
    table[:, STYLE] = pool.style_code[people]
    table[:, WEEK] = pool.week[people]
    table[:, DEPARTMENT] = pool.department[people]
    table[:, SITE] = pool.site[people]
    table[:, SPAN_FIRST] = pool.chart_span[people, 0]
    table[:, SPAN_END] = pool.chart_span[people, 1]
    table[:, DEPTH] = pool.depth[people]
    words = pool.interests[:ROW_WORDS, people]
    table[:, INTERESTS] = _interests(pool, people)
    table[:, FLOW_SCALE] = pool.flow_scale[people]
    halves = np.ascontiguousarray(words.T).view(np.int32)
    table[:, WORDS : WORDS + halves.shape[1]] = halves
    return table


def scan(
    pool: Pool,
    sides: Sides,
    rows: tuple[npt.NDArray[Any], ...],
    right: tuple[npt.NDArray[Any], ...],
    depth: int,
    bar: IntArray,
    one_each: bool = False,
) -> Found:
    """Score every pair the index lands on for some mentees, and keep those at or above the
    mentee's ``depth``-th best score or the mentor's ``bar``. With ``one_each`` (only each
    mentor's single best pair is sought), a mentor's bar rises to each pair kept for it.

    ``rows`` is the mentees' part of the index (indptr, columns, values), then their local
    positions; ``right`` the mentors' side of the index (indptr, and for each entry the place
    of its mentor in the last array), then the local positions of those mentors.
    """
    assert pool.overlap_table is not None and pool.style_table is not None
    cols = right[2]
    mentors = sides.mentors[cols]  # a copy: the scan raises its bars and counts its pairs
    mentors[:, C_COUNT] = bar[cols]
    out = _scan(
        *rows,
        *right,
        sides.mentees,
        mentors,
        sides.layout,
        sides.numbers,
        not pool.rules.allow_same_department,
        pool.interests.view(np.int64),
        pool.paths,
        pool.chart_span,
        pool.style_table,
        sides.time_table,
        sides.inverse,
        pool.forbidden,
        pool.size,
        depth,
        one_each,
        len(sides.mentors),
    )
    return Found(*out)


def _numbers(pool: Pool) -> FloatArray:
    """The weights, the minimum compatibility and the shares the score is made of, in the
    order `_scan` reads them (passed in, so the compiled code never keeps stale constants)."""
    rules = pool.rules
    wb, wc, wr = rules.weights.normalised()
    return np.array(
        [
            wb,
            wc,
            wr,
            rules.min_compatibility - 1e-9,
            INTEREST_SHARE,
            STYLE_SHARE,
            TIME_SHARE,
            DEPARTMENT_SHARE,
            SITE_SHARE,
            CHART_SHARE,
            FAR_IN_CHART,
            SCALE,
        ]
    )


def _layout(pairs: SkillPairs) -> IntArray:
    """The encoded sums' fields for the scan: digit, teach_at, learn_at, the count's ones,
    then where each bit's digit starts."""
    ones = sum(1 << (pairs.digit * i) for i in range(pairs.teach_at // pairs.digit))
    starts = np.arange(64, dtype=np.int64) // pairs.digit * pairs.digit
    return np.concatenate([[pairs.digit, pairs.teach_at, pairs.learn_at, ones], starts])


@intrinsic
def _popcount(typingctx, x):
    """The number of set bits of a 64-bit integer, as the processor's own instruction."""

    def codegen(context, builder, signature, args):
        return builder.ctpop(args[0])

    return x(x), codegen


@intrinsic
def _prefetch(typingctx, array, index):
    """Ask for the cache line of ``array[index]`` (a flat array) before it is needed."""

    def codegen(context, builder, signature, args):
        kind = signature.args[0]
        view = context.make_array(kind)(context, builder, args[0])
        at = cgutils.get_item_pointer(context, builder, kind, view, [args[1]], wraparound=False)
        byte = ir.IntType(8).as_pointer()
        word = ir.IntType(32)
        kind_of_fetch = ir.FunctionType(ir.VoidType(), [byte, word, word, word])
        fetch = cgutils.get_or_insert_function(builder.module, kind_of_fetch, "llvm.prefetch.p0i8")
        # A read, kept in every level of the cache, of data.
        builder.call(fetch, [builder.bitcast(at, byte), word(0), word(3), word(1)])
        return context.get_dummy_value()

    return types.void(array, index), codegen


@intrinsic
def _float32(typingctx, bits):
    """The 32-bit float whose bits are ``bits``, widened to a 64-bit float."""

    def codegen(context, builder, signature, args):
        value = builder.bitcast(args[0], ir.FloatType())
        return builder.fpext(value, ir.DoubleType())

    return types.float64(bits), codegen


@jit(inline="always")
def _word(table, at, w):
    """The ``w``-th 64 interests of the person in row ``at``, from the row's two halves."""
    low = np.int64(table[at, WORDS + 2 * w]) & 0xFFFFFFFF
    return (np.int64(table[at, WORDS + 2 * w + 1]) << 32) | low


@jit(inline="always")
def _sift_down(heap: npt.NDArray[np.int64], size: int) -> None:
    """Restore the min-heap after its root was replaced."""
    i = 0
    value = heap[0]
    while True:
        child = 2 * i + 1
        if child >= size:
            break
        if child + 1 < size and heap[child + 1] < heap[child]:
            child += 1
        if heap[child] >= value:
            break
        heap[i] = heap[child]
        i = child
    heap[i] = value


@jit(inline="always")
def _sift_up(heap: npt.NDArray[np.int64], at: int) -> None:
    value = heap[at]
    while at > 0:
        parent = (at - 1) // 2
        if heap[parent] <= value:
            break
        heap[at] = heap[parent]
        at = parent
    heap[at] = value


@jit(inline="always")
def _forbidden(forbidden: npt.NDArray[np.int64], key: np.int64) -> bool:
    low, high = 0, len(forbidden)
    while low < high:
        mid = (low + high) // 2
        if forbidden[mid] < key:
            low = mid + 1
        else:
            high = mid
    return low < len(forbidden) and forbidden[low] == key


@jit(nogil=True)
def _scan(
    l_indptr,
    l_indices,
    l_data,
    rows,
    r_indptr,
    r_indices,
    cols,
    e_table,
    mentors,
    layout,
    numbers,
    department_rule,
    words,
    paths,
    span,
    style_table,
    time_table,
    inverse,
    forbidden,
    size,
    depth,
    one_each,
    n_mentors,
):
    digit, teach_at, learn_at, ones = layout[0], layout[1], layout[2], layout[3]
    digit_start = layout[4:]
    count_mask = (np.int64(1) << teach_at) - 1
    digit_mask = (np.int64(1) << digit) - 1
    teach_mask = (np.int64(1) << (learn_at - teach_at)) - 1
    code_mask = (np.int64(1) << CODE_BITS) - 1
    wb, wc, wr, min_compat = numbers[0], numbers[1], numbers[2], numbers[3]
    interest_share, style_share, time_share = numbers[4], numbers[5], numbers[6]
    department_share, site_share, chart_share = numbers[7], numbers[8], numbers[9]
    far_steps, scale = np.int64(numbers[10]), numbers[11]
    n_words = words.shape[0]
    # The places and span ends of the mentee's chain of managers, by depth.
    above_first = np.empty(paths.shape[1], np.int64)
    above_end = np.empty(paths.shape[1], np.int64)
    n_cols = len(cols)
    n_rows = len(rows)

    touched = np.empty(n_cols, np.int64)
    acc = np.zeros(n_cols, np.int64)
    flat = mentors.reshape(-1)
    found_col = np.empty(n_cols, np.int64)
    found_score = np.empty(n_cols, np.int64)
    heap = np.empty(max(depth, 1), np.int64)
    valid_e = np.zeros(n_rows, np.int64)
    floor = np.full(n_rows, -1, np.int64)
    room = 4 * max(depth, 1) * n_rows + 1024
    out_m = np.empty(room, np.int64)
    out_e = np.empty(room, np.int64)
    out_s = np.empty(room, np.int64)
    out_r = np.empty(room, np.int64)
    n_out = 0

    for r in range(n_rows):
        n_touched = 0
        for p in range(l_indptr[r], l_indptr[r + 1]):
            value = l_data[p]
            key = l_indices[p]
            stop = r_indptr[key + 1]
            for q in range(r_indptr[key], stop):
                if q + AHEAD_SUMS < stop:
                    _prefetch(acc, r_indices[q + AHEAD_SUMS])
                j = r_indices[q]
                if acc[j] == 0:
                    touched[n_touched] = j
                    n_touched += 1
                acc[j] += value

        e = rows[r]
        e_global = np.int64(e_table[e, GLOBAL])
        e_style, e_week = e_table[e, STYLE], e_table[e, WEEK]
        e_dept, e_site = e_table[e, DEPARTMENT], e_table[e, SITE]
        e_first, e_end = e_table[e, SPAN_FIRST], e_table[e, SPAN_END]
        e_depth = np.int64(e_table[e, DEPTH])
        for d in range(e_depth + 1):
            above = paths[e_global, d]
            above_first[d] = span[above, 0]
            above_end[d] = span[above, 1]
        e_interests = e_table[e, INTERESTS] >> 1
        e_beyond = e_table[e, INTERESTS] & 1
        # A pool with fewer words has zeros in the rest of the row: all three are compared.
        e_word0, e_word1, e_word2 = _word(e_table, e, 0), _word(e_table, e, 1), _word(e_table, e, 2)
        e_flow = np.float64(e_table[e, FLOW_SCALE])
        e_inverse = 1.0 / e_flow
        n_found = 0
        n_valid = 0
        n_heap = 0
        for t in range(min(n_touched, AHEAD)):
            _prefetch(flat, touched[t] * C_FIELDS)
        for t in range(n_touched):
            if t + AHEAD < n_touched:
                _prefetch(flat, touched[t + AHEAD] * C_FIELDS)
            j = touched[t]
            sums = acc[j]
            acc[j] = 0
            codes = mentors[j, C_CODES]
            m_style = codes & code_mask
            m_week = (codes >> CODE_BITS) & code_mask
            m_dept = ((codes >> (2 * CODE_BITS)) & code_mask) - 1
            m_site = ((codes >> (3 * CODE_BITS)) & code_mask) - 1
            person = mentors[j, C_PERSON]
            m_interests = person & LOW
            # compatibility, as `scoring._compatibility`, and its minimum. The weekly overlap's
            # minimum needs no check: the pairs are placed, and the classes they are placed
            # by include the weekly pattern (`scoring.allowed_by_own_values`).
            # Divisions are slow: most pairs are decided by products with reciprocals, and only
            # a pair whose fate their error could change is computed exactly, as the array path
            # does. Compatibility's products are within a few units in the last place of a
            # 64-bit float; the bound's, with the flow divisor's 32-bit reciprocal, within a
            # tenth of a millionth of the score, hence one more millionth of slack.
            shared = (
                _popcount(mentors[j, C_WORDS] & e_word0)
                + _popcount(mentors[j, C_WORDS + 1] & e_word1)
                + _popcount(mentors[j, C_WORDS + 2] & e_word2)
            )
            if e_beyond != 0 and m_interests & 1 != 0:
                m_global = mentors[j, C_PLACE] >> 32
                for w in range(ROW_WORDS, n_words):
                    shared += _popcount(words[w, m_global] & words[w, e_global])
            together = max((m_interests >> 1) + e_interests, 1)
            rest = style_share * style_table[m_style, e_style]
            hours = time_share * time_table[m_week, e_week]
            compatibility = interest_share * (2.0 * shared * inverse[together]) + rest + hours
            if compatibility < min_compat + NEAR:
                if compatibility < min_compat - NEAR:
                    continue
                compatibility = interest_share * (2.0 * shared / together) + rest + hours
                if compatibility < min_compat:
                    continue
            # The rules `scoring.finish` checks (the language is shared: the pairs are placed).
            if department_rule and m_dept == e_dept and m_dept >= 0:
                continue
            m_span = mentors[j, C_SPAN]
            m_first = m_span & LOW
            if (m_first < e_first and e_first < (m_span >> 32)) or (
                e_first < m_first and m_first < e_end
            ):
                continue  # one manages the other
            if len(forbidden) and _forbidden(
                forbidden, (mentors[j, C_PLACE] >> 32) * size + e_global
            ):
                continue
            count = mentors[j, C_COUNT] + (np.int64(1) << 32)  # one more valid pair
            mentors[j, C_COUNT] = count
            bar = count & LOW
            n_valid += 1
            # teach and learn, as `SkillPairs.decode` and then `scoring.flow_shares`.
            count = sums & count_mask
            b = (count >> digit_start[_popcount((count & -count) - 1)]) & digit_mask
            folded = count
            for bit in range(1, digit):
                folded = folded | (count >> bit)
            a = _popcount(folded & ones)
            teach_sum = (sums >> teach_at) & teach_mask
            learn_sum = sums >> learn_at
            m_inverse = _float32(np.int32(person >> 32))
            benefit = (teach_sum * inverse[b] * e_inverse + learn_sum * inverse[a] * m_inverse) / 2
            apart_dept = 1.0 if (m_dept != e_dept and m_dept >= 0 and e_dept >= 0) else 0.0
            apart_site = 1.0 if (m_site != e_site and m_site >= 0 and e_site >= 0) else 0.0
            apart = department_share * apart_dept + site_share * apart_site
            # A pair below both the mentee's best so far and the mentor's bar, even at the
            # farthest in the chart, is never kept: the bound of `scoring.partial_scores`,
            # here from the products, so one more unit of slack (in millionths) than exact.
            bound = np.int64(
                np.ceil((wb * benefit + wc * compatibility + wr * (apart + chart_share)) * scale)
            )
            if n_heap == depth and bound + 2 < heap[0] and bound + 2 < bar:
                continue
            m_place = mentors[j, C_PLACE]
            m_flow = np.float64((m_place >> DEPTH_BITS) & FLOW_MASK)
            benefit = (teach_sum / b / e_flow + learn_sum / a / m_flow) / 2
            compatibility = interest_share * (2.0 * shared / together) + rest + hours
            # How far apart in the chart, as `scoring._chart_far`: the mentor shares the
            # mentee's manager at depth d exactly when the mentor's place is in that manager's
            # span, so the mentor's row tells it without reading the mentor's chain.
            far = 1.0
            m_depth = m_place & DEPTH_MASK
            low = min(m_depth, e_depth)
            d = max((m_depth + e_depth - far_steps) // 2 + 1, 0)
            if d <= low and above_first[d] <= m_first and m_first < above_end[d]:
                while d < low and above_first[d + 1] <= m_first and m_first < above_end[d + 1]:
                    d += 1
                # d is the depth of their lowest common manager.
                far = min(1.0, (m_depth + e_depth - 2 * d) / far_steps)
            reach = apart + chart_share * far
            score = np.int64(np.rint((wb * benefit + wc * compatibility + wr * reach) * scale))
            found_col[n_found] = j
            if one_each and score > bar:
                mentors[j, C_COUNT] = (mentors[j, C_COUNT] & ~LOW) | score
            found_score[n_found] = score
            n_found += 1
            # The mentee's best ``depth`` scores so far, the lowest at the root.
            if n_heap < depth:
                heap[n_heap] = score
                _sift_up(heap, n_heap)
                n_heap += 1
            elif score > heap[0]:
                heap[0] = score
                _sift_down(heap, n_heap)

        valid_e[r] = n_valid
        cut = heap[0] if n_valid >= depth and depth > 0 else -1
        floor[r] = cut
        for f in range(n_found):
            j = found_col[f]
            score = found_score[f]
            rising = score >= mentors[j, C_COUNT] & LOW
            if score >= cut or rising:
                if n_out == len(out_m):
                    out_m = _grown(out_m)
                    out_e = _grown(out_e)
                    out_s = _grown(out_s)
                    out_r = _grown(out_r)
                out_m[n_out] = cols[j]
                out_e[n_out] = e
                out_s[n_out] = score
                out_r[n_out] = rising
                n_out += 1

    valid_m = np.zeros(n_mentors, np.int64)
    for j in range(n_cols):
        valid_m[cols[j]] += mentors[j, C_COUNT] >> 32
    found = out_m[:n_out].copy(), out_e[:n_out].copy(), out_s[:n_out].copy()
    return *found, out_r[:n_out] != 0, floor, valid_m, valid_e


@jit(inline="always")
def _grown(array: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    bigger = np.empty(2 * len(array), array.dtype)
    bigger[: len(array)] = array
    return bigger
