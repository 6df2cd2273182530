"""The fetch runner: what it fetches, what it keeps, and that failures never cost the archive.

A small fake source asks a real :class:`PoliteClient` (on a mock transport) for a thread's
JSON, so "zero requests" is counted at the HTTP layer, where it matters.
"""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import ClassVar

import httpx
import pytest
import tweetorials.files
from tweetorials.cli.progress import FetchProgress
from tweetorials.fetch.errors import ThreadUnavailable
from tweetorials.fetch.http import PoliteClient
from tweetorials.fetch.runner import FetchReport, UnknownThread, fetch_threads
from tweetorials.platforms import PostRef
from tweetorials.snapshot import (
    Author,
    Post,
    SnapshotStore,
    Thread,
    load_snapshot,
    thread_from_dict,
)

from .conftest import catalog_entry

NOW = "2024-06-01T12:00:00Z"
BEFORE = "2024-01-01T00:00:00Z"


def make_thread(post_id: str, *texts: str, fetched_at: str | None = None) -> Thread:
    author = Author(name="Dr Ada", handle="ada", url="https://x.com/ada")
    posts = [
        Post(
            id=str(int(post_id) + i),
            url=f"https://x.com/ada/status/{int(post_id) + i}",
            created_at="2024-01-01T00:00:00Z",
            text=text,
            html=f"<p>{text}</p>",
            last_seen=fetched_at,
        )
        for i, text in enumerate(texts)
    ]
    return Thread(platform="x", url=posts[0].url, author=author, posts=posts, fetched_at=fetched_at)


class Upstream:
    """The fake platform: thread JSON per post id, or a status to answer with."""

    def __init__(self) -> None:
        self.threads: dict[str, Thread] = {}
        self.statuses: dict[str, int] = {}
        self.html: set[str] = set()

    def handler(self, request: httpx.Request) -> httpx.Response:
        post_id = request.url.path.rsplit("/", 1)[-1]
        if post_id in self.html:
            return httpx.Response(
                200, content=b"<html>Login</html>", headers={"Content-Type": "text/html"}
            )
        if post_id in self.statuses:
            return httpx.Response(self.statuses[post_id], json={"reason": "gone"})
        return httpx.Response(200, json=self.threads[post_id].to_dict())


class FakeSource:
    platform: ClassVar[str] = "x"

    def __init__(self, client: PoliteClient) -> None:
        self.client = client
        self.calls: list[tuple[str, str | None]] = []
        self.raise_for: dict[str, BaseException] = {}
        self.caveats: list[str] = []  # what the source says of every thread it returns

    def fetch(self, ref: PostRef, *, last: PostRef | None = None) -> Thread:
        self.calls.append((ref.post_id, last.post_id if last else None))
        if ref.post_id in self.raise_for:
            raise self.raise_for[ref.post_id]
        try:
            data = self.client.get_json(f"https://fake.test/thread/{ref.post_id}")
        except Exception as exc:
            if getattr(exc, "status", None) == 410:
                raise ThreadUnavailable("the thread was deleted by its author") from exc
            raise
        thread = thread_from_dict(data)
        thread.caveats.extend(self.caveats)
        return thread


@pytest.fixture
def upstream() -> Upstream:
    return Upstream()


@pytest.fixture
def client(upstream: Upstream) -> PoliteClient:
    with PoliteClient(
        transport=httpx.MockTransport(upstream.handler), sleep=lambda s: None, retries=1
    ) as c:
        yield c


@pytest.fixture
def source(client: PoliteClient) -> FakeSource:
    return FakeSource(client)


@pytest.fixture
def store(tmp_path: Path) -> SnapshotStore:
    return SnapshotStore(tmp_path / "threads")


A = "https://x.com/ada/status/100"
B = "https://twitter.com/ada/status/200"
C = "https://x.com/ada/status/300"


def run(entries, store, source, **kwargs) -> FetchReport:
    kwargs.setdefault("clock", lambda: NOW)
    return fetch_threads(entries, store, {"x": source}, **kwargs)


