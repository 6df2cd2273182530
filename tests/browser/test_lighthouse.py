"""Lighthouse on one page of each kind of the built sample site, in Debian's Chromium.

Lighthouse 12.2.3 (pinned in package-lock.json, installed by ``make test`` with ``npm ci``)
runs with its default settings: a mobile page on simulated slow 4G. One Chromium serves every
page (``lighthouse_audit.mjs``): about six seconds a page. The local build is audited, and a
thread page of the build ``make publish`` makes (absolute addresses, canonical, og:url,
JSON-LD), published at the address that serves it.

Accessibility, best practices and SEO must score 100: their audits are about the page itself,
not about time. Performance is made of timings, simulated from what the page took on this
machine, so a busy machine lowers it: the test asks for at least 90 and no layout shift at all
(the one performance figure that does not depend on the machine's speed), and a failure lists
every metric below 100. On a quiet machine every page here scores 100 in all four.

Where Chromium, Node or the npm packages are missing the tests skip with one line saying how to
install them; ``.ci/run`` makes that a failure.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..conftest import ROOT, build, copy_site, skip_or_require
from .conftest import CHROMIUM, check_chromium, serving

AUDIT = Path(__file__).with_name("lighthouse_audit.mjs")
LIGHTHOUSE = ROOT / "node_modules" / "lighthouse" / "package.json"

#: One page of each kind: a thread with a poll and an image, a listing, and the search page
#: with a query (its box and results are made by script, after the page has shown).
PAGES = {
    "home": "/",
    "thread": "/threads/the-anion-gap-built-from-scratch/",
    "specialty": "/specialty/pathophysiology/",
    "search": "/search/?q=sodium",
}
#: The same thread, built as `make publish` builds it.
PUBLISHED = {"thread, published": "/threads/the-anion-gap-built-from-scratch/"}
EXACT = ("accessibility", "best-practices", "seo")
PERFORMANCE_FLOOR = 0.9


@pytest.fixture(scope="module")
def published_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The sample site built as ``make publish`` builds it, with ``SITEURL`` the address it is
    served at, so that its absolute links and canonical addresses lead back to it."""
    output = tmp_path_factory.mktemp("published-for-lighthouse")
    with serving(output) as url:
        root = copy_site(tmp_path_factory.mktemp("published-source"))
        build(root, output, SITEURL=url, RELATIVE_URLS=False, FEED_DOMAIN=url)
        yield url


@pytest.fixture(scope="module")
def reports(base_url: str, published_url: str) -> dict[str, dict[str, Any]]:
    """Lighthouse's scores for every page in :data:`PAGES` and :data:`PUBLISHED`, from one
    run: ``{page: report}``."""
    check_chromium()
    node = shutil.which("node")
    if node is None:
        skip_or_require("node not found; install it with `apt-get install -y nodejs npm`")
    if not LIGHTHOUSE.is_file():
        skip_or_require("node_modules/lighthouse not found; `make test` installs it with npm")
    pages = {name: base_url + path for name, path in PAGES.items()}
    pages |= {name: published_url + path for name, path in PUBLISHED.items()}
    urls = list(pages.values())
    result = subprocess.run(
        [node, str(AUDIT), str(CHROMIUM), *urls],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, f"lighthouse_audit.mjs failed:\n{result.stderr[-3000:]}"
    found = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    by_url = {report["url"]: report for report in found}
    return {name: by_url[url] for name, url in pages.items()}


def _below(report: dict[str, Any], category: str) -> str:
    return "; ".join(
        f"{b['id']} {b['score']:.2f} {b['shown']}".strip()
        for b in report["below"]
        if b["category"] == category
    )


@pytest.mark.parametrize("category", EXACT)
@pytest.mark.parametrize("page", [*PAGES, *PUBLISHED])
def test_every_page_scores_100(
    reports: dict[str, dict[str, Any]], page: str, category: str
) -> None:
    report = reports[page]
    assert report["error"] is None, f"{page}: Lighthouse could not audit it: {report['error']}"
    score = report["scores"][category]
    assert score == 1, f"{page}: {category} {score}: {_below(report, category)}"


@pytest.mark.parametrize("page", [*PAGES, *PUBLISHED])
def test_every_page_is_fast_and_never_shifts(reports: dict[str, dict[str, Any]], page: str) -> None:
    report = reports[page]
    assert report["error"] is None, f"{page}: Lighthouse could not audit it: {report['error']}"
    shifts = [b for b in report["below"] if b["id"] == "cumulative-layout-shift"]
    assert not shifts, f"{page}: the layout shifts: {_below(report, 'performance')}"
    score = report["scores"]["performance"]
    assert score is not None and score >= PERFORMANCE_FLOOR, (
        f"{page}: performance {score}: {_below(report, 'performance')}"
    )
