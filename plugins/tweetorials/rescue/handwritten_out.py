"""Writing an unrolled copy as a hand-written snapshot, for a maintainer to review.

The YAML is the format of :mod:`tweetorials.snapshot.handwritten`, written the way a person
would write it (posts as ``|`` blocks, plain scalars where YAML reads them back unchanged), so
the review diff is the text itself. The output is a pure function of the thread: importing the
same copy twice writes the same bytes. :func:`handwritten_yaml` checks its own work: the text
must load back as exactly the posts it was given.
"""

from __future__ import annotations

import re

import yaml

from ..catalog.append import yaml_scalar
from ..snapshot import Thread
from .errors import RefusedImport

__all__ = ["handwritten_yaml"]

HEADER = """\
# Hand-written snapshot, written by `tweetorials import` from an unrolled copy.
# Review it against the copy before publishing: the author's name, the text of each post,
# and any pictures the copy showed (add them under images: with their alt text).
# Format: plugins/tweetorials/snapshot/handwritten.py
"""

_LITERAL_OK = re.compile(r"^[^\x00-\x08\x0b-\x1f\x7f\x85\u2028\u2029\ufeff\t\r]*$")


def handwritten_yaml(thread: Thread) -> str:
    """The YAML text of ``thread`` (an unrolled copy: posts with text, maybe a url each)."""
    lines = HEADER.splitlines()
    lines.append(f"platform: {thread.platform}")
    lines.append(f"url: {yaml_scalar(thread.url)}")
    provenance = thread.provenance
    if provenance is not None:
        lines.append("provenance:")
        lines.append(f"  kind: {provenance.kind}")
        if provenance.url:
            lines.append(f"  url: {yaml_scalar(provenance.url)}")
        if provenance.saved:
            lines.append(f"  saved: {provenance.saved[:10]}")
    lines.append("author:")
    for key in ("name", "handle", "url"):
        lines.append(f"  {key}: {yaml_scalar(getattr(thread.author, key))}")
    lines.append("posts:")
    for post in thread.posts:
        with_url = post.url != thread.url
        if with_url:
            lines.append(f"  - url: {yaml_scalar(post.url)}")
            lines.extend(_text_lines(post.text, "    text: ", "      "))
        else:
            lines.extend(_text_lines(post.text, "  - ", "    "))
    text = "\n".join(lines) + "\n"
    _verify(text, thread)
    return text


def _text_lines(text: str, lead: str, indent: str) -> list[str]:
    """A ``|`` block when the text survives one unchanged, else a double-quoted scalar."""
    body = text.strip()
    usable = (
        _LITERAL_OK.match(body)
        and not body.startswith(" ")
        and all(line == line.rstrip() for line in body.split("\n"))
    )
    if not usable:
        return [lead + yaml_scalar(body)]
    return [lead + "|"] + [indent + line if line else "" for line in body.split("\n")]


def _verify(text: str, thread: Thread) -> None:
    data = yaml.safe_load(text)
    posts = data.get("posts") if isinstance(data, dict) else None
    loaded = [p if isinstance(p, str) else p.get("text") for p in posts or []]
    if [str(t).strip() for t in loaded] != [p.text.strip() for p in thread.posts]:
        raise RefusedImport("the copy could not be written as YAML without changing its text")
