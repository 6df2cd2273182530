"""Reading untyped JSON from exports without trusting its shape.

Exports are JSON written by platforms years apart and then handled by strangers, so a field can
be missing, ``null`` or of another type. These return an empty value of the expected type
instead, and the importers decide what an empty value means.
"""

from __future__ import annotations

from typing import Any

__all__ = ["as_dict", "as_list", "as_str"]


def as_str(value: Any) -> str:
    """Text without surrounding blanks, or ``""`` when it is not text."""
    return value.strip() if isinstance(value, str) else ""


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
