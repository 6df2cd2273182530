"""threads.yaml validation: every mistake is reported at its line, with what is allowed."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest
from tweetorials.catalog import CatalogError, load_catalog, parse_catalog
from tweetorials.cli import main
from tweetorials.platforms import SUPPORTED_FORMS

HEAD = """\
specialties:
  value-care:
    name: High-value care
    description: Tests and treatments that help.
  pathophysiology:
    name: Pathophysiology
  policy: Health policy
threads:
"""
# HEAD is 8 lines long: the first thread starts on line 9.


def problems(text: str) -> list[str]:
    with pytest.raises(CatalogError) as caught:
        parse_catalog(textwrap.dedent(text), Path("threads.yaml"))
    return caught.value.lines()


GOOD = (
    HEAD
    + """\
  - url: https://twitter.com/AvrahamCooperMD/status/1345753985467224064?s=20
    specialties: [pathophysiology]
    tags: [muscle, exercise-physiology]
    title: Why does weight training make muscles bigger?
    note: A *classic*.
    added: 2026-11-28
    featured: true
  - url: https://bsky.app/profile/Example.bsky.social/post/3kabc2xyz
    specialties: [value-care, policy]
    review: {reviewer: Dr A. Reviewer, date: 2026-10-01, conflicts: None declared}
    images:
      - {post: 2, image: 1, alt: A chart of lactate over time}
  - url: https://med.example/@teacher/110000000000000001
    specialties: value-care
