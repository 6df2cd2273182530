"""Tweet text -> the plain text and the sanitised HTML a snapshot stores.

X hands out text in which every link is a ``t.co`` redirect, photos and quoted posts are
announced by yet more ``t.co`` links at the end, and replies may start with ``@name`` prefixes
the app hides. Both X APIs we read describe those links (syndication ``entities``, FxTwitter
``raw_text.facets``), but their character offsets disagree with each other (code points here,
UTF-16 units there, sometimes both in one post), so this module never trusts offsets: it finds
each ``t.co`` link by its exact text, which is unique, and finds mentions and hashtags with
X's own rules for what counts as one.

It sits beside ``platforms.py`` rather than in ``fetch/`` because two layers read X's text: the
fetch sources (syndication, FxTwitter) and the offline importer of X data archives in
``rescue/``, whose tweets carry the same ``entities`` and must not import network code.

Text is never trusted either: every piece is escaped before it becomes HTML, links are only
made for http(s) URLs, and the result still goes through :func:`~tweetorials.sanitize.clean_html`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from urllib.parse import quote

from .sanitize import clean_html, display_url, is_safe_url

__all__ = ["HASHTAG_URL", "MENTION_URL", "render_text"]

MENTION_URL = "https://x.com/{}"
HASHTAG_URL = "https://x.com/hashtag/{}"

# One alternation so the three never overlap: a URL, an @mention, or a #hashtag. Mentions and
# hashtags follow twitter-text: not glued to a preceding word (so e-mail addresses and "C#"
# stay text); a hashtag needs at least one letter ("#1" is not one). \uFF20 and \uFF03 are the
# full-width @ and #, which X accepts too.
_TOKEN = re.compile(
    r"(?P<url>https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]}…])"
    r"|(?<![A-Za-z0-9_@\uFF20!#$%&*])[@\uFF20](?P<mention>[A-Za-z0-9_]{1,15})(?![A-Za-z0-9_@\uFF20])"
    r"|(?<![\w&#\uFF03])[#\uFF03](?P<tag>\w*[^\W\d_]\w*)"
)
# The "@a @b " a reply starts with, which X hides (it is outside ``display_text_range``).
_REPLY_PREFIX = re.compile(r"^(?:[@\uFF20][A-Za-z0-9_]{1,15}\s+)+")


def render_text(
    text: str,
    links: Mapping[str, str | None],
    *,
    strip_reply_prefix: bool = False,
) -> tuple[str, str]:
    """Return ``(plain_text, html)`` for one post.

    ``links`` maps each ``t.co`` URL found in the post to what it stands for: the expanded URL,
    or ``None`` for links to drop (attached photos, the quoted post, shown separately). A
    ``t.co`` link the map does not know stays as it is. ``strip_reply_prefix`` removes the
    leading ``@name`` run of a reply.
    """
    if strip_reply_prefix:
        text = _REPLY_PREFIX.sub("", text, count=1)
    plain: list[str] = []
    marked: list[str] = []
    last = 0
    for match in _TOKEN.finditer(text):
        before = text[last : match.start()]
        plain.append(before)
        marked.append(html.escape(before, quote=False))
        last = match.end()
        if match.group("url"):
            url = match.group("url")
            target = links.get(url, url)
            if target is None:
                continue
            plain.append(target)
            marked.append(
                _link(target, display_url(target)) if is_safe_url(target) else html.escape(target)
            )
        elif match.group("mention"):
            name = match.group("mention")
            plain.append(match.group(0))
            marked.append(_link(MENTION_URL.format(name), match.group(0)))
        else:
            tag = match.group("tag")
            plain.append(match.group(0))
            marked.append(_link(HASHTAG_URL.format(quote(tag, safe="")), match.group(0)))
    plain.append(text[last:])
    marked.append(html.escape(text[last:], quote=False))
    return _tidy("".join(plain)), _paragraphs(_tidy("".join(marked)))


def _link(href: str, label: str) -> str:
    return f'<a href="{html.escape(href, quote=True)}">{html.escape(label, quote=False)}</a>'


def _tidy(text: str) -> str:
    """Drop the blanks that removed links leave behind at line ends and at the end."""
    return re.sub(r"[ \t\u00a0]+\n", "\n", text).strip()


def _paragraphs(marked: str) -> str:
    """Blank lines separate paragraphs, single newlines become ``<br>``; then sanitise."""
    if not marked:
        return ""
    parts = [p.strip() for p in re.split(r"\n[ \t]*\n\s*", marked) if p.strip()]
    return clean_html("".join(f"<p>{p.replace(chr(10), '<br>')}</p>" for p in parts))
