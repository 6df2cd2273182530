"""The package's layers, read from its imports with ``ast``: README's "How the parts fit", enforced.

Data flows catalog -> fetch (or rescue) -> snapshot -> render. Each folder may import only the
layers listed for it in :data:`ALLOWED`; Pelican is imported only by ``render/`` and the
registration (``__init__.py``); httpx only by ``fetch/``. A new module at the package root
must be given a layer here, so nobody adds one without deciding where it sits.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from .conftest import ROOT

PACKAGE = ROOT / "plugins" / "tweetorials"

#: Modules at the package root that everything may use: no project imports but each other.
BASE = {
    "settings",
    "platforms",
    "files",
    "sanitize",
    "console",
    "languages",
    # Platform text and JSON readers shared by fetch/sources and rescue/ (pure functions).
    "x_text",
    "bluesky_facets",
    "mastodon_html",
    "json_fields",
}

#: What each layer may import (besides itself). ``registration`` is ``__init__.py``.
ALLOWED: dict[str, set[str]] = {
    "base": {"base"},
    "catalog": {"base"},
    "snapshot": {"base"},
    "media": {"base", "snapshot"},
    "fetch": {"base", "catalog", "snapshot", "media"},
    "rescue": {"base", "catalog", "snapshot", "media"},
    "render": {"base", "catalog", "snapshot", "media"},
    "cli": {"base", "catalog", "snapshot", "media", "fetch", "rescue"},
    "registration": {"base", "catalog", "snapshot", "media", "fetch", "render"},
}

#: Third-party packages only some layers may import.
ONLY_IN: dict[str, set[str]] = {
    "pelican": {"render", "registration"},
    "httpx": {"fetch"},
}


def layer_of(module: str) -> str:
    """``tweetorials.fetch.sources.x`` -> ``fetch``; root modules are ``base``."""
    parts = module.split(".")
    if parts == ["tweetorials"]:
        return "registration"
    name = parts[1]
    if name in ALLOWED and name not in ("base", "registration"):
        return name
    if name in BASE:
        return "base"
    raise AssertionError(f"tweetorials.{name} has no layer; give it one in tests/test_layers.py")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path: Path, text: str) -> list[tuple[int, str]]:
    """``(line, absolute module name)`` for every import in ``path``, TYPE_CHECKING ones too."""
    tree = ast.parse(text, filename=str(path))
    here = module_name(path)
    package = here if path.name == "__init__.py" else here.rsplit(".", 1)[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                base = node.module or ""
            else:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1])
                if node.module:
                    base = f"{base}.{node.module}"
            found.append((node.lineno, base))
            # `from . import fetch` names a module, not an attribute
            if node.level and not node.module:
                found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


SOURCES = sorted(PACKAGE.rglob("*.py"))


def test_the_package_has_modules_to_check() -> None:
    assert len(SOURCES) > 40


def violations(added: dict[Path, str] | None = None) -> list[str]:
    """Every forbidden import, as ``path:line: layer imports layer``; ``added`` appends text
    to some modules first (to show that each rule can fail)."""
    problems = []
    for path in SOURCES:
        mine = layer_of(module_name(path))
        where = path.relative_to(ROOT)
        text = path.read_text(encoding="utf-8") + (added or {}).get(path, "")
        for line, target in imports(path, text):
            top = target.split(".")[0]
            if top == "tweetorials" and target != "tweetorials":
                theirs = layer_of(target)
                if theirs != mine and theirs not in ALLOWED[mine]:
                    problems.append(f"{where}:{line}: {mine} imports {theirs} ({target})")
            elif top in ONLY_IN and mine not in ONLY_IN[top]:
                problems.append(f"{where}:{line}: {mine} imports {top}")
    return problems


def test_no_layer_imports_one_it_may_not() -> None:
    assert violations() == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("render/plugin.py", "render imports fetch"),
        ("catalog/load.py", "catalog imports render"),
        ("snapshot/model.py", "snapshot imports pelican"),
        ("media/images.py", "media imports httpx"),
        ("rescue/x_js.py", "rescue imports fetch"),
    ],
)
def test_the_check_catches_each_kind_of_breach(source: str, expected: str) -> None:
    """Each rule can fail: a bad import added to a real module is reported."""
    bad = {
        "render imports fetch": "from ..fetch import run\n",
        "catalog imports render": "from ..render import plugin\n",
        "snapshot imports pelican": "import pelican\n",
        "media imports httpx": "import httpx\n",
        "rescue imports fetch": "from ..fetch.http import PoliteClient\n",
    }[expected]
    assert any(expected in problem for problem in violations({PACKAGE / source: bad}))


def test_readme_lists_every_folder_of_the_package() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## How the parts fit", 1)[1].split("\n## ", 1)[0]
    folders = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file())
    assert folders, "no sub-packages found"
    missing = [name for name in folders if f"`{name}/`" not in section]
    assert missing == []
    assert "never imports `fetch/`" in section


def test_one_copy_of_the_package_is_imported() -> None:
    """No sys.path edits: Pelican and the tests import the installed package."""
    checked = [ROOT / "pelicanconf.py", *sorted((ROOT / "tests").rglob("*.py"))]
    checked += sorted((ROOT / "scripts").glob("*.py"))
    assert len(checked) > 10
    offenders = []
    for path in checked:
        if path == Path(__file__):
            continue
        text = path.read_text(encoding="utf-8")
        if "sys.path.insert" in text or "sys.path.append" in text or "PLUGIN_PATHS" in text:
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
