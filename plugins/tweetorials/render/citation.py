"""Cite this thread: AMA 11 text to copy, and BibTeX, RIS and CSL-JSON files to download.

Tweetorials end up in slides, theses and papers; a citation that names the author, the platform,
the date posted and the archived copy is what lets a reader find the thread again after it is
deleted. Every form is computed from one :class:`CitationData` so they cannot disagree, and
none ever states a date we do not know: no posting date means no ``date``/``DA``/``issued``
and "Date posted unknown" in the text, never the day the thread was added or archived.

Item types, chosen from what reference managers do with them (Zotero's translators read from
its source): CSL-JSON ``post`` is Zotero's *Forum Post*, which Zotero's own X/Twitter
translator uses for posts; RIS has no tag Zotero imports as a Forum Post (``ICOMM`` becomes
an e-mail), so RIS says ``BLOG``, Zotero's *Blog Post*, the type it also gives schema.org's
``SocialMediaPosting``; BibTeX says biblatex ``@online``, which Zotero imports as a web page.

Escaping, because names and texts are written by strangers: BibTeX values escape LaTeX's
special characters (braces included) and keep other Unicode as UTF-8 (biber and modern BibTeX
read it); RIS has no escaping at all, so line breaks and control characters are removed, since
a newline in a value would start a new, forged tag. CSL-JSON is JSON and needs none.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import quote

from .citation_names import CitedName

__all__ = [
    "EXCERPT_WORDS",
    "CitationData",
    "ama_archive_note",
    "ama_citation",
    "bibtex_entry",
    "bibtex_escape",
    "citation_key",
    "excerpt",
    "ris_record",
]

#: AMA 11 cites a post by its text, "about the first 20 words".
EXCERPT_WORDS = 20

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
# Thread numbering at the start of a post ("1/", "1/7", "(1/n)", "🧵") is not the author's text.
_NUMBERING = re.compile(r"^\s*\(?\d{1,3}\s*/(?:\s*\d{1,3}\b|n\b)?\)?\s*")
_LINK = re.compile(r"https?://\S+")


@dataclass(frozen=True)
class CitationData:
    """Everything a citation says, already in plain text."""

    name: CitedName  # honorifics dropped; split into family and given names when reliable
    handle: str  # without "@"; empty when unknown
    text: str  # the opening words of the thread (see :func:`excerpt`)
    platform: str  # "X (Twitter)", "Bluesky", ...; empty when unknown (hand-written copies)
    posted: dt.datetime | None  # None: the posting date is not known
    accessed: dt.datetime | None  # when the library archived the thread
    url: str  # the original thread; empty when its address was not preserved
    archive_url: str  # this site's copy
    site_name: str
    key: str  # citation key, ASCII

    @property
    def location(self) -> str:
        """Where the thread can be read: the original, else the archived copy."""
        return self.url or self.archive_url


def excerpt(text: str, words: int = EXCERPT_WORDS) -> str:
    """The first ``words`` words of ``text`` without numbering or links, "…" when cut."""
    text = _LINK.sub("", _one_line(_NUMBERING.sub("", text.lstrip("🧵 "))))
    parts = text.split()
    if len(parts) <= words:
        return " ".join(parts)
    return " ".join(parts[:words]).rstrip(",;:–—-") + "…"


def ama_citation(c: CitationData) -> str:
    """``Author [@handle]. Text. Platform. Posted Month D, YYYY. Accessed Month D, YYYY. URL``.

    AMA 11 for social media posts. Without a known posting date the text says so instead of
    giving another date, and without the original address it says that too: the archived
    copy's address is the separate second part, :func:`ama_archive_note`.
    """
    author = c.name.ama + (f" [@{c.handle}]" if c.handle else "")
    parts = [_sentence(author), _sentence(c.text)]
    if c.platform:
        parts.append(_sentence(c.platform))
    parts.append(f"Posted {_ama_date(c.posted)}." if c.posted else "Date posted unknown.")
    if c.accessed:
        parts.append(f"Accessed {_ama_date(c.accessed)}.")
    # AMA ends with the URL, without a full stop.
    parts.append(_one_line(c.url) if c.url else "Original address not preserved.")
    return " ".join(parts)


def ama_archive_note(c: CitationData) -> str:
    """The second part, set apart from the AMA reference: where the archived copy is."""
    return f"Archived copy: {_one_line(c.site_name)}. {_one_line(c.archive_url)}"


def bibtex_entry(c: CitationData) -> str:
    """One biblatex ``@online`` entry.

    A person is written ``Family, Given`` (each part braced-safe), anything else as one braced
    literal name so that neither a comma nor an "and" in it splits it. The handle goes in
    ``nameaddon``, biblatex's field for an alias printed after the author's name.
    """
    fields: list[tuple[str, str]] = [("author", _bibtex_name(c.name))]
    if c.handle:
        fields.append(("nameaddon", bibtex_escape(f"@{c.handle}")))
    fields.append(("title", bibtex_escape(c.text)))
    if c.platform:
        fields.append(("organization", bibtex_escape(c.platform)))
    if c.posted:
        fields.append(("date", c.posted.date().isoformat()))
    fields.append(("url", _bibtex_url(c.location)))
    if c.accessed:
        fields.append(("urldate", c.accessed.date().isoformat()))
    # Inside another command's argument, \url needs % and # escaped (url package manual).
    archive = _bibtex_url(c.archive_url).replace("%", r"\%").replace("#", r"\#")
    note = bibtex_escape(_archive_sentence(c)) + r" \url{" + archive + "}"
    fields.append(("note", note))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@online{{{c.key},\n{body}\n}}\n"


def ris_record(c: CitationData) -> str:
    """One RIS record (type ``BLOG``, see the module notes), lines ending CRLF as RIS asks.

    Zotero reads ``AU  - Family, Given`` as a person and a name without a comma as one
    single-field name, so commas are taken out of literal names.
    """
    author = c.name.inverted if c.name.is_person else c.name.literal.replace(",", "")
    lines: list[tuple[str, str]] = [("TY", "BLOG"), ("AU", author), ("TI", c.text)]
    if c.platform:
        lines.append(("T2", c.platform))  # Zotero: the blog's (here the platform's) title
    if c.posted:
        lines += [("DA", c.posted.strftime("%Y/%m/%d/")), ("PY", str(c.posted.year))]
    if c.accessed:
        lines.append(("Y2", c.accessed.strftime("%Y/%m/%d/")))
    lines.append(("UR", c.location))
    note = f"{_archive_sentence(c)} {c.archive_url}"
    if c.handle:
        note += f" Author's handle: @{c.handle}."
    lines += [("N1", note), ("ER", "")]
    return "".join(f"{tag}  - {_ris_value(value)}\r\n" for tag, value in lines)


def bibtex_escape(text: str) -> str:
    """Text safe inside a braced BibTeX value: LaTeX specials escaped, Unicode kept."""
    text = _one_line(text)
    return _LATEX_RE.sub(lambda m: _LATEX_SPECIALS[m.group(0)], text)


def citation_key(handle: str, posted: dt.datetime | None, text: str) -> str:
    """``handle2021word``: ASCII letters, digits and underscores only, as every tool accepts."""
    first_word = next((w for w in _ascii(text).lower().split() if len(w) > 3), "thread")
    key = f"{_ascii(handle) or 'anon'}{posted.year if posted else ''}{first_word}"
    return re.sub(r"[^A-Za-z0-9_]", "", key) or "thread"


def _archive_sentence(c: CitationData) -> str:
    if c.url:
        return f"Archived copy: {_one_line(c.site_name)}."
    return f"Original address not preserved; archived copy: {_one_line(c.site_name)}."


def _bibtex_name(name: CitedName) -> str:
    if name.is_person:
        return f"{bibtex_escape(name.family)}, {bibtex_escape(name.given)}"
    return "{" + bibtex_escape(name.literal) + "}"


def _ama_date(value: dt.datetime) -> str:
    return f"{_MONTHS[value.month - 1]} {value.day}, {value.year}"


def _sentence(text: str) -> str:
    text = _one_line(text)
    return text if text.endswith((".", "?", "!", "…")) else text + "."


def _one_line(text: str) -> str:
    """Collapse whitespace and drop control characters (a citation is one line)."""
    if not text.isprintable():  # printable text has no control characters: skip the scan
        text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C" or ch in "\t\n\r")
    # str.split() and re's \s agree on what whitespace is; split + join is 5x faster.
    return " ".join(text.split())


def _ris_value(text: str) -> str:
    return _one_line(text)[:255] if text else ""


def _bibtex_url(url: str) -> str:
    return quote(_one_line(url), safe=_URL_SAFE)


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
