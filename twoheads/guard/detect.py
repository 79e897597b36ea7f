"""Find what should not cross an organisation boundary in a piece of text.

`scan()` is the one entry point: it returns the spans an author must confirm or edit before a
partner in another organisation sees the text. It is standard library only, so the web app, the API
and the tests share it. The rules aim to be precise rather than trigger-happy; docs/security.md
explains each one and reports how well they do on the labelled set in tests/guard/.
"""

from __future__ import annotations

import bisect
import ipaddress
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType

__all__ = ["KINDS", "Finding", "GuardError", "highlight", "scan"]

KINDS: Mapping[str, str] = MappingProxyType(
    {
        "confidential_term": "Confidential term",
        "classification": "Classification marker",
        "email": "Email address",
        "phone": "Phone number",
        "card_number": "Payment card number",
        "iban": "Bank account number (IBAN)",
        "national_id": "National insurance or social security number",
        "financial_figure": "Financial figure",
        "internal_host": "Internal host or address",
    }
)

# When two findings overlap, the kind listed first wins: checksummed and exactly shaped data first,
# then what the organisation declared, then the heuristics.
_PRECEDENCE = (
    "iban",
    "card_number",
    "national_id",
    "email",
    "internal_host",
    "confidential_term",
    "phone",
    "financial_figure",
    "classification",
)
_RANK = {kind: rank for rank, kind in enumerate(_PRECEDENCE)}


class GuardError(ValueError):
    """The guard was called with arguments it cannot use."""


@dataclass(frozen=True)
class Finding:
    """One span of the text that the author should look at before sharing."""

    kind: str
    start: int
    end: int
    text: str
    why: str


def scan(
    text: str, *, terms: Iterable[str] = (), internal_domains: Iterable[str] = ()
) -> list[Finding]:
    """Return the findings in `text`, sorted by start and never overlapping."""
    if not isinstance(text, str):
        raise GuardError(f"expected the text to scan as a str, got {type(text).__name__}")
    term_list = _strings("terms", terms)
    domains = tuple(
        sorted({d for d in map(_clean_domain, _strings("internal_domains", internal_domains)) if d})
    )
    candidates = [
        *_confidential_terms(text, tuple(sorted(set(term_list)))),
        *_classifications(text),
        *_emails(text),
        *_phones(text),
        *_cards(text),
        *_ibans(text),
        *_national_ids(text),
        *_financial_figures(text),
        *_internal_hosts(text, domains),
    ]
    return _resolve(candidates)


def highlight(text: str, findings: Iterable[Finding]) -> list[tuple[str, Finding | None]]:
    """Cut `text` into consecutive segments, each paired with its finding or None."""
    segments: list[tuple[str, Finding | None]] = []
    position = 0
    for finding in sorted(findings, key=lambda f: f.start):
        if finding.start < position or text[finding.start : finding.end] != finding.text:
            raise GuardError(f"finding {finding.text!r} at {finding.start} does not fit the text")
        if finding.start > position:
            segments.append((text[position : finding.start], None))
        segments.append((finding.text, finding))
        position = finding.end
    if position < len(text):
        segments.append((text[position:], None))
    return segments


def _strings(name: str, values: Iterable[str]) -> list[str]:
    # A lone string is iterable too, and would silently become a list of characters.
    if isinstance(values, str):
        raise GuardError(f"expected {name} as a list of strings, got the single string {values!r}")
    result = list(values)
    for value in result:
        if not isinstance(value, str):
            raise GuardError(f"expected {name} as strings, got {type(value).__name__}")
    return [value.strip() for value in result if value.strip()]


def _resolve(candidates: list[Finding]) -> list[Finding]:
    """Keep the more specific of overlapping findings, then order them by position."""
    kept: list[Finding] = []  # sorted by start; never overlapping, so also sorted by end
    starts: list[int] = []
    for candidate in sorted(candidates, key=lambda f: (_RANK[f.kind], f.start - f.end, f.start)):
        i = bisect.bisect_left(starts, candidate.start)
        clear_before = i == 0 or kept[i - 1].end <= candidate.start
        clear_after = i == len(kept) or candidate.end <= kept[i].start
        if clear_before and clear_after:
            kept.insert(i, candidate)
            starts.insert(i, candidate.start)
    return kept


