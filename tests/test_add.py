"""``tweetorials add``: the new file is the old one with one entry inserted, or it is untouched."""

from __future__ import annotations

import datetime as dt
import difflib
from pathlib import Path

import httpx
import pytest
import yaml
from tweetorials.catalog import parse_catalog
from tweetorials.catalog.append import AppendError, NewEntry, append_entry, yaml_scalar
from tweetorials.cli import EXIT_BAD_INPUT, EXIT_FETCH_FAILED, EXIT_OK, main
from tweetorials.snapshot import SnapshotStore

TODAY = dt.date.today().isoformat()


class _Today(dt.date):
    @classmethod
    def today(cls) -> dt.date:
        return dt.date.fromisoformat(TODAY)


@pytest.fixture(autouse=True)
def same_day_throughout(monkeypatch: pytest.MonkeyPatch) -> None:
    """``add`` dates the entry it writes with the day the expected texts here were made
    with: a suite that runs across midnight compared yesterday's text with today's date."""
    import types

    import tweetorials.cli.add

    monkeypatch.setattr(tweetorials.cli.add, "dt", types.SimpleNamespace(date=_Today))


NEW_URL = "https://x.com/newdoc/status/1700000000000000001"

SPECIALTIES = """\
specialties:
  value-care:
    name: High-value care
  pathophysiology: {name: Pathophysiology}   # flow style, with a comment
  policy:
    name: Health policy
"""

# Comments everywhere, blank lines between groups, odd spacing after dashes and colons, an
# `exclude:` section after the threads, and comments that introduce it.
COMMENTED = (
    "# The catalog.\n"
    "#   Every field is described in CONTRIBUTING.md.\n"
    "\n" + SPECIALTIES + "\n"
    "threads:\n"
    "  # First group: sepsis.\n"
    "  - url: https://twitter.com/olddoc/status/111?s=20   # first\n"
    "    specialties:   [ pathophysiology ,value-care ]\n"
    "    title:    'Lactate: what it is not'\n"
    "    added: 2024-01-02\n"
    "\n"
    "  # Second group.\n"
    "  - url: https://med.social/@doc/222\n"
    "    specialties: [policy]\n"
    "    note: |\n"
    "      Two lines\n"
    "      of note.\n"
    "    # a comment that belongs to the entry above\n"
    "\n"
    "  # - url: https://x.com/commented/status/333   (waiting for permission)\n"
    "\n"
    "# People who asked to be left out.\n"
    "exclude:\n"
    "  - author: x:leftout\n"
    "    reason: asked by email, 2025-03-01\n"
)


def write(tmp_path: Path, text: str, name: str = "threads.yaml") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def add(path: Path, *extra: str, url: str = NEW_URL) -> int:
    return main(["add", url, "--catalog", str(path), "--no-fetch", *extra])


def assert_only_inserted(old: str, new: str, inserted: str) -> None:
    """``new`` is ``old`` with ``inserted`` put in at one place, and nothing else changed."""
    assert new.count(inserted) >= 1
    at = new.index(inserted)
    assert new[:at] + new[at + len(inserted) :] == old


# -- layouts --------------------------------------------------------------------------------


def test_keeps_comments_blank_lines_and_spacing(tmp_path: Path) -> None:
    path = write(tmp_path, COMMENTED)
    code = add(path, "-s", "value-care", "-s", "policy", "--tag", "sepsis", "--title", "Fluids")
    assert code == EXIT_OK
    new = path.read_text(encoding="utf-8")
    entry = (
        "\n"
        f"  - url: {NEW_URL}\n"
        "    specialties: [value-care, policy]\n"
        "    tags: [sepsis]\n"
        "    title: Fluids\n"
        f"    added: {TODAY}\n"
    )
    # After the last entry and its own indented comment; before the commented-out entry and
    # the comment that introduces `exclude:`.
    anchor = "    # a comment that belongs to the entry above\n"
    assert new == COMMENTED.replace(anchor, anchor + entry)
    catalog = parse_catalog(new)
    assert [e.url for e in catalog.entries][-1] == NEW_URL
    assert catalog.entries[-1].added == dt.date.fromisoformat(TODAY)
    assert [x.author for x in catalog.exclusions] == ["x:leftout"]


