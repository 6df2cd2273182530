"""Alt text: platform placeholders count as missing, a maintainer's override wins."""

from __future__ import annotations

import pytest
from tweetorials.media.alt import effective_alt, is_placeholder_alt, normalise_alt
from tweetorials.snapshot.model import Media


@pytest.mark.parametrize(
    "text", ["", "   ", "Image", "image", " IMAGE. ", "photo", "Image description", "n/a", None]
)
def test_placeholders_count_as_missing(text: str | None) -> None:
    assert is_placeholder_alt(text)
    assert normalise_alt(text) == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A bar chart of  LDL\nbefore and after", "A bar chart of LDL before and after"),
        ("Image of a chest X-ray", "Image of a chest X-ray"),
        ("Imaging", "Imaging"),
    ],
)
def test_real_descriptions_are_kept_with_whitespace_collapsed(text: str, expected: str) -> None:
    assert not is_placeholder_alt(text)
    assert normalise_alt(text) == expected


def test_effective_alt_prefers_a_real_override() -> None:
    media = Media(kind="image", url="https://pbs.example/a.jpg", alt="Image")
    assert effective_alt(media) == ""
    assert effective_alt(media, "Flow chart of sepsis care") == "Flow chart of sepsis care"
    described = Media(kind="image", url="https://pbs.example/b.jpg", alt="ECG with ST elevation")
    assert effective_alt(described, "  ") == "ECG with ST elevation"
    assert effective_alt(described, "Image") == "ECG with ST elevation"
