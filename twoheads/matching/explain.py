"""Plain-English explanations of pairs, broken rules and unmatched participants."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

from twoheads.matching.pool import Pool
from twoheads.matching.scoring import FAR_IN_CHART, Scored

Skill = tuple[str, int]


def flows(pool: Pool, giver: int, taker: int) -> tuple[Skill, ...]:
    """Skills the giver offers that the taker wants, with the giver's level, best first."""
    o, w = pool.offers, pool.wants
    lo, hi = o.indptr[giver], o.indptr[giver + 1]
    wanted = set(w.indices[w.indptr[taker] : w.indptr[taker + 1]].tolist())
    found = [
        (pool.skill_names[s], round(v * 3))
        for s, v in zip(o.indices[lo:hi].tolist(), o.data[lo:hi].tolist(), strict=True)
        if s in wanted
    ]
    return tuple(sorted(found, key=lambda item: (-item[1], item[0])))


def flows_of_pairs(pool: Pool, givers: np.ndarray, takers: np.ndarray) -> list[tuple[Skill, ...]]:
    """`flows` for many pairs at once: one sparse intersection instead of one per pair."""
    both = pool.offers[givers].multiply(pool.wants[takers] > 0).tocsr()
    names, indptr = pool.skill_names, both.indptr.tolist()
    skills, levels = both.indices.tolist(), np.rint(both.data * 3).astype(np.int64).tolist()
    out = []
    for row in range(len(givers)):
        lo, hi = indptr[row], indptr[row + 1]
        found = [(names[s], v) for s, v in zip(skills[lo:hi], levels[lo:hi], strict=True)]
        out.append(tuple(sorted(found, key=lambda item: (-item[1], item[0]))))
    return out


def skill_list(skills: tuple[Skill, ...]) -> str:
    """`generative AI tools (3), negotiation (2)`."""
    return ", ".join(f"{name} ({level})" for name, level in skills)


def shared_interests(pool: Pool, mentor: int, mentee: int) -> tuple[str, ...]:
    """Interests both people listed, alphabetically."""
    return tuple(sorted(pool.people[mentor].interests & pool.people[mentee].interests))


def pair_text(
    pool: Pool,
    scored: Scored,
    i: int,
    teaches: tuple[Skill, ...] | None = None,
    learns: tuple[Skill, ...] | None = None,
) -> str:
    """The explanation shown with pair i."""
    m, e = int(scored.mentor[i]), int(scored.mentee[i])
    teaches = flows(pool, m, e) if teaches is None else teaches
    learns = flows(pool, e, m) if learns is None else learns
    one = scored.take(np.array([i]))
    return pair_texts(pool, one, [teaches], [learns], [shared_interests(pool, m, e)])[0]


def pair_texts(
    pool: Pool,
    scored: Scored,
    teaches: Sequence[tuple[Skill, ...]],
    learns: Sequence[tuple[Skill, ...]],
    interests: Sequence[tuple[str, ...]],
) -> list[str]:
    """The explanation shown with each pair of ``scored``, given the skills flowing each way
    and the shared interests of each."""
    wb, wc, wr = (f"{w:.2f}" for w in pool.rules.weights.normalised())
    people = pool.people
    rows = zip(
        scored.mentor.tolist(),
        scored.mentee.tolist(),
        scored.score.tolist(),
        scored.benefit.tolist(),
        scored.compatibility.tolist(),
        scored.reach.tolist(),
        scored.overlap_hours.tolist(),
        scored.distance.tolist(),
        teaches,
        learns,
        interests,
        strict=True,
    )
    out = []
    for m, e, score, benefit, compatibility, reach, hours, distance, teach, learn, shared in rows:
        mentor, mentee = people[m].label, people[e].label
        parts = [
            f"{mentor} can teach {mentee}: {skill_list(teach)}."
            if teach
            else f"{mentor} offers nothing {mentee} asked for.",
            f"{mentee} can teach {mentor}: {skill_list(learn)}."
            if learn
            else f"{mentee} offers nothing {mentor} asked for.",
        ]
        if shared:
            parts.append(f"Shared interests: {', '.join(shared)}.")
        parts.append(f"{_hours(hours)} a week when both are available.")
        parts.append(reach_text(pool, m, e, distance))
        parts.append(
            f"Score {score:.2f} = benefit {benefit:.2f} x {wb}"
            f" + compatibility {compatibility:.2f} x {wc} + reach {reach:.2f} x {wr}."
        )
        out.append(" ".join(parts))
    return out


