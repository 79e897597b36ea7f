"""Languages as codes: "English", "english" and "en-GB" all become "en".

Matching compares languages word for word, so someone whose HR record says "English" would
share no language with everyone else's "en". The names come from Django's own table of
languages (their English and local names); what it does not know is kept as written.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf.locale import LANG_INFO

CODES = {code for code, info in LANG_INFO.items() if "name" in info}
NAMES = {
    name.lower(): code
    for code, info in LANG_INFO.items()
    if "name" in info
    for name in (info["name"], info["name_local"])
}


def language_code(word: str) -> str:
    """The code for one language as someone wrote it."""
    key = word.strip().lower().replace("_", "-")
    code = NAMES.get(key, key)
    base = code.split("-", 1)[0]
    return base if base != code and base in CODES else code


def language_codes(words: Iterable[str]) -> list[str]:
    """Each language once, as codes, in the order given."""
    return list(dict.fromkeys(language_code(w) for w in words if w.strip()))