def test_threads_as_the_last_section_without_a_final_newline(tmp_path: Path) -> None:
    old = SPECIALTIES + "threads:\n  - url: https://med.social/@doc/222\n    specialties: [policy]"
    path = write(tmp_path, old)
    assert add(path, "-s", "policy") == EXIT_OK
    new = path.read_text(encoding="utf-8")
    assert new == old + f"\n  - url: {NEW_URL}\n    specialties: [policy]\n    added: {TODAY}"
    assert not new.endswith("\n")


def test_empty_flow_list_becomes_a_block_list_keeping_its_comment(tmp_path: Path) -> None:
    old = SPECIALTIES + "\nthreads: []   # none yet\n\n# the end\n"
    path = write(tmp_path, old)
    assert add(path, "-s", "policy") == EXIT_OK
    new = path.read_text(encoding="utf-8")
    expected = old.replace(
        "threads: []   # none yet\n",
        f"threads:   # none yet\n  - url: {NEW_URL}\n    specialties: [policy]\n"
        f"    added: {TODAY}\n",
    )
    assert new == expected
    assert parse_catalog(new).entries[0].url == NEW_URL


def test_empty_flow_list_at_the_end_of_the_file_uses_the_files_indentation(
    tmp_path: Path,
) -> None:
    old = "specialties:\n    policy:\n        name: P\nthreads: []"
    path = write(tmp_path, old)
    assert add(path, "-s", "policy") == EXIT_OK
    assert path.read_text(encoding="utf-8") == (
        "specialties:\n    policy:\n        name: P\nthreads:\n"
        f"    - url: {NEW_URL}\n      specialties: [policy]\n      added: {TODAY}"
    )


@pytest.mark.parametrize(
    ("threads_line", "kept"),
    [
        ("threads:", "threads:"),
        ("threads:   # none yet", "threads:   # none yet"),
        ("threads: ~", "threads:"),
        ("threads: null  # none yet", "threads:  # none yet"),
    ],
)
def test_an_empty_threads_key_gets_its_first_thread(
    tmp_path: Path, threads_line: str, kept: str
) -> None:
    old = SPECIALTIES + f"\n{threads_line}\n\n# People who asked to be left out.\nexclude: []\n"
    path = write(tmp_path, old)
    assert parse_catalog(old).entries == []
    assert add(path, "-s", "policy") == EXIT_OK
    new = path.read_text(encoding="utf-8")
    assert new == old.replace(
        f"{threads_line}\n",
        f"{kept}\n  - url: {NEW_URL}\n    specialties: [policy]\n    added: {TODAY}\n",
    )
    assert [e.url for e in parse_catalog(new).entries] == [NEW_URL]


def test_an_empty_threads_key_at_the_very_end_of_the_file(tmp_path: Path) -> None:
    old = SPECIALTIES + "threads:"
    path = write(tmp_path, old)
    assert add(path, "-s", "policy") == EXIT_OK
    assert path.read_text(encoding="utf-8") == (
        old + f"\n  - url: {NEW_URL}\n    specialties: [policy]\n    added: {TODAY}"
    )


def test_indentless_block_lists_and_note_indentation_are_copied(tmp_path: Path) -> None:
    old = (
        SPECIALTIES + "threads:\n"
        "- url: https://med.social/@doc/222\n"
        "  specialties:\n"
        "  - policy\n"
        "  note: >-\n"
        "     folded\n"
        "     note\n"
    )
    path = write(tmp_path, old)
    assert add(path, "-s", "policy", "-t", "prior-auth", "--note", "One\ntwo: three") == EXIT_OK
    assert path.read_text(encoding="utf-8") == old + (
        f"- url: {NEW_URL}\n"
        "  specialties:\n"
        "  - policy\n"
        "  tags:\n"
        "  - prior-auth\n"
        f"  added: {TODAY}\n"
        "  note: |\n"
        "     One\n"
        "     two: three\n"
    )


