"""Citations: AMA 11 text, biblatex, RIS, CSL-JSON and Highwire from one CitationData;
escaping (braces, LaTeX specials, Unicode, RIS line breaks) and honest dates."""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata

import bibtexparser
from tweetorials.render.citation import (
    CitationData,
    ama_archive_note,
    ama_citation,
    bibtex_entry,
    bibtex_escape,
    citation_key,
    excerpt,
    ris_record,
)
from tweetorials.render.citation_csl import csl_entry, csl_file, csl_item, highwire_tags
from tweetorials.render.citation_files import original_url, specialty_file
from tweetorials.render.citation_names import cited_name


def data(**changes: object) -> CitationData:
    base: dict[str, object] = {
        "name": cited_name("Dr Zoë Ångström, MD"),
        "handle": "zoe_md",
        "text": "Na⁺ and {water}: 100% of what you need & more #FOAMed",
        "platform": "X (Twitter)",
        "posted": dt.datetime(2021, 1, 3, 17, 2, tzinfo=dt.UTC),
        "accessed": dt.datetime(2026, 11, 28, tzinfo=dt.UTC),
        "url": "https://x.com/zoe_md/status/1",
        "archive_url": "https://example.org/lib/threads/na-and-water/",
        "site_name": "Tweetorials Library",
        "key": "zoe_md2021water",
    }
    base.update(changes)
    return CitationData(**base)  # type: ignore[arg-type]


def braces_balanced(text: str) -> bool:
    depth = 0
    escaped = False
    for ch in text:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def test_ama_citation_follows_ama_11_for_social_media_posts() -> None:
    assert ama_citation(data()) == (
        "Ångström Z [@zoe_md]. Na⁺ and {water}: 100% of what you need & more #FOAMed. "
        "X (Twitter). Posted January 3, 2021. Accessed November 28, 2026. "
        "https://x.com/zoe_md/status/1"
    )
    assert ama_archive_note(data()) == (
        "Archived copy: Tweetorials Library. https://example.org/lib/threads/na-and-water/"
    )


def test_ama_citation_says_what_is_unknown_and_never_substitutes_a_date() -> None:
    text = ama_citation(data(posted=None, url="", platform="", handle=""))
    assert text == (
        "Ångström Z. Na⁺ and {water}: 100% of what you need & more #FOAMed. "
        "Date posted unknown. Accessed November 28, 2026. Original address not preserved."
    )
    assert "2021" not in text


def test_excerpt_is_about_the_first_20_words_without_numbering_or_links() -> None:
    text = "1/ " + " ".join(f"w{i}" for i in range(30)) + " https://t.co/x"
    assert excerpt(text) == " ".join(f"w{i}" for i in range(20)) + "…"
    assert excerpt("🧵 (1/n) Short one, https://t.co/abc done.") == "Short one, done."
    assert excerpt("1/ Next, look") == "Next, look"  # the N of "Next" is not "1/n"
    assert excerpt("(2/12) Then") == "Then"
    assert excerpt("") == ""


def test_bibtex_escapes_latex_specials_and_keeps_unicode() -> None:
    assert bibtex_escape(r"a{b}c\d$e&f%g#h_i^j~k") == (
        r"a\{b\}c\textbackslash{}d\$e\&f\%g\#h\_i\textasciicircum{}j\textasciitilde{}k"
    )
    assert bibtex_escape("Zoë\n  Ångström") == "Zoë Ångström"


def test_bibtex_is_a_biblatex_online_entry_with_a_structured_author() -> None:
    entry = bibtex_entry(data())
    assert entry.startswith("@online{zoe_md2021water,\n")
    assert braces_balanced(entry)
    assert "  author = {Ångström, Zoë},\n" in entry
    assert "  nameaddon = {@zoe\\_md},\n" in entry
    assert r"  title = {Na⁺ and \{water\}: 100\% of what you need \& more \#FOAMed}," in entry
    assert "  organization = {X (Twitter)},\n" in entry
    assert "  date = {2021-01-03},\n" in entry
    assert "  url = {https://x.com/zoe_md/status/1},\n" in entry
    assert "  urldate = {2026-11-28},\n" in entry
    assert (
        r"  note = {Archived copy: Tweetorials Library. "
        r"\url{https://example.org/lib/threads/na-and-water/}}" in entry
    )
    assert "year" not in entry and "month" not in entry and "Dr" not in entry


def test_bibtex_without_a_posting_date_has_no_date_and_a_literal_name_is_braced() -> None:
    entry = bibtex_entry(data(posted=None, name=cited_name("Choosing Wisely & Co, Inc")))
    assert "date =" not in entry.replace("urldate =", "")
    assert "  author = {{Choosing Wisely \\& Co, Inc}},\n" in entry


def test_bibtex_urls_cannot_break_out_of_their_braces() -> None:
    entry = bibtex_entry(data(url="https://x.com/a}b{c d", archive_url="https://e.org/t/%C3%A9#x{"))
    assert braces_balanced(entry)
    assert "url = {https://x.com/a%7Db%7Bc%20d}" in entry
    assert r"Library. \url{https://e.org/t/\%C3\%A9\#x\%7B}}" in entry