def _finding(kind: str, text: str, start: int, end: int, why: str) -> Finding:
    return Finding(kind=kind, start=start, end=end, text=text[start:end], why=why)


def _sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The bounds of the sentence holding text[start:end], so context never leaks across one."""
    # Context is a few words, so looking a bounded distance away keeps long texts linear.
    low, high = max(0, start - _CONTEXT_CHARS), min(len(text), end + _CONTEXT_CHARS)
    marks = (". ", "! ", "? ", "; ", "\n")
    left = max(text.rfind(mark, low, start) for mark in marks)
    rights = [i for i in (text.find(m, end, high) for m in marks) if i != -1]
    return (left + 1 if left != -1 else low), (min(rights) if rights else high)


_CONTEXT_CHARS = 200


# --- confidential terms ------------------------------------------------------------------------

_TERM_SEPARATOR = re.compile(r"[\s\-_]+")


@lru_cache(maxsize=256)
def _term_pattern(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    """One pattern for all terms; a term's words may be joined by spaces, hyphens or nothing."""
    alternatives = []
    for term in sorted(terms, key=len, reverse=True):
        words = [w for w in _TERM_SEPARATOR.split(term) if w]
        if words:
            alternatives.append(r"[\s\-_]*".join(re.escape(w) for w in words))
    if not alternatives:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)


def _term_key(term: str) -> str:
    return _TERM_SEPARATOR.sub("", term).casefold()


def _confidential_terms(text: str, terms: tuple[str, ...]) -> Iterator[Finding]:
    pattern = _term_pattern(terms)
    if pattern is None:
        return
    declared = {_term_key(t): t for t in terms}
    for match in pattern.finditer(text):
        term = declared.get(_term_key(match.group()), match.group())
        why = f'"{term}" is on your organisation\'s list of confidential terms.'
        yield _finding("confidential_term", text, match.start(), match.end(), why)


# --- classification markers --------------------------------------------------------------------

# Phrases that only ever label material as not for outsiders.
_MARKER_PHRASES = re.compile(
    r"(?<!\w)(?:"
    r"strictly\s+(?:private\s+(?:and|&)\s+)?confidential"
    r"|(?:highly|company|commercially)[\s\-]+confidential"
    r"|(?:private|privileged)\s+(?:and|&)\s+confidential"
    r"|commercial[\s\-]+in[\s\-]+confidence"
    r"|in\s+strict(?:est)?\s+confidence"
    r"|(?:for\s+)?internal[\s\-]+(?:use[\s\-]+)?only"
    r"|do\s+not\s+(?:distribute|forward|circulate)"
    r"|not\s+for\s+(?:external\s+|wider\s+|public\s+)?(?:distribution|circulation|release)"
    r"|not\s+to\s+be\s+(?:shared|distributed|circulated)\s+(?:outside|externally)"
    r"|under\s+(?:an?\s+|the\s+|our\s+)?(?:NDA|non[\s\-]disclosure(?:\s+agreement)?)"
    r"|covered\s+by\s+(?:an?|the|our)\s+(?:NDA|non[\s\-]disclosure\s+agreement)"
    r"|(?:for\s+your\s+)?eyes\s+only"
    r"|official[\s\-]+sensitive"
    r"|under\s+embargo|embargoed\s+until"
    r")(?!\w)",
    re.IGNORECASE,
)

# "confidential" and "restricted" are ordinary words too ("she kept it confidential between us",
# "restricted parking"), so they count only where they label the material itself.
_MARKER_LABELS = re.compile(
    r"(?:"
    r"(?<!\w)(?:marked|classified|labell?ed|stamped|graded)\s+(?:as\s+)?"
    r"(?:strictly\s+)?(?:confidential|restricted|secret)(?!\w)"
    r"|(?<!\w)classification\s*(?::|is|-)\s*(?:confidential|restricted|secret)(?!\w)"
    r"|(?:^|(?<=[\[(\'\"\u2018\u201c])|(?<=[.!?] ))[ \t]*(?:confidential|restricted)"
    r"\s*(?::|[-\u2013\u2014]\s|[\])])"
    r"|(?<!\w)(?:this|that|it|which)\s*(?:\s+is|'s|\u2019s)\s+(?:strictly\s+|highly\s+|still\s+)?"
    r"confidential(?!\w)"
    r"|(?<!\w)(?:this|these|attached|enclosed)\s+confidential(?!\w)"
    r"|(?:(?<!\w)please\s+|^\s*|(?<=[.!?] ))keep\s+(?:this|it|these|that)\s+"
    r"(?:strictly\s+)?confidential(?!\w)"
    r")",
    re.IGNORECASE | re.MULTILINE,
)

