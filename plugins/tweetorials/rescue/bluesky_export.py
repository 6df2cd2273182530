"""The Bluesky repository export ("Export my data": a ``.car`` from ``com.atproto.sync.getRepo``).

The ``.car`` holds the account's records (:mod:`.bluesky_repo` reads the file, and
:mod:`.bluesky_posts` the posts) but not its images: blobs are exported separately, one file
per blob named by its CID (``bafkrei...``, with or without an extension). When the maintainer
has such a folder (``tweetorials import REPO.car --blobs FOLDER``) the pictures come from it;
otherwise each is imported as "not archived" with its alt text.

Bluesky has no followers-only posts, and direct messages are not repository records, so every
post in the export was public. One thing still keeps a thread off the site: an account that set
the ``!no-unauthenticated`` self-label asked not to be shown to logged-out readers, which
fetching respects, so importing refuses it too.

When the export was made: a version 3 commit carries ``rev``, a TID (microseconds since 1970
in base32-sortable) that is the time of the account's last change; older commits do not, and
the file's modification time stands in.
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from pathlib import Path
from typing import Any

from ..snapshot.times import format_utc
from .archive import SourceFiles, open_source
from .bluesky_posts import POST_COLLECTION, PROFILE_KEY, author_from_profile, post_from_record
from .bluesky_repo import Repository, RepositoryError, read_repository
from .errors import RefusedImport
from .export import ArchivedPost, Export, MediaLoader
from .times import modified_time

__all__ = ["NO_UNAUTHENTICATED", "BlueskyRepo", "tid_time"]

NO_UNAUTHENTICATED = "!no-unauthenticated"
_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"


class BlueskyRepo:
    """:class:`~tweetorials.rescue.export.Importer` for Bluesky repository exports.

    ``blobs`` is the folder of exported blobs, when the maintainer has one.
    """

    kind = "bluesky-repo"
    label = "a Bluesky repository export (a .car file, with --blobs FOLDER for its images)"

    def __init__(self, blobs: Path | None = None) -> None:
        self.blobs = blobs

    def recognises(self, files: SourceFiles) -> bool:
        return files.is_single_file and files.path.name.lower().endswith(".car")

    def read(self, files: SourceFiles) -> Export:
        (name,) = files.names
        try:
            repo = read_repository(
                files.read_bytes(name), (POST_COLLECTION, PROFILE_KEY.split("/")[0])
            )
        except RepositoryError as exc:
            raise RefusedImport(f"{files.path}: {exc}") from None
        profile = repo.records.get(PROFILE_KEY)
        if _opted_out(profile):
            raise RefusedImport(
                f"{files.path}: {repo.did} asked not to be shown to logged-out readers "
                f"(Bluesky label {NO_UNAUTHENTICATED}), so this library does not publish them"
            )
        posts, blobs = _posts(repo)
        warnings = []
        if repo.missing:
            warnings.append(
                f"{repo.missing} post record(s) named by the repository are not in the file; "
                "threads may be incomplete"
            )
        author = author_from_profile(repo.did, profile, blobs)
        return Export(
            kind=self.kind,
            platform="bluesky",
            author=author,
            posts=posts,
            saved=tid_time(repo.rev) or modified_time(files.path),
            media=self._media(blobs),
            warnings=warnings,
        )

    def _media(self, blobs: dict[str, str]) -> dict[str, MediaLoader]:
        """``Media.url`` -> loader, for every blob the folder holds (read under its caps)."""
        if self.blobs is None:
            return {}
        folder = open_source(self.blobs)
        by_cid = {name.rsplit("/", 1)[-1].split(".", 1)[0]: name for name in folder.names}
        return {
            url: partial(folder.read_bytes, by_cid[cid])
            for url, cid in blobs.items()
            if cid in by_cid
        }


def _posts(repo: Repository) -> tuple[dict[str, ArchivedPost], dict[str, str]]:
    prefix = f"{POST_COLLECTION}/"
    own = {k.removeprefix(prefix): r for k, r in repo.records.items() if k.startswith(prefix)}
    blobs: dict[str, str] = {}
    posts = {
        rkey: post_from_record(repo.did, rkey, record, own, blobs) for rkey, record in own.items()
    }
    return posts, blobs


def tid_time(tid: str | None) -> str | None:
    """The time in a TID (13 base32-sortable characters: 53 bits of microseconds, 10 of clock)."""
    if not isinstance(tid, str) or len(tid) != 13 or any(c not in _TID_ALPHABET for c in tid):
        return None
    value = 0
    for char in tid:
        value = value * 32 + _TID_ALPHABET.index(char)
    if value >> 63:  # the top bit of a TID is always 0
        return None
    micros = value >> 10
    try:
        moment = dt.datetime.fromtimestamp(micros / 1_000_000, dt.UTC)
    except (OverflowError, OSError, ValueError):
        return None
    return format_utc(moment)


def _opted_out(profile: Any) -> bool:
    labels = profile.get("labels") if isinstance(profile, dict) else None
    values = labels.get("values") if isinstance(labels, dict) else None
    return any(
        isinstance(label, dict) and label.get("val") == NO_UNAUTHENTICATED for label in values or ()
    )
