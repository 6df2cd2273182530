"""Shared by the rescue tests: a scratch site, the import command, and zips built in place."""

from __future__ import annotations

import hashlib
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RESCUE = ROOT / "tests" / "fixtures" / "rescue"
X_ARCHIVE = RESCUE / "x-archive"
X_ARCHIVE_2020 = RESCUE / "x-archive-2020"
THREAD_A = "1600000000000000001"


@dataclass
class Run:
    code: int
    out: str
    err: str


def make_site(tmp_path: Path) -> Path:
    """A folder with the project's threads.yaml and an empty content/threads/."""
    site = tmp_path / "site"
    (site / "content" / "threads").mkdir(parents=True)
    shutil.copy(ROOT / "threads.yaml", site / "threads.yaml")
    return site


def run_import(site: Path, capsys: pytest.CaptureFixture[str], *args: str) -> Run:
    from tweetorials.cli import main

    code = main(["import", *args, "--catalog", str(site / "threads.yaml")])
    captured = capsys.readouterr()
    return Run(code, captured.out, captured.err)


def fingerprint(site: Path) -> dict[str, str]:
    """Every file of the site by path, with a hash of its bytes."""
    return {
        str(p.relative_to(site)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


def zip_folder(folder: Path, target: Path, *, wrap: str = "") -> Path:
    """``folder`` zipped as X delivers it (optionally inside one wrapping folder)."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, wrap + path.relative_to(folder).as_posix())
    return target