# Written in capitals, these are labels rather than prose.
_MARKER_CAPITALS = re.compile(r"(?<!\w)(?:TOP SECRET|CONFIDENTIAL|RESTRICTED)(?!\w)")


def _classifications(text: str) -> Iterator[Finding]:
    for pattern in (_MARKER_PHRASES, _MARKER_LABELS, _MARKER_CAPITALS):
        for match in pattern.finditer(text):
            start = match.start() + len(match.group()) - len(match.group().lstrip())
            end = match.start() + len(match.group().rstrip(" \t:-\u2013\u2014])"))
            marker = text[start:end]
            why = (
                f'"{marker}" is a classification marker: what it labels is not meant for people '
                "outside your organisation."
            )
            yield _finding("classification", text, start, end, why)


# --- email addresses ---------------------------------------------------------------------------

_EMAIL = re.compile(
    r"(?<![\w.+\-])[A-Za-z0-9](?:[A-Za-z0-9._%+\-']{0,62}[A-Za-z0-9_%+\-])?"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![\w\-@])",
    re.ASCII,
)
# "logo@2x.png" is a retina image, not an address.
_FILE_EXTENSIONS = frozenset({"png", "jpg", "jpeg", "gif", "svg", "webp", "pdf", "css", "js"})


def _emails(text: str) -> Iterator[Finding]:
    for match in _EMAIL.finditer(text):
        if ".." in match.group() or match.group().rsplit(".", 1)[1].lower() in _FILE_EXTENSIONS:
            continue
        why = "This looks like an email address, which is personal data."
        yield _finding("email", text, match.start(), match.end(), why)


# --- phone numbers -----------------------------------------------------------------------------

# Digit groups joined by exactly one separator, so a run is matched in linear time.
_PHONE = re.compile(
    r"(?<![\w+#/.,:\-\u00a3$\u20ac\u00a5])"
    r"(?:\+[ ]?|\()?[0-9]+(?:(?:\)?[ .\-\u00a0]\(?|\)|\()[0-9]+)*"
    r"(?![\w%]|[.,][0-9]|\)?[ .\-\u00a0][0-9])",
    re.ASCII,
)
_PHONE_WORDS = re.compile(
    r"(?<!\w)(?:phone|mobile|cell|tel|telephone|landline|call|ring|whatsapp|signal|fax"
    r"|text\s+(?:me|him|her|us|them)"
    r"|extension|ext|reach\s+me|dial)(?!\w)",
    re.IGNORECASE,
)
_NOT_PHONE_WORDS = re.compile(
    r"(?<!\w)(?:order|invoice|ref|reference|account|acct|ticket|case|po|id|employee|staff"
    r"|badge|serial|tracking|booking|isbn|licen[cs]e|policy|sort\s+code|version|build)(?!\w)",
    re.IGNORECASE,
)


def _phones(text: str) -> Iterator[Finding]:
    for match in _PHONE.finditer(text):
        start, number = match.start(), match.group()
        if number.startswith("(") and ")" not in number:
            start, number = start + 1, number[1:]
        if number.count("(") != number.count(")") or number.count(".") >= 3:
            continue
        before = text[_sentence_around(text, start, start)[0] : start][-40:]
        if _is_phone_shape(number, before):
            why = "This looks like a phone number, which is personal data."
            yield _finding("phone", text, start, start + len(number), why)


def _is_phone_shape(number: str, before: str) -> bool:
    digits = re.sub(r"[^0-9]", "", number)
    groups = [len(g) for g in re.findall(r"[0-9]+", number)]
    phone_context = _PHONE_WORDS.search(before) is not None
    if number.startswith("+"):
        return 9 <= len(digits) <= 15
    if not phone_context and _NOT_PHONE_WORDS.search(before):
        return False
    if digits.startswith("00"):
        return 11 <= len(digits) <= 15 and len(groups) > 1
    if digits.startswith("0"):
        return 10 <= len(digits) <= 11
    north_american = groups == [3, 3, 4] or (groups == [1, 3, 3, 4] and digits[0] == "1")
    if north_american and digits[-10] in "23456789":
        return True
    return phone_context and 9 <= len(digits) <= 15


