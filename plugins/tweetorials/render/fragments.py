"""``render_once``: a template draws a repeated piece of a page once and reuses it.

A thread is listed on about seven pages (the home page, each of its specialties and topics,
its author, the archive), so the listing card of 1,000 threads was drawn 6,500 times per
build. The theme wraps such a piece in a call block keyed by everything its output depends
on::

    {% call render_once('card', article, SITEURL, level, featured) %} ... {% endcall %}

and the first page to need a key draws it; later pages print the same markup. The markup
stays in the template, where a theme author changes it. The key must name every value the
piece reads that can differ between two places it is drawn: with ``RELATIVE_URLS``,
``SITEURL`` is ``.`` on the home page and ``../..`` two folders down.

One :class:`RenderOnce` lives in each generator's Jinja environment (``generator_init``), so
nothing is kept from one build to the next and nothing outlives the build.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from markupsafe import Markup

__all__ = ["RenderOnce", "add_render_once"]


class RenderOnce:
    """Markup drawn by a template's call block, kept by key for the rest of the build."""

    def __init__(self) -> None:
        self._drawn: dict[tuple[Hashable, ...], Markup] = {}

    def __call__(self, *key: Hashable, caller: Callable[[], str]) -> Markup:
        drawn = self._drawn.get(key)
        if drawn is None:
            # The caller's output is already escaped where it needed to be (autoescape).
            drawn = self._drawn[key] = Markup(caller())
        return drawn


def add_render_once(generator: Any) -> None:
    """``generator_init``: give the generator's templates a fresh ``render_once``."""
    generator.env.globals["render_once"] = RenderOnce()