def test_crlf_line_endings_and_wide_dash_spacing(tmp_path: Path) -> None:
    old = (
        "specialties:\r\n  policy: {name: P}\r\n"
        "threads:\r\n"
        "  -   url: https://med.social/@doc/222\r\n"
        "      specialties: [policy]\r\n"
        "\r\n"
        "exclude: []\r\n"
    )
    path = write(tmp_path, old)
    assert add(path, "-s", "policy") == EXIT_OK
    new = path.read_bytes().decode("utf-8")
    inserted = f"  -   url: {NEW_URL}\r\n      specialties: [policy]\r\n      added: {TODAY}\r\n"
    assert new == old.replace("\r\n\r\nexclude", "\r\n" + inserted + "\r\nexclude")


def test_blank_line_separates_the_new_entry_when_entries_are_grouped(tmp_path: Path) -> None:
    old = (
        SPECIALTIES + "threads:\n"
        "  - url: https://med.social/@doc/1\n    specialties: [policy]\n\n"
        "  - url: https://med.social/@doc/2\n    specialties: [policy]\n"
    )
    path = write(tmp_path, old)
    assert add(path, "-s", "policy") == EXIT_OK
    inserted = f"\n  - url: {NEW_URL}\n    specialties: [policy]\n    added: {TODAY}\n"
    assert path.read_text(encoding="utf-8") == old + inserted


def test_non_empty_flow_list_stays_flow(tmp_path: Path) -> None:
    old = SPECIALTIES + "threads: [{url: 'https://med.social/@doc/1', specialties: [policy]}]\n"
    path = write(tmp_path, old)
    assert add(path, "-s", "policy", "--title", "A, b: c") == EXIT_OK
    new = path.read_text(encoding="utf-8")
    inserted = f', {{url: {NEW_URL}, specialties: [policy], title: "A, b: c", added: {TODAY}}}'
    assert_only_inserted(old, new, inserted)
    assert parse_catalog(new).entries[-1].title == "A, b: c"


def inserted_lines(old: str, new: str) -> list[str]:
    """The one block of lines ``new`` adds to ``old``; fails if anything else differs."""
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    ops = [op for op in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()]
    changes = [op for op in ops if op[0] != "equal"]
    assert [op[0] for op in changes] == ["insert"], changes
    _, _, _, j1, j2 = changes[0]
    return b[j1:j2]


def test_the_real_catalog_keeps_every_byte(tmp_path: Path) -> None:
    real = Path(__file__).resolve().parents[1] / "threads.yaml"
    old = real.read_text(encoding="utf-8")
    path = write(tmp_path, old)
    assert add(path, "-s", "policy", "--note", "Short and clear.\n\nGood for students.") == 0
    new = path.read_text(encoding="utf-8")
    added = inserted_lines(old, new)
    assert [line for line in added if line.strip()] == [
        f"  - url: {NEW_URL}\n",
        "    specialties: [policy]\n",
        f"    added: {TODAY}\n",
        "    note: |\n",
        "      Short and clear.\n",
        "      Good for students.\n",
    ]
    catalog = parse_catalog(new)
    assert len(catalog.entries) == len(parse_catalog(old).entries) + 1
    assert catalog.entries[-1].note == "Short and clear.\n\nGood for students."


# -- quoting --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "Sepsis: the first hour",
        'He said "no"',
        "'single' quotes",
        "Why #FOAMed works",
        "#hashtag first",
        "yes",
        "null",
        "2024-01-01",
        "123",
        "- a dash",
        "[not a list]",
        "{not: a map}",
        "& anchor * alias ! tag % @ `",
        "Ünïcödé ✓ 血液 🫀",
        "trailing colon:",
        "tab\there",
        "line\u2028separator",
        "bell\x07 and bom\ufeff",
        "back\\slash",
    ],
)
def test_titles_are_quoted_so_they_read_back_exactly(tmp_path: Path, value: str) -> None:
    assert yaml.safe_load(f"k: {yaml_scalar(value)}") == {"k": value}
    assert yaml.safe_load(f"[{yaml_scalar(value, flow=True)}]") == [value]
    path = write(tmp_path, SPECIALTIES + "threads: []\n")
    assert add(path, "-s", "policy", "--title", value) == EXIT_OK
    assert parse_catalog(path.read_text(encoding="utf-8")).entries[0].title == value.strip()


