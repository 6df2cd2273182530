"""Citations: the AMA line, BibTeX escaping (braces, LaTeX specials, Unicode) and RIS safety."""

from __future__ import annotations

import datetime as dt

from tweetorials.render.citation import (
    CitationData,
    ama_citation,
    bibtex_entry,
    bibtex_escape,
    citation_key,
    ris_record,
)


def data(**changes: object) -> CitationData:
    base = {
        "author": "Zoë Ångström, MD",
        "handle": "zoe_md",
        "title": "Na⁺ and {water}: 100% of what you need & more #FOAMed",
        "platform": "X (Twitter)",
        "posted": dt.datetime(2021, 1, 3, 17, 2, tzinfo=dt.UTC),
        "archived": dt.datetime(2026, 11, 28, tzinfo=dt.UTC),
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


def test_ama_citation_reads_in_order_and_ends_with_the_urls() -> None:
    assert ama_citation(data()) == (
        "Zoë Ångström, MD (@zoe_md). Na⁺ and {water}: 100% of what you need & more #FOAMed "
        "[thread]. X (Twitter). Posted January 3, 2021. Accessed November 28, 2026. "
        "https://x.com/zoe_md/status/1 (archived copy, Tweetorials Library: "
        "https://example.org/lib/threads/na-and-water/)"
    )


def test_ama_citation_without_dates_platform_or_handle() -> None:
    text = ama_citation(data(posted=None, archived=None, platform="", handle="", title="Why?"))
    assert text.startswith("Zoë Ångström, MD. Why? [thread]. https://x.com/")
    assert "Posted" not in text and "Accessed" not in text


def test_bibtex_escapes_latex_specials_and_keeps_unicode() -> None:
    assert bibtex_escape(r"a{b}c\d$e&f%g#h_i^j~k") == (
        r"a\{b\}c\textbackslash{}d\$e\&f\%g\#h\_i\textasciicircum{}j\textasciitilde{}k"
    )
    assert bibtex_escape("Zoë\n  Ångström") == "Zoë Ångström"


def test_bibtex_entry_is_balanced_and_braces_the_whole_author() -> None:
    entry = bibtex_entry(data())
    assert entry.startswith("@misc{zoe_md2021water,\n")
    assert braces_balanced(entry)
    assert "  author = {{Zoë Ångström, MD (@zoe\\_md)}}," in entry
    assert (
        r"  title = {{Na⁺ and \{water\}: 100\% of what you need \& more \#FOAMed} [thread]},"
        in entry
    )
    assert "  month = jan," in entry and "  year = {2021}," in entry
    assert "  url = {https://x.com/zoe_md/status/1}," in entry
    assert "  urldate = {2026-11-28}," in entry
    assert entry.endswith("}\n")


def test_bibtex_urls_cannot_break_out_of_their_braces() -> None:
    entry = bibtex_entry(data(url="https://x.com/a}b{c d", archive_url="https://e.org/t/%C3%A9#x{"))
    assert braces_balanced(entry)
    assert "url = {https://x.com/a%7Db%7Bc%20d}" in entry
    assert r"Library: \url{https://e.org/t/\%C3\%A9\#x\%7B}}" in entry


def test_an_evil_title_cannot_close_the_entry() -> None:
    entry = bibtex_entry(data(title="}}, note = {pwned} @misc{x,"))
    assert braces_balanced(entry)
    assert entry.count("@misc{") == 1
    assert "note = {pwned}" not in entry


def test_ris_record_has_one_line_per_tag_and_crlf_endings() -> None:
    record = ris_record(data(title="Line one\r\nER  - \nTY  - JOUR"))
    lines = record.split("\r\n")
    assert lines[0] == "TY  - ELEC"
    assert lines[-2:] == ["ER  - ", ""]
    assert "\n" not in record.replace("\r\n", "")
    tags = [line[:2] for line in lines if line]
    assert tags == ["TY", "AU", "TI", "PB", "PY", "DA", "Y2", "UR", "UR", "N1", "ER"]
    assert "TI  - Line one ER - TY - JOUR [thread]" in lines
    assert "AU  - Zoë Ångström, MD (@zoe_md)" in lines
    assert "DA  - 2021/01/03/" in lines


def test_citation_keys_are_plain_ascii() -> None:
    posted = dt.datetime(2021, 1, 3, tzinfo=dt.UTC)
    assert citation_key("zoë.md", posted, "L'équilibre acide–base") == "zoemd2021lequilibre"
    assert citation_key("", None, "Пример") == "anonthread"
