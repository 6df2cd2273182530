"""The one polite HTTP client every source uses.

Platforms we read without a key tolerate us only while we behave: a descriptive User-Agent, at
most a couple of requests at a time per host, and backing off when asked. This module is the
single place that knows how, so sources only ever say "get me this JSON" or "download this
image" and receive either data they can trust or a :class:`~tweetorials.fetch.errors.FetchError`
whose message explains what went wrong.

What it guarantees:

* retries with exponential back-off and jitter on connect errors, timeouts, dropped
  connections, 429 and 5xx; the server's own wait (``Retry-After`` in seconds or as an HTTP
  date, Bluesky's ``RateLimit-Reset`` in epoch seconds, Mastodon's ``X-RateLimit-Reset`` in
  ISO 8601) is honoured, and the total waiting per request is capped so a build never hangs;
* bodies are streamed and size-capped, so a huge or endless answer cannot exhaust memory;
* :meth:`PoliteClient.get_json` returns JSON or fails: an HTML page with status 200, an empty
  body or truncated JSON is a :class:`BadResponse`, never a thread;
* every attempt is counted in :attr:`PoliteClient.requests_sent`, which is how the tests prove
  that a fetch with nothing to do sends no request at all.

``sleep``, ``jitter`` and ``clock`` are injectable so tests can assert every wait without waiting.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit

import httpx

from ..settings import DEFAULT_USER_AGENT
from .errors import BadResponse, BadStatus, FetchError, NotFound, ResponseTooLarge

__all__ = ["DEFAULT_USER_AGENT", "Download", "PoliteClient"]


#: First back-off step in seconds; attempt n waits about ``BACKOFF_BASE * 2**n``.
BACKOFF_BASE = 1.0

_RETRY_STATUSES = frozenset({429}) | frozenset(range(500, 600))
# Errors worth another try: the network or the server hiccuped, not our request being wrong.
_RETRY_EXCEPTIONS: tuple[type[Exception], ...] = (
    httpx.TimeoutException,
    httpx.NetworkError,
    httpx.RemoteProtocolError,
)


@dataclass(frozen=True)
class Download:
    """Bytes fetched by :meth:`PoliteClient.download`; ``url`` is the final URL after redirects."""

    data: bytes
    content_type: str
    url: str


@dataclass
class _Answer:
    status: int
    headers: httpx.Headers
    body: bytes
    url: str


class _RetryableStatus(Exception):
    """Internal: a 429/5xx answer that the retry loop should wait on."""

    def __init__(self, answer: _Answer) -> None:
        super().__init__(answer.status)
        self.answer = answer


class PoliteClient:
    """A thread-safe wrapper around one :class:`httpx.Client`; see the module docstring."""

    def __init__(
        self,
        *,
        user_agent: str = DEFAULT_USER_AGENT,
        timeout: float = 20.0,
        retries: int = 4,
        max_total_wait: float = 120.0,
        per_host: int = 2,
        max_json_bytes: int = 10_000_000,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if per_host < 1:
            raise ValueError("per_host must be at least 1")
        self.timeout = timeout
        self.retries = max(0, retries)
        self.max_total_wait = max_total_wait
        self.per_host = per_host
        self.max_json_bytes = max_json_bytes
        self._sleep = sleep
        self._jitter = jitter
        self._clock = clock
        self._lock = threading.Lock()
        self._host_slots: dict[str, threading.BoundedSemaphore] = {}
        self._sent = 0
        self._client = httpx.Client(
            headers={"User-Agent": user_agent},
            timeout=httpx.Timeout(timeout),
            follow_redirects=True,
            transport=transport,
            event_hooks={"request": [self._count_request]},
        )

    # -- lifecycle -------------------------------------------------------------------------

    def __enter__(self) -> PoliteClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    @property
    def requests_sent(self) -> int:
        """Every HTTP request sent so far, retries and redirects included."""
        with self._lock:
            return self._sent

    def _count_request(self, request: httpx.Request) -> None:
        with self._lock:
            self._sent += 1

    # -- public API ------------------------------------------------------------------------

    def get_json(
        self,
        url: str,
        *,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        """GET ``url`` and return its parsed JSON body.

        Raises :class:`NotFound` (404/410) or :class:`BadStatus` for other refusals, with
        the JSON error body in ``payload`` when there is one; :class:`BadResponse` when a 2xx
        answer is not JSON; :class:`FetchError` when retries or the waiting budget run out.
        """
        merged = {"Accept": "application/json", **(headers or {})}
        answer = self._request(url, params=params, headers=merged, max_bytes=self.max_json_bytes)
        if not 200 <= answer.status < 300:
            raise _status_error(answer)
        return _parse_json(answer)

    def download(
        self, url: str, *, max_bytes: int, accept: tuple[str, ...] = ("image/",)
    ) -> Download:
        """Download at most ``max_bytes`` whose Content-Type starts with one of ``accept``.

        The type is checked before the body is read, so an HTML error page is never saved as
        an image; the caller should still verify the bytes (Pillow does, for images).
        """

        def check_type(response: httpx.Response) -> None:
            if not 200 <= response.status_code < 300:
                return
            content_type = _media_type(response.headers)
            if not any(content_type.startswith(prefix) for prefix in accept):
                shown = content_type or "no Content-Type"
                raise BadResponse(
                    f"expected {' or '.join(a.rstrip('/') for a in accept)} content but the "
                    f"server sent {shown} for {_short(url)}",
                    url=url,
                )

        answer = self._request(url, max_bytes=max_bytes, before_body=check_type)
        if not 200 <= answer.status < 300:
            raise _status_error(answer)
        return Download(data=answer.body, content_type=_media_type(answer.headers), url=answer.url)

    # -- the retry loop --------------------------------------------------------------------

    def _request(
        self,
        url: str,
        *,
        max_bytes: int,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        before_body: Callable[[httpx.Response], None] | None = None,
    ) -> _Answer:
        host = urlsplit(url).netloc.lower() or url
        waited = 0.0
        attempts = self.retries + 1
        for attempt in range(attempts):
            try:
                with self._slot(host):
                    return self._attempt(url, params, headers, max_bytes, before_body)
            except _RetryableStatus as exc:
                answer = exc.answer
                problem = f"HTTP {answer.status} {_phrase(answer.status)}"
                asked = _server_wait(answer.headers, self._clock())
            except _RETRY_EXCEPTIONS as exc:
                problem = _describe_transport_error(exc, self.timeout)
                asked = None
            if attempt == attempts - 1:
                break
            budget = self.max_total_wait - waited
            if asked is not None and asked[0] > 0:
                seconds, header = asked
                if seconds > budget:
                    raise FetchError(
                        f"{host} is rate limiting us ({problem}) and asked us to wait "
                        f"{seconds:.0f} s ({header}), more than the {self.max_total_wait:.0f} s "
                        "we wait in total; try again later",
                        url=url,
                    )
                delay = seconds
            else:
                delay = min(self._backoff(attempt), budget)
                if delay <= 0:
                    raise FetchError(
                        f"gave up on {_short(url)} after {attempt + 1} attempts and "
                        f"{waited:.0f} s of waiting: {problem}",
                        url=url,
                    )
            self._sleep(delay)
            waited += delay
        raise FetchError(
            f"gave up on {_short(url)} after {attempts} attempts: {problem}",
            url=url,
        )

    def _backoff(self, attempt: int) -> float:
        """Exponential back-off with jitter: ``base * 2**attempt``, scaled by 0.5-1.5."""
        return float(BACKOFF_BASE * (2**attempt) * (0.5 + self._jitter()))

    def _attempt(
        self,
        url: str,
        params: dict[str, Any] | None,
        headers: dict[str, str] | None,
        max_bytes: int,
        before_body: Callable[[httpx.Response], None] | None,
    ) -> _Answer:
        try:
            with self._client.stream("GET", url, params=params, headers=headers) as response:
                if response.status_code in _RETRY_STATUSES:
                    # A small body is enough to log; do not let an error page be huge either.
                    body = _read_capped(response, min(max_bytes, 65_536), url, truncate=True)
                    raise _RetryableStatus(_answer(response, body))
                if before_body is not None:
                    before_body(response)
                body = _read_capped(response, max_bytes, url)
                return _answer(response, body)
        except (httpx.TooManyRedirects, httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
            raise FetchError(f"cannot fetch {_short(url)}: {exc}", url=url) from exc
        except httpx.DecodingError as exc:
            raise BadResponse(
                f"could not decode the response from {_short(url)}: {exc}", url=url
            ) from exc

    @contextmanager
    def _slot(self, host: str) -> Iterator[None]:
        """Hold one of the ``per_host`` slots for ``host`` (not held while sleeping)."""
        with self._lock:
            slot = self._host_slots.get(host)
            if slot is None:
                slot = self._host_slots[host] = threading.BoundedSemaphore(self.per_host)
        with slot:
            yield


# -- helpers ---------------------------------------------------------------------------------


def _answer(response: httpx.Response, body: bytes) -> _Answer:
    return _Answer(
        status=response.status_code, headers=response.headers, body=body, url=str(response.url)
    )


def _read_capped(
    response: httpx.Response, max_bytes: int, url: str, *, truncate: bool = False
) -> bytes:
    """Read the body, refusing (or, for error pages, cutting) anything beyond ``max_bytes``."""
    declared = response.headers.get("Content-Length")
    if not truncate and declared and declared.isdigit() and int(declared) > max_bytes:
        raise ResponseTooLarge(
            f"the response from {_short(url)} is {int(declared):,} bytes, more than the "
            f"{max_bytes:,} bytes we accept",
            url=url,
        )
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            if truncate:
                chunks.append(chunk[: max_bytes - (size - len(chunk))])
                break
            raise ResponseTooLarge(
                f"the response from {_short(url)} grew past the {max_bytes:,} bytes we accept",
                url=url,
            )
        chunks.append(chunk)
    return b"".join(chunks)


def _media_type(headers: httpx.Headers) -> str:
    return str(headers.get("Content-Type", "")).split(";", 1)[0].strip().lower()


def _looks_like_html(content_type: str, body: bytes) -> bool:
    if content_type in {"text/html", "application/xhtml+xml"}:
        return True
    head = body[:512].lstrip().lower()
    return head.startswith((b"<!doctype", b"<html", b"<head", b"<body", b"<?xml"))


def _parse_json(answer: _Answer) -> Any:
    content_type = _media_type(answer.headers)
    where = _short(answer.url)
    if not answer.body.strip():
        raise BadResponse(
            f"{where} answered HTTP {answer.status} with an empty body, not JSON", url=answer.url
        )
    if _looks_like_html(content_type, answer.body):
        raise BadResponse(
            f"{where} sent an HTML page instead of JSON (HTTP {answer.status}, "
            f"{content_type or 'no Content-Type'}); the API may have changed or be blocking us",
            url=answer.url,
        )
    try:
        return json.loads(answer.body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadResponse(
            f"{where} sent invalid or truncated JSON ({len(answer.body):,} bytes): {exc}",
            url=answer.url,
        ) from exc


def _status_error(answer: _Answer) -> BadStatus:
    """The exception for a non-retryable refusal, keeping the JSON body for the source to read."""
    payload: Any = None
    if answer.body.strip() and not _looks_like_html(_media_type(answer.headers), answer.body):
        try:
            payload = json.loads(answer.body)
        except (UnicodeDecodeError, json.JSONDecodeError):
            payload = None
    reason = f"HTTP {answer.status} {_phrase(answer.status)} from {_short(answer.url)}"
    detail = _payload_message(payload)
    if detail:
        reason += f": {detail}"
    cls = NotFound if answer.status in (404, 410) else BadStatus
    return cls(reason, status=answer.status, url=answer.url, payload=payload)


def _payload_message(payload: Any) -> str:
    """The human part of a JSON error body (Bluesky ``message``, Mastodon ``error``, ...)."""
    if not isinstance(payload, dict):
        return ""
    for key in ("message", "error_description", "error", "detail"):
        value = payload.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()[:200]
    return ""


def _server_wait(headers: httpx.Headers, now: float) -> tuple[float, str] | None:
    """How long the server asked us to wait, and which header said so; None if it did not."""
    value = headers.get("Retry-After")
    if value:
        seconds = _parse_seconds_or_date(value.strip(), now)
        if seconds is not None:
            return seconds, f"Retry-After: {value.strip()}"
    for name in ("RateLimit-Reset", "X-RateLimit-Reset"):
        value = headers.get(name)
        if value:
            seconds = _parse_reset(value.strip(), now)
            if seconds is not None:
                return seconds, f"{name}: {value.strip()}"
    return None


def _parse_seconds_or_date(value: str, now: float) -> float | None:
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, when.timestamp() - now)


def _parse_reset(value: str, now: float) -> float | None:
    """A reset header: epoch seconds (Bluesky, X), delta seconds or ISO 8601 (Mastodon)."""
    try:
        number = float(value)
    except ValueError:
        number = None
    if number is not None:
        # Anything after 2001 is a point in time; small numbers are a delay.
        return max(0.0, number - now) if number > 1_000_000_000 else max(0.0, number)
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, when.timestamp() - now)


def _describe_transport_error(exc: Exception, timeout: float) -> str:
    if isinstance(exc, httpx.ConnectTimeout):
        return f"could not connect within {timeout:g} s"
    if isinstance(exc, httpx.TimeoutException):
        return f"timed out after {timeout:g} s"
    if isinstance(exc, httpx.ConnectError):
        return f"could not connect ({exc or 'connection refused'})"
    return f"the connection dropped ({exc or type(exc).__name__})"


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _short(url: str) -> str:
    """The URL without its query string: tokens and ids there only make messages noisy."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}" if parts.netloc else url
