"""The polite HTTP client: retries, honoured waits, size caps and JSON that must be JSON.

Most tests serve answers from :class:`httpx.MockTransport`; the faults that only a real socket
can produce (a body cut short, a server that never answers) use a loopback server. ``sleep``
records the waits instead of waiting, so every back-off is asserted exactly and runs instantly.
"""

from __future__ import annotations

import contextlib
import email.utils
import socket
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from tweetorials.fetch.errors import BadResponse, BadStatus, FetchError, NotFound
from tweetorials.fetch.http import DEFAULT_USER_AGENT, PoliteClient

NOW = 1_700_000_000.0  # the injected clock: 2023-11-14T22:13:20Z

Handler = Callable[[httpx.Request], httpx.Response]


def make_client(handler: Handler, waits: list[float] | None = None, **kwargs) -> PoliteClient:
    """A client on a mock transport whose sleeps are recorded, with jitter fixed at the middle."""
    waits = [] if waits is None else waits
    kwargs.setdefault("jitter", lambda: 0.5)  # back-off factor 0.5 + 0.5 = exactly 1
    return PoliteClient(
        transport=httpx.MockTransport(handler),
        sleep=waits.append,
        clock=lambda: NOW,
        **kwargs,
    )


def sequence(*answers: httpx.Response | Exception) -> Handler:
    """A handler that gives each answer in turn (raising the exceptions), then repeats the last."""
    remaining = list(answers)

    def handler(request: httpx.Request) -> httpx.Response:
        answer = remaining.pop(0) if len(remaining) > 1 else remaining[0]
        if isinstance(answer, Exception):
            raise answer
        return answer

    return handler


OK = httpx.Response(200, json={"ok": True})


# -- identity ------------------------------------------------------------------------------


def test_user_agent_names_the_project_url() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["User-Agent"])
        return httpx.Response(200, json=[])

    with make_client(handler) as client:
        assert client.get_json("https://api.test/a") == []
    assert seen == [DEFAULT_USER_AGENT]
    assert "https://github.com/foamed-library/tweetorials" in DEFAULT_USER_AGENT


def test_params_are_sent_as_query_string() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, json={})

    with make_client(handler) as client:
        client.get_json("https://api.test/tweet-result", params={"id": "20", "token": "x"})
    assert seen == ["https://api.test/tweet-result?id=20&token=x"]


# -- rate limits: each header style ---------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "expected_wait"),
    [
        ({"Retry-After": "7"}, 7.0),
        ({"Retry-After": email.utils.formatdate(NOW + 30, usegmt=True)}, 30.0),
        ({"RateLimit-Reset": str(int(NOW + 12))}, 12.0),  # Bluesky: epoch seconds
        ({"X-RateLimit-Reset": "2023-11-14T22:14:05.000Z"}, 45.0),  # Mastodon: ISO 8601
        ({"RateLimit-Reset": "9"}, 9.0),  # IETF draft style: seconds from now
    ],
    ids=[
        "retry-after-seconds",
        "retry-after-date",
        "ratelimit-reset-epoch",
        "x-ratelimit-iso",
        "delta",
    ],
)
def test_429_waits_as_long_as_the_server_asks(
    headers: dict[str, str], expected_wait: float
) -> None:
    waits: list[float] = []
    handler = sequence(httpx.Response(429, headers=headers), OK)
    with make_client(handler, waits) as client:
        assert client.get_json("https://api.test/a") == {"ok": True}
        assert client.requests_sent == 2
    assert waits == [pytest.approx(expected_wait)]


def test_retry_after_wins_over_reset_headers() -> None:
    waits: list[float] = []
    headers = {"Retry-After": "3", "RateLimit-Reset": str(int(NOW + 50))}
    with make_client(sequence(httpx.Response(429, headers=headers), OK), waits) as client:
        client.get_json("https://api.test/a")
    assert waits == [3.0]


def test_429_without_headers_backs_off_exponentially() -> None:
    waits: list[float] = []
    handler = sequence(httpx.Response(429), httpx.Response(429), httpx.Response(429), OK)
    with make_client(handler, waits) as client:
        assert client.get_json("https://api.test/a") == {"ok": True}
    assert waits == [1.0, 2.0, 4.0]


def test_a_reset_time_in_the_past_falls_back_to_back_off() -> None:
    waits: list[float] = []
    headers = {"X-RateLimit-Reset": "2020-01-01T00:00:00Z"}
    with make_client(sequence(httpx.Response(429, headers=headers), OK), waits) as client:
        client.get_json("https://api.test/a")
    assert waits == [1.0]


