"""Painting a card from parts, so that what every card of a site shares is drawn once.

A card is a background with *marks* on it: text runs and bars. Most of them are the same on
every card of a site with the same specialty labels (the labels, the rule, the site's name);
only the title and the byline change. So :func:`compose` starts from a flat 256-colour canvas,
pastes the shared parts (drawn and reduced to the palette once, see
:func:`~.cards.card_scheme`) and draws only the thread's own marks, each group on a small
true-colour patch of background that is then reduced to the palette and pasted.

The result is the same, pixel for pixel, as drawing the whole card in true colour and
reducing it at the end, because:

* a text run is rendered once (:func:`text_marks` makes the same ``getmask2`` call, with the
  same whole-pixel position and fractional start, as ``ImageDraw.text``) and its mask is
  blended onto the patch at the same place relative to the card;
* a patch covers only background in the full drawing: :func:`compose` refuses (returns None)
  when a group's box meets a shared part or another group, and the caller then draws the card
  the slow way;
* reducing to a fixed palette without dithering maps each pixel on its own colour.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any, NamedTuple

from PIL import Image, ImageChops, ImageColor, ImageDraw

from .typeset import FontStack

__all__ = [
    "Bar",
    "Box",
    "Glyphs",
    "Layer",
    "compose",
    "drawn_rows",
    "ink_box",
    "paint",
    "palette_image",
    "text_marks",
]

Box = tuple[int, int, int, int]  # left, top, right, bottom; right and bottom excluded


class Glyphs(NamedTuple):
    """One run of text, already rendered: its 8-bit coverage mask and where the mask goes."""

    mask: Any  # a Pillow core image (what ``FreeTypeFont.getmask2`` returns)
    left: int
    top: int
    colour: str

    @property
    def box(self) -> Box:
        width, height = self.mask.size
        return (self.left, self.top, self.left + width, self.top + height)


class Bar(NamedTuple):
    """A filled rectangle."""

    box: Box
    colour: str


Mark = Glyphs | Bar


class Layer(NamedTuple):
    """A part shared by many cards, already reduced to the palette, and where it goes."""

    box: Box
    image: Image.Image


def text_marks(stack: FontStack, x: float, baseline: float, text: str, colour: str) -> list[Mark]:
    """What :meth:`~.typeset.FontStack.draw` would draw at ``(x, baseline)``, rendered now.

    Each run is rendered the way ``ImageDraw.text(..., anchor="ls")`` renders it: at the whole
    pixel ``int(x)``, starting at the fraction that is left, so the glyphs are the same.
    """
    marks: list[Mark] = []
    for font, run in stack.runs(text):
        start = (math.modf(x)[0], math.modf(baseline)[0])
        mask, (dx, dy) = font.getmask2(run, "L", anchor="ls", start=start, stroke_filled=True)
        marks.append(Glyphs(mask, int(x) + dx, int(baseline) + dy, colour))
        x += font.getlength(run)
    return marks


def paint(image: Image.Image, marks: Iterable[Mark], origin: tuple[int, int] = (0, 0)) -> None:
    """Draw ``marks`` on a true-colour ``image`` whose top-left is ``origin`` on the card."""
    draw = ImageDraw.Draw(image)
    ox, oy = origin
    for mark in marks:
        if isinstance(mark, Bar):
            left, top, right, bottom = mark.box
            draw.rectangle((left - ox, top - oy, right - 1 - ox, bottom - 1 - oy), fill=mark.colour)
        else:
            ink = draw.draw.draw_ink(ImageColor.getcolor(mark.colour, image.mode))
            draw.draw.draw_bitmap((mark.left - ox, mark.top - oy), mark.mask, ink)


@lru_cache(maxsize=1)
def palette_image(colours: tuple[int, ...]) -> Image.Image:
    """A 1x1 palette image to reduce true-colour patches with (768 channel values).

    Kept for the next cards with the same palette: Pillow caches its colour lookups on it
    (512 KB), which makes reducing a card's colours three times quicker. The card worker
    draws cards of the same palette one after the other; one is kept."""
    palette = Image.new("P", (1, 1))
    palette.putpalette(colours)
    return palette


def compose(
    size: tuple[int, int],
    ground: tuple[str, int],
    shared: Sequence[Layer],
    groups: Sequence[Sequence[Mark]],
    palette: tuple[int, ...],
) -> Image.Image | None:
    """The card in 256 colours: ``shared`` layers pasted on the ground (a colour and its
    palette index), then each group of marks; None when a group would cover a shared part or
    another group, because the patches would then not match a drawing of the whole card."""
    boxes = [layer.box for layer in shared]
    patches: list[tuple[Box, Sequence[Mark]]] = []
    for marks in groups:
        box = _clip(_union(mark.box for mark in marks), size)
        if box is None:
            continue
        if any(_meet(box, other) for other in boxes):
            return None
        boxes.append(box)
        patches.append((box, marks))
    colour, index = ground
    canvas = Image.new("P", size, index)
    canvas.putpalette(palette)
    for layer in shared:
        canvas.paste(layer.image, layer.box[:2])
    for (left, top, right, bottom), marks in patches:
        if _apart([mark.box for mark in marks], size):
            for mark in marks:
                _stamp(canvas, mark, colour, palette)
            continue
        patch = Image.new("RGB", (right - left, bottom - top), colour)
        paint(patch, marks, (left, top))
        reduced = patch.quantize(palette=palette_image(palette), dither=Image.Dither.NONE)
        canvas.paste(reduced, (left, top))
    return canvas


def _apart(boxes: Sequence[Box], size: tuple[int, int]) -> bool:
    """True when the boxes lie inside the card and no two meet: every pixel is then under
    at most one mark, on the ground, so its colour is a function of the mark's coverage."""
    inside = all(b[0] >= 0 and b[1] >= 0 and b[2] <= size[0] and b[3] <= size[1] for b in boxes)
    return inside and not any(_meet(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])


