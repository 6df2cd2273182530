"""A thread whose social card cannot be drawn: its page must not name a missing image."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from tweetorials.media import card_batch

from tests.conftest import build, soup

SITEURL = "https://example.org"


def test_a_card_that_fails_to_draw_leaves_no_dangling_og_image(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = card_batch.render_card
    failed: list[str] = []

    def fails_for_threads(title: str, author_name: str, *args: object, **kw: object) -> bytes:
        if title != author_name:  # every thread's card; the site card has its name twice
            failed.append(title)
            raise OSError("No space left on device")
        return real(title, author_name, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(card_batch, "POOL_THRESHOLD", 10**6)  # drawn in this process
    monkeypatch.setattr(card_batch, "render_card", fails_for_threads)
    output = build(site, TWEETORIALS_CACHE=str(tmp_path / "cache"), SITEURL=SITEURL)

    assert failed
    pages = sorted(output.glob("threads/*/index.html"))
    assert pages
    for page in pages:
        html = soup(page)
        images = [
            t["content"]
            for t in html.select('meta[property="og:image"], meta[name="twitter:image"]')
        ]
        for block in html.select('script[type="application/ld+json"]'):
            data = json.loads(block.string or "{}")
            if isinstance(data.get("image"), str):
                images.append(data["image"])
        for url in images:
            target = output / urlsplit(str(url)).path.lstrip("/")
            assert target.is_file(), f"{page}: {url} names no file in the site"
