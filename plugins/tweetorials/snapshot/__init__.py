"""Snapshots: the durable, versioned archive of each thread (see docs/snapshot-format.md)."""

from .model import (
    READABLE_SCHEMAS,
    SCHEMA_VERSION,
    Author,
    CommunityNote,
    LinkCard,
    LocalImage,
    Media,
    Poll,
    PollOption,
    Post,
    Provenance,
    Rendition,
    SnapshotError,
    Thread,
    thread_from_dict,
)
from .store import SnapshotStore, load_snapshot, save_snapshot

__all__ = [
    "READABLE_SCHEMAS",
    "SCHEMA_VERSION",
    "Author",
    "CommunityNote",
    "LinkCard",
    "LocalImage",
    "Media",
    "Poll",
    "PollOption",
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
