"""The literature a thread cites: DOIs, PubMed and PMC records, and journal links.

Readers of a tweetorial want to check the evidence, and a thread's links are scattered over
many posts, half of them hidden behind link previews. This module reads a snapshot (post text,
post HTML, link cards, quoted posts) and lists every reference once, in order of first mention,
with the numbers of the posts that cite it. It never touches the network: everything is
recognised from the text alone.

Rules worth knowing (each is tested):

* A DOI inside any URL (``doi.org/...``, ``nejm.org/doi/full/10.1056/...``, bioRxiv content
  links) is reported as that DOI, because the DOI outlives the publisher's URL scheme.
* Prose punctuation after an identifier is not part of it (``10.1000/xyz.``), but balanced
  brackets are (``10.1016/S0140-6736(20)30183-5``).
* Text that a platform shortened (``nejm.org/doi/full/10.1056/NEJMo…``) never yields an
  identifier; the full link in the post's HTML does.
* ``t.co`` and other shorteners are never references: they hide where they lead.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import unquote

from ..sanitize import split_url
from ..snapshot import LinkCard, Post, Thread

__all__ = ["JOURNAL_DOMAINS", "KIND_NAMES", "Reference", "find_references", "forget_links"]

# Publishers, journals and preprint servers whose links are references. A host matches when it
# is one of these or a subdomain of one (``www.``, ``onlinelibrary.wiley.com``, ...).
JOURNAL_DOMAINS: tuple[str, ...] = (
    "nejm.org",
    "thelancet.com",
    "jamanetwork.com",
    "bmj.com",
    "nature.com",
    "science.org",
    "sciencemag.org",
    "sciencedirect.com",
    "cell.com",
    "academic.oup.com",
    "ahajournals.org",
    "acpjournals.org",
    "annals.org",
    "wiley.com",
    "springer.com",
    "springeropen.com",
    "biomedcentral.com",
    "tandfonline.com",
    "sagepub.com",
    "karger.com",
    "thieme-connect.com",
    "lww.com",
    "plos.org",
    "frontiersin.org",
    "mdpi.com",
    "elifesciences.org",
    "jci.org",
    "atsjournals.org",
    "asahq.org",
    "aafp.org",
    "cmaj.ca",
    "mja.com.au",
    "cochranelibrary.com",
    "uptodate.com",
    "medrxiv.org",
    "biorxiv.org",
    "arxiv.org",
    "europepmc.org",
    "acc.org",
    "jacc.org",
    "ashpublications.org",
    "diabetesjournals.org",
    "journals.lww.com",
    "jamda.com",
    "chestnet.org",
    "journalofhospitalmedicine.com",
    "cjasn.asnjournals.org",
    "asnjournals.org",
    "ersjournals.com",
    "ajronline.org",
    "rsna.org",
    "aappublications.org",
    "pediatrics.aappublications.org",
    "who.int",
    "cdc.gov",
    "uspreventiveservicestaskforce.org",
    "nice.org.uk",
)

# Link shorteners and the platforms themselves: a link through them is not a citation.
_NEVER_HOSTS = ("t.co", "bit.ly", "buff.ly", "ow.ly", "tinyurl.com", "lnkd.in", "dlvr.it")

KIND_NAMES: dict[str, str] = {
    "doi": "DOI",
    "pubmed": "PubMed",
    "pmc": "PubMed Central",
    "journal": "Journal link",
}

_URL_RE = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)
# A link urlsplit would read plainly: see _host_and_path.
_PLAIN_LINK = re.compile(r"https?://([A-Za-z0-9.-]+)(/[^?#%\s]*)?(?:[?#][^%\s]*)?")
_HREF_RE = re.compile(r"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
# Their twins for text that spells every "http" and "href" in lower case (see _urls and
# _hrefs): Python's regular expressions skip ahead to a literal prefix only when the pattern
# starts with one and does not ignore case, nine times faster on a post's HTML.
_URL_LOWER = re.compile(r"https?://[^\s<>\"'`]+")
_HREF_LOWER = re.compile(r"""href\s*=\s*(?:"([^"]*)"|'([^']*)')""")
# A DOI: "10." registrant "/" suffix; the suffix runs to whitespace or a character that cannot
# be in a link. Trailing punctuation and unbalanced brackets are trimmed afterwards.
_DOI_RE = re.compile(r"\b10\.\d{4,9}/[^\s\"<>`]+")
_PMID_URL_RE = re.compile(
    r"(?:pubmed\.ncbi\.nlm\.nih\.gov/|ncbi\.nlm\.nih\.gov/pubmed/|europepmc\.org/(?:abstract/)?med/)"
    r"(\d{1,9})\b",
    re.IGNORECASE,
)
_PMID_TEXT_RE = re.compile(r"\bPMID:?\s*(\d{1,9})\b")
_PMC_RE = re.compile(r"\b(PMC\d{3,9})\b", re.IGNORECASE)
_TRUNCATED = ("…", "...")
_TRAILING = ".,;:!?'\"’”»›*_"
_PAIRS = {")": "(", "]": "[", "}": "{", ">": "<"}
# Publisher paths put views after the DOI: /doi/full/10.x/y/abstract, bioRxiv's v2.full.pdf.
_DOI_URL_SUFFIX_RE = re.compile(
    r"(?:/(?:full|abstract|pdf|epdf|fulltext|full-text|html|meta|references|supplemental|figures)"
    r"|v\d+(?:\.(?:full|abstract|supplementary-material)(?:\.pdf|-text)?)?|\.pdf)$",
    re.IGNORECASE,
)


