"""Rebuilding the author's thread from any of its posts, for every export format alike."""

from __future__ import annotations

import pytest
from tweetorials.rescue.errors import RefusedImport
from tweetorials.rescue.export import ArchivedPost, Export
from tweetorials.rescue.selfthread import candidates, find_post, self_thread
from tweetorials.snapshot import Author, Post

AUTHOR = Author(name="A", handle="a", url="https://x.com/a")


def post(
    n: int, parent: int | None, *, by_author: bool = True, audience: str = "public"
) -> ArchivedPost:
    return ArchivedPost(
        post=Post(
            id=str(n),
            url=f"https://x.com/a/status/{n}",
            created_at=f"2022-01-01T10:{n % 60:02d}:00Z",
            text=f"post {n} of the thread",
            html="",
        ),
        parent_id=str(parent) if parent is not None else None,
        by_author=by_author,
        audience=audience,
    )


def export(*posts: ArchivedPost) -> Export:
    return Export(
        kind="x-archive",
        platform="x",
        author=AUTHOR,
        posts={p.post.id: p for p in posts},
        saved="2023-01-01T00:00:00Z",
    )


def twelve_with_a_stranger() -> Export:
    """Posts 1..12 by the author, a stranger replying to post 6, the author answering them."""
    own = [post(n, n - 1 if n > 1 else None) for n in range(1, 13)]
    stranger = post(50, 6, by_author=False)
    answer = post(51, 50)
    # Out of order on purpose: exports list posts newest first, or in parts.
    return export(*reversed(own[6:]), stranger, answer, *own[:6])


@pytest.mark.parametrize("start", ["1", "6", "7", "12"])
def test_twelve_posts_from_any_of_them_skipping_the_strangers_reply(start: str) -> None:
    data = twelve_with_a_stranger()
    chosen = self_thread(data, data.posts[start])
    assert [p.post.id for p in chosen.posts] == [str(n) for n in range(1, 13)]
    assert chosen.stops == []


def test_a_second_self_reply_is_not_the_thread() -> None:
    """Two answers to one post: the earlier continues the thread, the later is left out."""
    data = export(post(1, None), post(2, 1), post(3, 1), post(4, 2))
    assert [p.post.id for p in self_thread(data, data.posts["1"]).posts] == ["1", "2", "4"]


@pytest.mark.parametrize(
    ("audience", "words"),
    [("followers", "followers-only"), ("direct", "a direct message"), ("protected", "protected")],
)
def test_the_thread_stops_before_a_post_that_was_not_public(audience: str, words: str) -> None:
    data = export(post(1, None), post(2, 1), post(3, 2, audience=audience), post(4, 3))
    chosen = self_thread(data, data.posts["1"])
    assert [p.post.id for p in chosen.posts] == ["1", "2"]
    assert len(chosen.stops) == 1
    assert "stops before post 3" in chosen.stops[0] and words in chosen.stops[0]


def test_the_thread_starts_after_a_post_that_was_not_public() -> None:
    data = export(post(1, None, audience="followers"), post(2, 1), post(3, 2))
    chosen = self_thread(data, data.posts["3"])
    assert [p.post.id for p in chosen.posts] == ["2", "3"]
    assert "starts after post 1" in chosen.stops[0]


def test_unlisted_posts_are_public() -> None:
    data = export(post(1, None), post(2, 1, audience="unlisted"), post(3, 2))
    assert len(self_thread(data, data.posts["1"]).posts) == 3


def test_a_private_start_is_refused() -> None:
    data = export(post(1, None, audience="direct"))
    with pytest.raises(RefusedImport, match="post 1 is a direct message: only public posts"):
        self_thread(data, data.posts["1"])


def test_someone_elses_post_is_not_a_thread() -> None:
    data = twelve_with_a_stranger()
    with pytest.raises(RefusedImport, match="written by someone else"):
        self_thread(data, data.posts["50"])


def test_a_reply_loop_ends() -> None:
    """A corrupt export where two posts answer each other must not hang."""
    data = export(post(1, 2), post(2, 1))
    assert sorted(p.post.id for p in self_thread(data, data.posts["1"]).posts) == ["1", "2"]


def test_candidates_list_threads_longest_first_with_first_words() -> None:
    data = export(
        *twelve_with_a_stranger().posts.values(), post(20, None), post(21, 20), post(30, None)
    )
    found = candidates(data)
    assert [(c.id, c.count) for c in found] == [("1", 12), ("20", 2)]
    assert found[0].first_words == "post 1 of the thread"


def test_find_post_by_id_or_any_spelling_of_its_url() -> None:
    data = twelve_with_a_stranger()
    assert find_post(data, "7").post.id == "7"
    assert find_post(data, "https://twitter.com/a/status/7?s=20").post.id == "7"
    with pytest.raises(RefusedImport, match="no post with that id"):
        find_post(data, "99")
