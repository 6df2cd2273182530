"""Reading an export safely: a zip, an unpacked folder, or one file, behind one interface.

Exports arrive by email from people we do not know, so every member is checked before an
importer sees it, and the whole source is refused (:class:`RefusedImport`) when one member is
hostile, even if the importer would never have read it:

* a member whose path leaves the archive: ``..`` segments, absolute paths (``/x``, ``\\x``,
  ``C:x``), NUL bytes, and links (zip entries whose Unix mode is a symlink; symlinks, devices or
  pipes anywhere in a folder);
* a member that appears twice (which copy is unpacked depends on the tool);
* a zip bomb: the declared uncompressed size of each member and of all of them together is
  capped, and so is the ratio of uncompressed to compressed size (plain JSON compresses about
  10:1; a bomb of zeros about 1000:1). Reads are capped again while streaming, so a header that
  lies gains nothing.

Member names always use ``/``; a folder is read as if it were the zip of its contents. A single
file (a Bluesky ``.car``, a saved ``.html`` page, a ``.txt`` unroll) is a source with one member.
"""

from __future__ import annotations

import os
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import TracebackType

from .errors import RefusedImport

__all__ = ["DEFAULT_LIMITS", "ArchiveLimits", "SourceFiles", "open_source"]

_MIB = 1024 * 1024


@dataclass(frozen=True)
class ArchiveLimits:
    """Caps on what a source may make us read. The defaults fit a real account's export."""

    max_member_bytes: int = 512 * _MIB  # a prolific author's tweets.js is a few hundred MB
    max_total_bytes: int = 8 * 1024 * _MIB  # the declared size of every member together
    max_ratio: float = 200.0  # uncompressed / compressed, for members over ``ratio_floor``
    ratio_floor: int = _MIB  # small members may compress well without being a threat
    max_members: int = 200_000


DEFAULT_LIMITS = ArchiveLimits()

_DRIVE = re.compile(r"^[A-Za-z]:")


class SourceFiles:
    """The members of one source, by ``/``-separated name, read under :class:`ArchiveLimits`."""

    def __init__(self, path: Path, names: dict[str, int], limits: ArchiveLimits) -> None:
        self.path = path
        self.limits = limits
        self._sizes = names  # member name -> declared size

    @property
    def names(self) -> list[str]:
        """Every member, sorted (folders are not members)."""
        return sorted(self._sizes)

    @property
    def is_single_file(self) -> bool:
        return False

    def has(self, name: str) -> bool:
        return name in self._sizes

    def size(self, name: str) -> int:
        return self._sizes[name]

    def locate(self, name: str) -> str | None:
        """The member called ``name``, at the top or under one wrapping folder (as zips of a
        downloaded folder have): ``data/tweets.js`` finds ``twitter-2022/data/tweets.js``."""
        if name in self._sizes:
            return name
        matches = sorted(
            n for n in self._sizes if n.endswith("/" + name) and n.count("/") == name.count("/") + 1
        )
        return matches[0] if matches else None

    def read_bytes(self, name: str) -> bytes:
        """The member's bytes; refused when it is larger than the per-member cap."""
        if name not in self._sizes:
            raise RefusedImport(f"{self.path}: {name} is not in the source")
        data = self._read(name, self.limits.max_member_bytes + 1)
        if len(data) > self.limits.max_member_bytes:
            raise RefusedImport(
                f"{self.path}: {name} is larger than the {self.limits.max_member_bytes:,}-byte cap"
            )
        return data

    def read_text(self, name: str) -> str:
        """The member as UTF-8 text (a byte-order mark is dropped); refused when it is not."""
        data = self.read_bytes(name)
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise RefusedImport(
                f"{self.path}: {name} is not UTF-8 text (byte {exc.start}); is it the right file?"
            ) from None

    def close(self) -> None:
        """Release the open zip, if any."""

    def __enter__(self) -> SourceFiles:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _read(self, name: str, cap: int) -> bytes:
        raise NotImplementedError


