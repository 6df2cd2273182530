"""Hand-written snapshots can carry a poll and a Community Note, checked like everything else."""

from __future__ import annotations

from pathlib import Path

import pytest
from tweetorials.snapshot import (
    CommunityNote,
    Poll,
    PollOption,
    SnapshotError,
    load_snapshot,
    save_snapshot,
)

HEAD = "url: https://a.example/x\nauthor: {name: A, handle: a, url: https://a.example}\nposts:\n"

POLL_POST = """\
  - text: Which way does the gap go?
    poll:
      options:
        - {label: It widens, votes: 412}
        - {label: It stays normal, votes: 97}
        - It narrows
      final: true
      ends: 2021-01-13T18:00:00Z
      counted: 2021-01-14
      total: 509
    community_note:
      text: "Readers added context: <b>see</b> https://example.org/n"
      date: 2021-01-15
"""


def write(tmp_path: Path, posts: str) -> Path:
    path = tmp_path / "gone.yaml"
    path.write_text(HEAD + posts, encoding="utf-8")
    return path


def test_a_transcribed_poll_and_note_load_into_the_snapshot_types(tmp_path: Path) -> None:
    post = load_snapshot(write(tmp_path, POLL_POST)).posts[0]
    assert post.poll == Poll(
        options=[
            PollOption("It widens", 412),
            PollOption("It stays normal", 97),
            PollOption("It narrows", None),
        ],
        total_votes=509,
        final=True,
        ends_at="2021-01-13T18:00:00Z",
        counted_at="2021-01-14T00:00:00Z",
    )
    note = post.community_note
    assert isinstance(note, CommunityNote)
    assert note.created_at == "2021-01-15T00:00:00Z"
    assert "<b>" not in note.html and "&lt;b&gt;" in note.html  # text, never markup
    assert 'href="https://example.org/n"' in note.html


def test_a_handwritten_poll_survives_the_json_form(tmp_path: Path) -> None:
    thread = load_snapshot(write(tmp_path, POLL_POST))
    path = tmp_path / "copy.json"
    save_snapshot(path, thread)
    assert load_snapshot(path) == thread


def test_a_bare_note_text_is_enough(tmp_path: Path) -> None:
    post = load_snapshot(write(tmp_path, "  - text: hi\n    community_note: Context.\n")).posts[0]
    assert post.community_note == CommunityNote("Context.", "<p>Context.</p>")


@pytest.mark.parametrize(
    ("post", "message"),
    [
        ("  - text: q\n    poll: yes\n", "posts[0].poll: expected a mapping"),
        ("  - text: q\n    poll: {options: [a]}\n", "posts[0].poll.options is required"),
        (
            "  - text: q\n    poll: {options: [a, {label: b, votes: -3}]}\n",
            "posts[0].poll.options[1]: expected a whole number of votes",
        ),
        (
            "  - text: q\n    poll: {options: [a, {label: b, votes: '12'}]}\n",
            "expected a whole number of votes",
        ),
        ("  - text: q\n    poll: {options: [a, {votes: 3}]}\n", "options[1].label is required"),
        ("  - text: q\n    poll: {options: [a, b], final: maybe}\n", "poll.final: expected true"),
        ("  - text: q\n    poll: {options: [a, b], ends: soon}\n", "poll.ends: expected a date"),
        (
            "  - text: q\n    poll: {options: [a, b], clsoes: 1}\n",
            "unknown field posts[0].poll.clsoes",
        ),
        (
            "  - text: q\n    community_note: {date: 2021-01-01}\n",
            "community_note.text is required",
        ),
    ],
)
def test_broken_polls_and_notes_name_the_file_and_field(
    tmp_path: Path, post: str, message: str
) -> None:
    path = write(tmp_path, post)
    with pytest.raises(SnapshotError) as caught:
        load_snapshot(path)
    assert str(caught.value).startswith(str(path))
    assert message in str(caught.value)
