"""People compiled into arrays once, so every pair can be scored vectorised."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from itertools import chain
from operator import attrgetter, itemgetter
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from twoheads.matching import collector, skillpairs
from twoheads.matching.arrays import distinct_rows
from twoheads.matching.model import MatchInputError, Person, Rules
from twoheads.matching.skillpairs import SkillPairs
from twoheads.matching.skills import SkillFolder

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
WordArray = npt.NDArray[np.uint64]
# Per-person codes are small integers, so that gathering them for millions of pairs stays
# in the processor's cache.
CodeArray = npt.NDArray[np.int32]

SLOT_MINUTES = 15
SLOTS = 7 * 24 * 60 // SLOT_MINUTES
# Time-zone offsets are taken in one fixed week so that results never depend on the run date.
REFERENCE_MONDAY = datetime(2025, 1, 6, 12, 0)
DEFAULT_AVAILABILITY = tuple((day, 9 * 60, 17 * 60) for day in range(5))


@dataclass(frozen=True, slots=True)
class Pool:
    """A compiled pool: people, rules, and per-person arrays indexed by position."""

    people: tuple[Person, ...]
    rules: Rules
    index: dict[str, int]
    mentors: IntArray
    mentees: IntArray
    level: npt.NDArray[np.float32]
    organisation: CodeArray
    department: CodeArray
    site: CodeArray
    languages: WordArray
    interests: WordArray
    interest_count: CodeArray
    interest_beyond_first: BoolArray
    availability: WordArray
    style: npt.NDArray[np.float32]
    style_code: CodeArray
    style_table: FloatArray | None
    offers: sp.csr_matrix
    wants: sp.csr_matrix
    offer_level: sp.csr_matrix  # the levels 1-3 themselves, whole numbers
    want_priority: sp.csr_matrix  # the priorities 1-3 themselves, whole numbers
    flow_scale: FloatArray  # 3 x the sum of each person's priorities: teach = sum / this
    depth: IntArray
    paths: npt.NDArray[np.int32]
    chart_span: npt.NDArray[np.int32]  # (first, end) of each person's subtree in chart order
    lines_cross: bool  # some mentor and some mentee are in one reporting line
    week: CodeArray
    overlap_table: FloatArray | None
    capacity: IntArray
    forbidden: IntArray
    skill_names: tuple[str, ...]
    interest_names: tuple[str, ...]
    offers_m: sp.csr_matrix
    wants_m: sp.csr_matrix
    offers_e: sp.csr_matrix
    wants_e: sp.csr_matrix
    offers_m_t: sp.csr_matrix
    wants_m_t: sp.csr_matrix
    offers_e_t: sp.csr_matrix
    wants_e_t: sp.csr_matrix
    flows_e: sp.csr_matrix
    flows_m: sp.csr_matrix
    flows_e_t: sp.csr_matrix
    flows_m_t: sp.csr_matrix
    skill_pairs: SkillPairs | None  # with mutual benefit required (else None)

    @property
    def size(self) -> int:
        """Number of people, including those only in the org chart."""
        return len(self.people)

    def pair_key(self, mentor: IntArray, mentee: IntArray) -> IntArray:
        """One int64 per (mentor, mentee) pair of global positions."""
        return mentor.astype(np.int64) * self.size + mentee.astype(np.int64)

    def forbidden_mask(self, mentor: IntArray, mentee: IntArray) -> BoolArray:
        """True where the pair is excluded, past partners or blocked."""
        if not len(self.forbidden):
            return np.zeros(len(mentor), dtype=bool)
        keys = self.pair_key(mentor, mentee)
        where = np.searchsorted(self.forbidden, keys).clip(max=len(self.forbidden) - 1)
        return np.asarray(self.forbidden[where] == keys)


@collector.paused()
def compile_pool(people: Sequence[Person], rules: Rules) -> Pool:
    """Compile people and rules into a Pool; raise MatchInputError on inconsistent input."""
    people = tuple(people)
    index = _index(people)
    roles = np.array([p.role for p in people], dtype=object)
    _check_people(people)
    fold = SkillFolder(rules.alias_map)
    level, priority, skills = _skill_matrices(people, fold, rules)
    totals = np.asarray(priority.sum(axis=1)).ravel()
    totals[totals <= 0] = 1.0  # nobody's share of nothing: their wants are all zero anyway
    offers = sp.csr_matrix(level / 3.0)
    wants = sp.csr_matrix(sp.diags(1.0 / totals) @ priority)
    offers.sort_indices()
    wants.sort_indices()
    mentors = np.flatnonzero(roles == "mentor").astype(np.int64)
    mentees = np.flatnonzero(roles == "mentee").astype(np.int64)
    with ThreadPoolExecutor(1) as background:
        # The index is array work that leaves the interpreter free for the rest, which is
        # mostly loops over people.
        building = (
            background.submit(skillpairs.build, priority, level, mentors, mentees)
            if rules.require_mutual
            else None
        )
        depth, paths = _org_chart(people, index)
        span = _chart_span(paths)
        interests, interest_count, interest_names = _bitsets([p.interests for p in people])
        languages, _, _ = _bitsets([frozenset(p.languages) for p in people])
        availability = _availability(people)
        week, table = _week_table(availability)
        style = _style(people)
        style_code, style_table = _style_table(style)
        pairs = building.result() if building is not None else None
    return Pool(
        people=people,
        rules=rules,
        index=index,
        mentors=mentors,
        mentees=mentees,
        level=np.array([np.nan if p.level is None else p.level for p in people], dtype=np.float32),
        organisation=_codes([p.organisation for p in people]),
        department=_codes([p.department for p in people]),
        site=_codes([p.site for p in people]),
        languages=languages,
        # One row per 64-interest word, so that pairs gather from flat arrays.
        interests=np.ascontiguousarray(interests.T),
        interest_count=interest_count,
        interest_beyond_first=np.bitwise_count(interests[:, 1:]).sum(axis=1) > 0,
        availability=availability,
        week=week,
        overlap_table=table,
        style=style,
        style_code=style_code,
        style_table=style_table,
        offers=offers,
        wants=wants,
        offer_level=level,
        want_priority=priority,
        flow_scale=3.0 * totals,
        depth=depth,
        paths=paths,
        chart_span=span,
        lines_cross=_lines_cross(span, mentors, mentees),
        capacity=np.array([p.capacity for p in people], dtype=np.int64),
        forbidden=_forbidden(people, index, rules, roles),
        skill_names=skills,
        interest_names=interest_names,
        offers_m=offers[mentors],
        wants_m=wants[mentors],
        offers_e=offers[mentees],
        wants_e=wants[mentees],
        offers_m_t=_transpose(offers[mentors]),
        wants_m_t=_transpose(wants[mentors]),
        offers_e_t=_transpose(offers[mentees]),
        wants_e_t=_transpose(wants[mentees]),
        # One product of these gives the sums of priority x level that teach (real part) and
        # learn (imaginary part) are made of, for a block of pairs.
        flows_e=_side_by_side(priority[mentees], level[mentees], 1j),
        flows_m=_side_by_side(level[mentors], priority[mentors], 1j),
        flows_e_t=_transpose(_side_by_side(priority[mentees], level[mentees], 1)),
        flows_m_t=_transpose(_side_by_side(level[mentors], priority[mentors], 1)),
        skill_pairs=pairs,
    )


def _side_by_side(first: sp.csr_matrix, second: sp.csr_matrix, factor: complex) -> sp.csr_matrix:
    """[first, factor * second] as one complex matrix over twice the skills."""
    out = sp.csr_matrix(sp.hstack([first, second * factor], format="csr"), dtype=np.complex128)
    out.sort_indices()
    return out


def _transpose(matrix: sp.csr_matrix) -> sp.csr_matrix:
    out = sp.csr_matrix(matrix.T)
    out.sort_indices()
    return out


def _index(people: tuple[Person, ...]) -> dict[str, int]:
    index: dict[str, int] = {}
    for pos, person in enumerate(people):
        if person.id in index:
            raise MatchInputError(
                f'person "{person.id}" appears twice (positions '
                f"{index[person.id] + 1} and {pos + 1})"
            )
        index[person.id] = pos
    return index


def _check_people(people: tuple[Person, ...]) -> None:
    for person in people:
        if person.role not in ("mentor", "mentee", ""):
            raise MatchInputError(
                f'person "{person.id}", field "role": "{person.role}" is not '
                '"mentor", "mentee" or empty'
            )
        if person.role and person.level is None:
            raise MatchInputError(
                f'person "{person.id}", field "level": a {person.role} needs a level'
            )
        if person.capacity < 0:
            raise MatchInputError(
                f'person "{person.id}", field "capacity": {person.capacity} is negative'
            )


def _codes(values: list[str]) -> CodeArray:
    """Factorise strings; an empty value gets -1 (unknown)."""
    table: dict[str, int] = {}
    return np.array([table.setdefault(v, len(table)) if v else -1 for v in values], np.int32)


def _skill_matrices(
    people: tuple[Person, ...], fold: SkillFolder, rules: Rules
) -> tuple[sp.csr_matrix, sp.csr_matrix, tuple[str, ...]]:
    """Offered levels and wanted priorities, as whole numbers, and the skills' names."""
    names: dict[str, int] = {}
    display: list[str] = []
    canonical = {fold(c): c for _, c in rules.aliases}

    def skill_id(raw: str) -> int:
        key = fold(raw)
        if key not in names:
            names[key] = len(names)
            display.append(canonical.get(key, raw.strip()))
        return names[key]

    # The same spellings come back for thousands of people: fold each one once.
    seen: dict[str, int] = {}
    offers = _skill_csr(people, "offers", skill_id, seen)
    wants = _skill_csr(people, "wants", skill_id, seen)
    shape = (len(people), max(len(names), 1))
    levels = sp.csr_matrix(offers, shape=shape)
    priorities = sp.csr_matrix(wants, shape=shape)
    levels.sort_indices()
    priorities.sort_indices()
    return levels, priorities, tuple(display)


