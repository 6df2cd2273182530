"""Reading a Bluesky repository CAR export: the tree walk, and hostile or broken files."""

from __future__ import annotations

import io
import zipfile

import libipld
import pytest
from tweetorials.rescue.bluesky_repo import (
    MAX_TREE_DEPTH,
    RepositoryError,
    cid_text,
    read_repository,
)

from tests.car_writer import build_car, cid_for, varint

DID = "did:plc:foamedexampleaaaaaaaaaaa"
POSTS = ("app.bsky.feed.post",)


def posts(n: int) -> dict[str, dict[str, object]]:
    return {f"app.bsky.feed.post/3k{i:05d}": {"text": f"post {i}"} for i in range(n)}


def car(root: dict[str, object], blocks: list[dict[str, object]]) -> bytes:
    """A CAR whose root is ``root``; ``blocks`` are stored as they are."""
    out = []
    for block in [root, *blocks]:
        data = libipld.encode_dag_cbor(block)
        out.append((cid_for(data), data))
    header = libipld.encode_dag_cbor({"version": 1, "roots": [out[0][0]]})
    body = b"".join(varint(len(c) + len(d)) + c + d for c, d in out)
    return varint(len(header)) + header + body


def cid(block: dict[str, object]) -> bytes:
    return cid_for(libipld.encode_dag_cbor(block))


def test_every_record_of_a_deep_tree_is_read_in_key_order() -> None:
    records = {**posts(400), "app.bsky.feed.like/3k1": {"subject": "x"}}
    repo = read_repository(build_car(DID, records), POSTS)
    assert repo.did == DID and repo.version == 3
    assert list(repo.records) == sorted(k for k in records if k.startswith("app.bsky.feed.post/"))
    assert repo.records["app.bsky.feed.post/3k00123"] == {"text": "post 123"}
    assert repo.missing == 0


def test_a_version_2_commit_is_read() -> None:
    repo = read_repository(build_car(DID, posts(3), version=2), POSTS)
    assert repo.version == 2 and len(repo.records) == 3


def test_keys_are_rebuilt_from_the_shared_prefix_and_the_rest() -> None:
    record = {"text": "hi"}
    leaf = {
        "l": None,
        "e": [
            {"p": 0, "k": b"app.bsky.feed.post/3kaaa", "v": cid(record), "t": None},
            {"p": 21, "k": b"bbb", "v": cid(record), "t": None},
        ],
    }
    commit = {"did": DID, "version": 3, "data": cid(leaf), "rev": "x", "prev": None}
    repo = read_repository(car(commit, [leaf, record]), POSTS)
    assert list(repo.records) == ["app.bsky.feed.post/3kaaa", "app.bsky.feed.post/3kbbb"]


def test_a_record_missing_from_a_partial_export_is_counted_not_fatal() -> None:
    repo = read_repository(build_car(DID, posts(5), drop={"app.bsky.feed.post/3k00002"}), POSTS)
    assert len(repo.records) == 4 and repo.missing == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "not a readable CAR file"),
        (b'{"did": "did:plc:x"}', "not a readable CAR file"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "not a readable CAR file"),
    ],
)
def test_files_of_the_wrong_kind_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(RepositoryError, match=message):
        read_repository(data, POSTS)


def test_a_zip_is_not_a_car() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("outbox.json", "{}")
    with pytest.raises(RepositoryError, match="not a readable CAR file"):
        read_repository(buffer.getvalue(), POSTS)


def test_a_truncated_block_is_refused() -> None:
    data = build_car(DID, posts(5))
    with pytest.raises(RepositoryError, match="not a readable CAR file"):
        read_repository(data[:-7], POSTS)


def test_a_block_that_is_not_dag_cbor_is_refused() -> None:
    bad = (cid_for(b"\xff\xff"), b"\xff\xff")
    with pytest.raises(RepositoryError, match="not a readable CAR file"):
        read_repository(build_car(DID, posts(2), extra_blocks=[bad]), POSTS)