def seed(store: SnapshotStore, slug: str, thread: Thread) -> bytes:
    path = store.save(slug, thread)
    return path.read_bytes()


# -- what gets fetched -----------------------------------------------------------------------


def test_missing_fetches_new_threads_and_a_second_run_sends_nothing(
    upstream, client, source, store
) -> None:
    upstream.threads = {"100": make_thread("100", "one", "two"), "200": make_thread("200", "three")}
    entries = [catalog_entry(A, 1), catalog_entry(B, 5)]
    report = run(entries, store, source)
    assert [o.status for o in report.outcomes] == ["fetched", "fetched"]
    assert report.exit_code == 0
    assert report.summary() == "2 fetched"
    assert client.requests_sent == 2
    saved = store.load("x-100")
    assert saved is not None and [p.text for p in saved.posts] == ["one", "two"]
    assert saved.fetched_at == NOW and all(p.last_seen == NOW for p in saved.posts)

    again = run(entries, store, source)
    assert client.requests_sent == 2  # zero new requests
    assert [o.status for o in again.outcomes] == ["reused", "reused"]
    assert again.summary() == "2 reused"


def test_refresh_fetches_everything_again(upstream, client, source, store) -> None:
    upstream.threads = {"100": make_thread("100", "one")}
    seed(store, "x-100", make_thread("100", "one", fetched_at=BEFORE))
    report = run([catalog_entry(A)], store, source, mode="refresh")
    assert [o.status for o in report.outcomes] == ["unchanged"]
    assert client.requests_sent == 1
    assert store.load("x-100").fetched_at == NOW


def test_refresh_that_finds_more_is_an_update(upstream, source, store) -> None:
    seed(store, "x-100", make_thread("100", "one", fetched_at=BEFORE))
    upstream.threads = {"100": make_thread("100", "one", "two")}
    (outcome,) = run([catalog_entry(A)], store, source, mode="refresh").outcomes
    assert outcome.status == "updated"
    assert "1 new" in outcome.reason
    assert [p.text for p in store.load("x-100").posts] == ["one", "two"]


def test_only_fetches_that_thread_even_with_a_snapshot(upstream, client, source, store) -> None:
    seed(store, "x-200", make_thread("200", "old", fetched_at=BEFORE))
    upstream.threads = {"200": make_thread("200", "new")}
    report = run(
        [catalog_entry(A), catalog_entry(B)],
        store,
        source,
        only="https://mobile.twitter.com/ada/status/200?s=20",
    )
    assert [(o.slug, o.status) for o in report.outcomes] == [("x-200", "updated")]
    assert source.calls == [("200", None)]
    assert store.load("x-200").posts[0].text == "new"


def test_only_with_an_unknown_url_is_refused(source, store) -> None:
    with pytest.raises(UnknownThread, match="not in the catalog"):
        run([catalog_entry(A)], store, source, only="https://x.com/bob/status/999")
    assert source.calls == []


def test_the_last_post_is_passed_to_the_source(upstream, source, store) -> None:
    upstream.threads = {"100": make_thread("100", "one")}
    run([catalog_entry(A, last="https://twitter.com/ada/status/105")], store, source)
    assert source.calls == [("100", "105")]


def test_manual_and_hand_written_threads_are_never_fetched(client, source, store) -> None:
    store.root.mkdir(parents=True)
    (store.root / "x-100.yaml").write_text("posts: [hello]\n", encoding="utf-8")
    manual = catalog_entry("https://example.org/unrolled/thread-1", 3, platform="manual")
    report = run([catalog_entry(A), manual], store, source, mode="refresh")
    assert [o.status for o in report.outcomes] == ["reused", "skipped"]
    assert "hand-written" in report.outcomes[0].reason
    assert "never fetched" in report.outcomes[1].reason
    assert client.requests_sent == 0
    assert report.exit_code == 0


# -- never lose what we have -----------------------------------------------------------------