def _skill_csr(
    people: tuple[Person, ...], field: str, get: Callable[[str], int], seen: dict[str, int]
) -> tuple[FloatArray, IntArray, IntArray]:
    """One row per person of (skill, value), the highest value where a skill comes twice."""
    lists = list(map(attrgetter(field), people))
    per_person = np.fromiter(map(len, lists), np.int64, len(lists))
    pairs = list(chain.from_iterable(lists))
    # The same (spelling, value) comes back for thousands of people: each distinct one is
    # looked at once, in order of first appearance (as skill ids are given), and every
    # person's entries are read through its number.
    distinct = dict.fromkeys(pairs)
    number = dict(zip(distinct, range(len(distinct)), strict=True))
    codes = np.fromiter(map(number.__getitem__, pairs), np.int64, len(pairs))
    for name, _ in distinct:
        if name not in seen:
            seen[name] = get(name)
    cols = np.fromiter((seen[name] for name, _ in distinct), np.int64, len(distinct))[codes]
    data = np.fromiter(map(itemgetter(1), distinct), np.float64, len(distinct))[codes]
    rows = np.repeat(np.arange(len(people), dtype=np.int64), per_person)
    if not np.all(data > 0):  # a value of nothing is no skill at all
        rows, cols, data = rows[data > 0], cols[data > 0], data[data > 0]
    if len(cols):
        # A skill named twice by one person (two spellings, or twice over) keeps its highest.
        key = rows << 32 | cols
        ordered = np.sort(key)  # a value sort, vectorised, to learn whether any is repeated
        if np.any(ordered[1:] == ordered[:-1]):
            order = np.lexsort((data, key))
            keep = order[np.r_[key[order][1:] != key[order][:-1], True]]
            keep.sort()
            rows, cols, data = rows[keep], cols[keep], data[keep]
    indptr = np.zeros(len(people) + 1, np.int64)
    np.cumsum(np.bincount(rows, minlength=len(people)), out=indptr[1:])
    return data, cols, indptr


