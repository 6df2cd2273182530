"""Recognise thread URLs: which platform, which post, and one canonical spelling of it.

Shared by the catalog (to validate and de-duplicate entries) and by the fetch sources (to know
what to ask for), so both agree on what "the same thread" means: ``twitter.com``, ``x.com``,
``mobile.twitter.com`` and the fxtwitter/vxtwitter/fixupx mirrors are one site, and query
strings, fragments, ``www.`` and trailing slashes never make a thread new.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

__all__ = [
    "FETCHED_PLATFORMS",
    "PLATFORMS",
    "PLATFORM_NAMES",
    "SUPPORTED_FORMS",
    "PostRef",
    "UnsupportedURL",
    "parse_post_url",
]

#: Platforms whose threads are fetched from their public APIs.
FETCHED_PLATFORMS: tuple[str, ...] = ("x", "bluesky", "mastodon")
#: Every value of ``platform:`` in the catalog and in snapshots: ``manual`` is a hand-written
#: copy of a thread whose original is gone, never fetched.
PLATFORMS: tuple[str, ...] = (*FETCHED_PLATFORMS, "manual")
#: How each platform is named on the site.
PLATFORM_NAMES: dict[str, str] = {
    "x": "X (Twitter)",
    "bluesky": "Bluesky",
    "mastodon": "Mastodon",
    "manual": "Archived copy",
}

X_HOSTS = frozenset(
    {
        "x.com",
        "twitter.com",
        "mobile.twitter.com",
        "mobile.x.com",
        "fxtwitter.com",
        "vxtwitter.com",
        "fixupx.com",
        "fixvx.com",
        "twittpr.com",
    }
)
BLUESKY_HOSTS = frozenset({"bsky.app", "staging.bsky.app"})

SUPPORTED_FORMS = (
    "https://x.com/USER/status/ID (also twitter.com, mobile.twitter.com, fxtwitter.com, "
    "vxtwitter.com, fixupx.com)",
    "https://bsky.app/profile/HANDLE_OR_DID/post/RKEY",
    "https://HOST/@USER/ID or https://HOST/users/USER/statuses/ID (Mastodon)",
)

_X_PATH = re.compile(
    r"^/(?:(?P<user>[A-Za-z0-9_]{1,15})|i(?:/web)?)/status(?:es)?/(?P<id>\d{1,25})(?:/.*)?$"
)
_BSKY_PATH = re.compile(r"^/profile/(?P<actor>[^/]+)/post/(?P<rkey>[A-Za-z0-9._:~-]{1,64})/?$")
_MASTO_AT = re.compile(r"^/@(?P<user>[A-Za-z0-9_.]+(?:@[A-Za-z0-9.-]+)?)/(?P<id>\d{1,25})/?$")
_MASTO_USERS = re.compile(r"^/users/(?P<user>[A-Za-z0-9_.]+)/statuses/(?P<id>\d{1,25})/?$")
_HOST = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+(:\d{1,5})?$")


class UnsupportedURL(ValueError):
    """The URL is not a post on a platform we can fetch; the message lists the supported forms."""


@dataclass(frozen=True)
class PostRef:
    """One post, recognised.

    ``key`` identifies the thread for duplicate detection; ``slug`` names its snapshot file
    (``content/threads/<slug>.json``) and is safe as a file name.
    """

    platform: str
    url: str  # canonical
    key: str
    slug: str
    post_id: str
    user: str = ""  # X screen name, Bluesky handle or DID, Mastodon username
    host: str = ""  # Mastodon server


def parse_post_url(url: str, platform: str | None = None) -> PostRef:
    """Recognise ``url``; ``platform`` (from the catalog) forces the interpretation.

    Raises :class:`UnsupportedURL` with a message that says what is accepted.
    """
    host, path = _host_and_path(url, platform)
    if platform == "manual":
        return _manual_ref(host, path)
    for name, recognise in _RECOGNISERS:
        if platform in (None, name):
            ref = recognise(host, path)
            if ref is not None:
                return ref
    raise _unsupported(url, platform)


def _host_and_path(url: str, platform: str | None) -> tuple[str, str]:
    """The lower-case host (without ``www.``) and the path of an http(s) URL."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:  # e.g. an unclosed IPv6 bracket: https://[::1/status/1
        raise _unsupported(url, platform) from None
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise UnsupportedURL(f"{url!r} is not an http(s) URL")
    host = parts.netloc.lower().removeprefix("www.")
    if "@" in host or not _HOST.match(host):
        raise UnsupportedURL(f"{url!r} has an invalid host")
    return host, parts.path


def _manual_ref(host: str, path: str) -> PostRef:
    """Any page, for a hand-written copy: the URL itself, kept as the thread's address."""
    canonical = f"https://{host}{path.rstrip('/') or '/'}"
    slug = _slugify(f"{host}{path}")
    return PostRef(
        "manual", canonical, f"manual:{canonical.lower()}", slug, post_id=slug, host=host
    )


def _x_ref(host: str, path: str) -> PostRef | None:
    m = _X_PATH.match(path) if host in X_HOSTS else None
    if m is None:
        return None
    user = m.group("user") or "i"
    post_id = m.group("id")
    return PostRef(
        "x",
        f"https://x.com/{user}/status/{post_id}",
        f"x:{post_id}",
        f"x-{post_id}",
        post_id,
        user=user,
    )


def _bluesky_ref(host: str, path: str) -> PostRef | None:
    m = _BSKY_PATH.match(path) if host in BLUESKY_HOSTS else None
    if m is None:
        return None
    actor = m.group("actor")
    actor = actor if actor.startswith("did:") else actor.lower()
    rkey = m.group("rkey")
    return PostRef(
        "bluesky",
        f"https://bsky.app/profile/{actor}/post/{rkey}",
        f"bluesky:{actor}:{rkey}",
        f"bluesky-{_slugify(rkey)}",
        rkey,
        user=actor,
    )


def _mastodon_ref(host: str, path: str) -> PostRef | None:
    """Any other server, in Mastodon's two URL shapes (``/@user/ID``, ``/users/user/statuses/ID``)."""
    if host in X_HOSTS | BLUESKY_HOSTS:
        return None
    m = _MASTO_AT.match(path) or _MASTO_USERS.match(path)
    if m is None:
        return None
    user, post_id = m.group("user"), m.group("id")
    return PostRef(
        "mastodon",
        f"https://{host}/@{user}/{post_id}",
        f"mastodon:{host}:{post_id}",
        f"mastodon-{_slugify(host)}-{post_id}",
        post_id,
        user=user,
        host=host,
    )


#: Tried in this order when the catalog does not name the platform.
_RECOGNISERS: tuple[tuple[str, Callable[[str, str], PostRef | None]], ...] = (
    ("x", _x_ref),
    ("bluesky", _bluesky_ref),
    ("mastodon", _mastodon_ref),
)


def _unsupported(url: str, platform: str | None) -> UnsupportedURL:
    forced = f" as platform '{platform}'" if platform else ""
    return UnsupportedURL(
        f"{url!r} is not a thread URL we can read{forced}; supported forms: "
        + "; ".join(SUPPORTED_FORMS)
        + " (or set platform: manual with a hand-written snapshot)"
    )


def _slugify(value: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")
    return slug[:80] or "thread"
