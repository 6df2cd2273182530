"""Turn hostile third-party text into HTML that is safe to put on a page.

Everything a platform returns (Mastodon's HTML, Bluesky and X text with their link entities,
display names, alt text) is written by strangers. Sources call :func:`clean_html` on HTML and
:func:`text_to_html` on plain text before anything is stored in a snapshot, and the theme
autoescapes everything else, so the only markup that reaches a page went through this allowlist.
"""

from __future__ import annotations

import html
import re
from typing import TypeGuard
from urllib.parse import SplitResult, urlsplit

import nh3

__all__ = [
    "ALLOWED_SCHEMES",
    "clean_html",
    "display_url",
    "is_safe_url",
    "split_url",
    "text_to_html",
]

ALLOWED_TAGS = {
    "p",
    "br",
    "a",
    "strong",
    "em",
    "b",
    "i",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "span",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}

# Bare URLs in plain text; a trailing full stop, comma or closing bracket is prose, not URL.
_URL_RE = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]}]")


def clean_html(fragment: str) -> str:
    """Sanitise an HTML fragment with an allowlist: no scripts, styles, classes, SVG or MathML.

    Links keep only ``href`` (http, https, mailto) and get ``rel="nofollow noopener noreferrer"``;
    everything else unknown is dropped with its markup but keeps its text.
    """
    return nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="nofollow noopener noreferrer",
        strip_comments=True,
    ).strip()


def split_url(url: str | None) -> SplitResult | None:
    """``urlsplit`` for URLs written by strangers: None instead of ``ValueError``.

    ``https://[::1/`` (an unclosed IPv6 bracket) or a port past 65535 make ``urlsplit`` or its
    ``hostname``/``port`` raise; one such link in a post must not fail a fetch or a build.
    """
    if url is None:
        return None
    try:
        parts = urlsplit(url.strip())
        _ = parts.hostname, parts.port
    except ValueError:
        return None
    return parts


def is_safe_url(url: object) -> TypeGuard[str]:
    """True for absolute http(s) URLs with a host that parse; the only links we ever print."""
    parts = split_url(url) if isinstance(url, str) and url else None
    return parts is not None and parts.scheme in {"http", "https"} and bool(parts.netloc)


def display_url(url: str, limit: int = 40) -> str:
    """How a link is shown: its real domain and path, without scheme or ``www.``, shortened."""
    parts = split_url(url)
    if parts is None:
        return url if len(url) <= limit else url[: limit - 1] + "…"
    host = parts.netloc.removeprefix("www.")
    rest = parts.path.rstrip("/")
    if parts.query:
        rest += "?" + parts.query
    shown = host + rest
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def text_to_html(text: str) -> str:
    """Plain post text -> paragraphs with links, escaped and sanitised.

    Blank lines separate paragraphs, single newlines become ``<br>``, bare URLs become links
    that show their domain.
    """
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    out = []
    for para in paragraphs:
        pieces: list[str] = []
        last = 0
        for match in _URL_RE.finditer(para):
            url = match.group(0)
            if not is_safe_url(url):
                continue  # stays plain text, like any other words
            pieces.append(html.escape(para[last : match.start()]))
            pieces.append(f'<a href="{html.escape(url)}">{html.escape(display_url(url))}</a>')
            last = match.end()
        pieces.append(html.escape(para[last:]))
        out.append("<p>" + "".join(pieces).replace("\n", "<br>") + "</p>")
    return clean_html("".join(out))
