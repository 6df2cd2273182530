"""A display name as reference managers want it: family and given names, or one literal name.

Platform display names are free text ("Dr Iris Sample", "Zoë Ångström, MD", "Choosing Wisely
Canada", "NEJM 🩺"). Citation styles sort and abbreviate by family name, so a person's name is
split where that can be done reliably; anything else (organisations, single words, names with
particles or suffixes, decorations we cannot read) stays one *literal* name, the way Zotero and
CSL treat an organisation, rather than guessing a wrong family name.

Honorifics and degrees belong to how a person presents themselves on the page, not in a
citation (AMA and APA both omit them), so they are dropped here and only here: the page keeps
the name as the author wrote it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = ["CitedName", "cited_name"]

# Titles written before a name. Compared without a trailing full stop, case-insensitively.
_HONORIFICS = frozenset(
    [
        "dr",
        "doctor",
        "prof",
        "professor",
        "mr",
        "mrs",
        "ms",
        "mx",
        "miss",
        "sir",
        "dame",
        "lord",
        "lady",
        "rev",
        "revd",
        "fr",
        "sr",
        "assoc",
        "asst",
    ]
)
# Degrees and post-nominals written after a name, usually after a comma ("Jane Roe, MD, PhD").
_DEGREES = frozenset(
    [
        "md",
        "do",
        "mbbs",
        "mbchb",
        "mb",
        "bs",
        "bch",
        "phd",
        "dphil",
        "msc",
        "ms",
        "ma",
        "mph",
        "mba",
        "mpp",
        "mhs",
        "mhpe",
        "med",
        "mmed",
        "rn",
        "np",
        "pa",
        "pa-c",
        "aprn",
        "crna",
        "dnp",
        "pharmd",
        "rph",
        "dpt",
        "dds",
        "dmd",
        "od",
        "facp",
        "facc",
        "faap",
        "facs",
        "facep",
        "frcp",
        "frcpc",
        "frcs",
        "frcpe",
        "frcsi",
        "frcgp",
        "mrcp",
        "mrcs",
        "fracp",
        "franzcog",
        "mrcgp",
        "fhea",
        "bsc",
        "ba",
        "bn",
        "bpharm",
        "jd",
    ]
)
# Words that mark an organisation, not a person: such names are never split.
_ORGANISATION_WORDS = frozenset(
    [
        "academy",
        "association",
        "blog",
        "center",
        "centre",
        "clinic",
        "college",
        "council",
        "department",
        "foundation",
        "group",
        "health",
        "hospital",
        "institute",
        "journal",
        "lab",
        "laboratory",
        "library",
        "medicine",
        "network",
        "news",
        "podcast",
        "project",
        "school",
        "service",
        "society",
        "team",
        "trust",
        "university",
        "wisely",
    ]
)
# Name suffixes and particles: real parts of a name, but ones whose place (family or given) each
# style treats differently; such names are kept literal instead of being split wrongly.
_AWKWARD = frozenset(
    [
        "jr",
        "sr",
        "ii",
        "iii",
        "iv",
        "van",
        "von",
        "der",
        "den",
        "de",
        "del",
        "della",
        "di",
        "da",
        "du",
        "la",
        "le",
        "bin",
        "binti",
        "al",
        "el",
        "ter",
        "ten",
    ]
)
# One name word: a capital letter (any script) then letters, optionally joined by a hyphen or
# an apostrophe ("Jean-Luc", "O'Neil"), or an initial with or without its full stop ("J.").
_NAME_WORD = re.compile(r"^[^\W\d_][^\W\d_]*(?:[-'’][^\W\d_]+)*$|^[^\W\d_]\.$")
_PARENTHESES = re.compile(r"\s*[(\[][^)\]]*[)\]]")  # "(she/her)", "[on leave]"
_SEPARATORS = re.compile(r"\s+[|·•/–—-]\s+.*$")  # "Jane Roe | ICU doc"


@dataclass(frozen=True)
class CitedName:
    """A person's ``family`` and ``given`` names, or one ``literal`` name (then both empty)."""

    family: str = ""
    given: str = ""
    literal: str = ""

    @property
    def is_person(self) -> bool:
        return bool(self.family)

    @property
    def display(self) -> str:
        """The name in reading order, without honorifics: "Iris Sample"."""
        return f"{self.given} {self.family}".strip() if self.is_person else self.literal

    @property
    def inverted(self) -> str:
        """``Family, Given`` for a person (BibTeX, RIS, Highwire); the literal name otherwise."""
        return f"{self.family}, {self.given}" if self.is_person else self.literal

    @property
    def ama(self) -> str:
        """AMA's ``Family Initials`` ("Sample I", "Martin J-L"); the literal name otherwise."""
        if not self.is_person:
            return self.literal
        initials = "".join(_initials(word) for word in self.given.split())
        return f"{self.family} {initials}"


