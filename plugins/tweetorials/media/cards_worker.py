"""The card worker: a lean child process that draws the cards a build hands it, one per line.

:class:`~.card_batch.CardBatch` starts it with :data:`BOOT` under ``python -I -S``: no site
packages but Pillow's folder, and this package's modules loaded without running the packages'
``__init__`` files, so that whatever those come to import, the worker loads the drawing and
nothing else: its memory counts on top of the build's, about 30 MB where a worker importing
the package took 42 (16 of the 30 are Python and Pillow themselves).

Protocol: each line on stdin is a JSON ``[path, title, author_name, handle, specialties,
site_name]``; the worker draws it into ``path`` (atomically) and prints ``[path, reason]`` for
each card it could not draw. End of input ends the worker. A thread reads stdin as it comes, so
the build never waits on a full pipe while a card is being drawn.
"""

from __future__ import annotations

import collections
import json
import os
import queue
import sys
import threading
from typing import Any

__all__ = ["BOOT", "draw_into", "serve"]

#: The worker's program: ``python -I -S -c BOOT <Pillow's folder> <this package's folder>``.
BOOT = """\
import os, sys, types
sys.path.append(sys.argv[1])  # after the standard library: a stale backport must not shadow it
media = os.path.join(sys.argv[2], "media")
for name, folder in (("tweetorials", sys.argv[2]), ("tweetorials.media", media)):
    module = types.ModuleType(name)
    module.__path__ = [folder]
    sys.modules[name] = module
from tweetorials.media.cards_worker import serve
try:
    sys.exit(serve())
except KeyboardInterrupt:  # Ctrl-C stops the build and its worker: no traceback from here
    sys.exit(130)
"""


def draw_into(path: str, data: bytes) -> None:
    """Write a card so that readers see all of it or nothing: a temporary file in the same
    folder, then a rename. (:func:`~..files.atomic_write_bytes` does the same, but its module
    loads ``tempfile``, which the worker does without.) Cards are not flushed to disk: they
    can be drawn again."""
    folder, name = os.path.split(path)
    temporary = os.path.join(folder, f".{name}.{os.getpid()}.tmp")
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def serve() -> int:
    """Draw every card asked for on stdin; report failures on stdout.

    Cards that share labels and site name are drawn one after the other when several are
    waiting: their palette is then reused with the colour lookups Pillow has cached on it
    (:func:`~.cards_paint.palette_image`), a third of the time of reducing a card's colours.
    """
    lines: queue.SimpleQueue[str | None] = queue.SimpleQueue()

    def read() -> None:
        for line in sys.stdin:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    waiting: dict[str, collections.deque[list[Any]]] = {}
    scheme, ended = "", False
    while not ended or waiting:
        ended = _take(lines, waiting, wait=not waiting) or ended
        if not waiting:
            continue
        if scheme not in waiting:
            scheme = max(waiting, key=lambda key: len(waiting[key]))
        job = waiting[scheme].popleft()
        if not waiting[scheme]:
            del waiting[scheme]
        _draw(*job)
    return 0


def _take(
    lines: queue.SimpleQueue[str | None],
    waiting: dict[str, collections.deque[list[Any]]],
    wait: bool,
) -> bool:
    """Move what has arrived into ``waiting`` (by labels and site name); True at the end."""
    while True:
        try:
            line = lines.get(block=wait)
        except queue.Empty:
            return False
        if line is None:
            return True
        if line.strip():
            job = json.loads(line)
            waiting.setdefault(json.dumps(job[4:]), collections.deque()).append(job)
        wait = False


def _draw(
    path: str, title: str, author_name: str, handle: str, specialties: list[Any], site_name: str
) -> None:
    try:
        from .cards import render_card  # here, so that card_batch can read BOOT without Pillow

        labels = [(str(name), str(colour)) for name, colour in specialties]
        draw_into(path, render_card(title, author_name, handle, labels, site_name))
    except Exception as exc:  # a full disk, a font that would not load
        print(json.dumps([path, str(exc) or type(exc).__name__]), flush=True)
