"""A card put together from shared parts is the card drawn whole, pixel for pixel."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw
from tweetorials.media import cards
from tweetorials.media.cards_paint import _apart, compose, ink_box, paint, text_marks
from tweetorials.media.typeset import BOLD, REGULAR, FontStack

from tests.test_cards import ARABIC, GREEK, JAPANESE, LONG, NO_SPACES, SHORT

LABELS = (("High-value care", "#0f766e"), ("Pathophysiology", "#c2410c"))
SITE = "FOAMed Tweetorials"


def both(
    title: str, author: str, handle: str, labels: tuple[tuple[str, str], ...]
) -> tuple[Image.Image | None, Image.Image]:
    scheme = cards.card_scheme(labels, SITE)
    groups = [
        cards._title_marks(title, scheme.top, scheme.accent),
        cards._byline_marks(author, handle, scheme.room),
    ]
    composed = compose(cards.CARD_SIZE, scheme.ground, scheme.layers, groups, scheme.palette)
    return composed, cards._whole_card(scheme, groups)


@pytest.mark.parametrize(
    "title", [SHORT, LONG, JAPANESE, ARABIC, GREEK, NO_SPACES, "Fi\ufb01 AV Wa ffl"]
)
@pytest.mark.parametrize(
    "labels", [LABELS, (), (("Pale", "#fde68a"),)], ids=["two", "none", "pale"]
)
def test_a_card_from_shared_parts_matches_the_card_drawn_whole(
    title: str, labels: tuple[tuple[str, str], ...]
) -> None:
    composed, whole = both(title, "Dr Ada Éxample", "ada_md", labels)
    assert composed is not None  # ordinary cards take the quick way
    assert composed.mode == whole.mode == "P"
    assert composed.getpalette() == whole.getpalette()
    assert composed.tobytes() == whole.tobytes()


def test_text_reaching_into_the_shared_parts_is_drawn_whole() -> None:
    """Accents stacked on the author's name climb over the rule: no patch may cover it."""
    name = "A" + "\u0300" * 40
    composed, whole = both(SHORT, name, "h", LABELS)
    assert composed is None
    card = Image.open(io.BytesIO(cards.render_card(SHORT, name, "h", LABELS, SITE)))
    assert card.tobytes() == whole.tobytes()
    rule = whole.convert("RGB").getpixel((cards.CARD_SIZE[0] - cards.MARGIN - 1, cards.RULE_Y))
    assert rule == Image.new("RGB", (1, 1), cards.RULE).getpixel((0, 0))


@pytest.mark.parametrize("x", [64.0, 100.3, 233.71875])
@pytest.mark.parametrize("text", ["Why troponin rises", JAPANESE, ARABIC, "ffi fl Ŵ"])
def test_rendered_marks_draw_what_the_font_stack_draws(x: float, text: str) -> None:
    for stack in (FontStack(BOLD, 57), FontStack(REGULAR, 24)):
        drawn = Image.new("RGB", (1200, 200), "#fffdf8")
        stack.draw(ImageDraw.Draw(drawn), x, 120, text, "#1b1f24")
        painted = Image.new("RGB", (1200, 200), "#fffdf8")
        paint(painted, text_marks(stack, x, 120, text, "#1b1f24"))
        assert painted.tobytes() == drawn.tobytes()
        # ...and the same on a patch that starts elsewhere on the card
        patch = Image.new("RGB", (1200, 200), "#fffdf8")
        paint(patch, text_marks(stack, x + 37, 120 + 11, text, "#1b1f24"), (37, 11))
        assert patch.tobytes() == drawn.tobytes()


@pytest.mark.parametrize("dots", [[], [(5, 3)], [(0, 0), (99, 69)], [(40, 31), (41, 32), (7, 64)]])
def test_ink_box_finds_every_pixel_that_is_not_ground(dots: list[tuple[int, int]]) -> None:
    image = Image.new("RGB", (100, 70), "#fffdf8")
    for dot in dots:
        image.putpixel(dot, (0xFF, 0xFD, 0xF7))  # one unit off the ground
    expected = None
    if dots:
        xs, ys = [x for x, _ in dots], [y for _, y in dots]
        expected = (min(xs), min(ys), max(xs) + 1, max(ys) + 1)
    assert ink_box(image, "#fffdf8", rows=32) == expected


@pytest.mark.parametrize(
    ("dx", "dy", "apart"),
    [(0, 0, False), (3, 12, False), (0, 80, True)],
    ids=["same-place", "overlapping", "apart"],
)
def test_marks_are_stamped_or_blended_the_way_a_whole_drawing_blends_them(
    dx: int, dy: int, apart: bool
) -> None:
    """Marks that overlap are blended on a true-colour patch; apart, each is stamped."""
    scheme = cards.card_scheme(LABELS, SITE)
    stack = FontStack(BOLD, 48)
    marks = text_marks(stack, 100.4, 250, "Overlapping ink", "#1b1f24")
    marks += text_marks(stack, 100.4 + dx, 250 + dy, "Overlapping ink", "#57606a")
    assert _apart([m.box for m in marks], cards.CARD_SIZE) == apart
    composed = compose(cards.CARD_SIZE, scheme.ground, (), [marks], scheme.palette)
    assert composed is not None
    whole = Image.new("RGB", cards.CARD_SIZE, cards.BACKGROUND)
    paint(whole, marks)
    reduced = whole.quantize(palette=composed, dither=Image.Dither.NONE)
    assert composed.tobytes() == reduced.tobytes()
