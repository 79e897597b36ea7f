"""Worked examples with named people: who is paired, why, and why not."""

from __future__ import annotations

import dataclasses

import pytest
import scipy.sparse as sp

from tests.matching.conftest import mentee, mentor
from twoheads.matching import (
    MatchInputError,
    Person,
    Rules,
    check_pair,
    explain,
    fold_skill,
    match,
    suggest,
)
from twoheads.matching.explain import without_score_sum
from twoheads.matching.pool import compile_pool


def test_a_skill_named_twice_by_one_person_counts_once_at_its_highest() -> None:
    """Two spellings of one skill (or an alias and its name) are one skill: the higher level
    offered and the higher priority wanted count, once."""
    rules = Rules(aliases=(("GenAI", "Generative AI"),))
    ana = mentor(
        "ana",
        "Ana",
        offers=(("GenAI", 1), ("generative  ai", 3), ("Python", 2), ("python", 1)),
        wants=(("negotiation", 1), ("Negotiation", 3)),
    )
    ben = mentee("ben", "Ben", offers=(("negotiation", 2),), wants=(("Generative AI", 2),))
    pool = compile_pool([ana, ben], rules)

    def row(matrix: sp.csr_matrix) -> dict[str, float]:
        names = [pool.skill_names[i] for i in matrix.indices.tolist()]
        return dict(zip(names, matrix.data.tolist(), strict=True))

    assert row(pool.offer_level[0]) == {"Generative AI": 3.0, "Python": 2.0}
    assert row(pool.want_priority[0]) == {"negotiation": 3.0}
    assert pool.offer_level[1].nnz == 1 and pool.want_priority[1].nnz == 1


def test_it_folds_skill_names_and_aliases() -> None:
    aliases = {"GenAI": "Generative AI", "gen ai": "Generative AI"}
    assert fold_skill("  Generative   AI ", aliases) == "generative ai"
    assert fold_skill("GenAI", aliases) == "generative ai"
    assert fold_skill("gen-ai", aliases) == "generative ai"
    assert fold_skill("C++", {}) == "c++"


def test_it_pairs_priya_with_margaret_and_says_why(
    priya: Person, margaret: Person, rules: Rules
) -> None:
    result = match([priya, margaret], rules)
    (pair,) = result.pairs
    assert (pair.mentor, pair.mentee) == ("priya", "margaret")
    assert pair.teaches == (("generative AI tools", 3), ("social media strategy", 2))
    assert pair.learns == (("negotiation", 3),)
    assert pair.shared_interests == ("cycling",)
    assert pair.explanation.startswith(
        "Priya can teach Margaret: generative AI tools (3), social media strategy (2). "
        "Margaret can teach Priya: negotiation (3). Shared interests: cycling."
    )
    assert "different departments (Digital, Finance)" in pair.explanation
    assert result.summary.optimal and result.summary.upper_bound == pytest.approx(pair.score)
    # What the two partners read: the same words, without the closing sum.
    words, total = pair.explanation.rsplit(" Score ", 1)
    assert without_score_sum(pair.explanation) == words
    assert total.startswith(f"{pair.score:.2f} = benefit ")
    assert without_score_sum(words) == words


def test_the_score_is_the_weighted_sum_of_its_components(
    priya: Person, margaret: Person, rules: Rules
) -> None:
    pair = match([priya, margaret], rules).pairs[0]
    c = pair.components
    assert c["teach"] == pytest.approx((3 * 3 / 3 + 1 * 2 / 3) / 4)
    assert c["learn"] == pytest.approx(1.0)
    assert c["benefit"] == pytest.approx((c["teach"] + c["learn"]) / 2)
    expected = 0.5 * c["benefit"] + 0.35 * c["compatibility"] + 0.15 * c["reach"]
    assert pair.score == pytest.approx(expected)


def test_it_never_pairs_a_manager_with_someone_in_their_line(rules: Rules) -> None:
    """Oliver reports to Dana who reports to Margaret: no pair with Margaret at any depth."""
    skills = {"offers": (("python", 3),), "wants": (("strategy", 2),)}
    senior = {"offers": (("strategy", 3),), "wants": (("python", 2),)}
    people = [
        mentee("margaret", "Margaret", **senior),
        Person(id="dana", name="Dana", manager_id="margaret"),
        mentor("oliver", "Oliver", manager_id="dana", **skills),
    ]
    result = match(people, rules)
    assert result.pairs == ()
    reason = {u.id: u.reason for u in result.unmatched}["margaret"]
    assert reason == ("The one mentor who shares skills both ways is in the same reporting line.")
    check = check_pair(people, rules, "oliver", "margaret")
    assert check.broken_rules == (
        "Oliver and Margaret are in the same reporting line (one manages the other, at some depth)",
    )


