"""Reproducible installs: every dependency is pinned, with hashes, in requirements.lock, and the
Makefile installs from it. A dependency added to pyproject.toml without `make lock` fails here
(and would fail `make`, since pip refuses an unpinned package in hash-checking mode)."""

from __future__ import annotations

import re
import tomllib

from .conftest import ROOT

LOCK = ROOT / "requirements.lock"


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(spec: str) -> str:
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", spec)
    assert match, spec
    return normalise(match.group(1))


def pins() -> dict[str, list[str]]:
    """``{name: [hash, ...]}`` for every ``name==version`` entry of the lock."""
    entries: dict[str, list[str]] = {}
    current = None
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        pinned = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==\S+", line)
        if pinned:
            current = normalise(pinned.group(1))
            entries[current] = []
        elif current and (found := re.search(r"--hash=sha256:([0-9a-f]{64})", line)):
            entries[current].append(found.group(1))
    return entries


def test_every_dependency_and_extra_is_pinned_with_hashes() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = list(project["dependencies"])
    for extra in ("search", "test", "lock"):
        wanted += project["optional-dependencies"][extra]
    assert len(wanted) > 10
    locked = pins()
    missing = sorted({requirement_name(spec) for spec in wanted} - set(locked))
    assert missing == [], "run `make lock` after changing pyproject.toml"
    unhashed = sorted(name for name, hashes in locked.items() if not hashes)
    assert unhashed == []


def test_the_makefile_installs_from_the_lock_then_the_project_alone() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "LOCK := requirements.lock" in makefile
    assert "pip install --quiet --require-hashes -r $(LOCK)" in makefile
    assert "pip install --quiet --no-deps -e ." in makefile
    assert re.search(r"^lock: ", makefile, re.MULTILINE), "make lock documents how to re-pin"
    assert "--generate-hashes" in makefile
