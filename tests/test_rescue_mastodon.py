"""Reading a Mastodon account export's notes (tests/fixtures/rescue/mastodon-export)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tweetorials.rescue.errors import RefusedImport
from tweetorials.rescue.export import ArchivedPost
from tweetorials.rescue.mastodon_export import export_time
from tweetorials.rescue.mastodon_notes import MastodonNotes, poll_from_question, read_notes

EXPORT = Path(__file__).parent / "fixtures" / "rescue" / "mastodon-export" / "export"
HOST = "med.example.social"
OUTBOX = (EXPORT / "outbox.json").read_bytes()
ACTOR = (EXPORT / "actor.json").read_bytes()


@pytest.fixture(scope="module")
def export() -> MastodonNotes:
    return read_notes(OUTBOX, ACTOR)


def post(export: MastodonNotes, status_id: str) -> ArchivedPost:
    return export.posts[status_id]


def test_the_author_comes_from_actor_json(export: MastodonNotes) -> None:
    assert export.author.name == "Dr Foamed"
    assert export.author.handle == f"drfoamed@{HOST}"
    assert export.author.url == f"https://{HOST}/@drfoamed"


def test_notes_are_read_and_boosts_skipped_whatever_total_items_says(
    export: MastodonNotes,
) -> None:
    assert json.loads(OUTBOX)["totalItems"] == 40
    ids = list(export.posts)
    assert ids == [str(n) for n in [*range(1001, 1013), 1050, 2001, 2002, 2003, 3001, 5001, 5002]]


def test_replies_name_the_parent_by_status_id(export: MastodonNotes) -> None:
    first, second = post(export, "1001"), post(export, "1002")
    assert first.parent_id is None and second.parent_id == "1001"
    assert second.post.url == f"https://{HOST}/@drfoamed/1002"
    assert second.post.created_at == "2023-03-14T09:02:00Z"


def test_a_reply_to_someone_else_names_their_post(export: MastodonNotes) -> None:
    assert post(export, "1050").parent_id == "https://other.example/users/student/statuses/77"


def test_public_and_unlisted_are_public_followers_only_and_direct_are_not(
    export: MastodonNotes,
) -> None:
    assert post(export, "1001").audience == "public"
    assert post(export, "1006").audience == "unlisted"  # Public in cc
    assert post(export, "1006").is_public
    assert post(export, "2002").audience == "followers"
    assert post(export, "3001").audience == "direct"
    assert all(p.by_author for p in export.posts.values())


def test_images_with_and_without_alt_text_and_their_files(export: MastodonNotes) -> None:
    with_alt = post(export, "1003")
    (image,) = with_alt.post.media
    assert image.alt == "Chart: ferritin falls before haemoglobin does."
    assert (image.width, image.height) == (800, 450)
    path = "media_attachments/files/110/000/1003/original/ferritin.png"
    assert image.url == f"https://{HOST}/system/{path}"
    assert export.files[image.url] == path
    (bare,) = post(export, "1004").post.media
    assert bare.alt == ""


def test_an_image_the_export_lacks_is_still_named(export: MastodonNotes) -> None:
    (image,) = post(export, "1005").post.media
    path = export.files[image.url]
    assert path == "media_attachments/files/110/000/1005/original/lost-chart.png"
    assert not (EXPORT / path).exists()
    assert image.alt == "A bar chart of iron studies."


def test_a_quote_of_the_authors_own_post_is_shown_and_the_re_line_dropped(
    export: MastodonNotes,
) -> None:
    quoting = post(export, "1007").post
    assert quoting.quote is not None and quoting.quote.id == "1002"
    assert quoting.quote.text.startswith("Ferritin is the best single test")
    assert "RE:" not in quoting.text and "RE:" not in quoting.html


def test_content_warning_leads_the_post(export: MastodonNotes) -> None:
    warned = post(export, "1008").post
    assert warned.text.startswith("Content warning: dosing\n\n")
    assert warned.html.startswith("<p>Content warning: dosing</p>")


def test_link_preview_and_mastodon_link_spans(export: MastodonNotes) -> None:
    linked = post(export, "1009").post
    assert linked.card is not None and linked.card.url == "https://guidelines.example.org/iron"
    assert "guidelines.example.org/iro…" in linked.html
    assert "https://guidelines.example.org/iron" in linked.text


def test_hostile_markup_is_sanitised(export: MastodonNotes) -> None:
    html = post(export, "1011").post.html
    for bad in ("<script", "javascript:", "onerror", "<img"):
        assert bad not in html


@pytest.mark.parametrize(
    ("outbox", "actor", "message"),
    [
        (b"{not json", ACTOR, "outbox.json is not valid JSON"),
        (OUTBOX, b"\xff\xfe", "actor.json is not valid JSON"),
        (b'{"type": "OrderedCollection"}', ACTOR, "no orderedItems list"),
        (b"[1, 2, 3]", ACTOR, "no orderedItems list"),
        (OUTBOX, b'{"type": "Person"}', "actor.json is not an ActivityPub actor"),
        (b"[" * 100_000 + b"]" * 100_000, ACTOR, "outbox.json"),
    ],
)
def test_broken_files_are_refused_in_one_line(outbox: bytes, actor: bytes, message: str) -> None:
    with pytest.raises(RefusedImport, match=message) as caught:
        read_notes(outbox, actor)
    assert "\n" not in str(caught.value)


def test_items_of_the_wrong_shape_are_skipped() -> None:
    outbox = {
        "type": "OrderedCollection",
        "orderedItems": [
            "junk",
            {"type": "Create", "object": "https://x.example/1"},
            {"type": "Create", "object": {"type": "Note"}},
            {
                "type": "Create",
                "object": {
                    "type": "Note",
                    "id": "https://h.example/s/9",
                    "content": 5,
                    "attachment": [{"url": 3}, "x", {"type": "Link", "href": "javascript:x"}],
                },
            },
        ],
    }
    export = read_notes(json.dumps(outbox).encode(), ACTOR)
    (only,) = export.posts.values()
    assert only.post.id == "9" and only.post.text == "" and only.post.media == []
    assert only.post.card is None
    assert only.audience == "direct"  # no audience at all: not public


@pytest.mark.parametrize(
    ("name", "saved"),
    [
        ("archive-20240115103000-0a1b2c3d4e5f.zip", "2024-01-15T10:30:00Z"),
        ("archive-20241399999999-0a1b.zip", None),  # not a time
        ("my-mastodon-backup.zip", None),
    ],
)
def test_the_export_time_comes_from_mastodons_file_name(name: str, saved: str | None) -> None:
    assert export_time(name) == saved


def test_a_quote_of_someone_else_is_their_address_marked_unavailable(
    export: MastodonNotes,
) -> None:
    quoting = post(export, "1006").post
    quote = quoting.quote
    assert quote is not None and quote.status == "unavailable" and quote.text == ""
    assert quote.url == "https://other.example/@student/60"
    assert quote.author is not None and quote.author.handle == "student@other.example"
    assert "RE:" not in quoting.text  # the quote block carries the link now


def test_a_question_becomes_a_poll_with_final_counts(export: MastodonNotes) -> None:
    poll = post(export, "1010").post.poll
    assert poll is not None
    assert [(o.label, o.votes) for o in poll.options] == [
        ("Ferritin", 41),
        ("Haemoglobin", 9),
        ("Serum iron", 7),
    ]
    assert poll.final and not poll.multiple
    assert poll.ends_at == "2023-03-15T09:10:00Z"
    assert poll.voters == 57 and poll.total == 57
    assert post(export, "1009").post.poll is None


def test_a_poll_still_open_with_several_choices_and_hidden_counts() -> None:
    question = {
        "type": "Question",
        "endTime": "2030-01-01T00:00:00Z",
        "anyOf": [
            {"name": "A", "replies": {"totalItems": None}},
            {"name": " ", "replies": {"totalItems": 3}},  # no label: not an option
            {"name": "B"},
            "junk",
        ],
    }
    poll = poll_from_question(question)
    assert poll is not None
    assert [(o.label, o.votes) for o in poll.options] == [("A", None), ("B", None)]
    assert poll.multiple and not poll.final and poll.voters is None
    assert poll_from_question({"type": "Question", "oneOf": []}) is None
