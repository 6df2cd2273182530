"""Search in a real browser: the header form, Pagefind's index and its specialty filter.

The sample site's anion gap thread is the only page with the word "sulfate", in its third post;
every sample thread says "fictional" (the sample banner), three of them in Pathophysiology (one
of those in Spanish, found through its own Spanish index).
"""

from __future__ import annotations

import re

import pytest

from .conftest import OpenPage, search_results

pytestmark = pytest.mark.browser

ANION_GAP = "/threads/the-anion-gap-built-from-scratch/"
PATHOPHYSIOLOGY = {
    ANION_GAP,
    "/threads/why-heart-failure-makes-ankles-swell/",
    "/threads/por-que-la-hiperpotasemia-cambia-el-ecg/",
}


def _result_paths(page: object) -> set[str]:
    hrefs = page.eval_on_selector_all(  # type: ignore[attr-defined]
        ".pagefind-ui__result-title .pagefind-ui__result-link",
        "links => links.map(a => new URL(a.href).pathname)",
    )
    return set(hrefs)


def test_header_search_finds_a_word_from_the_third_post(open_page: OpenPage) -> None:
    watched = open_page("/")
    page = watched.page
    page.fill("#site-search", "sulfate")  # type: ignore[attr-defined]
    page.press("#site-search", "Enter")  # type: ignore[attr-defined]
    page.wait_for_url(re.compile(r"/search/\?q=sulfate$"))  # type: ignore[attr-defined]
    # First: Pagefind also offers near misses, ranked far below, from an index with no exact
    # match (such as the Spanish sample thread's, merged into this English page's search).
    ranked = search_results(page)
    assert ranked[0] == ANION_GAP
    marked = page.eval_on_selector_all(  # type: ignore[attr-defined]
        ".pagefind-ui__result:first-child .pagefind-ui__result-excerpt mark",
        "marks => marks.map(m => m.textContent)",
    )
    assert marked and {m.lower() for m in marked} == {"sulfate"}
    assert not watched.problems(), watched.problems()


def test_specialty_filter_narrows_the_results(open_page: OpenPage) -> None:
    watched = open_page("/search/?q=fictional")
    page = watched.page
    everything = set(search_results(page, 5))  # Pagefind's first page of results: five of six
    assert len(everything) == 5 and not everything.issubset(PATHOPHYSIOLOGY)

    block = page.locator("details.pagefind-ui__filter-block", has_text="specialty")  # type: ignore[attr-defined]
    if not block.evaluate("details => details.open"):
        block.locator("summary").click()
    page.get_by_role("checkbox", name=re.compile(r"^Pathophysiology")).check()  # type: ignore[attr-defined]
    page.wait_for_function(  # type: ignore[attr-defined]  (results fill in as they load)
        "document.querySelectorAll('.pagefind-ui__result-title .pagefind-ui__result-link')"
        f".length === {len(PATHOPHYSIOLOGY)}"
    )
    assert _result_paths(page) == PATHOPHYSIOLOGY
    assert not watched.problems(), watched.problems()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_search_page_with_results_is_accessible(open_page: OpenPage, scheme: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    from .conftest import AXE_OPTIONS

    watched = open_page("/search/?q=anion", scheme=scheme)
    page = watched.page
    page.wait_for_selector(".pagefind-ui__result-link")  # type: ignore[attr-defined]
    results = Axe().run(page, options=AXE_OPTIONS)
    assert results.violations_count == 0, results.generate_report()
    assert not watched.problems(), watched.problems()


def test_results_quote_no_hidden_text_and_come_once_per_thread(open_page: OpenPage) -> None:
    """The byline is the top of the indexed text: its excerpt once read "D Dr Iris Sample
    @iris_sample (profile", with the avatar initial and the screen-reader hint."""
    watched = open_page("/search/?q=iris")
    page = watched.page
    # Each result first shows a placeholder excerpt (". . ."), marked pagefind-ui__loading.
    page.wait_for_function(  # type: ignore[attr-defined]
        "document.querySelector('.pagefind-ui__result-excerpt')"
        " && !document.querySelector('.pagefind-ui__result .pagefind-ui__loading')"
    )
    excerpts = page.eval_on_selector_all(  # type: ignore[attr-defined]
        ".pagefind-ui__result-excerpt", "els => els.map(e => e.textContent)"
    )
    assert excerpts and any("Iris" in e for e in excerpts), excerpts
    for excerpt in excerpts:
        assert "(profile" not in excerpt and "D Dr" not in excerpt, excerpt
    assert not page.locator(".pagefind-ui__result-nested").count()  # type: ignore[attr-defined]
    results = page.locator(".pagefind-ui__result").count()  # type: ignore[attr-defined]
    assert results == len(_result_paths(page))
    assert not watched.problems(), watched.problems()