def test_it_tells_a_manager_when_nobody_offers_a_skill(rules: Rules) -> None:
    people = [
        mentor("sam", "Sam", offers=(("excel", 2),), wants=(("finance", 2),)),
        mentee("wei", "Wei", offers=(("finance", 3),), wants=(("Mandarin", 2),)),
    ]
    (unmatched_wei,) = [u for u in match(people, rules).unmatched if u.id == "wei"]
    assert unmatched_wei.reason == "No mentor offers any of: Mandarin."


def test_it_says_who_took_the_best_candidate(rules: Rules) -> None:
    shared = {"offers": (("ai", 3),), "wants": (("finance", 2),)}
    wants = {"offers": (("finance", 3),), "wants": (("ai", 2),)}
    people = [
        mentor("ravi", "Ravi", **shared),
        mentee("ann", "Ann", interests=frozenset({"chess"}), **wants),
        mentee("bob", "Bob", **wants),
    ]
    result = match(people, rules)
    assert len(result.pairs) == 1
    (left,) = result.unmatched
    partner = result.pairs[0].mentee
    assert left.reason == (
        f"Their one suitable mentor, Ravi (score {result.pairs[0].score:.2f}), "
        f"is paired with {partner.capitalize()}."
    )


def test_it_counts_the_suitable_candidates_that_went_to_others(rules: Rules) -> None:
    shared = {"offers": (("ai", 3),), "wants": (("finance", 2),)}
    wants = {"offers": (("finance", 3),), "wants": (("ai", 2),)}
    people = [
        mentor("ravi", "Ravi", **shared),
        mentor("rosa", "Rosa", **shared),
        *(mentee(f"m{i}", f"M{i}", **wants) for i in range(3)),
    ]
    result = match(people, rules)
    (left,) = result.unmatched
    assert left.reason.startswith("Both suitable mentors went to others; the best, R")
    assert "), is paired with M" in left.reason


def test_locked_pairs_are_kept_and_report_the_rules_they_break(rules: Rules) -> None:
    people = [
        mentor("tom", "Tom", level=6, offers=(("ai", 3),), wants=(("law", 2),)),
        mentee("lena", "Lena", offers=(("law", 3),), wants=(("ai", 2),)),
    ]
    locked = dataclasses.replace(rules, locked=(("tom", "lena"),))
    (pair,) = match(people, locked).pairs
    assert pair.locked
    assert pair.broken_rules == ("Tom (level 6) is not at least 2 levels below Lena (level 7)",)
    assert match(people, rules).pairs == ()


def test_a_pair_locked_twice_is_one_pair(rules: Rules) -> None:
    """Tom takes two mentees: locking him with Lena twice leaves his second place to Ola."""
    skills = {"offers": (("ai", 3),), "wants": (("law", 2),)}
    back = {"offers": (("law", 3),), "wants": (("ai", 2),)}
    people = [
        mentor("tom", "Tom", capacity=2, **skills),
        mentee("lena", "Lena", **back),
        mentee("ola", "Ola", **back),
    ]
    twice = dataclasses.replace(rules, locked=(("tom", "lena"), ("tom", "lena")))
    result = match(people, twice)
    assert [(p.mentor, p.mentee, p.locked) for p in result.pairs] == [
        ("tom", "ola", False),
        ("tom", "lena", True),
    ]
    people[0] = dataclasses.replace(people[0], capacity=1)
    result = match(people, twice)
    assert [(p.mentor, p.mentee) for p in result.pairs] == [("tom", "lena")]
    assert result.pairs[0].broken_rules == ()
    (ola,) = result.unmatched
    assert ola.reason.endswith("is paired with Lena.")


def test_locked_pairs_beyond_a_capacity_are_kept_and_say_so(rules: Rules) -> None:
    skills = {"offers": (("ai", 3),), "wants": (("law", 2),)}
    back = {"offers": (("law", 3),), "wants": (("ai", 2),)}
    people = [
        mentor("priya", "Priya", **skills),
        mentee("lena", "Lena", **back),
        mentee("ola", "Ola", **back),
    ]
    both = dataclasses.replace(rules, locked=(("priya", "lena"), ("priya", "ola")))
    pairs = match(people, both).pairs
    assert [(p.mentor, p.mentee) for p in pairs] == [("priya", "lena"), ("priya", "ola")]
    for pair in pairs:
        assert pair.broken_rules == ("Priya is in 2 locked pairs but takes at most 1 partner",)
        assert pair.explanation.endswith(
            "It breaks: Priya is in 2 locked pairs but takes at most 1 partner."
        )
    one = dataclasses.replace(rules, locked=(("priya", "lena"),))
    assert match(people, one).pairs[0].broken_rules == ()


