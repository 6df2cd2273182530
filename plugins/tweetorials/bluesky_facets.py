"""Bluesky rich text: plain text plus "facets" that mark links, mentions and hashtags.

A facet points into the text by **UTF-8 byte** offsets (``index.byteStart``/``byteEnd``), not
by Python string indices: one emoji before a link moves every later character by four bytes
but by one code point. Slicing ``str`` with those numbers silently links the wrong words, so
everything here works on the encoded bytes and only decodes whole, valid slices.

Facets are written by clients, so they are untrusted input like the text: offsets out of
range, overlapping, or cutting a character in half are ignored (the text still shows, just
without that link), and only http(s) links are ever made into anchors.

Used by the Bluesky fetch source (AppView answers) and by the importer of repository exports
(``rescue/``), so it sits at the package root, below both.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from .sanitize import clean_html, is_safe_url

__all__ = ["Segment", "facets_to_html", "segments"]

PROFILE_URL = "https://bsky.app/profile/{did}"
HASHTAG_URL = "https://bsky.app/hashtag/{tag}"

_LINK = "app.bsky.richtext.facet#link"
_MENTION = "app.bsky.richtext.facet#mention"
_TAG = "app.bsky.richtext.facet#tag"

# Bare URLs in text that has no link facet (posts made by scripts often lack facets).
_BARE_URL = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]}]")


@dataclass(frozen=True)
class Segment:
    """A run of text and, when it is a link, mention or hashtag, where it points."""

    text: str
    href: str | None = None
    kind: str = "text"  # "text", "link", "mention" or "tag"


def segments(text: str, facets: Iterable[Any] | None) -> list[Segment]:
    """Split ``text`` into runs by its facets, in order; unusable facets are skipped."""
    data = text.encode("utf-8")
    spans: list[tuple[int, int, str, str]] = []
    for facet in facets or ():
        span = _span(facet, data)
        if span is not None:
            spans.append(span)
    spans.sort(key=lambda s: (s[0], s[1]))

    out: list[Segment] = []
    cursor = 0
    for start, end, href, kind in spans:
        if start < cursor:  # overlaps the previous facet: keep the first one
            continue
        out.extend(_plain(data[cursor:start].decode("utf-8")))
        out.append(Segment(data[start:end].decode("utf-8"), href, kind))
        cursor = end
    out.extend(_plain(data[cursor:].decode("utf-8")))
    return [s for s in out if s.text]


def facets_to_html(text: str, facets: Iterable[Any] | None) -> str:
    """The post as sanitised HTML: paragraphs at blank lines, ``<br>`` at single newlines."""
    pieces = []
    for seg in segments(text, facets):
        escaped = html.escape(seg.text, quote=False)
        if seg.href:
            pieces.append(f'<a href="{html.escape(seg.href)}">{escaped}</a>')
        else:
            pieces.append(escaped)
    body = "".join(pieces).strip()
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip()]
    return clean_html("".join(f"<p>{p.replace(chr(10), '<br>')}</p>" for p in paragraphs))


def _span(facet: Any, data: bytes) -> tuple[int, int, str, str] | None:
    if not isinstance(facet, dict):
        return None
    index = facet.get("index")
    if not isinstance(index, dict):
        return None
    start, end = index.get("byteStart"), index.get("byteEnd")
    if not (_whole(start) and _whole(end)):
        return None
    assert isinstance(start, int) and isinstance(end, int)  # for mypy: _whole said so
    if not (0 <= start < end <= len(data)):
        return None
    if not (_boundary(data, start) and _boundary(data, end)):
        return None
    for feature in facet.get("features") or ():
        target = _target(feature)
        if target is not None:
            return (start, end, *target)
    return None


def _boundary(data: bytes, index: int) -> bool:
    """True when ``index`` does not fall inside a multi-byte UTF-8 character."""
    return index == len(data) or (data[index] & 0xC0) != 0x80


def _target(feature: Any) -> tuple[str, str] | None:
    if not isinstance(feature, dict):
        return None
    kind = feature.get("$type")
    if kind == _LINK:
        uri = feature.get("uri")
        if isinstance(uri, str) and is_safe_url(uri) and not any(c.isspace() for c in uri):
            return uri, "link"
    elif kind == _MENTION:
        did = feature.get("did")
        if isinstance(did, str) and re.fullmatch(r"did:[a-z]+:[A-Za-z0-9._:%-]+", did):
            return PROFILE_URL.format(did=did), "mention"
    elif kind == _TAG:
        tag = feature.get("tag")
        if isinstance(tag, str) and tag.strip():
            return HASHTAG_URL.format(tag=quote(tag.strip().lstrip("#"), safe="")), "tag"
    return None


def _plain(text: str) -> list[Segment]:
    """Text outside any facet, with bare http(s) URLs still made into links."""
    out: list[Segment] = []
    last = 0
    for m in _BARE_URL.finditer(text):
        out.append(Segment(text[last : m.start()]))
        out.append(Segment(m.group(0), m.group(0), "link"))
        last = m.end()
    out.append(Segment(text[last:]))
    return out


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
