"""The social cards of a whole build: find the missing ones with one folder listing, draw them
beside the build, and remove the cards that older inputs left behind.

A card is named ``<slug>-<hash>.png`` after everything it shows (:func:`~.cards_key.card_key`), so
"is it drawn?" is a name lookup in one listing of the folder, not a ``glob`` or a ``stat`` per
thread. Drawing is CPU-bound Pillow work, so a cold build of many threads hands the cards to a
lean worker process (:mod:`.cards_worker`) as soon as enough are missing, while the threads are
still being read; the worker draws while Pelican writes the pages and is collected before the
cards are copied into the site. A handful of cards is drawn in the build's own process.

Why a process and not a thread of the build: Pillow holds Python's lock while it lays out and
rasterises text (a third of a card) and lets go of it a dozen times per card for short steps,
so a drawing thread takes turns with the build (on a busy 2-core machine a cold build took
4-6 s longer than the cached one with a thread, 0-3 s with a process; the thread cost ~13 MB,
the process ~30). Why one lean worker: each one costs its memory on top of the build's (about
30 MB for :mod:`.cards_worker`, 42 MB for a worker importing the whole package), and one worker
on the second core draws 1,000 cards in ~3.5 s of CPU, within a build on two cores.

Two other ways to use a batch (:data:`Drawing`): a build with ``TWEETORIALS_CARDS=after``
draws nothing and lists what is missing (``"later"``), and ``tweetorials cards`` then draws
that list with this process and a worker per further core (``"shared"``), once the build's
memory is free: the build's ~65 MB and a worker's ~30 are then never held at the same time.
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import re
import shutil
import stat
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import PIL

from ..files import atomic_write_bytes
from .cards_key import Specialty, card_key
from .cards_worker import BOOT

__all__ = [
    "CardBatch",
    "CardInputs",
    "Drawing",
    "draw_all",
    "draw_card_file",
    "place_card",
    "site_card",
]

log = logging.getLogger(__name__)

#: Fewer missing cards than this are drawn in the build's own process, at :meth:`CardBatch.start`
#: (a sample site, a build after a few edits): starting a worker costs about as much as
#: drawing a dozen cards.
POOL_THRESHOLD = 24
#: At most this many worker processes beside a build (fewer on a machine with fewer cores than
#: this plus one): each one's memory adds to the build's.
MAX_WORKERS = 1
#: At most this many beside ``tweetorials cards``, which draws its own share too.
MAX_SHARED_WORKERS = 3

#: Who draws a batch's missing cards. ``"beside"``: a build's case, one lean worker while the
#: build goes on (this process draws them only when they are few). ``"shared"``: this process
#: and a worker per further core, each a share (``tweetorials cards``, which has nothing else to
#: do). ``"later"``: nobody; :attr:`CardBatch.missing` lists them for ``tweetorials cards``.
Drawing = Literal["beside", "shared", "later"]
CARD_NAME = re.compile(r"(?P<slug>.+)-[0-9a-f]{12}\.png")


@dataclass(frozen=True)
class CardInputs:
    """Everything a card shows (and so everything its file name hashes)."""

    title: str
    author_name: str
    handle: str
    specialties: tuple[Specialty, ...]
    site_name: str

    def file_name(self, slug: str) -> str:
        key = card_key(self.title, self.author_name, self.handle, self.specialties, self.site_name)
        return f"{slug}-{key[:12]}.png"


def render_card(
    title: str,
    author_name: str,
    handle: str,
    specialties: Sequence[Specialty],
    site_name: str,
) -> bytes:
    """:func:`.cards.render_card`, imported when a card is drawn in this process: a build
    whose cards are all cached never loads Pillow's drawing and font modules (~2 MB)."""
    from .cards import render_card as draw

    return draw(title, author_name, handle, specialties, site_name)


def draw_card_file(path: str, inputs: CardInputs) -> str:
    """Draw one card into ``path`` (atomically)."""
    data = render_card(
        inputs.title, inputs.author_name, inputs.handle, inputs.specialties, inputs.site_name
    )
    atomic_write_bytes(path, data, durable=False)
    return path