def test_jitter_spreads_the_back_off() -> None:
    waits: list[float] = []
    handler = sequence(httpx.Response(503), httpx.Response(503), OK)
    with make_client(handler, waits, jitter=lambda: 0.0) as client:
        client.get_json("https://api.test/a")
    assert waits == [0.5, 1.0]
    waits.clear()
    handler = sequence(httpx.Response(503), httpx.Response(503), OK)
    with make_client(handler, waits, jitter=lambda: 0.99) as client:
        client.get_json("https://api.test/a")
    assert waits == [pytest.approx(1.49), pytest.approx(2.98)]


def test_a_wait_longer_than_the_cap_gives_up_at_once() -> None:
    waits: list[float] = []
    handler = sequence(httpx.Response(429, headers={"Retry-After": "900"}), OK)
    with make_client(handler, waits, max_total_wait=120) as client:
        with pytest.raises(FetchError) as info:
            client.get_json("https://api.test/a")
        assert client.requests_sent == 1
    assert waits == []
    message = str(info.value)
    assert "900 s" in message and "120 s" in message and "try again later" in message
    assert "api.test" in message


def test_the_total_wait_is_capped_across_retries() -> None:
    waits: list[float] = []
    client = make_client(sequence(httpx.Response(502)), waits, max_total_wait=5, retries=10)
    with client, pytest.raises(FetchError, match=r"gave up.*HTTP 502 Bad Gateway"):
        client.get_json("https://api.test/a")
    assert client.requests_sent == 4
    assert waits == [1.0, 2.0, 2.0]  # the third back-off is cut to what is left of the 5 s
    assert sum(waits) <= 5


def test_server_waits_count_towards_the_cap() -> None:
    waits: list[float] = []
    handler = sequence(
        httpx.Response(429, headers={"Retry-After": "80"}),
        httpx.Response(429, headers={"Retry-After": "80"}),
        OK,
    )
    client = make_client(handler, waits, max_total_wait=120)
    with client, pytest.raises(FetchError, match="asked us to wait 80 s"):
        client.get_json("https://api.test/a")
    assert waits == [80.0]


# -- server and network faults --------------------------------------------------------------


def test_5xx_then_success() -> None:
    waits: list[float] = []
    handler = sequence(httpx.Response(500), httpx.Response(503), OK)
    with make_client(handler, waits) as client:
        assert client.get_json("https://api.test/a") == {"ok": True}
        assert client.requests_sent == 3
    assert waits == [1.0, 2.0]


def test_503_with_retry_after_is_honoured() -> None:
    waits: list[float] = []
    with make_client(sequence(httpx.Response(503, headers={"Retry-After": "5"}), OK), waits) as c:
        c.get_json("https://api.test/a")
    assert waits == [5.0]


@pytest.mark.parametrize(
    "fault",
    [
        httpx.ConnectError("[Errno 111] Connection refused"),
        httpx.ReadError("[Errno 104] Connection reset by peer"),
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
        httpx.ReadTimeout("timed out"),
        httpx.ConnectTimeout("timed out"),
    ],
    ids=["refused", "reset", "disconnected", "read-timeout", "connect-timeout"],
)
def test_network_faults_are_retried(fault: Exception) -> None:
    waits: list[float] = []
    with make_client(sequence(fault, OK), waits) as client:
        assert client.get_json("https://api.test/a") == {"ok": True}
        assert client.requests_sent == 2
    assert waits == [1.0]


def test_retries_run_out_with_a_readable_reason() -> None:
    waits: list[float] = []
    with make_client(sequence(httpx.ReadTimeout("timed out")), waits, timeout=7) as client:
        with pytest.raises(FetchError) as info:
            client.get_json("https://api.test/thread?id=1")
        assert client.requests_sent == 5  # 1 + 4 retries
    assert waits == [1.0, 2.0, 4.0, 8.0]
    assert (
        str(info.value)
        == "gave up on https://api.test/thread after 5 attempts: timed out after 7 s"
    )


def test_connection_refused_reason() -> None:
    client = make_client(sequence(httpx.ConnectError("refused")), retries=0)
    with client, pytest.raises(FetchError, match=r"could not connect \(refused\)"):
        client.get_json("https://api.test/a")


# -- answers that are not what they claim ---------------------------------------------------


