"""The curator's note: a plain sentence skips Markdown and must come out exactly as Markdown
would have made it; anything else goes through Markdown."""

from __future__ import annotations

import random

import markdown
import pytest
from tweetorials.render.view import _PLAIN_NOTE, _note_html
from tweetorials.sanitize import clean_html

PLAIN = [
    "A worked example for students, with the trials behind each step.",
    "Dr. Smith's note (2019): 50% of cases/trials — see post 3; why?",
    "Anion gap: high, normal or low? Start here.",
    "Fiebre y tos – un hilo en español",
    "Hello  world",
    "Ends with a dash -",
]
MARKDOWN = [
    "1. a list",
    "- a list",
    "# A heading",
    "*emphasis* here",
    "snake_case_word",
    "A [link](https://example.org)",
    "Tom & Jerry",
    "a < b",
    "Two lines\nof text",
    "trailing space ",
    "   indented",
    "back`tick`",
    "",
]
TOKENS = ["word", "Él", "ж", "漢字", "1.", "2", "-", "--", "—", "(", ")", "'", "’", '"', "“", ":"]
TOKENS += [",", ";", "?", "!", "%", "/", " ", "  ", "*", "_", "#", "&", "<", "[", "]", "\n", "`"]


def _markdown(note: str) -> str:
    return clean_html(markdown.markdown(note))


@pytest.mark.parametrize("note", PLAIN)
def test_plain_sentences_skip_markdown(note: str) -> None:
    assert _PLAIN_NOTE.fullmatch(note)
    assert _note_html(note) == _markdown(note)


@pytest.mark.parametrize("note", MARKDOWN)
def test_markup_goes_through_markdown(note: str) -> None:
    assert not _PLAIN_NOTE.fullmatch(note)
    assert _note_html(note) == _markdown(note)


def test_any_mix_of_words_and_punctuation_comes_out_as_markdown_makes_it() -> None:
    rng = random.Random(14)
    skipped = 0
    for _ in range(3000):
        note = "".join(rng.choice(TOKENS) for _ in range(rng.randint(1, 12)))
        note = rng.choice(["", "A ", "Word "]) + note
        skipped += bool(_PLAIN_NOTE.fullmatch(note))
        assert _note_html(note) == _markdown(note), repr(note)
    assert skipped > 300  # the fast path was exercised, not only Markdown
