"""A rebuild reads again at ``initialized`` only the snapshots that changed since a build found
them valid (render/snapshot_checks.py); an edited file is always read again, whatever its size
and modification time say, and a broken one is still refused before the output is touched."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest
from tweetorials.render import plugin, snapshot_checks

from .conftest import copy_site, pelican_for

SNAPSHOT = "content/threads/sample-anion-gap.yaml"


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How many times the build read each snapshot file, by file name."""
    counted: Counter[str] = Counter()
    real = plugin.load_snapshot

    def counting(path: Path) -> object:
        counted[Path(path).name] += 1
        return real(path)

    monkeypatch.setattr(plugin, "load_snapshot", counting)
    return counted


def build(site: Path) -> None:
    pelican_for(site, site / "output", TWEETORIALS_SEARCH=False).run()


def test_a_rebuild_reads_each_unchanged_snapshot_once_for_its_page(
    tmp_path: Path, reads: Counter[str]
) -> None:
    site = copy_site(tmp_path)
    build(site)
    assert reads and set(reads.values()) == {2}  # checked, then read for its page
    assert (site / "cache" / snapshot_checks.RECORD_NAME).is_file()
    reads.clear()
    build(site)
    assert reads and set(reads.values()) == {1}


def test_an_edited_snapshot_is_checked_again_though_size_and_time_are_kept(
    tmp_path: Path, reads: Counter[str]
) -> None:
    site = copy_site(tmp_path)
    build(site)
    snapshot = site / SNAPSHOT
    before = snapshot.stat()
    snapshot.write_bytes(b"posts: [" + b" " * (before.st_size - 8))  # broken, the same size
    os.utime(snapshot, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert snapshot.stat().st_size == before.st_size
    page = site / "output" / "index.html"
    last_build = page.read_bytes()
    with pytest.raises(plugin.BuildRefused):
        build(site)
    assert page.read_bytes() == last_build  # refused before the output was touched


def test_a_change_in_what_validates_snapshots_reads_them_all_again(
    tmp_path: Path, reads: Counter[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    site = copy_site(tmp_path)
    build(site)
    reads.clear()
    monkeypatch.setattr(snapshot_checks, "validator_version", lambda: "a stricter model")
    build(site)
    assert reads and set(reads.values()) == {2}


@pytest.mark.parametrize("record", [b"", b"not json", b"[]", b'{"validator": 1, "valid": 3}'])
def test_an_unreadable_record_means_nothing_is_known(
    tmp_path: Path, reads: Counter[str], record: bytes
) -> None:
    site = copy_site(tmp_path)
    (site / "cache").mkdir()
    (site / "cache" / snapshot_checks.RECORD_NAME).write_bytes(record)
    build(site)
    assert reads and set(reads.values()) == {2}


def test_threads_left_out_of_the_catalog_leave_the_record(tmp_path: Path) -> None:
    site = copy_site(tmp_path)
    build(site)
    catalog = site / "threads.yaml"
    text = catalog.read_text(encoding="utf-8")
    catalog.write_text(text.replace("snapshot: sample-anion-gap", "snapshot: nowhere"), "utf-8")
    build(site)
    record = (site / "cache" / snapshot_checks.RECORD_NAME).read_text(encoding="utf-8")
    assert "sample-anion-gap" not in record and "sample-starling-oedema" in record


@pytest.mark.parametrize("module", ["platforms", "languages", "sanitize"])
def test_the_validator_version_covers_the_modules_snapshots_are_checked_with(
    monkeypatch: pytest.MonkeyPatch, module: str
) -> None:
    """A snapshot is checked against the platforms (platforms.py), its language tag
    (languages.py) and its HTML (sanitize.py) too: a change there must read every file
    again, or a snapshot the new rules refuse is refused only once the output is gone."""
    import importlib

    source = Path(importlib.import_module(f"tweetorials.{module}").__file__ or "")
    snapshot_checks.validator_version.cache_clear()
    before = snapshot_checks.validator_version()
    real = Path.read_bytes

    def edited(path: Path) -> bytes:
        return real(path) + (b"\n# a stricter rule\n" if path == source else b"")

    monkeypatch.setattr(Path, "read_bytes", edited)
    snapshot_checks.validator_version.cache_clear()
    try:
        assert snapshot_checks.validator_version() != before
    finally:
        snapshot_checks.validator_version.cache_clear()
