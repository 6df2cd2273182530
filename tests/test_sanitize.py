"""The allowlist's helpers on addresses written by strangers, including ones that do not parse."""

from __future__ import annotations

import pytest
from tweetorials.sanitize import display_url, is_safe_url, split_url, text_to_html

BROKEN = ["https://[::1/x", "http://[::1]:99999/", "https://example.org:70000/a"]


@pytest.mark.parametrize("url", BROKEN)
def test_addresses_that_do_not_parse_are_none_and_never_safe(url: str) -> None:
    assert split_url(url) is None
    assert not is_safe_url(url)
    assert display_url(url) == url  # shown as written, not a crash


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://www.nejm.org/doi/full/10.1056/x", True),
        ("http://[::1]:8000/ok", True),
        ("javascript:alert(1)", False),
        ("//example.org/no-scheme", False),
        ("https:///no-host", False),
        ("", False),
        (None, False),
    ],
)
def test_only_absolute_http_addresses_with_a_host_are_safe(url: str | None, safe: bool) -> None:
    assert is_safe_url(url) is safe


def test_text_links_only_addresses_that_parse() -> None:
    html = text_to_html("Broken https://[::1/x but fine https://www.bmj.com/content/369")
    assert html == (
        "<p>Broken https://[::1/x but fine "
        '<a href="https://www.bmj.com/content/369" rel="nofollow noopener noreferrer">'
        "bmj.com/content/369</a></p>"
    )