SCORE_SUM = " Score "  # where the closing sum of a pair's explanation starts


def without_score_sum(text: str) -> str:
    """A pair's explanation without its closing "Score ... = ..." sum: for the two people
    paired, whose page shows the score and its parts on their own."""
    head, found, _ = text.rpartition(SCORE_SUM)
    return head if found else text


def _hours(hours: float) -> str:
    return f"{hours:g} hour" + ("" if hours == 1 else "s")


def count(n: int, thing: str) -> str:
    """`1 step`, `2 steps`: a whole number of things in words."""
    return f"{n} {thing}" + ("" if n == 1 else "s")


# Two people this close in the org chart (under one manager) work close together.
CLOSE_IN_CHART = 2


def reach_text(pool: Pool, m: int, e: int, distance: int) -> str:
    """Why the two sit far apart (or close) in the organisation."""
    mentor, mentee = pool.people[m], pool.people[e]
    bits = []
    apart = mentor.organisation.casefold() != mentee.organisation.casefold()
    if mentor.organisation and mentee.organisation and apart:
        # Two organisations: departments, sites and managers are each their own.
        return (
            f"They work in different organisations ({mentor.organisation}, {mentee.organisation})."
        )
    if mentor.department and mentee.department and mentor.department != mentee.department:
        bits.append(f"different departments ({mentor.department}, {mentee.department})")
    if mentor.site and mentee.site and mentor.site != mentee.site:
        bits.append(f"different sites ({mentor.site}, {mentee.site})")
    if distance < 0:
        bits.append("no shared manager in the org chart")
    elif distance >= FAR_IN_CHART:
        bits.append(f"{count(distance, 'step')} apart in the org chart")
    elif distance > 0:
        chart = f"{count(distance, 'step')} apart in the org chart"
        if not bits and distance <= CLOSE_IN_CHART:
            return f"They work close together in the organisation: {chart}."
        bits.append(chart)
    if not bits:
        return "They work close together in the organisation."
    return "They sit apart in the organisation: " + ", ".join(bits) + "."


def broken_text(pool: Pool, scored: Scored, i: int) -> tuple[str, ...]:
    """Every hard rule pair i breaks, in the words the manager sees."""
    m, e = int(scored.mentor[i]), int(scored.mentee[i])
    return tuple(
        _RULE_WORDS[name](pool, scored, i, m, e)
        for name, mask in scored.broken.items()
        if bool(mask[i])
    )


def _mutual(pool: Pool, s: Scored, i: int, m: int, e: int) -> str:
    a, b = pool.people[m].label, pool.people[e].label
    if s.teach[i] <= 0 and s.learn[i] <= 0:
        return f"no skills flow either way between {a} and {b}"
    if s.teach[i] <= 0:
        return f"{a} offers nothing {b} wants to learn (mutual benefit is required)"
    return f"{b} offers nothing {a} wants to learn (mutual benefit is required)"


def _level(pool: Pool, s: Scored, i: int, m: int, e: int) -> str:
    rules = pool.rules
    mentor, mentee = pool.people[m], pool.people[e]
    where = "below" if rules.type == "reverse" else "above"
    return (
        f"{mentor.label} (level {mentor.level}) is not at least "
        f"{count(rules.min_level_gap, 'level')} {where} {mentee.label} (level {mentee.level})"
    )


def _line(pool: Pool, s: Scored, i: int, m: int, e: int) -> str:
    a, b = pool.people[m].label, pool.people[e].label
    return f"{a} and {b} are in the same reporting line (one manages the other, at some depth)"


def _organisation(pool: Pool, s: Scored, i: int, m: int, e: int) -> str:
    a, b = pool.people[m], pool.people[e]
    return (
        f"different organisations ({a.organisation or 'none'}, {b.organisation or 'none'}) "
        "and the programme is not cross-organisation"
    )


def _department(pool: Pool, s: Scored, i: int, m: int, e: int) -> str:
    return f"same department ({pool.people[m].department}) and the programme does not allow it"


def _language(pool: Pool, s: Scored, i: int, m: int, e: int) -> str:
    a, b = pool.people[m], pool.people[e]
    return (
        f"no shared language ({a.label}: {', '.join(a.languages)}; "
        f"{b.label}: {', '.join(b.languages)})"
    )