def test_refresh_returning_less_keeps_the_archived_posts(upstream, source, store) -> None:
    seed(store, "x-100", make_thread("100", "intro", "key point", "summary", fetched_at=BEFORE))
    upstream.threads = {"100": make_thread("100", "intro")}  # two posts deleted upstream
    (outcome,) = run([catalog_entry(A)], store, source, mode="refresh").outcomes
    assert outcome.status == "updated"
    assert "2 kept from the archive" in outcome.reason
    saved = load_snapshot(store.json_path("x-100"))
    assert [p.text for p in saved.posts] == ["intro", "key point", "summary"]
    assert [p.status for p in saved.posts] == ["ok", "deleted", "deleted"]
    assert [p.last_seen for p in saved.posts] == [NOW, BEFORE, BEFORE]


@pytest.mark.parametrize(
    ("setup", "reason"),
    [
        (lambda up: up.statuses.__setitem__("100", 503), "HTTP 503"),
        (lambda up: up.statuses.__setitem__("100", 404), "HTTP 404"),
        (lambda up: up.html.add("100"), "HTML page instead of JSON"),
    ],
    ids=["server-error", "not-found", "html"],
)
def test_a_failed_refresh_leaves_the_snapshot_byte_for_byte(
    upstream, source, store, setup, reason
) -> None:
    before = seed(store, "x-100", make_thread("100", "precious", fetched_at=BEFORE))
    upstream.threads = {"200": make_thread("200", "fine")}
    setup(upstream)
    report = run([catalog_entry(A), catalog_entry(B)], store, source, mode="refresh")
    assert store.json_path("x-100").read_bytes() == before
    failed, ok = report.outcomes
    assert failed.status == "failed" and reason in failed.reason
    assert "snapshot kept unchanged" in failed.reason
    assert ok.status == "fetched"
    assert report.exit_code == 1
    assert report.summary() == "1 fetched, 1 failed"


def test_a_thread_gone_upstream_keeps_its_archive(upstream, source, store) -> None:
    before = seed(store, "x-100", make_thread("100", "precious", fetched_at=BEFORE))
    upstream.statuses["100"] = 410
    (outcome,) = run([catalog_entry(A)], store, source, mode="refresh").outcomes
    assert outcome.status == "gone"
    assert outcome.reason == "the thread was deleted by its author; archived copy kept"
    assert store.json_path("x-100").read_bytes() == before


def test_a_thread_gone_before_it_was_archived_is_a_failure(upstream, source, store) -> None:
    upstream.statuses["100"] = 410
    report = run([catalog_entry(A)], store, source)
    assert report.outcomes[0].status == "failed"
    assert report.exit_code == 1
    assert not store.json_path("x-100").exists()


def test_a_broken_snapshot_is_not_overwritten(source, store) -> None:
    store.root.mkdir(parents=True)
    path = store.json_path("x-100")
    path.write_text('{"schema": 1, "posts": [', encoding="utf-8")
    (outcome,) = run([catalog_entry(A)], store, source, mode="refresh").outcomes
    assert outcome.status == "failed" and "fix or delete it" in outcome.reason
    assert path.read_text(encoding="utf-8") == '{"schema": 1, "posts": ['
    assert source.calls == []


def test_a_bug_in_a_source_fails_one_thread_only(upstream, source, store) -> None:
    upstream.threads = {"200": make_thread("200", "fine")}
    source.raise_for["100"] = KeyError("thread")
    report = run([catalog_entry(A), catalog_entry(B)], store, source)
    assert [o.status for o in report.outcomes] == ["failed", "fetched"]
    assert "unexpected error (KeyError" in report.outcomes[0].reason


def test_a_platform_without_source_is_reported(store) -> None:
    bsky = catalog_entry("https://bsky.app/profile/ada.bsky.social/post/3kabc")
    report = fetch_threads([bsky], store, {}, clock=lambda: NOW)
    assert report.outcomes[0].status == "failed"
    assert "no source can fetch platform 'bluesky'" in report.outcomes[0].reason


