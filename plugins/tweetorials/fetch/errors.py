"""What can go wrong while fetching, as exceptions whose message is the reason shown to people.

The fetch summary prints ``str(exc)`` next to the thread's URL, so every message says what
happened in plain words ("the post was deleted (HTTP 404)"), not a stack trace.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "BadResponse",
    "BadStatus",
    "FetchError",
    "NotFound",
    "ResponseTooLarge",
    "ThreadUnavailable",
]


class FetchError(Exception):
    """A thread (or image) could not be fetched; ``str()`` is the human-readable reason."""

    def __init__(self, reason: str, *, url: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.url = url


class BadStatus(FetchError):
    """The server answered with a status we do not retry; ``payload`` is its JSON body, if any."""

    def __init__(
        self, reason: str, *, status: int, url: str | None = None, payload: Any = None
    ) -> None:
        super().__init__(reason, url=url)
        self.status = status
        self.payload = payload


class NotFound(BadStatus):
    """404 or 410: deleted, private, or never existed."""


class BadResponse(FetchError):
    """The answer was not what it claimed: HTML instead of JSON, truncated JSON, or too large."""


class ResponseTooLarge(BadResponse):
    """The body is bigger than the caller's cap (by ``Content-Length`` or while reading it):
    a video fetch then tries a smaller version instead of giving up."""


class ThreadUnavailable(FetchError):
    """The platform says the whole thread is gone or may not be shown (deleted, tombstoned,
    blocked, or its author opted out of logged-out viewing). The runner keeps any snapshot."""
