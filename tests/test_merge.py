"""The merge policy: a re-fetch may add and improve the archive, never take content away."""

from __future__ import annotations

import copy

from tweetorials.snapshot import Author, LinkCard, LocalImage, Media, Post, Rendition, Thread
from tweetorials.snapshot.merge import merge, same_content

BEFORE = "2024-01-01T00:00:00Z"
NOW = "2024-06-01T12:00:00Z"

AUTHOR = Author(name="Dr Ada", handle="ada", url="https://x.com/ada", avatar_url="https://a/1.jpg")


def local(name: str = "abc") -> LocalImage:
    return LocalImage(
        sha256=name * 4,
        width=1200,
        height=800,
        original=f"media/{name}.jpg",
        renditions=[
            Rendition(width=960, height=640, webp=f"media/{name}-960.webp", fallback="f.jpg")
        ],
    )


def post(pid: str, text: str | None = None, **kwargs) -> Post:
    text = f"Post {pid}" if text is None else text
    return Post(
        id=pid,
        url=f"https://x.com/ada/status/{pid}",
        created_at=f"2024-01-01T00:0{pid[-1]}:00Z",
        text=text,
        html=f"<p>{text}</p>",
        **kwargs,
    )


def thread(*posts: Post, fetched_at: str | None = None, **kwargs) -> Thread:
    return Thread(
        platform="x",
        url=posts[0].url,
        author=copy.deepcopy(AUTHOR),
        posts=list(posts),
        fetched_at=fetched_at,
        source="fxtwitter",
        **kwargs,
    )


def archived(*posts: Post) -> Thread:
    """An archived thread as a previous fetch left it: every post seen then."""
    for p in posts:
        p.last_seen = p.last_seen or BEFORE
    return thread(*posts, fetched_at=BEFORE)


def ids(t: Thread) -> list[str]:
    return [p.id for p in t.posts]


# -- first fetch -----------------------------------------------------------------------------


def test_first_fetch_stamps_every_post_as_seen_now() -> None:
    new = thread(post("1"), post("2"))
    merged = merge(None, new, NOW)
    assert merged.fetched_at == NOW
    assert [p.last_seen for p in merged.posts] == [NOW, NOW]
    assert new.posts[0].last_seen is None  # the input is not modified


def test_a_tombstone_in_a_first_fetch_is_not_stamped_as_seen() -> None:
    gone = post("2", text="")
    gone.status = "unavailable"
    merged = merge(None, thread(post("1"), gone), NOW)
    assert [p.last_seen for p in merged.posts] == [NOW, None]


# -- posts that vanished ---------------------------------------------------------------------


def test_missing_post_keeps_its_text_and_place_and_is_marked_deleted() -> None:
    old = archived(
        post("1"), post("2", media=[Media(kind="image", url="https://m/2.jpg", alt="x")]), post("3")
    )
    new = thread(post("1"), post("3"))
    merged = merge(old, new, NOW)
    assert ids(merged) == ["1", "2", "3"]
    middle = merged.posts[1]
    assert middle.status == "deleted"
    assert middle.text == "Post 2" and middle.html == "<p>Post 2</p>"
    assert middle.media[0].alt == "x"
    assert middle.last_seen == BEFORE
    assert [merged.posts[0].last_seen, merged.posts[2].last_seen] == [NOW, NOW]


def test_missing_first_and_last_posts_stay_first_and_last() -> None:
    old = archived(post("1"), post("2"), post("3"), post("4"))
    merged = merge(old, thread(post("2"), post("3")), NOW)
    assert ids(merged) == ["1", "2", "3", "4"]
    assert [p.status for p in merged.posts] == ["deleted", "ok", "ok", "deleted"]


def test_consecutive_missing_posts_keep_their_order() -> None:
    old = archived(post("1"), post("2"), post("3"), post("4"), post("5"))
    merged = merge(old, thread(post("1"), post("5")), NOW)
    assert ids(merged) == ["1", "2", "3", "4", "5"]


def test_new_posts_follow_the_new_order_and_missing_ones_slot_in() -> None:
    old = archived(post("1"), post("2"), post("3"))
    merged = merge(old, thread(post("1"), post("3"), post("4"), post("5")), NOW)
    assert ids(merged) == ["1", "2", "3", "4", "5"]
    assert merged.posts[3].last_seen == NOW


def test_already_marked_post_keeps_its_status_and_last_seen() -> None:
    gone = post("2")
    gone.status = "unavailable"
    gone.last_seen = "2023-05-05T00:00:00Z"
    old = archived(post("1"), gone)
    merged = merge(old, thread(post("1")), NOW)
    assert merged.posts[1].status == "unavailable"
    assert merged.posts[1].last_seen == "2023-05-05T00:00:00Z"


