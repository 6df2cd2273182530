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
"""

from __future__ import annotations

from typing import Any

from pelican.contents import Article

__all__ = ["ThreadArticle"]

#: Pelican's default ``INTRASITE_LINK_REGEX``: every match starts with ``{`` or ``|``.
_PELICAN_LINK_REGEX = "[{|](?P<what>.*?)[|}]"


class ThreadArticle(Article):  # type: ignore[misc]  # Pelican has no type information
    """An :class:`~pelican.contents.Article` that computes ``url`` and ``save_as`` once and
    skips the intrasite-link pass where it cannot match."""

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
