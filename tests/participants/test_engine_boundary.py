"""The importer uses only the engine's public names, so the engine can change its insides freely."""

from __future__ import annotations

import ast
from pathlib import Path

import twoheads.participants.importer

IMPORTER = Path(twoheads.participants.importer.__file__)
ENGINE = "twoheads.matching"


def private_engine_names(source: str) -> list[str]:
    """Underscore names imported from the engine, or read from an engine module imported whole."""
    tree = ast.parse(source)
    found: list[str] = []
    engine_modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(ENGINE):
            for alias in node.names:
                if alias.name.startswith("_"):
                    found.append(f"{node.module}.{alias.name}")
                engine_modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(ENGINE):
                    engine_modules.add(alias.asname or alias.name)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            base = ast.unparse(node.value)
            if any(base == m or base.startswith(f"{m}.") for m in engine_modules):
                found.append(f"{base}.{node.attr}")
    return found


def test_the_importer_uses_no_private_engine_name() -> None:
    assert private_engine_names(IMPORTER.read_text(encoding="utf-8")) == []


def test_the_scan_finds_private_names_however_they_are_reached() -> None:
    source = (
        "from twoheads.matching.reader import _records, read_rows\n"
        "from twoheads.matching import reader as engine_reader\n"
        "import twoheads.matching.reader\n"
        "engine_reader._kind(b'', 'x')\n"
        "twoheads.matching.reader._Problems('x')\n"
        "twoheads.accounts._meta\n"
        "model._meta\n"
    )
    assert private_engine_names(source) == [
        "twoheads.matching.reader._records",
        "engine_reader._kind",
        "twoheads.matching.reader._Problems",
    ]