def test_missing_post_without_last_seen_takes_the_archive_fetch_time() -> None:
    old = thread(post("1"), post("2"), fetched_at="2023-02-02T00:00:00Z")  # an older snapshot
    merged = merge(old, thread(post("1")), NOW)
    assert merged.posts[1].last_seen == "2023-02-02T00:00:00Z"


def test_tombstoned_post_in_the_fetch_keeps_the_archived_content() -> None:
    tomb = post("2", text="")
    tomb.status = "unavailable"
    old = archived(post("1"), post("2", text="The real teaching point"))
    merged = merge(old, thread(post("1"), tomb), NOW)
    assert merged.posts[1].text == "The real teaching point"
    assert merged.posts[1].status == "unavailable"
    assert merged.posts[1].last_seen == BEFORE


def test_a_post_that_comes_back_is_ok_again() -> None:
    gone = post("2")
    gone.status = "deleted"
    old = archived(post("1"), gone)
    merged = merge(old, thread(post("1"), post("2")), NOW)
    assert merged.posts[1].status == "ok"
    assert merged.posts[1].last_seen == NOW


# -- text ------------------------------------------------------------------------------------


def test_truncated_text_never_replaces_full_text() -> None:
    old = archived(post("1", text="A long post with the whole teaching point in it"))
    cut = post("1", text="A long post with the…", truncated=True)
    merged = merge(old, thread(cut), NOW)
    assert merged.posts[0].text == "A long post with the whole teaching point in it"
    assert merged.posts[0].html == "<p>A long post with the whole teaching point in it</p>"
    assert merged.posts[0].truncated is False


def test_full_text_replaces_truncated_text() -> None:
    old = archived(post("1", text="Cut…", truncated=True))
    merged = merge(old, thread(post("1", text="The whole thing")), NOW)
    assert merged.posts[0].text == "The whole thing"
    assert merged.posts[0].truncated is False


def test_empty_text_never_replaces_text() -> None:
    old = archived(post("1", text="Something to learn"))
    merged = merge(old, thread(post("1", text="")), NOW)
    assert merged.posts[0].text == "Something to learn"


def test_changed_text_is_taken() -> None:
    # An edit (Mastodon allows them) is new content, not worse content.
    old = archived(post("1", text="Typo in dose: 10 g"))
    merged = merge(old, thread(post("1", text="Corrected dose: 10 mg")), NOW)
    assert merged.posts[0].text == "Corrected dose: 10 mg"


# -- media -----------------------------------------------------------------------------------


def test_processed_media_keeps_local_files_while_the_url_is_unchanged() -> None:
    done = Media(
        kind="image", url="https://m/a.jpg", alt="ECG", width=1200, height=800, local=local()
    )
    old = archived(post("1", media=[done]))
    merged = merge(
        old, thread(post("1", media=[Media(kind="image", url="https://m/a.jpg", alt="ECG")])), NOW
    )
    got = merged.posts[0].media[0]
    assert got.local == local()
    assert (got.width, got.height) == (1200, 800)


def test_changed_media_url_drops_the_old_local_files() -> None:
    old = archived(post("1", media=[Media(kind="image", url="https://m/a.jpg", local=local())]))
    merged = merge(old, thread(post("1", media=[Media(kind="image", url="https://m/b.jpg")])), NOW)
    assert merged.posts[0].media[0].local is None
    assert merged.posts[0].media[0].url == "https://m/b.jpg"


def test_alt_text_is_never_downgraded_to_empty() -> None:
    old = archived(
        post(
            "1",
            media=[Media(kind="image", url="https://m/a.jpg", alt="Chest X-ray, left lower lobe")],
        )
    )
    merged = merge(
        old, thread(post("1", media=[Media(kind="image", url="https://m/a.jpg", alt="")])), NOW
    )
    assert merged.posts[0].media[0].alt == "Chest X-ray, left lower lobe"


def test_new_alt_text_replaces_old() -> None:
    old = archived(post("1", media=[Media(kind="image", url="https://m/a.jpg", alt="")]))
    merged = merge(
        old,
        thread(post("1", media=[Media(kind="image", url="https://m/a.jpg", alt="Now described")])),
        NOW,
    )
    assert merged.posts[0].media[0].alt == "Now described"


def test_media_that_disappeared_from_the_answer_is_kept() -> None:
    pics = [
        Media(kind="image", url="https://m/a.jpg", alt="one"),
        Media(kind="image", url="https://m/b.jpg"),
    ]
    old = archived(post("1", media=pics))
    merged = merge(old, thread(post("1")), NOW)
    assert [m.url for m in merged.posts[0].media] == ["https://m/a.jpg", "https://m/b.jpg"]