"""
)


def test_good_catalog_loads_every_field() -> None:
    catalog = parse_catalog(GOOD)
    assert list(catalog.specialties) == ["value-care", "pathophysiology", "policy"]
    assert catalog.specialties["policy"].name == "Health policy"
    x, bsky, masto = catalog.entries
    assert x.url == "https://x.com/AvrahamCooperMD/status/1345753985467224064"
    assert x.slug == "x-1345753985467224064"
    assert x.tags == ("muscle", "exercise-physiology")
    assert x.added == dt.date(2026, 11, 28)
    assert x.featured is True
    assert x.line == 9
    assert bsky.platform == "bluesky"
    assert bsky.specialties == ("value-care", "policy")
    assert bsky.review is not None and bsky.review.reviewer == "Dr A. Reviewer"
    assert bsky.image_note(2, 1) is not None
    assert masto.platform == "mastodon" and masto.specialties == ("value-care",)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            HEAD + "  - url: https://x.com/a/status/1\n    specialties: [cardio]\n",
            "threads.yaml:10: specialty 'cardio' is not defined; known: pathophysiology, policy, value-care",
            id="undefined-specialty",
        ),
        pytest.param(
            HEAD + "  - url: https://x.com/a/status/1\n    specialties: [value-cares]\n",
            "threads.yaml:10: specialty 'value-cares' is not defined (did you mean 'value-care'?); known: pathophysiology, policy, value-care",
            id="specialty-typo-hint",
        ),
        pytest.param(
            HEAD + "  - url: https://x.com/a/status/1\n    specialties: [policy]\n    tgas: [a]\n",
            "threads.yaml:11: unknown field 'tgas' in a thread; did you mean 'tags'? allowed: url, platform, specialties, tags, title, note, added, featured, last, snapshot, review, images",
            id="unknown-key",
        ),
        pytest.param(
            HEAD + "  - specialties: [policy]\n",
            "threads.yaml:9: a thread needs 'url:', the address of its first post",
            id="missing-url",
        ),
        pytest.param(
            HEAD + "  - url: https://x.com/a/status/1\n",
            "threads.yaml:9: a thread needs 'specialties:' (one or more of: pathophysiology, policy, value-care)",
            id="missing-specialties",
        ),
        pytest.param(
            HEAD + "  - url: https://x.com/a/status/1\n    specialties: []\n",
            "threads.yaml:10: specialties must be a list of one or more of: pathophysiology, policy, value-care",
            id="empty-specialties",
        ),
        pytest.param(
            HEAD + "  - url: https://example.com/blog/post\n    specialties: [policy]\n",
            "threads.yaml:9: 'https://example.com/blog/post' is not a thread URL we can read; supported forms:",
            id="unsupported-url",
        ),
        pytest.param(
            HEAD + "  - url: ftp://x.com/a/status/1\n    specialties: [policy]\n",
            "threads.yaml:9: 'ftp://x.com/a/status/1' is not an http(s) URL",
            id="not-http",
        ),
        pytest.param(
            HEAD
            + "  - url: https://twitter.com/a/status/1\n    specialties: [policy]\n"
            + "  - url: https://mobile.twitter.com/A/status/1/?s=20\n    specialties: [policy]\n",
            "threads.yaml:11: duplicate thread: https://x.com/A/status/1 is the same thread as line 9",
            id="duplicate-after-normalisation",
        ),
        pytest.param(
            HEAD
            + "  - url: https://x.com/a/status/1\n    specialties: [policy]\n    added: last week\n",
            "threads.yaml:11: added must be a date written as YYYY-MM-DD, found 'last week'",
            id="bad-date",
        ),
        pytest.param(
            HEAD
            + "  - url: https://x.com/a/status/1\n    specialties: [policy]\n    tags: [Acid Base]\n",
            "threads.yaml:11: tag 'Acid Base' must be lower-case words joined by hyphens, e.g. acid-base",
            id="bad-tag",
        ),
        pytest.param(
            HEAD
            + "  - url: https://x.com/a/status/1\n    specialties: [policy]\n    platform: tiktok\n",
            "threads.yaml:11: platform 'tiktok' is not one of x, bluesky, mastodon, manual",
            id="bad-platform",
        ),
        pytest.param(
            HEAD
            + "  - url: https://x.com/a/status/1\n    specialties: [policy]\n    featured: yes please\n",
            "threads.yaml:11: featured must be true or false",
            id="bad-featured",
        ),
        pytest.param(
            HEAD
            + "  - url: https://x.com/a/status/1\n    specialties: [policy]\n    images:\n      - {post: 0, alt: x}\n",
            "threads.yaml:12: images entries need post: N and image: M, counted from 1 (post 1 is the first post)",
            id="bad-image-position",
        ),
        pytest.param(
            HEAD
            + "  - url: https://x.com/a/status/1\n    specialties: [policy]\n    review: {date: 2026-01-01}\n",
            "threads.yaml:11: review needs reviewer: the name of who checked it",
            id="review-without-reviewer",
        ),
        pytest.param(
            HEAD
            + "  - url: https://x.com/a/status/1\n    specialties: [policy]\n    last: https://bsky.app/profile/a.b/post/3k\n",
            "threads.yaml:11: last must be a post on the same platform as url (x)",
            id="last-on-other-platform",
        ),
        pytest.param(
            HEAD
            + "  - url: https://x.com/a/status/1\n    specialties: [policy]\n    specialties: [value-care]\n",
            "threads.yaml:11: 'specialties' appears twice in the same block; keep one",
            id="duplicate-key",
        ),
        pytest.param(
            HEAD + "  - url: https://x.com/a/status/1\n   specialties: [policy]\n",
            "threads.yaml:10: not valid YAML",
            id="bad-indentation",
        ),
        pytest.param(
            "specialties:\n  Value Care: {name: HVC}\nthreads: []\n",
            "threads.yaml:2: specialty slug 'Value Care' must be lower-case letters, digits and hyphens, e.g. value-care",
            id="bad-specialty-slug",
        ),
        pytest.param(
            "specialties:\n  policy:\n    name: Policy\n    colour: red\nthreads: []\n",
            "threads.yaml:4: specialty 'policy': colour 'red' must look like \"#0b6e4f\" (quoted)",
            id="bad-colour",
        ),
        pytest.param(
            "threads:\n  - url: https://x.com/a/status/1\n    specialties: [policy]\n",
            "threads.yaml:1: missing 'specialties:', the list of specialties threads can belong to",
            id="no-specialties-section",
        ),
        pytest.param(
            HEAD.replace("threads:\n", "thread:\n"),
            "threads.yaml:8: unknown field 'thread' in the top level; did you mean 'threads'? allowed: specialties, threads, exclude",
            id="top-level-typo",
        ),
        pytest.param(
            HEAD + "  - https://x.com/a/status/1\n",
            "threads.yaml:9: each thread must be a mapping that starts with 'url:'",
            id="thread-not-mapping",
        ),
        pytest.param(
            HEAD + "  - url: https://x.com/a/status/1\n    specialties: [policy]\n"
            "exclude:\n  - author: drsmith\n",
            "threads.yaml:12: author 'drsmith' must be platform:handle, e.g. x:drsmith",
            id="bad-exclusion",
        ),
    ],
)
def test_malformed_catalog_names_line_and_fix(text: str, expected: str) -> None:
    lines = problems(text)
    assert any(line.startswith(expected) for line in lines), lines


def test_every_problem_is_reported_at_once() -> None:
    text = HEAD + (
        "  - url: https://x.com/a/status/1\n"  # 9
        "    specialties: [cardio]\n"  # 10
        "  - url: https://example.com/nope\n"  # 11
        "    specialties: [policy]\n"  # 12
        "    added: soon\n"  # 13
    )
    lines = problems(text)
    assert [line.split(":")[1] for line in lines] == ["10", "11", "13"]


def test_check_command_exits_2_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    catalog = tmp_path / "threads.yaml"
    text = HEAD + "  - url: https://x.com/a/status/1\n    specialties: [cardio]\n"
    catalog.write_text(text)
    before = sorted(p.name for p in tmp_path.rglob("*"))

    code = main(["check", "--catalog", str(catalog)])

    err = capsys.readouterr().err
    assert code == 2
    assert (
        "threads.yaml:10: specialty 'cardio' is not defined; known: pathophysiology, policy, value-care"
        in err
    )
    assert "Traceback" not in err
    assert catalog.read_text() == text
    assert sorted(p.name for p in tmp_path.rglob("*")) == before


def test_check_command_summarises_a_good_catalog(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    catalog = tmp_path / "threads.yaml"
    catalog.write_text(GOOD)
    assert main(["check", "--catalog", str(catalog)]) == 0
    out = capsys.readouterr().out
    assert "threads.yaml: 3 threads in 3 specialties, 0 archived, 3 waiting for a fetch" in out


def test_missing_catalog_file_is_a_person_readable_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "--catalog", str(tmp_path / "threads.yaml")]) == 2
    assert "threads.yaml: file not found" in capsys.readouterr().err


def test_project_catalog_is_valid() -> None:
    catalog = load_catalog(Path(__file__).parent.parent / "threads.yaml")
    assert {s for e in catalog.entries for s in e.specialties} == set(catalog.specialties)


# -- hostile input: every mistake is a line-numbered problem, never a traceback --------------

THREAD = "  - url: https://x.com/a/status/1\n    specialties: [policy]\n"  # lines 9 and 10


def check_cli(
    tmp_path: Path, content: str | bytes, capsys: pytest.CaptureFixture[str]
) -> list[str]:
    """Run ``tweetorials check`` on ``content``; it must exit 2 and print lines, not a traceback."""
    catalog = tmp_path / "threads.yaml"
    catalog.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    code = main(["check", "--catalog", str(catalog)])
    captured = capsys.readouterr()
    assert code == 2, captured
    assert "Traceback" not in captured.err + captured.out
    lines = captured.err.splitlines()
    assert lines[-1].endswith(f"in {catalog}; nothing was changed")
    return lines[:-1]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            HEAD + THREAD + "    added: 2026-02-30\n",
            ["threads.yaml:11: added: 2026-02-30 is not a real date; write it as YYYY-MM-DD"],
            id="february-30",
        ),
        pytest.param(
            HEAD + THREAD + "    added: 2026-13-45\n",
            ["threads.yaml:11: added: 2026-13-45 is not a real date; write it as YYYY-MM-DD"],
            id="month-13",
        ),
        pytest.param(
            HEAD + THREAD + "    added: 2026-02-30 10:00:00\n",
            [
                "threads.yaml:11: added: 2026-02-30 10:00:00 is not a real date; write it as YYYY-MM-DD"
            ],
            id="impossible-date-with-time",
        ),
        pytest.param(
            HEAD + THREAD + "    review:\n      reviewer: Dr A\n      date: 2026-02-30\n",
            ["threads.yaml:13: review date: 2026-02-30 is not a real date; write it as YYYY-MM-DD"],
            id="impossible-review-date",
        ),
        pytest.param(
            HEAD + THREAD + "    review: {reviewer: Dr A, date: 2026-13-45}\n",
            ["threads.yaml:11: review date: 2026-13-45 is not a real date; write it as YYYY-MM-DD"],
            id="impossible-review-date-inline",
        ),
        pytest.param(
            HEAD + THREAD + '    added: "2026-01-31"\n',
            [
                "threads.yaml:11: added must be a date written as YYYY-MM-DD (two-digit month and day, not in quotes), found '2026-01-31'"
            ],
            id="quoted-date",
        ),
        pytest.param(
            HEAD + THREAD + "    added: 2026-2-3\n",
            [
                "threads.yaml:11: added must be a date written as YYYY-MM-DD (two-digit month and day, not in quotes), found '2026-2-3'"
            ],
            id="unpadded-date",
        ),
        pytest.param(
            HEAD + THREAD + "    title: !!map [a]\n",
            [
                "threads.yaml:11: not valid YAML: a sequence cannot be read as !!map (check indentation and quotes)"
            ],
            id="tag-on-a-list",
        ),
        pytest.param(
            HEAD + THREAD + "    added: 99999999999999999999999999\n",
            [
                "threads.yaml:11: added must be a date written as YYYY-MM-DD, found 99999999999999999999999999"
            ],
            id="huge-integer-date",
        ),
        pytest.param(
            HEAD + "  - url: https://x.com/a/status/1\n    specialties: [[policy]]\n",
            [
                "threads.yaml:10: specialty ['policy'] must be one slug (text), one of: pathophysiology, policy, value-care"
            ],
            id="nested-specialty-list",
        ),
        pytest.param(
            HEAD + "  - url: https://x.com/a/status/1\n    specialties:\n      - {policy: 1}\n",
            [
                "threads.yaml:11: specialty {'policy': 1} must be one slug (text), one of: pathophysiology, policy, value-care"
            ],
            id="mapping-as-specialty",
        ),
        pytest.param(
            HEAD + THREAD + "    tags:\n      - [a]\n      - {b: c}\n",
            [
                "threads.yaml:12: tag ['a'] must be lower-case words joined by hyphens, e.g. acid-base",
                "threads.yaml:13: tag {'b': 'c'} must be lower-case words joined by hyphens, e.g. acid-base",
            ],
            id="nested-tags",
        ),
        pytest.param(
            HEAD + THREAD + "    ? [title]\n    : Why\n",
            ["threads.yaml:11: a key must be plain text, not a list or a mapping"],
            id="list-as-key",
        ),
        pytest.param(
            HEAD + THREAD + "exclude:\n  - {author: 'x:someone', reason: [asked]}\n",
            ["threads.yaml:12: an exclude entry's reason must be text"],
            id="list-as-exclusion-reason",
        ),
        pytest.param(
            HEAD + "  - url: https://[::1/status/1\n    specialties: [policy]\n",
            [
                "threads.yaml:9: 'https://[::1/status/1' is not a thread URL we can read; supported forms: "
                + "; ".join(SUPPORTED_FORMS)
                + " (or set platform: manual with a hand-written snapshot)"
            ],
            id="unclosed-ipv6-bracket",
        ),
        pytest.param(
            HEAD
            + "  - url: https://x.com/a/status/1\n"  # 9
            + "    specialties: [policy]\n"  # 10
            + "    tags: [a]\n"  # 11
            + "    tags: [b]\n"  # 12
            + "    specialties: [value-care]\n"  # 13
            + "  - url: https://x.com/a/status/2\n"  # 14
            + "    specialties: [cardio]\n"  # 15
            + "    title: One\n"  # 16
            + "    title: Two\n",  # 17
            [
                "threads.yaml:12: 'tags' appears twice in the same block; keep one",
                "threads.yaml:13: 'specialties' appears twice in the same block; keep one",
                "threads.yaml:15: specialty 'cardio' is not defined; known: pathophysiology, policy, value-care",
                "threads.yaml:17: 'title' appears twice in the same block; keep one",
            ],
            id="every-duplicate-key-with-the-other-problems",
        ),
        pytest.param(
            "specialties:\nthreads:\n",
            [
                "threads.yaml:1: 'specialties:' is empty; define each slug with its name, e.g. value-care: {name: High-value care}"
            ],
            id="empty-specialties-section",
        ),
        pytest.param(
            "- specialties\n- threads\n",
            ["threads.yaml:1: the top level must be a mapping with 'specialties:' and 'threads:'"],
            id="top-level-list",
        ),
        pytest.param(
            "just some words\n",
            ["threads.yaml:1: the top level must be a mapping with 'specialties:' and 'threads:'"],
            id="top-level-text",
        ),
        pytest.param(
            HEAD + "  - url: https://x.com/a/status/1\n\tspecialties: [policy]\n",
            [
                "threads.yaml:10: not valid YAML: found character '\\t' that cannot start any token (check indentation and quotes)"
            ],
            id="tab-indentation",
        ),
        pytest.param(
            HEAD + THREAD + "    featured: !!bool perhaps\n",
            [
                "threads.yaml:11: not valid YAML: 'perhaps' cannot be read as !!bool (check indentation and quotes)"
            ],
            id="explicit-tag-that-cannot-read-its-value",
        ),
        pytest.param(
            HEAD + THREAD + "    added: !!timestamp someday\n",
            [
                "threads.yaml:11: not valid YAML: 'someday' cannot be read as !!timestamp (check indentation and quotes)"
            ],
            id="explicit-timestamp-tag",
        ),
        pytest.param(
            "specialties: " + "[" * 5000 + "]" * 5000 + "\n",
            ["threads.yaml: not valid YAML: lists or mappings are nested too deeply"],
            id="absurdly-deep-nesting",
        ),
        pytest.param(
            "specialties:\n  policy: P\x00\n",
            [
                "threads.yaml:2: contains the control character '\\x00', which YAML does not allow; threads.yaml must be plain text (is this the right file?)"
            ],
            id="nul-character",
        ),
    ],
)
def test_hostile_catalog_is_reported_line_by_line(
    text: str, expected: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert problems(text) == expected
    assert check_cli(tmp_path, text, capsys) == expected


def test_binary_file_is_one_problem(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert check_cli(tmp_path, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", capsys) == [
        "threads.yaml: is not UTF-8 text (invalid start byte)"
    ]
    assert check_cli(tmp_path, b"GIF89a\x00\x01", capsys) == [
        "threads.yaml:1: contains the control character '\\x00', which YAML does not allow; threads.yaml must be plain text (is this the right file?)"
    ]


def test_a_folder_given_as_the_catalog_is_one_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["check", "--catalog", str(tmp_path)])
    captured = capsys.readouterr()
    assert code == 2
    assert "Traceback" not in captured.err
    assert captured.err.splitlines() == [
        f"{tmp_path.name}: {tmp_path} is a folder; pass the catalog file with --catalog PATH",
        f"1 problem in {tmp_path}; nothing was changed",
    ]


def test_an_empty_threads_section_is_an_empty_library(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = HEAD + "\n# threads go here\n"
    assert parse_catalog(text).entries == []
    catalog = tmp_path / "threads.yaml"
    catalog.write_text(text)
    assert main(["check", "--catalog", str(catalog)]) == 0
    assert "threads.yaml: 0 threads in 3 specialties" in capsys.readouterr().out
