"""Which snapshot files earlier builds found valid, so that a rebuild reads only the changed ones.

A build reads every snapshot at ``initialized`` to refuse a broken one before Pelican empties
the output (:func:`~.plugin.check_snapshots`), then reads each again for its page. On a
1,000-thread library the first reading is a twentieth of a rebuild, spent confirming what the
last build already knew. This record, kept in the cache folder, says which files were valid;
a file is read again when anything about it has changed.

"Changed" is judged the way Python judges a ``.pyc`` and ``make`` a target, only stricter: the
file's inode, size, modification time and change time (in nanoseconds) must all be the ones
recorded. The change time cannot be set back by ``touch`` or an editor, so an edited file
always counts as changed. The record is also dropped whole when the code that validates
snapshots changes (:func:`validator_version`), since a rule added there must see every file.

The record is a cache: it is written atomically, any fault reading it means "nothing is
known", and a file it wrongly trusted would still be read, and refused with the same message,
when its page is made.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path

from .. import languages, platforms, sanitize, snapshot
from ..files import atomic_write_bytes

__all__ = ["RECORD_NAME", "CheckedSnapshots", "validator_version"]

#: The record's file, in the cache folder (``TWEETORIALS_CACHE``).
RECORD_NAME = "checked-snapshots.json"

_Stamp = tuple[str, int, int, int, int]  # path, inode, size, mtime_ns, ctime_ns


@lru_cache(maxsize=1)
def validator_version() -> str:
    """A digest of the snapshot package's source and of the modules it checks snapshots
    with (their platform, language tag and HTML): what decides whether a snapshot is valid."""
    digest = hashlib.sha256()
    sources = sorted(Path(snapshot.__file__).parent.glob("*.py"))
    sources += [Path(module.__file__ or "") for module in (languages, platforms, sanitize)]
    for source in sources:
        digest.update(source.name.encode("utf-8") + b"\0" + source.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


class CheckedSnapshots:
    """The snapshot files known to be valid, by catalog slug (see the module docstring)."""

    def __init__(self, cache_dir: Path) -> None:
        self._path = cache_dir / RECORD_NAME
        self._known: dict[str, _Stamp] = {}  # as the last build left it
        self._now: dict[str, _Stamp] = {}  # this build's valid files: the next record
        with contextlib.suppress(OSError, ValueError, TypeError, KeyError, AttributeError):
            data = json.loads(self._path.read_bytes())
            if data.get("validator") == validator_version():
                self._known = {str(k): tuple(v) for k, v in data["valid"].items()}

    def is_valid(self, slug: str, path: Path, found: os.stat_result) -> bool:
        """Whether ``path`` (whose ``stat`` is ``found``) is the file last found valid."""
        return self._known.get(slug) == _stamp(path, found)

    def mark_valid(self, slug: str, path: Path, found: os.stat_result) -> None:
        """Record ``path`` as valid in this build (read and checked, or :meth:`is_valid`);
        entries not marked are left out of the next record."""
        self._now[slug] = _stamp(path, found)

    def save(self) -> None:
        """Write this build's record when it differs from the last. A cache folder that
        cannot be written costs the next build its shortcut, nothing more."""
        if self._now == self._known:
            return
        data = {"validator": validator_version(), "valid": self._now}
        with contextlib.suppress(OSError):
            atomic_write_bytes(self._path, json.dumps(data).encode("utf-8"), durable=False)
            self._known = dict(self._now)


def _stamp(path: Path, found: os.stat_result) -> _Stamp:
    return (str(path), found.st_ino, found.st_size, found.st_mtime_ns, found.st_ctime_ns)