def test_blocked_and_excluded_pairs_are_never_formed(rules: Rules) -> None:
    skills = {"offers": (("ai", 3),), "wants": (("law", 2),)}
    back = {"offers": (("law", 3),), "wants": (("ai", 2),)}
    people = [mentor("a", "Ada", **skills), mentee("b", "Ben", exclude=frozenset({"a"}), **back)]
    assert match(people, rules).pairs == ()
    assert check_pair(people, rules, "a", "b").broken_rules == (
        "Ben asked not to be paired with Ada",
    )
    people[1] = mentee("b", "Ben", **back)
    blocked = dataclasses.replace(rules, blocked=(("a", "b"),))
    assert match(people, blocked).pairs == ()


def test_time_zones_are_compared_in_utc(rules: Rules) -> None:
    """Kiri in Auckland and Jo in London share no working hours on the same weekday."""
    skills = {"offers": (("ai", 3),), "wants": (("law", 2),)}
    back = {"offers": (("law", 3),), "wants": (("ai", 2),)}
    people = [
        mentor("kiri", "Kiri", timezone="Pacific/Auckland", **skills),
        mentee("jo", "Jo", timezone="Europe/London", **back),
    ]
    check = check_pair(people, rules, "kiri", "jo")
    assert any("shared" not in r and "a week when both" in r for r in check.broken_rules)
    same = check_pair(
        [people[0], dataclasses.replace(people[1], timezone="Pacific/Auckland")],
        rules,
        "kiri",
        "jo",
    )
    assert same.allowed


def test_traditional_programmes_put_the_senior_person_as_mentor(rules: Rules) -> None:
    people = [
        mentor("old", "Olu", level=8, offers=(("ai", 3),), wants=(("law", 2),)),
        mentee("young", "Yan", level=3, offers=(("law", 3),), wants=(("ai", 2),)),
    ]
    assert match(people, rules).pairs == ()
    traditional = dataclasses.replace(rules, type="traditional")
    assert len(match(people, traditional).pairs) == 1


def test_suggest_ranks_partners_for_one_person(
    priya: Person, margaret: Person, rules: Rules
) -> None:
    other = dataclasses.replace(margaret, id="george", name="George", interests=frozenset())
    found = suggest([priya, margaret, other], rules, "priya", k=5)
    assert [s.partner for s in found] == ["margaret", "george"]
    assert [s.rank for s in found] == [1, 2]
    assert found[0].score >= found[1].score


def test_stable_mode_honours_rankings(rules: Rules) -> None:
    skills = {"offers": (("ai", 3),), "wants": (("law", 2),)}
    back = {"offers": (("law", 3),), "wants": (("ai", 2),)}
    people = [
        mentor("m1", "Mo", interests=frozenset({"golf"}), **skills),
        mentor("m2", "Mia", **skills),
        mentee("e1", "Eve", interests=frozenset({"golf"}), ranking=("m2",), **back),
    ]
    result = match(people, rules, mode="stable")
    assert [(p.mentor, p.mentee) for p in result.pairs] == [("m2", "e1")]
    assert result.stable is True


def test_unknown_locked_ids_are_input_errors(priya: Person, rules: Rules) -> None:
    with pytest.raises(MatchInputError, match='"nobody" is not anyone in the people file'):
        match([priya], dataclasses.replace(rules, locked=(("priya", "nobody"),)))


def test_a_time_limit_is_a_positive_number_of_seconds(priya: Person, rules: Rules) -> None:
    with pytest.raises(MatchInputError, match="time_limit must be a positive number"):
        match([priya], rules, time_limit=-1)


def test_every_wrong_locked_id_is_named_at_once(
    priya: Person, margaret: Person, rules: Rules
) -> None:
    locked = (("ghost", "margaret"), ("margaret", "nobody"), ("priya", "margaret"))
    with pytest.raises(MatchInputError) as caught:
        match([priya, margaret], dataclasses.replace(rules, locked=locked))
    assert [e.message for e in caught.value.errors] == [
        'rules "locked": "ghost" is not anyone in the people file',
        'rules "locked": "margaret" (Margaret) is not a mentor',
        'rules "locked": "nobody" is not anyone in the people file',
    ]