def test_outcomes_keep_catalog_order_with_several_workers(upstream, source, store) -> None:
    ids = [str(n) for n in range(100, 1000, 100)]
    upstream.threads = {i: make_thread(i, f"t{i}") for i in ids}
    entries = [catalog_entry(f"https://x.com/ada/status/{i}", line=n) for n, i in enumerate(ids)]
    report = run(entries, store, source, workers=4)
    assert [o.slug for o in report.outcomes] == [f"x-{i}" for i in ids]
    assert report.counts["fetched"] == len(ids)


def test_progress_hears_the_count_then_each_outcome(upstream, source, store) -> None:
    upstream.threads = {"100": make_thread("100", "one"), "200": make_thread("200", "two")}
    seed(store, "x-300", make_thread("300", "archived"))
    heard: list[object] = []
    run(
        [catalog_entry(A), catalog_entry(B), catalog_entry(C)],
        store,
        source,
        on_start=heard.append,
        on_outcome=lambda outcome: heard.append(outcome.slug),
    )
    assert heard[0] == 2  # the reused thread needs no request
    assert sorted(heard[1:]) == ["x-100", "x-200"]


def test_progress_without_a_terminal_is_silent(upstream, source, store, capsys) -> None:
    upstream.threads = {"100": make_thread("100", "one")}
    with FetchProgress(enabled=True) as bar:
        run([catalog_entry(A)], store, source, on_start=bar.start, on_outcome=bar.advance)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


# -- interrupted runs ------------------------------------------------------------------------


