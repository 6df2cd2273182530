"""Reading a Bluesky repository export's posts (tests/fixtures/rescue/bluesky-export)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from tweetorials.rescue.archive import open_source
from tweetorials.rescue.bluesky_export import BlueskyRepo, tid_time
from tweetorials.rescue.bluesky_posts import entities_to_facets, post_from_record
from tweetorials.rescue.errors import RefusedImport
from tweetorials.rescue.export import ArchivedPost, Export

from tests.car_writer import blob_cid, blob_folder, build_car, car_from_description, tid

FIXTURES = Path(__file__).parent / "fixtures" / "rescue" / "bluesky-export"
DID = "did:plc:foamedexampleaaaaaaaaaaa"
STUDENT = "did:plc:studentexampleaaaaaaaaaa"


def read_car(data: bytes, folder: Path, blobs: Path | None = None) -> Export:
    path = folder / "repo.car"
    path.write_bytes(data)
    with open_source(path) as files:
        return BlueskyRepo(blobs).read(files)


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Export:
    data = car_from_description(FIXTURES / "records.json", FIXTURES / "images")
    return read_car(data, tmp_path_factory.mktemp("car"))


def by_text(export: Export, start: str) -> ArchivedPost:
    return next(p for p in export.posts.values() if p.post.text.startswith(start))


def test_the_author_is_the_did_with_the_profile_display_name(export: Export) -> None:
    assert (export.kind, export.platform) == ("bluesky-repo", "bluesky")
    assert export.author.name == "Dr Foamed"
    assert export.author.handle == DID
    assert export.author.url == f"https://bsky.app/profile/{DID}"


def test_every_post_record_is_read_and_nothing_else(export: Export) -> None:
    assert len(export.posts) == 14  # 12 thread posts, the reply to a student, one single post
    assert all(p.is_public and p.by_author for p in export.posts.values())
    assert list(export.posts) == sorted(export.posts)  # rkeys are TIDs: oldest first


def test_the_export_time_is_the_commits_rev(export: Export) -> None:
    assert export.saved == "2024-12-01T12:00:00Z"  # EXPORTED, written as a TID
    moment = datetime(2025, 2, 3, 4, 5, 6, 789000, tzinfo=UTC)
    assert tid_time(tid(moment, clock=1023)) == "2025-02-03T04:05:06Z"
    assert tid_time("not a tid") is None and tid_time(None) is None
    assert tid_time("zzzzzzzzzzzzz") is None  # the top bit of a TID is 0


def test_replies_link_to_the_authors_own_parent_by_rkey(export: Export) -> None:
    first = by_text(export, "🧵")
    second = by_text(export, "The trial")
    assert first.parent_id is None
    assert second.parent_id == first.post.id
    assert first.post.url == f"https://bsky.app/profile/{DID}/post/{first.post.id}"
    assert first.post.created_at == "2024-11-20T08:01:00Z"


def test_a_reply_to_someone_else_names_their_post(export: Export) -> None:
    aside = by_text(export, "Good point")
    assert aside.parent_id == f"at://{STUDENT}/app.bsky.feed.post/3kstudentreply"


def test_facets_use_byte_offsets_after_an_emoji(export: Export) -> None:
    html = by_text(export, "🧵").post.html
    assert '<a href="https://bsky.app/hashtag/FOAMed"' in html
    assert ">#FOAMed</a>" in html


def test_a_mention_links_to_the_profile_by_did(export: Export) -> None:
    html = by_text(export, "Thanks to").post.html
    assert f'href="https://bsky.app/profile/{STUDENT}"' in html
    assert ">@colleague.example.com</a>" in html


def test_images_keep_alt_text_size_and_blob(export: Export) -> None:
    post = by_text(export, "Two pictures")
    first, second = post.post.media
    assert first.alt == "Flowchart: 30 ml/kg, then reassess."
    assert (first.width, first.height) == (800, 500)
    assert second.alt == ""
    protocol = blob_cid((FIXTURES / "images" / "protocol.png").read_bytes())
    assert first.url == f"https://cdn.bsky.app/img/feed_fullsize/plain/{DID}/{protocol}@jpeg"
    assert export.media == {}  # no blob folder: every picture is "not archived"


def test_pictures_come_from_the_blob_folder_when_there_is_one(tmp_path: Path) -> None:
    data = car_from_description(FIXTURES / "records.json", FIXTURES / "images")
    blobs = blob_folder(FIXTURES / "images", tmp_path / "blobs")
    (tmp_path / "blobs" / (blob_cid(b"unrelated") + ".jpg")).write_bytes(b"unrelated")
    export = read_car(data, tmp_path, blobs)
    post = by_text(export, "Two pictures").post
    first = post.media[0]
    assert export.media[first.url]() == (FIXTURES / "images" / "protocol.png").read_bytes()
    lost = by_text(export, "This diagram").post.media[0]
    assert lost.url not in export.media  # the blob the folder lacks
    assert len(export.media) == 4  # protocol, scribble, annotated, the profile picture
    assert export.author.avatar_url in export.media


def test_a_quote_of_the_authors_own_post_is_shown_in_full(export: Export) -> None:
    post = by_text(export, "As I said").post
    second = by_text(export, "The trial").post
    assert post.quote is not None
    assert post.quote.id == second.id
    assert post.quote.text == second.text
    assert post.quote.author is None  # the thread's author
    assert post.quote.status == "ok"


def test_a_quote_of_someone_else_is_a_link_marked_unavailable(export: Export) -> None:
    post = by_text(export, "A colleague")
    quote = post.post.quote
    assert quote is not None
    assert quote.status == "unavailable" and quote.text == ""
    assert quote.url == f"https://bsky.app/profile/{STUDENT}/post/3kstudentpost2"
    assert quote.author is not None and quote.author.handle == STUDENT
    assert [m.alt for m in post.post.media] == ["The figure with my notes in red."]


def test_a_link_card_keeps_its_words(export: Export) -> None:
    post = by_text(export, "Read the guideline")
    card = post.post.card
    assert card is not None and card.url == "https://guidelines.example.org/sepsis"
    assert card.title == "Sepsis guideline summary"
    assert card.description == "Fluids, antibiotics and source control."
    assert card.image is None  # pages show no card pictures; an import names none


def test_an_old_repository_with_entities_and_legacy_blobs(tmp_path: Path) -> None:
    data = car_from_description(FIXTURES / "records-v2.json", FIXTURES / "images")
    export = read_car(data, tmp_path)
    first, second = export.posts.values()
    assert export.author.name == DID  # no profile record: the DID stands in
    assert '<a href="https://old.example.org/a"' in first.post.html
    assert ">https://old.example.org/a</a>" in first.post.html
    assert f'<a href="https://bsky.app/profile/{STUDENT}"' in first.post.html
    assert ">@student.bsky.social</a>" in first.post.html
    assert second.parent_id == first.post.id
    assert second.post.media[0].alt == "An old chart."
    protocol = blob_cid((FIXTURES / "images" / "protocol.png").read_bytes())
    assert second.post.media[0].url.endswith(f"/{protocol}@jpeg")
    assert export.saved  # no rev in a version 2 commit: the file's time stands in


def test_entities_with_offsets_outside_the_text_are_dropped() -> None:
    text = "😀 https://a.example"
    good = {"index": {"start": 3, "end": 20}, "type": "link", "value": "https://a.example"}
    facets = entities_to_facets(
        text,
        [
            good,
            {"index": {"start": 1, "end": 5}, "type": "link", "value": "x"},  # inside the emoji
            {"index": {"start": 3, "end": 99}, "type": "link", "value": "x"},
            {"index": {"start": True, "end": 5}, "type": "link", "value": "x"},
            {"index": {"start": 3, "end": 20}, "type": "hashtag", "value": "x"},
            "junk",
        ],
    )
    assert facets == [
        {
            "index": {"byteStart": 5, "byteEnd": 22},
            "features": [{"$type": "app.bsky.richtext.facet#link", "uri": "https://a.example"}],
        }
    ]


def test_hostile_record_fields_do_not_break_the_post() -> None:
    record = {
        "text": "<script>alert(1)</script> see",
        "createdAt": "yesterday",
        "facets": [
            {
                "index": {"byteStart": 0, "byteEnd": 4},
                "features": [
                    {"$type": "app.bsky.richtext.facet#link", "uri": "javascript:alert(1)"}
                ],
            }
        ],
        "embed": {
            "$type": "app.bsky.embed.images",
            "images": [{"image": {"ref": "../../x"}}, "junk"],
        },
        "reply": {"parent": {"uri": 5}},
    }
    blobs: dict[str, str] = {}
    post = post_from_record(DID, "3kx", record, {}, blobs)
    assert "<script" not in post.post.html and "javascript:" not in post.post.html
    assert post.post.created_at is None
    assert post.post.media == [] and blobs == {}
    assert post.parent_id is None


def test_an_author_who_opted_out_of_logged_out_viewing_is_refused(tmp_path: Path) -> None:
    profile = {
        "$type": "app.bsky.actor.profile",
        "labels": {
            "$type": "com.atproto.label.defs#selfLabels",
            "values": [{"val": "!no-unauthenticated"}],
        },
    }
    data = build_car(
        DID, {"app.bsky.actor.profile/self": profile, "app.bsky.feed.post/3k": {"text": "x"}}
    )
    with pytest.raises(RefusedImport, match="asked not to be shown to logged-out readers"):
        read_car(data, tmp_path)