def test_an_evil_text_cannot_close_the_entry() -> None:
    entry = bibtex_entry(data(text="}}, note = {pwned} @misc{x,"))
    assert braces_balanced(entry)
    library = bibtexparser.parse_string(entry)
    assert len(library.entries) == 1 and not library.failed_blocks
    assert library.entries[0]["note"].startswith("Archived copy")
    assert "note = {pwned}" not in entry


def test_ris_record_is_a_blog_post_with_one_line_per_tag_and_crlf_endings() -> None:
    record = ris_record(data(text="Line one\r\nER  - \nTY  - JOUR"))
    lines = record.split("\r\n")
    assert lines[0] == "TY  - BLOG"
    assert lines[-2:] == ["ER  - ", ""]
    assert "\n" not in record.replace("\r\n", "")
    tags = [line[:2] for line in lines if line]
    assert tags == ["TY", "AU", "TI", "T2", "DA", "PY", "Y2", "UR", "N1", "ER"]
    assert "TI  - Line one ER - TY - JOUR" in lines
    assert "AU  - Ångström, Zoë" in lines
    assert "DA  - 2021/01/03/" in lines


def test_ris_without_a_posting_date_has_no_da_or_py_and_literal_names_lose_commas() -> None:
    record = ris_record(data(posted=None, name=cited_name("Roe, Jane")))
    tags = [line[:2] for line in record.split("\r\n") if line]
    assert "DA" not in tags and "PY" not in tags
    assert "AU  - Roe Jane\r\n" in record  # no comma: Zotero keeps it one single-field name


def test_csl_item_is_a_post_with_dates_only_when_known() -> None:
    item = csl_item(data())
    assert item["type"] == "post"
    assert item["author"] == [{"family": "Ångström", "given": "Zoë"}]
    assert item["container-title"] == "X (Twitter)"
    assert item["issued"] == {"date-parts": [[2021, 1, 3]]}
    assert item["accessed"] == {"date-parts": [[2026, 11, 28]]}
    assert item["URL"] == "https://x.com/zoe_md/status/1"
    unknown = csl_item(data(posted=None, url="", name=cited_name("NEJM")))
    assert "issued" not in unknown
    assert unknown["author"] == [{"literal": "NEJM"}]
    assert unknown["URL"] == "https://example.org/lib/threads/na-and-water/"


def test_csl_files_are_what_json_writes_for_the_list_of_items() -> None:
    items = [
        csl_item(data()),
        csl_item(data(posted=None, url="", name=cited_name("NEJM"), text='Quote "x" \\ é\n')),
    ]
    for chosen in ([], items[:1], items):
        expected = json.dumps(chosen, ensure_ascii=False, indent=2) + "\n"
        assert csl_file([csl_entry(item) for item in chosen]) == expected
        assert json.loads(expected) == chosen


def test_highwire_tags_make_zotero_save_a_forum_post() -> None:
    assert highwire_tags(data()) == [
        ("DC.type", "forumPost"),
        ("citation_title", "Na⁺ and {water}: 100% of what you need & more #FOAMed"),
        ("citation_author", "Ångström, Zoë"),
        ("citation_publication_date", "2021/01/03"),
        ("citation_public_url", "https://x.com/zoe_md/status/1"),
    ]
    names = [name for name, _ in highwire_tags(data(posted=None))]
    assert "citation_publication_date" not in names


def test_a_profile_address_is_not_cited_as_the_thread() -> None:
    assert original_url("x", "https://twitter.com/ben_dralle") == ""
    assert original_url("x", "https://x.com/a/status/1") == "https://x.com/a/status/1"
    assert original_url("manual", "https://example.org/samples/a") == (
        "https://example.org/samples/a"
    )


def test_specialty_files_sit_beside_the_specialty_page() -> None:
    assert specialty_file({"CATEGORY_SAVE_AS": "specialty/{slug}/index.html"}, "policy") == (
        "specialty/policy/citations.json"
    )
    assert specialty_file({}, "policy") == "category/policy.citations.json"


def test_citation_keys_are_plain_ascii() -> None:
    posted = dt.datetime(2021, 1, 3, tzinfo=dt.UTC)
    assert citation_key("zoë.md", posted, "L'équilibre acide–base") == "zoemd2021lequilibre"
    assert citation_key("", None, "Пример") == "anonthread"


def test_every_kind_of_whitespace_collapses_to_one_space_in_a_citation() -> None:
    # Control characters other than tab and line ends are removed, not turned into spaces.
    spaces = [chr(c) for c in range(0x3001) if re.fullmatch(r"\s", chr(c))]
    spaces = [s for s in spaces if s in "\t\n\r" or not unicodedata.category(s).startswith("C")]
    assert "\u00a0" in spaces and "\u2003" in spaces  # no-break and em spaces count
    for space in spaces:
        title = f"{space}Na{space}{space}and K{space}"
        assert ris_record(data(text=title)).splitlines()[2] == "TI  - Na and K"
