"""A thread's posts after release_posts: what the page reads of them, without the posts."""

from __future__ import annotations

from tweetorials.render.view import PostView, ReleasedPosts, ThreadView
from tweetorials.snapshot import Post
from tweetorials.snapshot.model import CommunityNote


def _view(posts: ReleasedPosts) -> ThreadView:
    view = ThreadView.__new__(ThreadView)  # only .posts is read below
    view.posts = posts
    return view


def _kept(number: int, status: str = "ok", noted: bool = False) -> PostView:
    note = CommunityNote(text="n", html="<p>n</p>") if noted else None
    post = Post(id="", url="", created_at=None, text="", html="", status=status)
    post.community_note = note
    return PostView(post=post, number=number, media=[])


def test_iterating_gives_what_indexing_gives_and_makes_no_new_posts() -> None:
    statuses = ("ok", "deleted", "ok", "unavailable", "ok")
    kept = {0: _kept(1), 2: _kept(3, noted=True)}
    posts = ReleasedPosts(statuses, kept)
    listed = list(posts)
    assert listed == [posts[i] for i in range(len(posts))]
    assert [p.number for p in listed] == [1, 2, 3, 4, 5]
    assert [p.post.status for p in listed] == list(statuses)
    assert listed[0] is kept[0] and listed[2] is kept[2]
    assert all(a is b for a, b in zip(listed, posts, strict=True))  # stand-ins are shared
    view = _view(posts)
    assert view.missing_posts == 2
    assert [p.number for p in view.noted_posts] == [3]


def test_indexing_outside_the_posts_raises_as_a_list_does() -> None:
    posts = ReleasedPosts(("ok", "deleted", "ok"), {0: _kept(1)})
    assert posts[-1].number == 3 and posts[-3] is posts[0]
    for index in (3, -4):
        try:
            posts[index]
        except IndexError:
            continue
        raise AssertionError(f"posts[{index}] did not raise IndexError")