def test_a_root_that_is_not_a_commit_is_refused() -> None:
    with pytest.raises(RepositoryError, match="not a repository commit"):
        read_repository(car({"text": "a post, not a commit"}, []), POSTS)


def test_an_unknown_commit_version_is_refused() -> None:
    leaf = {"l": None, "e": []}
    commit = {"did": DID, "version": 9, "data": cid(leaf)}
    with pytest.raises(RepositoryError, match="version 9 is not supported"):
        read_repository(car(commit, [leaf]), POSTS)


def test_a_missing_tree_node_is_refused() -> None:
    commit = {"did": DID, "version": 3, "data": cid({"l": None, "e": []})}
    with pytest.raises(RepositoryError, match="tree node is missing"):
        read_repository(car(commit, []), POSTS)


def test_a_tree_that_loops_is_refused() -> None:
    # Content addressing makes a real loop impossible, but a hostile file can store a block
    # under a CID that is not its hash: here a node whose left link is its own address.
    record = {"text": "x"}
    node_cid = cid_for(b"placeholder")
    node = {
        "l": node_cid,
        "e": [{"p": 0, "k": b"app.bsky.feed.post/a", "v": cid(record), "t": None}],
    }
    data = libipld.encode_dag_cbor(node)
    commit = {"did": DID, "version": 3, "data": node_cid, "rev": "x", "prev": None}
    commit_data = libipld.encode_dag_cbor(commit)
    header = libipld.encode_dag_cbor({"version": 1, "roots": [cid_for(commit_data)]})
    blocks = [(cid_for(commit_data), commit_data), (node_cid, data)]
    body = b"".join(varint(len(c) + len(d)) + c + d for c, d in blocks)
    with pytest.raises(RepositoryError, match="loops back"):
        read_repository(varint(len(header)) + header + body, POSTS)


def test_an_absurdly_deep_tree_is_refused() -> None:
    blocks: list[dict[str, object]] = []
    child: bytes | None = None
    for _ in range(MAX_TREE_DEPTH + 2):
        node = {"l": child, "e": []}
        blocks.append(node)
        child = cid(node)
    commit = {"did": DID, "version": 3, "data": child}
    with pytest.raises(RepositoryError, match="deeper than"):
        read_repository(car(commit, blocks), POSTS)


@pytest.mark.parametrize(
    "entry",
    [
        {"p": 99, "k": b"x", "v": b"\x01q\x12 " + b"\x00" * 32, "t": None},  # prefix too long
        {"p": 0, "k": "text, not bytes", "v": b"\x01q\x12 " + b"\x00" * 32, "t": None},
        {"p": -1, "k": b"x", "v": b"\x01q\x12 " + b"\x00" * 32, "t": None},
        {"p": 0, "k": b"\xff\xfe", "v": b"\x01q\x12 " + b"\x00" * 32, "t": None},
    ],
)
def test_malformed_tree_entries_are_refused(entry: dict[str, object]) -> None:
    leaf = {"l": None, "e": [entry]}
    commit = {"did": DID, "version": 3, "data": cid(leaf)}
    with pytest.raises(RepositoryError, match=r"record key|tree entry"):
        read_repository(car(commit, [leaf]), POSTS)


def test_keys_out_of_order_are_refused() -> None:
    record = {"text": "x"}
    leaf = {
        "l": None,
        "e": [
            {"p": 0, "k": b"app.bsky.feed.post/b", "v": cid(record), "t": None},
            {"p": 0, "k": b"app.bsky.feed.post/a", "v": cid(record), "t": None},
        ],
    }
    commit = {"did": DID, "version": 3, "data": cid(leaf)}
    with pytest.raises(RepositoryError, match="out of order"):
        read_repository(car(commit, [leaf, record]), POSTS)


def test_cid_text_reads_links_and_refuses_junk() -> None:
    raw = cid_for(b"hello", 0x55)
    assert cid_text(raw) == libipld.encode_cid(raw)
    assert cid_text(libipld.encode_cid(raw)) == libipld.encode_cid(raw)
    assert cid_text(b"not a cid") is None
    assert cid_text("../../etc/passwd") is None
    assert cid_text(None) is None