@dataclass(slots=True)
class Reference:
    """One cited work, once, with the posts (1-based numbers) that mention it."""

    kind: str  # "doi" | "pubmed" | "pmc" | "journal"
    identifier: str  # the DOI, the PMID, the PMCID, or the journal URL
    url: str  # where the reference link points
    title: str = ""  # from a link card, when the platform showed one
    source_url: str = ""  # the link as posted, when it differs from ``url``
    posts: list[int] = field(default_factory=list)

    @property
    def kind_name(self) -> str:
        return KIND_NAMES[self.kind]

    @property
    def label(self) -> str:
        """How the reference reads without a title: ``doi:10.1/x``, ``PMID 123``, a domain."""
        if self.kind == "doi":
            return f"doi:{self.identifier}"
        if self.kind == "pubmed":
            return f"PMID {self.identifier}"
        if self.kind == "pmc":
            return f"PMCID {self.identifier}"
        parts = split_url(self.identifier)
        shown = (
            parts.netloc.removeprefix("www.") + parts.path.rstrip("/") if parts else self.identifier
        )
        return shown if len(shown) <= 70 else shown[:69] + "…"

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.identifier.lower())


def find_references(thread: Thread) -> list[Reference]:
    """Every reference in the thread, de-duplicated, in order of first mention."""
    found: dict[tuple[str, str], Reference] = {}
    for number, post in enumerate(thread.posts, start=1):
        cards = {_norm_url(c.url): c.title for c in _cards(post) if c.title}
        for ref in _post_references(post):
            if cards and ref.kind in ("journal", "doi") and not ref.title:
                ref.title = cards.get(_norm_url(ref.source_url or ref.url), "")
            known = found.setdefault(ref.key, ref)
            if not known.title and ref.title:
                known.title = ref.title
            if number not in known.posts:
                known.posts.append(number)
    return list(found.values())


def forget_links() -> None:
    """Empty the cache of links read so far (:func:`_reference_fields`): once every thread's
    references are found, its 8,192 entries would only take memory (about 2 MB)."""
    _reference_fields.cache_clear()


def _post_references(post: Post) -> list[Reference]:
    """A post's references in reading order: its text, the links in its HTML (which hold the
    full URLs that the text may show shortened), its link card, then the post it quotes.

    Lists, not generators: a 1,000-thread build reads 15,000 posts, and layers of generators
    cost more than the matching itself."""
    refs = _from_text(post.text)
    for value in _hrefs(post.html or ""):
        _add_url(refs, html.unescape(value))
    for card in _cards(post):
        _add_url(refs, card.url)
    if post.quote is not None:
        refs += _post_references(post.quote)
    return refs


def _cards(post: Post) -> list[LinkCard]:
    cards = [post.card] if post.card else []
    if post.quote is not None and post.quote.card:
        cards.append(post.quote.card)
    return cards


def _from_text(text: str) -> list[Reference]:
    text = text or ""
    refs: list[Reference] = []
    blanked: list[str] = []  # the text without its links (blanked, so positions stay)
    end = 0
    for match in _urls(text):
        url = _trim(match.group(0))
        if "…" in url or text[match.start() + len(url) :].startswith(_TRUNCATED):
            url = ""  # "https://nejm.org/doi/10.1056/NEJMo…": shortened for display
        _add_url(refs, url)
        blanked += (text[end : match.start()], " " * (match.end() - match.start()))
        end = match.end()
    rest = "".join(blanked) + text[end:] if blanked else text
    if "10." not in rest and "PMID" not in rest and "pmc" not in rest.lower():
        return refs  # none of the patterns below can match
    hits: list[tuple[int, Reference]] = []
    for match in _DOI_RE.finditer(rest):
        doi = _trim(match.group(0))
        if "…" not in doi and not rest[match.start() + len(doi) :].startswith(_TRUNCATED):
            hits.append((match.start(), _doi(doi)))
    for match in _PMID_TEXT_RE.finditer(rest):
        hits.append((match.start(), _pubmed(match.group(1))))
    for match in _PMC_RE.finditer(rest):
        hits.append((match.start(), _pmc(match.group(1))))
    refs += (ref for _, ref in sorted(hits, key=lambda hit: hit[0]))
    return refs


def _urls(text: str) -> Iterator[re.Match[str]]:
    """What ``_URL_RE`` finds in ``text``: its lower-case twin finds the same where every
    "http" is in lower case (no other letter in the pattern)."""
    if text.count("http") == text.lower().count("http"):
        return _URL_LOWER.finditer(text)
    return _URL_RE.finditer(text)