class CardBatch:
    """The cards one build needs, in one folder.

    :meth:`need` says where a thread's card is (drawn or not) and hands a missing one to the
    workers; :meth:`start` says no more cards will come (and draws them itself when there are
    few); :meth:`finish` waits for them, removes superseded cards of the same threads and
    returns what could not be drawn.
    """

    def __init__(
        self, folder: Path, *, workers: int | None = None, drawing: Drawing = "beside"
    ) -> None:
        self.folder = folder
        self.workers = workers or _cores()
        self.drawing = drawing
        self._present = _listing(folder)
        self._missing: dict[str, tuple[str, CardInputs]] = {}  # file name -> (slug, inputs)
        self._wanted: dict[str, str] = {}  # slug -> the card's file name, for every card asked
        self._waiting: list[tuple[str, CardInputs]] = []  # not handed to a worker yet
        self._workers: list[subprocess.Popen[str]] = []
        self._handed: list[tuple[str, CardInputs]] = []  # the cards sent to a worker
        self._mine: list[tuple[str, CardInputs]] = []  # this process's share ("shared")
        self._failures: list[tuple[str, str]] = []

    def need(self, slug: str, inputs: CardInputs, name: str | None = None) -> tuple[Path, bool]:
        """The card's path, and True when it has to be drawn (it is not in the folder yet).
        ``name``: the card's file name when known (``tweetorials cards`` reads the build's,
        and so never loads ``hashlib``: 3.5 MB beside a worker), else computed here."""
        name = name or inputs.file_name(slug)
        path = self.folder / name
        self._wanted[slug] = name
        if name in self._present or name in self._missing:
            return path, False
        self._missing[name] = (slug, inputs)
        if self.drawing == "later":
            return path, True
        self._waiting.append((str(path), inputs))
        if not self._workers and self.workers >= 2 and len(self._waiting) >= POOL_THRESHOLD:
            self.folder.mkdir(parents=True, exist_ok=True)
            most = MAX_SHARED_WORKERS if self.drawing == "shared" else MAX_WORKERS
            self._workers = _start_workers(min(self.workers - 1, most))
            if not self._workers:
                self.workers = 1  # the cards are drawn here, at start()
        if self._workers and self.workers >= 2:
            self._hand_over()
        return path, True

    @property
    def missing(self) -> list[tuple[str, str, CardInputs]]:
        """``(slug, file name, inputs)`` of each card asked for and not in the folder; after
        :meth:`finish`, those still to draw (with ``drawing="later"``: all of them)."""
        return [(slug, name, inputs) for name, (slug, inputs) in self._missing.items()]

    def _hand_over(self) -> None:
        """Send the waiting cards to the workers, in turn (one JSON line each); with
        ``drawing="shared"`` every few cards stays here, this process's share (drawn at
        :meth:`start`). A worker that has gone away leaves the rest to this process."""
        shares = len(self._workers) + (self.drawing == "shared")
        for sent, (path, inputs) in enumerate(self._waiting):
            turn = (len(self._handed) + len(self._mine)) % shares
            if turn == len(self._workers):  # this process's turn
                self._mine.append((path, inputs))
                continue
            worker = self._workers[turn]
            line = [path, inputs.title, inputs.author_name, inputs.handle]
            try:
                assert worker.stdin is not None
                worker.stdin.write(json.dumps([*line, inputs.specialties, inputs.site_name]) + "\n")
                worker.stdin.flush()
            except OSError:
                self.workers = 1  # no more handing over
                del self._waiting[:sent]
                return
            self._handed.append((path, inputs))
        self._waiting.clear()

    def start(self) -> None:
        """No more cards will be asked for: the workers end when they have drawn theirs, or,
        when there were too few to start one, the cards are drawn now."""
        for worker in self._workers:
            assert worker.stdin is not None
            with contextlib.suppress(OSError):
                worker.stdin.close()
        if self._mine or self._waiting:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._failures = draw_all(self._mine + self._waiting)
            self._mine, self._waiting = [], []

    def finish(self) -> list[tuple[str, str]]:
        """Wait for the cards; returns ``(path, reason)`` for each that could not be drawn.

        A card a worker did not draw (it died, could not load Pillow, said something that is
        not a report, or could not draw that card) is drawn here: only a card that fails here
        too is a failure, so a broken worker costs time, never the cards.
        """
        self.start()
        failures, self._failures = self._failures, []
        troubles: list[str] = []
        failed: set[str] = set()
        for worker in self._workers:
            reported, trouble = _collect(worker)
            troubles += [trouble] if trouble else []
            troubles += [f"{_shown(path)}: {reason}" for path, reason in reported]
            failed |= {path for path, _ in reported}
        if self._handed:
            drawn = _listing(self.folder)
            left = [
                (path, card)
                for path, card in self._handed
                if path in failed or Path(path).name not in drawn
            ]
            if left:
                log.warning(
                    "the card worker%s failed to draw %d cards (%s); drawing them in this process",
                    "s" if len(self._workers) > 1 else "",
                    len(left),
                    troubles[0] if troubles else "it stopped early",
                )
                failures += draw_all(left)
        self._workers, self._handed = [], []
        self._remove_superseded()
        if self.drawing != "later":
            self._present |= set(self._missing)
            self._missing.clear()
        return failures

    def _remove_superseded(self) -> None:
        """Cards of the threads asked for, drawn from other inputs (an older title, design or
        site name): one card per thread stays, also when nothing was drawn, so the committed
        cards (``cache/cards/``) keep no superseded card of a thread. A thread this build did
        not ask about (waiting for a fetch, or gone from the catalog) keeps its card."""
        for name in list(self._present):
            match = CARD_NAME.fullmatch(name)
            if match and self._wanted.get(match["slug"], name) != name:
                (self.folder / name).unlink(missing_ok=True)
                self._present.discard(name)
        self._wanted.clear()


