"""An index of skill pairs: one sparse product gives exactly the pairs with a skill flowing
each way, with what flows each way.

A mentee who wants s1 and offers s2 meets a mentor who offers s1 and wants s2. Indexing every
person by such pairs (s1, s2) makes the product of the two sides land only on pairs that
share a skill in both directions, which under mutual benefit are the only ones that count,
instead of on every pair that shares a skill in either direction (about five times as many).

The product sums over every shared (s1, s2): the skills A the mentor can teach the mentee and
B the mentee can teach the mentor. Each sum is encoded in one 64-bit integer with three fields:

* ``count``: |B| x (the sum of 2**(digit x i) over the positions i, in the mentee's list of
  wants, of the skills in A). Its lowest non-zero digit is |B| and its number of set bits,
  once divided by |B|, is |A|;
* ``teach``: |B| x (the sum over A of the mentee's priority x the mentor's level);
* ``learn``: |A| x (the sum over B of the mentee's level x the mentor's priority).

The mentor's level and priority go into the column (one column per value of each), so the
mentor's side holds ones and the mentee's side the values, and each shared (s1, s2) costs
one multiplication. Mentees whose wants are too many for the fields, or whose skills make too
many pairs, are left out of the index (`SkillPairs.indexed`) and scanned the ordinary way.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from twoheads.matching.arrays import ranges
from twoheads.matching.native import jit

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
CodeArray = npt.NDArray[np.int32]

WORD_BITS = 63  # the three fields share one non-negative int64
MOST_VALUE = 8  # levels and priorities above this are not indexed (each value is a column)
# Mentees with more (wanted, offered) skill pairs than this are scanned the ordinary way; so
# is everyone when the mentors have more than this many (offered, wanted) pairs on average.
MOST_PAIRS_EACH = 100
# Up to this many possible (s1, s2), each one's columns are found in a table, not searched.
MOST_LOOKUP = 1 << 23


@dataclass(frozen=True, slots=True)
class SkillPairs:
    """The two sides of the index and the layout of the encoded sums."""

    mentees: sp.csr_matrix  # mentees (local) x columns, the encoded values
    mentors_t: sp.csr_matrix  # columns x mentors (local), ones
    indexed: BoolArray  # per mentee: in the index (else scanned the ordinary way)
    digit: int  # bits per digit of the count field
    teach_at: int  # first bit of the teach field
    learn_at: int  # first bit of the learn field

    def decode(self, sums: IntArray) -> tuple[FloatArray, FloatArray]:
        """The teach and learn numerators (sums of priority x level) of encoded sums."""
        digit = self.digit
        count = sums & ((1 << self.teach_at) - 1)
        # |B|: the lowest non-zero digit. The bits below the lowest set one, rounded down to
        # a whole digit, are where it starts.
        start = np.arange(64, dtype=np.int64) // digit * digit
        lowest = count & -count
        b = (count >> start[np.bitwise_count(lowest - 1)]) & ((1 << digit) - 1)
        # |A|: the non-zero digits, each folded onto its lowest bit and counted.
        folded = count
        for bit in range(1, digit):
            folded = folded | (count >> bit)
        ones = sum(1 << (digit * i) for i in range(self.teach_at // digit))
        a = np.bitwise_count(folded & ones)
        teach = (sums >> self.teach_at) & ((1 << (self.learn_at - self.teach_at)) - 1)
        # Whole numbers divided by a whole divisor: the quotients are exact.
        return np.asarray(teach / b, np.float64), np.asarray(
            (sums >> self.learn_at) / a, np.float64
        )


def build(
    want_priority: sp.csr_matrix,
    offer_level: sp.csr_matrix,
    mentors: IntArray,
    mentees: IntArray,
) -> SkillPairs | None:
    """The index for these mentors and mentees (global positions), or None when the values
    are not small whole numbers or the mentors list too many skills on average (then
    everyone is scanned the ordinary way)."""
    wants_m, offers_m = want_priority[mentors], offer_level[mentors]
    wants_e, offers_e = want_priority[mentees], offer_level[mentees]
    values = np.concatenate([want_priority.data, offer_level.data])
    if np.any(values != np.rint(values)) or np.any(values < 1) or np.any(values > MOST_VALUE):
        return None
    if int(_pairs_each(offers_m, wants_m).sum()) > MOST_PAIRS_EACH * max(len(mentors), 1):
        return None
    top = int(values.max(initial=1))  # values run 1..top: one column per value
    wants_most = _longest(wants_e)
    # |A| is at most what the mentee wants and the mentor offers; |B| the other way round.
    a_most = max(1, min(wants_most, _longest(offers_m)))
    b_most = max(1, min(_longest(offers_e), _longest(wants_m)))
    digit = b_most.bit_length()
    field = (top * top * a_most * b_most).bit_length()
    teach_at = WORD_BITS - 2 * field
    wants_fit = teach_at // digit
    if wants_fit < 1:
        return None
    indexed = (np.diff(wants_e.indptr) <= wants_fit) & (
        _pairs_each(wants_e, offers_e) <= MOST_PAIRS_EACH
    )
    teach_at = digit * min(wants_fit, max(1, wants_most))
    learn_at = teach_at + field

    n_skills = want_priority.shape[1]
    m_row, m_key = _mentor_keys(offers_m, wants_m, n_skills, top)
    columns, at = np.unique(m_key, return_inverse=True)
    mentors_t = sp.csr_matrix(
        (np.ones(len(m_key), np.int64), (at.ravel(), m_row)), shape=(len(columns), len(mentors))
    )
    by_skills = columns // (top * top)  # each column's (s1, s2), ascending like the columns
    level_priority = columns % (top * top)
    first, many = _column_tables(by_skills, n_skills)
    per_row = _mentee_counts(
        wants_e.indptr,
        wants_e.indices,
        offers_e.indptr,
        offers_e.indices,
        indexed,
        n_skills,
        by_skills,
        first,
        many,
    )
    indptr = np.concatenate([[0], np.cumsum(per_row)])
    # Allocated by numpy, which asks the kernel for huge pages for arrays this large: hundreds
    # of megabytes in small pages take longer to map than to fill. The columns in the 32 bits
    # scipy keeps them in whenever they fit, so that they are not copied again.
    small = max(int(indptr[-1]), len(columns)) < 1 << 31
    index = np.int32 if small else np.int64
    indptr = indptr.astype(index)
    cols, data = np.empty(int(indptr[-1]), index), np.empty(int(indptr[-1]), np.int64)
    _mentee_entries(
        wants_e.indptr,
        wants_e.indices,
        wants_e.data.astype(np.int64),
        offers_e.indptr,
        offers_e.indices,
        offers_e.data.astype(np.int64),
        indexed,
        n_skills,
        level_priority // top + 1,  # each column's mentor level
        level_priority % top + 1,  # and priority
        by_skills,
        first,
        many,
        np.array([digit, teach_at, learn_at], np.int64),
        indptr,
        cols,
        data,
    )
    # Each row's entries come in ascending order of (s1, s2), so of columns: no sort needed.
    mentee_side = sp.csr_matrix((data, cols, indptr), shape=(len(mentees), len(columns)))
    mentors_t.sort_indices()
    return SkillPairs(mentee_side, mentors_t, indexed, digit, teach_at, learn_at)


def _column_tables(by_skills: IntArray, n_skills: int) -> tuple[CodeArray, CodeArray]:
    """For each possible (s1, s2), as s1 x n_skills + s2: where its columns start among the
    columns (ordered by ``by_skills``) and how many there are. Empty when the possible (s1, s2)
    are too many for tables: then `_columns_of` searches."""
    if n_skills * n_skills > MOST_LOOKUP:
        return np.zeros(0, np.int32), np.zeros(0, np.int32)
    changes = np.flatnonzero(by_skills[1:] != by_skills[:-1]) + 1
    starts = np.concatenate([[0], changes]) if len(by_skills) else changes
    # 32 bits each: at 2,000 skills the two tables take 32 MB, while the index is built.
    first = np.zeros(n_skills * n_skills, np.int32)
    many = np.zeros(n_skills * n_skills, np.int32)
    first[by_skills[starts]] = starts
    many[by_skills[starts]] = np.diff(np.append(starts, len(by_skills)))
    return first, many


@jit(inline="always")
def _columns_of(
    base: int, by_skills: IntArray, first: CodeArray, many: CodeArray
) -> tuple[int, int]:
    """Where the columns of (s1, s2) = ``base`` start, and how many there are."""
    if len(first):
        return int(first[base]), int(many[base])
    start = _search(by_skills, base, False)
    return start, _search(by_skills, base, True) - start


@jit(inline="always")
def _search(ordered: IntArray, value: int, after: bool) -> int:
    low, high = 0, len(ordered)
    while low < high:
        mid = (low + high) // 2
        if ordered[mid] < value or (after and ordered[mid] == value):
            low = mid + 1
        else:
            high = mid
    return low


def _pairs_each(first: sp.csr_matrix, second: sp.csr_matrix) -> IntArray:
    """Per row: the number of (entry of ``first``, entry of ``second``) pairs."""
    return np.asarray(np.diff(first.indptr) * np.diff(second.indptr), np.int64)


def _longest(matrix: sp.csr_matrix) -> int:
    """The most entries in any row."""
    return int(np.diff(matrix.indptr).max(initial=0))


def _cross(first: sp.csr_matrix, second: sp.csr_matrix, rows: IntArray) -> tuple[IntArray, ...]:
    """For each row, every (entry of ``first``, entry of ``second``) of that row: the row,
    the two entries' positions in the matrices' data, and the first entry's place in its row."""
    n1 = np.diff(first.indptr)[rows]
    n2 = np.diff(second.indptr)[rows]
    per_row = n1 * n2
    row = np.repeat(rows, per_row)
    offset = ranges(np.zeros(len(rows), np.int64), per_row)  # place in the row's pairs
    width = np.repeat(n2, per_row)
    place = offset // np.maximum(width, 1)
    one = first.indptr[row] + place
    two = second.indptr[row] + offset % np.maximum(width, 1)
    return row, one, two, place


