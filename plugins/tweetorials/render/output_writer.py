"""Pelican's writer with the file-system work taken off the main thread (issue 14): pages,
feeds and citation files are written, and the previous output deleted, by one background
thread (:mod:`.file_worker`) while the main thread renders.

Handlers, in the order Pelican calls them during a run (``pelican -r`` runs again and again):

* :func:`clear_old_output` (``get_generators``, the first signal of every run): first waits for
  anything a failed earlier run left queued. Then, exactly where Pelican would empty the output
  folder (``DELETE_OUTPUT_DIRECTORY``, the folder exists, and it does not hold the content),
  it renames each old entry into one hidden folder made inside the output, whose files the
  writes may take back (:meth:`.FileWorker.reuse_files_from`: overwriting a file is much
  cheaper than creating one) until :func:`finish_writes` deletes the rest on the thread, and
  lets Pelican's own ``clean_output_dir`` deal with whatever was not moved (symbolic links,
  sockets: Pelican's rules and messages), ``OUTPUT_RETENTION`` kept as Pelican keeps it. Nothing outside the output folder is touched; Pelican's own emptying is switched off
  for this run only, and the switch is put back at ``get_writer``.
* :func:`background_writer` (``get_writer``): :class:`BackgroundWriter`, unless another plugin
  brings its own writer, or listens to ``content_written``/``feed_written`` (it may read the
  file as soon as it hears of it): then Pelican's writer, writing inline, is used.
* :func:`finish_writes` (``page_writer_finalized``, before Pelican's static files look at the
  output; and first thing at ``finalized``, before the cards, the sitemap and Pagefind read
  it): waits for every queued write, then has what is left of the old output deleted (waited
  for at ``finalized``). A write that failed stops the build with one line naming the file
  (:class:`OutputWriteFailed`); old output that could not be deleted is logged as an error,
  as Pelican logs it (``make html`` fails on it).
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import tempfile
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from pelican import signals
from pelican.utils import clean_output_dir
from pelican.writers import FileOverwriteFailedError, Writer

from ..console import announce
from .file_worker import FileWorker, Problem, WriteFailed

__all__ = [
    "TRASH_PREFIX",
    "BackgroundWriter",
    "OutputWriteFailed",
    "active_writer",
    "background_writer",
    "clear_old_output",
    "finish_writes",
    "make_output_folders",
    "static_copies",
    "write_output_file",
]

log = logging.getLogger(__name__)

_PACKAGE = __name__.split(".")[0]

#: The hidden folder, inside the output, that the previous output is moved into.
TRASH_PREFIX = ".tweetorials-old-output-"


class OutputWriteFailed(SystemExit):
    """A file of the site could not be written. A ``SystemExit`` as :class:`.plugin.BuildRefused`
    is: the line printed says everything, and Pelican would add a traceback to an exception."""

    exitcode = 1

    def __init__(self, message: str) -> None:
        super().__init__(self.exitcode)
        self.message = message

    def __str__(self) -> str:
        return self.message


@dataclass
class _Build:
    """One output folder's worker, and the writer of the run using it."""

    files: FileWorker
    writer: BackgroundWriter | None = None
    trash: str | None = None  # the previous output, moved aside


_builds: dict[str, _Build] = {}  # by the output folder's real path
# The real path of each output path as given, for this run: `active_writer` is asked once per
# thread, and `realpath` costs an `lstat` per component. Emptied when a run starts.
_real_paths: dict[str, str] = {}
# Pelican's DELETE_OUTPUT_DIRECTORY decision for each Pelican object, as it was before this
# module switched the object's own flag off for a run.
_deletes_output: weakref.WeakKeyDictionary[Any, bool] = weakref.WeakKeyDictionary()


def _build(output_path: str) -> _Build:
    key = os.path.realpath(output_path)
    build = _builds.get(key)
    if build is None:
        build = _builds[key] = _Build(FileWorker())
    return build