# --- payment cards -----------------------------------------------------------------------------

_CARD = re.compile(
    r"(?<![\w.,+(\-])(?<![0-9][ \-])[0-9](?:[ \-]?[0-9]){12,18}(?![\w]|[.,][0-9]|[ \-][0-9])",
    re.ASCII,
)


def _luhn_ok(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _cards(text: str) -> Iterator[Finding]:
    for match in _CARD.finditer(text):
        digits = re.sub(r"[^0-9]", "", match.group())
        groups = re.findall(r"[0-9]+", match.group())
        # Card issuers' numbers start with 2-6; a grouped number has groups of at least 3 digits.
        if digits[0] not in "23456" or len(set(digits)) == 1 or not _luhn_ok(digits):
            continue
        if len(groups) > 1 and min(len(g) for g in groups[:-1]) < 4:
            continue
        why = "This looks like a payment card number."
        yield _finding("card_number", text, match.start(), match.end(), why)


# --- IBANs -------------------------------------------------------------------------------------

_IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
    "BI": 27, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27,
    "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27,
    "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22,
    "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32,
    "LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19,
    "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23, "PK": 24,
    "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24, "SC": 31,
    "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25, "SV": 28, "TL": 23,
    "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
}  # fmt: skip

_IBAN = re.compile(
    r"(?<![A-Za-z0-9])[A-Za-z]{2}[0-9]{2}(?:[A-Za-z0-9]{11,30}|(?:[ ][A-Za-z0-9]{1,4}){3,8})"
    r"(?![A-Za-z0-9])",
    re.ASCII,
)


def _iban_ok(iban: str) -> bool:
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


def _ibans(text: str) -> Iterator[Finding]:
    for match in _IBAN.finditer(text):
        candidate = match.group().upper()
        length = _IBAN_LENGTHS.get(candidate[:2])
        if length is None:
            continue
        # A spaced IBAN may be followed by a short word; keep exactly the country's length.
        positions = [i for i, c in enumerate(candidate) if c != " "]
        if len(positions) < length:
            continue
        end = positions[length - 1] + 1
        if end < len(candidate) and candidate[end] != " ":
            continue
        compact = candidate[:end].replace(" ", "")
        if compact[2:4].isdigit() and _iban_ok(compact):
            why = "This looks like a bank account number (IBAN)."
            yield _finding("iban", text, match.start(), match.start() + end, why)


# --- national insurance and social security numbers ---------------------------------------------

# UK NINO: the first letter is never D, F, I, Q, U or V; the second never those or O.
_NINO = re.compile(
    r"(?<![A-Za-z0-9])([A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z])[ ]?[0-9]{2}[ ]?[0-9]{2}[ ]?[0-9]{2}"
    r"[ ]?[A-D](?![A-Za-z0-9])",
    re.ASCII | re.IGNORECASE,
)
_NINO_UNUSED_PREFIXES = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})
_SSN = re.compile(
    r"(?<![0-9\-])(?!000|666|9)[0-9]{3}-(?!00)[0-9]{2}-(?!0000)[0-9]{4}(?![0-9]|-[0-9])", re.ASCII
)


def _national_ids(text: str) -> Iterator[Finding]:
    for match in _NINO.finditer(text):
        if match.group(1).upper() not in _NINO_UNUSED_PREFIXES:
            why = "This looks like a UK National Insurance number."
            yield _finding("national_id", text, match.start(), match.end(), why)
    for match in _SSN.finditer(text):
        why = "This looks like a US Social Security number."
        yield _finding("national_id", text, match.start(), match.end(), why)


# --- money figures next to financial words -----------------------------------------------------

