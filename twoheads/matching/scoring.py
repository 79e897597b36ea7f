"""The components of a pair's score and the hard rules, computed for arrays of pairs."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from twoheads.matching.arrays import distinct_rows
from twoheads.matching.pool import (
    SLOT_MINUTES,
    BoolArray,
    CodeArray,
    FloatArray,
    IntArray,
    Pool,
    style_closeness,
)

SCALE = 1_000_000  # scores are compared as integers in millionths
INTEREST_SHARE, STYLE_SHARE, TIME_SHARE = 0.4, 0.3, 0.3
FULL_OVERLAP_HOURS = 4.0
DEPARTMENT_SHARE, SITE_SHARE, CHART_SHARE = 0.4, 0.2, 0.4
FAR_IN_CHART = 6
# The components of a pair, in the order pages and files show them.
COMPONENTS = ("teach", "learn", "benefit", "compatibility", "reach")
RULES = (
    "mutual",
    "level",
    "reporting_line",
    "organisation",
    "department",
    "language",
    "overlap",
    "compatibility",
    "excluded",
)


@dataclass(frozen=True, slots=True)
class Scored:
    """Pairs (global positions) with every component, the score and the rules they break."""

    mentor: IntArray
    mentee: IntArray
    teach: FloatArray
    learn: FloatArray
    benefit: FloatArray
    compatibility: FloatArray
    reach: FloatArray
    score: FloatArray
    overlap_hours: FloatArray
    distance: IntArray
    broken: dict[str, BoolArray]

    @property
    def valid(self) -> BoolArray:
        """True where the pair breaks no hard rule."""
        ok = np.ones(len(self.mentor), dtype=bool)
        for mask in self.broken.values():
            ok &= ~mask
        return ok

    @property
    def score_int(self) -> IntArray:
        """Scores as whole millionths, the unit the solvers optimise."""
        return np.rint(self.score * SCALE).astype(np.int64)

    def take(self, keep: BoolArray | IntArray) -> Scored:
        """The subset of pairs selected by a mask or positions."""
        return Scored(
            mentor=self.mentor[keep],
            mentee=self.mentee[keep],
            teach=self.teach[keep],
            learn=self.learn[keep],
            benefit=self.benefit[keep],
            compatibility=self.compatibility[keep],
            reach=self.reach[keep],
            score=self.score[keep],
            overlap_hours=self.overlap_hours[keep],
            distance=self.distance[keep],
            broken={k: v[keep] for k, v in self.broken.items()},
        )

    def components(self, i: int) -> dict[str, float]:
        """The named components of pair i, as shown to people."""
        return {name: float(getattr(self, name)[i]) for name in COMPONENTS}

    def all_components(self) -> list[dict[str, float]]:
        """`components` of every pair, in order."""
        columns = [getattr(self, name).tolist() for name in COMPONENTS]
        return [dict(zip(COMPONENTS, values, strict=True)) for values in zip(*columns, strict=True)]


def skill_flow(pool: Pool, mentor: IntArray, mentee: IntArray) -> tuple[FloatArray, FloatArray]:
    """teach (mentor to mentee) and learn (mentee to mentor) for arbitrary pairs."""
    priority, level = pool.want_priority, pool.offer_level
    teach = np.asarray(priority[mentee].multiply(level[mentor]).sum(axis=1), float).ravel()
    learn = np.asarray(priority[mentor].multiply(level[mentee]).sum(axis=1), float).ravel()
    return flow_shares(pool, mentor, mentee, teach, learn)


def flow_shares(
    pool: Pool, mentor: IntArray, mentee: IntArray, teach: FloatArray, learn: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """teach and learn from their sums of priority x level: each taker's wanted priorities
    weighted by the giver's level, as a share of the most it could be (every priority at
    level 3). Every path that scores a pair divides the same way, so they agree exactly."""
    return teach / pool.flow_scale[mentee], learn / pool.flow_scale[mentor]


def evaluate(
    pool: Pool,
    mentor: IntArray,
    mentee: IntArray,
    teach: FloatArray | None = None,
    learn: FloatArray | None = None,
) -> Scored:
    """Score pairs of global positions and record which hard rules each one breaks."""
    if teach is None or learn is None:
        teach, learn = skill_flow(pool, mentor, mentee)
    rules = pool.rules
    compatibility, overlap = _compatibility(pool, mentor, mentee)
    same_line, distance = _chart(pool, mentor, mentee)
    reach = _apart(pool, mentor, mentee) + CHART_SHARE * _far(distance)
    benefit = (teach + learn) / 2
    wb, wc, wr = rules.weights.normalised()
    broken = {
        "mutual": ~((teach > 0) & (learn > 0)) if rules.require_mutual else benefit <= 0,
        "level": ~_level_ok(pool, mentor, mentee),
        "reporting_line": same_line,
        "organisation": _different(pool.organisation, mentor, mentee)
        if not rules.cross_organisation
        else np.zeros(len(mentor), bool),
        "department": _same_known(pool.department, mentor, mentee)
        if not rules.allow_same_department
        else np.zeros(len(mentor), bool),
        "language": ~np.any(pool.languages[mentor] & pool.languages[mentee], axis=1),
        "overlap": overlap < rules.min_overlap_hours - 1e-9,
        "compatibility": compatibility < rules.min_compatibility - 1e-9,
        "excluded": pool.forbidden_mask(mentor, mentee),
    }
    return Scored(
        mentor=mentor,
        mentee=mentee,
        teach=teach,
        learn=learn,
        benefit=benefit,
        compatibility=compatibility,
        reach=reach,
        score=wb * benefit + wc * compatibility + wr * reach,
        overlap_hours=overlap,
        distance=distance,
        broken=broken,
    )


@dataclass(frozen=True, slots=True)
class Partial:
    """Pairs with every component but how far apart they sit in the org chart.

    ``at`` are the pairs' positions in the arrays they came from; ``bound`` is the score in
    millionths they would have if they sat far apart in the chart, so never below their score.
    """

    at: IntArray
    mentor: IntArray
    mentee: IntArray
    benefit: FloatArray
    compatibility: FloatArray
    apart: FloatArray
    bound: IntArray
    placed: bool = False  # every pair has a shared language (and level and organisation)

    def take(self, keep: BoolArray | IntArray) -> Partial:
        """The subset of pairs selected by a mask or positions."""
        return Partial(
            at=self.at[keep],
            mentor=self.mentor[keep],
            mentee=self.mentee[keep],
            benefit=self.benefit[keep],
            compatibility=self.compatibility[keep],
            apart=self.apart[keep],
            bound=self.bound[keep],
            placed=self.placed,
        )


def partial_scores(
    pool: Pool,
    mentor: IntArray,
    mentee: IntArray,
    teach: FloatArray,
    learn: FloatArray,
    *,
    placed: bool = False,
) -> Partial:
    """Every component but the org-chart distance, for the pairs that pass the rules those
    components decide: mutual benefit, level, organisation, overlap and compatibility.

    ``placed`` says the pairs are known to pass mutual benefit, level and organisation
    already (a scan of the classes `allowed_by_own_values` allows), so those are not checked
    again. The same arithmetic as `evaluate`, so `finish` gives identical scores.
    """
    rules = pool.rules
    benefit = (teach + learn) / 2
    at = np.arange(len(mentor))
    if not placed:
        ok = (teach > 0) & (learn > 0) if rules.require_mutual else benefit > 0
        at = np.flatnonzero(ok & _placement_ok(pool, mentor, mentee))
        mentor, mentee, benefit = mentor[at], mentee[at], benefit[at]
    compatibility, overlap = _compatibility(pool, mentor, mentee)
    ok = (overlap >= rules.min_overlap_hours - 1e-9) & (
        compatibility >= rules.min_compatibility - 1e-9
    )
    at, mentor, mentee = at[ok], mentor[ok], mentee[ok]
    benefit, compatibility = benefit[ok], compatibility[ok]
    apart = _apart(pool, mentor, mentee)
    wb, wc, wr = rules.weights.normalised()
    bound = wb * benefit + wc * compatibility + wr * (apart + CHART_SHARE)
    return Partial(
        at=at,
        mentor=mentor,
        mentee=mentee,
        benefit=benefit,
        compatibility=compatibility,
        apart=apart,
        # One millionth of headroom: the exact score adds its terms in another order.
        bound=np.asarray(np.ceil(bound * SCALE), dtype=np.int64) + 1,
        placed=placed,
    )


def finish(
    pool: Pool, part: Partial, keep: BoolArray | IntArray | None = None
) -> tuple[IntArray, IntArray]:
    """The pairs of ``part`` (those ``keep`` selects, else all) that break no hard rule, as
    their ``at``, and their scores."""
    rules = pool.rules
    picked = np.arange(len(part.at))
    if keep is not None:
        picked = picked[keep]
    mentor, mentee = part.mentor[picked], part.mentee[picked]
    same_line, far = _chart_far(pool, mentor, mentee)
    ok = _person_rules_ok(pool, mentor, mentee, languages=not part.placed) & ~same_line
    picked = picked[ok]
    reach = part.apart[picked] + CHART_SHARE * far[ok]
    wb, wc, wr = rules.weights.normalised()
    score = wb * part.benefit[picked] + wc * part.compatibility[picked] + wr * reach
    return part.at[picked], np.rint(score * SCALE).astype(np.int64)


def finish_rules_always_ok(pool: Pool, *, placed: bool) -> bool:
    """Whether every pair passes the rules `finish` checks, with no need to look: pairs known
    to share a language, no department rule, no exclusions, and nobody in the programme in
    the reporting line of someone on the other side."""
    return (
        placed
        and pool.rules.allow_same_department
        and not len(pool.forbidden)
        and not pool.lines_cross
    )


def finish_rules_ok(
    pool: Pool, mentor: IntArray, mentee: IntArray, *, placed: bool = False
) -> BoolArray:
    """Whether pairs of a `Partial` pass the rules `finish` checks, without scoring them
    (with ``placed``, pairs known to share a language)."""
    ok = _person_rules_ok(pool, mentor, mentee, languages=not placed)
    return ok & ~_same_line(pool, mentor, mentee) if pool.lines_cross else ok


def chart_room(pool: Pool) -> int:
    """How far below its bound a valid pair's score can be, in millionths: the whole
    org-chart share of reach, and the rounding of both."""
    _, _, wr = pool.rules.weights.normalised()
    return int(np.ceil(wr * CHART_SHARE * SCALE)) + 3


def cheap_rules_ok(pool: Pool, mentor: IntArray, mentee: IntArray) -> BoolArray:
    """The rules that need no component: level, organisation, department, language, exclusions."""
    return _placement_ok(pool, mentor, mentee) & _person_rules_ok(pool, mentor, mentee)


def own_value_classes(pool: Pool, people: IntArray) -> tuple[IntArray, IntArray]:
    """Each person's class by the values `allowed_by_own_values` reads, and the first person
    (position in ``people``) of each class."""
    if not len(people):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    values = [pool.level[people].view(np.int32), pool.organisation[people]]
    values += list(pool.languages[people].view(np.int64).T)
    if pool.overlap_table is not None:
        values.append(pool.week[people])
    _, first, inverse = distinct_rows(np.stack(values, axis=1))
    return inverse, first


def allowed_by_own_values(pool: Pool, mentor: IntArray, mentee: IntArray) -> BoolArray:
    """The rules each person's own values decide: level, organisation, a shared language,
    weekly overlap, and whether the compatibility that overlap allows can reach the minimum.

    People of one class (`own_value_classes`) get the same answer, so pairs of
    representatives answer for everyone.
    """
    rules = pool.rules
    ok = _placement_ok(pool, mentor, mentee)
    ok &= np.any(pool.languages[mentor] & pool.languages[mentee], axis=1)
    if pool.overlap_table is not None:
        overlap = _overlap_hours(pool, mentor, mentee)
        most = INTEREST_SHARE + STYLE_SHARE + _time_share(overlap)
        ok &= overlap >= rules.min_overlap_hours - 1e-9
        ok &= most >= rules.min_compatibility - 1e-9
    return np.asarray(ok)


def _placement_ok(pool: Pool, mentor: IntArray, mentee: IntArray) -> BoolArray:
    """Level and organisation: one code per person each, the first rules checked."""
    ok = _level_ok(pool, mentor, mentee)
    if not pool.rules.cross_organisation:
        ok &= ~_different(pool.organisation, mentor, mentee)
    return ok


def _person_rules_ok(
    pool: Pool, mentor: IntArray, mentee: IntArray, *, languages: bool = True
) -> BoolArray:
    """Department (when the programme requires different ones), language (unless told the
    pairs share one) and exclusions."""
    ok = np.ones(len(mentor), bool)
    if languages:
        ok &= np.any(pool.languages[mentor] & pool.languages[mentee], axis=1)
    if not pool.rules.allow_same_department:
        ok &= ~_same_known(pool.department, mentor, mentee)
    ok &= ~pool.forbidden_mask(mentor, mentee)
    return np.asarray(ok)


def _level_ok(pool: Pool, mentor: IntArray, mentee: IntArray) -> BoolArray:
    gap = pool.level[mentee] - pool.level[mentor]
    if pool.rules.type == "traditional":
        gap = -gap
    return np.asarray(gap >= pool.rules.min_level_gap)


def _different(codes: CodeArray, mentor: IntArray, mentee: IntArray) -> BoolArray:
    return np.asarray(codes[mentor] != codes[mentee])


def _same_known(codes: CodeArray, mentor: IntArray, mentee: IntArray) -> BoolArray:
    return np.asarray((codes[mentor] == codes[mentee]) & (codes[mentor] >= 0))


def _overlap_hours(pool: Pool, mentor: IntArray, mentee: IntArray) -> FloatArray:
    if pool.overlap_table is not None:
        return np.asarray(pool.overlap_table[pool.week[mentor], pool.week[mentee]], np.float64)
    both = pool.availability[mentor] & pool.availability[mentee]
    slots = np.bitwise_count(both).sum(axis=1, dtype=np.int64)
    return np.asarray(slots * (SLOT_MINUTES / 60.0), dtype=np.float64)


def _interest(pool: Pool, mentor: IntArray, mentee: IntArray) -> FloatArray:
    """Dice overlap of interests: 2 |shared| / (|mine| + |yours|)."""
    words = pool.interests
    shared = np.bitwise_count(words[0][mentor] & words[0][mentee])  # at most 64 a word
    if len(words) > 1:
        # Only people with rarer interests have bits beyond the first word.
        both = np.flatnonzero(
            pool.interest_beyond_first[mentor] & pool.interest_beyond_first[mentee]
        )
        m, e = mentor[both], mentee[both]
        for word in words[1:]:
            shared[both] += np.bitwise_count(word[m] & word[e])
    total = pool.interest_count[mentor] + pool.interest_count[mentee]
    # Nobody shares an interest with someone who listed none, so 0 / 1 answers that case.
    return np.asarray(2.0 * shared / np.maximum(total, 1))


def _style(pool: Pool, mentor: IntArray, mentee: IntArray) -> FloatArray:
    """1 minus the mean answer gap over shared questions, scaled to [0, 1]; 0.5 if none."""
    if pool.style_table is not None:
        return np.asarray(pool.style_table[pool.style_code[mentor], pool.style_code[mentee]])
    return style_closeness(pool.style[mentor], pool.style[mentee])


def _chart(pool: Pool, mentor: IntArray, mentee: IntArray) -> tuple[BoolArray, IntArray]:
    """Whether one manages the other at any depth, and their distance (-1 if unrelated)."""
    common = np.argmin(pool.paths[mentor] == pool.paths[mentee], axis=1)
    dm, de = pool.depth[mentor], pool.depth[mentee]
    same_line = (common == dm + 1) | (common == de + 1)
    distance = np.where(common > 0, dm + de - 2 * (common - 1), -1)
    return same_line, distance.astype(np.int64)


def _same_line(pool: Pool, mentor: IntArray, mentee: IntArray) -> BoolArray:
    """Whether one manages the other at any depth: whether either one's place in the org
    chart's depth-first order falls within the other's span (`pool.chart_span`)."""
    span = pool.chart_span
    at_m, at_e = span[mentor, 0], span[mentee, 0]
    return np.asarray(
        ((at_m < at_e) & (at_e < span[mentor, 1])) | ((at_e < at_m) & (at_m < span[mentee, 1]))
    )


def _chart_far(pool: Pool, mentor: IntArray, mentee: IntArray) -> tuple[BoolArray, FloatArray]:
    """Whether one manages the other at any depth, and `_far` of their org-chart distance.

    The same answers as `_chart`, from two look-ups per pair: only pairs that share the
    manager deep enough to be fewer than FAR_IN_CHART steps apart need their distance.
    """
    width = pool.paths.shape[1]
    flat = pool.paths.ravel()
    same_line = _same_line(pool, mentor, mentee)
    dm, de = pool.depth[mentor], pool.depth[mentee]
    low = np.minimum(dm, de)
    # distance = dm + de - 2 x (depth of their lowest common manager), below FAR_IN_CHART
    # only when they share the manager at depth ``need``.
    need = np.maximum((dm + de - FAR_IN_CHART) // 2 + 1, 0)
    near = np.flatnonzero((need <= low) & ~same_line)
    shared = flat[mentor[near] * width + need[near]] == flat[mentee[near] * width + need[near]]
    near = near[shared]
    far = np.ones(len(mentor))
    if len(near):
        far[near] = _far(_chart(pool, mentor[near], mentee[near])[1])
    return np.asarray(same_line), far


def _compatibility(pool: Pool, mentor: IntArray, mentee: IntArray) -> tuple[FloatArray, FloatArray]:
    """Compatibility, and the weekly hours both are available that it counts."""
    overlap = _overlap_hours(pool, mentor, mentee)
    compatibility = (
        INTEREST_SHARE * _interest(pool, mentor, mentee)
        + STYLE_SHARE * _style(pool, mentor, mentee)
        + _time_share(overlap)
    )
    return compatibility, overlap


def _time_share(overlap: FloatArray) -> FloatArray:
    """The time part of compatibility: weekly hours together, full at FULL_OVERLAP_HOURS."""
    return np.asarray(TIME_SHARE * np.minimum(1.0, overlap / FULL_OVERLAP_HOURS))


def _apart(pool: Pool, mentor: IntArray, mentee: IntArray) -> FloatArray:
    """The departments-and-sites part of reach."""
    return np.asarray(
        DEPARTMENT_SHARE * _known_apart(pool.department, mentor, mentee)
        + SITE_SHARE * _known_apart(pool.site, mentor, mentee)
    )


def _far(distance: IntArray) -> FloatArray:
    """Org-chart steps as a share of "far apart" (unrelated people are far apart)."""
    return np.where(distance < 0, 1.0, np.minimum(1.0, distance / FAR_IN_CHART))


def _known_apart(codes: CodeArray, mentor: IntArray, mentee: IntArray) -> FloatArray:
    a, b = codes[mentor], codes[mentee]
    return np.asarray((a != b) & (a >= 0) & (b >= 0), dtype=np.float64)