class BackgroundWriter(Writer):  # type: ignore[misc]  # Pelican is untyped
    """Pelican's ``Writer``, whose files are written by the background thread.

    Pelican renders a page, then writes it through :meth:`_open_w`; here ``_open_w`` keeps
    Pelican's bookkeeping (a file written twice fails unless overriding, once) and returns an
    in-memory file that, once closed, hands its text to the thread.
    """

    def __init__(self, output_path: str, settings: dict[str, Any] | None = None) -> None:
        super().__init__(output_path, settings=settings)
        build = _build(output_path)
        build.writer = self
        self._files = build.files
        self._feed: str | None = None  # the feed being written straight to its file

    def _open_w(self, filename: str, encoding: str, override: bool = False) -> io.TextIOWrapper:
        """Pelican 4.12's ``Writer._open_w`` check for check and message for message; only
        the ``open`` at its end is replaced."""
        if filename in self._overridden_files:
            if override:
                raise FileOverwriteFailedError(
                    f'Failed to overwrite "{filename}" a second time (was previously overwritten)'
                )
            log.info('Skipping "%s", not overwriting', filename)
            filename = os.devnull
        elif filename in self._written_files:
            if override:
                log.info('Overwriting "%s"', filename)
            else:
                raise FileOverwriteFailedError(
                    f'Failed to overwrite "{filename}" as Pelican has already '
                    "written to it previously (set `override=True` if intended)"
                )
        if override:
            self._overridden_files.add(filename)
        self._written_files.add(filename)
        if self._feed is not None and filename != os.devnull and not self._files.queued(filename):
            self._feed = filename
            return open(filename, "w", encoding=encoding)  # Pelican closes it
        return _PendingText(self, filename, encoding)

    def write_feed(self, *args: Any, **kwargs: Any) -> Any:
        """Pelican's ``write_feed``, the feed going straight into its file as Pelican writes
        it. A feed is the largest file of a build (1.4 MB of Atom for 1,000 threads): held in
        memory until the thread wrote it, it raised the build's peak memory by 1.2 MB, while
        writing six files here costs the main thread a few milliseconds."""
        self._feed = ""
        try:
            return super().write_feed(*args, **kwargs)
        except OSError as exc:
            path = exc.filename or self._feed or "a feed"
            problem = Problem(str(path), exc.strerror or type(exc).__name__)
            raise _stopped(WriteFailed(problem)) from None
        finally:
            self._feed = None

    def write_bytes(self, path: str, data: bytes) -> None:
        """Queue ``data`` for ``path`` (its folder made when missing); a failed write stops
        the build here or at :func:`finish_writes`."""
        try:
            self._files.write(path, data)
        except WriteFailed as exc:
            raise _stopped(exc) from None


class _PendingText(io.TextIOWrapper):
    """The file Pelican writes a page or feed into: a text file over bytes in memory, encoded
    and newline-translated as ``open(path, "w", encoding=...)`` would, queued when closed.
    Bytes, not a ``StringIO``: a feed is written in thousands of pieces, and kept as text it
    would take several times its size (1.4 MB of Atom for 1,000 threads). ``/dev/null``
    (Pelican's "skip this one") and a file whose writing raised are dropped."""

    def __init__(self, writer: BackgroundWriter, path: str, encoding: str) -> None:
        self._bytes = io.BytesIO()
        super().__init__(self._bytes, encoding=encoding)
        self._writer = writer
        self._path = path
        self._keep = path != os.devnull

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if kind is not None:
            self._keep = False
        self.close()

    def close(self) -> None:
        if self._keep and not self.closed:
            self._keep = False  # once, even if queueing raises and the object is collected
            self.flush()
            self._writer.write_bytes(self._path, self._bytes.getvalue())  # shared, not copied
        super().close()


