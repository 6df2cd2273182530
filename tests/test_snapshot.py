"""Snapshots: the JSON form round-trips exactly, and broken files are refused by name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tweetorials.snapshot import (
    SCHEMA_VERSION,
    Author,
    CommunityNote,
    LinkCard,
    LocalImage,
    Media,
    Poll,
    PollOption,
    Post,
    Rendition,
    SnapshotError,
    SnapshotStore,
    Thread,
    load_snapshot,
    save_snapshot,
)

ROOT = Path(__file__).resolve().parent.parent


def full_thread() -> Thread:
    author = Author(
        "Dr Ada Example",
        "ada_example",
        "https://x.com/ada_example",
        avatar_url="https://pbs.example/a.jpg",
    )
    image = Media(
        kind="image",
        url="https://pbs.example/media/abc.jpg",
        alt="A chart 📈 of lactate",
        width=1200,
        height=800,
        local=LocalImage(
            sha256="ab" * 32,
            width=1200,
            height=800,
            original="media/ab/abab.jpg",
            renditions=[Rendition(480, 320, "media/ab/abab-480.webp", "media/ab/abab-480.jpg")],
        ),
    )
    quote = Post(
        id="9",
        url="https://x.com/other/status/9",
        created_at="2020-01-01T00:00:00Z",
        text="quoted",
        html="<p>quoted</p>",
        author=Author("Other", "other", "https://x.com/other"),
    )
    posts = [
        Post(
            "1",
            "https://x.com/ada_example/status/1",
            "2021-01-03T17:02:11Z",
            "First ✨",
            "<p>First ✨</p>",
            media=[image],
        ),
        Post(
            "2",
            "https://x.com/ada_example/status/2",
            "2021-01-03T17:03:00Z",
            "Second",
            "<p>Second</p>",
            quote=quote,
            card=LinkCard("https://doi.org/10.1000/x", "A paper", "Abstract"),
            poll=Poll(
                [PollOption("Widens", 412), PollOption("Narrows", None)],
                total_votes=509,
                final=False,
                ends_at="2021-01-04T17:03:00Z",
                counted_at="2021-01-03T20:00:00Z",
                multiple=True,
                voters=480,
            ),
            community_note=CommunityNote(
                "Context", "<p>Context</p>", created_at="2021-01-05T00:00:00Z"
            ),
        ),
        Post(
            "3",
            "https://x.com/ada_example/status/3",
            None,
            "Gone",
            "<p>Gone</p>",
            status="deleted",
            last_seen="2024-02-02T00:00:00Z",
            truncated=True,
        ),
    ]
    return Thread(
        "x",
        "https://x.com/ada_example/status/1",
        author,
        posts,
        fetched_at="2026-11-28T00:00:00Z",
        source="fxtwitter",
    )


def test_round_trip_is_exact(tmp_path: Path) -> None:
    thread = full_thread()
    path = tmp_path / "x-1.json"
    save_snapshot(path, thread)
    assert load_snapshot(path) == thread
    data = json.loads(path.read_text(encoding="utf-8"))
    assert next(iter(data)) == "schema" and data["schema"] == SCHEMA_VERSION == 2
    assert "📈" in path.read_text(encoding="utf-8")  # stored as readable UTF-8, not escapes


def test_schema_1_files_still_load_and_are_written_back_as_schema_2(tmp_path: Path) -> None:
    thread = full_thread()
    for post in thread.posts:
        post.poll = None
        post.community_note = None
    path = tmp_path / "x-1.json"
    save_snapshot(path, thread)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["schema"] = 1
    data.pop("caveats")  # a version 1 file never had these keys
    for post in data["posts"]:
        for each in (post, post["quote"] or {}):
            for key in ("poll", "community_note", "lang"):
                each.pop(key, None)
            for media in each.get("media", []):
                media.pop("video", None), media.pop("video_error", None)
    path.write_text(json.dumps(data), encoding="utf-8")
    loaded = load_snapshot(path)
    assert loaded == thread
    save_snapshot(path, loaded)
    assert json.loads(path.read_text(encoding="utf-8"))["schema"] == 2


def test_poll_helpers_total_and_hidden_counts() -> None:
    shown = Poll([PollOption("a", 3), PollOption("b", 0)])
    assert shown.has_counts and shown.total == 3
    assert Poll([PollOption("a", 3), PollOption("b", 1)], total_votes=9).total == 9
    hidden = Poll([PollOption("a"), PollOption("b")])
    assert not hidden.has_counts and hidden.total is None


def test_save_is_atomic_and_leaves_no_temporary_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = SnapshotStore(tmp_path)
    store.save("x-1", full_thread())
    good = store.json_path("x-1").read_bytes()

    def crash(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("os.replace", crash)
    changed = full_thread()
    changed.posts[0].text = "changed"
    with pytest.raises(OSError):
        store.save("x-1", changed)
    assert store.json_path("x-1").read_bytes() == good
    assert [p.name for p in tmp_path.iterdir()] == ["x-1.json"]


def mutate(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


def assert_refused_by_name(path: Path, message: str) -> None:
    """Loading ``path`` fails with an error that starts with the file's name and says ``message``."""
    with pytest.raises(SnapshotError) as caught:
        load_snapshot(path)
    assert str(caught.value).startswith(str(path))
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d.update(schema=3),
            "schema 3 is not supported; this version reads schema 1 and 2",
        ),
        (lambda d: d.update(schema=True), "schema True is not supported"),
        (lambda d: d.update(schema="2"), "schema '2' is not supported"),
        (
            lambda d: d.update(schema=1),
            ".json: unknown field(s) caveats in a schema 1 file",
        ),
        (
            lambda d: d["posts"][1]["poll"].update(options=[{"label": "only"}]),
            "posts[1].poll.options: a poll needs at least two options",
        ),
        (
            lambda d: d["posts"][1]["poll"]["options"][0].update(votes=-1),
            "posts[1].poll.options[0].votes: a count cannot be negative",
        ),
        (
            lambda d: d["posts"][1]["poll"]["options"][0].update(votes="12"),
            "posts[1].poll.options[0].votes: expected int, found str",
        ),
        (
            lambda d: d["posts"][1]["poll"].update(final="yes"),
            "posts[1].poll.final: expected bool, found str",
        ),
        (lambda d: d["posts"][1]["community_note"].pop("text"), "community_note.text: is required"),
        (lambda d: d.pop("schema"), "schema None is not supported"),
        (lambda d: d.pop("url"), "url: is required"),
        (lambda d: d.update(posts=[]), "posts: a thread needs at least one post"),
        (
            lambda d: d.update(platform="myspace"),
            "platform: 'myspace' is not one of x, bluesky, mastodon, manual",
        ),
        (
            lambda d: d["posts"][0]["media"][0].update(kind="photo"),
            "posts[0].media[0].kind: 'photo' is not one of image, video, gif",
        ),
        (lambda d: d["posts"][1].update(text=5), "posts[1].text: expected str, found int"),
        (
            lambda d: d["posts"][0]["media"][0].update(width=True),
            "posts[0].media[0].width: expected int, found bool",
        ),
        (lambda d: d["posts"][0].update(colour="red"), "posts[0]: unknown field(s) colour"),
        (lambda d: d["author"].pop("handle"), "author.handle: is required"),
        (
            lambda d: d["posts"][0]["media"][0]["local"]["renditions"][0].pop("webp"),
            "posts[0].media[0].local.renditions[0].webp: is required",
        ),
    ],
)
def test_broken_snapshots_are_refused_with_file_and_field(
    tmp_path: Path, change, message: str
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "x-1.json"
    save_snapshot(path, full_thread())
    mutate(path, change)
    assert_refused_by_name(path, message)


def test_invalid_json_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x-1.json"
    path.write_text('{"schema": 1, "posts": [')
    with pytest.raises(SnapshotError, match=r"x-1.json: not valid JSON"):
        load_snapshot(path)


def test_seed_thread_loads_as_handwritten_snapshot() -> None:
    thread = load_snapshot(ROOT / "content/threads/choosing-wisely-stars-social-media.yaml")
    assert thread.platform == "x" and thread.source == "handwritten"
    assert thread.author.handle == "ben_dralle"
    assert len(thread.posts) == 15
    assert thread.posts[0].text.startswith("Tonight, I’ll be speaking to med students")
    assert thread.posts[-1].text.startswith("Benefit #4 – Networking")
    assert '<a href="https://x.com/AvrahamCooperMD"' in thread.posts[4].html
    assert (
        'href="https://twitter.com/AvrahamCooperMD/status/1345753985467224064?s=20"'
        in thread.posts[4].html
    )
    assert not thread.sample


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("posts: [hi]\n", "url is required"),
        ("url: https://a.example/x\nposts: [hi]\n", "author is required"),
        (
            "url: https://a.example/x\nauthor: {name: A, handle: a, url: https://a.example}\nposts: []\n",
            "posts is required",
        ),
        (
            "url: https://a.example/x\nauthor: {name: A, handle: a, url: https://a.example}\nposts: [hi]\nplatform: orkut\n",
            "platform 'orkut'",
        ),
        (
            "url: https://a.example/x\nauthor: {name: A, handle: a, url: https://a.example}\nposts:\n  - text: hi\n    images: [{file: ../../etc/passwd}]\n",
            "must be a path inside content/",
        ),
        (
            "url: https://a.example/x\nauthor: {name: A, handle: a, url: https://a.example}\nposts: [hi]\nposted: soon\n",
            "expected a date",
        ),
        ("url: [unclosed\n", ":2: not valid YAML"),
        (
            "url: https://a.example/x\nauthor: {name: A, handle: a, url: https://a.example}\nposts: [hi]\nauthr: x\n",
            "unknown field authr",
        ),
    ],
)
def test_broken_handwritten_snapshots_name_the_file(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "gone.yaml"
    path.write_text(text)
    assert_refused_by_name(path, message)


def test_handwritten_text_is_escaped_not_trusted(tmp_path: Path) -> None:
    path = tmp_path / "gone.yaml"
    path.write_text(
        "url: https://a.example/x\nauthor: {name: A, handle: a, url: https://a.example}\n"
        "posts:\n  - '<script>alert(1)</script> see https://example.org/a.'\n"
    )
    html = load_snapshot(path).posts[0].html
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert (
        '<a href="https://example.org/a" rel="nofollow noopener noreferrer">example.org/a</a>.'
        in html
    )
