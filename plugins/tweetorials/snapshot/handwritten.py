"""Hand-written snapshots: a thread whose original is gone, typed up by a maintainer.

The form is YAML because it is the easiest thing for a person to write and review::

    platform: x                      # where it was first posted: x, bluesky, mastodon, manual
    url: https://twitter.com/someone # the original (or best known) address
    note: Transcribed from an unrolled copy; the original thread was deleted.
    sample: false                    # true only for demonstration text written by this project
    posted: 2021-01-12               # optional date (or date-time) of the thread
    provenance:                      # optional: written by `tweetorials import`
      kind: unrolled                 # unrolled, x-archive, mastodon-export, bluesky-repo
      url: https://threadreaderapp.com/thread/123.html   # the copy's address, if known
      saved: 2021-02-01              # when the copy was saved, if known
    lang: es                         # optional language of the posts (BCP 47), when not English
    author:
      name: Dr Example
      handle: example
      url: https://twitter.com/example
    posts:
      - |
        The first post. Plain text; URLs become links, blank lines make paragraphs.
      - text: A post with a picture.
        images:
          - file: media/sources/diagram.png   # relative to content/
            alt: What the picture shows, for readers who cannot see it.
      - text: A post with a poll, transcribed with its counts.
        poll:
          options:                     # in the order the platform showed them
            - {label: It widens, votes: 412}
            - {label: It stays normal, votes: 97}
            - It narrows                 # text alone: the count was not visible
          final: true                  # the counts are the final results
          ends: 2021-01-13T18:00:00Z   # when the poll closed (or closes)
          counted: 2021-01-14          # when these counts were read
          total: 509                   # optional; otherwise the sum of the votes
        community_note:                # optional: the Community Note shown under it
          text: Readers added context they thought people might want to know.
          date: 2021-01-15
      - text: A post in another language than the rest.
        lang: pt

It loads into the same :class:`~tweetorials.snapshot.model.Thread` as a fetched snapshot, so
the rest of the site cannot tell the difference, except that the page says it is an archived
copy (and, for ``sample: true``, that it is sample content).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import yaml

from ..languages import language_tag
from ..platforms import PLATFORMS
from ..sanitize import clean_html, text_to_html
from .model import (
    PROVENANCE_KINDS,
    Author,
    CommunityNote,
    Media,
    Poll,
    PollOption,
    Post,
    Provenance,
    SnapshotError,
    Thread,
)
from .times import format_utc

__all__ = ["load_handwritten"]

_THREAD_KEYS = {
    "platform",
    "url",
    "note",
    "sample",
    "posted",
    "lang",
    "author",
    "posts",
    "provenance",
}
_PROVENANCE_KEYS = {"kind", "url", "saved"}
_AUTHOR_KEYS = {"name", "handle", "url"}
_POST_KEYS = {"text", "images", "posted", "url", "lang", "poll", "community_note"}
_IMAGE_KEYS = {"file", "alt"}
_POLL_KEYS = {"options", "final", "ends", "counted", "total", "voters", "multiple"}
_OPTION_KEYS = {"label", "votes"}
_NOTE_KEYS = {"text", "date"}
_PROFILE = {
    "x": "https://x.com/{}",
    "bluesky": "https://bsky.app/profile/{}",
}
_MENTION = re.compile(r"(?<![\w/@])@([A-Za-z0-9_]{1,30})\b")


def load_handwritten(path: Path) -> Thread:
    """Read a hand-written snapshot; every problem raises :class:`SnapshotError` naming the file.

    Kept in one piece: it checks the file's keys in the order the format documents them
    (docs/snapshot-format.md), so the two can be read side by side.
    """
    where = str(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SnapshotError(f"{where}: no such snapshot") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise SnapshotError(
            f"{where}{line}: not valid YAML ({getattr(exc, 'problem', exc)})"
        ) from None

    def fail(message: str) -> SnapshotError:
        return SnapshotError(f"{where}: {message}")

    if not isinstance(data, dict):
        raise fail("expected a mapping with author and posts")
    _no_unknown(data, _THREAD_KEYS, "", fail)

    platform = data.get("platform", "manual")
    if platform not in PLATFORMS:
        raise fail(f"platform {platform!r} is not one of {', '.join(PLATFORMS)}")
    url = data.get("url")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise fail("url is required: the original (or best known) http(s) address of the thread")

    raw_author = data.get("author")
    if not isinstance(raw_author, dict):
        raise fail("author is required, with name, handle and url")
    _no_unknown(raw_author, _AUTHOR_KEYS, "author.", fail)
    for key in ("name", "handle", "url"):
        if not isinstance(raw_author.get(key), str) or not raw_author[key].strip():
            raise fail(f"author.{key} is required (text)")
    author = Author(
        name=raw_author["name"].strip(),
        handle=raw_author["handle"].strip().lstrip("@"),
        url=raw_author["url"].strip(),
    )

    raw_posts = data.get("posts")
    if not isinstance(raw_posts, list) or not raw_posts:
        raise fail("posts is required: a list with at least one post")
    thread_time = _time(data.get("posted"), "posted", fail)
    thread_lang = _lang(data.get("lang"), "lang", fail)
    posts = [
        _post(raw, index, url, platform, thread_time, fail)
        for index, raw in enumerate(raw_posts, start=1)
    ]
    for post in posts:
        post.lang = post.lang or thread_lang
    return Thread(
        platform=platform,
        url=url,
        author=author,
        posts=posts,
        fetched_at=None,
        source="handwritten",
        sample=bool(data.get("sample", False)),
        note=str(data.get("note") or "").strip(),
        provenance=_provenance(data.get("provenance"), fail),
    )


def _provenance(raw: Any, fail: Any) -> Provenance | None:
    """The ``provenance:`` block that ``tweetorials import`` writes, checked like the rest."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise fail("provenance: expected a mapping with kind, url and saved")
    _no_unknown(raw, _PROVENANCE_KEYS, "provenance.", fail)
    kind = raw.get("kind")
    if kind not in PROVENANCE_KINDS:
        raise fail(f"provenance.kind {kind!r} is not one of {', '.join(PROVENANCE_KINDS)}")
    url = raw.get("url")
    if url is not None and (
        not isinstance(url, str) or not url.startswith(("http://", "https://"))
    ):
        raise fail(f"provenance.url {url!r} must be an http(s) address")
    return Provenance(kind=kind, saved=_time(raw.get("saved"), "provenance.saved", fail), url=url)