def _bitsets(sets: list[frozenset[str]]) -> tuple[WordArray, CodeArray, tuple[str, ...]]:
    """Sets of words as rows of 64-bit words, with their sizes and the vocabulary.

    Words are numbered from the most common (ties in order of first appearance).
    """
    seen: dict[str, int] = {}
    for words in sets:
        for word in sorted(words):
            seen[word] = seen.get(word, 0) + 1
    # The most common words first, so that most people's sets fit in the first 64-bit word.
    ranked = sorted(seen, key=lambda w: -seen[w])
    vocab = {word: i for i, word in enumerate(ranked)}
    width = max(1, (len(vocab) + 63) // 64)
    bits = np.zeros((len(sets), width * 64), dtype=bool)
    rows = [i for i, words in enumerate(sets) for _ in words]
    cols = [vocab[w] for words in sets for w in words]
    bits[rows, cols] = True
    return _pack(bits), bits.sum(axis=1).astype(np.int32), tuple(vocab)


def _pack(bits: BoolArray) -> WordArray:
    packed = np.packbits(bits, axis=1, bitorder="little")
    pad = (-packed.shape[1]) % 8
    packed = np.pad(packed, ((0, 0), (0, pad)))
    return np.ascontiguousarray(packed).view(np.uint64)


def _availability(people: tuple[Person, ...]) -> WordArray:
    """Each person's weekly availability as UTC quarter-hour slots."""
    rows = [_week_slots(p.timezone, p.availability or DEFAULT_AVAILABILITY) for p in people]
    return np.stack(rows) if rows else np.zeros((0, (SLOTS + 63) // 64), np.uint64)


MAX_WEEK_PATTERNS = 2048


def _week_table(availability: WordArray) -> tuple[CodeArray, FloatArray | None]:
    """Distinct weekly patterns and the overlap in hours between every two of them.

    Most people share a handful of patterns, so a lookup replaces a popcount per pair.
    """
    patterns, _, inverse = distinct_rows(availability)
    week: CodeArray = inverse.astype(np.int32)
    if len(patterns) > MAX_WEEK_PATTERNS:
        return week, None
    both = patterns[:, None, :] & patterns[None, :, :]
    slots = np.bitwise_count(both).sum(axis=2, dtype=np.int64)
    return week, (slots * (SLOT_MINUTES / 60.0)).astype(np.float64)


@lru_cache(maxsize=4096)
def _week_slots(timezone: str, ranges: tuple[tuple[int, int, int], ...]) -> WordArray:
    offset = _utc_offset_minutes(timezone)
    bits = np.zeros((1, SLOTS), dtype=bool)
    for day, start, end in ranges:
        first = -(-(day * 1440 + start - offset) // SLOT_MINUTES)
        last = (day * 1440 + end - offset) // SLOT_MINUTES
        bits[0, np.arange(first, last) % SLOTS] = True
    words: WordArray = _pack(bits)[0]
    words.flags.writeable = False
    return words


@lru_cache(maxsize=1024)
def _utc_offset_minutes(timezone: str) -> int:
    try:
        zone = ZoneInfo(timezone)
    except (KeyError, ValueError) as exc:
        raise MatchInputError(f'time zone "{timezone}" is not an IANA time zone') from exc
    delta = REFERENCE_MONDAY.replace(tzinfo=zone).utcoffset()
    return int(delta.total_seconds() // 60) if delta else 0


def _style(people: tuple[Person, ...]) -> npt.NDArray[np.float32]:
    questions = sorted({q for p in people for q, _ in p.style})
    table = np.full((len(people), max(len(questions), 1)), np.nan, dtype=np.float32)
    where = {q: i for i, q in enumerate(questions)}
    for row, person in enumerate(people):
        for question, value in person.style:
            table[row, where[question]] = value
    return table


MAX_STYLE_PATTERNS = 1024


def _style_table(style: npt.NDArray[np.float32]) -> tuple[CodeArray, FloatArray | None]:
    """Distinct answer patterns and the closeness of every two, as for the weekly patterns.

    With a few questions answered 1-5 there are at most a few hundred patterns, so a lookup
    replaces the per-pair arithmetic; the values are those `style_closeness` gives.
    """
    if not len(style):
        return np.zeros(0, np.int32), None
    # NaN (unanswered) compares unequal to itself: code it as 0 for finding the patterns.
    answers = np.nan_to_num(style, nan=0.0)
    if np.array_equal(answers, np.rint(answers)):  # whole numbers, as every file gives them
        patterns, _, inverse = distinct_rows(answers.astype(np.int64))
    else:
        patterns, inverse = np.unique(answers, axis=0, return_inverse=True)
    code: CodeArray = inverse.ravel().astype(np.int32)
    if len(patterns) > MAX_STYLE_PATTERNS:
        return code, None
    rows = np.where(patterns == 0.0, np.nan, patterns).astype(np.float32)
    a = np.repeat(np.arange(len(rows)), len(rows))
    b = np.tile(np.arange(len(rows)), len(rows))
    table = style_closeness(rows[a], rows[b]).reshape(len(rows), len(rows))
    return code, table


def style_closeness(mine: npt.NDArray[np.float32], yours: npt.NDArray[np.float32]) -> FloatArray:
    """1 minus the mean answer gap over shared questions, scaled to [0, 1]; 0.5 if none."""
    gaps = np.abs(mine - yours)
    answered = ~np.isnan(gaps)
    count = answered.sum(axis=1)
    total = np.where(answered, gaps, 0.0).sum(axis=1)
    return np.asarray(np.where(count > 0, 1.0 - total / np.maximum(count, 1) / 4.0, 0.5))


def _org_chart(
    people: tuple[Person, ...], index: dict[str, int]
) -> tuple[IntArray, npt.NDArray[np.int32]]:
    """Depth of each person and their chain of managers from the top (padded with -1)."""
    parent = np.array(
        [index.get(p.manager_id, -1) if p.manager_id else -1 for p in people], dtype=np.int64
    )
    depth = _depths(parent, people)
    width = int(depth.max(initial=0)) + 2
    # int32 halves the memory the reporting-line check reads for every candidate pair.
    paths = np.full((len(people), width), -1, dtype=np.int32)
    rows = np.arange(len(people))
    node = rows.copy()
    for step in range(width - 1):
        alive = node >= 0
        paths[rows[alive], depth[alive] - step] = node[alive]
        node[alive] = parent[node[alive]]
    return depth, paths


def _lines_cross(span: npt.NDArray[np.int32], mentors: IntArray, mentees: IntArray) -> bool:
    """Whether any mentor manages any mentee at some depth, or the other way round."""
    for high, low in ((mentors, mentees), (mentees, mentors)):
        places = np.sort(span[low, 0])
        below = np.searchsorted(places, span[high, 1]) - np.searchsorted(
            places, span[high, 0], side="right"
        )
        if np.any(below > 0):
            return True
    return False


def _chart_span(paths: npt.NDArray[np.int32]) -> npt.NDArray[np.int32]:
    """Each person's place in a depth-first order of the org chart and the end of the places
    of everyone below them: one manages the other, at any depth, exactly when the other's
    place falls within their span.

    Sorting the chains of managers (padded with -1) puts every manager just before the people
    below them, and a person's subtree is everyone whose chain passes through them.
    """
    order = np.lexsort(paths.T[::-1])
    place = np.empty(len(paths), np.int64)
    place[order] = np.arange(len(paths))
    size = np.zeros(len(paths), np.int64)
    for column in paths.T:
        size += np.bincount(column[column >= 0], minlength=len(paths))
    return np.stack([place, place + size], axis=1).astype(np.int32)


def _depths(parent: IntArray, people: tuple[Person, ...]) -> IntArray:
    depth = np.zeros(len(parent), dtype=np.int64)
    node = parent.copy()
    for _ in range(len(parent) + 1):
        alive = node >= 0
        if not alive.any():
            return depth
        depth[alive] += 1
        node[alive] = parent[node[alive]]
    stuck = [people[i].id for i in np.flatnonzero(node >= 0)[:5]]
    raise MatchInputError(f"manager cycle among: {', '.join(stuck)}")


def _forbidden(
    people: tuple[Person, ...], index: dict[str, int], rules: Rules, roles: npt.NDArray[np.object_]
) -> IntArray:
    """Keys of pairs never to form: exclusions either way, past partners, blocked pairs."""
    size = len(people)
    keys: set[int] = set()

    def forbid(a: int, b: int) -> None:
        if roles[a] == "mentor" and roles[b] == "mentee":
            keys.add(a * size + b)
        elif roles[a] == "mentee" and roles[b] == "mentor":
            keys.add(b * size + a)

    for pos, person in enumerate(people):
        for other in person.exclude | person.past_partners:
            if other in index:
                forbid(pos, index[other])
    for mentor, mentee in rules.blocked:
        if mentor in index and mentee in index:
            forbid(index[mentor], index[mentee])
    return np.array(sorted(keys), dtype=np.int64)
