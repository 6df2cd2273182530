"""Hostile images through a real Pelican build, not only through the image functions.

A hand-written snapshot in a copy of the sample site points at files under
content/media/sources that are made here, each hostile in its own way, next to two good ones.
The build must finish, show a placeholder (alt text and a link to the post) for every hostile
file, render the good images, count the failures in its summary and never publish the files.
"""

from __future__ import annotations

import contextlib
import io
import logging
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from . import media_samples as samples
from .conftest import build, copy_site

THREAD_URL = "https://example.org/samples/hostile-images"

#: file name -> (bytes, what the build log says about it)
HOSTILE: dict[str, tuple[bytes, str]] = {
    "bomb.png": (samples.png_claiming(30_000, 30_000), "decompression bomb"),
    "quiet-bomb.png": (samples.png_claiming(9_000, 9_000), "pixel limit"),
    "diagram.svg": (samples.svg(), "SVG images are not accepted"),
    "svg-named.png": (b'<?xml version="1.0"?>\n' + samples.svg(), "SVG images are not accepted"),
    "text-as.png": (b"Hello! This is plain text, whatever the header said.", "not a JPEG, PNG"),
    "html-as.png": (b"<!DOCTYPE html><html><body>Rate limited</body></html>", "HTML"),
    "truncated.jpg": (samples.truncated(samples.jpeg((800, 600))), "damaged or truncated"),
    "truncated.png": (samples.truncated(samples.png_transparent()), "damaged or truncated"),
    "liar.png": (samples.png_claiming(2_000, 1_500, real=(10, 10)), "damaged or truncated"),
    "empty.png": (b"", "empty"),
    "huge.jpg": (samples.jpeg((64, 64)) + bytes(16 * 1024 * 1024), "larger than the 15.0 MB"),
}
GOOD = {"good.png": samples.png_transparent(), "good.jpg": samples.jpeg_with_metadata()}


def alt(name: str) -> str:
    return f"The figure called {name}, described for readers who cannot see it."


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, list[str]]:
    """The built site, the build's stderr (its summary line) and its warnings."""
    site = copy_site(tmp_path_factory.mktemp("hostile"))
    sources = site / "content/media/sources"
    files = {name: data for name, (data, _) in HOSTILE.items()} | GOOD
    lines = [
        "platform: manual",
        f"url: {THREAD_URL}",
        "sample: true",
        "author:",
        "  name: Dr Test Fixture",
        "  handle: test_fixture",
        "  url: https://example.org/samples/test-fixture",
        "posts:",
    ]
    for n, (name, data) in enumerate(files.items(), 1):
        (sources / name).write_bytes(data)
        lines += [
            f"  - text: {n}/ This post shows {name}.",
            "    images:",
            f"      - file: media/sources/{name}",
            f"        alt: {alt(name)}",
        ]
    (site / "content/threads/hostile-images.yaml").write_text("\n".join(lines) + "\n")
    with (site / "threads.yaml").open("a", encoding="utf-8") as catalog:
        catalog.write(
            f"\n  - url: {THREAD_URL}\n    platform: manual\n    snapshot: hostile-images\n"
            "    title: Hostile images\n    specialties: [pathophysiology]\n"
        )

    warnings: list[str] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = lambda record: warnings.append(record.getMessage())  # type: ignore[method-assign]
    logger = logging.getLogger("tweetorials")
    logger.addHandler(handler)
    stderr = io.StringIO()
    try:
        with contextlib.redirect_stderr(stderr):
            output = build(site)
    finally:
        logger.removeHandler(handler)
    return output, stderr.getvalue(), warnings


def figures(output: Path) -> dict[str, BeautifulSoup]:
    """Each post's figure, by the file name its post mentions."""
    page = BeautifulSoup(
        (output / "threads/hostile-images/index.html").read_text(encoding="utf-8"), "html.parser"
    )
    found = {}
    for post in page.select("section.post"):
        name = re.search(r"shows (\S+)\.", post.get_text()).group(1)
        found[name] = post.select_one("figure.media")
    return found


def test_every_hostile_file_becomes_a_placeholder_with_alt_text_and_a_link(
    hostile_build: tuple[Path, str, list[str]],
) -> None:
    output, _, _ = hostile_build
    shown = figures(output)
    assert set(shown) == set(HOSTILE) | set(GOOD)
    for name in HOSTILE:
        figure = shown[name]
        assert not figure.select("img, picture, source"), name
        placeholder = figure.select_one(".media-missing")
        assert placeholder is not None, name
        text = " ".join(placeholder.get_text().split())
        assert text.startswith("Image not archived."), name
        assert f"It showed: {alt(name)}" in text, name
        link = placeholder.select_one("a")
        # The file itself is not published (and an SVG must never be): the post is linked.
        assert link["href"] == THREAD_URL and link.get_text() == "Open the original post", name


def test_good_images_beside_them_still_render(
    hostile_build: tuple[Path, str, list[str]],
) -> None:
    output, _, _ = hostile_build
    shown = figures(output)
    for name in GOOD:
        img = shown[name].select_one("picture img")
        assert img is not None and img["alt"] == alt(name), name
        assert img["srcset"] and img["width"] and img["height"], name
        assert img["loading"] == "lazy" and img["decoding"] == "async", name
        for candidate in [img["src"], *(c.split()[0] for c in img["srcset"].split(","))]:
            assert (output / candidate.lstrip("/")).is_file(), candidate
        assert shown[name].select_one("details.alt").get_text(" ", strip=True).endswith(alt(name))


def test_the_summary_counts_the_failures_and_each_is_logged_once_with_its_place(
    hostile_build: tuple[Path, str, list[str]],
) -> None:
    _, stderr, warnings = hostile_build
    summary = re.search(r"images: (\d+) encoded, (\d+) reused, (\d+) failed", stderr)
    assert summary, stderr
    assert int(summary.group(1)) == len(GOOD)
    assert int(summary.group(3)) == len(HOSTILE)
    for name, (_, reason) in HOSTILE.items():
        said = [w for w in warnings if f" media/sources/{name} " in w]
        assert len(said) == 1, (name, said)
        assert re.match(
            rf"threads\.yaml:\d+: image media/sources/{re.escape(name)} not shown: ", said[0]
        )
        assert reason in said[0], (name, said[0])
    assert not [w for w in warnings if any(f"/{name} " in w for name in GOOD)]


def test_no_hostile_or_source_file_is_published(
    hostile_build: tuple[Path, str, list[str]],
) -> None:
    output, _, _ = hostile_build
    published = {p.name for p in output.rglob("*") if p.is_file()}
    assert not published & (set(HOSTILE) | set(GOOD))
    assert not [p for p in output.rglob("*.svg") if "theme" not in p.relative_to(output).parts]
    assert not (output / "media/sources").exists()


def test_a_thread_nothing_dates_still_builds_and_says_so(
    hostile_build: tuple[Path, str, list[str]],
) -> None:
    """The snapshot has no `posted:` and the entry no `added:`: Pelican needs a date anyway."""
    output, _, warnings = hostile_build
    assert (output / "threads/hostile-images/index.html").is_file()
    assert any(
        re.match(rf"threads\.yaml:\d+: {re.escape(THREAD_URL)} has no date", w) for w in warnings
    )
