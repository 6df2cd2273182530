"""The X (Twitter) data archive: "Download an archive of your data", as a zip or unpacked.

What is read, all under ``data/`` (the zip may wrap everything in one more folder):

* ``manifest.js`` (``window.__THAR_CONFIG = {...}``): the account (``userInfo``), when the
  archive was made (``archiveInfo.generationDate``), and which files hold the tweets and the
  long posts (``dataTypes.tweets.files``, ``dataTypes.noteTweet.files``) and where the media are
  (``dataTypes.tweets.mediaDirectory``). Archives without one are read by file name.
* ``tweets.js``, ``tweets-part1.js``, ... (``window.YTD.tweets.partN = [...]``); archives from
  about 2020 call it ``tweet.js`` (``window.YTD.tweet.part0``). Every tweet is the author's.
* ``note-tweet.js``: the whole text of long posts (see :mod:`.x_tweet`).
* ``account.js``: the account when there is no manifest.
* ``protected-history.js``: when the account was protected. A post made while it was is not
  public and is never imported (:mod:`.selfthread` stops before it).
* ``tweets_media/<tweet id>-<name>``: the pictures; ``profile.js`` (``avatarMediaUrl``) and
  ``profile_media/<account id>-<name>``: the author's profile picture.

Retweets (``RT @someone: ...``) are someone else's words and never part of a thread.
"""

from __future__ import annotations

import re
from functools import partial
from typing import Any

from ..json_fields import as_dict, as_list, stripped
from ..sanitize import is_safe_url
from ..snapshot import Author
from ..snapshot.times import iso_utc
from .archive import SourceFiles
from .errors import RefusedImport
from .export import ArchivedPost, Export, MediaLoader
from .times import modified_time
from .x_js import read_assignment, read_ytd_list
from .x_tweet import NoteText, TweetContext, post_from_tweet, unwrap

__all__ = ["XArchive"]

_MANIFEST = re.compile(r"__THAR_CONFIG")
_TWEETS = re.compile(r"YTD\.tweets?\.part\d+")
_NOTES = re.compile(r"YTD\.note_tweet\.part\d+")
_ACCOUNT = re.compile(r"YTD\.account\.part\d+")
_PROTECTED = re.compile(r"YTD\.protected_history\.part\d+")
_PROFILE = re.compile(r"YTD\.profile\.part\d+")
_TWEET_FILE = re.compile(r"^data/tweets?(?:-part\d+)?\.js$")
_PART = re.compile(r"part(\d+)\.js$")
_HANDLE = re.compile(r"^[A-Za-z0-9_]{1,15}$")


class XArchive:
    """:class:`~tweetorials.rescue.export.Importer` for X data archives."""

    kind = "x-archive"
    label = "an X archive (zip or folder with data/tweets.js or data/tweet.js)"

    def recognises(self, files: SourceFiles) -> bool:
        return _root(files) is not None

    def read(self, files: SourceFiles) -> Export:
        root = _root(files)
        if root is None:
            raise RefusedImport(f"{files.path}: no data/tweets.js or data/tweet.js in the archive")
        manifest = _manifest(files, root)
        warnings: list[str] = []
        author = _author(files, root, manifest)
        tweets = _tweets(files, root, manifest, warnings)
        ctx = TweetContext(
            author=author,
            media_dir=root + _media_dir(manifest),
            notes=_notes(files, root, manifest),
            tweets=tweets,
        )
        protected = _protected_spans(files, root)
        posts: dict[str, ArchivedPost] = {}
        for tweet_id, tweet in tweets.items():
            post = post_from_tweet(tweet, ctx)
            is_retweet = post.text.startswith("RT @")
            posts[tweet_id] = ArchivedPost(
                post=post,
                parent_id=stripped(tweet.get("in_reply_to_status_id_str")) or None,
                by_author=not is_retweet,
                audience="protected" if _within(post.created_at, protected) else "public",
            )
        members = dict(ctx.media_members)
        avatar = _avatar(files, root, manifest)
        if avatar is not None:
            author.avatar_url, members[avatar[0]] = avatar
        media: dict[str, MediaLoader] = {
            url: partial(files.read_bytes, member)
            for url, member in members.items()
            if files.has(member)
        }
        generated = iso_utc(as_dict(manifest.get("archiveInfo")).get("generationDate"))
        return Export(
            kind=self.kind,
            platform="x",
            author=author,
            posts=posts,
            saved=generated or modified_time(files.path),
            media=media,
            warnings=warnings,
        )


def _root(files: SourceFiles) -> str | None:
    """The folder that holds ``data/`` ('' at the top, or one wrapping folder)."""
    for name in ("data/tweets.js", "data/tweet.js", "data/tweets-part1.js", "data/manifest.js"):
        found = files.locate(name)
        if found is not None:
            return found[: -len(name)]
    return None


def _manifest(files: SourceFiles, root: str) -> dict[str, Any]:
    member = root + "data/manifest.js"
    if not files.has(member):
        return {}
    value = read_assignment(files, member, _MANIFEST)
    if not isinstance(value, dict):
        raise RefusedImport(f"{files.path}: {member}: expected an object after the assignment")
    return value


def _data_files(manifest: dict[str, Any], *types: str) -> list[str]:
    """File names the manifest lists for the first of ``types`` it knows."""
    data_types = as_dict(manifest.get("dataTypes"))
    for kind in types:
        names = [
            stripped(as_dict(f).get("fileName"))
            for f in as_list(as_dict(data_types.get(kind)).get("files"))
        ]
        if any(names):
            return [n for n in names if n]
    return []


