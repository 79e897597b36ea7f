"""The guard's detector, on its own: no Django settings, no database.

Priya is a junior analyst at Acme and the reverse mentor of Margaret, Acme's finance director; Gus
works at Globex and joins Acme's cross-company exchange. Whatever Priya writes to Gus passes the
detector first. Acme's confidential terms are "Project Falcon" and "Initech", its internal domains
acme.internal and corp.acme.com.
"""

import ast
import csv
import sys
from collections import Counter
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from twoheads.guard import detect
from twoheads.guard.detect import KINDS, Finding, GuardError, highlight, scan

ACME_TERMS = ("Project Falcon", "Initech")
ACME_DOMAINS = ("acme.internal", "corp.acme.com")
LABELLED = Path(__file__).with_name("labelled_sentences.csv")


def kinds(text: str) -> list[str]:
    return [f.kind for f in scan(text, terms=ACME_TERMS, internal_domains=ACME_DOMAINS)]


def found(text: str) -> list[tuple[str, str]]:
    return [(f.kind, f.text) for f in scan(text, terms=ACME_TERMS, internal_domains=ACME_DOMAINS)]


# --- the labelled set ---------------------------------------------------------------------------


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(";") if part.strip()]


def labelled_rows() -> list[dict[str, str]]:
    with LABELLED.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def measure() -> tuple[dict[str, Counter[str]], list[str]]:
    """True positives, false positives and false negatives per kind, and the rows that differ."""
    counts: dict[str, Counter[str]] = {kind: Counter() for kind in KINDS}
    differences = []
    for row in labelled_rows():
        expected = set(_split(row["expected_kinds"]))
        findings = scan(
            row["sentence"],
            terms=_split(row["terms"]),
            internal_domains=_split(row["internal_domains"]),
        )
        got = {f.kind for f in findings}
        for kind in KINDS:
            if kind in expected and kind in got:
                counts[kind]["tp"] += 1
            elif kind in got:
                counts[kind]["fp"] += 1
            elif kind in expected:
                counts[kind]["fn"] += 1
        if got != expected:
            differences.append(
                f"{row['sentence']!r}: expected {sorted(expected)}, got {sorted(got)}"
            )
    return counts, differences


