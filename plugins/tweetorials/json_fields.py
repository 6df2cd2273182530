"""Small readers of untyped platform JSON that more than one reader needs.

At the package root (the base layer) because both sides read platform JSON: the fetch sources
(API answers) and the rescue importers (account exports), which may not import each other.
"""

from __future__ import annotations

from typing import Any

__all__ = ["as_dict", "as_list", "dimensions", "stripped"]


def dimensions(obj: Any) -> tuple[int | None, int | None]:
    """``(width, height)`` from a mapping with those keys, both positive whole numbers, or
    ``(None, None)``: Bluesky's ``aspectRatio``, Mastodon's media ``meta`` sizes and cards."""
    if not isinstance(obj, dict):
        return None, None
    width, height = obj.get("width"), obj.get("height")
    if all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in (width, height)):
        return width, height
    return None, None


def stripped(value: Any) -> str:
    """``value`` without surrounding whitespace when it is text, else ``""``: platform JSON
    puts ``null``, numbers or objects where a string is documented."""
    return value.strip() if isinstance(value, str) else ""


def as_dict(value: Any) -> dict[str, Any]:
    """``value`` when it is an object, else an empty one: a missing or mistyped field reads
    as empty, and the reader decides what empty means."""
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    """``value`` when it is a list, else an empty one (see :func:`as_dict`)."""
    return value if isinstance(value, list) else []