def write_output_file(writer: Any, path: str, data: bytes) -> None:
    """Write ``data`` to ``path`` in the output through ``writer`` when it is a
    :class:`BackgroundWriter`, else at once (another plugin's writer is in charge)."""
    if isinstance(writer, BackgroundWriter):
        writer.write_bytes(path, data)
        return
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(data)


def active_writer(output_path: str) -> BackgroundWriter | None:
    """The :class:`BackgroundWriter` of the run writing ``output_path``, if there is one."""
    real = _real_paths.get(output_path)
    if real is None:
        real = _real_paths[output_path] = os.path.realpath(output_path)
    build = _builds.get(real)
    return build.writer if build is not None else None


def clear_old_output(pelican: Any) -> None:
    """Settle what an earlier run left queued, then move the old output aside (see the module
    docstring); returns nothing, so Pelican adds no generator."""
    _real_paths.clear()
    key = os.path.realpath(pelican.output_path)
    earlier = _builds.get(key)
    if earlier is not None:
        # A run that failed half way: its jobs end first (its failure was told already), and
        # its hidden old output, inside the output folder, goes with the rest below.
        earlier.files.finish(forget_failure=True)
    build = _builds[key] = _Build(FileWorker())
    if not _pelican_would_clean(pelican) or _others_may_read_output():
        return
    output = pelican.output_path
    try:
        trash = tempfile.mkdtemp(prefix=TRASH_PREFIX, dir=output)
    except OSError:
        return  # an output folder we cannot write to: Pelican's own cleaning reports it
    kept = [*pelican.output_retention, os.path.basename(trash)]
    with os.scandir(output) as listing:
        entries = list(listing)
    for entry in entries:
        if any(entry.name == name for name in kept) or entry.is_symlink():
            continue
        if entry.is_dir(follow_symlinks=False) or entry.is_file(follow_symlinks=False):
            # On failure it stays: clean_output_dir below deletes it, or says why it cannot.
            with contextlib.suppress(OSError):
                os.rename(entry.path, os.path.join(trash, entry.name))
    clean_output_dir(output, kept)
    pelican.delete_outputdir = False  # emptied; back to the configured value at get_writer
    build.files.reuse_files_from(trash, output)
    build.trash = trash  # deleted by finish_writes, once no write can reuse a file from it


def _pelican_would_clean(pelican: Any) -> bool:
    """Pelican's own condition (``Pelican.run``), on its value before this module touched it:
    asked to, and the output folder is not a parent of the content; plus the folder exists
    (else Pelican's ``clean_output_dir`` has its own answer and keeps it)."""
    wanted = _deletes_output.setdefault(pelican, bool(pelican.delete_outputdir))
    output = os.path.realpath(pelican.output_path)
    holds_content = os.path.commonpath([output]) == os.path.commonpath(
        [output, os.path.realpath(pelican.path)]
    )
    return wanted and not holds_content and os.path.isdir(pelican.output_path)


def background_writer(pelican: Any) -> type[BackgroundWriter] | None:
    """``get_writer``: the writer class for this run (None: Pelican's own writer)."""
    if pelican in _deletes_output:
        pelican.delete_outputdir = _deletes_output[pelican]
    if len(signals.get_writer.receivers) > 1 or _others_may_read_output():
        return None
    return BackgroundWriter


def _others_may_read_output() -> bool:
    """Whether another plugin may read the output before the queued writes are done: it
    listens to ``content_written`` or ``feed_written`` (it may read the file as soon as it
    hears of it), or to ``finalized`` (it may run before the handler that waits for the
    writes, e.g. a plugin that compresses or minifies the site). Then Pelican writes and
    empties the output itself, as without this module."""
    if signals.content_written.receivers or signals.feed_written.receivers:
        return True
    for reference in list(signals.finalized.receivers.values()):
        receiver = reference() if isinstance(reference, weakref.ref) else reference
        if receiver is not None and not _ours(receiver):
            return True
    return False


