"""Load and validate ``threads.yaml``, reporting every problem with its line number.

The maintainers of this library are clinicians and students. When they make a typo the build
must say exactly where and what is allowed, for every mistake at once, and never show a
traceback::

    threads.yaml:12: specialty 'cardio' is not defined; known: pathophysiology, policy, value-care

:func:`load_catalog` returns a :class:`~tweetorials.catalog.model.Catalog` or raises
:class:`CatalogError` holding all the :class:`~tweetorials.catalog.model.Problem` found.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from pathlib import Path
from typing import Any

import yaml

from ..platforms import PLATFORMS, PostRef, UnsupportedURL, parse_post_url
from .model import Catalog, CatalogEntry, Exclusion, ImageNote, Problem, Review, Specialty
from .yaml_lines import LineDict, LineList, load_reporting

__all__ = ["CatalogError", "load_catalog", "parse_catalog", "read_catalog_text"]

TOP_KEYS = ("specialties", "threads", "exclude")
SPECIALTY_KEYS = ("name", "description", "colour")
THREAD_KEYS = (
    "url",
    "platform",
    "specialties",
    "tags",
    "title",
    "note",
    "added",
    "featured",
    "last",
    "snapshot",
    "review",
    "images",
)
REVIEW_KEYS = ("reviewer", "date", "conflicts")
IMAGE_KEYS = ("post", "image", "alt", "description")
EXCLUDE_KEYS = ("author", "url", "reason")

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TAG_RE = re.compile(r"^[a-z0-9]+(?:[-.][a-z0-9]+)*$")
COLOUR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
AUTHOR_RE = re.compile(r"^(x|bluesky|mastodon):[^\s:]+$")
# Text shaped like a date. When it reaches the validator as text, it is either a date that
# does not exist (2026-02-30, kept as text by yaml_lines) or one YAML would not read as a
# date (2026-2-3 without two-digit month and day, or written in quotes).
DATE_LIKE_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[Tt \t]|$)")
DEFAULT_COLOURS = ("#0b6e4f", "#8e3b46", "#1f4e79", "#7a4f01", "#5b3f8c", "#2f6f73")


class CatalogError(Exception):
    """The catalog has problems; ``str()`` is one ``threads.yaml:LINE: message`` per line."""

    def __init__(self, path: Path, problems: list[Problem]) -> None:
        self.path = path
        self.problems = sorted(problems, key=lambda p: p.line)
        super().__init__("\n".join(self.lines()))

    def lines(self) -> list[str]:
        return [p.format(self.path) for p in self.problems]


def load_catalog(path: Path | str = "threads.yaml") -> Catalog:
    """Read and validate the catalog at ``path``."""
    return parse_catalog(read_catalog_text(path), path)


def read_catalog_text(path: Path | str) -> str:
    """The catalog's text exactly as stored (line endings kept, for ``add`` to append to), or
    a :class:`CatalogError` saying in one line why it cannot be read."""
    path = Path(path)
    try:
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise CatalogError(
            path, [Problem(0, "file not found; create it or pass --catalog PATH")]
        ) from None
    except IsADirectoryError:
        raise CatalogError(
            path, [Problem(0, f"{path} is a folder; pass the catalog file with --catalog PATH")]
        ) from None
    except UnicodeDecodeError as exc:
        raise CatalogError(path, [Problem(0, f"is not UTF-8 text ({exc.reason})")]) from None
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise CatalogError(path, [Problem(0, f"{path} cannot be read ({reason})")]) from None


def parse_catalog(text: str, path: Path | str = "threads.yaml") -> Catalog:
    """Validate catalog ``text`` (``path`` is only used in messages and in the result)."""
    path = Path(path)
    try:
        data, key_problems = load_reporting(text)
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        raise CatalogError(
            path,
            [
                Problem(
                    line,
                    f"contains the control character {char!r}, which YAML does not allow; "
                    "threads.yaml must be plain text (is this the right file?)",
                )
            ],
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = " ".join(str(getattr(exc, "problem", None) or exc).split())
        line = mark.line + 1 if mark else 0
        raise CatalogError(
            path, [Problem(line, f"not valid YAML: {problem} (check indentation and quotes)")]
        ) from None
    except RecursionError:
        raise CatalogError(
            path, [Problem(0, "not valid YAML: lists or mappings are nested too deeply")]
        ) from None

    v = _Validator()
    v.problems.extend(key_problems)
    catalog = v.catalog(data, path)
    if v.problems:
        raise CatalogError(path, v.problems)
    return catalog


class _Validator:
    """Collects problems instead of stopping at the first one."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, line: int, message: str) -> None:
        self.problems.append(Problem(line, message))

    def unknown_keys(self, mapping: LineDict, known: tuple[str, ...], what: str) -> None:
        for key in mapping:
            if key not in known:
                close = difflib.get_close_matches(str(key), known, n=1)
                hint = f"did you mean '{close[0]}'? " if close else ""
                self.add(
                    mapping.line_of(key),
                    f"unknown field '{key}' in {what}; {hint}allowed: {', '.join(known)}",
                )

    # -- top level --------------------------------------------------------------------------

    def catalog(self, data: Any, path: Path) -> Catalog:
        if data is None:
            self.add(1, "the file is empty; it needs 'specialties:' and 'threads:' sections")
            return Catalog(path, {}, [])
        if not isinstance(data, LineDict):
            self.add(
                getattr(data, "line", 1),
                "the top level must be a mapping with 'specialties:' and 'threads:'",
            )
            return Catalog(path, {}, [])
        self.unknown_keys(data, TOP_KEYS, "the top level")
        specialties = self.specialties(data)
        entries = self.threads(data, specialties)
        exclusions = self.exclusions(data)
        return Catalog(path, specialties, entries, exclusions)

    def specialties(self, data: LineDict) -> dict[str, Specialty]:
        """Every specialty, checked key by key.

        Kept in one piece: one check per key, in the order the file reads, each with its own
        message; split up, the messages would no longer read in the file's order.
        """
        raw = data.get("specialties")
        if raw is None and "specialties" in data:
            self.add(
                data.line_of("specialties"),
                "'specialties:' is empty; define each slug with its name, e.g. value-care: {name: High-value care}",
            )
            return {}
        if raw is None:
            self.add(
                data.line, "missing 'specialties:', the list of specialties threads can belong to"
            )
            return {}
        if not isinstance(raw, LineDict) or not raw:
            self.add(
                data.line_of("specialties"),
                "'specialties' must map each slug to its name and description",
            )
            return {}
        result: dict[str, Specialty] = {}
        for index, (slug, spec) in enumerate(raw.items()):
            line = raw.line_of(slug)
            if not isinstance(slug, str) or not SLUG_RE.match(slug):
                self.add(
                    line,
                    f"specialty slug {slug!r} must be lower-case letters, digits and hyphens, e.g. value-care",
                )
                continue
            if isinstance(spec, str):
                spec_map: LineDict = LineDict(name=spec)
                spec_map.line, spec_map.lines = line, {}
                spec = spec_map
            if not isinstance(spec, LineDict):
                self.add(line, f"specialty '{slug}' needs a name (and a one-line description)")
                continue
            self.unknown_keys(spec, SPECIALTY_KEYS, f"specialty '{slug}'")
            name = spec.get("name")
            if not isinstance(name, str) or not name.strip():
                self.add(
                    spec.line_of("name") if "name" in spec else line,
                    f"specialty '{slug}' needs a name",
                )
                continue
            description = spec.get("description", "")
            if not isinstance(description, str):
                self.add(
                    spec.line_of("description"), f"specialty '{slug}': description must be text"
                )
                description = ""
            colour = spec.get("colour", DEFAULT_COLOURS[index % len(DEFAULT_COLOURS)])
            if not isinstance(colour, str) or not COLOUR_RE.match(colour):
                self.add(
                    spec.line_of("colour"),
                    f"specialty '{slug}': colour {colour!r} must look like \"#0b6e4f\" (quoted)",
                )
                colour = DEFAULT_COLOURS[0]
            result[slug] = Specialty(slug, name.strip(), description.strip(), colour.lower())
        return result

    def threads(self, data: LineDict, specialties: dict[str, Specialty]) -> list[CatalogEntry]:
        raw = data.get("threads")
        if raw is None and "threads" in data:
            return []  # ``threads:`` with nothing under it yet: a new, empty library
        if raw is None:
            self.add(data.line, "missing 'threads:', the list of curated threads")
            return []
        if not isinstance(raw, LineList):
            self.add(
                data.line_of("threads"),
                "'threads' must be a list; start each thread with '- url: ...'",
            )
            return []
        entries: list[CatalogEntry] = []
        seen_keys: dict[str, int] = {}
        seen_slugs: dict[str, int] = {}
        for index, item in enumerate(raw):
            line = raw.line_of(index)
            if not isinstance(item, LineDict):
                self.add(line, "each thread must be a mapping that starts with 'url:'")
                continue
            entry = self.thread(item, specialties)
            if entry is None:
                continue
            if entry.ref.key in seen_keys:
                self.add(
                    entry.line,
                    f"duplicate thread: {entry.url} is the same thread as line {seen_keys[entry.ref.key]}",
                )
                continue
            if entry.slug in seen_slugs:
                self.add(
                    entry.line,
                    f"snapshot name '{entry.slug}' is already used by the thread on line {seen_slugs[entry.slug]}",
                )
                continue
            seen_keys[entry.ref.key] = entry.line
            seen_slugs[entry.slug] = entry.line
            entries.append(entry)
        return entries

    def thread(self, item: LineDict, specialties: dict[str, Specialty]) -> CatalogEntry | None:
        """One thread entry, or None after recording its problems.

        Kept in one piece: one check per key, in the order the file reads (see
        :meth:`specialties`).
        """
        line = item.line
        before = len(self.problems)
        self.unknown_keys(item, THREAD_KEYS, "a thread")

        platform = item.get("platform")
        if platform is not None and platform not in PLATFORMS:
            self.add(
                item.line_of("platform"),
                f"platform {platform!r} is not one of {', '.join(PLATFORMS)}",
            )
            platform = None

        ref = self.url(item, "url", platform, required=True)
        specs = self.specialty_list(item, specialties)
        tags = self.tags(item)
        title = self.text(item, "title")
        note = self.text(item, "note") or ""
        added = self.date(item, "added")
        featured = item.get("featured", False)
        if not isinstance(featured, bool):
            self.add(item.line_of("featured"), "featured must be true or false")
            featured = False
        last_ref = self.url(item, "last", platform, required=False)
        if ref and last_ref and last_ref.platform != ref.platform:
            self.add(
                item.line_of("last"),
                f"last must be a post on the same platform as url ({ref.platform})",
            )
        snapshot = item.get("snapshot")
        if snapshot is not None and (not isinstance(snapshot, str) or not SLUG_RE.match(snapshot)):
            self.add(
                item.line_of("snapshot"),
                "snapshot must be a file name under content/threads/ without extension, e.g. my-thread",
            )
            snapshot = None
        review = self.review(item)
        images = self.images(item)

        if ref is None or len(self.problems) != before:
            return None
        return CatalogEntry(
            url=ref.url,
            ref=ref,
            slug=snapshot or ref.slug,
            specialties=specs,
            tags=tags,
            title=title.strip() if title else None,
            note=note.strip(),
            added=added,
            featured=featured,
            last_url=last_ref.url if last_ref else None,
            last_ref=last_ref,
            review=review,
            images=images,
            line=line,
        )

    # -- fields -----------------------------------------------------------------------------

    def url(
        self, item: LineDict, key: str, platform: str | None, *, required: bool
    ) -> PostRef | None:
        value = item.get(key)
        if value is None:
            if required:
                self.add(item.line, f"a thread needs '{key}:', the address of its first post")
            return None
        if not isinstance(value, str):
            self.add(item.line_of(key), f"{key} must be a URL (text)")
            return None
        try:
            return parse_post_url(value, platform)
        except UnsupportedURL as exc:
            self.add(item.line_of(key), str(exc))
            return None

    def specialty_list(self, item: LineDict, specialties: dict[str, Specialty]) -> tuple[str, ...]:
        raw = item.get("specialties")
        known = ", ".join(sorted(specialties)) or "(none defined)"
        if raw is None:
            self.add(item.line, f"a thread needs 'specialties:' (one or more of: {known})")
            return ()
        if isinstance(raw, str):
            raw_list = LineList([raw])
            raw_list.line, raw_list.lines = (
                item.line_of("specialties"),
                [item.line_of("specialties")],
            )
            raw = raw_list
        if not isinstance(raw, LineList) or not raw:
            self.add(
                item.line_of("specialties"),
                f"specialties must be a list of one or more of: {known}",
            )
            return ()
        result: list[str] = []
        for index, slug in enumerate(raw):
            line = raw.line_of(index)
            if not isinstance(slug, str):
                self.add(line, f"specialty {slug!r} must be one slug (text), one of: {known}")
            elif slug not in specialties:
                close = difflib.get_close_matches(str(slug), list(specialties), n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                self.add(line, f"specialty {str(slug)!r} is not defined{hint}; known: {known}")
            elif slug in result:
                self.add(line, f"specialty '{slug}' is listed twice")
            else:
                result.append(slug)
        return tuple(result)

    def tags(self, item: LineDict) -> tuple[str, ...]:
        raw = item.get("tags")
        if raw is None:
            return ()
        if not isinstance(raw, LineList):
            self.add(item.line_of("tags"), "tags must be a list, e.g. [sepsis, lactate]")
            return ()
        result: list[str] = []
        for index, tag in enumerate(raw):
            if not isinstance(tag, str) or not TAG_RE.match(tag):
                self.add(
                    raw.line_of(index),
                    f"tag {tag!r} must be lower-case words joined by hyphens, e.g. acid-base",
                )
            elif tag not in result:
                result.append(tag)
        return tuple(result)

    def text(self, item: LineDict, key: str) -> str | None:
        value = item.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.add(item.line_of(key), f"{key} must be non-empty text")
            return None
        return value

    def date(self, mapping: LineDict, key: str, label: str | None = None) -> dt.date | None:
        value = mapping.get(key)
        label = label or key
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        date_like = DATE_LIKE_RE.match(value) if isinstance(value, str) else None
        if date_like and not _real_date(*date_like.groups()):
            self.add(
                mapping.line_of(key),
                f"{label}: {value} is not a real date; write it as YYYY-MM-DD",
            )
            return None
        if date_like:
            self.add(
                mapping.line_of(key),
                f"{label} must be a date written as YYYY-MM-DD (two-digit month and day, "
                f"not in quotes), found {value!r}",
            )
            return None
        self.add(
            mapping.line_of(key), f"{label} must be a date written as YYYY-MM-DD, found {value!r}"
        )
        return None

    def review(self, item: LineDict) -> Review | None:
        raw = item.get("review")
        if raw is None:
            return None
        if not isinstance(raw, LineDict):
            self.add(
                item.line_of("review"), "review must be a mapping with reviewer, date and conflicts"
            )
            return None
        self.unknown_keys(raw, REVIEW_KEYS, "review")
        reviewer = raw.get("reviewer")
        if not isinstance(reviewer, str) or not reviewer.strip():
            self.add(
                raw.line_of("reviewer") if "reviewer" in raw else raw.line,
                "review needs reviewer: the name of who checked it",
            )
            return None
        conflicts = raw.get("conflicts")
        if conflicts is not None and not isinstance(conflicts, str):
            self.add(
                raw.line_of("conflicts"),
                "review conflicts must be text (write 'None declared' if there are none)",
            )
            conflicts = None
        return Review(
            reviewer.strip(),
            self.date(raw, "date", "review date"),
            conflicts.strip() if conflicts else None,
        )

    def images(self, item: LineDict) -> tuple[ImageNote, ...]:
        raw = item.get("images")
        if raw is None:
            return ()
        if not isinstance(raw, LineList):
            self.add(
                item.line_of("images"), "images must be a list of {post, image, alt, description}"
            )
            return ()
        notes: list[ImageNote] = []
        for index, note in enumerate(raw):
            line = raw.line_of(index)
            if not isinstance(note, LineDict):
                self.add(line, "each images entry needs post, image and alt or description")
                continue
            self.unknown_keys(note, IMAGE_KEYS, "an images entry")
            post, image = note.get("post"), note.get("image", 1)
            bad_number = _not_positive(post) or _not_positive(image)
            if bad_number:
                self.add(
                    line,
                    "images entries need post: N and image: M, counted from 1 (post 1 is the first post)",
                )
                continue
            alt, description = note.get("alt"), note.get("description")
            if alt is None and description is None:
                self.add(line, "images entries need alt, description or both")
                continue
            if any(v is not None and not isinstance(v, str) for v in (alt, description)):
                self.add(line, "alt and description must be text")
                continue
            assert isinstance(post, int) and isinstance(image, int)  # _not_positive said so
            notes.append(ImageNote(post, image, alt, description, line))
        return tuple(notes)

    def exclusions(self, data: LineDict) -> list[Exclusion]:
        raw = data.get("exclude")
        if raw is None:
            return []
        if not isinstance(raw, LineList):
            self.add(
                data.line_of("exclude"),
                "exclude must be a list of {author: x:handle} or {url: ...} with a reason",
            )
            return []
        result: list[Exclusion] = []
        for index, item in enumerate(raw):
            line = raw.line_of(index)
            if not isinstance(item, LineDict):
                self.add(line, "each exclude entry needs author or url, and a reason")
                continue
            self.unknown_keys(item, EXCLUDE_KEYS, "an exclude entry")
            author, url = item.get("author"), item.get("url")
            reason = item.get("reason", "")
            if not isinstance(reason, str):
                self.add(item.line_of("reason"), "an exclude entry's reason must be text")
                continue
            if (author is None) == (url is None):
                self.add(
                    line, "an exclude entry needs exactly one of author (e.g. x:handle) or url"
                )
                continue
            key = None
            if author is not None and (not isinstance(author, str) or not AUTHOR_RE.match(author)):
                self.add(
                    item.line_of("author"),
                    f"author {author!r} must be platform:handle, e.g. x:drsmith, bluesky:drsmith.bsky.social, mastodon:drsmith@med.social",
                )
                continue
            if url is not None:
                ref = self.url(item, "url", None, required=True)
                if ref is None:
                    continue
                key = ref.key
            result.append(Exclusion(author.lower() if author else None, key, reason, line))
        return result


def _not_positive(value: Any) -> bool:
    return isinstance(value, bool) or not isinstance(value, int) or value < 1


def _real_date(year: str, month: str, day: str) -> bool:
    try:
        dt.date(int(year), int(month), int(day))
    except ValueError:
        return False
    return True
