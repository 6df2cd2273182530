"""Mastodon's status HTML -> the sanitised HTML and the plain text we store.

Mastodon formats every link as three spans: ``<span class="invisible">https://www.</span>
<span class="ellipsis">example.org/a-very-long-pa</span><span class="invisible">th</span>``.
Its own stylesheet hides the ``invisible`` parts and adds "…" after ``ellipsis``. Our
sanitiser drops every class (a class from a stranger's server must not style our pages), so
without this step a reader would see the whole URL run together with the shortened one. We do
what Mastodon's CSS does, in the markup: drop the invisible parts, add the ellipsis, and keep
the link's full ``href``. Everything then goes through :func:`~tweetorials.sanitize.clean_html`.

The plain text (search, titles, citations) gets the full URL of such links, and the
``RE: <link>`` line that Mastodon 4.5 adds for clients without quote support is dropped when
the quoted post itself is stored.

Used by the Mastodon fetch source (API statuses) and by the importer of account exports
(``rescue/``, whose notes carry the same HTML), so it sits at the package root, below both.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup
from bs4.element import NavigableString, Tag

from .sanitize import clean_html, is_safe_url, text_to_html

__all__ = ["content_to_html_and_text", "with_content_warning"]

_BLOCKS = ["p", "li", "ul", "ol", "blockquote", "pre", "div", "h1", "h2", "h3", "h4", "h5", "h6"]


def content_to_html_and_text(content: str, *, drop_quote_inline: bool = False) -> tuple[str, str]:
    """``(html, text)`` for a status's ``content``: sanitised HTML and its plain text."""
    soup = BeautifulSoup(content or "", "html.parser")
    if drop_quote_inline:
        for element in soup.find_all(class_="quote-inline"):
            element.decompose()
    url_links: list[Tag] = []
    for anchor in soup.find_all("a"):
        if anchor.find("span", class_=("invisible", "ellipsis")) is not None:
            url_links.append(anchor)
    for span in soup.find_all("span", class_="invisible"):
        span.decompose()
    for span in soup.find_all("span", class_="ellipsis"):
        span.append("…")
    html = clean_html(str(soup))
    return html, _plain_text(soup, url_links)


def with_content_warning(html: str, text: str, warning: str) -> tuple[str, str]:
    """``(html, text)`` led by the post's content warning, which a reader must see first.

    Mastodon folds the post away behind the warning; a static page cannot, so the warning
    becomes the first line. Used for fetched statuses (``spoiler_text``) and exported notes
    (``summary``) alike.
    """
    if not warning:
        return html, text
    line = f"Content warning: {warning}"
    return text_to_html(line) + html, f"{line}\n\n{text}".strip()


def _plain_text(soup: BeautifulSoup, url_links: list[Tag]) -> str:
    for anchor in url_links:
        href = anchor.get("href")
        if isinstance(href, str) and is_safe_url(href):
            anchor.replace_with(NavigableString(href))
    for element in soup.find_all(["script", "style", "template"]):
        element.decompose()
    for br in soup.find_all("br"):
        br.replace_with(NavigableString("\n"))
    for block in soup.find_all(_BLOCKS):
        if block.name != "li":
            block.insert(0, NavigableString("\n\n"))
        block.append(NavigableString("\n" if block.name == "li" else "\n\n"))
    text = re.sub(r"[ \t]+\n", "\n", soup.get_text())
    return re.sub(r"\n{3,}", "\n\n", text).strip()
