"""Where snapshots live on disk, and reading and writing them safely.

One file per thread under ``content/threads/``: ``<slug>.json`` written by ``tweetorials
fetch``, or ``<slug>.yaml`` written by a maintainer for a thread whose original is gone
(see :mod:`tweetorials.snapshot.handwritten`). Writes are atomic; reads validate and name the
file on any problem.
"""

from __future__ import annotations

import json
import os
from collections.abc import Collection
from pathlib import Path

from ..files import atomic_write_text
from .handwritten import load_handwritten
from .model import SnapshotError, Thread, thread_from_dict

__all__ = ["HANDWRITTEN_SUFFIXES", "SnapshotStore", "load_snapshot", "save_snapshot"]

HANDWRITTEN_SUFFIXES = (".yaml", ".yml")


def load_snapshot(path: Path) -> Thread:
    """Read a JSON or hand-written snapshot; :class:`SnapshotError` names the file on failure."""
    if path.suffix in HANDWRITTEN_SUFFIXES:
        return load_handwritten(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SnapshotError(f"{path}: no such snapshot") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SnapshotError(f"{path}: not valid JSON ({exc})") from None
    return thread_from_dict(data, where=str(path))


def save_snapshot(path: Path, thread: Thread) -> None:
    """Write ``thread`` as JSON, atomically, with stable key order and a trailing newline."""
    text = json.dumps(thread.to_dict(), ensure_ascii=False, indent=2) + "\n"
    atomic_write_text(path, text)


class SnapshotStore:
    """The folder of snapshots, addressed by the slug that :mod:`tweetorials.platforms` gives."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)

    def json_path(self, slug: str) -> Path:
        return self.root / f"{slug}.json"

    def find(self, slug: str, names: Collection[str] | None = None) -> Path | None:
        """The snapshot file for ``slug``: a hand-written one wins over a fetched one.

        ``names``: the folder's file names from :meth:`names`, so that looking up every entry
        of a large catalog costs one listing instead of up to three ``stat`` calls each.
        """
        for suffix in (*HANDWRITTEN_SUFFIXES, ".json"):
            name = f"{slug}{suffix}"
            candidate = self.root / name
            if names is not None:
                if name in names:
                    return candidate
            elif candidate.is_file():
                return candidate
        return None

    def names(self) -> frozenset[str]:
        """The names of the files in the folder (empty when it does not exist)."""
        try:
            with os.scandir(self.root) as entries:
                return frozenset(e.name for e in entries if e.is_file())
        except (FileNotFoundError, NotADirectoryError):
            return frozenset()

    def has(self, slug: str) -> bool:
        return self.find(slug) is not None

    def load(self, slug: str) -> Thread | None:
        path = self.find(slug)
        return load_snapshot(path) if path else None

    def save(self, slug: str, thread: Thread) -> Path:
        path = self.json_path(slug)
        save_snapshot(path, thread)
        return path

    def slugs(self) -> set[str]:
        """Every slug that has a snapshot file (for finding snapshots no entry uses)."""
        if not self.root.is_dir():
            return set()
        return {
            p.stem
            for p in self.root.iterdir()
            if p.is_file()
            and not p.name.startswith(".")
            and p.suffix in {".json", *HANDWRITTEN_SUFFIXES}
        }
