"""Every JSON-LD block of two built sites against the schema.org vocabulary, and its shape.

Only properties that belong to each type (inherited ones included) may be used: the
vocabulary is read offline from the pinned ``schema-dts`` typings (tests/schema_vocabulary.py).
Where ``node_modules`` is missing the tests skip with one line, and fail under
``TWEETORIALS_REQUIRE_VALIDATORS=1`` (CI).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from .conftest import PUBLISHED_URL, ROOT, skip_or_require, soup
from .schema_vocabulary import Vocabulary, load_vocabulary

SCHEMA_DTS = ROOT / "node_modules" / "schema-dts"
REVIEWED = "threads/the-anion-gap-built-from-scratch/index.html"  # the sample with a review
UNDATED = "threads/four-ways-social-media-helps-students-lead-change-in-high-value-care/index.html"


@pytest.fixture(scope="module")
def vocabulary() -> Vocabulary:
    if not (SCHEMA_DTS / "dist" / "schema.d.ts").is_file():
        skip_or_require("node_modules/schema-dts not found; `make test` installs it with npm")
    return load_vocabulary(SCHEMA_DTS)


def _blocks(page: Path) -> list[Any]:
    scripts = soup(page).select('script[type="application/ld+json"]')
    return [json.loads(s.string or "") for s in scripts]


def _all_blocks(out: Path) -> dict[str, list[Any]]:
    pages = {p.relative_to(out).as_posix(): _blocks(p) for p in sorted(out.rglob("*.html"))}
    return {page: blocks for page, blocks in pages.items() if blocks}


def test_the_vocabulary_check_catches_a_misplaced_property(vocabulary: Vocabulary) -> None:
    wrong = {"@type": "LearningResource", "reviewedBy": {"@type": "Person", "name": "A"}}
    assert list(vocabulary.problems(wrong)) == ["$.reviewedBy: not a property of LearningResource"]
    assert list(vocabulary.problems({"@type": "Tweetorial"})) == [
        "$: @type 'Tweetorial' is not a schema.org type"
    ]
    inherited = {"@type": "WebPage", "name": "x", "reviewedBy": {"@type": "Person", "name": "A"}}
    assert not list(vocabulary.problems(inherited))


@pytest.mark.parametrize("which", ["built_site", "published_site"])
def test_every_block_uses_only_its_types_properties(
    vocabulary: Vocabulary, which: str, request: pytest.FixtureRequest
) -> None:
    blocks = _all_blocks(request.getfixturevalue(which))
    assert len(blocks) >= 8  # home, 6 threads, the specialty pages
    problems = [
        f"{page}: {p}"
        for page, found in blocks.items()
        for b in found
        for p in vocabulary.problems(b)
    ]
    assert not problems, f"schema-dts {vocabulary.version}:\n" + "\n".join(problems)


def test_thread_page_is_a_reviewed_web_page_about_a_learning_resource(
    published_site: Path,
) -> None:
    (page,) = _blocks(published_site / REVIEWED)
    url = f"{PUBLISHED_URL}/threads/the-anion-gap-built-from-scratch/"
    assert page["@type"] == "WebPage" and page["url"] == url
    assert page["reviewedBy"] == {"@type": "Person", "name": "Sample Reviewer, MD (fictional)"}
    assert page["lastReviewed"] == "2026-11-20"
    resource = page["mainEntity"]
    assert resource["@type"] == "LearningResource"
    assert "reviewedBy" not in resource and "lastReviewed" not in resource
    assert resource["datePublished"].startswith("2026-09-14T18:30")
    card = resource["image"]
    assert card.startswith(f"{PUBLISHED_URL}/cards/") and card.endswith(".png")
    assert (published_site / card.removeprefix(PUBLISHED_URL + "/")).is_file()
    trail = [
        (i["position"], i["name"], i.get("item")) for i in page["breadcrumb"]["itemListElement"]
    ]
    assert trail == [
        (1, "Tweetorials Library", f"{PUBLISHED_URL}/"),
        (2, "Pathophysiology", f"{PUBLISHED_URL}/specialty/pathophysiology/"),
        (3, "The anion gap, built from scratch", None),  # this page: its url is above
    ]


def test_a_thread_without_a_posting_date_has_no_date_published(published_site: Path) -> None:
    (page,) = _blocks(published_site / UNDATED)
    resource = page["mainEntity"]
    assert "datePublished" not in resource
    assert resource["dateModified"].startswith("2026-11-28")  # the archive date
    assert "reviewedBy" not in page  # no review in the catalog


def test_specialty_page_has_its_breadcrumb(published_site: Path) -> None:
    (page,) = _blocks(published_site / "specialty/policy/index.html")
    assert page["@type"] == "CollectionPage" and page["name"] == "Health policy"
    names = [i["name"] for i in page["breadcrumb"]["itemListElement"]]
    assert names == ["Tweetorials Library", "Specialties", "Health policy"]
    assert page["breadcrumb"]["itemListElement"][1]["item"] == f"{PUBLISHED_URL}/specialty/"


def test_home_page_describes_the_site_and_its_search(published_site: Path) -> None:
    (site,) = _blocks(published_site / "index.html")
    assert site["@type"] == "WebSite" and site["url"] == f"{PUBLISHED_URL}/"
    action = site["potentialAction"]
    assert action["@type"] == "SearchAction"
    template = action["target"]["urlTemplate"]
    assert template == f"{PUBLISHED_URL}/search/?q={{search_term_string}}"
    assert action["query-input"] == "required name=search_term_string"
    # The search page exists where the template points and reads the same parameter.
    search = published_site / "search/index.html"
    assert search.is_file()
    script = (published_site / "theme/js/search.js").read_text(encoding="utf-8")
    assert '.get("q")' in script