def _base(
    first: sp.csr_matrix, second: sp.csr_matrix, one: IntArray, two: IntArray, n: int
) -> IntArray:
    """The (s1, s2) of each pair of entries, as one number."""
    return np.asarray(first.indices[one].astype(np.int64) * n + second.indices[two])


def _mentor_keys(
    offers: sp.csr_matrix, wants: sp.csr_matrix, n_skills: int, top: int
) -> tuple[IntArray, IntArray]:
    """Every mentor's (offered s1 at its level, wanted s2 at its priority) as column keys."""
    row, one, two, _ = _cross(offers, wants, np.arange(offers.shape[0]))
    level = offers.data[one].astype(np.int64) - 1
    priority = wants.data[two].astype(np.int64) - 1
    key = (_base(offers, wants, one, two, n_skills) * top + level) * top + priority
    return row, key


@jit(nogil=True)
def _mentee_counts(
    w_indptr: IntArray,
    w_skill: CodeArray,
    o_indptr: IntArray,
    o_skill: CodeArray,
    indexed: BoolArray,
    n_skills: int,
    by_skills: IntArray,
    first: CodeArray,
    many: CodeArray,
) -> IntArray:
    """Per mentee, the entries of its row: for each (wanted s1, offered s2), the number of
    columns some mentor has for that (s1, s2). Rows not indexed stay empty."""
    n_rows = len(w_indptr) - 1
    out = np.zeros(n_rows, np.int64)
    for r in range(n_rows):
        if not indexed[r]:
            continue
        for i in range(w_indptr[r], w_indptr[r + 1]):
            for t in range(o_indptr[r], o_indptr[r + 1]):
                out[r] += _columns_of(w_skill[i] * n_skills + o_skill[t], by_skills, first, many)[1]
    return out