def _hrefs(markup: str) -> list[str]:
    r"""The ``href`` values ``_HREF_RE`` finds in ``markup``, in order. Where every "href" is
    in lower case, its twin finds the candidates and the word boundary that ``\b`` asks for
    is checked here (``\w`` is ``str.isalnum`` or ``_``); a candidate without one is not a
    match, and the search goes on from its next character, as ``_HREF_RE``'s would."""
    if markup.count("href") != markup.lower().count("href"):
        return [m.group(1) or m.group(2) or "" for m in _HREF_RE.finditer(markup)]
    found: list[str] = []
    position = 0
    while (match := _HREF_LOWER.search(markup, position)) is not None:
        start = match.start()
        before = markup[start - 1] if start else ""
        if before.isalnum() or before == "_":
            position = start + 1
            continue
        found.append(match.group(1) or match.group(2) or "")
        position = match.end()
    return found


def _add_url(refs: list[Reference], url: str) -> None:
    """Add the reference a link stands for, if it stands for one."""
    found = _reference_fields(url.strip())
    if found is not None:
        refs.append(Reference(*found))


@lru_cache(maxsize=8192)
def _reference_fields(url: str) -> tuple[str, str, str, str, str] | None:
    """``(kind, identifier, url, title, source_url)`` for a link, or None.

    Cached: a thread's links are read from its text and again from its HTML, and a library
    cites the same papers many times. Callers get a fresh :class:`Reference` each time.
    """
    found = _host_and_path(url)
    if found is None:
        return None
    host, path = found
    if _host_in(host, _NEVER_HOSTS):
        return None
    pmid = _PMID_URL_RE.search(host + path)
    if pmid:
        return _fields(_pubmed(pmid.group(1), source_url=url))
    pmc = _PMC_RE.search(path)
    if pmc and (host.endswith("nih.gov") or host.endswith("europepmc.org")):
        return _fields(_pmc(pmc.group(1), source_url=url))
    journal = _host_in(host, JOURNAL_DOMAINS)
    doi = _DOI_RE.search(path)
    if doi and (host in ("doi.org", "dx.doi.org") or journal):
        value = _trim(doi.group(0))
        if host not in ("doi.org", "dx.doi.org"):
            value = _DOI_URL_SUFFIX_RE.sub("", value)
        return _fields(_doi(value, source_url=url))
    if journal:
        return ("journal", _norm_url(url), url, "", "")
    return None


def _host_and_path(url: str) -> tuple[str, str] | None:
    """The host (lower case, without ``www.``) and the percent-decoded path of an http(s)
    link, or None. A plain link (``https://doi.org/10.1/x``: a host of letters, digits, dots
    and hyphens, no port, user, escapes or spaces) is read by one regular expression, which
    gives what ``urlsplit`` gives in a fifth of the time; any other goes through it."""
    plain = _PLAIN_LINK.fullmatch(url)
    if plain:
        return plain.group(1).lower().removeprefix("www."), plain.group(2) or ""
    parts = split_url(url)
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    decoded_parts = split_url(unquote(url)) if "%" in url else parts
    if decoded_parts is None:
        return None
    return (parts.hostname or "").lower().removeprefix("www."), decoded_parts.path


def _fields(ref: Reference) -> tuple[str, str, str, str, str]:
    return (ref.kind, ref.identifier, ref.url, ref.title, ref.source_url)


def _doi(value: str, source_url: str = "") -> Reference:
    value = value.rstrip("/")
    return Reference("doi", value, f"https://doi.org/{value}", source_url=source_url)


def _pubmed(pmid: str, source_url: str = "") -> Reference:
    pmid = pmid.lstrip("0") or "0"
    return Reference(
        "pubmed", pmid, f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/", source_url=source_url
    )


def _pmc(pmcid: str, source_url: str = "") -> Reference:
    pmcid = pmcid.upper()
    return Reference(
        "pmc", pmcid, f"https://pmc.ncbi.nlm.nih.gov/articles/{pmcid}/", source_url=source_url
    )


def _trim(candidate: str) -> str:
    """Drop prose punctuation and unbalanced closing brackets from the end of a match."""
    while candidate:
        last = candidate[-1]
        unbalanced = last in _PAIRS and candidate.count(last) > candidate.count(_PAIRS[last])
        if last not in _TRAILING and not unbalanced:
            break
        candidate = candidate[:-1]
    return candidate


def _host_in(host: str, domains: tuple[str, ...]) -> bool:
    """``host`` is one of ``domains`` or a subdomain of one: a set lookup per parent domain."""
    known = _domain_set(domains)
    while host not in known:
        dot = host.find(".")
        if dot < 0:
            return False
        host = host[dot + 1 :]
    return True


@lru_cache(maxsize=4)
def _domain_set(domains: tuple[str, ...]) -> frozenset[str]:
    return frozenset(domains)


def _norm_url(url: str) -> str:
    """A link without scheme, ``www.`` or a trailing slash, for comparing spellings."""
    parts = split_url(url)
    if parts is None:
        return url.strip()
    host = (parts.hostname or "").lower().removeprefix("www.")
    query = f"?{parts.query}" if parts.query else ""
    return f"https://{host}{parts.path.rstrip('/')}{query}"
