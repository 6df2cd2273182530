"""Each post's language, from every source to the page (WCAG 3.1.2) and the search index.

Fixtures: the crafted answers listed in tests/fixtures/README.md (a Spanish FxTwitter post, a
Portuguese syndication post, a Spanish Mastodon status and a Bluesky post in pt-BR).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from tweetorials.catalog import load_catalog
from tweetorials.fetch.sources.bluesky import post_from_view
from tweetorials.fetch.sources.mastodon import post_from_status
from tweetorials.fetch.sources.x_parse import post_from_fxtwitter, post_from_syndication
from tweetorials.languages import language_tag, thread_language
from tweetorials.snapshot import SnapshotError, load_snapshot, thread_from_dict
from tweetorials.snapshot.model import Author, Post, Thread

from tests.conftest import FIXTURES, add_thread, build, copy_site


def fixture(path: str) -> Any:
    return json.loads((FIXTURES / path).read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("es", "es"),
        ("PT-br", "pt-BR"),
        ("es-419", "es-419"),
        ("zh-hant", "zh-Hant"),
        ("in", "id"),  # X still sends the old code for Indonesian
        ("und", None),  # X: undetermined
        ("qme", None),  # X: media only
        ("zxx", None),
        (["und", "pt"], "pt"),  # Bluesky: the first usable of the author's languages
        ([], None),
        ("", None),
        ("e", None),
        ('es" onmouseover="x', None),
        (42, None),
    ],
)
def test_language_tag_keeps_only_tags_a_screen_reader_can_use(given: Any, expected: Any) -> None:
    assert language_tag(given) == expected


def test_thread_language_is_the_language_of_most_posts() -> None:
    assert thread_language(["es", "es", "en", None]) == "es"
    assert thread_language(["pt-BR", "pt", "en"]) == "pt-BR"  # one language, first spelling
    assert thread_language(["en", "es"]) == "en"  # a tie goes to the first post
    assert thread_language([None, None]) is None


def test_every_source_records_the_language_it_is_given() -> None:
    fx = fixture("x/crafted_fxtwitter_thread_null_es.json")["status"]
    assert post_from_fxtwitter(fx).lang == "es"
    assert post_from_syndication(fixture("x/crafted_syndication_lang_pt_gif.json")).lang == "pt"
    status = fixture("mastodon/crafted_status_language_es_video.json")
    assert post_from_status(status, server="med.example.social").lang == "es"
    view = fixture("bluesky/crafted_getPostThread_langs_pt.json")["thread"]["post"]
    assert post_from_view(view).lang == "pt-BR"
    # Recorded answers say English, or nothing at all.
    assert post_from_syndication(fixture("x/syndication_x2md_plain_jack_20.json")).lang == "en"
    assert post_from_status(
        fixture("mastodon/docs_GET_status_example_id1.json"), server="mastodon.social"
    ).lang in ("en", None)


def _thread(*langs: str | None, handle: str = "ana", first: int = 1) -> Thread:
    posts = [
        Post(
            str(i),
            f"https://x.com/{handle}/status/{i}",
            None,
            f"Post {i}",
            f"<p>Post {i}</p>",
            lang=lang,
        )
        for i, lang in enumerate(langs, start=first)
    ]
    author = Author(handle.title(), handle, f"https://x.com/{handle}")
    return Thread("x", posts[0].url, author, posts)


def test_the_language_survives_the_snapshot_and_version_1_files_never_have_it() -> None:
    thread = _thread("es", None)
    data = thread.to_dict()
    assert data["posts"][0]["lang"] == "es"
    assert thread_from_dict(json.loads(json.dumps(data))) == thread
    data["schema"] = 1
    del data["caveats"]
    for post in data["posts"]:
        del post["poll"], post["community_note"]
    with pytest.raises(SnapshotError, match=r"posts\[0\]: unknown field\(s\) lang in a schema 1"):
        thread_from_dict(data)


def test_a_handwritten_thread_gives_its_language_once_and_a_post_its_own(tmp_path: Path) -> None:
    path = tmp_path / "hilo.yaml"
    path.write_text(
        "url: https://example.org/hilo\nlang: es\nauthor: {name: A, handle: a, url: https://example.org/a}\n"
        "posts:\n  - Hola\n  - {text: Olá, lang: pt-br}\n",
        encoding="utf-8",
    )
    assert [p.lang for p in load_snapshot(path).posts] == ["es", "pt-BR"]
    path.write_text(path.read_text(encoding="utf-8").replace("lang: es", "lang: spanish"))
    with pytest.raises(SnapshotError, match="lang: expected a language tag such as es"):
        load_snapshot(path)


# -- the pages ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two threads added to the sample site: one mostly in Spanish with a post in English,
    one in English with a post in Portuguese."""
    site = copy_site(tmp_path_factory.mktemp("languages"))
    add_thread(
        site,
        _thread("es", "es", "en", None),
        "\n  - url: https://x.com/ana/status/1\n    specialties: [pathophysiology]\n    title: Hilo en castellano\n",
    )
    add_thread(
        site,
        _thread("en", "pt", None, handle="bea", first=101),
        "\n  - url: https://x.com/bea/status/101\n    specialties: [pathophysiology]\n    title: Mostly English\n",
        slug="x-101",
    )
    assert len(load_catalog(site / "threads.yaml").entries) >= 2
    return build(site)