_NUMBER = r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?"
_SCALE = r"(?:k|m|mn|bn|million|billion|thousand|trillion|grand)"
_CURRENCY_WORD = r"(?:pounds?|sterling|euros?|dollars?|quid|yen|francs?|GBP|USD|EUR|CHF|JPY)"
_COUNTED = (
    r"people|users|customers|clients|employees|staff|visitors|downloads|views|members|followers"
    r"|subscribers|units|items|records|rows|lines|times|steps|miles|km|hours|minutes|years"
)
_MONEY = re.compile(
    r"(?:"
    r"(?<![\w.])(?:US\$|A\$|C\$|[\u00a3$\u20ac\u00a5]|(?:GBP|USD|EUR|CHF|JPY)[ ]?)[ ]?"
    rf"(?:{_NUMBER})(?:[ ]?{_SCALE})?(?!\w)"
    rf"|(?<![\w.$\u00a3\u20ac])(?:{_NUMBER})[ ]?(?:{_SCALE}[ ]?)?{_CURRENCY_WORD}(?!\w)"
    rf"|(?<![\w.$\u00a3\u20ac])(?:{_NUMBER})[ ]?(?:k|m|mn|bn|million|billion)(?!\w)"
    rf"(?![ ](?:{_COUNTED}))"
    r"|(?<![\w.,])[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?(?![\w,]|[ ](?:" + _COUNTED + r"))"
    r")",
    re.IGNORECASE,
)
_PERCENT = re.compile(rf"(?<![\w.])(?:{_NUMBER})[ ]?(?:%|per[ ]?cent(?!\w))", re.IGNORECASE)
_FINANCIAL_WORD = re.compile(
    r"(?<!\w)(?:revenues?|rev|margins?|forecasts?|forecasting|salary|salaries|profits?|profitability"
    r"|losses|loss|ebitda|ebit|turnover|bonus(?:es)?|pay\s+(?:rise|increase|band|review|cut|freeze)"
    r"|base\s+pay|take[\s\-]home\s+pay|payroll|budgets?|valuation|earnings|sales|arr|mrr"
    r"|run[\s\-]rate|cash[\s\-]?flow|p&l|compensation|remuneration|dividends?|funding"
    r"|pricing|discount|contract|deal|bid|write[\s\-]?(?:down|off)|overspend|underspend)(?!\w)",
    re.IGNORECASE,
)
# A bare percentage is everywhere ("20% of the team"); it is a figure only next to these.
_RATE_WORD = re.compile(
    r"(?<!\w)(?:revenues?|rev|margins?|forecasts?|salary|salaries|profits?|profitability|ebitda|ebit"
    r"|turnover|bonus(?:es)?|pay\s+(?:rise|increase|cut)|payroll|budgets?|earnings|sales"
    r"|run[\s\-]rate|discount|dividends?)(?!\w)",
    re.IGNORECASE,
)
# The financial word usually heads the clause ("the salary band for my role tops out at £52k")
# or follows the figure closely ("£1.2m in revenue").
_WORDS_BEFORE = 8
_WORDS_AFTER = 4


def _financial_figures(text: str) -> Iterator[Finding]:
    for pattern, words in ((_MONEY, _FINANCIAL_WORD), (_PERCENT, _RATE_WORD)):
        for match in pattern.finditer(text):
            word = _nearby(words, text, match.start(), match.end())
            if word is not None:
                why = (
                    f'"{match.group()}" is a figure next to "{word}"; an organisation\'s '
                    "financial figures are commercially sensitive."
                )
                yield _finding("financial_figure", text, match.start(), match.end(), why)


def _nearby(words: re.Pattern[str], text: str, start: int, end: int) -> str | None:
    """The first of `words` shortly before or after text[start:end], in the same clause."""
    low, high = _clause_around(text, start, end)
    # One word more than the limit on each side, so the near end of a phrase ("pay rise") counts.
    before = " ".join(text[low:start].split()[-_WORDS_BEFORE - 1 :])
    after = " ".join(text[end:high].split()[: _WORDS_AFTER + 1])
    before_limit = len(before) - len(" ".join(before.split()[-_WORDS_BEFORE:]))
    after_limit = len(" ".join(after.split()[:_WORDS_AFTER]))
    for found in words.finditer(before):
        if found.end() > before_limit:
            return found.group()
    for found in words.finditer(after):
        if found.start() < after_limit:
            return found.group()
    return None