def _stamp(canvas: Image.Image, mark: Mark, ground: str, palette: tuple[int, ...]) -> None:
    """Put one mark on the 256-colour canvas straight from its coverage mask: each coverage
    value (0-255) becomes the palette index that blending and reducing would give it
    (:func:`_coverage`), which skips a true-colour patch and the colour reduction."""
    left, top, right, bottom = mark.box
    if right <= left or bottom <= top:
        return
    indexes = _coverage(mark.colour, ground, palette)
    if isinstance(mark, Bar):
        canvas.paste(indexes[255], mark.box)
    else:
        canvas.im.paste(mark.mask.point(indexes, "L"), mark.box)


@lru_cache(maxsize=64)
def _coverage(colour: str, ground: str, palette: tuple[int, ...]) -> list[int]:
    """For each coverage 0-255, the palette index of ``colour`` blended at that coverage on
    ``ground``: blended by Pillow itself (the same call that draws text) on a 256-pixel
    strip, and reduced the way a patch is, so it is exact."""
    strip = Image.new("RGB", (256, 1), ground)
    ramp = Image.new("L", (256, 1))
    ramp.putdata(range(256))
    draw = ImageDraw.Draw(strip)
    draw.draw.draw_bitmap((0, 0), ramp.im, draw.draw.draw_ink(ImageColor.getcolor(colour, "RGB")))
    reduced = strip.quantize(palette=palette_image(palette), dither=Image.Dither.NONE)
    return list(reduced.tobytes())


def ink_box(image: Image.Image, ground: str, rows: int = 32) -> Box | None:
    """The box of the pixels of ``image`` that are not the ``ground`` colour, or None.

    Found a band of rows at a time: a difference of two whole cards would take two more
    1200x630 true-colour images (6 MB) in a worker that should stay small.
    """
    width, height = image.size
    plain = Image.new(image.mode, (width, rows), ground)
    found: list[Box] = []
    for top in range(0, height, rows):
        band = image.crop((0, top, width, min(height, top + rows)))
        box = ImageChops.difference(band, plain.crop((0, 0, *band.size))).getbbox()
        if box:
            found.append((box[0], top + box[1], box[2], top + box[3]))
    return _union(found)


def drawn_rows(
    size: tuple[int, int], shared: Sequence[Layer], groups: Sequence[Sequence[Mark]]
) -> list[tuple[int, int]]:
    """The row ranges (top, bottom) of a composed card where anything is drawn: outside them,
    a row is all ground (what :func:`~.cards_png.card_png` needs to know)."""
    boxes = [layer.box for layer in shared]
    boxes += [b for b in (_clip(_union(m.box for m in marks), size) for marks in groups) if b]
    return [(box[1], box[3]) for box in boxes]


def _union(boxes: Iterable[Box]) -> Box | None:
    found = [b for b in boxes if b[0] < b[2] and b[1] < b[3]]
    if not found:
        return None
    return (
        min(b[0] for b in found),
        min(b[1] for b in found),
        max(b[2] for b in found),
        max(b[3] for b in found),
    )


def _clip(box: Box | None, size: tuple[int, int]) -> Box | None:
    if box is None:
        return None
    left, top = max(0, box[0]), max(0, box[1])
    right, bottom = min(size[0], box[2]), min(size[1], box[3])
    return (left, top, right, bottom) if left < right and top < bottom else None


def _meet(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