def test_truncated_json_is_a_bad_response_and_not_retried() -> None:
    body = b'{"thread": [{"id": "1", "text": "Hello'
    answer = httpx.Response(200, content=body, headers={"Content-Type": "application/json"})
    client = make_client(sequence(answer))
    with client, pytest.raises(BadResponse, match="invalid or truncated JSON"):
        client.get_json("https://api.test/a")
    assert client.requests_sent == 1


def test_html_with_status_200_is_not_a_thread() -> None:
    page = b"<!DOCTYPE html><html><body>Something went wrong</body></html>"
    answer = httpx.Response(200, content=page, headers={"Content-Type": "text/html; charset=utf-8"})
    client = make_client(sequence(answer))
    with client, pytest.raises(BadResponse, match=r"HTML page instead of JSON.*text/html"):
        client.get_json("https://api.test/a")


def test_html_labelled_as_json_is_still_html() -> None:
    answer = httpx.Response(
        200, content=b"  <html><head></head></html>", headers={"Content-Type": "application/json"}
    )
    with make_client(sequence(answer)) as client, pytest.raises(BadResponse, match="HTML page"):
        client.get_json("https://api.test/a")


def test_empty_body_is_not_json() -> None:
    client = make_client(sequence(httpx.Response(200, content=b"")))
    with client, pytest.raises(BadResponse, match="empty body"):
        client.get_json("https://api.test/a")


def test_empty_object_is_valid_json_for_the_source_to_judge() -> None:
    # Syndication answers ``{}`` for some missing tweets; deciding what that means is the source's job.
    with make_client(sequence(httpx.Response(200, json={}))) as client:
        assert client.get_json("https://api.test/a") == {}


# -- refusals -------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [404, 410])
def test_404_and_410_are_not_found_without_retry(status: int) -> None:
    waits: list[float] = []
    answer = httpx.Response(status, json={"error": "Record not found"})
    with make_client(sequence(answer), waits) as client:
        with pytest.raises(NotFound) as info:
            client.get_json("https://mastodon.test/api/v1/statuses/1")
        assert client.requests_sent == 1
    assert waits == []
    assert info.value.status == status
    assert info.value.payload == {"error": "Record not found"}
    assert f"HTTP {status}" in str(info.value) and "Record not found" in str(info.value)


def test_bluesky_400_not_found_payload_reaches_the_source() -> None:
    payload = {
        "error": "NotFound",
        "message": "Post not found: at://did:plc:abc/app.bsky.feed.post/x",
    }
    client = make_client(sequence(httpx.Response(400, json=payload)))
    with client, pytest.raises(BadStatus) as info:
        client.get_json("https://bsky.test/xrpc/app.bsky.feed.getPostThread")
    assert not isinstance(info.value, NotFound)  # the source decides what a 400 means
    assert info.value.status == 400
    assert info.value.payload == payload
    assert "Post not found" in str(info.value)


def test_refusal_with_html_body_has_no_payload() -> None:
    answer = httpx.Response(
        401, content=b"<html>login</html>", headers={"Content-Type": "text/html"}
    )
    with make_client(sequence(answer)) as client, pytest.raises(BadStatus) as info:
        client.get_json("https://api.test/a")
    assert info.value.payload is None
    assert str(info.value) == "HTTP 401 Unauthorized from https://api.test/a"


def test_redirects_are_followed_and_counted() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/old":
            return httpx.Response(301, headers={"Location": "https://api.test/new"})
        return httpx.Response(200, json={"moved": True})

    with make_client(handler) as client:
        assert client.get_json("https://api.test/old") == {"moved": True}
        assert client.requests_sent == 2


# -- size caps ------------------------------------------------------------------------------


def test_declared_oversize_body_is_refused_before_reading() -> None:
    answer = httpx.Response(200, content=b"[" + b"1," * 600 + b"1]")
    client = make_client(sequence(answer), max_json_bytes=1000)
    with client, pytest.raises(BadResponse, match="more than the 1,000 bytes"):
        client.get_json("https://api.test/a")


def test_streamed_oversize_body_is_cut_off() -> None:
    produced: list[int] = []

    def endless() -> Iterator[bytes]:
        for i in range(10_000):
            produced.append(i)
            yield b"x" * 1000

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=endless())  # no Content-Length

    client = make_client(handler, max_json_bytes=5000)
    with client, pytest.raises(BadResponse, match="grew past the 5,000 bytes"):
        client.get_json("https://api.test/a")
    assert len(produced) < 10  # stopped reading early, not after 10 MB


# -- downloads ------------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 100


