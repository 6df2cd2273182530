"""References found in posts: identifiers in awkward prose, links, cards, and never t.co."""

from __future__ import annotations

import random
from urllib.parse import unquote

import pytest
from tweetorials.render.references import (
    _PLAIN_LINK,
    Reference,
    _host_and_path,
    find_references,
)
from tweetorials.sanitize import split_url
from tweetorials.snapshot import Author, LinkCard, Post, Thread


def ids(refs: list[Reference]) -> list[tuple[str, str]]:
    return [(r.kind, r.identifier) for r in refs]


def post(n: int, text: str, html: str = "", **kwargs: object) -> Post:
    return Post(str(n), f"https://x.com/a/status/{n}", None, text, html, **kwargs)  # type: ignore[arg-type]


def thread(*posts: Post) -> Thread:
    return Thread("x", posts[0].url, Author("A", "a", "https://x.com/a"), list(posts))


def references_in(text: str) -> list[Reference]:
    """The references of a one-post thread whose post is ``text`` (no HTML, no card)."""
    return find_references(thread(post(1, text)))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("See https://doi.org/10.2215/CJN.03020906.", [("doi", "10.2215/CJN.03020906")]),
        ("(doi:10.1056/NEJMoa2034577), and more", [("doi", "10.1056/NEJMoa2034577")]),
        # Lancet DOIs carry balanced brackets; the closing one of the prose is not part of it.
        (
            "the trial (https://doi.org/10.1016/S0140-6736(20)30183-5).",
            [("doi", "10.1016/S0140-6736(20)30183-5")],
        ),
        ("bare: 10.1016/S0140-6736(20)30183-5;", [("doi", "10.1016/S0140-6736(20)30183-5")]),
        ("“10.1001/jama.2020.1585”!", [("doi", "10.1001/jama.2020.1585")]),
        ("https://dx.doi.org/10.1136%2Fbmj.m1808", [("doi", "10.1136/bmj.m1808")]),
        ("PMID: 32109013, also PMC7104521.", [("pubmed", "32109013"), ("pmc", "PMC7104521")]),
        (
            "https://pubmed.ncbi.nlm.nih.gov/32109013/ and "
            "https://www.ncbi.nlm.nih.gov/pubmed/12345678?dopt=Abstract",
            [("pubmed", "32109013"), ("pubmed", "12345678")],
        ),
        ("https://www.ncbi.nlm.nih.gov/pmc/articles/PMC7104521/", [("pmc", "PMC7104521")]),
        (
            "https://www.nejm.org/doi/full/10.1056/NEJMoa2002032/",
            [("doi", "10.1056/NEJMoa2002032")],
        ),
        (
            "preprint https://www.medrxiv.org/content/10.1101/2020.03.22.20040592v2.full.pdf",
            [("doi", "10.1101/2020.03.22.20040592")],
        ),
        (
            "https://jamanetwork.com/journals/jama/fullarticle/2768391",
            [("journal", "https://jamanetwork.com/journals/jama/fullarticle/2768391")],
        ),
        (
            "https://www.thelancet.com/journals/lancet/article/PIIS0140-6736(20)30183-5/fulltext)",
            [
                (
                    "journal",
                    "https://thelancet.com/journals/lancet/article/PIIS0140-6736(20)30183-5/fulltext",
                )
            ],
        ),
        # Shorteners, platforms and unknown sites are not references.
        ("https://t.co/abc123 https://x.com/a/status/1 https://example.com/10.5/x", []),
        # Text the platform shortened for display never yields a (wrong) identifier.
        ("nejm.org/doi/full/10.1056/NEJMo… and https://doi.org/10.1056/NEJ...", []),
    ],
)
def test_identifiers_in_text(text: str, expected: list[tuple[str, str]]) -> None:
    assert ids(references_in(text)) == expected


def test_references_are_deduplicated_in_order_of_first_mention_with_citing_posts() -> None:
    found = find_references(
        thread(
            post(1, "Intro, no refs. https://t.co/zzz"),
            post(2, "Trial: https://doi.org/10.1056/NEJMoa2034577 and PMID 32109013"),
            post(
                3,
                "Same trial again (nejm.org/doi/full/10.1056/NEJMo…)",
                '<p><a href="https://www.nejm.org/doi/full/10.1056/nejmoa2034577">nejm.org/…</a>'
                ' and <a href="https://t.co/abc">t.co</a></p>',
            ),
            post(
                4,
                "Read this",
                card=LinkCard("https://www.bmj.com/content/369/bmj.m1328", "Prediction models"),
            ),
        )
    )
    assert ids(found) == [
        ("doi", "10.1056/NEJMoa2034577"),
        ("pubmed", "32109013"),
        ("journal", "https://bmj.com/content/369/bmj.m1328"),
    ]
    assert [r.posts for r in found] == [[2, 3], [2], [4]]
    assert found[2].title == "Prediction models"
    assert found[0].url == "https://doi.org/10.1056/NEJMoa2034577"
    assert found[1].url == "https://pubmed.ncbi.nlm.nih.gov/32109013/"
    assert found[0].label == "doi:10.1056/NEJMoa2034577"