def test_suggest_mode_tells_who_has_no_suggestion_why(
    priya: Person, margaret: Person, rules: Rules
) -> None:
    wei = mentee("wei", "Wei", offers=(("finance", 2),), wants=(("Mandarin", 2),))
    result = match([priya, margaret, wei], rules, mode="suggest", top_k=3)
    assert [(s.person, s.role, s.mentor, s.mentee, s.rank) for s in result.suggestions] == [
        ("margaret", "mentee", "priya", "margaret", 1),
        ("priya", "mentor", "priya", "margaret", 1),
    ]
    assert [(u.id, u.reason) for u in result.unmatched] == [
        ("wei", "No mentor offers any of: Mandarin.")
    ]
    summary = result.to_json()["summary"]
    assert summary == summary | {
        "suggestions": 2,
        "mentors_with_suggestions": 1,
        "mentees_with_suggestions": 1,
        "top": 3,
        "mode": "suggest",
    }
    assert not {"pairs", "total_score", "upper_bound", "optimal"} & set(summary)


def test_the_json_has_the_published_shape(priya: Person, margaret: Person, rules: Rules) -> None:
    data = match([priya, margaret], rules).to_json()
    assert set(data) == {"pairs", "unmatched", "summary"}
    assert {"mentor", "mentee", "score", "components", "explanation"} <= set(data["pairs"][0])
    assert {
        "mentors",
        "mentees",
        "pairs",
        "matched_mentees",
        "total_score",
        "min_score",
        "upper_bound",
        "optimal",
        "seconds",
    } <= set(data["summary"])


def test_removed_candidates_are_counted_in_words_for_one_and_for_many() -> None:
    counts = {"mutual": 4, "level": 1, "compatibility": 3, "language": 0}
    assert explain.removed_text(counts, 4, "mentor") == (
        "of the 4 mentors who share skills both ways, 1 fails the level-gap rule; "
        "3 are below the minimum compatibility"
    )
    assert explain.removed_text({"level": 1, "compatibility": 1}, 1, "mentee") == (
        "the one mentee who shares skills both ways fails the level-gap rule and is below "
        "the minimum compatibility"
    )


def test_the_org_chart_wording_says_close_or_apart(
    priya: Person, margaret: Person, rules: Rules
) -> None:
    """Two people under one manager work close together; six steps or more sit apart."""
    boss = Person(id="boss", name="Boss")
    same_place = {"department": "Digital", "site": "Leeds", "manager_id": "boss"}
    close = [dataclasses.replace(person, **same_place) for person in (priya, margaret)]
    near = match([*close, boss], rules)
    assert "They work close together in the organisation: 2 steps apart in the org chart." in (
        near.pairs[0].explanation
    )

    chain = [Person(id="top", name="Top")] + [
        Person(id=f"c{i}", name=f"C{i}", manager_id="top" if i == 0 else f"c{i - 1}")
        for i in range(3)
    ]
    far = match(
        [
            dataclasses.replace(priya, manager_id="c2"),
            dataclasses.replace(margaret, manager_id="top"),
            *chain,
        ],
        rules,
    )
    assert "different sites (Leeds, London), 5 steps apart in the org chart." in (
        far.pairs[0].explanation
    )
    assert "(close)" not in far.pairs[0].explanation
    same_site = match(
        [
            dataclasses.replace(priya, manager_id="c2", site="London", department="Finance"),
            dataclasses.replace(margaret, manager_id="top"),
            *chain,
        ],
        rules,
    )
    assert "They sit apart in the organisation: 5 steps apart in the org chart." in (
        same_site.pairs[0].explanation
    )


def test_a_pair_across_two_organisations_is_said_to_be_in_different_organisations(
    priya: Person, margaret: Person, rules: Rules
) -> None:
    across = dataclasses.replace(rules, cross_organisation=True)
    people = [
        dataclasses.replace(priya, organisation="Acme"),
        dataclasses.replace(margaret, organisation="Globex"),
    ]
    (pair,) = match(people, across).pairs
    assert "They work in different organisations (Acme, Globex)." in pair.explanation
    assert "no shared manager" not in pair.explanation
    assert "different departments" not in pair.explanation


def test_explanations_say_one_step_and_one_level(
    priya: Person, margaret: Person, rules: Rules
) -> None:
    """Margaret manages Priya: a pair only when locked, one step apart and one level short."""
    manager = dataclasses.replace(margaret, level=3)
    report = dataclasses.replace(priya, level=3, manager_id="margaret")
    locked = dataclasses.replace(rules, min_level_gap=1, locked=(("priya", "margaret"),))
    (pair,) = match([report, manager], locked).pairs
    assert "1 step apart in the org chart" in pair.explanation
    assert "Priya (level 3) is not at least 1 level below Margaret (level 3)" in (pair.broken_rules)
    assert "steps" not in pair.explanation and "1 levels" not in pair.explanation