def test_download_returns_bytes_type_and_final_url() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/a.png":
            return httpx.Response(302, headers={"Location": "https://cdn.test/b.png"})
        return httpx.Response(200, content=PNG, headers={"Content-Type": "image/png"})

    with make_client(handler) as client:
        got = client.download("https://media.test/a.png", max_bytes=1000)
    assert got.data == PNG
    assert got.content_type == "image/png"
    assert got.url == "https://cdn.test/b.png"


def test_download_refuses_an_html_page() -> None:
    answer = httpx.Response(200, content=b"<html></html>", headers={"Content-Type": "text/html"})
    with (
        make_client(sequence(answer)) as client,
        pytest.raises(BadResponse, match="expected image content but the server sent text/html"),
    ):
        client.download("https://media.test/a.png", max_bytes=1000)


def test_download_accepts_other_types_when_asked() -> None:
    answer = httpx.Response(200, content=b"GIF89a", headers={"Content-Type": "video/mp4"})
    with make_client(sequence(answer)) as client:
        assert (
            client.download("https://m.test/v", max_bytes=100, accept=("video/",)).data == b"GIF89a"
        )


def test_download_byte_cap() -> None:
    answer = httpx.Response(200, content=PNG, headers={"Content-Type": "image/png"})
    client = make_client(sequence(answer))
    with client, pytest.raises(BadResponse, match="more than the 50 bytes"):
        client.download("https://media.test/a.png", max_bytes=50)


def test_download_404_is_not_found() -> None:
    with make_client(sequence(httpx.Response(404))) as client, pytest.raises(NotFound):
        client.download("https://media.test/a.png", max_bytes=50)


# -- concurrency ----------------------------------------------------------------------------


def test_at_most_per_host_requests_run_at_once_per_host() -> None:
    lock = threading.Lock()
    active: dict[str, int] = {}
    peak: dict[str, int] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        host = request.url.host
        with lock:
            active[host] = active.get(host, 0) + 1
            peak[host] = max(peak.get(host, 0), active[host])
        time.sleep(0.03)
        with lock:
            active[host] -= 1
        return httpx.Response(200, json={"host": host})

    with make_client(handler, per_host=2) as client, ThreadPoolExecutor(max_workers=8) as pool:
        urls = [f"https://{h}.test/{i}" for h in ("a", "b") for i in range(6)]
        results = list(pool.map(client.get_json, urls))
        assert client.requests_sent == 12
    assert [r["host"] for r in results] == ["a.test"] * 6 + ["b.test"] * 6
    assert peak == {"a.test": 2, "b.test": 2}


# -- a real socket --------------------------------------------------------------------------


class LoopbackServer:
    """A tiny HTTP/1.1 server on 127.0.0.1 that plays scripted raw answers, one per connection."""

    def __init__(self, answers: list[bytes | None]) -> None:
        self.answers = answers  # None: accept, then never answer (for timeouts)
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.connections = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            index = min(self.connections, len(self.answers) - 1)
            self.connections += 1
            with conn:
                conn.recv(65536)
                answer = self.answers[index]
                if answer is None:
                    self.stop.wait(2)
                    continue
                conn.sendall(answer)

    def close(self) -> None:
        self.stop.set()
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept() on Linux
        self.sock.close()
        self.thread.join(timeout=3)


def raw(
    status: str, body: bytes, length: int | None = None, ctype: str = "application/json"
) -> bytes:
    length = len(body) if length is None else length
    head = f"HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n"
    return head.encode() + body


def test_loopback_body_cut_short_is_retried() -> None:
    server = LoopbackServer([raw("200 OK", b'{"par', length=200), raw("200 OK", b'{"full": 1}')])
    waits: list[float] = []
    try:
        client = PoliteClient(sleep=waits.append, jitter=lambda: 0.5, timeout=2)
        with client:
            assert client.get_json(server.url + "/t") == {"full": 1}
            assert client.requests_sent == 2
    finally:
        server.close()
    assert waits == [1.0]


def test_loopback_server_that_never_answers_times_out() -> None:
    server = LoopbackServer([None])
    waits: list[float] = []
    try:
        with PoliteClient(sleep=waits.append, jitter=lambda: 0.5, timeout=0.2, retries=1) as client:
            with pytest.raises(FetchError, match=r"timed out after 0.2 s"):
                client.get_json(server.url + "/t")
            assert client.requests_sent == 2
    finally:
        server.close()
    assert waits == [1.0]


def test_loopback_connection_refused() -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens here now
    client = PoliteClient(sleep=lambda s: None, retries=1, timeout=1)
    with client, pytest.raises(FetchError, match="could not connect"):
        client.get_json(f"http://127.0.0.1:{port}/t")