def _clause_around(text: str, start: int, end: int) -> tuple[int, int]:
    low, high = _sentence_around(text, start, end)
    breaks = ",;()"
    left = max((text.rfind(b, low, start) for b in breaks), default=-1)
    rights = [i for i in (text.find(b, end, high) for b in breaks) if i != -1]
    return max(low, left + 1), min([high, *rights])


# --- internal hosts and addresses --------------------------------------------------------------

_URL = re.compile(r"(?<![\w@])(?:https?|ftp|ssh|smb)://[^\s<>\"'`]+", re.IGNORECASE)
_HOST = re.compile(
    r"(?<![\w@.\-/])(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9\-]{0,61}[a-z0-9]"
    r"(?::[0-9]{2,5})?(?:/[^\s<>\"'`]*)?(?![\w@\-])",
    re.IGNORECASE | re.ASCII,
)
_IPV4 = re.compile(r"(?<![\w.])(?:[0-9]{1,3}\.){3}[0-9]{1,3}(?::[0-9]{2,5})?(?!\w|\.[0-9])")
# "version 10.2.3.4" has the shape of a private address.
_VERSION_BEFORE = re.compile(r"(?<!\w)(?:version|release|build|v)\s*\Z", re.IGNORECASE)
_INTERNAL_SUFFIXES = (
    "internal",
    "corp",
    "local",
    "lan",
    "intranet",
    "intra",
    "localdomain",
    "home.arpa",
)
_INTERNAL_LABELS = frozenset({"intranet", "corp", "internal", "intra"})
_PRIVATE_NETWORKS = tuple(
    ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")
)
_SECOND_LEVELS = frozenset({"co", "com", "org", "net", "ac", "gov", "ltd", "plc", "edu", "nhs"})
_TRAILING_PUNCTUATION = ".,;:!?)]}'\""


def _clean_domain(domain: str) -> str:
    domain = re.sub(r"^[a-z]+://", "", domain.strip().lower())
    return domain.split("/", 1)[0].lstrip("*.").rstrip(".")


def _internal_hosts(text: str, domains: tuple[str, ...]) -> Iterator[Finding]:
    for pattern in (_URL, _HOST, _IPV4):
        for match in pattern.finditer(text):
            if pattern is _IPV4 and _VERSION_BEFORE.search(text, 0, match.start()):
                continue
            span = match.group().rstrip(_TRAILING_PUNCTUATION)
            why = _why_internal(_host_of(span), domains)
            if why is not None:
                yield _finding("internal_host", text, match.start(), match.start() + len(span), why)


def _host_of(span: str) -> str:
    host = re.sub(r"^[a-z]+://", "", span, flags=re.IGNORECASE)
    host = re.split(r"[/?#]", host, maxsplit=1)[0].rsplit("@", 1)[-1]
    return re.sub(r":[0-9]*$", "", host).lower()


def _why_internal(host: str, domains: tuple[str, ...]) -> str | None:
    checks: tuple[Callable[[str, tuple[str, ...]], str | None], ...] = (
        _why_declared,
        _why_private_ip,
        _why_internal_name,
    )
    for check in checks:
        why = check(host, domains)
        if why is not None:
            return why
    return None


def _why_declared(host: str, domains: tuple[str, ...]) -> str | None:
    for domain in domains:
        if host == domain or host.endswith("." + domain):
            return f'"{host}" is inside your organisation\'s internal domain {domain}.'
    return None


def _why_private_ip(host: str, _domains: tuple[str, ...]) -> str | None:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    if any(address in network for network in _PRIVATE_NETWORKS):
        return f'"{host}" is an address on a private network, which reveals internal systems.'
    return None


def _why_internal_name(host: str, _domains: tuple[str, ...]) -> str | None:
    labels = host.split(".")
    if len(labels) == 1:
        if host in {"", "localhost"} or not re.fullmatch(r"[a-z][a-z0-9\-]*", host):
            return None
        return f'"{host}" is a machine name that only resolves inside a private network.'
    if any(host == s or host.endswith("." + s) for s in _INTERNAL_SUFFIXES):
        return f'"{host}" is a host name used only inside private networks.'
    registrable = 3 if labels[-2] in _SECOND_LEVELS and len(labels[-1]) == 2 else 2
    if _INTERNAL_LABELS.intersection(labels[:-registrable]):
        return f'"{host}" looks like the name of an internal system.'
    return None
