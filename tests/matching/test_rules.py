"""Programme rules come from TOML; anything unknown or mistyped is an error."""

from __future__ import annotations

import pytest

from twoheads.matching import MatchInputError, Rules, Weights, read_rules


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
