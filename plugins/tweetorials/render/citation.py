"""Cite this thread: an AMA-style line to copy, and BibTeX and RIS files to download.

Tweetorials end up in slides, theses and papers; a citation that names the author, the platform,
the date posted and the archived copy is what lets a reader find the thread again after it is
deleted. The three forms are computed from one :class:`CitationData` so they cannot disagree.

Escaping, because names and titles are written by strangers: BibTeX values escape LaTeX's
special characters (braces included) and keep other Unicode as UTF-8 (biber and modern BibTeX
read it); RIS has no escaping at all, so line breaks and control characters are removed,
since a newline in a value would start a new, forged tag.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import quote

__all__ = [
    "CitationData",
    "ama_citation",
    "bibtex_entry",
    "bibtex_escape",
    "citation_key",
    "ris_record",
]

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_BIBTEX_MONTHS = (
    "jan",
    "feb",
    "mar",
    "apr",
    "may",
    "jun",
    "jul",
    "aug",
    "sep",
    "oct",
    "nov",
    "dec",
)
_LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
}
_LATEX_RE = re.compile("|".join(re.escape(c) for c in _LATEX_SPECIALS))
# Characters that a URL may keep verbatim; everything else (braces, backslashes, spaces,
# non-ASCII) is percent-encoded so that a BibTeX url field stays balanced and unambiguous.
_URL_SAFE = ":/?#[]@!$&'()*+,;=-._~%"


@dataclass(frozen=True)
class CitationData:
    """Everything a citation says, already in plain text."""

    author: str
    handle: str  # without "@"; empty for hand-written copies with no handle
    title: str
    platform: str  # "X (Twitter)", "Bluesky", ...; empty when unknown (hand-written copies)
    posted: dt.datetime | None
    archived: dt.datetime | None
    url: str  # the original thread
    archive_url: str  # this site's copy
    site_name: str
    key: str  # BibTeX key, ASCII

    @property
    def author_display(self) -> str:
        return f"{self.author} (@{self.handle})" if self.handle else self.author


def ama_citation(c: CitationData) -> str:
    """``Author (@handle). Title [thread]. Platform. Posted Month D, YYYY. Accessed ... URL``.

    AMA style for social media posts: the date accessed is the date the library archived the
    thread, and the archived copy follows, so the citation still resolves after a deletion.
    """
    parts = [_sentence(c.author_display), _sentence(f"{c.title} [thread]")]
    if c.platform:
        parts.append(_sentence(c.platform))
    if c.posted:
        parts.append(f"Posted {_ama_date(c.posted)}.")
    if c.archived:
        parts.append(f"Accessed {_ama_date(c.archived)}.")
    # AMA ends with the URL and no full stop; the archived copy follows in brackets.
    parts.append(f"{_one_line(c.url)} (archived copy, {_one_line(c.site_name)}: {c.archive_url})")
    return " ".join(parts)


def bibtex_entry(c: CitationData) -> str:
    """One ``@misc`` entry. The author is braced as a whole: display names are not
    ``First Last`` and a comma in one must not be read as ``Last, First``."""
    fields: list[tuple[str, str]] = [
        ("author", "{" + bibtex_escape(c.author_display) + "}"),
        ("title", "{" + bibtex_escape(c.title) + "} [thread]"),
    ]
    if c.platform:
        fields.append(("howpublished", bibtex_escape(c.platform)))
    if c.posted:
        fields += [("year", str(c.posted.year)), ("month", _BIBTEX_MONTHS[c.posted.month - 1])]
        fields.append(("date", c.posted.date().isoformat()))
    fields.append(("url", _bibtex_url(c.url)))
    if c.archived:
        fields.append(("urldate", c.archived.date().isoformat()))
    # Inside another command's argument, \url needs % and # escaped (url package manual).
    archive = _bibtex_url(c.archive_url).replace("%", r"\%").replace("#", r"\#")
    fields.append(
        ("note", bibtex_escape(f"Archived by {c.site_name}:") + r" \url{" + archive + "}")
    )
    body = ",\n".join(
        f"  {name} = {value}" if name == "month" else f"  {name} = {{{value}}}"
        for name, value in fields
    )
    return f"@misc{{{c.key},\n{body}\n}}\n"


def ris_record(c: CitationData) -> str:
    """One RIS record (type ``ELEC``), lines ending CRLF as the format asks."""
    lines: list[tuple[str, str]] = [
        ("TY", "ELEC"),
        ("AU", c.author_display),
        ("TI", f"{c.title} [thread]"),
    ]
    if c.platform:
        lines.append(("PB", c.platform))
    if c.posted:
        lines += [("PY", str(c.posted.year)), ("DA", c.posted.strftime("%Y/%m/%d/"))]
    if c.archived:
        lines.append(("Y2", c.archived.strftime("%Y/%m/%d/")))
    lines.append(("UR", c.url))
    lines.append(("UR", c.archive_url))
    lines.append(("N1", f"Archived by {c.site_name}: {c.archive_url}"))
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {_ris_value(value)}\r\n" for tag, value in lines)


def bibtex_escape(text: str) -> str:
    """Text safe inside a braced BibTeX value: LaTeX specials escaped, Unicode kept."""
    text = _one_line(text)
    return _LATEX_RE.sub(lambda m: _LATEX_SPECIALS[m.group(0)], text)


def citation_key(handle: str, posted: dt.datetime | None, title: str) -> str:
    """``handle2021word``: ASCII letters, digits and underscores only, as every tool accepts."""
    first_word = next((w for w in _ascii(title).lower().split() if len(w) > 3), "thread")
    key = f"{_ascii(handle) or 'anon'}{posted.year if posted else ''}{first_word}"
    return re.sub(r"[^A-Za-z0-9_]", "", key) or "thread"


def _ama_date(value: dt.datetime) -> str:
    return f"{_MONTHS[value.month - 1]} {value.day}, {value.year}"


def _sentence(text: str) -> str:
    text = _one_line(text)
    return text if text.endswith((".", "?", "!")) else text + "."


def _one_line(text: str) -> str:
    """Collapse whitespace and drop control characters (a citation is one line)."""
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C" or ch in "\t\n\r")
    return re.sub(r"\s+", " ", text).strip()


def _ris_value(text: str) -> str:
    return _one_line(text)[:255] if text else ""


def _bibtex_url(url: str) -> str:
    return quote(_one_line(url), safe=_URL_SAFE)


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
