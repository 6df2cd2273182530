"""Build Bluesky repository exports (CAR v1 files) for the tests, from the documented structure.

Tests only: the importer never writes CAR files. libipld encodes each block as DAG-CBOR (its
encoder writes bytes that parse as a CID as a CID link, tag 42); this module adds what libipld
does not have, the CAR framing and the Merkle Search Tree:

* CAR v1 (ipld.io/specs/transport/car/carv1): a varint-prefixed DAG-CBOR header
  ``{version: 1, roots: [commit CID]}``, then each block as varint(len(CID + data)), CID, data.
* The repository (atproto.com/specs/repository): a commit ``{did, version, data, rev, prev,
  sig}`` pointing at the tree; tree nodes ``{l, e: [{p, k, v, t}]}`` with each key's layer
  the number of leading zero bits of its SHA-256 divided by 2 (fanout 4), keys in a node
  compressed against the previous key of the same node.

Signatures are not checked by the importer, so ``sig`` is a fixed placeholder.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import libipld

__all__ = [
    "blob_cid",
    "blob_folder",
    "blob_ref",
    "build_car",
    "car_from_description",
    "cid_for",
    "tid",
    "varint",
]

#: When the example repositories were last changed (their commit's ``rev``).
EXPORTED = datetime(2024, 12, 1, 12, 0, tzinfo=UTC)
_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"

DAG_CBOR = 0x71
RAW = 0x55
SHA2_256 = 0x12


def tid(when: datetime, clock: int = 0) -> str:
    """A TID (atproto.com/specs/tid): 53 bits of microseconds and 10 of clock id, base32-sortable."""
    value = (int(when.timestamp() * 1_000_000) << 10) | clock
    return "".join(_TID_ALPHABET[(value >> (5 * i)) & 31] for i in reversed(range(13)))


def varint(n: int) -> bytes:
    """An unsigned LEB128 varint, as CAR framing and CIDs use."""
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def cid_for(data: bytes, codec: int = DAG_CBOR) -> bytes:
    """The raw CIDv1 (sha2-256) of ``data``."""
    return bytes([1, codec, SHA2_256, 32]) + hashlib.sha256(data).digest()


def blob_cid(data: bytes) -> str:
    """A blob's CID in text form (``bafkrei...``), as blob files are named."""
    return libipld.encode_cid(cid_for(data, RAW))


def blob_ref(data: bytes, mime: str = "image/png") -> dict[str, Any]:
    """A blob reference as a record holds it (``{$type: blob, ref: link, mimeType, size}``)."""
    return {"$type": "blob", "ref": cid_for(data, RAW), "mimeType": mime, "size": len(data)}


def _layer(key: str) -> int:
    digest = hashlib.sha256(key.encode()).digest()
    zeros = 0
    for byte in digest:
        if byte == 0:
            zeros += 8
            continue
        zeros += 8 - byte.bit_length()
        break
    return zeros // 2


class _Blocks:
    def __init__(self) -> None:
        self.items: list[tuple[bytes, bytes]] = []

    def put(self, obj: Any) -> bytes:
        data = libipld.encode_dag_cbor(obj)
        cid = cid_for(data)
        self.items.append((cid, data))
        return cid


def _tree(blocks: _Blocks, items: list[tuple[str, bytes]], layer: int) -> bytes | None:
    """Store the tree node for ``items`` (sorted ``(key, record CID)``) at ``layer``."""
    if not items:
        return None
    entries: list[dict[str, Any]] = []
    group: list[tuple[str, bytes]] = []
    left: bytes | None = None
    previous = b""
    for key, value in items:
        if _layer(key) < layer:
            group.append((key, value))
            continue
        subtree = _tree(blocks, group, layer - 1) if group else None
        if entries:
            entries[-1]["t"] = subtree
        else:
            left = subtree
        group = []
        raw = key.encode()
        shared = 0
        while shared < min(len(raw), len(previous)) and raw[shared] == previous[shared]:
            shared += 1
        entries.append({"p": shared, "k": raw[shared:], "v": value, "t": None})
        previous = raw
    subtree = _tree(blocks, group, layer - 1) if group else None
    if entries:
        entries[-1]["t"] = subtree
    else:
        left = subtree
    return blocks.put({"l": left, "e": entries})


def build_car(
    did: str,
    records: dict[str, dict[str, Any]],
    *,
    version: int = 3,
    drop: set[str] | None = None,
    rev: str | None = None,
    extra_blocks: list[tuple[bytes, bytes]] | None = None,
) -> bytes:
    """A repository export holding ``records`` (``"collection/rkey" -> record``).

    ``drop`` leaves out the blocks of those records (a partial export); ``extra_blocks`` adds
    raw ``(cid, data)`` blocks, for hostile files.
    """
    blocks = _Blocks()
    items = [(key, blocks.put(records[key])) for key in sorted(records)]
    dropped = {cid for key, cid in items if key in (drop or set())}
    top = max((_layer(k) for k, _ in items), default=0)
    root = _tree(blocks, items, top) or blocks.put({"l": None, "e": []})
    commit: dict[str, Any] = {"did": did, "version": version, "data": root, "prev": None}
    if version >= 3:
        commit["rev"] = rev or tid(EXPORTED)
    commit["sig"] = b"\x00" * 64
    commit_cid = blocks.put(commit)
    header = libipld.encode_dag_cbor({"version": 1, "roots": [commit_cid]})
    out = bytearray(varint(len(header)) + header)
    for cid, data in [*blocks.items, *(extra_blocks or [])]:
        if cid in dropped:
            continue
        out += varint(len(cid) + len(data)) + cid + data
    return bytes(out)


def _image_bytes(images: Path, name: str) -> bytes:
    """The blob's bytes; a name with no file stands for a blob the export lacks."""
    path = images / name
    return path.read_bytes() if path.exists() else f"missing blob {name}".encode()


def _resolve_blobs(value: Any, images: Path) -> Any:
    if isinstance(value, dict):
        if "$blob" in value:
            return blob_ref(_image_bytes(images, value["$blob"]), value["mimeType"])
        if "$legacyblob" in value:  # the 2023 form: {cid: "bafk...", mimeType}
            return {
                "cid": blob_cid(_image_bytes(images, value["$legacyblob"])),
                **{k: v for k, v in value.items() if k == "mimeType"},
            }
        return {k: _resolve_blobs(v, images) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve_blobs(v, images) for v in value]
    return value


def car_from_description(path: Path, images: Path, **options: Any) -> bytes:
    """The CAR export described by a ``records.json`` (see tests/fixtures/rescue/bluesky-export)."""
    desc = json.loads(path.read_text(encoding="utf-8"))
    records = _resolve_blobs(desc["records"], images)
    return build_car(desc["did"], records, version=desc["version"], **options)


def blob_folder(images: Path, dest: Path) -> Path:
    """A folder of exported blobs, each file named by its CID, from the images in ``images``."""
    dest.mkdir(parents=True, exist_ok=True)
    for image in sorted(images.iterdir()):
        (dest / blob_cid(image.read_bytes())).write_bytes(image.read_bytes())
    return dest
