"""Languages of posts: one spelling for every platform, and the language of a whole thread.

X says ``lang``, Mastodon ``language``, Bluesky ``langs``; all three reach the snapshot as one
BCP 47 tag per post (:func:`language_tag`). The page uses it twice: a post whose language
differs from the site's gets a ``lang`` attribute (WCAG 3.1.2, so a screen reader switches
voice), and the thread's language (:func:`thread_language`) goes into ``<html lang>``, which
Pagefind reads to index each language with its own stemming, and into JSON-LD ``inLanguage``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

__all__ = ["language_tag", "primary_subtag", "thread_language"]


#: Codes X gives posts that have no language of their own (hashtags only, media only, ...).
_NO_LANGUAGE = frozenset({"und", "zxx", "qam", "qct", "qht", "qme", "qst", "mul"})
#: Old ISO 639 codes X still sends, and the tags browsers and screen readers know.
_RENAMED = {"in": "id", "iw": "he", "ji": "yi"}
_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")


def language_tag(value: Any) -> str | None:
    """A post's language as a BCP 47 tag for ``lang=""`` (``es``, ``pt-BR``), or ``None``.

    Platforms say it in different ways (X ``lang``, Mastodon ``language``, Bluesky ``langs``)
    and sometimes say "undetermined": those and anything that is not a well-formed tag are
    ``None``, so a page never carries a ``lang`` that a screen reader cannot use.
    """
    if isinstance(value, list):  # Bluesky: the languages the author picked, main one first
        return next((tag for tag in map(language_tag, value) if tag), None)
    if not isinstance(value, str) or not _TAG.fullmatch(value.strip()):
        return None
    primary, *rest = value.strip().split("-")
    primary = primary.lower()
    if primary in _NO_LANGUAGE:
        return None
    primary = _RENAMED.get(primary, primary)
    # Region subtags are upper case by convention (pt-BR), scripts title case (zh-Hant).
    subtags = [s.upper() if len(s) == 2 else s.title() if len(s) == 4 else s.lower() for s in rest]
    return "-".join([primary, *subtags])


def primary_subtag(tag: str) -> str:
    """``pt`` of ``pt-BR``: what decides whether two tags are the same language for a reader."""
    return tag.split("-", 1)[0].lower()


def thread_language(tags: Iterable[str | None]) -> str | None:
    """The language most of the posts are in (the first post's when tied), or ``None``.

    Compared by primary subtag, so ``pt`` and ``pt-BR`` count as one language; the answer is
    the first tag seen for it.
    """
    known = [tag for tag in tags if tag]
    if not known:
        return None
    counts = Counter(primary_subtag(tag) for tag in known)
    best = max(counts.values())
    return next(tag for tag in known if counts[primary_subtag(tag)] == best)
