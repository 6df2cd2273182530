"""The Nu HTML Checker (vnu) over every page of two built sites: 0 errors, warnings with reasons.

The checker is the W3C's own (``vnu-jar`` from npm, pinned in package-lock.json, installed by
``make test`` with ``npm ci``) and runs on the installed Java. It takes seconds to start, so it
runs once per session over everything: the local build (relative links, no canonical), a
published build under a path (absolute addresses, canonical, og:url, JSON-LD), and one page
that is wrong on purpose, which proves the run really reports errors.

Where Java or the jar is missing the tests skip with one line saying how to install them;
``.ci/run`` sets ``TWEETORIALS_REQUIRE_VALIDATORS=1`` so that CI fails instead.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import ROOT, skip_or_require

VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

#: Warnings the site keeps on purpose: message pattern -> why.
ALLOWED_WARNINGS = {
    r"^The “list” role is unnecessary for element “(ul|ol)”\.$": (
        "Safari/VoiceOver drops list semantics from lists styled with list-style: none; "
        "role=list puts them back (theme/static/css/site.css resets the bullets)"
    ),
}

CANARY = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>canary</title>
<meta data-pagefind-filter="specialty[content]" content="x"></head>
<body><p>x</p></body></html>
"""


@dataclass(frozen=True)
class Message:
    kind: str  # "error", or "warning" (vnu's info messages with subType warning)
    file: str  # relative to the folder it came from, prefixed with that folder's label
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.kind}: {self.text}"


@pytest.fixture(scope="session")
def vnu_messages(
    built_site: Path, published_site: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, list[Message]]:
    """vnu's errors and warnings, one run over every folder: ``{label: messages}``."""
    java = shutil.which("java")
    if java is None:
        skip_or_require("java not found; install it with `apt-get install -y default-jre-headless`")
    if not VNU_JAR.is_file():
        skip_or_require(f"{VNU_JAR.relative_to(ROOT)} not found; `make test` installs it with npm")
    canary = tmp_path_factory.mktemp("canary")
    (canary / "bad.html").write_text(CANARY, encoding="utf-8")
    folders = {"local": built_site, "published": published_site, "canary": canary}
    result = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--skip-non-html", "--format", "json", "--exit-zero-always"]
        + [str(folder) for folder in folders.values()],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = json.loads(result.stderr)  # vnu writes its report to stderr
    found: dict[str, list[Message]] = {label: [] for label in folders}
    for raw in report["messages"]:
        kind = raw["type"] if raw["type"] != "info" else raw.get("subType", "info")
        if kind not in {"error", "warning", "non-document-error"}:
            continue
        path = Path(raw["url"].removeprefix("file:"))
        label = next((k for k, v in folders.items() if path.is_relative_to(v)), "?")
        rel = path.relative_to(folders[label]).as_posix() if label != "?" else str(path)
        found.setdefault(label, []).append(
            Message(kind, f"{label}/{rel}", int(raw.get("lastLine", 0)), raw["message"])
        )
    return found


def _site_messages(messages: dict[str, list[Message]]) -> list[Message]:
    return [m for label in ("local", "published") for m in messages[label]]


def test_the_checker_reports_errors_it_is_shown(vnu_messages: dict[str, list[Message]]) -> None:
    texts = [m.text for m in vnu_messages["canary"] if m.kind == "error"]
    assert any("“meta” is missing one or more of the following attributes" in t for t in texts)


def test_every_page_has_no_errors(vnu_messages: dict[str, list[Message]]) -> None:
    errors = [str(m) for m in _site_messages(vnu_messages) if m.kind != "warning"]
    assert not errors, "\n".join(errors)


def test_every_warning_is_one_we_keep_on_purpose(vnu_messages: dict[str, list[Message]]) -> None:
    unexplained = [
        str(m)
        for m in _site_messages(vnu_messages)
        if m.kind == "warning" and not any(re.search(p, m.text) for p in ALLOWED_WARNINGS)
    ]
    assert not unexplained, "\n".join(unexplained)


def test_the_checker_read_every_kind_of_page(built_site: Path) -> None:
    """The run covers what a reader can open: thread, specialty, tag, author, archive, search,
    about and 404 pages (a folder the checker skipped would pass silently)."""
    pages = {p.relative_to(built_site).as_posix() for p in built_site.rglob("*.html")}
    for expected in (
        "index.html",
        "404.html",
        "search/index.html",
        "about/index.html",
        "archive/index.html",
        "specialty/index.html",
        "tag/index.html",
        "author/index.html",
    ):
        assert expected in pages
    for prefix in ("threads/", "specialty/", "tag/", "author/"):
        assert any(p.startswith(prefix) and p.count("/") == 2 for p in pages), prefix