def _overlap(pool: Pool, s: Scored, i: int, m: int, e: int) -> str:
    return (
        f"only {_hours(float(s.overlap_hours[i]))} a week when both are available; the "
        f"programme needs at least {_hours(pool.rules.min_overlap_hours)}"
    )


def _compatibility(pool: Pool, s: Scored, i: int, m: int, e: int) -> str:
    return (
        f"compatibility {s.compatibility[i]:.2f} is below the programme's minimum "
        f"{pool.rules.min_compatibility:.2f}"
    )


def _excluded(pool: Pool, s: Scored, i: int, m: int, e: int) -> str:
    a, b = pool.people[m], pool.people[e]
    if b.id in a.exclude or a.id in b.exclude:
        who = a if b.id in a.exclude else b
        other = b if who is a else a
        return f"{who.label} asked not to be paired with {other.label}"
    if b.id in a.past_partners or a.id in b.past_partners:
        return f"{a.label} and {b.label} were partners before"
    return f"the programme blocks pairing {a.label} with {b.label}"


_RULE_WORDS = {
    "mutual": _mutual,
    "level": _level,
    "reporting_line": _line,
    "organisation": _organisation,
    "department": _department,
    "language": _language,
    "overlap": _overlap,
    "compatibility": _compatibility,
    "excluded": _excluded,
}

_RULE_COUNT_WORDS = {  # (one, many)
    "level": ("fails the level-gap rule", "fail the level-gap rule"),
    "reporting_line": ("is in the same reporting line", "are in the same reporting line"),
    "organisation": ("is in another organisation", "are in another organisation"),
    "department": ("is in the same department", "are in the same department"),
    "language": ("shares no language", "share no language"),
    "overlap": ("has too little shared availability", "have too little shared availability"),
    "compatibility": (
        "is below the minimum compatibility",
        "are below the minimum compatibility",
    ),
    "excluded": (
        "is excluded, a past partner or blocked",
        "are excluded, past partners or blocked",
    ),
}


def over_capacity(pool: Pool, mentors: list[int], mentees: list[int]) -> list[tuple[str, ...]]:
    """For each locked pair (global positions), the people in it who are in more locked pairs
    than their capacity, in the words the manager sees."""
    pairs = Counter(mentors) + Counter(mentees)  # a mentor and a mentee never share a position
    words = {
        p: f"{pool.people[p].label} is in {n} locked pairs but takes at most "
        f"{count(int(pool.capacity[p]), 'partner')}"
        for p, n in pairs.items()
        if n > pool.capacity[p]
    }
    return [
        tuple(words[p] for p in pair if p in words) for pair in zip(mentors, mentees, strict=True)
    ]


def removed_text(counts: dict[str, int], total: int, other: str) -> str:
    """`of the 20 mentors who share skills both ways, 14 are in the same reporting line`, or
    `the one mentor who shares skills both ways is in the same reporting line`."""
    broken = [(n, _RULE_COUNT_WORDS[k]) for k, n in counts.items() if n and k != "mutual"]
    if total == 1:
        return f"the one {other} who shares skills both ways " + " and ".join(
            one for _, (one, _) in broken
        )
    shown = [f"{n} {one if n == 1 else many}" for n, (one, many) in broken]
    return f"of the {total} {other}s who share skills both ways, " + "; ".join(shown)


def missing_skills(pool: Pool, person: int, field: str) -> str:
    """Names of a person's wanted or offered skills, for reasons."""
    matrix = pool.wants if field == "wants" else pool.offers
    found = matrix.indices[matrix.indptr[person] : matrix.indptr[person + 1]].tolist()
    return ", ".join(sorted(pool.skill_names[s] for s in found))


def lists_skills(pool: Pool, person: int, field: str) -> bool:
    """Whether a person listed any wanted or offered skills (`missing_skills` is not empty)."""
    matrix = pool.wants if field == "wants" else pool.offers
    return bool(matrix.indptr[person + 1] > matrix.indptr[person])


def score_words(value: float) -> str:
    """A score as people read it."""
    return f"{value:.2f}"


def best_index(keys: np.ndarray) -> int:
    """Position of the largest key."""
    return int(np.argmax(keys))
