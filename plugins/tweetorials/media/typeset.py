"""Setting text with bundled fonts: per-character font fallback, wrapping and fitting.

Pillow draws a string with one font, and no single open font of reasonable size covers Latin,
Greek, Arabic *and* Japanese. So a :class:`FontStack` reads each bundled font's character map
(the ``cmap`` table, parsed here to avoid a dependency) and splits text into runs, each drawn
with the first font that has its glyphs. Characters that no font has (emoji, mostly) are
dropped rather than drawn as empty boxes.

Wrapping breaks at spaces, and between any two CJK characters (those scripts have no spaces);
a word wider than the line is cut by characters. Fitting tries sizes from large to small and,
at the smallest, shortens the last line with an ellipsis, so text never leaves its box.

When Pillow has libraqm (the Debian and PyPI builds do), each run is shaped, so Arabic joins
and right-to-left text reads in the right order.
"""

from __future__ import annotations

import re
import struct
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from PIL import ImageDraw, ImageFont

__all__ = [
    "BOLD",
    "FONT_DIR",
    "REGULAR",
    "FittedText",
    "FontStack",
    "codepoints",
    "fit_text",
    "is_rtl",
    "shorten",
    "wrap",
]

FONT_DIR = Path(__file__).parent / "fonts"
REGULAR: tuple[Path, ...] = (FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DroidSansFallback.ttf")
BOLD: tuple[Path, ...] = (FONT_DIR / "DejaVuSans-Bold.ttf", FONT_DIR / "DroidSansFallback.ttf")
ELLIPSIS = "\u2026"

_CJK = (
    "\u2e80-\u2fff\u3000-\u30ff\u3100-\u31ff\u3200-\u9fff\ua960-\ua97f\uac00-\ud7ff"
    "\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003134f"
)
_NO_LINE_START = "\u3001\u3002\uff0c\uff0e\uff01\uff1f\uff1a\uff1b\u300d\u300f\uff09\u3011\u30fc"
_TOKEN = re.compile(rf"[{_CJK}][{_NO_LINE_START}]*|[^\s{_CJK}]+")


@lru_cache(maxsize=8)
def codepoints(path: Path) -> frozenset[int]:
    """The characters a TrueType/OpenType font maps to a glyph (cmap formats 4 and 12)."""
    data = path.read_bytes()
    (num_tables,) = struct.unpack_from(">H", data, 4)
    for index in range(num_tables):
        tag, _checksum, offset, _length = struct.unpack_from(">4sIII", data, 12 + 16 * index)
        if tag == b"cmap":
            break
    else:
        raise ValueError(f"{path.name}: the font has no cmap table")
    (count,) = struct.unpack_from(">H", data, offset + 2)
    tables: dict[tuple[int, int], int] = {}
    for index in range(count):
        platform, encoding, sub = struct.unpack_from(">HHI", data, offset + 4 + 8 * index)
        tables[(platform, encoding)] = offset + sub
    for key in ((3, 10), (0, 6), (0, 4), (3, 1), (0, 3), (0, 2), (0, 1), (0, 0)):
        start = tables.get(key)
        if start is None:
            continue
        (fmt,) = struct.unpack_from(">H", data, start)
        if fmt == 12:
            return frozenset(_format12(data, start))
        if fmt == 4:
            return frozenset(_format4(data, start))
    raise ValueError(f"{path.name}: no Unicode character map in format 4 or 12")


def _format4(data: bytes, start: int) -> set[int]:
    (seg_x2,) = struct.unpack_from(">H", data, start + 6)
    segs = seg_x2 // 2
    ends = struct.unpack_from(f">{segs}H", data, start + 14)
    starts = struct.unpack_from(f">{segs}H", data, start + 16 + seg_x2)
    deltas = struct.unpack_from(f">{segs}h", data, start + 16 + 2 * seg_x2)
    range_at = start + 16 + 3 * seg_x2
    ranges = struct.unpack_from(f">{segs}H", data, range_at)
    found: set[int] = set()
    for i in range(segs):
        for char in range(starts[i], ends[i] + 1):
            if char == 0xFFFF:
                continue
            if ranges[i] == 0:
                glyph = (char + deltas[i]) & 0xFFFF
            else:
                where = range_at + 2 * i + ranges[i] + 2 * (char - starts[i])
                (glyph,) = struct.unpack_from(">H", data, where)
                glyph = (glyph + deltas[i]) & 0xFFFF if glyph else 0
            if glyph:
                found.add(char)
    return found


def _format12(data: bytes, start: int) -> set[int]:
    (groups,) = struct.unpack_from(">I", data, start + 12)
    found: set[int] = set()
    for i in range(groups):
        first, last, glyph = struct.unpack_from(">III", data, start + 16 + 12 * i)
        found.update(range(first if glyph else first + 1, last + 1))
    return found


@lru_cache(maxsize=128)
def _font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size)