class _ZipSource(SourceFiles):
    def __init__(self, path: Path, archive: zipfile.ZipFile, limits: ArchiveLimits) -> None:
        self._zip = archive
        self._infos: dict[str, zipfile.ZipInfo] = {}
        total = 0
        infos = archive.infolist()
        if len(infos) > limits.max_members:
            raise RefusedImport(
                f"{path}: {len(infos):,} members; at most {limits.max_members:,} are read"
            )
        for info in infos:
            name = _checked_name(path, info.filename)
            if _is_link(info):
                raise RefusedImport(
                    f"{path}: member {info.filename!r} is a link; links are refused"
                )
            if info.is_dir():
                continue
            if name in self._infos:
                raise RefusedImport(
                    f"{path}: member {info.filename!r} appears twice; tools disagree on which "
                    "copy they unpack, so the archive is refused"
                )
            _check_bomb(path, info, limits)
            total += info.file_size
            if total > limits.max_total_bytes:
                raise RefusedImport(
                    f"{path}: the members unpack to more than {limits.max_total_bytes:,} bytes; "
                    "refused as a possible zip bomb"
                )
            self._infos[name] = info
        super().__init__(path, {n: i.file_size for n, i in self._infos.items()}, limits)

    def _read(self, name: str, cap: int) -> bytes:
        try:
            with self._zip.open(self._infos[name]) as handle:
                return handle.read(cap)
        except RuntimeError as exc:  # zipfile's "File ... is encrypted, password required"
            raise RefusedImport(f"{self.path}: {name} cannot be unpacked ({exc})") from None
        except (
            zipfile.BadZipFile,
            zlib.error,
            OSError,
            EOFError,
            ValueError,
            NotImplementedError,
        ) as exc:
            raise RefusedImport(f"{self.path}: {name} cannot be unpacked ({exc})") from None

    def close(self) -> None:
        self._zip.close()


class _FolderSource(SourceFiles):
    def __init__(self, path: Path, limits: ArchiveLimits) -> None:
        self._root = path
        names: dict[str, int] = {}
        for folder, dirs, files in os.walk(path, followlinks=False):
            for entry in sorted(dirs + files):
                full = Path(folder) / entry
                mode = full.lstat().st_mode
                rel = full.relative_to(path).as_posix()
                if stat.S_ISLNK(mode):
                    raise RefusedImport(f"{path}: {rel} is a link; links are refused")
                if stat.S_ISDIR(mode):
                    continue
                if not stat.S_ISREG(mode):
                    raise RefusedImport(f"{path}: {rel} is not a regular file")
                names[_checked_name(path, rel)] = full.stat().st_size
                if len(names) > limits.max_members:
                    raise RefusedImport(f"{path}: more than {limits.max_members:,} files")
        super().__init__(path, names, limits)

    def _read(self, name: str, cap: int) -> bytes:
        try:
            with open(self._root / name, "rb") as handle:
                return handle.read(cap)
        except OSError as exc:
            raise RefusedImport(f"{self.path}: {name} cannot be read ({exc.strerror})") from None


class _SingleFileSource(SourceFiles):
    def __init__(self, path: Path, limits: ArchiveLimits) -> None:
        super().__init__(path, {path.name: path.stat().st_size}, limits)

    @property
    def is_single_file(self) -> bool:
        return True

    def _read(self, name: str, cap: int) -> bytes:
        try:
            with open(self.path, "rb") as handle:
                return handle.read(cap)
        except OSError as exc:
            raise RefusedImport(f"{self.path} cannot be read ({exc.strerror})") from None


def open_source(path: Path, limits: ArchiveLimits = DEFAULT_LIMITS) -> SourceFiles:
    """Open a zip, a folder or a single file; refuse it in one line if anything is hostile."""
    if path.is_symlink():
        raise RefusedImport(f"{path} is a link; give the file or folder itself")
    if path.is_dir():
        return _FolderSource(path, limits)
    if not path.is_file():
        raise RefusedImport(f"{path}: no such file or folder")
    if zipfile.is_zipfile(path):
        try:
            archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise RefusedImport(f"{path}: not a readable zip file ({exc})") from None
        try:
            return _ZipSource(path, archive, limits)
        except BaseException:
            archive.close()
            raise
    return _SingleFileSource(path, limits)


def _checked_name(source: Path, raw: str) -> str:
    """The member name with ``/`` separators, or a refusal when it could leave the archive."""
    name = raw.replace("\\", "/")
    if "\x00" in name or name.startswith("/") or _DRIVE.match(name):
        raise RefusedImport(f"{source}: member {raw!r} has an absolute path; refused")
    parts = PurePosixPath(name).parts
    if ".." in parts:
        raise RefusedImport(f"{source}: member {raw!r} leaves the archive ('..'); refused")
    return "/".join(p for p in parts if p != ".")


def _is_link(info: zipfile.ZipInfo) -> bool:
    # Only Unix-made zips set these mode bits; a symlink flag from anywhere else is refused too.
    return stat.S_ISLNK(info.external_attr >> 16)


def _check_bomb(source: Path, info: zipfile.ZipInfo, limits: ArchiveLimits) -> None:
    if info.file_size > limits.max_member_bytes:
        raise RefusedImport(
            f"{source}: member {info.filename!r} unpacks to {info.file_size:,} bytes, over the "
            f"{limits.max_member_bytes:,}-byte cap; refused as a possible zip bomb"
        )
    if info.file_size > limits.ratio_floor:
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > limits.max_ratio:
            raise RefusedImport(
                f"{source}: member {info.filename!r} compresses {ratio:,.0f} to 1 (the cap is "
                f"{limits.max_ratio:,.0f}); refused as a possible zip bomb"
            )
