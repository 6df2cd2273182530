"""The social card of a thread: a 1200x630 PNG in the spirit of a visual abstract.

What a link preview shows when a page is shared: the thread's title, large; its specialties as
coloured labels (each specialty keeps its own colour across the site); who wrote it; and the
site's name. Text is set with the fonts bundled in ``media/fonts`` (see :mod:`.typeset`), so a
card looks the same on every machine and Greek, Arabic or Japanese titles render.

Nothing is drawn inside the outer margin, whatever the title: long titles wrap, shrink and at
worst end with an ellipsis. :func:`write_card` names the file after a hash of everything drawn,
so a card is rendered again only when its inputs (or this module's design version) change.

A build draws a card per thread, and most of a card is the same for every thread with the same
labels: those parts (labels, rule, site name, palette) are drawn once per label combination
(:func:`card_scheme`) and pasted; only the title and byline are laid out and drawn per card
(:mod:`.cards_paint` says why the result is the same, pixel for pixel).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from PIL import Image, ImageDraw

from .cards_key import Specialty, card_key
from .cards_paint import (
    Bar,
    Box,
    Layer,
    Mark,
    compose,
    drawn_rows,
    ink_box,
    paint,
    palette_image,
    text_marks,
)
from .cards_png import card_png
from .typeset import BOLD, REGULAR, FontStack, fit_text, is_rtl, shorten

__all__ = [
    "CARD_SIZE",
    "MARGIN",
    "card_key",
    "render_card",
    "write_card",
]

CARD_SIZE = (1200, 630)
MARGIN = 64

BACKGROUND = "#fffdf8"
INK = "#1b1f24"
MUTED = "#57606a"
RULE = "#ddd6c8"
DEFAULT_ACCENT = "#0f766e"
DEFAULT_LABEL = "#5b6770"

TITLE_SIZES = tuple(range(72, 29, -3))
PILL_HEIGHT = 46
PILL_PAD = 18
PILL_GAP = 12
PILL_FONT = 22
ACCENT_WIDTH = 8
TITLE_INDENT = 32  # from the margin to the title, leaving room for the accent bar
RULE_Y = 474

_HEX = re.compile(r"#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})")
_SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def render_card(
    title: str,
    author_name: str,
    handle: str,
    specialties: Sequence[Specialty],
    site_name: str,
) -> bytes:
    """The card as PNG bytes. Colours are hex (``#c2410c``); a bad one falls back to grey.

    What the card shares with the site's other cards of the same labels comes from
    :func:`card_scheme`; only the title and the byline are laid out and drawn here.
    """
    labels = [(" ".join(name.split()), _colour(colour)) for name, colour in specialties]
    scheme = card_scheme(tuple((name, colour) for name, colour in labels if name), site_name)
    groups = [_title_marks(title, scheme.top, scheme.accent)]
    groups.append(_byline_marks(author_name, handle, scheme.room))
    image = compose(CARD_SIZE, scheme.ground, scheme.layers, groups, scheme.palette)
    if image is None:  # a title or name that reaches into the shared parts: draw it all
        return card_png(_whole_card(scheme, groups), [(0, CARD_SIZE[1])], scheme.ground[1])
    return card_png(image, drawn_rows(CARD_SIZE, scheme.layers, groups), scheme.ground[1])


class CardScheme(NamedTuple):
    """What every card with these labels and this site name shares, drawn once."""

    labels: tuple[tuple[str, str], ...]
    accent: str
    palette: tuple[int, ...]  # 256 colours, as 768 channel values
    ground: tuple[str, int]  # the background colour and its index in the palette
    layers: tuple[Layer, ...]  # the labels, the rule and the site's name, in 256 colours
    site_marks: tuple[Mark, ...]
    top: int  # where the title's box starts
    room: float  # the width left for the author's name and handle


@lru_cache(maxsize=32)
def card_scheme(labels: tuple[tuple[str, str], ...], site_name: str) -> CardScheme:
    """Draw the shared parts of a card in true colour, reduce them to the card's palette and
    keep each as a small layer (a site has a handful of label combinations)."""
    width, height = CARD_SIZE
    right, bottom = width - MARGIN, height - MARGIN
    accent = labels[0][1] if labels else DEFAULT_ACCENT
    # What is drawn on what: text is smoothed, so its edges blend the two colours.
    blends = [(INK, BACKGROUND), (MUTED, BACKGROUND), (accent_ink(accent), BACKGROUND)]
    blends += [(_text_on(c), c) for c in dict.fromkeys([c for _, c in labels] + [DEFAULT_LABEL])]
    palette = _palette(blends, [accent, RULE])

    image = Image.new("RGB", CARD_SIZE, BACKGROUND)
    draw = ImageDraw.Draw(image)
    boxes: list[Box] = []
    if labels:
        _draw_labels(draw, list(labels), MARGIN, MARGIN, right)
        ink = ink_box(image, BACKGROUND)
        boxes += [ink] if ink else []
    rule = Bar((MARGIN, RULE_Y, right, RULE_Y + 2), RULE)
    site = FontStack(BOLD, 26)
    site_text = shorten(site, site.clean(site_name), (right - MARGIN) * 0.4)
    site_width = site.width(site_text)
    site_marks = (
        rule,
        *text_marks(site, right - site_width, bottom - 28, site_text, accent_ink(accent)),
    )
    paint(image, site_marks)
    boxes += [m.box for m in site_marks if m.box[0] < m.box[2] and m.box[1] < m.box[3]]
    reduced = image.quantize(palette=palette_image(palette), dither=Image.Dither.NONE)
    index = reduced.getpixel((0, 0))
    assert isinstance(index, int)
    return CardScheme(
        labels=labels,
        accent=accent,
        palette=palette,
        ground=(BACKGROUND, index),
        layers=tuple(Layer(box, reduced.crop(box)) for box in boxes),
        site_marks=site_marks,
        top=MARGIN + (PILL_HEIGHT + 36 if labels else 0),
        room=right - MARGIN - site_width - 40,
    )


def _whole_card(scheme: CardScheme, groups: Sequence[Sequence[Mark]]) -> Image.Image:
    """The card drawn whole in true colour, in the order of its layers, then reduced."""
    image = Image.new("RGB", CARD_SIZE, BACKGROUND)
    if scheme.labels:
        _draw_labels(
            ImageDraw.Draw(image), list(scheme.labels), MARGIN, MARGIN, CARD_SIZE[0] - MARGIN
        )
    title, byline = groups
    paint(image, title)
    paint(image, scheme.site_marks)
    paint(image, byline)
    return image.quantize(palette=palette_image(scheme.palette), dither=Image.Dither.NONE)


def _title_marks(title: str, top: int, accent: str) -> list[Mark]:
    """The title as large as it fits, centred between ``top`` and the rule, with the accent
    bar on the side where its lines start (the right, for Arabic or Hebrew)."""
    right = CARD_SIZE[0] - MARGIN
    box_bottom = RULE_Y - 24
    text = FontStack(BOLD, TITLE_SIZES[0]).clean(title) or "Untitled thread"
    rtl = is_rtl(text)
    box_left = MARGIN if rtl else MARGIN + TITLE_INDENT
    box_right = right - TITLE_INDENT if rtl else right
    fitted = fit_text(BOLD, text, (box_right - box_left, box_bottom - top), sizes=TITLE_SIZES)
    stack = fitted.stack
    block_top = top + (box_bottom - top - fitted.height) // 2
    bar_left = right - ACCENT_WIDTH if rtl else MARGIN
    marks: list[Mark] = [
        Bar((bar_left, block_top, bar_left + ACCENT_WIDTH, block_top + fitted.height), accent)
    ]
    for index, line in enumerate(fitted.lines):
        baseline = block_top + index * stack.line_height + round(stack.size * 0.95)
        x = box_right - stack.width(line) if rtl else box_left
        marks += text_marks(stack, x, baseline, line, INK)
    return marks


def _byline_marks(author_name: str, handle: str, room: float) -> list[Mark]:
    """Author and handle at the bottom left, cut to ``room`` (what the site's name leaves)."""
    bottom = CARD_SIZE[1] - MARGIN
    name = FontStack(BOLD, 30)
    marks = text_marks(name, MARGIN, bottom - 46, shorten(name, name.clean(author_name), room), INK)
    if handle.strip():
        at = FontStack(REGULAR, 24)
        shown = handle.strip() if handle.strip().startswith("@") else "@" + handle.strip()
        marks += text_marks(at, MARGIN, bottom - 10, shorten(at, at.clean(shown), room), MUTED)
    return marks


def _palette(blends: Sequence[tuple[str, str]], flat: Sequence[str]) -> tuple[int, ...]:
    """The card's 256 colours, which make a PNG a third the size and quicker to encode.

    The palette is made from what was drawn, not guessed from the pixels: every flat colour
    exactly, and for each (text colour, ground) pair the steps between them that smoothed
    text edges use. Each pixel then takes the nearest entry (no dithering), so grounds, labels
    and rules keep their exact colours.
    """
    pairs = list(dict.fromkeys(blends))
    exact = list(
        dict.fromkeys(_rgb(c) for c in [BACKGROUND, *flat, *(c for p in pairs for c in p)])
    )
    steps = max(3, (256 - len(exact)) // max(1, len(pairs)))
    between: list[tuple[int, int, int]] = []
    for ink, ground in pairs:
        a, b = _rgb(ink), _rgb(ground)
        for k in range(1, steps - 1):
            t = k / (steps - 1)
            between.append(tuple(round(y + (x - y) * t) for x, y in zip(a, b, strict=True)))  # type: ignore[arg-type]
    # Pillow matches colours through a cache of 4-unit cells, so a step too close to an exact
    # colour could take its pixels: keep steps clear of them (those edges snap to the colour).
    colours = exact + [
        c
        for c in between
        if all(max(abs(x - y) for x, y in zip(c, e, strict=True)) > _CLEAR for e in exact)
    ]
    colours = list(dict.fromkeys(colours))[:256]
    colours += [colours[0]] * (256 - len(colours))
    return tuple(channel for colour in colours for channel in colour)


_CLEAR = 12  # palette steps stay this far (per channel) from the exact colours


def _rgb(colour: str) -> tuple[int, int, int]:
    return (int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16))


def write_card(
    out_dir: Path,
    slug: str,
    *,
    title: str,
    author_name: str,
    handle: str,
    specialties: Sequence[Specialty],
    site_name: str,
) -> Path:
    """Write ``out_dir/<slug>-<hash>.png`` unless it is already there; return its path.

    Cards of the same slug made from older inputs are removed, so the folder holds one card
    per thread. ``slug`` must be a plain file name (letters, digits, ``.``, ``_``, ``-``).
    """
    from ..files import atomic_write_bytes  # here: the card worker writes its own way

    if not _SLUG.fullmatch(slug):
        raise ValueError(f"card slug {slug!r} must be letters, digits, '.', '_' or '-'")
    out_dir = Path(out_dir)
    key = card_key(title, author_name, handle, specialties, site_name)[:12]
    path = out_dir / f"{slug}-{key}.png"
    if path.is_file():
        return path
    atomic_write_bytes(path, render_card(title, author_name, handle, specialties, site_name))
    stale = re.compile(re.escape(slug) + r"-[0-9a-f]{12}\.png")
    for old in out_dir.glob(f"{slug}-*.png"):
        if old != path and stale.fullmatch(old.name):
            old.unlink(missing_ok=True)
    return path


# --------------------------------------------------------------------------------------------


def _draw_labels(
    draw: ImageDraw.ImageDraw, labels: list[tuple[str, str]], left: int, top: int, right: int
) -> None:
    """One row of coloured pills; those that do not fit become a "+N" pill."""
    stack = FontStack(BOLD, PILL_FONT)
    placed: list[tuple[str, str, float]] = []  # text, colour, width
    x = float(left)
    for index, (name, colour) in enumerate(labels):
        text = shorten(stack, stack.clean(name), right - left - 2 * PILL_PAD)
        pill = stack.width(text) + 2 * PILL_PAD
        rest = len(labels) - index - 1
        reserve = _more_width(stack, rest) + PILL_GAP if rest else 0
        if x + pill + reserve > right:
            while placed and x + _more_width(stack, len(labels) - len(placed)) > right:
                x -= placed.pop()[2] + PILL_GAP
            placed.append((f"+{len(labels) - len(placed)}", DEFAULT_LABEL, 0))
            break
        placed.append((text, colour, pill))
        x += pill + PILL_GAP

    x = float(left)
    baseline = top + PILL_HEIGHT // 2 + round(PILL_FONT * 0.36)
    for text, colour, _ in placed:
        pill = stack.width(text) + 2 * PILL_PAD
        draw.rounded_rectangle(
            (x, top, x + pill - 1, top + PILL_HEIGHT - 1), radius=PILL_HEIGHT // 2, fill=colour
        )
        stack.draw(draw, x + PILL_PAD, baseline, text, _text_on(colour))
        x += pill + PILL_GAP


def _more_width(stack: FontStack, count: int) -> float:
    return stack.width(f"+{count}") + 2 * PILL_PAD


def _colour(value: str) -> str:
    match = _HEX.fullmatch(value.strip()) if isinstance(value, str) else None
    if not match:
        return DEFAULT_LABEL
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return "#" + digits.lower()


def _luminance(colour: str) -> float:
    """WCAG relative luminance of ``#rrggbb``."""

    def channel(hex_pair: str) -> float:
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _text_on(colour: str) -> str:
    """White or ink, whichever reads better on a label of ``colour``."""
    return "#ffffff" if _contrast("#ffffff", colour) >= _contrast(INK, colour) else INK


def accent_ink(accent: str) -> str:
    """The accent colour for text on the card's background, or ink when it is too pale."""
    return accent if _contrast(accent, BACKGROUND) >= 4.5 else INK