@jit(nogil=True)
def _mentee_entries(
    w_indptr: IntArray,
    w_skill: CodeArray,
    w_priority: IntArray,
    o_indptr: IntArray,
    o_skill: CodeArray,
    o_level: IntArray,
    indexed: BoolArray,
    n_skills: int,
    mentor_level: IntArray,
    mentor_priority: IntArray,
    by_skills: IntArray,
    first: CodeArray,
    many: CodeArray,
    layout: IntArray,
    indptr: IntArray,
    cols: IntArray,
    data: IntArray,
) -> None:
    """Fill the mentee side's columns and values, row after row as `_mentee_counts` counted:
    per (wanted s1, offered s2) one entry for each column some mentor has for that (s1, s2),
    that is for each level and priority such mentors give them, with the encoded sums."""
    digit, teach_at, learn_at = layout[0], layout[1], layout[2]
    for r in range(len(w_indptr) - 1):
        if not indexed[r]:
            continue
        at = indptr[r]
        for i in range(w_indptr[r], w_indptr[r + 1]):
            count_bit = np.int64(1) << (digit * (i - w_indptr[r]))
            for t in range(o_indptr[r], o_indptr[r + 1]):
                start, n = _columns_of(w_skill[i] * n_skills + o_skill[t], by_skills, first, many)
                for c in range(start, start + n):
                    cols[at] = c
                    data[at] = (
                        ((w_priority[i] * mentor_level[c]) << teach_at)
                        + ((o_level[t] * mentor_priority[c]) << learn_at)
                        + count_bit
                    )
                    at += 1
