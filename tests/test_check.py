"""``tweetorials check``: what needs a maintainer's attention beyond a valid catalog.

Threads waiting for a fetch, images without alt text, threads without a posting date, stale snapshots, snapshot files no entry
uses, and entries whose author asked to be excluded, each reported at the entry's line.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from tweetorials.catalog import load_catalog
from tweetorials.cli import COMMANDS, EXIT_BAD_INPUT, EXIT_OK, main
from tweetorials.cli.check import inspect
from tweetorials.snapshot import SnapshotStore
from tweetorials.snapshot.model import Author, Media, Post, Thread

NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)

CATALOG = """\
specialties:
  value-care: {name: High-value care}
  policy: {name: Health policy}
threads:
  - url: https://x.com/archived/status/100
    specialties: [value-care]
    images:
      - {post: 1, image: 2, alt: A curator's alt text for the second image}
  - url: https://x.com/waiting/status/200
    specialties: [policy]
  - url: https://bsky.app/profile/did:plc:abc123/post/3kxyz
    specialties: [policy]
  - url: https://x.com/leftout/status/300
    specialties: [policy]
exclude:
  - author: x:leftout
    reason: asked by email
  - author: bluesky:quiet.bsky.social
    reason: asked in issue 12
"""
# Lines: entries at 5, 9, 11 and 13; exclusions at 16 and 18.


def thread(
    handle: str,
    url: str,
    *,
    fetched: str,
    alts: tuple[str, ...] = (),
    platform: str = "x",
    posted: str | None = "2026-11-01T09:00:00Z",
) -> Thread:
    media = [
        Media(kind="image", url=f"https://img.example/{i}.jpg", alt=a) for i, a in enumerate(alts)
    ]
    post = Post(id="1", url=url, created_at=posted, text="Hello", html="<p>Hello</p>", media=media)
    return Thread(
        platform=platform,
        url=url,
        author=Author(name=handle.title(), handle=handle, url=f"https://x.com/{handle}"),
        posts=[post],
        fetched_at=fetched,
        source="test",
    )


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "threads.yaml").write_text(CATALOG, encoding="utf-8")
    store = SnapshotStore(tmp_path / "content" / "threads")
    # Three images: one with alt text, one described in threads.yaml, one with neither.
    store.save(
        "x-100",
        thread(
            "archived",
            "https://x.com/archived/status/100",
            fetched="2026-11-20T10:00:00Z",
            alts=("A chart", "", ""),
            posted=None,
        ),
    )
    # Addressed by DID in the catalog: only the snapshot knows the handle that is excluded.
    store.save(
        "bluesky-3kxyz",
        thread(
            "quiet.bsky.social",
            "https://bsky.app/profile/did:plc:abc123/post/3kxyz",
            fetched="2024-01-01T00:00:00Z",
            platform="bluesky",
        ),
    )
    store.save(
        "x-999",
        thread("gone", "https://x.com/gone/status/999", fetched="2026-11-20T10:00:00Z"),
    )
    return tmp_path


def report_for(site: Path, max_age_days: int = 365):  # type: ignore[no-untyped-def]
    catalog = load_catalog(site / "threads.yaml")
    return inspect(
        catalog, SnapshotStore(site / "content" / "threads"), max_age_days=max_age_days, now=NOW
    )


def notices(site: Path, **kwargs: int) -> list[tuple[int, str]]:
    return report_for(site, **kwargs).notices


def test_threads_without_a_snapshot_are_listed_as_waiting(site: Path) -> None:
    report = report_for(site)
    waiting = [(line, m) for line, m in report.notices if "has no snapshot yet" in m]
    assert [line for line, _ in waiting] == [9, 13]
    assert report.waiting == 2 and report.snapshots == 2


def test_threads_without_a_posting_date_are_listed(site: Path) -> None:
    undated = [(line, m) for line, m in notices(site) if "has no posting date" in m]
    assert undated == [(5, undated[0][1])]
    assert undated[0][1].startswith("https://x.com/archived/status/100 has no posting date")
    assert "posted: YYYY-MM-DD" in undated[0][1]  # says how to give one


def test_images_without_alt_text_are_listed_unless_the_catalog_describes_them(
    site: Path,
) -> None:
    missing = report_for(site).missing_alt
    assert len(missing) == 1
    line, message = missing[0]
    assert line == 5
    assert message.startswith("post 1 image 3 of https://x.com/archived/status/100 has no alt")
    assert "{post: 1, image: 3, alt:" in message  # says how to fix it


def test_snapshots_older_than_max_age_are_mentioned(site: Path) -> None:
    stale = [(line, m) for line, m in notices(site) if "last fetched" in m]
    assert stale == [
        (
            11,
            "https://bsky.app/profile/did:plc:abc123/post/3kxyz was last fetched 1065 days ago; "
            "`tweetorials fetch --refresh --only https://bsky.app/profile/did:plc:abc123/post/3kxyz`",
        )
    ]
    recent = [line for line, m in notices(site, max_age_days=5) if "last fetched 11 days ago" in m]
    assert recent == [5]
    assert not [m for _, m in notices(site, max_age_days=5000) if "last fetched" in m]


def test_snapshots_no_entry_uses_are_mentioned(site: Path) -> None:
    unused = [(line, m) for line, m in notices(site) if "not used by any thread" in m]
    assert len(unused) == 1
    assert unused[0][0] == 0 and "x-999.json" in unused[0][1]


def test_entries_of_excluded_authors_are_flagged_by_url_or_by_snapshot(site: Path) -> None:
    excluded = [(line, m) for line, m in notices(site) if "is excluded" in m]
    assert excluded == [
        (
            11,
            "https://bsky.app/profile/did:plc:abc123/post/3kxyz is excluded by the exclude entry "
            "on line 18 (asked in issue 12); remove this thread",
        ),
        (
            13,
            "https://x.com/leftout/status/300 is excluded by the exclude entry on line 16 "
            "(asked by email); remove this thread",
        ),
    ]


def test_check_command_prints_lines_and_exits_0_with_notices(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "--catalog", str(site / "threads.yaml")]) == EXIT_OK
    out, err = capsys.readouterr()
    assert "threads.yaml:9: https://x.com/waiting/status/200 has no snapshot yet" in out
    assert "threads.yaml:5: post 1 image 3" in out  # a notice, unless --strict
    assert err == ""
    assert (
        "threads.yaml: 4 threads in 2 specialties, 2 archived, 2 waiting for a fetch, 1 image without alt text"
        in out
    )


def test_strict_makes_missing_alt_text_an_error(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "--catalog", str(site / "threads.yaml"), "--strict"]) == EXIT_BAD_INPUT
    assert "threads.yaml:5: post 1 image 3" in capsys.readouterr().err


def test_max_age_option_reaches_the_report(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", "--catalog", str(site / "threads.yaml"), "--max-age", "100000"])
    assert "last fetched" not in capsys.readouterr().out


def test_broken_snapshot_is_an_error(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (site / "content" / "threads" / "x-100.json").write_text("{not json", encoding="utf-8")
    assert main(["check", "--catalog", str(site / "threads.yaml")]) == EXIT_BAD_INPUT
    assert "threads.yaml:5: snapshot is broken" in capsys.readouterr().err


def test_images_of_a_quoted_post_count_on_after_the_posts_own(tmp_path: Path) -> None:
    """A quoted chart is read with the thread: its alt text is checked and can be overridden."""
    (tmp_path / "threads.yaml").write_text(
        "specialties:\n  policy: {name: Health policy}\n"
        "threads:\n  - url: https://x.com/quoting/status/1\n    specialties: [policy]\n",
        encoding="utf-8",
    )
    quoted = thread("other", "https://x.com/other/status/2", fetched="", alts=("", "A map"))
    snapshot = thread(
        "quoting", "https://x.com/quoting/status/1", fetched="2026-11-20T10:00:00Z", alts=("X",)
    )
    snapshot.posts[0].quote = quoted.posts[0]
    SnapshotStore(tmp_path / "content" / "threads").save("x-1", snapshot)

    missing = report_for(tmp_path).missing_alt
    assert missing == [
        (
            4,
            "post 1 image 2 (in the quoted post) of https://x.com/quoting/status/1 has no alt "
            'text; add it under images: - {post: 1, image: 2, alt: "..."}',
        )
    ]


@pytest.mark.parametrize("value", ["-5", "soon"])
def test_a_max_age_that_is_not_a_count_of_days_is_refused(
    site: Path, value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["check", "--catalog", str(site / "threads.yaml"), "--max-age", value])
    assert exit_.value.code == EXIT_BAD_INPUT
    assert "argument --max-age: " in capsys.readouterr().err


def test_an_unknown_command_is_told_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    """A known command builds its own parser alone; any other word gets the whole list."""
    with pytest.raises(SystemExit) as exit_:
        main(["rescue"])  # the module's name, not the command's (`import`)
    assert exit_.value.code == EXIT_BAD_INPUT
    choices = capsys.readouterr().err.strip().splitlines()[-1].partition("choose from")[2]
    assert [name.strip("' )") for name in choices.split(",")] == list(COMMANDS)


@pytest.mark.parametrize("command", ["check", "fetch", "add", "import", "cards"])
def test_help_reads_as_plain_text(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main([command, "--help"])
    out = capsys.readouterr().out
    assert f"usage: tweetorials {command}" in out
    assert "``" not in out and ":func:" not in out and ":class:" not in out


def test_threads_whose_last_fetch_left_a_caveat_are_listed(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The caveat is archived in the snapshot, so `check` can say it long after the fetch."""
    store = SnapshotStore(site / "content" / "threads")
    archived = store.load("x-100")
    assert archived is not None
    caveat = "FxTwitter gave no thread list; posts after the first may be missing; add `last: ...`"
    archived.caveats = [caveat]
    store.save("x-100", archived)
    assert [(line, m) for line, m in notices(site) if "may be incomplete" in m] == [
        (5, f"https://x.com/archived/status/100 may be incomplete: {caveat}")
    ]
    assert main(["check", "--catalog", str(site / "threads.yaml")]) == EXIT_OK
    assert f"threads.yaml:5: https://x.com/archived/status/100 may be incomplete: {caveat}" in (
        capsys.readouterr().out
    )
    # A complete fetch records no caveat, and the notice goes away.
    archived.caveats = []
    store.save("x-100", archived)
    assert not [m for _, m in notices(site) if "may be incomplete" in m]
