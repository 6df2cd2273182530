"""Social cards: the text stays inside the card, every script renders, files are reused."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageChops
from tweetorials.media import cards
from tweetorials.media.cards import BACKGROUND, CARD_SIZE, MARGIN, render_card, write_card
from tweetorials.media.typeset import BOLD, REGULAR, FontStack, codepoints, fit_text

SPECIALTIES = [("High-value care", "#0f766e"), ("Pathophysiology", "#c2410c")]
SHORT = "Muscle size"
LONG = (
    "Why we should stop ordering routine coagulation tests before low-risk procedures, and "
    "what the evidence says about bleeding, INR thresholds, plasma and vitamin K " * 4
)
JAPANESE = "筋トレで筋肉が大きくなる仕組み：タンパク質合成と機械的張力についてのスレッド"
ARABIC = "الفيزيولوجيا المرضية لقصور القلب: شرح مبسط لطلاب الطب"
GREEK = "Η παθοφυσιολογία της καρδιακής ανεπάρκειας για φοιτητές ιατρικής"
NO_SPACES = "Pneumonoultramicroscopicsilicovolcanoconiosis" * 6

TITLES = {
    "short": SHORT,
    "long": LONG,
    "japanese": JAPANESE,
    "arabic": ARABIC,
    "greek": GREEK,
    "no-spaces": NO_SPACES,
}


def card(title: str, **overrides: object) -> Image.Image:
    args: dict[str, object] = {
        "title": title,
        "author_name": "Dr Ada Example",
        "handle": "ada_md",
        "specialties": SPECIALTIES,
        "site_name": "FOAMed Tweetorials",
        **overrides,
    }
    data = render_card(**args)  # type: ignore[arg-type]
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    return image.convert("RGB")


def ink(image: Image.Image, box: tuple[int, int, int, int]) -> int:
    """How many pixels inside ``box`` differ from the background."""
    region = image.crop(box)
    plain = Image.new("RGB", region.size, BACKGROUND)
    mask = ImageChops.difference(region, plain).convert("L").point(lambda v: 255 if v else 0)
    return mask.histogram()[255]


def margin_ink(image: Image.Image) -> int:
    width, height = image.size
    bands = [
        (0, 0, width, MARGIN),
        (0, height - MARGIN, width, height),
        (0, 0, MARGIN, height),
        (width - MARGIN, 0, width, height),
    ]
    return sum(ink(image, band) for band in bands)


@pytest.mark.parametrize("title", TITLES.values(), ids=TITLES.keys())
def test_text_stays_inside_the_margins(title: str) -> None:
    image = card(title)
    assert image.size == CARD_SIZE
    assert margin_ink(image) == 0
    title_area = (MARGIN, MARGIN + 60, CARD_SIZE[0] - MARGIN, cards.RULE_Y - 10)
    assert ink(image, title_area) > 2_000  # the title was drawn


def test_long_names_and_many_specialties_stay_inside_too() -> None:
    image = card(
        LONG,
        author_name="Dr " + "Verylongname " * 20,
        handle="someone.with.a.very.long.handle@mastodon.example.social" * 3,
        specialties=[(f"Specialty number {i}", "#6d28d9") for i in range(12)],
        site_name="The Very Long Name Of A Library Of Medical Education Threads " * 3,
    )
    assert margin_ink(image) == 0


@pytest.mark.parametrize("title", [JAPANESE, ARABIC, GREEK], ids=["japanese", "arabic", "greek"])
def test_non_latin_titles_have_glyphs_in_the_bundled_fonts(title: str) -> None:
    stack = FontStack(BOLD, 40)
    assert stack.clean(title) == title  # no character was dropped as undrawable
    assert all(stack.font_for(ch) is not None for ch in title)


def test_japanese_uses_the_fallback_font_and_breaks_without_spaces() -> None:
    stack = FontStack(REGULAR, 48)
    assert stack.font_for("A") == 0 and stack.font_for("筋") == 1
    fitted = fit_text(REGULAR, JAPANESE, (500, 1000), sizes=[48])
    assert len(fitted.lines) > 1
    assert "".join(fitted.lines) == JAPANESE
    assert all(stack.width(line) <= 500 for line in fitted.lines)
    assert not any(line.startswith("：") for line in fitted.lines)


def test_characters_no_font_has_are_dropped_not_drawn_as_boxes() -> None:
    heart = "\U0001fac0"  # ANATOMICAL HEART, in neither bundled font
    assert all(ord(heart) not in codepoints(path) for path in BOLD)
    stack = FontStack(BOLD, 40)
    assert stack.clean(f"Heart {heart} failure") == "Heart failure"
    only_emoji = card(heart * 3)
    assert ink(only_emoji, (MARGIN, 150, 1136, 450)) > 0  # falls back to "Untitled thread"


def test_long_titles_shrink_then_end_with_an_ellipsis() -> None:
    box = (1000, 300)
    short = fit_text(BOLD, SHORT, box, sizes=cards.TITLE_SIZES)
    long = fit_text(BOLD, LONG, box, sizes=cards.TITLE_SIZES)
    assert short.stack.size == cards.TITLE_SIZES[0]
    assert long.stack.size == cards.TITLE_SIZES[-1]
    assert long.height <= box[1]
    assert long.lines[-1].endswith("…")
    assert all(long.stack.width(line) <= box[0] for line in long.lines)


def test_specialty_labels_use_their_colours_and_bad_colours_fall_back() -> None:
    image = card(SHORT, specialties=[("Cardiology", "#c2410c"), ("Odd", "not-a-colour")])
    first_pill = image.getpixel((MARGIN + 6, MARGIN + 23))
    assert first_pill == (0xC2, 0x41, 0x0C)
    pills = image.crop((MARGIN, MARGIN, 1136, MARGIN + cards.PILL_HEIGHT))
    colours = {c for _, c in pills.getcolors(100_000) or []}
    assert Image.new("RGB", (1, 1), cards.DEFAULT_LABEL).getpixel((0, 0)) in colours


def test_rtl_titles_are_right_aligned() -> None:
    image = card(ARABIC, specialties=[])
    middle = CARD_SIZE[0] // 2
    left = ink(image, (MARGIN, MARGIN, middle, cards.RULE_Y - 10))
    right = ink(image, (middle, MARGIN, CARD_SIZE[0] - MARGIN, cards.RULE_Y - 10))
    assert right > left


def test_write_card_reuses_the_file_until_an_input_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inputs = {
        "title": SHORT,
        "author_name": "Ada",
        "handle": "ada",
        "specialties": SPECIALTIES,
        "site_name": "Site",
    }
    first = write_card(tmp_path, "x-1", **inputs)  # type: ignore[arg-type]
    neighbour = write_card(tmp_path, "x-12", **inputs)  # type: ignore[arg-type]
    assert first.is_file() and first.name.startswith("x-1-") and first.suffix == ".png"
    assert Image.open(first).size == CARD_SIZE

    def no_rendering(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("an up-to-date card was rendered again")

    monkeypatch.setattr(cards, "render_card", no_rendering)
    assert write_card(tmp_path, "x-1", **inputs) == first  # type: ignore[arg-type]
    monkeypatch.undo()

    changed = write_card(tmp_path, "x-1", **{**inputs, "title": "A new title"})  # type: ignore[arg-type]
    assert changed != first and changed.is_file()
    assert not first.exists()  # the stale card is gone...
    assert neighbour.is_file()  # ...and a card whose slug merely starts the same is not


@pytest.mark.parametrize("slug", ["../escape", "", ".hidden", "a/b", "sp ace"])
def test_write_card_refuses_slugs_that_are_not_plain_names(tmp_path: Path, slug: str) -> None:
    with pytest.raises(ValueError, match="slug"):
        write_card(
            tmp_path, slug, title="t", author_name="a", handle="h", specialties=[], site_name="s"
        )