def _ratio(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else 1.0


def table(counts: dict[str, Counter[str]]) -> tuple[str, float, float]:
    lines = [
        f"{'kind':<18} {'expected':>8} {'TP':>4} {'FP':>4} {'FN':>4} {'precision':>9} {'recall':>7}"
    ]
    total: Counter[str] = Counter()
    for kind, c in counts.items():
        total.update(c)
        precision, recall = _ratio(c["tp"], c["tp"] + c["fp"]), _ratio(c["tp"], c["tp"] + c["fn"])
        lines.append(
            f"{kind:<18} {c['tp'] + c['fn']:>8} {c['tp']:>4} {c['fp']:>4} {c['fn']:>4}"
            f" {precision:>9.3f} {recall:>7.3f}"
        )
    precision = _ratio(total["tp"], total["tp"] + total["fp"])
    recall = _ratio(total["tp"], total["tp"] + total["fn"])
    lines.append(
        f"{'overall':<18} {total['tp'] + total['fn']:>8} {total['tp']:>4} {total['fp']:>4}"
        f" {total['fn']:>4} {precision:>9.3f} {recall:>7.3f}"
    )
    return "\n".join(lines), precision, recall


def test_labelled_set_is_large_varied_and_well_formed():
    """At least 240 sentences, 40% of them clean near misses, every kind well represented."""
    rows = labelled_rows()
    expected = Counter(kind for row in rows for kind in _split(row["expected_kinds"]))
    clean = [row for row in rows if not _split(row["expected_kinds"])]
    assert len(rows) >= 240
    assert len(clean) >= 0.4 * len(rows)
    assert set(expected) <= set(KINDS), set(expected) - set(KINDS)
    assert all(expected[kind] >= 15 for kind in KINDS), expected
    assert len({row["sentence"] for row in rows}) == len(rows), "a sentence is labelled twice"


def test_measure_precision_and_recall_on_the_labelled_set():
    """Overall precision and recall of at least 0.95, and recall of at least 0.9 for every kind."""
    counts, differences = measure()
    text, precision, recall = table(counts)
    print(f"\n{text}\n\nsentences where the guard and the label differ:")
    print("\n".join(differences) or "none")
    assert precision >= 0.95
    assert recall >= 0.95
    for kind, c in counts.items():
        assert _ratio(c["tp"], c["tp"] + c["fn"]) >= 0.9, kind


# --- the shape of the results -------------------------------------------------------------------


def test_it_reports_kind_offsets_text_and_why():
    text = "Gus, Project Falcon slips to May."
    (finding,) = scan(text, terms=ACME_TERMS)
    assert finding == Finding(
        kind="confidential_term",
        start=5,
        end=19,
        text="Project Falcon",
        why='"Project Falcon" is on your organisation\'s list of confidential terms.',
    )


def test_findings_are_sorted_and_never_overlap():
    text = (
        "Call +44 20 7946 0958 about Initech, or mail priya@acme.co.uk; Initech pays £2m in revenue"
    )
    findings = scan(text, terms=ACME_TERMS)
    assert [f.start for f in findings] == sorted(f.start for f in findings)
    assert all(a.end <= b.start for a, b in pairwise(findings))
    assert [f.kind for f in findings] == [
        "phone",
        "confidential_term",
        "email",
        "confidential_term",
        "financial_figure",
    ]


def test_the_more_specific_finding_wins_an_overlap():
    """An internal URL that contains a confidential term is reported once, as the URL."""
    assert found("See https://wiki.corp.acme.com/project-falcon today") == [
        ("internal_host", "https://wiki.corp.acme.com/project-falcon")
    ]
    assert found("Mail falcon@initech.com") == [("email", "falcon@initech.com")]


def test_every_kind_has_a_label():
    assert set(KINDS) == {
        "confidential_term",
        "classification",
        "email",
        "phone",
        "card_number",
        "iban",
        "national_id",
        "financial_figure",
        "internal_host",
    }
    assert all(label and label[0].isupper() for label in KINDS.values())


def test_a_lone_string_of_terms_is_refused_rather_than_read_letter_by_letter():
    with pytest.raises(GuardError, match="terms as a list"):
        scan("Falcon", terms="Project Falcon")
    with pytest.raises(GuardError, match="internal_domains"):
        scan("x", internal_domains="acme.internal")
    with pytest.raises(GuardError, match="expected the text"):
        scan(None)  # type: ignore[arg-type]


def test_the_module_uses_only_the_standard_library():
    tree = ast.parse(Path(detect.__file__).read_text(encoding="utf-8"))
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {
        node.module.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module
    }
    assert imported <= set(sys.stdlib_module_names), imported - set(sys.stdlib_module_names)


# --- confidential terms -------------------------------------------------------------------------


def test_it_finds_terms_whatever_the_case_spacing_or_hyphens():
    for text in (
        "Priya thinks Project Falcon is late.",
        "priya thinks project-falcon is late.",
        "Priya thinks PROJECT  FALCON is late.",
        "Priya thinks project_falcon is late.",
        "Priya thinks ProjectFalcon is late.",
        "Priya thinks Project\nFalcon is late.",
    ):
        assert kinds(text) == ["confidential_term"], text


def test_it_names_the_declared_term_when_the_spelling_differs():
    (finding,) = scan("the project-falcon demo", terms=ACME_TERMS)
    assert finding.text == "project-falcon"
    assert '"Project Falcon"' in finding.why


def test_terms_match_whole_words_only():
    assert kinds("Margaret's office is on Falconer Road.") == []
    assert scan("Gus loves Atlassian tools", terms=["Atlas"]) == []
    assert [f.text for f in scan("Initech's renewal is due", terms=ACME_TERMS)] == ["Initech"]


def test_without_terms_nothing_is_confidential_by_name():
    assert scan("Project Falcon is late") == []
    assert scan("Project Falcon is late", terms=["", "  "]) == []


# --- classification markers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "marker"),
    [
        ("CONFIDENTIAL: the draft org chart", "CONFIDENTIAL"),
        ("Margaret says the deck is strictly confidential.", "strictly confidential"),
        ("These slides are internal use only.", "internal use only"),
        ("It's for internal use only until May.", "for internal use only"),
        ("Do not distribute beyond your team, Gus.", "Do not distribute"),
        ("The memo says not for distribution.", "not for distribution"),
        ("It's commercial in confidence.", "commercial in confidence"),
        ("The supplier list is under NDA.", "under NDA"),
        ("RESTRICTED: Q3 plan", "RESTRICTED"),
        ("Restricted: Q3 plan", "Restricted"),
        ("The audit is classified as restricted.", "classified as restricted"),
        ("This is confidential, but the Leeds site is closing.", "This is confidential"),
        ("Please keep this confidential: Sam is leaving.", "Please keep this confidential"),
        ("[Confidential] minutes of the away day", "Confidential"),
        ("The findings are OFFICIAL-SENSITIVE.", "OFFICIAL-SENSITIVE"),
    ],
)
def test_it_finds_classification_markers(text, marker):
    assert found(text) == [("classification", marker)]


