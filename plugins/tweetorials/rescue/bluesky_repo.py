"""A Bluesky repository export (the ``.car`` of ``com.atproto.sync.getRepo``) -> its records.

The file is a CAR v1: a DAG-CBOR header naming one root, then blocks keyed by CID. The root is
the signed commit (``{did, version, data, ...}``); ``data`` points at the root of a Merkle
Search Tree whose leaves are the records, keyed ``collection/rkey``
(``app.bsky.feed.post/3k2a...``). Each tree node is ``{l, e}``: ``l`` the subtree of keys
before the first entry, ``e`` the entries in key order, each ``{p, k, v, t}`` where ``v``
points at the record, ``t`` at the subtree of keys after this entry, and the key is written
compressed: ``p`` characters shared with the previous entry's key in the same node, then
``k``, the rest. Commit version 3 is today's format; version 2 (accounts from 2023) has the
same commit and tree shape and may also carry ``prev`` history, which we do not need.

Decoding is libipld's (the atproto SDK's Rust CAR and DAG-CBOR codec): a CID link comes back
as the CID's raw bytes. Everything else here is walking the tree with the care hostile input
needs: a loop between nodes, absurd depth, a key that does not grow from its neighbour, a node
or record of the wrong shape, or a missing tree node is refused with one line; a record block
the CAR names but does not hold (a partial export) is counted, not fatal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import libipld

__all__ = ["MAX_TREE_DEPTH", "Repository", "RepositoryError", "cid_text", "read_repository"]

#: A repository of millions of records is about 12 levels deep (fanout 4); far more is a loop
#: or a tree built to exhaust the stack.
MAX_TREE_DEPTH = 64

#: Commit versions whose tree we read (see the module docstring).
KNOWN_VERSIONS = (2, 3)


class RepositoryError(ValueError):
    """The file is not a Bluesky repository export we can read; the message says why."""


@dataclass
class Repository:
    """What the export holds: the account's DID and the records of the wanted collections."""

    did: str
    version: int
    rev: str | None = None  # version 3: a TID, the time of the account's last change
    records: dict[str, dict[str, Any]] = field(default_factory=dict)  # "collection/rkey" -> record
    missing: int = 0  # records the tree names whose blocks are not in the file


def read_repository(data: bytes, collections: tuple[str, ...]) -> Repository:
    """Decode a CAR export and return the records whose collection is in ``collections``.

    Raises :class:`RepositoryError` (one line, no traceback) for anything that is not a
    readable repository: not a CAR file, a malformed block, no commit at the root, or a
    broken tree.
    """
    try:
        header, blocks = libipld.decode_car(data)
    except (ValueError, RecursionError, TypeError) as exc:
        raise RepositoryError(f"not a readable CAR file ({_first_line(exc)})") from None
    commit = _commit(header, blocks)
    rev = commit.get("rev")
    repo = Repository(commit["did"], commit["version"], rev if isinstance(rev, str) else None)
    wanted = tuple(f"{c}/" for c in collections)
    for key, value_cid in _walk(blocks, commit["data"]):
        if not key.startswith(wanted):
            continue
        record = blocks.get(value_cid)
        if record is None:
            repo.missing += 1
        elif isinstance(record, dict):
            repo.records[key] = record
        else:
            raise RepositoryError(f"the record {key} is not a DAG-CBOR map")
    return repo


def cid_text(raw: Any) -> str | None:
    """A CID link (raw bytes, as libipld decodes it) in its usual text form (``bafy...``)."""
    if isinstance(raw, str):
        return raw if raw.isalnum() else None
    if not isinstance(raw, bytes):
        return None
    try:
        return libipld.encode_cid(raw)
    except ValueError:
        return None


def _commit(header: Any, blocks: dict[Any, Any]) -> dict[str, Any]:
    roots = header.get("roots") if isinstance(header, dict) else None
    if not isinstance(roots, list) or not roots:
        raise RepositoryError("the CAR file names no root, so it is not a repository export")
    commit = blocks.get(roots[0])
    if not isinstance(commit, dict):
        raise RepositoryError("the CAR file's root block is missing or is not a commit")
    did, version = commit.get("did"), commit.get("version")
    if not isinstance(did, str) or not did.startswith("did:"):
        raise RepositoryError("the root block is not a repository commit (it names no DID)")
    if version not in KNOWN_VERSIONS:
        raise RepositoryError(
            f"repository commit version {version!r} is not supported "
            f"(this reads versions {', '.join(map(str, KNOWN_VERSIONS))})"
        )
    if not isinstance(commit.get("data"), bytes):
        raise RepositoryError("the repository commit does not point at a record tree")
    return commit


def _walk(blocks: dict[Any, Any], root: bytes) -> list[tuple[str, bytes]]:
    """Every ``(key, record CID)`` of the tree under ``root``, in key order."""
    out: list[tuple[str, bytes]] = []
    seen: set[bytes] = set()

    def visit(cid: bytes, depth: int) -> None:
        if depth > MAX_TREE_DEPTH:
            raise RepositoryError(f"the record tree is deeper than {MAX_TREE_DEPTH} levels")
        if cid in seen:
            raise RepositoryError("the record tree loops back on itself")
        seen.add(cid)
        node = blocks.get(cid)
        if node is None:
            raise RepositoryError("the record tree is incomplete: a tree node is missing")
        left, entries = _node(node)
        if left is not None:
            visit(left, depth + 1)
        previous = b""
        for p, suffix, value, right in entries:
            if p > len(previous):
                raise RepositoryError("a record key in the tree is malformed (bad prefix length)")
            key_bytes = previous[:p] + suffix
            try:
                key = key_bytes.decode("utf-8")
            except UnicodeDecodeError:
                raise RepositoryError("a record key in the tree is not UTF-8") from None
            if out and key <= out[-1][0]:
                raise RepositoryError("the record tree's keys are out of order")
            out.append((key, value))
            previous = key_bytes
            if right is not None:
                visit(right, depth + 1)

    visit(root, 0)
    return out


_Entry = tuple[int, bytes, bytes, bytes | None]


def _node(node: Any) -> tuple[bytes | None, list[_Entry]]:
    """``(left link, [(p, k, v, t), ...])`` of a tree node, or :class:`RepositoryError`."""
    if not isinstance(node, dict) or not isinstance(node.get("e"), list):
        raise RepositoryError("a record tree node is malformed (no entry list)")
    left = node.get("l")
    if left is not None and not isinstance(left, bytes):
        raise RepositoryError("a record tree node is malformed (bad left link)")
    entries: list[_Entry] = []
    for entry in node["e"]:
        if not isinstance(entry, dict):
            raise RepositoryError("a record tree entry is malformed")
        p, k, v, t = entry.get("p"), entry.get("k"), entry.get("v"), entry.get("t")
        if (
            not isinstance(p, int)
            or isinstance(p, bool)
            or p < 0
            or not isinstance(k, bytes)
            or not isinstance(v, bytes)
            or not (t is None or isinstance(t, bytes))
        ):
            raise RepositoryError("a record tree entry is malformed (p, k, v or t)")
        entries.append((p, k, v, t))
    return left, entries


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