def test_previous_pipeline_error_is_kept_until_the_pipeline_tries_again() -> None:
    old = archived(post("1", media=[Media(kind="image", url="https://m/a.jpg", error="HTTP 404")]))
    merged = merge(old, thread(post("1", media=[Media(kind="image", url="https://m/a.jpg")])), NOW)
    assert merged.posts[0].media[0].error == "HTTP 404"


# -- quotes, cards, authors ------------------------------------------------------------------


def quoted(text: str = "Quoted teaching", **kwargs) -> Post:
    q = post("9", text=text, **kwargs)
    q.author = Author(name="Other", handle="other", url="https://x.com/other")
    return q


def test_a_quote_that_disappeared_is_kept() -> None:
    old = archived(post("1", quote=quoted()))
    merged = merge(old, thread(post("1")), NOW)
    assert merged.posts[0].quote is not None
    assert merged.posts[0].quote.text == "Quoted teaching"


def test_a_tombstoned_quote_keeps_the_archived_quote() -> None:
    tomb = quoted(text="")
    tomb.status = "unavailable"
    old = archived(post("1", quote=quoted()))
    merged = merge(old, thread(post("1", quote=tomb)), NOW)
    assert merged.posts[0].quote is not None
    assert merged.posts[0].quote.text == "Quoted teaching"
    assert merged.posts[0].quote.status == "unavailable"


def test_quote_media_keeps_its_local_files() -> None:
    done = Media(kind="image", url="https://m/q.jpg", alt="graph", local=local("q"))
    old = archived(post("1", quote=quoted(media=[done])))
    fresh_quote = quoted(media=[Media(kind="image", url="https://m/q.jpg", alt="")])
    merged = merge(old, thread(post("1", quote=fresh_quote)), NOW)
    got = merged.posts[0].quote.media[0]
    assert got.local == local("q") and got.alt == "graph"


def test_link_card_is_kept_and_improved_never_emptied() -> None:
    card = LinkCard(
        url="https://journal.test/a",
        title="Trial",
        description="RCT of X",
        image=Media(kind="image", url="https://m/c.jpg", local=local("c")),
    )
    old = archived(post("1", card=card), post("2", card=copy.deepcopy(card)))
    bare = LinkCard(
        url="https://journal.test/a",
        title="Trial (updated)",
        image=Media(kind="image", url="https://m/c.jpg"),
    )
    merged = merge(old, thread(post("1"), post("2", card=bare)), NOW)
    assert merged.posts[0].card == card
    second = merged.posts[1].card
    assert second is not None
    assert second.title == "Trial (updated)"
    assert second.description == "RCT of X"
    assert second.image is not None and second.image.local == local("c")


def test_author_avatar_kept_while_url_unchanged_and_new_name_taken() -> None:
    old = archived(post("1"))
    old.author.avatar = local("av")
    new = thread(post("1"))
    new.author.name = "Dr Ada Lovelace"
    merged = merge(old, new, NOW)
    assert merged.author.name == "Dr Ada Lovelace"
    assert merged.author.avatar == local("av")
    new.author.avatar_url = "https://a/2.jpg"
    assert merge(old, new, NOW).author.avatar is None


# -- the whole thread ------------------------------------------------------------------------


def test_inputs_are_never_modified() -> None:
    old = archived(post("1", text="Full"), post("2"))
    new = thread(post("1", text="Cut…", truncated=True))
    old_before, new_before = copy.deepcopy(old), copy.deepcopy(new)
    merge(old, new, NOW)
    assert old == old_before and new == new_before


def test_merge_of_a_smaller_fetch_loses_nothing() -> None:
    """Every piece of archived text survives, whatever the fetch forgot."""
    old = archived(
        post(
            "1",
            text="Intro",
            media=[Media(kind="image", url="https://m/1.jpg", alt="Fig 1", local=local())],
        ),
        post("2", text="Middle", quote=quoted()),
        post("3", text="End, long version"),
    )
    new = thread(post("1", text="Intro"), post("3", text="End, lo…", truncated=True))
    merged = merge(old, new, NOW)
    texts = [p.text for p in merged.posts]
    assert texts == ["Intro", "Middle", "End, long version"]
    assert merged.posts[0].media[0].local == local()
    assert merged.posts[1].quote is not None
    assert merged.fetched_at == NOW


def test_same_content_ignores_fetch_times_only() -> None:
    old = archived(post("1"), post("2"))
    merged = merge(old, thread(post("1"), post("2")), NOW)
    assert merged != old
    assert same_content(old, merged)
    changed = merge(old, thread(post("1"), post("2", text="edited")), NOW)
    assert not same_content(old, changed)
    shrunk = merge(old, thread(post("1")), NOW)
    assert not same_content(old, shrunk)  # post 2 is now marked deleted
