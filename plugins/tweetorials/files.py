"""Atomic file writes, shared by every stage that leaves files behind.

A snapshot is the archive of a thread that may no longer exist anywhere else, so a crash,
a full disk or a Ctrl-C halfway through a write must never leave a truncated file where a
good one was. Every write goes to a temporary file in the same folder, is flushed to disk,
and then replaces the target with one atomic ``os.replace``.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

__all__ = ["atomic_write_bytes", "atomic_write_text"]


def atomic_write_bytes(path: Path | str, data: bytes, *, durable: bool = True) -> None:
    """Write ``data`` to ``path`` so that readers see either the old file or the new one.

    ``durable=False`` skips the flush to disk, for files that can be made again from what is
    archived (social cards): the rename still makes the write all-or-nothing, and a thousand
    fsyncs would cost a cold build more than drawing the cards.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise


def atomic_write_text(path: Path | str, text: str) -> None:
    """Write UTF-8 ``text`` atomically (see :func:`atomic_write_bytes`)."""
    atomic_write_bytes(path, text.encode("utf-8"))
