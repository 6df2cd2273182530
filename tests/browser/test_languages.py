"""A thread in another language, in a real browser: found by search, marked for screen readers.

The sample site's Spanish thread (content/threads/sample-hiperpotasemia-ecg.yaml) is the only
page with "potasio"; Pagefind indexes it in its own Spanish index (from ``<html lang="es">``),
which the English search page merges in: without that merge the word finds nothing.
"""

from __future__ import annotations

import pytest

from .conftest import OpenPage, search_results

pytestmark = pytest.mark.browser

SPANISH = "/threads/por-que-la-hiperpotasemia-cambia-el-ecg/"


def test_the_english_search_page_finds_the_spanish_thread(open_page: OpenPage) -> None:
    watched = open_page("/search/?q=potasio")
    page = watched.page
    assert set(search_results(page)) == {SPANISH}
    assert not watched.problems(), watched.problems()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_spanish_thread_page_is_accessible_and_says_its_languages(
    open_page: OpenPage, scheme: str
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    from .conftest import AXE_OPTIONS

    watched = open_page(SPANISH, scheme=scheme)
    page = watched.page
    assert page.get_attribute("html", "lang") == "es"  # type: ignore[attr-defined]
    assert page.get_attribute("body", "lang") == "en"  # type: ignore[attr-defined]
    langs = page.eval_on_selector_all(  # type: ignore[attr-defined]
        "section.post .post-text", "posts => posts.map(p => p.closest('[lang]').lang)"
    )
    assert langs and set(langs) == {"es"}
    assert page.eval_on_selector("h1", "h => h.closest('[lang]').lang") == "es"  # type: ignore[attr-defined]
    assert page.eval_on_selector(".site-nav", "n => n.closest('[lang]').lang") == "en"  # type: ignore[attr-defined]
    results = Axe().run(page, options=AXE_OPTIONS)
    assert results.violations_count == 0, results.generate_report()
    assert not watched.problems(), watched.problems()