def test_html_links_and_quoted_posts_count_for_the_quoting_post() -> None:
    quoted = post(9, "Data: PMC7104521", author=Author("B", "b", "https://x.com/b"))
    found = find_references(
        thread(
            post(1, "Hello"),
            post(
                2,
                "Look at the quoted post",
                '<p><a href="https://doi.org/10.1001/jama.2020.1585?utm_source=tw&amp;x=1">'
                "doi.org/10.1001/jama…</a></p>",
                quote=quoted,
            ),
        )
    )
    assert ids(found) == [("doi", "10.1001/jama.2020.1585"), ("pmc", "PMC7104521")]
    assert [r.posts for r in found] == [[2], [2]]


def test_unsafe_schemes_are_ignored() -> None:
    assert references_in("javascript:alert(1)//nejm.org/doi/10.1056/x") == [
        # the DOI-shaped text is still a DOI; the javascript: link is never a link
        Reference("doi", "10.1056/x", "https://doi.org/10.1056/x", posts=[1])
    ]


def test_links_that_do_not_parse_are_passed_over_not_fatal() -> None:
    """``urlsplit`` raises on an unclosed IPv6 bracket or a port past 65535; a stranger's post
    holding one must not stop the build."""
    found = find_references(
        thread(
            post(
                1,
                "See https://[::1/x, https://www.nejm.org:99999/doi/10.1056/y and doi:10.1056/x",
                '<p><a href="https://[::1/x">x</a> <a href="https://www.bmj.com/content/369/m1">'
                "bmj</a></p>",
                card=LinkCard("https://[::1/card", "A card"),
            )
        )
    )
    assert [(r.kind, r.label) for r in found] == [
        ("doi", "doi:10.1056/x"),  # the DOI in the text still counts
        ("journal", "bmj.com/content/369/m1"),
    ]


def test_plain_links_read_as_urlsplit_reads_them() -> None:
    """The regular expression for plain links gives the host and path urlsplit gives."""
    rng = random.Random(14)
    starts = ["https://", "http://", "HTTPS://", "https:/", "ftp://", ""]
    hosts = ["doi.org", "www.NEJM.org", "a-b.c", "x", "", "[::1]", "u@h.org", "h.org:8080"]
    pieces = ["/", "/10.1056/NEJMoa2034577", "/doi/full/", "?q=1", "#f", "%20", "é", " ", "\t"]
    pieces += ["@", ":", "[", "]", "..", "\\", "&amp;", "(1)", "//", "?", "#"]
    fast = 0
    for _ in range(5000):
        url = rng.choice(starts) + rng.choice(hosts)
        url += "".join(rng.choice(pieces) for _ in range(rng.randint(0, 5)))
        parts = split_url(url)
        expected = None
        if parts is not None and parts.scheme in ("http", "https") and parts.netloc:
            decoded = split_url(unquote(url)) if "%" in url else parts
            if decoded is not None:
                expected = ((parts.hostname or "").lower().removeprefix("www."), decoded.path)
        assert _host_and_path(url) == expected, url
        fast += _PLAIN_LINK.fullmatch(url) is not None
    assert fast > 300  # the regular expression was tried, not only urlsplit


def test_the_lower_case_shortcuts_find_what_the_patterns_find() -> None:
    """_urls and _hrefs take a faster path where "http" and "href" are in lower case: on any
    text they must give exactly what _URL_RE and _HREF_RE give."""
    import random

    from tweetorials.render import references

    pieces = [
        "href", "HREF", "Href", "xhref", "_href", "éhref", " href", "=", " = ", '"', "'", "a",
        "http://", "HTTPS://", "https://", "hTTp://", "x.org/", " ", "<", ">", "\n", "#p-1",
    ]  # fmt: skip
    nested = """<a xhref="see href='https://doi.org/10.1/x'">"""  # a candidate inside one
    assert references._hrefs(nested) == ["https://doi.org/10.1/x"]
    chance = random.Random(14)
    for _ in range(5000):
        text = "".join(chance.choice(pieces) for _ in range(chance.randint(0, 12)))
        exact = [m.group(1) or m.group(2) or "" for m in references._HREF_RE.finditer(text)]
        assert references._hrefs(text) == exact, text
        spans = [(m.span(), m.group(0)) for m in references._URL_RE.finditer(text)]
        assert [(m.span(), m.group(0)) for m in references._urls(text)] == spans, text