@pytest.mark.parametrize(
    "text",
    [
        "I felt more confident after talking to Margaret.",
        "She kept it confidential between us.",
        "Everything Priya and I discuss stays confidential.",
        "There is restricted parking at the Leeds site.",
        "We restricted the pilot to two teams.",
        "Gus signed a confidentiality agreement last year.",
        "Don't paste confidential documents into a chatbot.",
        "Only internal candidates could apply.",
        "Top secret tip: the canteen curry is great.",
    ],
)
def test_ordinary_words_are_not_markers(text):
    assert kinds(text) == []


# --- personal data ----------------------------------------------------------------------------


def test_it_finds_email_addresses():
    assert found("Write to priya.shah@acme.co.uk or gus+mentoring@globex.com.") == [
        ("email", "priya.shah@acme.co.uk"),
        ("email", "gus+mentoring@globex.com"),
    ]


@pytest.mark.parametrize(
    "text", ["Tag me as @priya in Slack.", "Use logo@2x.png for retina screens.", "Meet @ 3pm."]
)
def test_handles_and_file_names_are_not_emails(text):
    assert kinds(text) == []


@pytest.mark.parametrize(
    "number",
    [
        "+44 20 7946 0958",
        "+44 (0)20 7946 0958",
        "020 7946 0958",
        "07700 900123",
        "07700900123",
        "(415) 555-0132",
        "415-555-0132",
        "1-800-555-0199",
        "+33 1 23 45 67 89",
        "0044 20 7946 0958",
    ],
)
def test_it_finds_phone_numbers(number):
    assert found(f"Priya's number is {number}, call after five.") == [("phone", number)]


def test_a_bare_nine_digit_number_is_a_phone_only_when_called_one():
    assert kinds("Carmen's mobile is 612 345 678.") == ["phone"]
    assert kinds("The survey ran 612 345 678 rows.") == []


@pytest.mark.parametrize(
    "text",
    [
        "We met on 2024-03-15 from 14:30-15:30.",
        "Margaret upgraded to Python 3.12.4.",
        "Windows build 10.0.19045.2965 fixed it.",
        "The 2023-2024 cohort had 15 people.",
        "Between 2019 and 2021 we hired 120 graduates.",
        "Order 0012345678 arrived late.",
        "My employee ID 0123456789 is on the badge.",
        "ISBN 978-0-13-468599-1 is the book.",
        "The phone call ran over by 20 minutes.",
    ],
)
def test_dates_versions_counts_and_references_are_not_phones(text):
    assert kinds(text) == []


@pytest.mark.parametrize(
    "number", ["4111 1111 1111 1111", "5555-5555-5555-4444", "3782 822463 10005", "4222222222222"]
)
def test_it_finds_card_numbers_that_pass_luhn(number):
    assert found(f"Gus pasted {number} by mistake.") == [("card_number", number)]


