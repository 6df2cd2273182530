"""Provenance of imported copies: kept in both snapshot forms, refused when malformed."""

from __future__ import annotations

from pathlib import Path

import pytest
from tweetorials.snapshot import (
    Author,
    Post,
    Provenance,
    SnapshotError,
    Thread,
    load_snapshot,
    save_snapshot,
)


def imported_thread(provenance: Provenance | None) -> Thread:
    return Thread(
        platform="x",
        url="https://x.com/someone/status/1",
        author=Author(name="Some One", handle="someone", url="https://x.com/someone"),
        posts=[
            Post(
                id="1",
                url="https://x.com/someone/status/1",
                created_at=None,
                text="Hi",
                html="<p>Hi</p>",
            )
        ],
        provenance=provenance,
    )


def test_json_round_trip_keeps_provenance(tmp_path: Path) -> None:
    path = tmp_path / "x-1.json"
    thread = imported_thread(Provenance("x-archive", saved="2022-11-10T12:00:00Z"))
    save_snapshot(path, thread)
    loaded = load_snapshot(path)
    assert loaded.provenance == Provenance("x-archive", saved="2022-11-10T12:00:00Z")
    assert loaded.provenance.description == "Imported from the author's X archive"


def test_fetched_threads_have_no_provenance(tmp_path: Path) -> None:
    path = tmp_path / "x-1.json"
    save_snapshot(path, imported_thread(None))
    assert load_snapshot(path).provenance is None


@pytest.mark.parametrize(
    ("provenance", "message"),
    [
        ({"kind": "fax"}, "provenance.kind: 'fax' is not one of x-archive"),
        ({"kind": "unrolled", "url": "javascript:alert(1)"}, "must be an http(s) address"),
        ({"kind": "unrolled", "by": "me"}, "unknown field(s) by"),
    ],
)
def test_bad_provenance_in_json_is_refused(
    tmp_path: Path, provenance: dict[str, str], message: str
) -> None:
    import json

    path = tmp_path / "x-1.json"
    save_snapshot(path, imported_thread(None))
    data = json.loads(path.read_text())
    data["provenance"] = provenance
    path.write_text(json.dumps(data))
    with pytest.raises(SnapshotError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_snapshot(path)


HANDWRITTEN = """\
platform: x
url: https://x.com/someone/status/1
provenance:
  kind: unrolled
  url: https://threadreaderapp.com/thread/1.html
  saved: 2021-03-02
author: {name: Some One, handle: someone, url: https://x.com/someone}
posts:
  - First post.
"""


def test_handwritten_provenance_loads(tmp_path: Path) -> None:
    path = tmp_path / "copy.yaml"
    path.write_text(HANDWRITTEN)
    assert load_snapshot(path).provenance == Provenance(
        "unrolled", saved="2021-03-02T00:00:00Z", url="https://threadreaderapp.com/thread/1.html"
    )


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("kind: unrolled", "kind: rumour", "provenance.kind 'rumour' is not one of"),
        (
            "url: https://threadreaderapp.com/thread/1.html",
            "url: file:///etc/passwd",
            "must be an http",
        ),
        ("saved: 2021-03-02", "saved: last week", "provenance.saved: expected a date"),
    ],
)
def test_bad_handwritten_provenance_is_refused(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    path = tmp_path / "copy.yaml"
    path.write_text(HANDWRITTEN.replace(old, new))
    with pytest.raises(SnapshotError, match=message):
        load_snapshot(path)
