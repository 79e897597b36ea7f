"""Programme rules come from TOML; anything unknown or mistyped is an error."""

from __future__ import annotations

import pytest

from tests.matching.conftest import mentee, mentor
from twoheads.matching import MatchInputError, Person, Rules, Weights, read_rules, read_rules_for


def test_it_reads_every_key() -> None:
    rules = read_rules(
        'type = "traditional"\nmin_level_gap = 1\nrequire_mutual = false\n'
        "min_compatibility = 0.2\nmin_overlap_hours = 2\ncross_organisation = true\n"
        "allow_same_department = false\n[weights]\nbenefit = 1\ncompatibility = 1\nreach = 0\n"
        '[aliases]\n"Generative AI" = ["GenAI", "gen ai"]\nML = "machine learning"\n'
    )
    assert rules.type == "traditional" and rules.min_level_gap == 1
    assert rules.weights == Weights(benefit=1.0, compatibility=1.0, reach=0.0)
    assert rules.alias_map == {
        "GenAI": "Generative AI",
        "gen ai": "Generative AI",
        "ML": "machine learning",
    }


def test_an_empty_file_gives_the_defaults() -> None:
    assert read_rules("") == Rules()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("min_gap = 2", 'rules has an unknown key "min_gap"'),
        ('type = "sideways"', 'rules key "type" = \'sideways\' must be "reverse" or'),
        ('require_mutual = "yes"', "key \"require_mutual\" = 'yes' must be true or false"),
        ("min_compatibility = 2", 'key "min_compatibility" = 2 must be between 0 and 1'),
        ("min_level_gap = 1.5", 'key "min_level_gap" = 1.5 must be a whole number'),
        ("[weights]\nfun = 1", 'unknown key "weights.fun"'),
        ("[weights]\nreach = -1", 'key "weights.reach" = -1 must be a number, zero or more'),
        ('locked = [["a"]]', 'must be a list of ["mentor id", "mentee id"] pairs'),
        ("type = ", "rules is not valid TOML"),
    ],
)
def test_it_rejects_bad_rules(text: str, message: str) -> None:
    with pytest.raises(MatchInputError) as caught:
        read_rules(text)
    assert message in str(caught.value)


PEOPLE = [
    mentor("priya", "Priya"),
    mentor("tom", "Tom"),
    mentee("margaret", "Margaret"),
    Person(id="boss", name="Boss"),
]


def test_the_ids_of_locked_and_blocked_pairs_must_be_people_of_the_file() -> None:
    text = (
        'blocked = [["priya", "margaretX"], ["tom", "margaretX"]]\n'
        'locked = [["nobody", "margaret"], ["tom", "ghost"]]\n'
    )
    with pytest.raises(MatchInputError) as caught:
        read_rules_for(text, PEOPLE, "people.csv")
    assert [e.message for e in caught.value.errors] == [
        'rules key "locked": "nobody", "ghost" are not anyone in people.csv',
        'rules key "blocked": "margaretX" is not anyone in people.csv',
    ]


def test_a_locked_pair_is_a_mentor_then_a_mentee() -> None:
    with pytest.raises(MatchInputError) as caught:
        read_rules_for('locked = [["margaret", "tom"], ["boss", "margaret"]]', PEOPLE)
    assert [e.message for e in caught.value.errors] == [
        'rules key "locked": in ["margaret", "tom"], "margaret" (Margaret) is a mentee, not a '
        'mentor; each pair is ["mentor id", "mentee id"]',
        'rules key "locked": in ["margaret", "tom"], "tom" (Tom) is a mentor, not a mentee; '
        'each pair is ["mentor id", "mentee id"]',
        'rules key "locked": in ["boss", "margaret"], "boss" (Boss) is only in the org chart, '
        'not a mentor; each pair is ["mentor id", "mentee id"]',
    ]


def test_a_blocked_pair_is_a_mentor_and_a_mentee_in_either_order() -> None:
    rules, _ = read_rules_for('blocked = [["margaret", "tom"], ["tom", "margaret"]]', PEOPLE)
    assert rules.blocked == (("margaret", "tom"), ("tom", "margaret"))
    with pytest.raises(MatchInputError) as caught:
        read_rules_for('blocked = [["tom", "priya"]]', PEOPLE)
    assert [e.message for e in caught.value.errors] == [
        'rules key "blocked": in ["tom", "priya"], "tom" (Tom) is a mentor and "priya" (Priya) '
        "is a mentor; each pair is a mentor and a mentee, in either order",
    ]


def test_a_pair_listed_twice_counts_once_with_a_warning() -> None:
    text = 'locked = [["tom", "margaret"], ["tom", "margaret"]]\nblocked = [["priya", "margaret"]]'
    rules, warnings = read_rules_for(text, PEOPLE)
    assert rules.locked == (("tom", "margaret"),)
    assert rules.blocked == (("priya", "margaret"),)
    assert warnings == ['rules key "locked": ["tom", "margaret"] is listed 2 times; it counts once']
    assert read_rules_for(None, PEOPLE) == (Rules(), [])