@pytest.mark.parametrize(
    "number", ["1234 5678 9012 3456", "4111 1111 1111 1112", "0000 0000 0000 0000"]
)
def test_numbers_failing_luhn_or_all_one_digit_are_not_cards(number):
    assert kinds(f"The example {number} is on the slide.") == []


@pytest.mark.parametrize(
    "iban", ["GB82 WEST 1234 5698 7654 32", "GB82WEST12345698765432", "de89 3704 0044 0532 0130 00"]
)
def test_it_finds_ibans_that_pass_mod_97(iban):
    assert found(f"Pay Margaret into {iban} please.") == [("iban", iban)]


def test_an_iban_stops_at_its_country_length():
    assert found("IBAN GB82 WEST 1234 5698 7654 32 ABCD") == [
        ("iban", "GB82 WEST 1234 5698 7654 32")
    ]


@pytest.mark.parametrize(
    "text",
    [
        "The help text shows GB00 WEST 1234 5698 7654 32.",
        "I mistyped GB82 WEST 1234 5698 7654 33.",
        "The IBAN field confuses everyone.",
    ],
)
def test_invalid_ibans_are_not_flagged(text):
    assert kinds(text) == []


@pytest.mark.parametrize(
    "number", ["AB 12 34 56 C", "JG103759A", "ce 55 66 77 d", "123-45-6789", "078-05-1120"]
)
def test_it_finds_national_insurance_and_social_security_numbers(number):
    assert found(f"HR sent Priya's {number} to everyone.") == [("national_id", number)]


@pytest.mark.parametrize(
    "number",
    [
        "QQ 12 34 56 C",
        "BG 12 34 56 A",
        "AB 12 34 56 E",
        "000-12-3456",
        "666-12-3456",
        "900-12-3456",
        "123-00-4567",
        "123-45-0000",
    ],
)
def test_unissued_national_numbers_are_not_flagged(number):
    assert kinds(f"The placeholder {number} is in the guide.") == []


# --- money figures ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "figure"),
    [
        ("Margaret says revenue came in at £1.2m for Q3.", "£1.2m"),
        ("The pilot budget is $450k.", "$450k"),
        ("The forecast shows €3,000,000 next year.", "€3,000,000"),
        ("We expect 12 million euros in turnover.", "12 million euros"),
        ("Gross margin slipped to 4.5% last quarter.", "4.5%"),
        ("A 4.5% margin is thin.", "4.5%"),
        ("The salary band for my role tops out at £52k.", "£52k"),
        ("My pay rise this year was only 2%.", "2%"),
    ],
)
def test_it_finds_money_figures_next_to_financial_words(text, figure):
    (finding,) = scan(text)
    assert (finding.kind, finding.text) == ("financial_figure", figure)
    assert "is a figure next to" in finding.why


@pytest.mark.parametrize(
    "text",
    [
        "We talked about the budget for the offsite.",
        "It was a phone call about revenue growth in general.",
        "We had 30 people at the workshop.",
        "The ticket was £20 and lunch was included.",
        "I read that 40% of graduates want flexible working.",
        "I bought a £15 book on negotiation for the salary chat.",
        "We talked about the budget, and lunch cost £12.",
        "The 2.5 million customers we serve expect better apps, and sales know it.",
    ],
)
def test_financial_words_without_figures_and_figures_without_them_are_not_flagged(text):
    assert kinds(text) == []


# --- internal hosts ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "host"),
    [
        ("The runbook is at https://wiki.corp.acme.com/ops.", "https://wiki.corp.acme.com/ops"),
        ("Jenkins lives on build01.acme.internal now.", "build01.acme.internal"),
        ("Try intranet.globex.com for the policy.", "intranet.globex.com"),
        ("The printer is printer3.lan upstairs.", "printer3.lan"),
        ("The old dashboard is http://192.168.1.50:3000/ still.", "http://192.168.1.50:3000/"),
        ("The gateway is 172.20.4.11 in Frankfurt.", "172.20.4.11"),
        ("Share from 10.20.30.40 during the demo.", "10.20.30.40"),
        ("Use http://jira/browse/OPS-1 for it.", "http://jira/browse/OPS-1"),
    ],
)
def test_it_finds_internal_hosts_and_addresses(text, host):
    assert found(text) == [("internal_host", host)]


