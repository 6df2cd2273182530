"""Bluesky source: facets by byte offset, the author's own chain, embeds, refusals, HTTP.

Fixtures (tests/fixtures/bluesky/):
* ``marshalx_getPostThread_recordWithMedia_images.json``: recorded from bsky.social by
  MarshalX/atproto (see /work/shared/fixtures/README);
* ``appview_thread_snap.json``: the real AppView's answers on seed data, converted from the
  Vitest snapshot ``atproto_bsky_appview_thread.test.ts.snap`` by ``convert_snap.py``;
* ``crafted_getPostThread_multi.json``: a hand-made multi-post thread, ``make_crafted.py``.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from tweetorials.bluesky_facets import facets_to_html, segments
from tweetorials.fetch.errors import BadStatus, ThreadUnavailable
from tweetorials.fetch.http import PoliteClient
from tweetorials.fetch.sources.bluesky import (
    BlueskySource,
    author_chain,
    post_from_view,
    thread_from_chain,
)
from tweetorials.platforms import parse_post_url
from tweetorials.snapshot import thread_from_dict

FIXTURES = Path(__file__).parent / "fixtures" / "bluesky"
API = "https://appview.test"
RESOLVE = f"{API}/xrpc/com.atproto.identity.resolveHandle"
THREAD = f"{API}/xrpc/app.bsky.feed.getPostThread"
AUTHOR_DID = "did:plc:foamedauthor7x2k4m"


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def snap(name: str) -> dict[str, Any]:
    return load("appview_thread_snap.json")[f"appview thread views > {name}"]["thread"]


def crafted() -> dict[str, Any]:
    return load("crafted_getPostThread_multi.json")


def facet(text: str, shown: str, feature: dict[str, Any]) -> dict[str, Any]:
    """A facet over the first ``shown`` in ``text``, with correct UTF-8 byte offsets."""
    start = len(text[: text.index(shown)].encode("utf-8"))
    end = start + len(shown.encode("utf-8"))
    return {"index": {"byteStart": start, "byteEnd": end}, "features": [feature]}


LINK = "app.bsky.richtext.facet#link"


# -- facets ----------------------------------------------------------------------------------


def test_facet_after_emoji_uses_byte_offsets() -> None:
    text = "🫀🩺 heart sounds: see example.org/murmurs now"
    facets = [facet(text, "example.org/murmurs", {"$type": LINK, "uri": "https://example.org/m"})]
    html = facets_to_html(text, facets)
    assert ">example.org/murmurs</a> now" in html
    assert 'href="https://example.org/m"' in html
    # The same numbers used as str indices would have linked the wrong characters.
    start = facets[0]["index"]["byteStart"]
    assert text[start : start + 19] != "example.org/murmurs"


def test_mention_and_tag_after_non_latin_text() -> None:
    text = "Привет 你好 @dr.bsky.social #心脏病学"
    facets = [
        facet(text, "#心脏病学", {"$type": "app.bsky.richtext.facet#tag", "tag": "心脏病学"}),
        facet(
            text,
            "@dr.bsky.social",
            {"$type": "app.bsky.richtext.facet#mention", "did": "did:plc:dr1"},
        ),
    ]
    segs = segments(text, facets)
    assert [(s.text, s.kind) for s in segs] == [
        ("Привет 你好 ", "text"),
        ("@dr.bsky.social", "mention"),
        (" ", "text"),
        ("#心脏病学", "tag"),
    ]
    assert segs[1].href == "https://bsky.app/profile/did:plc:dr1"
    assert segs[3].href == "https://bsky.app/hashtag/%E5%BF%83%E8%84%8F%E7%97%85%E5%AD%A6"


@pytest.mark.parametrize(
    ("start", "end"),
    [(1, 5), (0, 999), (-1, 3), (4, 4), (True, 4)],
    ids=["inside-an-emoji", "past-the-end", "negative", "empty", "bool"],
)
def test_unusable_facet_offsets_leave_plain_text(start: Any, end: Any) -> None:
    text = "😀 abc"
    bad = {
        "index": {"byteStart": start, "byteEnd": end},
        "features": [{"$type": LINK, "uri": "https://x.org"}],
    }
    assert [s.text for s in segments(text, [bad])] == ["😀 abc"]
    assert facets_to_html(text, [bad]) == "<p>😀 abc</p>"


def test_overlapping_facets_keep_the_first_and_unsafe_links_stay_text() -> None:
    text = "one two three"
    facets = [
        facet(text, "one two", {"$type": LINK, "uri": "https://a.org"}),
        facet(text, "two three", {"$type": LINK, "uri": "https://b.org"}),
    ]
    html = facets_to_html(text, facets)
    assert html.count("<a ") == 1 and "b.org" not in html
    evil = [facet(text, "three", {"$type": LINK, "uri": "javascript:alert(1)"})]
    assert "<a" not in facets_to_html(text, evil)


def test_text_is_escaped_and_paragraphs_kept() -> None:
    html = facets_to_html('a <img src=x onerror="1"> & b\n\nnext\nline', None)
    assert html == '<p>a &lt;img src=x onerror="1"&gt; &amp; b</p><p>next<br>line</p>'


def test_bare_urls_without_facets_still_link() -> None:
    html = facets_to_html("see https://example.org/a.", [])
    assert '<a href="https://example.org/a" rel="nofollow noopener noreferrer">' in html
    assert html.endswith("</a>.</p>")


# -- recorded answers ------------------------------------------------------------------------


def test_recorded_record_with_media_images_and_quote() -> None:
    thread = thread_from_chain(
        author_chain(load("marshalx_getPostThread_recordWithMedia_images.json")["thread"])
    )
    assert thread.url == "https://bsky.app/profile/test.marshal.dev/post/3kaheyt6vpc22"
    assert thread.author.name == "Python SDK"
    assert thread.author.handle == "test.marshal.dev"
    assert thread.author.avatar_url.startswith("https://cdn.bsky.app/img/avatar/plain/")
    (post,) = thread.posts
    assert post.created_at == "2023-09-28T12:49:36Z"
    assert post.text == "" and post.html == ""
    (image,) = post.media
    assert image.kind == "image" and image.alt == ""
    assert image.url.startswith("https://cdn.bsky.app/img/feed_fullsize/")
    assert (image.width, image.height) == (None, None)
    quote = post.quote
    assert quote is not None and quote.text == "test" and quote.html == "<p>test</p>"
    assert quote.id == "3kahesw26il2z"
    assert quote.url == "https://bsky.app/profile/test.marshal.dev/post/3kahesw26il2z"
    assert quote.author is not None and quote.author.name == "Python SDK"
    assert quote.created_at == "2023-09-28T12:46:18Z"


def test_recorded_self_reply_to_someone_else_is_not_part_of_the_thread() -> None:
    # alice: "again" <- bob: "hear that..." <- alice: "thanks bob" (the focus).
    chain = author_chain(snap("fetches ancestors 1"))
    assert [n["post"]["record"]["text"] for n in chain] == ["thanks bob"]


def test_recorded_image_alt_from_appview() -> None:
    bob = snap("fetches ancestors 1")["parent"]
    (image,) = post_from_view(bob["post"]).media
    assert image.alt == "../dev-env/assets/key-landscape-small.jpg"
    assert image.url == "https://bsky.public.url/img/feed_fullsize/plain/did:plc:user3/cids(5)"


@pytest.mark.parametrize(
    "name",
    [
        "fetches deep post thread 1",
        "fetches shallow post thread 1",
        "handles deleted posts correctly 1",
        "takedown > blocks replies by actor 1",
    ],
)
def test_recorded_replies_by_others_are_left_out(name: str) -> None:
    thread = thread_from_chain(author_chain(snap(name)))
    assert len(thread.posts) == 1
    assert thread.author.handle == "alice.test" and thread.author.name == "ali"
    assert thread.posts[0].created_at == "1970-01-01T00:00:00Z"


@pytest.mark.parametrize(
    "name", ["handles deleted posts correctly 3", "takedown > blocks ancestors by actor 1"]
)
def test_recorded_deleted_parent_stops_the_upward_walk(name: str) -> None:
    node = snap(name)
    assert node["parent"]["$type"] == "app.bsky.feed.defs#notFoundPost"
    chain = author_chain(node)
    assert [n["post"]["uri"] for n in chain] == [node["post"]["uri"]]


def test_recorded_blocked_post_at_the_top_is_unavailable() -> None:
    node = snap("listblock > doesn't apply listblock if list was taken down by private takedown 1")
    with pytest.raises(ThreadUnavailable, match="blocked"):
        author_chain(node)


def test_not_found_post_at_the_top_is_unavailable() -> None:
    node = {"$type": "app.bsky.feed.defs#notFoundPost", "uri": "at://x/y/z", "notFound": True}
    with pytest.raises(ThreadUnavailable, match="deleted"):
        author_chain(node)


# -- crafted multi-post thread ---------------------------------------------------------------


def test_chain_walks_up_to_the_root_and_down_the_authors_own_replies() -> None:
    thread = thread_from_chain(author_chain(crafted()["thread"]), fetched_at="2024-05-01T00:00:00Z")
    # Bob's reply, the author's answer to Bob and the later second branch are all left out.
    assert [p.id for p in thread.posts] == ["3kpost1", "3kpost2", "3kpost3", "3kpost4", "3kpost5"]
    assert thread.url == "https://bsky.app/profile/drfoamed.bsky.social/post/3kpost1"
    assert thread.platform == "bluesky" and thread.source == "bluesky-appview"
    assert thread.fetched_at == "2024-05-01T00:00:00Z"
    assert all(p.author is None for p in thread.posts)
    assert thread.posts[0].created_at == "2024-03-01T09:00:00Z"
    # The JSON form round-trips through the snapshot reader.
    assert thread_from_dict(thread.to_dict()) == thread


def test_crafted_facets_images_quote_card_and_video() -> None:
    p1, p2, p3, p4, p5 = thread_from_chain(author_chain(crafted()["thread"])).posts
    assert p1.html.endswith(
        '<a href="https://bsky.app/hashtag/FOAMed" rel="nofollow noopener noreferrer">#FOAMed</a></p>'
    )
    assert p1.media[0].alt == "12-lead ECG with peaked T waves"
    assert (p1.media[0].width, p1.media[0].height) == (1200, 800)

    assert re.search(
        r'href="https://www.nice.org.uk/guidance/ng203\?utm=x&amp;a=1"[^>]*>nice.org.uk/guidance/ng…</a>',
        p2.html,
    )
    assert (
        '<a href="https://bsky.app/profile/did:plc:colleague42" rel="nofollow noopener noreferrer">@colleague.bsky.social</a>!'
        in p2.html
    )
    assert "&lt;script&gt;" in p2.html and "<script" not in p2.html
    assert "Здравствуйте, 你好" in p2.text
    with_alt, without_alt = p2.media
    assert with_alt.alt.startswith("Diagram") and (with_alt.width, with_alt.height) == (4, 3)
    assert without_alt.alt == "" and without_alt.width is None

    quote = p3.quote
    assert quote is not None and quote.author is not None
    assert quote.author.handle == "carol.example.org" and quote.author.avatar_url is None
    assert quote.url == "https://bsky.app/profile/carol.example.org/post/3kcarol1"
    assert quote.media[0].alt == "Carol's chart"
    assert '<a href="https://example.org/k"' in quote.html

    assert p4.card is not None and p4.card.url == "https://example.org/review"
    assert p4.card.title == "Hyperkalaemia & the ECG" and p4.card.image is not None

    (video,) = p5.media
    assert video.kind == "video" and video.url.endswith("/thumbnail.jpg")
    assert video.link == p5.url and video.alt == "Screen recording of an ECG"
    assert (video.width, video.height) == (1920, 1080)


def test_thread_author_display_name_is_kept_as_plain_text() -> None:
    thread = thread_from_chain(author_chain(crafted()["thread"]))
    assert thread.author.name == "Dr Foamed 🩺 <b>MD</b>"  # escaped by the theme, never markup
    assert thread.author.avatar_url.endswith("bafkreiavatar@jpeg")


def test_deleted_or_blocked_self_reply_ends_the_thread() -> None:
    data = crafted()["thread"]
    p3 = data["replies"][1]
    p3["replies"] = [
        {
            "$type": "app.bsky.feed.defs#notFoundPost",
            "uri": "at://x/app.bsky.feed.post/gone",
            "notFound": True,
        },
        {
            "$type": "app.bsky.feed.defs#blockedPost",
            "uri": "at://x/app.bsky.feed.post/b",
            "blocked": True,
            "author": {"did": AUTHOR_DID},
        },
    ]
    assert [n["post"]["uri"].rsplit("/", 1)[1] for n in author_chain(data)] == [
        "3kpost1",
        "3kpost2",
        "3kpost3",
    ]


def test_blocked_parent_stops_the_upward_walk() -> None:
    data = crafted()["thread"]
    data["parent"] = {
        "$type": "app.bsky.feed.defs#blockedPost",
        "uri": "at://x/y/z",
        "blocked": True,
        "author": {"did": AUTHOR_DID},
    }
    assert author_chain(data)[0]["post"]["uri"].endswith("/3kpost2")


def test_author_who_opted_out_of_logged_out_viewing_is_refused() -> None:
    data = crafted()["thread"]
    data["post"]["author"]["labels"] = [
        {
            "src": AUTHOR_DID,
            "uri": "at://x",
            "val": "!no-unauthenticated",
            "cts": "2024-01-01T00:00:00Z",
        }
    ]
    with pytest.raises(ThreadUnavailable, match="asked not to be shown to logged-out readers"):
        author_chain(data)


def _quote_embed(record: dict[str, Any]) -> dict[str, Any]:
    return {"$type": "app.bsky.embed.record#view", "record": record}


def test_quoted_posts_that_are_gone_or_hidden_become_placeholders() -> None:
    view = copy.deepcopy(crafted()["thread"]["replies"][1]["post"])
    carol = view["embed"]["record"]
    carol["author"]["labels"] = [{"val": "!no-unauthenticated"}]
    quote = post_from_view(view).quote
    assert quote is not None and quote.status == "unavailable"
    assert quote.text == "" and quote.author is None and "Potassium" not in quote.html

    gone_uri = "at://did:plc:carolquoted11/app.bsky.feed.post/3kgone"
    view["embed"] = _quote_embed(
        {"$type": "app.bsky.embed.record#viewNotFound", "uri": gone_uri, "notFound": True}
    )
    quote = post_from_view(view).quote
    assert quote is not None and quote.status == "deleted"
    assert quote.url == "https://bsky.app/profile/did:plc:carolquoted11/post/3kgone"

    view["embed"] = _quote_embed(
        {
            "$type": "app.bsky.embed.record#viewBlocked",
            "uri": gone_uri,
            "blocked": True,
            "author": {"did": "did:plc:carolquoted11"},
        }
    )
    assert post_from_view(view).quote.status == "unavailable"


def test_record_with_media_keeps_both_the_media_and_the_quote() -> None:
    view = copy.deepcopy(crafted()["thread"]["replies"][1]["post"])
    record = view["embed"]["record"]
    view["embed"] = {
        "$type": "app.bsky.embed.recordWithMedia#view",
        "media": {
            "$type": "app.bsky.embed.images#view",
            "images": [
                {
                    "fullsize": "https://cdn.test/a.jpg",
                    "thumb": "https://cdn.test/t.jpg",
                    "alt": "A",
                }
            ],
        },
        "record": {"record": record},
    }
    post = post_from_view(view)
    assert [m.url for m in post.media] == ["https://cdn.test/a.jpg"]
    assert post.quote is not None and post.quote.author.name == "Carol"


def test_quoted_feed_generator_becomes_a_link_card() -> None:
    view = copy.deepcopy(crafted()["thread"]["post"])
    view["embed"] = _quote_embed(
        {
            "$type": "app.bsky.feed.defs#generatorView",
            "uri": "at://did:plc:feedmaker/app.bsky.feed.generator/foamed",
            "did": "did:web:feeds.example",
            "creator": {"did": "did:plc:feedmaker", "handle": "feeds.example.org"},
            "displayName": "#FOAMed feed",
            "description": "Medical education",
        }
    )
    post = post_from_view(view)
    assert post.quote is None and post.card is not None
    assert post.card.url == "https://bsky.app/profile/feeds.example.org/feed/foamed"
    assert (post.card.title, post.card.description) == ("#FOAMed feed", "Medical education")


def test_handle_invalid_falls_back_to_the_did() -> None:
    view = copy.deepcopy(crafted()["thread"]["post"])
    view["author"]["handle"] = "handle.invalid"
    post = post_from_view(view)
    assert post.url == f"https://bsky.app/profile/{AUTHOR_DID}/post/3kpost2"
    assert post.author.handle == AUTHOR_DID


# -- over HTTP (respx on the real PoliteClient) ----------------------------------------------


@pytest.fixture
def client() -> PoliteClient:
    with PoliteClient(sleep=lambda s: None) as c:
        yield c


def bsky(client: PoliteClient) -> BlueskySource:
    return BlueskySource(client, api=API + "/")


REF = parse_post_url("https://bsky.app/profile/DrFoamed.bsky.social/post/3kpost2")


def test_fetch_resolves_the_handle_then_reads_the_thread(
    client: PoliteClient, respx_mock: respx.MockRouter
) -> None:
    resolve = respx_mock.get(RESOLVE).respond(json={"did": AUTHOR_DID})
    thread = respx_mock.get(THREAD).respond(json=crafted())
    result = bsky(client).fetch(REF)
    assert resolve.calls.last.request.url.params["handle"] == "drfoamed.bsky.social"
    params = thread.calls.last.request.url.params
    assert params["uri"] == f"at://{AUTHOR_DID}/app.bsky.feed.post/3kpost2"
    assert params["depth"] == "1000" and params["parentHeight"] == "1000"
    assert [p.id for p in result.posts][0::4] == ["3kpost1", "3kpost5"]
    assert result.source == "bluesky-appview"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", result.fetched_at)
    assert client.requests_sent == 2


def test_fetch_with_a_did_in_the_url_skips_resolving(
    client: PoliteClient, respx_mock: respx.MockRouter
) -> None:
    respx_mock.get(THREAD).respond(json=crafted())
    ref = parse_post_url(f"https://bsky.app/profile/{AUTHOR_DID}/post/3kpost2")
    assert len(bsky(client).fetch(ref).posts) == 5
    assert client.requests_sent == 1


def test_fetch_of_a_deleted_post_is_thread_unavailable(
    client: PoliteClient, respx_mock: respx.MockRouter
) -> None:
    respx_mock.get(RESOLVE).respond(json={"did": AUTHOR_DID})
    respx_mock.get(THREAD).respond(
        400, json={"error": "NotFound", "message": "Post not found: at://..."}
    )
    with pytest.raises(ThreadUnavailable, match="deleted or never existed"):
        bsky(client).fetch(REF)


def test_fetch_of_an_unknown_handle_is_thread_unavailable(
    client: PoliteClient, respx_mock: respx.MockRouter
) -> None:
    respx_mock.get(RESOLVE).respond(
        400, json={"error": "InvalidRequest", "message": "Unable to resolve handle"}
    )
    with pytest.raises(
        ThreadUnavailable,
        match=r"@drfoamed.bsky.social does not lead to an account.*Unable to resolve handle",
    ):
        bsky(client).fetch(REF)


def test_other_refusals_are_reported_as_they_are(
    client: PoliteClient, respx_mock: respx.MockRouter
) -> None:
    respx_mock.get(RESOLVE).respond(json={"did": AUTHOR_DID})
    respx_mock.get(THREAD).respond(400, json={"error": "InvalidRequest", "message": "bad uri"})
    with pytest.raises(BadStatus, match="bad uri") as info:
        bsky(client).fetch(REF)
    assert not isinstance(info.value, ThreadUnavailable)


def test_a_reply_tree_cut_at_the_depth_limit_is_continued(
    client: PoliteClient, respx_mock: respx.MockRouter
) -> None:
    first = crafted()
    p4 = first["thread"]["replies"][1]["replies"][0]
    rest = copy.deepcopy(p4)
    del p4["replies"]  # the AppView stopped here although replyCount says 2
    second = {
        "thread": {
            **rest,
            "parent": {
                "$type": "app.bsky.feed.defs#threadViewPost",
                "post": first["thread"]["replies"][1]["post"],
            },
        }
    }
    uri4 = p4["post"]["uri"]
    route = respx_mock.get(THREAD)
    route.side_effect = lambda request: httpx.Response(
        200, json=second if request.url.params["uri"] == uri4 else first
    )
    ref = parse_post_url(f"https://bsky.app/profile/{AUTHOR_DID}/post/3kpost2")
    thread = bsky(client).fetch(ref)
    assert [p.id for p in thread.posts] == ["3kpost1", "3kpost2", "3kpost3", "3kpost4", "3kpost5"]
    assert [c.request.url.params["uri"].rsplit("/", 1)[1] for c in route.calls] == [
        "3kpost2",
        "3kpost4",
    ]
