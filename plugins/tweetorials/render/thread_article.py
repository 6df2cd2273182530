"""The Pelican article of one archived thread.

Pelican works out an article's ``url`` and ``save_as`` again at every access: it copies the
metadata, makes the source path relative twice and formats the ``ARTICLE_URL`` pattern. Listings,
feeds, neighbours, the sitemap and the citation files ask for them about 17 times per thread,
which came to 17,000 formattings (0.3-0.4 s) per 1,000 threads. :class:`ThreadArticle`
remembers each answer, keyed by what Pelican's answer depends on that can still change once
the article exists (its status, language and slug); the rest (date, category, author, source
path) is fixed when the thread's article is made.

Pelican also runs every article's HTML through its intrasite-link regex (``{filename}``
links) once per site address the HTML is asked for (the page, the feeds): 2,000 passes over
10 KB bodies per 1,000 threads. With Pelican's own ``INTRASITE_LINK_REGEX``, a match needs a
``{`` or a ``|``; a thread body without either is given back as it is, which is what the
regex would give.

The body (the thread's posts as HTML, about 10 KB) is read for the page and for the feeds that
list the thread (100 newest each), one thread at a time; between those moments a
1,000-thread build would hold 10 MB of bodies. A :class:`ThreadArticle` keeps its body
zlib-compressed (about 2 KB) and inflates it for each reader (about 40 us), and does not
memoise the inflated copies as Pelican's ``get_content`` would. Pelican writes the feeds
before the article pages, so once a thread's page is written nothing reads its body again:
:meth:`ThreadArticle.release_body` lets it go then (render.enrich calls it), and a later read
would be a bug, which says so rather than giving an empty body.
"""

from __future__ import annotations

import zlib
from typing import Any

from pelican.contents import Article

__all__ = ["ThreadArticle"]

#: Pelican's default ``INTRASITE_LINK_REGEX``: every match starts with ``{`` or ``|``.
_PELICAN_LINK_REGEX = "[{|](?P<what>.*?)[|}]"
#: zlib level for bodies: 10 KB of post HTML -> about 2 KB in about 90 us.
_LEVEL = 6


class ThreadArticle(Article):  # type: ignore[misc]  # Pelican has no type information
    """An :class:`~pelican.contents.Article` that computes ``url`` and ``save_as`` once, skips
    the intrasite-link pass where it cannot match, and keeps its body compressed."""

    _packed: bytes | None

    @property
    def _content(self) -> str:
        """The body, as Pelican stores it (``Content.__init__`` sets it)."""
        if self._packed is None:
            raise RuntimeError(
                f"{self.source_path}: the thread's body was read after its page was written"
            )
        return zlib.decompress(self._packed).decode("utf-8")

    @_content.setter
    def _content(self, value: str) -> None:
        self._packed = zlib.compress(value.encode("utf-8"), _LEVEL)

    def release_body(self) -> None:
        """The page is written, and the feeds were written before it: let the body go."""
        self._packed = None

    def get_content(self, siteurl: str) -> str:
        """Pelican's ``get_content`` without its memo, which would keep every body inflated
        (once per site address) until the end of the build."""
        return self._update_content(self._content, siteurl)

    def get_url_setting(self, key: str) -> str:
        if hasattr(self, "override_" + key):
            return str(getattr(self, "override_" + key))
        memo: dict[tuple[Any, ...], str] = self.__dict__.setdefault("_url_memo", {})
        lang = getattr(self, "lang", None)
        where = (key, self.status, self.in_default_lang, getattr(self, "slug", ""), lang)
        value = memo.get(where)
        if value is None:
            value = memo[where] = str(super().get_url_setting(key))
        return value

    def _update_content(self, content: str, siteurl: str) -> str:
        if (
            content
            and "{" not in content
            and "|" not in content
            and self.settings.get("INTRASITE_LINK_REGEX") == _PELICAN_LINK_REGEX
        ):
            return content
        return str(super()._update_content(content, siteurl))