def test_declared_domains_are_named_in_the_explanation():
    (finding,) = scan("see build01.acme.internal", internal_domains=["*.acme.internal"])
    assert "acme.internal" in finding.why and "organisation" in finding.why


@pytest.mark.parametrize(
    "text",
    [
        "I loved https://www.bbc.co.uk/news/technology.",
        "Our public site is www.acme.com.",
        "Google's public DNS is 8.8.8.8.",
        "Version 10.2.3.4 of the app shipped.",
        "Try localhost:8000 when you run it.",
        "We moved off 127.0.0.1 testing.",
        "The corp comms team will announce it.",
    ],
)
def test_public_addresses_are_not_internal(text):
    assert kinds(text) == []


# --- highlight --------------------------------------------------------------------------------


def test_highlight_cuts_the_text_into_marked_and_plain_segments():
    text = "Ask Priya: Project Falcon, 07700 900123."
    findings = scan(text, terms=ACME_TERMS)
    segments = highlight(text, findings)
    assert "".join(part for part, _ in segments) == text
    assert [(part, f.kind if f else None) for part, f in segments] == [
        ("Ask Priya: ", None),
        ("Project Falcon", "confidential_term"),
        (", ", None),
        ("07700 900123", "phone"),
        (".", None),
    ]


def test_highlight_of_clean_text_is_one_plain_segment():
    assert highlight("Hello Margaret", []) == [("Hello Margaret", None)]
    assert highlight("", []) == []


def test_highlight_refuses_findings_that_do_not_fit_the_text():
    (finding,) = scan("call 07700 900123")
    with pytest.raises(GuardError):
        highlight("call me tomorrow", [finding])
    with pytest.raises(GuardError):
        highlight("call 07700 900123", [finding, finding])


# --- properties -------------------------------------------------------------------------------

FRAGMENTS = st.sampled_from(
    [
        "Project Falcon",
        "project-falcon",
        "CONFIDENTIAL:",
        "internal only",
        "priya@acme.co.uk",
        "+44 20 7946 0958",
        "07700 900123",
        "4111 1111 1111 1111",
        "GB82 WEST 1234 5698 7654 32",
        "AB 12 34 56 C",
        "123-45-6789",
        "revenue",
        "£1.2m",
        "4.5%",
        "https://wiki.corp.acme.com/x",
        "10.0.0.1",
        "build01.acme.internal",
        "(",
        ")",
        ".",
        ", ",
        " ",
        "\n",
        "-",
        "@",
    ]
)
TEXTS = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(FRAGMENTS, st.text(max_size=8)), max_size=30).map("".join),
)


@settings(max_examples=200, deadline=None)
@given(text=TEXTS, terms=st.lists(st.text(max_size=20), max_size=4))
@example(text="Project Falcon", terms=["Project Falcon", "Falcon"])
@example(text="x" * 5 + "1" * 400, terms=[])
def test_scan_never_raises_and_offsets_slice_to_the_matched_text(text, terms):
    findings = scan(text, terms=terms, internal_domains=ACME_DOMAINS)
    for finding in findings:
        assert finding.kind in KINDS
        assert 0 <= finding.start < finding.end <= len(text)
        assert text[finding.start : finding.end] == finding.text
        assert finding.why
    assert all(a.end <= b.start for a, b in pairwise(findings))
    assert "".join(part for part, _ in highlight(text, findings)) == text


@settings(max_examples=100, deadline=None)
@given(before=st.text(max_size=40), after=st.text(max_size=40))
def test_a_declared_term_is_found_wherever_it_is_written(before, after):
    text = f"{before} Project Falcon {after}"
    findings = scan(text, terms=["Project Falcon"])
    assert any(f.text == "Project Falcon" for f in findings) or any(
        f.start <= len(before) + 1 and f.end >= len(before) + 15 for f in findings
    )