def test_plain_values_stay_plain() -> None:
    assert yaml_scalar("Why does weight training make muscles bigger?") == (
        "Why does weight training make muscles bigger?"
    )
    assert yaml_scalar("Sepsis: a primer") == '"Sepsis: a primer"'


def test_multi_line_note_is_a_literal_block(tmp_path: Path) -> None:
    note = "A *short* note: with colons, #hashes and 'quotes'.\n\n  Indented second paragraph.\n"
    path = write(tmp_path, SPECIALTIES + "threads: []\n")
    assert add(path, "-s", "policy", "--note", note) == EXIT_OK
    text = path.read_text(encoding="utf-8")
    assert "    note: |\n      A *short* note: with colons, #hashes and 'quotes'.\n\n" in text
    assert "        Indented second paragraph.\n" in text
    assert parse_catalog(text).entries[0].note == note.strip()


def test_note_whose_first_line_is_indented_gets_an_indentation_indicator() -> None:
    old = SPECIALTIES + "threads: []\n"
    entry = NewEntry(NEW_URL, ("policy",), note="    code first\nthen text")
    new = append_entry(old, entry).text
    assert "    note: |2\n          code first\n      then text\n" in new
    assert yaml.safe_load(new)["threads"][0]["note"] == "    code first\nthen text\n"


def test_note_read_from_stdin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("From stdin.\nSecond line.\n"))
    path = write(tmp_path, SPECIALTIES + "threads: []\n")
    assert add(path, "-s", "policy", "--note", "-") == EXIT_OK
    assert parse_catalog(path.read_text()).entries[0].note == "From stdin.\nSecond line."


# -- refusals leave the file untouched -----------------------------------------------------


def refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], *args: str, url: str = NEW_URL
) -> str:
    path = write(tmp_path, COMMENTED)
    before = path.stat()
    assert add(path, *args, url=url) == EXIT_BAD_INPUT
    assert path.read_bytes() == COMMENTED.encode("utf-8")
    assert path.stat().st_mtime_ns == before.st_mtime_ns
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind
    err = capsys.readouterr().err
    assert "nothing was changed" in err
    return err


def test_duplicate_in_another_spelling_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = refused(tmp_path, capsys, "-s", "policy", url="https://x.com/olddoc/status/111/")
    assert "threads.yaml:13: https://x.com/olddoc/status/111 is already in the catalog" in err