def test_a_write_that_fails_leaves_the_old_snapshot(upstream, source, store, monkeypatch) -> None:
    before = seed(store, "x-100", make_thread("100", "precious", fetched_at=BEFORE))
    upstream.threads = {"100": make_thread("100", "new text")}

    def full_disk(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(tweetorials.files.os, "replace", full_disk)
    (outcome,) = run([catalog_entry(A)], store, source, mode="refresh").outcomes
    assert outcome.status == "failed" and "No space left on device" in outcome.reason
    assert store.json_path("x-100").read_bytes() == before
    assert sorted(p.name for p in store.root.iterdir()) == ["x-100.json"]  # no temp file left


def test_a_run_killed_mid_write_leaves_readable_snapshots_and_the_next_run_completes(
    upstream, source, store, monkeypatch
) -> None:
    upstream.threads = {i: make_thread(i, f"text {i}") for i in ("100", "200", "300")}
    precious = make_thread("200", "archived earlier", "second post", fetched_at=BEFORE)
    seed(store, "x-200", precious)
    entries = [catalog_entry(A), catalog_entry(B), catalog_entry(C)]
    real_replace = os.replace
    calls = []

    def killed_on_second_write(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise KeyboardInterrupt  # Ctrl-C arrives between writing the temp file and the rename
        real_replace(src, dst)

    monkeypatch.setattr(tweetorials.files.os, "replace", killed_on_second_write)
    with pytest.raises(KeyboardInterrupt):
        run(entries, store, source, mode="refresh", workers=1)

    # Every file present is a complete snapshot; the interrupted one is the old version.
    files = sorted(p.name for p in store.root.iterdir())
    assert all(name.endswith(".json") for name in files), files
    for name in files:
        load_snapshot(store.root / name)
    assert store.load("x-200") == precious

    monkeypatch.setattr(tweetorials.files.os, "replace", real_replace)
    report = run(entries, store, source)  # a plain `fetch` afterwards fills the gaps
    assert report.exit_code == 0
    assert {o.slug for o in report.outcomes if o.status == "fetched"} == {"x-300"}
    for slug in ("x-100", "x-200", "x-300"):
        assert store.load(slug) is not None


def test_a_source_killed_mid_fetch_writes_nothing(upstream, source, store) -> None:
    before = seed(store, "x-100", make_thread("100", "precious", fetched_at=BEFORE))
    source.raise_for["100"] = KeyboardInterrupt()
    with pytest.raises(KeyboardInterrupt):
        run([catalog_entry(A)], store, source, mode="refresh")
    assert store.json_path("x-100").read_bytes() == before


def test_inputs_to_merge_are_what_is_on_disk(upstream, source, store) -> None:
    """The runner merges with the archive as stored, not with the catalog or a cache."""
    archived = make_thread("100", "full long text", fetched_at=BEFORE)
    seed(store, "x-100", archived)
    cut = copy.deepcopy(archived)
    cut.posts[0].text, cut.posts[0].truncated = "full lo…", True
    upstream.threads = {"100": cut}
    run([catalog_entry(A)], store, source, mode="refresh")
    data = json.loads(store.json_path("x-100").read_text(encoding="utf-8"))
    assert data["posts"][0]["text"] == "full long text"
    assert data["posts"][0]["truncated"] is False


def test_an_excluded_author_found_only_by_fetching_is_never_saved(upstream, source, store) -> None:
    """``x.com/i/status/ID`` names no author: the exclusion list is asked again after the fetch,
    before any image is downloaded or any file written."""
    from tweetorials.catalog import Catalog, CatalogEntry, Exclusion
    from tweetorials.platforms import parse_post_url

    upstream.threads = {"100": make_thread("100", "one"), "300": make_thread("300", "two")}
    refs = [parse_post_url("https://x.com/i/status/100"), parse_post_url(C)]
    entries = [
        CatalogEntry(url=r.url, ref=r, slug=r.slug, specialties=("policy",), line=line)
        for r, line in zip(refs, (4, 6), strict=True)
    ]
    catalog = Catalog(
        path=Path("threads.yaml"),
        specialties={},
        entries=entries,
        exclusions=[Exclusion(author="x:ada", url_key=None, reason="asked by email", line=9)],
    )
    assert catalog.included == entries[:1]  # the URL alone does not reveal the author
    archived: list[str] = []

    report = run(
        catalog.included,
        store,
        source,
        media=lambda thread: archived.append(thread.url),
        excluded=catalog.exclusion_for,
    )
    (outcome,) = report.outcomes
    assert outcome.status == "skipped"
    assert outcome.reason == (
        "x:ada is excluded by the exclude entry on line 9 (asked by email); nothing was saved. "
        "Remove this entry from the catalog: until then every fetch asks for it again"
    )
    assert report.exit_code == 0
    assert archived == [] and store.slugs() == set()


def test_a_sources_caveat_reaches_the_report(upstream, source, store) -> None:
    upstream.threads = {"100": make_thread("100", "one")}
    source.caveats = ["only 1 post archived: add `last:`"]
    (outcome,) = run([catalog_entry(A, 3)], store, source).outcomes
    assert outcome.status == "fetched"
    assert outcome.reason == "1 post; only 1 post archived: add `last:`"
    assert outcome.caveats == ("only 1 post archived: add `last:`",)


def test_a_fetch_that_may_be_incomplete_never_marks_archived_posts_deleted(
    upstream, source, store
) -> None:
    """FxTwitter down and no `last:`: the syndication walk finds only the first post. The
    archive's other posts were not seen, which is not the same as deleted upstream."""
    before = seed(store, "x-100", make_thread("100", "one", "two", "three", fetched_at=BEFORE))
    upstream.threads = {"100": make_thread("100", "one")}
    source.caveats = ["only 1 post archived: add `last:`"]
    report = run([catalog_entry(A, 3)], store, source, mode="refresh")
    (outcome,) = report.outcomes
    assert outcome.status == "failed" and report.exit_code == 1
    assert outcome.reason == (
        "only 1 post archived: add `last:`; the archived snapshot (3 posts) is kept unchanged"
    )
    assert store.find("x-100").read_bytes() == before

    # Nothing archived is missing from the partial answer: it is merged as usual.
    upstream.threads = {"100": make_thread("100", "one", "two", "three")}
    assert [
        o.status for o in run([catalog_entry(A, 3)], store, source, mode="refresh").outcomes
    ] == ["unchanged"]
