"""Snapshots: the durable, versioned archive of each thread (see docs/snapshot-format.md)."""

from .model import (
    SCHEMA_VERSION,
    Author,
    LinkCard,
    LocalImage,
    Media,
    Post,
    Provenance,
    Rendition,
    SnapshotError,
    Thread,
    thread_from_dict,
)
from .store import SnapshotStore, load_snapshot, save_snapshot

__all__ = [
    "SCHEMA_VERSION",
    "Author",
    "LinkCard",
    "LocalImage",
    "Media",
    "Post",
    "Provenance",
    "Rendition",
    "SnapshotError",
    "SnapshotStore",
    "Thread",
    "load_snapshot",
    "save_snapshot",
    "thread_from_dict",
]