def _tweet_members(files: SourceFiles, root: str, manifest: dict[str, Any]) -> list[str]:
    listed = _data_files(manifest, "tweets", "tweet")
    if listed:
        return [root + name for name in listed]
    found = [n for n in files.names if n.startswith(root) and _TWEET_FILE.match(n[len(root) :])]
    return sorted(found, key=lambda n: (int(m.group(1)) if (m := _PART.search(n)) else 0, n))


def _tweets(
    files: SourceFiles, root: str, manifest: dict[str, Any], warnings: list[str]
) -> dict[str, dict[str, Any]]:
    tweets: dict[str, dict[str, Any]] = {}
    for member in _tweet_members(files, root, manifest):
        if not files.has(member):
            warnings.append(
                f"manifest.js names {member}, which is not in the archive; threads may be incomplete"
            )
            continue
        for index, entry in enumerate(read_ytd_list(files, member, _TWEETS)):
            tweet = unwrap(entry)
            tweet_id = stripped(tweet.get("id_str")) if tweet else ""
            if tweet is None or not tweet_id.isdigit():
                raise RefusedImport(
                    f"{files.path}: {member}: entry {index} is not a tweet with an id_str"
                )
            tweets[tweet_id] = tweet
    if not tweets:
        raise RefusedImport(f"{files.path}: the archive holds no tweets")
    return tweets


def _notes(files: SourceFiles, root: str, manifest: dict[str, Any]) -> dict[str, list[NoteText]]:
    members = [root + n for n in _data_files(manifest, "noteTweet")] or [
        root + "data/note-tweet.js"
    ]
    notes: dict[str, list[NoteText]] = {}
    for member in members:
        if not files.has(member):
            continue
        for entry in read_ytd_list(files, member, _NOTES):
            note = as_dict(as_dict(entry).get("noteTweet"))
            core = as_dict(note.get("core"))
            created = iso_utc(note.get("createdAt"))
            text = core.get("text")
            if created and isinstance(text, str) and text.strip():
                links = {
                    stripped(as_dict(u).get("shortUrl")): stripped(as_dict(u).get("expandedUrl"))
                    for u in as_list(core.get("urls"))
                    if stripped(as_dict(u).get("shortUrl"))
                    and stripped(as_dict(u).get("expandedUrl"))
                }
                notes.setdefault(created, []).append(NoteText(text, links))
    return notes


def _author(files: SourceFiles, root: str, manifest: dict[str, Any]) -> Author:
    info = as_dict(manifest.get("userInfo"))
    handle, name = stripped(info.get("userName")), stripped(info.get("displayName"))
    member = root + "data/account.js"
    if not handle and files.has(member):
        accounts = read_ytd_list(files, member, _ACCOUNT)
        account = as_dict(as_dict(accounts[0] if accounts else {}).get("account"))
        handle, name = (
            stripped(account.get("username")),
            stripped(account.get("accountDisplayName")),
        )
    if not _HANDLE.match(handle):
        raise RefusedImport(
            f"{files.path}: the archive does not say whose it is (userInfo.userName in "
            "data/manifest.js, or username in data/account.js)"
        )
    return Author(name=name or handle, handle=handle, url=f"https://x.com/{handle}")


def _avatar(files: SourceFiles, root: str, manifest: dict[str, Any]) -> tuple[str, str] | None:
    """The profile picture's address and the member holding it (``profile_media/<account
    id>-<name>``), when the archive has both; the page shows it beside the author's name."""
    member = root + "data/profile.js"
    account_id = stripped(as_dict(manifest.get("userInfo")).get("accountId"))
    if not files.has(member) or not account_id.isdigit():
        return None
    profiles = read_ytd_list(files, member, _PROFILE)
    profile = as_dict(as_dict(profiles[0] if profiles else {}).get("profile"))
    url = stripped(profile.get("avatarMediaUrl"))
    if not is_safe_url(url):
        return None
    name = url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    held = f"{root}data/profile_media/{account_id}-{name}"
    return (url, held) if files.has(held) else None


def _media_dir(manifest: dict[str, Any]) -> str:
    folder = stripped(
        as_dict(as_dict(manifest.get("dataTypes")).get("tweets")).get("mediaDirectory")
    )
    return folder.strip("/") if folder and ".." not in folder else "data/tweets_media"


def _protected_spans(files: SourceFiles, root: str) -> list[tuple[str, str | None]]:
    """``(from, until)`` times when the account was protected (``until`` None: still is)."""
    member = root + "data/protected-history.js"
    if not files.has(member):
        return []
    changes = []
    for entry in read_ytd_list(files, member, _PROTECTED):
        change = as_dict(as_dict(entry).get("protectedHistory"))
        when = iso_utc(change.get("protectedAt"))
        if when:
            changes.append((when, stripped(change.get("action")).lower()))
    spans: list[tuple[str, str | None]] = []
    start: str | None = None
    for when, action in sorted(changes):
        if action == "protect" and start is None:
            start = when
        elif action == "unprotect" and start is not None:
            spans.append((start, when))
            start = None
    if start is not None:
        spans.append((start, None))
    return spans


def _within(moment: str | None, spans: list[tuple[str, str | None]]) -> bool:
    if not moment:
        return bool(spans)  # undated, in an account that was protected: not known to be public
    return any(start <= moment and (end is None or moment < end) for start, end in spans)
