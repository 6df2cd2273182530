"""Mastodon source: the author's chain past the context caps, HTML, media, refusals, HTTP.

Fixtures (tests/fixtures/mastodon/): the ``mastodonpy_*``, ``mastodoncr_*`` and ``docs_*``
files are recorded answers copied from /work/shared/fixtures/mastodon (origins in its README);
``crafted_thread_*.json`` is a hand-made thread in the same shape, written by
``make_crafted.py``. Long threads are served by :class:`CappedServer`, which answers
``/context`` with Mastodon's logged-out caps (nearest 40 ancestors, first 60 descendants
depth-first).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from tweetorials.fetch.errors import BadResponse, FetchError, ThreadUnavailable
from tweetorials.fetch.http import PoliteClient
from tweetorials.fetch.sources.mastodon import (
    MastodonSource,
    author_chain,
    author_from_account,
    post_from_status,
    thread_from_chain,
)
from tweetorials.mastodon_html import content_to_html_and_text
from tweetorials.platforms import parse_post_url
from tweetorials.snapshot import thread_from_dict

FIXTURES = Path(__file__).parent / "fixtures" / "mastodon"
HOST = "med.example.social"
MIRROR = "http://mirror.test:8080"


def load(name: str) -> Any:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def no_context(status_id: str) -> dict[str, Any]:
    return load("mastodonpy_GET_context_empty")


def ids(statuses: list[dict[str, Any]]) -> list[str]:
    return [str(s["id"]) for s in statuses]


# -- HTML ------------------------------------------------------------------------------------


def test_invisible_and_ellipsis_spans_render_like_mastodon_shows_them() -> None:
    html, text = content_to_html_and_text(load("mastodonpy_GET_status_with_link_card")["content"])
    assert html == (
        '<p><a href="http://example.org/" rel="nofollow noopener noreferrer">'
        "<span>example.org/</span></a></p>"
    )
    assert text == "http://example.org/"
    long = (
        '<p><a href="https://example.org/a/very/long/path"><span class="invisible">https://'
        '</span><span class="ellipsis">example.org/a/very/lo</span><span class="invisible">'
        "ng/path</span></a></p>"
    )
    html, text = content_to_html_and_text(long)
    assert ">example.org/a/very/lo…</span></a>" in html
    assert 'href="https://example.org/a/very/long/path"' in html
    assert text == "https://example.org/a/very/long/path"


def test_hostile_markup_is_removed_and_structure_kept() -> None:
    html, text = content_to_html_and_text(
        '<p class="x" style="color:red" onclick="evil()">a &lt;b&gt;<br>b</p>'
        '<script>alert(1)</script><svg><circle/></svg><a href="javascript:x()">j</a>'
        "<ul><li>one</li><li>two</li></ul>"
    )
    assert (
        html
        == '<p>a &lt;b&gt;<br>b</p><a rel="nofollow noopener noreferrer">j</a><ul><li>one</li><li>two</li></ul>'
    )
    assert text == "a <b>\nb\n\nj\n\none\ntwo"


def test_quote_inline_fallback_is_dropped_only_when_the_quote_is_stored() -> None:
    content = '<p class="quote-inline">RE: <a href="https://o.example/@a/1">o.example/@a/1</a></p><p>Body</p>'
    assert content_to_html_and_text(content, drop_quote_inline=True) == ("<p>Body</p>", "Body")
    assert "RE:" in content_to_html_and_text(content)[0]


# -- recorded answers ------------------------------------------------------------------------


def test_recorded_plain_status() -> None:
    status = load("docs_GET_status_example_id1")
    thread = thread_from_chain(author_chain(status, no_context), server="mastodon.social")
    assert thread.url == "https://mastodon.social/@Gargron/1"
    assert thread.author.name == "Eugen"
    assert thread.author.handle == "Gargron@mastodon.social"
    assert thread.author.url == "https://mastodon.social/@Gargron"
    assert thread.author.avatar_url == status["account"]["avatar"]
    (post,) = thread.posts
    assert (post.id, post.created_at, post.html, post.text) == (
        "1",
        "2016-03-16T14:44:31Z",
        "<p>Hello world</p>",
        "Hello world",
    )


def test_recorded_image_without_description_has_empty_alt_and_its_size() -> None:
    post = post_from_status(load("mastodonpy_GET_status_with_image_media"), server="localhost")
    (image,) = post.media
    assert image.kind == "image" and image.alt == ""
    assert image.url.endswith("/original/c53f958efad77f4f.jpg")
    assert (image.width, image.height) == (600, 600)
    assert post.author is not None and post.author.name == "mastodonpy_test_2"  # no display name


def test_recorded_link_card() -> None:
    post = post_from_status(load("mastodonpy_GET_status_with_link_card"), server="localhost")
    assert post.card is not None
    assert (post.card.url, post.card.title, post.card.description) == (
        "http://example.org/",
        "Example Domain",
        "",
    )
    assert post.card.image is None
    assert post.author.name == "John Lennon" and post.author.handle == "mastodonpy_test@localhost"


def test_recorded_reply_to_someone_else_is_a_thread_of_its_own() -> None:
    status = load("mastodonpy_POST_status_reply_with_mention")
    chain = author_chain(status, no_context)
    assert ids(chain) == ["117020583258292382"]
    html = post_from_status(status, server="localhost").html
    assert html == (
        '<p><span><a href="http://localhost:3000/@mastodonpy_test_2" '
        'rel="nofollow noopener noreferrer">@<span>mastodonpy_test_2</span></a></span> same!</p>'
    )


def test_recorded_old_context_with_numeric_ids_and_relative_avatars() -> None:
    context = load("mastodoncr_context_ancestors_descendants_anonymized")
    ancestor = context["ancestors"][0]
    post = post_from_status(ancestor, server="example.com")
    assert post.created_at == "2017-04-27T06:34:06Z"  # naive time, UTC
    assert post.text == "@USER2 hi😀"
    assert post.author.avatar_url == "https://example.com/avatars/original/missing.png"
    assert post.author.handle == "USER1@example.com" and post.author.name == "USER1"

    # USER1's post between the recorded ancestor and descendant (ids were numbers then).
    focus = copy.deepcopy(ancestor)
    focus.update(id=4170465, in_reply_to_id=4162139, in_reply_to_account_id=48976)
    chain = author_chain(focus, lambda _: context)
    assert ids(chain) == ["4162139", "4170465", "4170681"]

    # The same post written by USER2: neither USER1 post belongs to USER2's thread.
    focus["account"] = {"id": "66622", "username": "USER2", "acct": "USER2"}
    focus["in_reply_to_account_id"] = 48976
    assert ids(author_chain(focus, lambda _: context)) == ["4170465"]


# -- crafted thread --------------------------------------------------------------------------


def crafted_chain() -> list[dict[str, Any]]:
    context = load("crafted_thread_context")
    return author_chain(load("crafted_thread_status"), lambda _: context)


def test_crafted_thread_keeps_only_the_authors_chain() -> None:
    chain = crafted_chain()
    # Not the stranger's reply, not the author's answer to it, not the later second branch.
    assert ids(chain) == [
        "110000000000000001",
        "110000000000000002",
        "110000000000000005",
        "110000000000000006",
    ]
    thread = thread_from_chain(chain, server=HOST, fetched_at="2024-05-01T00:00:00Z")
    assert thread.platform == "mastodon" and thread.source == "mastodon-api"
    assert thread.url == f"https://{HOST}/@drfoamed/110000000000000001"
    assert thread.author.handle == f"drfoamed@{HOST}"
    assert all(p.author is None for p in thread.posts)
    assert thread_from_dict(thread.to_dict()) == thread


def test_crafted_media_card_quote_and_content_warning() -> None:
    p1, p2, p3, p4 = thread_from_chain(crafted_chain(), server=HOST).posts
    assert p1.media[0].alt == "Flowchart: check K+ first, then insulin"
    assert (p1.media[0].width, p1.media[0].height) == (1600, 900)
    assert p1.text.endswith("#FOAMed")

    still, gif = p2.media
    assert still.alt == "" and still.url.endswith("/original/m2.png")
    assert gif.kind == "gif" and gif.url.endswith("/small/m3.png")
    assert gif.link.endswith("/original/m3.mp4") and gif.alt == "Animated ECG strip"
    assert "ncbi.nlm.nih.gov/books/NBK4702…</span></a>" in p2.html
    assert "https://www.ncbi.nlm.nih.gov/books/NBK470284/" in p2.text
    for bad in ("<script", "javascript:", "onerror", "<img", "class=", "target="):
        assert bad not in p2.html
    assert p2.card is not None and p2.card.title == "Hypokalemia - StatPearls"
    assert p2.card.image is not None and (p2.card.image.width, p2.card.image.height) == (400, 200)

    assert p3.html.startswith("<p>Content warning: lab values</p>")
    assert "RE:" not in p3.html
    assert p3.quote is not None and p3.quote.text == "DKA protocols differ by hospital."
    assert p3.quote.author is not None and p3.quote.author.handle == "curious@other.example"
    assert p4.text == "So: K+ first, then insulin. /end"


def test_the_earliest_of_two_self_replies_continues_the_thread() -> None:
    context = load("crafted_thread_context")
    # Swap the order the server lists them in: the choice is by time, not position.
    context["descendants"].reverse()
    chain = author_chain(load("crafted_thread_status"), lambda _: context)
    assert ids(chain)[-1] == "110000000000000006"


# -- context caps ----------------------------------------------------------------------------


class CappedServer:
    """Statuses in memory, answering /context the way Mastodon does for logged-out readers."""

    def __init__(
        self, statuses: list[dict[str, Any]], ancestors: int = 40, descendants: int = 60
    ) -> None:
        self.by_id = {s["id"]: s for s in statuses}
        self.caps = (ancestors, descendants)
        self.queries: list[str] = []

    def context(self, status_id: str) -> dict[str, Any]:
        self.queries.append(status_id)
        up = []
        parent = self.by_id[status_id]["in_reply_to_id"]
        while parent is not None and len(up) < self.caps[0]:
            up.append(self.by_id[parent])
            parent = self.by_id[parent]["in_reply_to_id"]
        down: list[dict[str, Any]] = []

        def walk(sid: str) -> None:
            for child in sorted(
                (s for s in self.by_id.values() if s["in_reply_to_id"] == sid),
                key=lambda s: int(s["id"]),
            ):
                if len(down) >= self.caps[1]:
                    return
                down.append(child)
                walk(child["id"])

        walk(status_id)
        return {"ancestors": list(reversed(up)), "descendants": down}


def long_thread(length: int, *, chatter: int = 2) -> list[dict[str, Any]]:
    """``length`` self-replies by @doc, each answered by ``chatter`` strangers."""
    author = {"id": "1", "username": "doc", "acct": "doc", "url": f"https://{HOST}/@doc"}
    other = {
        "id": "2",
        "username": "fan",
        "acct": "fan@else.example",
        "url": "https://else.example/@fan",
    }
    out = []
    parent = None
    for i in range(length):
        status = _status(str(1000 + i * 10), author, parent, f"part {i + 1}")
        status["replies_count"] = chatter + (1 if i < length - 1 else 0)
        out.append(status)
        for j in range(chatter):
            out.append(_status(str(1000 + i * 10 + 1 + j), other, status, f"nice {i}.{j}"))
        parent = status
    return out


def _status(
    sid: str, account: dict[str, Any], parent: dict[str, Any] | None, text: str
) -> dict[str, Any]:
    return {
        "id": sid,
        "created_at": f"2024-01-01T00:00:{int(sid) % 60:02d}.000Z",
        "in_reply_to_id": parent["id"] if parent else None,
        "in_reply_to_account_id": parent["account"]["id"] if parent else None,
        "account": account,
        "url": f"{account['url']}/{sid}",
        "content": f"<p>{text}</p>",
        "replies_count": 0,
        "media_attachments": [],
    }


def test_context_caps_are_walked_past_in_both_directions() -> None:
    statuses = long_thread(150)
    server = CappedServer(statuses)
    own = [s for s in statuses if s["account"]["id"] == "1"]
    focus = own[75]
    chain = author_chain(focus, server.context)
    assert ids(chain) == ids(own)
    # 1 for the focus, 1 more to reach the root (41 + 40 > 75), and one per ~20 posts down
    # (each self-post brings two strangers' replies into the 60).
    assert server.queries[0] == focus["id"]
    assert 3 <= len(server.queries) <= 8
    assert len(set(server.queries)) == len(server.queries)


def test_context_queries_are_bounded() -> None:
    statuses = long_thread(150)
    server = CappedServer(statuses)
    chain = author_chain(statuses[0], server.context, max_queries=2)
    assert len(server.queries) == 2
    assert 1 < len(chain) < 150  # cut, but what was found is returned


def test_no_extra_query_when_the_last_post_has_no_replies() -> None:
    statuses = long_thread(3)
    server = CappedServer(statuses)
    assert len(author_chain(statuses[0], server.context)) == 3
    assert server.queries == [statuses[0]["id"]]


def test_one_extra_query_when_the_reply_count_is_unknown() -> None:
    statuses = long_thread(3, chatter=0)
    for s in statuses:
        del s["replies_count"]
    server = CappedServer(statuses)
    assert len(author_chain(statuses[0], server.context)) == 3
    assert server.queries == [statuses[0]["id"], statuses[-1]["id"]]


# -- over HTTP (respx on the real PoliteClient) ----------------------------------------------


@pytest.fixture
def client() -> PoliteClient:
    with PoliteClient(sleep=lambda s: None) as c:
        yield c


REF = parse_post_url(f"https://{HOST}/@drfoamed/110000000000000002")


def test_fetch_asks_the_posts_own_server(
    client: PoliteClient, respx_mock: respx.MockRouter
) -> None:
    base = f"https://{HOST}/api/v1/statuses/110000000000000002"
    respx_mock.get(base).respond(json=load("crafted_thread_status"))
    respx_mock.get(f"{base}/context").respond(json=load("crafted_thread_context"))
    thread = MastodonSource(client).fetch(REF)
    assert len(thread.posts) == 4 and thread.fetched_at.endswith("Z")
    assert client.requests_sent == 2


def test_api_override_replaces_scheme_and_host(
    client: PoliteClient, respx_mock: respx.MockRouter
) -> None:
    base = f"{MIRROR}/api/v1/statuses/110000000000000002"
    respx_mock.get(base).respond(json=load("crafted_thread_status"))
    respx_mock.get(f"{base}/context").respond(json=load("crafted_thread_context"))
    thread = MastodonSource(client, api_override=MIRROR + "/").fetch(REF)
    # URLs in the snapshot are the real server's, whoever answered.
    assert thread.url == f"https://{HOST}/@drfoamed/110000000000000001"


def test_fetch_walks_past_the_caps_over_http(
    client: PoliteClient, respx_mock: respx.MockRouter
) -> None:
    statuses = long_thread(130)
    server = CappedServer(statuses)
    by_id = {s["id"]: s for s in statuses}

    def answer(request: httpx.Request) -> httpx.Response:
        parts = request.url.path.split("/")
        if parts[-1] == "context":
            return httpx.Response(200, json=server.context(parts[-2]))
        return httpx.Response(200, json=by_id[parts[-1]])

    respx_mock.route(host=HOST).mock(side_effect=answer)
    focus = [s for s in statuses if s["account"]["id"] == "1"][64]
    ref = parse_post_url(f"https://{HOST}/@doc/{focus['id']}")
    thread = MastodonSource(client).fetch(ref)
    assert [p.text for p in thread.posts] == [f"part {i}" for i in range(1, 131)]
    assert client.requests_sent == 1 + len(server.queries)


def test_deleted_or_private_post_is_unavailable(
    client: PoliteClient, respx_mock: respx.MockRouter
) -> None:
    respx_mock.get(f"https://{HOST}/api/v1/statuses/110000000000000002").respond(
        404, json=load("mastodonpy_GET_status_missing_404")
    )
    with pytest.raises(
        ThreadUnavailable, match=r"deleted, is not public.*HTTP 404 from med\.example\.social"
    ):
        MastodonSource(client).fetch(REF)


def test_context_gone_is_unavailable_too(
    client: PoliteClient, respx_mock: respx.MockRouter
) -> None:
    base = f"https://{HOST}/api/v1/statuses/110000000000000002"
    respx_mock.get(base).respond(json=load("crafted_thread_status"))
    respx_mock.get(f"{base}/context").respond(404, json={"error": "Record not found"})
    with pytest.raises(ThreadUnavailable):
        MastodonSource(client).fetch(REF)


def test_server_that_requires_login(client: PoliteClient, respx_mock: respx.MockRouter) -> None:
    respx_mock.get(f"https://{HOST}/api/v1/statuses/110000000000000002").respond(
        401, json={"error": "This API requires an authenticated user"}
    )
    with pytest.raises(FetchError, match=r"med\.example\.social requires login") as info:
        MastodonSource(client).fetch(REF)
    assert not isinstance(info.value, ThreadUnavailable)


def test_a_boost_is_not_a_thread(client: PoliteClient, respx_mock: respx.MockRouter) -> None:
    original = load("docs_GET_status_example_id1")
    boost = copy.deepcopy(original)
    boost.update(id="110000000000000002", content="", reblog=original)
    respx_mock.get(f"https://{HOST}/api/v1/statuses/110000000000000002").respond(json=boost)
    with pytest.raises(FetchError, match=r"boost.*https://mastodon\.social/@Gargron/1"):
        MastodonSource(client).fetch(REF)
    assert client.requests_sent == 1


def test_author_without_url_or_display_name() -> None:
    author = author_from_account({"id": "9", "username": "anon", "acct": "anon"}, server=HOST)
    assert (author.name, author.handle, author.url, author.avatar_url) == (
        "anon",
        f"anon@{HOST}",
        f"https://{HOST}/@anon",
        None,
    )


def test_a_status_without_an_account_is_a_bad_response(
    client: PoliteClient, respx_mock: respx.MockRouter
) -> None:
    status = load("crafted_thread_status")
    del status["account"]
    respx_mock.get(f"https://{HOST}/api/v1/statuses/110000000000000002").respond(json=status)
    with pytest.raises(BadResponse, match="without a usable status"):
        MastodonSource(client).fetch(REF)
