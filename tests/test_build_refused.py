"""`pelican` itself, as `make html` runs it, on a broken catalog or a broken snapshot.

The build must refuse with the same `threads.yaml:LINE:` lines as `tweetorials check`, one plain
line each on stderr, then one summary line; exit 2; no traceback; and leave the output folder
exactly as it was (Pelican empties it at the start of a build, so refusing must come first).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from tweetorials.cli import main as tweetorials

from .conftest import copy_site, run_pelican

BROKEN_ENTRY = """
  - url: https://example.org/samples/broken-one
    platform: manual
    snapshot: broken-one
    specialties: [{specialty}]
"""


def pelican(site: Path) -> subprocess.CompletedProcess[str]:
    """`make html` in ``site``: ``pelican content -s pelicanconf.py -o output``, offline."""
    return run_pelican(site, COLUMNS="60")


def check_errors(
    site: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> list[str]:
    """The problem lines `tweetorials check` prints for ``site`` (without its summary)."""
    monkeypatch.chdir(site)
    assert tweetorials(["check"]) == 2
    lines = capsys.readouterr().err.splitlines()
    return [line for line in lines if line.startswith("threads.yaml:")]


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Two copies of the sample site: one with a catalog error, one with broken snapshots.

    The first keeps an earlier build's output folder (it must survive untouched); the second
    has none (none must appear).
    """
    bad_catalog = copy_site(tmp_path_factory.mktemp("bad-catalog"))
    with (bad_catalog / "threads.yaml").open("a", encoding="utf-8") as catalog:
        catalog.write(BROKEN_ENTRY.format(specialty="cardio"))
    (bad_catalog / "output").mkdir()
    (bad_catalog / "output/index.html").write_text("the last good build\n")

    bad_snapshots = copy_site(tmp_path_factory.mktemp("bad-snapshots"))
    with (bad_snapshots / "threads.yaml").open("a", encoding="utf-8") as catalog:
        catalog.write(BROKEN_ENTRY.format(specialty="pathophysiology"))
    threads = bad_snapshots / "content/threads"
    (threads / "broken-one.yaml").write_text("platform: manual\nposts: [\n")
    json_snapshot = threads / "broken-two.json"
    json_snapshot.write_text('{"schema": 1, "posts": ')
    with (bad_snapshots / "threads.yaml").open("a", encoding="utf-8") as catalog:
        catalog.write(BROKEN_ENTRY.format(specialty="policy").replace("broken-one", "broken-two"))
    return {"catalog": bad_catalog, "snapshots": bad_snapshots}


def line_of(site: Path, text: str) -> int:
    lines = (site / "threads.yaml").read_text(encoding="utf-8").splitlines()
    return max(n for n, line in enumerate(lines, 1) if text in line)


def test_a_broken_catalog_is_refused_with_checks_lines_and_no_traceback(
    sites: dict[str, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    site = sites["catalog"]
    done = pelican(site)

    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "CRITICAL" not in done.stderr
    line = line_of(site, "specialties: [cardio]")
    problems = check_errors(site, monkeypatch, capsys)
    assert problems[0].startswith(
        f"threads.yaml:{line}: specialty 'cardio' is not defined; known: "
    )
    assert done.stderr.splitlines() == [
        *problems,
        f"tweetorials: build refused: {len(problems)} problem{'s' * (len(problems) != 1)}; "
        "nothing was written to output (left as it was)",
    ]
    assert done.stdout == ""
    assert [p.name for p in (site / "output").iterdir()] == ["index.html"]
    assert (site / "output/index.html").read_text() == "the last good build\n"


def test_broken_snapshots_are_refused_each_on_one_line_and_nothing_is_written(
    sites: dict[str, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    site = sites["snapshots"]
    done = pelican(site)

    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "CRITICAL" not in done.stderr
    one, two = line_of(site, "samples/broken-one"), line_of(site, "samples/broken-two")
    stderr = done.stderr.splitlines()
    assert stderr == [
        f"threads.yaml:{one}: snapshot is broken: content/threads/broken-one.yaml:3: "
        "not valid YAML (expected the node content, but found '<stream end>')",
        f"threads.yaml:{two}: snapshot is broken: content/threads/broken-two.json: "
        "not valid JSON (Expecting value: line 1 column 24 (char 23))",
        "tweetorials: build refused: 2 problems; nothing was written to output (left as it was)",
    ]
    assert stderr[:2] == check_errors(site, monkeypatch, capsys)
    assert not (site / "output").exists()
    assert not (site / "cache").exists()


def test_a_snapshot_broken_during_a_rebuild_stops_that_build_not_the_watcher(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`pelican -r` checks at `initialized` once; a snapshot that breaks later must not end
    the autoreload process, which catches only `Exception`."""
    from tweetorials.render.plugin import BuildRefused, RebuildStopped, refuse

    stopped = refuse(["threads.yaml:3: snapshot is broken: x"], None)
    assert isinstance(stopped, RebuildStopped) and not isinstance(stopped, SystemExit)
    err = capsys.readouterr().err
    assert err == (
        "threads.yaml:3: snapshot is broken: x\n"
        "tweetorials: build refused: 1 problem; the build stopped\n"
    )
    assert isinstance(refuse(["p"], "output"), BuildRefused)  # before the build: exit 2
