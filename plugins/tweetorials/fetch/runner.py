"""Fetch the catalog's threads into snapshots, never losing what the archive already holds.

The runner decides *what* to fetch and *what to keep*; sources know *how* to fetch. Its
promises, each tested:

* ``mode="missing"`` fetches only threads without a snapshot, so a second run sends no request;
  ``mode="refresh"`` re-fetches every thread; ``only`` picks one thread and always fetches it.
  Threads with ``platform: manual`` or a hand-written snapshot are never fetched.
* A thread whose fetch fails keeps its snapshot byte for byte, and the failure is reported
  with its reason; a thread gone upstream keeps its archived copy.
* A successful fetch is merged into the snapshot (:func:`~tweetorials.fetch.merge.merge`) and
  written atomically, so an interrupted run leaves every snapshot readable.
* One thread's failure, even a bug in a source, never stops the others.
* When given a ``media`` step (:func:`~tweetorials.fetch.image_downloads.image_archiver`), every fetched
  thread's images are archived *before* its snapshot is written, so the snapshot records where
  each image lives (``Media.local``) or why it could not be archived (``Media.error``). A failed
  image never fails its thread: the outcome names it and the summary counts it. Images already
  archived under the same URL are kept by the merge and reused without a request.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, Protocol

from ..platforms import PostRef, UnsupportedURL, parse_post_url
from ..snapshot import SnapshotError, SnapshotStore, Thread
from ..snapshot.merge import merge, same_content
from ..snapshot.merge_extras import describe_extras
from ..snapshot.store import HANDWRITTEN_SUFFIXES
from ..snapshot.times import utc_now
from .errors import FetchError, ThreadUnavailable
from .sources.base import Source

if TYPE_CHECKING:
    from ..catalog import Exclusion
    from ..media.archive import MediaReport

    #: Archives one thread's images in place (see :mod:`tweetorials.fetch.image_downloads`).
    MediaStep = Callable[[Thread], MediaReport]

    #: The exclusion that removes an entry whose fetched author is ``platform:handle``
    #: (``Catalog.exclusion_for``): a URL such as ``x.com/i/status/ID`` or a Bluesky DID
    #: does not name its author, so only the fetched thread can tell.
    ExclusionCheck = Callable[["FetchEntry", str | None], Exclusion | None]

__all__ = [
    "FetchEntry",
    "FetchReport",
    "Mode",
    "Outcome",
    "UnknownThread",
    "fetch_threads",
    "select",
]

log = logging.getLogger(__name__)

Mode = Literal["missing", "refresh"]
Status = Literal["fetched", "updated", "unchanged", "reused", "gone", "skipped", "failed"]

#: How each outcome reads in the summary, in the order the summary lists them.
STATUS_LABELS: dict[str, str] = {
    "fetched": "fetched",
    "updated": "updated",
    "unchanged": "unchanged",
    "reused": "reused",
    "gone": "gone upstream",
    "skipped": "skipped",
    "failed": "failed",
}


class FetchEntry(Protocol):
    """What the runner needs from a catalog entry (``CatalogEntry`` has all of it)."""

    @property
    def url(self) -> str: ...
    @property
    def ref(self) -> PostRef: ...
    @property
    def slug(self) -> str: ...
    @property
    def platform(self) -> str: ...
    @property
    def last_url(self) -> str | None: ...
    @property
    def line(self) -> int: ...


class UnknownThread(ValueError):
    """``only`` names a thread that is not in the catalog."""


@dataclass(frozen=True)
class Outcome:
    """What happened to one thread; ``reason`` says why for anything but a plain success."""

    url: str
    slug: str
    line: int
    status: Status
    reason: str = ""
    images: MediaReport | None = field(default=None, hash=False)  # None: no images archived
    caveats: tuple[str, ...] = ()  # the source's warnings (also in ``reason``), e.g. posts missing


@dataclass
class FetchReport:
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def counts(self) -> Counter[str]:
        return Counter(o.status for o in self.outcomes)

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    @property
    def images(self) -> MediaReport | None:
        """Every image archived in this run added up; None when no thread archived any."""
        reports = [o.images for o in self.outcomes if o.images is not None and o.images.total]
        if not reports:
            return None
        total = reports[0]
        for report in reports[1:]:
            total = total + report
        return total

    @property
    def exit_code(self) -> int:
        """0 when every thread is archived or was left as it was on purpose, 1 on any failure."""
        return 1 if self.failures else 0

    def summary(self) -> str:
        """One line, e.g. ``2 fetched, 5 reused, 1 failed`` (``nothing to fetch`` when empty).

        When images were archived it goes on: ``; images: 3 encoded, 1 reused, 1 failed``.
        """
        counts = self.counts
        parts = [f"{counts[s]} {label}" for s, label in STATUS_LABELS.items() if counts[s]]
        text = ", ".join(parts) or "nothing to fetch"
        images = self.images
        if images is not None:
            text += f"; {images.summary()}"
        return text


def select(entries: Sequence[FetchEntry], only: str | None) -> list[FetchEntry]:
    """``entries``, or the one entry ``only`` names in any spelling of its URL.

    Raises :class:`UnknownThread` when ``only`` matches nothing.
    """
    if only is None:
        return list(entries)
    wanted = only.strip()
    try:
        key = parse_post_url(wanted).key
    except UnsupportedURL:
        key = None
    chosen = [e for e in entries if e.ref.key == key or e.url == wanted]
    if not chosen:
        raise UnknownThread(
            f"{only} is not in the catalog; add it to threads.yaml first (or check the URL)"
        )
    return chosen


def fetch_threads(
    entries: Sequence[FetchEntry],
    store: SnapshotStore,
    sources: Mapping[str, Source] | Callable[[], Mapping[str, Source]],
    *,
    mode: Mode = "missing",
    only: str | None = None,
    workers: int = 3,
    clock: Callable[[], str] = utc_now,
    media: MediaStep | None = None,
    excluded: ExclusionCheck | None = None,
    on_start: Callable[[int], None] | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> FetchReport:
    """Fetch what ``mode`` and ``only`` select; see the module docstring for the guarantees.

    ``sources`` may be a factory, called only when something needs fetching (so a run with
    nothing to do does not even import the platform modules). ``media`` archives each fetched
    thread's images before its snapshot is saved (None: images are left as the source gave
    them). ``on_start`` hears how many threads need a request, ``on_outcome`` each of their
    outcomes as it arrives (the CLI's progress bar). ``excluded`` is asked again once the
    author is known: a thread by an author who asked to be removed is dropped before any
    image is downloaded or anything is written.
    Outcomes come back in catalog order. Raises :class:`UnknownThread` for a bad ``only``;
    an interrupt (Ctrl-C) stops the run after the snapshots being written are complete.
    """
    if mode not in ("missing", "refresh"):
        raise ValueError(f"mode must be 'missing' or 'refresh', not {mode!r}")
    force = only is not None or mode == "refresh"
    outcomes: dict[int, Outcome] = {}
    todo: list[tuple[int, FetchEntry]] = []
    for index, entry in enumerate(select(entries, only)):
        skip = _skip_reason(entry, store, force)
        if skip is not None:
            outcomes[index] = skip
        else:
            todo.append((index, entry))
    if todo:
        ready = sources() if callable(sources) else sources
        if on_start is not None:
            on_start(len(todo))

        def fetch_one(entry: FetchEntry) -> Outcome:
            return _fetch_one(entry, store, ready, clock, media, excluded)

        outcomes.update(_in_parallel(todo, fetch_one, workers, on_outcome))
    return FetchReport([outcomes[i] for i in sorted(outcomes)])


def _in_parallel(
    todo: list[tuple[int, FetchEntry]],
    fetch_one: Callable[[FetchEntry], Outcome],
    workers: int,
    on_outcome: Callable[[Outcome], None] | None,
) -> dict[int, Outcome]:
    """``fetch_one`` over ``todo`` on up to ``workers`` threads; outcomes by catalog index.

    On Ctrl-C (or any exception) the threads not started yet are not started, and the ones
    running finish writing their snapshots before the exception goes on.
    """
    outcomes: dict[int, Outcome] = {}
    pool = ThreadPoolExecutor(max_workers=max(1, min(workers, len(todo))))
    stop = threading.Event()

    def task(entry: FetchEntry) -> Outcome:
        if stop.is_set():
            return _outcome(entry, "skipped", "interrupted before it started")
        try:
            return fetch_one(entry)
        except BaseException:
            stop.set()
            raise

    try:
        futures: dict[Future[Outcome], int] = {
            pool.submit(task, entry): index for index, entry in todo
        }
        for future in as_completed(futures):
            outcome = future.result()
            outcomes[futures[future]] = outcome
            _log(outcome)
            if on_outcome is not None:
                on_outcome(outcome)
    except BaseException:
        stop.set()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return outcomes


def _skip_reason(entry: FetchEntry, store: SnapshotStore, force: bool) -> Outcome | None:
    """An outcome for an entry that needs no request, or None when it must be fetched."""
    path = store.find(entry.slug)
    if entry.platform == "manual":
        if path is None:
            reason = f"platform manual is never fetched; write {store.root / entry.slug}.yaml"
            return _outcome(entry, "skipped", reason)
        return _outcome(entry, "reused", "hand-written snapshot")
    if path is not None and path.suffix in HANDWRITTEN_SUFFIXES:
        return _outcome(entry, "reused", f"hand-written snapshot {path.name} is kept as it is")
    if path is not None and not force:
        return _outcome(entry, "reused")
    return None


def _fetch_one(
    entry: FetchEntry,
    store: SnapshotStore,
    sources: Mapping[str, Source],
    clock: Callable[[], str],
    media: MediaStep | None = None,
    excluded: ExclusionCheck | None = None,
) -> Outcome:
    """Fetch, merge and save one thread; every ordinary failure becomes an outcome."""
    source = sources.get(entry.platform)
    if source is None:
        return _outcome(entry, "failed", f"no source can fetch platform '{entry.platform}'")
    try:
        old = store.load(entry.slug)
    except SnapshotError as exc:
        # Overwriting a damaged archive could destroy what a person can still repair.
        return _outcome(
            entry, "failed", f"the existing snapshot is broken, fix or delete it: {exc}"
        )
    thread = _fetched(entry, source, old)
    if isinstance(thread, Outcome):
        return thread
    refused = _not_to_archive(entry, thread, old, excluded)
    if refused is not None:
        return refused
    caveats = tuple(thread.caveats)
    merged = merge(old, thread, clock())
    images, image_note = _archive_images(media, merged, entry)
    notes = _join(*caveats, image_note)
    try:
        store.save(entry.slug, merged)
    except OSError as exc:
        return _outcome(entry, "failed", f"could not write the snapshot: {exc}", images)
    if old is None:
        return _outcome(entry, "fetched", _join(_describe(merged), notes), images, caveats)
    if same_content(old, merged):
        return _outcome(entry, "unchanged", notes, images, caveats)
    return _outcome(entry, "updated", _join(_describe(merged, old), notes), images, caveats)


def _fetched(entry: FetchEntry, source: Source, old: Thread | None) -> Thread | Outcome:
    """The thread as the platform gives it now, or the outcome saying why there is none."""
    try:
        return source.fetch(entry.ref, last=_last_ref(entry))
    except ThreadUnavailable as exc:
        if old is not None:
            return _outcome(entry, "gone", f"{exc}; archived copy kept")
        return _outcome(entry, "failed", str(exc))
    except FetchError as exc:
        kept = "; snapshot kept unchanged" if old is not None else ""
        return _outcome(entry, "failed", f"{exc}{kept}")
    except UnsupportedURL as exc:
        return _outcome(entry, "failed", f"the thread's last: URL is not usable: {exc}")
    except Exception as exc:  # a bug in one source must not cost the other threads
        log.warning("unexpected error while fetching %s", entry.url, exc_info=True)
        return _outcome(entry, "failed", f"unexpected error ({type(exc).__name__}: {exc})")


def _not_to_archive(
    entry: FetchEntry, thread: Thread, old: Thread | None, excluded: ExclusionCheck | None
) -> Outcome | None:
    """Why a fetched thread must not be written (an excluded author, or a fetch that may be
    incomplete where posts are archived), or None when it may."""
    exclusion = excluded(entry, thread.author_key) if excluded else None
    if exclusion is not None:
        return _outcome(
            entry,
            "skipped",
            f"{thread.author_key} is excluded by {exclusion.describe()}; nothing was saved. "
            "Remove this entry from the catalog: until then every fetch asks for it again",
        )
    caveats = tuple(thread.caveats)
    if caveats and old is not None and {p.id for p in old.posts} - {p.id for p in thread.posts}:
        # A fetch that says it may be incomplete must not mark the posts it did not reach as
        # deleted upstream: the archive stays as it was until a complete fetch.
        kept = f"the archived snapshot ({len(old.posts)} posts) is kept unchanged"
        return _outcome(entry, "failed", _join(*caveats, kept), caveats=caveats)
    return None


def _archive_images(
    media: MediaStep | None, thread: Thread, entry: FetchEntry
) -> tuple[MediaReport | None, str]:
    """Run the media step on ``thread`` (in place); the report and a note for the outcome."""
    if media is None:
        return None, ""
    try:
        report = media(thread)
    except Exception as exc:  # the pipeline promises not to raise; the thread matters more
        log.warning("unexpected error while archiving the images of %s", entry.url, exc_info=True)
        return None, f"images not archived (unexpected error: {type(exc).__name__}: {exc})"
    notes = [f"video {url} not archived: {reason}" for url, reason in report.videos.notes]
    if report.failures:
        count = len(report.failures)
        listed = "; ".join(f"{url}: {reason}" for url, reason in report.failures)
        notes.insert(0, f"{count} image{'s' * (count != 1)} failed: {listed}")
    return report, _join(*notes)


def _join(*parts: str) -> str:
    return "; ".join(part for part in parts if part)


def _last_ref(entry: FetchEntry) -> PostRef | None:
    last_ref = getattr(entry, "last_ref", None)
    if isinstance(last_ref, PostRef):
        return last_ref
    if entry.last_url:
        return parse_post_url(entry.last_url, entry.platform)
    return None


def _describe(thread: Thread, old: Thread | None = None) -> str:
    total = len(thread.posts)
    text = f"{total} post{'s' * (total != 1)}"
    gone = sum(1 for p in thread.posts if p.status != "ok")
    if gone:
        text += f", {gone} kept from the archive"
    if old is not None:
        added = len({p.id for p in thread.posts} - {p.id for p in old.posts})
        if added:
            text += f", {added} new"
    extras = describe_extras(thread, old)
    return f"{text}, {extras}" if extras else text


def _outcome(
    entry: FetchEntry,
    status: Status,
    reason: str = "",
    images: MediaReport | None = None,
    caveats: tuple[str, ...] = (),
) -> Outcome:
    return Outcome(
        url=entry.url,
        slug=entry.slug,
        line=entry.line,
        status=status,
        reason=reason,
        images=images,
        caveats=caveats,
    )


def _log(outcome: Outcome) -> None:
    # INFO only: callers decide how loudly to report (the CLI prints a table, the Pelican
    # hook logs failures as warnings), so nothing is said twice.
    detail = f": {outcome.reason}" if outcome.reason else ""
    log.info("%s %s%s", STATUS_LABELS[outcome.status], outcome.url, detail)