def _post(
    raw: Any, index: int, thread_url: str, platform: str, thread_time: str | None, fail: Any
) -> Post:
    where = f"posts[{index - 1}]"
    raw, text = _text_or_mapping(
        raw, _POST_KEYS, where, "text or a mapping with text and images", fail
    )
    media = []
    for i, image in enumerate(raw.get("images") or []):
        if not isinstance(image, dict):
            raise fail(f"{where}.images[{i}]: expected a mapping with file and alt")
        _no_unknown(image, _IMAGE_KEYS, f"{where}.images[{i}].", fail)
        file = image.get("file")
        if (
            not isinstance(file, str)
            or not file
            or file.startswith("/")
            or ".." in Path(file).parts
        ):
            raise fail(
                f"{where}.images[{i}].file must be a path inside content/, e.g. media/sources/x.png"
            )
        media.append(Media(kind="image", url=file, alt=str(image.get("alt") or "").strip()))
    return Post(
        id=str(index),
        url=str(raw.get("url") or thread_url),
        created_at=_time(raw.get("posted"), f"{where}.posted", fail) or thread_time,
        text=text,
        html=_link_mentions(text_to_html(text), platform),
        media=media,
        lang=_lang(raw.get("lang"), f"{where}.lang", fail),
        poll=_poll(raw["poll"], f"{where}.poll", fail) if raw.get("poll") is not None else None,
        community_note=_community_note(raw["community_note"], f"{where}.community_note", fail)
        if raw.get("community_note") is not None
        else None,
    )


