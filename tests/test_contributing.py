"""The examples in CONTRIBUTING.md load: curators copy them, so they must be right."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from tweetorials.catalog import parse_catalog
from tweetorials.snapshot.handwritten import load_handwritten

ROOT = Path(__file__).resolve().parents[1]
GUIDE = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")


def yaml_blocks() -> list[str]:
    return re.findall(r"^```yaml\n(.*?)^```$", GUIDE, flags=re.MULTILINE | re.DOTALL)


def block_starting(prefix: str) -> str:
    found = [b for b in yaml_blocks() if b.startswith(prefix)]
    assert len(found) == 1, prefix
    return found[0]


def test_the_catalog_examples_load_with_every_field() -> None:
    threads = block_starting("threads:\n")
    others = block_starting("specialties:\n")
    manual_entry = block_starting("  - url: https://twitter.com/someone\n")
    # The examples name one specialty each; the real file defines the rest.
    text = (
        others.replace("specialties:\n", "specialties:\n  pathophysiology: {name: Patho}\n", 1)
        + threads
        + manual_entry
    )
    catalog = parse_catalog(text)
    full, manual = catalog.entries
    assert full.ref.platform == "x" and full.specialties == ("pathophysiology",)
    assert full.tags == ("muscle", "exercise-physiology")
    assert full.added == dt.date(2026, 11, 28) and full.featured
    assert full.last_url and full.slug == "weight-training-muscle-size"
    assert full.review and full.review.reviewer == "Dr A. Reviewer"
    assert full.review.conflicts == "None declared"
    (image,) = full.images
    assert (image.post, image.image) == (3, 1) and image.alt and image.description
    assert manual.platform == "manual" and manual.slug == "someone-sepsis-fluids"
    assert [(x.author, x.url_key is not None) for x in catalog.exclusions] == [
        ("x:someone", False),
        (None, True),
    ]
    assert catalog.exclusion_for(manual) is None
    assert catalog.exclusion_for(full) is None


def test_the_hand_written_snapshot_example_loads(tmp_path: Path) -> None:
    path = tmp_path / "someone-sepsis-fluids.yaml"
    path.write_text(block_starting("platform: x"), encoding="utf-8")
    thread = load_handwritten(path)
    assert thread.author.handle == "example"
    assert len(thread.posts) == 2
    assert thread.posts[1].media[0].alt.startswith("What the picture shows")
    assert "unrolled copy" in thread.note


def test_the_guide_documents_every_catalog_field() -> None:
    from tweetorials.catalog.load import EXCLUDE_KEYS, IMAGE_KEYS, REVIEW_KEYS, THREAD_KEYS

    for key in (*THREAD_KEYS, *REVIEW_KEYS, *IMAGE_KEYS, *EXCLUDE_KEYS):
        assert re.search(rf"`{key}`|\b{key}:", GUIDE), f"CONTRIBUTING.md does not explain {key}"