def test_unknown_specialty_is_refused_with_a_suggestion(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = refused(tmp_path, capsys, "-s", "policy", "-s", "pathophys")
    assert "threads.yaml:4: specialty 'pathophys' is not defined" in err
    assert "did you mean 'pathophysiology'?" in err
    assert "known: pathophysiology, policy, value-care" in err


def test_excluded_author_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = refused(tmp_path, capsys, "-s", "policy", url="https://twitter.com/LeftOut/status/9")
    assert "threads.yaml:30: https://x.com/LeftOut/status/9 is on the exclusion list" in err
    assert "asked by email" in err


def test_unsupported_url_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = refused(tmp_path, capsys, "-s", "policy", url="https://example.org/blog/post")
    assert err.startswith(
        "tweetorials add: 'https://example.org/blog/post' is not the address of a post we can "
        "fetch; supported addresses:\n  https://x.com/USER/status/ID"
    )
    assert err.count("bsky.app/profile/HANDLE_OR_DID/post/RKEY") == 1  # listed once
    assert "written by hand: see CONTRIBUTING.md" in err


def test_bad_tag_and_empty_title_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert "must be lower-case words" in refused(
        tmp_path, capsys, "-s", "policy", "-t", "Acid Base"
    )
    assert "--title must not be empty" in refused(tmp_path, capsys, "-s", "policy", "--title", " ")


def test_broken_catalog_is_reported_and_left_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = SPECIALTIES + "threads:\n  - url: https://med.social/@doc/1\n    specialties: [nope]\n"
    path = write(tmp_path, old)
    assert add(path, "-s", "policy") == EXIT_BAD_INPUT
    assert path.read_text(encoding="utf-8") == old
    assert "threads.yaml:9: specialty 'nope' is not defined" in capsys.readouterr().err


def test_a_folder_given_as_the_catalog_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert add(tmp_path, "-s", "policy") == EXIT_BAD_INPUT
    assert capsys.readouterr().err.splitlines() == [
        f"tweetorials add: {tmp_path} is a folder; pass the catalog file with --catalog PATH",
        f"nothing was changed in {tmp_path}",
    ]


def test_a_layout_that_cannot_be_extended_safely_is_refused() -> None:
    # `threads:` is an alias of another list: inserting into the list would change both keys.
    # The check after inserting (everything but the new entry loads as before) catches it.
    old = "other: &shared\n  - url: https://med.social/@doc/1\n    specialties: [policy]\n"
    old += "threads: *shared\n"
    with pytest.raises(AppendError, match="without changing other parts of the file"):
        append_entry(old, NewEntry(NEW_URL, ("policy",)))


# -- fetching the new thread ---------------------------------------------------------------


class _Upstream:
    """FxTwitter at https://fx.test answering every post with a one-post thread by @newdoc,
    or failing every request when ``down``."""

    def __init__(self, *, down: bool = False) -> None:
        self.down = down
        self.requested: list[str] = []

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requested.append(str(request.url))
        if self.down:
            raise httpx.ConnectError("offline")
        post_id = request.url.path.rsplit("/", 1)[-1]
        author = {"id": "9", "screen_name": "newdoc", "name": "New Doc"}
        status = {"type": "status", "id": post_id, "text": "Hello", "author": author}
        return httpx.Response(200, json={"code": 200, "status": status, "thread": [status]})


@pytest.fixture
def upstream_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TWEETORIALS_FXTWITTER_API", "https://fx.test")
    monkeypatch.setenv("TWEETORIALS_X_API", "https://syn.test")
    monkeypatch.setenv("TWEETORIALS_HTTP_RETRIES", "0")


def test_add_archives_the_new_thread_and_only_it(
    tmp_path: Path, upstream_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    upstream = _Upstream()
    path = write(tmp_path, COMMENTED)
    argv = ["add", NEW_URL, "-s", "policy", "--catalog", str(path)]
    assert main(argv, transport=httpx.MockTransport(upstream.handler)) == EXIT_OK
    assert upstream.requested == ["https://fx.test/2/thread/1700000000000000001"]
    saved = SnapshotStore(tmp_path / "content" / "threads").load("x-1700000000000000001")
    assert saved is not None and saved.posts[0].text == "Hello"
    assert "1 fetched (1 request sent)" in capsys.readouterr().out


def test_failed_fetch_keeps_the_entry_and_exits_1(
    tmp_path: Path, upstream_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    upstream = _Upstream(down=True)
    path = write(tmp_path, COMMENTED)
    argv = ["add", NEW_URL, "-s", "policy", "--catalog", str(path)]
    assert main(argv, transport=httpx.MockTransport(upstream.handler)) == EXIT_FETCH_FAILED
    assert upstream.requested  # it did try
    assert parse_catalog(path.read_text()).entries[-1].url == NEW_URL
    err = capsys.readouterr().err
    assert f"try again later with: tweetorials fetch --only {NEW_URL}" in err


def test_an_unusable_setting_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TWEETORIALS_X_API", "ftp://mirror")
    path = write(tmp_path, COMMENTED)
    assert main(["add", NEW_URL, "-s", "policy", "--catalog", str(path)]) == EXIT_BAD_INPUT
    assert path.read_text() == COMMENTED
    assert "TWEETORIALS_X_API='ftp://mirror' must be an http(s) URL" in capsys.readouterr().err