def _langs(page: BeautifulSoup) -> list[str | None]:
    return [div.get("lang") for div in page.select("section.post div.post-text")]


def test_a_thread_in_spanish_is_a_spanish_page_with_english_chrome(pages: Path) -> None:
    page = BeautifulSoup(
        (pages / "threads/hilo-en-castellano/index.html").read_text(encoding="utf-8"), "html.parser"
    )
    assert page.html["lang"] == "es"  # what Pagefind indexes by
    assert page.body["lang"] == "en"  # menus, labels and footer stay English
    # Posts in Spanish say so; the English post needs nothing; a post that names no language
    # is taken to be in the thread's.
    assert _langs(page) == ["es", "es", None, "es"]
    assert page.h1.get("lang") is None  # the curator's title is in the site's language
    jsonld = json.loads(page.find("script", type="application/ld+json").string)
    assert jsonld["inLanguage"] == jsonld["mainEntity"]["inLanguage"] == "es"


def test_an_english_thread_marks_only_its_post_in_portuguese(pages: Path) -> None:
    page = BeautifulSoup(
        (pages / "threads/mostly-english/index.html").read_text(encoding="utf-8"), "html.parser"
    )
    assert page.html["lang"] == "en" and page.body.get("lang") is None
    assert _langs(page) == [None, "pt", None]
    jsonld = json.loads(page.find("script", type="application/ld+json").string)
    assert jsonld["inLanguage"] == jsonld["mainEntity"]["inLanguage"] == "en"


def test_the_search_index_has_a_spanish_index_beside_the_english_one(pages: Path) -> None:
    entry = json.loads((pages / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert set(entry["languages"]) == {"en", "es"}
    search = BeautifulSoup((pages / "search/index.html").read_text(encoding="utf-8"), "html.parser")
    assert search.select_one("#search")["data-languages"] == "es"


def test_the_spanish_sample_thread_takes_its_title_and_language_from_its_posts(pages: Path) -> None:
    page = BeautifulSoup(
        (pages / "threads/por-que-la-hiperpotasemia-cambia-el-ecg/index.html").read_text(
            encoding="utf-8"
        ),
        "html.parser",
    )
    assert (
        page.h1["lang"] == "es"
        and page.h1.get_text() == "¿Por qué la hiperpotasemia cambia el ECG?"
    )
    assert "Sample thread" in page.get_text() and "fictional" in page.get_text()