def is_rtl(text: str) -> bool:
    """True when the first letter with a strong direction is right-to-left (Arabic, Hebrew)."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


@lru_cache(maxsize=65536)
def _font_index(paths: tuple[Path, ...], char: str) -> int | None:
    """Index of the first of ``paths`` with a glyph for ``char``; spaces use the first font."""
    if char.isspace():
        return 0
    code = ord(char)
    return next((i for i, path in enumerate(paths) if code in codepoints(path)), None)


@lru_cache(maxsize=4096)
def _index_runs(paths: tuple[Path, ...], text: str) -> tuple[tuple[int, str], ...]:
    """``text`` split into ``(font index, run)``, the same at every size: laid out once."""
    result: list[tuple[int, str]] = []
    for char in text:
        index = _font_index(paths, char)
        if index is None:
            continue
        if result and (char.isspace() or result[-1][0] == index):
            result[-1] = (result[-1][0], result[-1][1] + char)
        else:
            result.append((index, char))
    return tuple(result)


@lru_cache(maxsize=16384)
def _width(paths: tuple[Path, ...], size: int, text: str) -> float:
    return sum(_font(paths[i], size).getlength(run) for i, run in _index_runs(paths, text))


class FontStack:
    """One size of a list of fonts, used together as if they were one font.

    Fonts are opened once per process and size, and the split of a text into runs and its
    width are remembered, so fitting a title (several sizes, many candidate lines) does not
    measure the same words again and again.
    """

    def __init__(self, paths: Sequence[Path], size: int) -> None:
        self.paths = tuple(paths)
        self.size = size

    @property
    def maps(self) -> list[frozenset[int]]:
        return [codepoints(path) for path in self.paths]

    def font_for(self, char: str) -> int | None:
        """Index of the first font with a glyph for ``char``; spaces use the first font."""
        return _font_index(self.paths, char)

    def clean(self, text: str) -> str:
        """``text`` with whitespace collapsed and characters no font can draw removed."""
        kept = "".join(
            char
            for char in text
            if unicodedata.category(char)[0] != "C" and self.font_for(char) is not None
        )
        return " ".join(kept.split())

    def runs(self, text: str) -> list[tuple[ImageFont.FreeTypeFont, str]]:
        return [(self.font(index), run) for index, run in _index_runs(self.paths, text)]

    def font(self, index: int) -> ImageFont.FreeTypeFont:
        """The ``index``-th font at this size, opened when a run first needs it: a fallback
        font that a text never uses is never opened (each size of a font holds its tables)."""
        return _font(self.paths[index], self.size)

    def width(self, text: str) -> float:
        return _width(self.paths, self.size, text)

    @property
    def line_height(self) -> int:
        return round(self.size * 1.22)

    def draw(
        self, draw: ImageDraw.ImageDraw, x: float, baseline: float, text: str, fill: str
    ) -> None:
        """Draw ``text`` starting at ``x``, sitting on ``baseline``."""
        for font, run in self.runs(text):
            draw.text((x, baseline), run, font=font, fill=fill, anchor="ls")
            x += font.getlength(run)


def wrap(stack: FontStack, text: str, max_width: float) -> list[str]:
    """Greedy line breaking at spaces and between CJK characters; long words are cut."""
    lines: list[str] = []
    line = ""
    position = 0
    for match in _TOKEN.finditer(text):
        token = match.group()
        spaced = (
            bool(line) and match.start() > position and text[position : match.start()].isspace()
        )
        position = match.end()
        candidate = f"{line} {token}" if spaced else line + token
        if stack.width(candidate) <= max_width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = ""
        for piece in _cut(stack, token, max_width):
            if line:
                lines.append(line)
            line = piece
    if line:
        lines.append(line)
    return lines


def _cut(stack: FontStack, word: str, max_width: float) -> list[str]:
    """Split a word that is wider than a line into pieces that fit."""
    pieces: list[str] = []
    piece = ""
    for char in word:
        if piece and stack.width(piece + char) > max_width:
            pieces.append(piece)
            piece = ""
        piece += char
    if piece:
        pieces.append(piece)
    return pieces


def shorten(stack: FontStack, text: str, max_width: float) -> str:
    """``text`` itself if it fits in ``max_width``, else cut and ended with an ellipsis."""
    if stack.width(text) <= max_width:
        return text
    while text and stack.width(text.rstrip() + ELLIPSIS) > max_width:
        text = text[:-1]
    return text.rstrip() + ELLIPSIS if text else ""


def _cannot_fit(
    stack: FontStack, text: str, box: tuple[float, float], max_lines: int | None
) -> bool:
    """True when ``text`` needs more lines at this size than the box holds, whatever the
    wrapping: the lines hold all the text but the spaces they break at, so no wrapping needs
    fewer than (width without spaces) / (box width). Skipping such sizes without wrapping
    leaves the result of :func:`fit_text` unchanged."""
    width, height = box
    room = int(height // stack.line_height)
    if max_lines is not None:
        room = min(room, max_lines)
    ink = stack.width(text) - text.count(" ") * stack.width(" ")
    # A quarter of an em per line of slack: kerning makes widths not quite add up.
    return ink > room * (width + stack.size / 4)


class FittedText(NamedTuple):
    stack: FontStack
    lines: list[str]

    @property
    def height(self) -> int:
        return self.stack.line_height * len(self.lines)


def fit_text(
    paths: Sequence[Path],
    text: str,
    box: tuple[float, float],
    *,
    sizes: Sequence[int],
    max_lines: int | None = None,
) -> FittedText:
    """The largest of ``sizes`` at which ``text`` wraps into ``box`` (width, height).

    At the last (smallest) size the text is cut to the lines that fit, the last one ending in
    an ellipsis. The result never extends past the box.
    """
    width, height = box
    fitted: FittedText | None = None
    for position, size in enumerate(sizes):
        stack = FontStack(paths, size)
        cleaned = stack.clean(text)
        if position < len(sizes) - 1 and _cannot_fit(stack, cleaned, box, max_lines):
            continue
        lines = wrap(stack, cleaned, width)
        fitted = FittedText(stack, lines)
        if fitted.height <= height and (max_lines is None or len(lines) <= max_lines):
            return fitted
    assert fitted is not None, "fit_text needs at least one size"
    stack = fitted.stack
    room = max(1, int(height // stack.line_height))
    if max_lines is not None:
        room = min(room, max_lines)
    lines = fitted.lines[:room]
    if len(fitted.lines) > room:
        lines[-1] = shorten(stack, lines[-1] + ELLIPSIS, width)
    return FittedText(stack, lines)