def cited_name(display_name: str) -> CitedName:
    """Split ``display_name`` into family and given names when that is reliable.

    Reliable means: after dropping honorifics, degrees, parenthesised asides and decorations,
    two or three capitalised name words remain, none of them an organisation word, particle or
    suffix, and none written in capitals throughout ("NEJM", "ICU"). Everything else is literal.
    """
    literal = _clean(display_name)
    words = literal.split()
    while words and _bare(words[0]) in _HONORIFICS and len(words) > 1:
        words = words[1:]
    while len(words) > 1 and _bare(words[-1]) in _DEGREES and _looks_like_degree(words[-1]):
        words = words[:-1]
    literal = " ".join(words).rstrip(",") or _one_line(display_name)
    if _reliable(words):
        return CitedName(family=words[-1], given=" ".join(words[:-1]))
    return CitedName(literal=literal)


def _clean(name: str) -> str:
    """Drop what is decoration, not name: emoji and symbols, asides, trailing taglines, and
    comma-separated degrees ("Jane Roe, MD, PhD" -> "Jane Roe")."""
    text = _SEPARATORS.sub("", _PARENTHESES.sub("", _one_line(name)))
    text = _one_line("".join(ch for ch in text if not _decoration(ch)))
    head, *tail = [part.strip() for part in text.split(",")]
    if tail and all(
        all(_bare(w) in _DEGREES and _looks_like_degree(w) for w in part.split()) and part
        for part in tail
    ):
        text = head
    return text


def _decoration(ch: str) -> bool:
    """Emoji and pictographs ("So"), their variation selectors, joiners and control characters.
    Other symbols ("<", "+", "&") are kept: they may be part of an organisation's name."""
    category = unicodedata.category(ch)
    return category == "So" or category[0] == "C" or "\ufe00" <= ch <= "\ufe0f"


def _reliable(words: list[str]) -> bool:
    if not 2 <= len(words) <= 3:
        return False
    for word in words:
        bare = _bare(word)
        if (
            not _NAME_WORD.match(word)
            or not word[0].isupper()
            or bare in _ORGANISATION_WORDS
            or bare in _AWKWARD
            or (len(word.rstrip(".")) > 1 and word.isupper())
        ):
            return False
    # The family name must be a whole word, not an initial ("Jane R.").
    return len(words[-1].rstrip(".")) > 1


def _looks_like_degree(word: str) -> bool:
    """Degrees are written with capitals ("MD", "PhD"); "Do" or "ma" in a name are not."""
    return any(ch.isupper() for ch in word[1:]) or word.isupper()


def _bare(word: str) -> str:
    return word.strip(".,").lower()


def _initials(word: str) -> str:
    return "-".join(part[0] for part in re.split(r"-", word.strip(".")) if part)


def _one_line(text: str) -> str:
    return " ".join(text.split())  # whitespace collapsed, as re.sub(r"\s+", " ") + strip