def _start_workers(count: int) -> list[subprocess.Popen[str]]:
    """Up to ``count`` workers: those that started before one could not (with a warning)."""
    workers: list[subprocess.Popen[str]] = []
    try:
        for _ in range(count):
            workers.append(_start_worker())
    except OSError as exc:  # no process left to fork, no Python at sys.executable
        log.warning(
            "the card worker could not start (%s); cards are drawn in %s",
            exc,
            "this process" if not workers else f"this process and {len(workers)} worker(s)",
        )
    return workers


def _start_worker() -> subprocess.Popen[str]:
    """A lean worker: ``python -I -S`` that loads Pillow and the drawing modules only."""
    pillow_folder = str(Path(PIL.__file__).resolve().parents[1])
    package = str(Path(__file__).resolve().parents[1])
    return subprocess.Popen(
        [sys.executable, "-I", "-S", "-c", BOOT, pillow_folder, package],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )


def _collect(worker: subprocess.Popen[str]) -> tuple[list[tuple[str, str]], str]:
    """Wait for a worker: the cards it reported it could not draw, and what went wrong with
    the worker itself ("" when nothing did)."""
    assert worker.stdout is not None
    said = worker.stdout.read()
    worker.wait()
    failures: list[tuple[str, str]] = []
    trouble = f"it exited with status {worker.returncode}" if worker.returncode else ""
    for line in said.splitlines():
        if line.strip():
            try:
                path, reason = json.loads(line)
                failures.append((str(path), str(reason)))
            except (ValueError, TypeError):  # not JSON, or not a [path, reason] pair
                trouble = trouble or f"it said {line.strip()[:80]!r}, not a card report"
    return failures, trouble


def _shown(path: str) -> str:
    return Path(path).name


def _cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _listing(folder: Path) -> set[str]:
    """The regular files in ``folder``, from one directory read (the file type comes with each
    entry). Anything else under a card's name, a symbolic link say, counts as not drawn: the
    card is drawn again and replaces it, and no link is ever put into the site."""
    try:
        with os.scandir(folder) as entries:
            return {entry.name for entry in entries if entry.is_file(follow_symlinks=False)}
    except (FileNotFoundError, NotADirectoryError):
        return set()


def draw_all(jobs: list[tuple[str, CardInputs]]) -> list[tuple[str, str]]:
    """Draw every job; returns ``(path, reason)`` for those that failed (never raises)."""
    failures: list[tuple[str, str]] = []
    for path, inputs in jobs:
        try:
            draw_card_file(path, inputs)
        except Exception as exc:  # a full disk, a font that would not load
            failures.append((path, str(exc) or type(exc).__name__))
    return failures


def site_card(folder: Path, site_name: str) -> tuple[Path, str]:
    """The site's own card (its name, no thread), drawn once into ``folder``, and "" or why it
    could not be drawn.

    It stands in where a thread's card could not be drawn: the thread's page already names
    ``cards/<slug>.png`` in og:image, twitter:image and JSON-LD, and the site card makes that
    address an image rather than a 404.
    """
    inputs = CardInputs(site_name, site_name, "", (), site_name)
    path = folder / f".site-{inputs.file_name('card')}"
    if _is_regular(path):
        return path, ""
    folder.mkdir(parents=True, exist_ok=True)
    failures = draw_all([(str(path), inputs)])
    return path, failures[0][1] if failures else ""


def place_card(cached: Path, target: Path) -> None:
    """Put a card into the site: a hard link where the file system allows (nothing to read
    or write for a thousand cards), else a copy. Nothing writes into a built card, and the
    output folder is emptied before each build, so the cached file is never changed through it.
    """
    if not _is_regular(cached):  # a link in the cache would publish whatever it points to
        raise OSError(errno.EINVAL, "not a regular file", str(cached))
    target.unlink(missing_ok=True)
    try:
        os.link(cached, target, follow_symlinks=False)
    except OSError:
        shutil.copyfile(cached, target)


def _is_regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except FileNotFoundError:
        return False