def _ours(receiver: Any) -> bool:
    """A handler of this package (``_finish_build`` waits for the writes itself)."""
    module = str(getattr(receiver, "__module__", "") or "")
    return module == _PACKAGE or module.startswith(_PACKAGE + ".")


def make_output_folders(generators: list[Any]) -> None:
    """``all_generators_finalized``: once every page's output path is known, have the thread
    make their folders while the main thread renders (see :meth:`.FileWorker.make_folders`):
    one per article, page, tag, specialty and author."""
    folders: dict[str, None] = {}  # in order, once each
    for generator in generators:
        build = _builds.get(os.path.realpath(getattr(generator, "output_path", "") or "."))
        if build is None:
            continue
        inside = os.path.join(os.path.abspath(generator.output_path), "")
        for item in _written_items(generator):
            save_as = getattr(item, "save_as", "")
            if isinstance(save_as, str) and save_as:
                folder = os.path.dirname(os.path.abspath(os.path.join(inside, save_as)))
                if os.path.join(folder, "").startswith(inside):  # as Pelican's sanitised_join
                    folders[folder] = None
        if folders:
            build.files.make_folders(folders)
            folders = {}


def _written_items(generator: Any) -> list[Any]:
    """What a generator writes a page for: its articles or pages, and the taxonomy pages."""
    items = [*getattr(generator, "articles", ()), *getattr(generator, "pages", ())]
    items += list(getattr(generator, "tags", {}) or {})
    items += [wrapper for wrapper, _ in getattr(generator, "categories", ()) or ()]
    items += [wrapper for wrapper, _ in getattr(generator, "authors", ()) or ()]
    return items


def finish_writes(
    output_path: str, *, last: bool, static_files: Iterable[tuple[str, str]] = ()
) -> None:
    """Wait for every queued write into ``output_path``; stop the build if one failed. Then
    the old copies of ``static_files`` (``(source, path in the output)`` pairs) that copying
    would make again are put back, for Pelican's ``STATIC_CHECK_IF_MODIFIED`` to find up to
    date, and nothing can take files from the old output any more: what is left of it is
    deleted on the thread, while Pelican copies the other static files. ``last``
    (``finalized``): wait for that too, and forget the run's writer."""
    key = os.path.realpath(output_path)
    build = _builds.get(key)
    if build is None:
        return
    if last:
        del _builds[key]
    _finish(build.files)
    if build.trash is not None:
        build.files.take_back_copies(static_files)
        build.files.remove_tree(build.trash)  # sweeps the page folders taken back, at once
        build.trash = None
    if last:
        _finish(build.files)


def static_copies(generator: Any, output_path: str) -> list[tuple[str, str]]:
    """``(source, path in the output)`` of each static file Pelican is about to copy, when
    it copies only what changed (``STATIC_CHECK_IF_MODIFIED``, set in pelicanconf.py): their
    old copies can then be put back by :func:`finish_writes`. Pelican itself would find none,
    the old output being set aside; with links (``STATIC_CREATE_LINKS``) there is nothing to
    save."""
    settings = generator.settings
    if not settings.get("STATIC_CHECK_IF_MODIFIED") or settings.get("STATIC_CREATE_LINKS"):
        return []
    return [
        (os.path.join(generator.path, sc.source_path), os.path.join(output_path, sc.save_as))
        for sc in generator.context.get("staticfiles", ())
    ]


def _finish(files: FileWorker) -> None:
    try:
        problems = files.finish()
    except WriteFailed as exc:
        raise _stopped(exc) from None
    _report_undeleted(problems)


def _report_undeleted(problems: list[Problem]) -> None:
    for problem in problems:
        log.error("could not delete %s (old output): %s", problem.path, problem.reason)


def _stopped(exc: WriteFailed) -> OutputWriteFailed:
    message = f"build failed: {exc}"
    announce(message)
    return OutputWriteFailed(message)