def _poll(raw: Any, where: str, fail: Any) -> Poll:
    """A transcribed poll: options as ``{label, votes}`` or bare text (count not visible)."""
    if not isinstance(raw, dict):
        raise fail(f"{where}: expected a mapping with options (and final, ends, counted)")
    _no_unknown(raw, _POLL_KEYS, f"{where}.", fail)
    raw_options = raw.get("options")
    if not isinstance(raw_options, list) or len(raw_options) < 2:
        raise fail(f"{where}.options is required: a list of at least two answers")
    options = []
    for i, option in enumerate(raw_options):
        owhere = f"{where}.options[{i}]"
        if isinstance(option, str | int | float) and not isinstance(option, bool):
            option = {"label": str(option)}
        if not isinstance(option, dict):
            raise fail(f"{owhere}: expected the answer's text, or a mapping with label and votes")
        _no_unknown(option, _OPTION_KEYS, f"{owhere}.", fail)
        label = option.get("label")
        if label is None or isinstance(label, bool | dict | list) or not str(label).strip():
            raise fail(f"{owhere}.label is required (the answer's text)")
        options.append(PollOption(str(label).strip(), _count(option.get("votes"), owhere, fail)))
    final = raw.get("final", False)
    if not isinstance(final, bool):
        raise fail(f"{where}.final: expected true or false, found {final!r}")
    multiple = raw.get("multiple", False)
    if not isinstance(multiple, bool):
        raise fail(f"{where}.multiple: expected true or false, found {multiple!r}")
    return Poll(
        options=options,
        total_votes=_count(raw.get("total"), f"{where}.total", fail),
        final=final,
        ends_at=_time(raw.get("ends"), f"{where}.ends", fail),
        counted_at=_time(raw.get("counted"), f"{where}.counted", fail),
        multiple=multiple,
        voters=_count(raw.get("voters"), f"{where}.voters", fail),
    )


def _count(value: Any, where: str, fail: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise fail(f"{where}: expected a whole number of votes (0 or more), found {value!r}")
    return value


def _community_note(raw: Any, where: str, fail: Any) -> CommunityNote:
    """A transcribed Community Note: its text, or ``{text, date}``."""
    raw, text = _text_or_mapping(
        raw, _NOTE_KEYS, where, "the note's text, or a mapping with text and date", fail
    )
    return CommunityNote(
        text=text,
        html=text_to_html(text),
        created_at=_time(raw.get("date"), f"{where}.date", fail),
    )


def _lang(value: Any, where: str, fail: Any) -> str | None:
    if value is None:
        return None
    tag = language_tag(value)
    if tag is None:
        raise fail(f"{where}: expected a language tag such as es, pt or pt-BR, found {value!r}")
    return tag


def _link_mentions(html: str, platform: str) -> str:
    template = _PROFILE.get(platform)
    if not template:
        return html
    # Only outside tags: the sanitised HTML has no '@' inside attributes but href of links.
    parts = re.split(r"(<[^>]+>)", html)
    for i, part in enumerate(parts):
        if not part.startswith("<"):
            parts[i] = _MENTION.sub(
                lambda m: f'<a href="{template.format(m.group(1))}">@{m.group(1)}</a>', part
            )
    return clean_html("".join(parts))


def _time(value: Any, where: str, fail: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return format_utc(value)
    if isinstance(value, dt.date):
        return f"{value.isoformat()}T00:00:00Z"
    raise fail(f"{where}: expected a date like 2021-01-12, found {value!r}")


def _text_or_mapping(
    raw: Any, keys: set[str], where: str, expected: str, fail: Any
) -> tuple[dict[str, Any], str]:
    """A bare text stands for ``{text: ...}``; either way the mapping and its stripped text."""
    if isinstance(raw, str):
        raw = {"text": raw}
    if not isinstance(raw, dict):
        raise fail(f"{where}: expected {expected}")
    _no_unknown(raw, keys, f"{where}.", fail)
    text = raw.get("text")
    if not isinstance(text, str) or not text.strip():
        raise fail(f"{where}.text is required")
    return raw, text.strip()


def _no_unknown(mapping: dict[str, Any], known: set[str], prefix: str, fail: Any) -> None:
    extra = sorted(set(mapping) - known)
    if extra:
        raise fail(f"unknown field {prefix}{extra[0]}; known: {', '.join(sorted(known))}")
