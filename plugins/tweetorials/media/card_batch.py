"""The social cards of a whole build: find the missing ones with one folder listing, draw them
on every core, and remove the cards that older inputs left behind.

A card is named ``<slug>-<hash>.png`` after everything it shows (:func:`~.cards.card_key`), so
"is it drawn?" is a name lookup in one listing of the folder, not a ``glob`` or a ``stat`` per
thread. Drawing is CPU-bound Pillow work, so a cold build of many threads hands the cards to
worker processes (``python -m tweetorials.media.card_batch JOBS.json``), which draw while
Pelican writes the pages and are collected before the cards are copied into the site; a
handful of cards is drawn in the build's own process.

The workers are plain child processes rather than a ``multiprocessing`` pool: a pool would
fork the build's memory into every worker, or ("spawn") re-run whatever script started
Pelican. Each worker reads its share of the jobs from a file and prints one line per card it
could not draw.
"""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from ..files import atomic_write_bytes
from .cards import Specialty, card_key, render_card

__all__ = ["CardBatch", "CardInputs", "draw_all", "draw_card_file"]

log = logging.getLogger(__name__)

#: Fewer missing cards than this are drawn in the build's own process: starting a worker costs
#: about as much as drawing a dozen cards.
POOL_THRESHOLD = 24
_CARD_NAME = re.compile(r"(?P<slug>.+)-[0-9a-f]{12}\.png")


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


def draw_card_file(path: str, inputs: CardInputs) -> str:
    """Draw one card into ``path`` (atomically); a module-level function so a pool can run it."""
    data = render_card(
        inputs.title, inputs.author_name, inputs.handle, inputs.specialties, inputs.site_name
    )
    atomic_write_bytes(path, data, durable=False)
    return path


class CardBatch:
    """The cards one build needs, in one folder.

    :meth:`need` says where a thread's card is (drawn or not); :meth:`start` begins drawing the
    missing ones, on a process pool when there are many; :meth:`finish` waits for them,
    removes superseded cards of the same threads and returns what could not be drawn.
    """

    def __init__(self, folder: Path, *, workers: int | None = None) -> None:
        self.folder = folder
        self.workers = workers or _cores()
        self._present = _listing(folder)
        self._missing: dict[str, tuple[str, CardInputs]] = {}  # file name -> (slug, inputs)
        self._workers: list[tuple[subprocess.Popen[str], Path]] = []
        self._failures: list[tuple[str, str]] = []

    def need(self, slug: str, inputs: CardInputs) -> tuple[Path, bool]:
        """The card's path, and True when it has to be drawn (it is not in the folder yet)."""
        name = inputs.file_name(slug)
        if name in self._present:
            return self.folder / name, False
        first = name not in self._missing
        self._missing[name] = (slug, inputs)
        return self.folder / name, first

    def start(self) -> None:
        """Begin drawing the missing cards (in the background when workers are used)."""
        if not self._missing:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        jobs = [(str(self.folder / name), inputs) for name, (_, inputs) in self._missing.items()]
        if len(jobs) < POOL_THRESHOLD or self.workers < 2:
            self._failures = draw_all(jobs)
            return
        for share in range(self.workers):
            mine = jobs[share :: self.workers]
            handle, name = tempfile.mkstemp(prefix=".cards-", suffix=".json", dir=self.folder)
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump([[path, asdict(inputs)] for path, inputs in mine], out)
            worker = subprocess.Popen(
                [sys.executable, "-m", __name__, name],
                stdout=subprocess.PIPE,
                text=True,
                encoding="utf-8",
                env=_worker_env(),
            )
            self._workers.append((worker, Path(name)))

    def finish(self) -> list[tuple[str, str]]:
        """Wait for the cards; returns ``(path, reason)`` for each that could not be drawn."""
        failures, self._failures = self._failures, []
        for worker, jobs_file in self._workers:
            said, _ = worker.communicate()
            jobs_file.unlink(missing_ok=True)
            for line in said.splitlines():
                if line.strip():
                    path, reason = json.loads(line)
                    failures.append((path, reason))
            if worker.returncode != 0 and not said.strip():
                failures.append(
                    (str(self.folder), f"a card worker exited with {worker.returncode}")
                )
        self._workers = []
        self._remove_superseded({slug for slug, _ in self._missing.values()})
        self._present |= set(self._missing)
        self._missing.clear()
        return failures

    def _remove_superseded(self, slugs: Iterable[str]) -> None:
        """Cards of these threads drawn from older inputs: one card per thread stays."""
        wanted = set(slugs)
        keep = set(self._missing)
        for name in list(self._present):
            match = _CARD_NAME.fullmatch(name)
            if match and match["slug"] in wanted and name not in keep:
                (self.folder / name).unlink(missing_ok=True)
                self._present.discard(name)


def _worker_env() -> dict[str, str]:
    """The environment, with this copy of the package first on the path (it may be loaded
    through Pelican's ``PLUGIN_PATHS`` rather than installed)."""
    package_parent = str(Path(__file__).resolve().parents[2])
    path = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": package_parent + (os.pathsep + path if path else "")}


def _cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _listing(folder: Path) -> set[str]:
    try:
        return set(os.listdir(folder))
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


def _worker(jobs_file: str) -> int:
    """A worker process: draw the jobs in ``jobs_file``, print each failure as a JSON line."""
    jobs = [
        (path, CardInputs(**{**fields, "specialties": tuple(map(tuple, fields["specialties"]))}))
        for path, fields in json.loads(Path(jobs_file).read_text(encoding="utf-8"))
    ]
    for failure in draw_all(jobs):
        print(json.dumps(failure))
    return 0


if __name__ == "__main__":
    sys.exit(_worker(sys.argv[1]))
