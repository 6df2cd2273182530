"""The developers' guide's rule on long functions, checked: a function of more than 50 lines
says why in its docstring (``Kept in one piece: ...``), or is split."""

from __future__ import annotations

import ast

from .conftest import ROOT

PACKAGE = ROOT / "plugins" / "tweetorials"
LIMIT = 50
REASON = "Kept in one piece:"


def long_functions_without_a_reason() -> list[str]:
    found = []
    sources = sorted(PACKAGE.rglob("*.py"))
    assert len(sources) > 40
    for path in sources:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > LIMIT and REASON not in (ast.get_docstring(node) or ""):
                where = path.relative_to(ROOT)
                found.append(f"{where}:{node.lineno}: {node.name} is {length} lines")
    return found


def test_long_functions_say_why() -> None:
    assert long_functions_without_a_reason() == [], (
        f"split these, or say why in the docstring with '{REASON} ...'"
    )
