"""CSL-JSON items and Highwire ``citation_*`` tags: the citation as machines read it.

CSL-JSON is what Zotero, Pandoc and citeproc read, so a thread's item (and one file per
specialty with all its threads) can be imported or cited without retyping. The Highwire tags
in the page head are what Zotero's browser connector reads ("Embedded Metadata"); with only
``citation_title`` it guesses *Journal Article*, so the page also says ``DC.type`` =
``forumPost``, which that translator takes as the item type (a Zotero type name in ``DC.type``
outranks its guess; ``og:type`` ``article`` does not, and ``website`` would).

Dates only when known, as everywhere in :mod:`.citation`.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from .citation import CitationData

__all__ = ["csl_entry", "csl_file", "csl_item", "highwire_tags"]


def csl_item(c: CitationData) -> dict[str, Any]:
    """One CSL-JSON item of type ``post`` (a post on a social platform or forum)."""
    item: dict[str, Any] = {"id": c.key, "type": "post", "title": c.text}
    name = c.name
    item["author"] = [
        {"family": name.family, "given": name.given}
        if name.is_person
        else {"literal": name.literal}
    ]
    if c.platform:
        item["container-title"] = c.platform
    item["genre"] = "Thread"  # APA's bracketed description, "[Thread]"
    if c.posted:
        item["issued"] = _date_parts(c.posted)
    if c.accessed:
        item["accessed"] = _date_parts(c.accessed)
    item["URL"] = c.location
    # No "archive" variable: APA prints it as if it were the publisher.
    note = f"Archived copy: {c.site_name}, {c.archive_url}"
    if c.handle:
        note += f"\nAuthor's handle: @{c.handle}"
    item["note"] = note
    return item


def csl_entry(item: dict[str, Any]) -> str:
    """One item as a CSL-JSON file lists it (two-space indents, one level in), written once
    for the thread's file and every specialty's: json's indenting encoder is pure Python."""
    return json.dumps(item, ensure_ascii=False, indent=2).replace("\n", "\n  ")


def csl_file(entries: list[str]) -> str:
    """A CSL-JSON file (always a list, UTF-8 kept readable) of items written by
    :func:`csl_entry`: the text of ``json.dumps(items, ensure_ascii=False, indent=2)``."""
    if not entries:
        return "[]\n"
    return "[\n  " + ",\n  ".join(entries) + "\n]\n"


def highwire_tags(c: CitationData) -> list[tuple[str, str]]:
    """``(name, content)`` pairs for ``<meta>`` tags, in the order Zotero's translator reads."""
    tags = [
        ("DC.type", "forumPost"),
        ("citation_title", c.text),
        # Zotero reads a comma as "Family, Given": none may remain in a literal name.
        (
            "citation_author",
            c.name.inverted if c.name.is_person else c.name.literal.replace(",", ""),
        ),
    ]
    if c.posted:
        tags.append(("citation_publication_date", c.posted.strftime("%Y/%m/%d")))
    tags.append(("citation_public_url", c.location))
    return tags


def _date_parts(value: dt.datetime) -> dict[str, list[list[int]]]:
    return {"date-parts": [[value.year, value.month, value.day]]}
