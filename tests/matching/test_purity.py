"""The engine must never import Django: it runs in workers, the command and tests alone."""

from __future__ import annotations

import ast
from pathlib import Path

import twoheads.matching

ENGINE = Path(twoheads.matching.__file__).parent


def imported_modules(path: Path) -> set[str]:
    """Every module named by an import statement in a file."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_it_never_imports_django() -> None:
    offenders = {
        str(path.relative_to(ENGINE)): sorted(
            n for n in imported_modules(path) if n.split(".")[0] == "django"
        )
        for path in ENGINE.rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_scan_sees_the_engine_files() -> None:
    files = {p.name for p in ENGINE.rglob("*.py")}
    assert {"engine.py", "reader.py", "solver.py"} <= files
    assert "numpy" in imported_modules(ENGINE / "scoring.py")
