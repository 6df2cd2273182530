"""The background file worker (render/file_worker.py) and Pelican's writer built on it
(render/output_writer.py), piece by piece."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from pelican.writers import FileOverwriteFailedError, Writer
from tweetorials.render import file_worker
from tweetorials.render.file_worker import FileWorker, WriteFailed
from tweetorials.render.output_writer import BackgroundWriter, OutputWriteFailed, finish_writes


def test_writes_land_in_order_with_their_folders_made(tmp_path: Path) -> None:
    files = FileWorker()
    for n in range(50):
        files.write(str(tmp_path / "a" / str(n % 5) / "f.txt"), f"{n}\r\n".encode())
    files.write(str(tmp_path / "top.txt"), b"x")
    assert files.finish() == []
    for folder in range(5):
        assert (
            tmp_path / "a" / str(folder) / "f.txt"
        ).read_bytes() == f"{45 + folder}\r\n".encode()
    assert (tmp_path / "top.txt").read_bytes() == b"x"
    assert not files.running


def test_folders_are_made_ahead_and_one_that_cannot_be_is_left_to_its_write(
    tmp_path: Path,
) -> None:
    (tmp_path / "taken").write_text("a file where a folder should go")
    (tmp_path / "exists").mkdir()
    files = FileWorker()
    files.make_folders(
        [str(tmp_path / "a" / "b"), str(tmp_path / "exists"), str(tmp_path / "taken" / "c")]
    )
    files.write(str(tmp_path / "a" / "b" / "index.html"), b"page")
    assert files.finish() == []
    assert (tmp_path / "a" / "b" / "index.html").read_bytes() == b"page"
    assert (tmp_path / "exists").is_dir()
    files.write(str(tmp_path / "taken" / "c" / "index.html"), b"page")
    with pytest.raises(WriteFailed, match="taken"):
        files.finish()
    assert not files.running


def test_a_build_makes_each_page_folder_once_on_the_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every folder a page goes into is handed to the thread before the pages are written."""
    from tweetorials.render import output_writer

    asked: list[str] = []
    real = FileWorker.make_folders

    def spy(self: FileWorker, paths: Any) -> None:
        paths = list(paths)
        asked.extend(paths)
        real(self, paths)

    monkeypatch.setattr(FileWorker, "make_folders", spy)
    output = tmp_path / "out"

    class Item:
        def __init__(self, save_as: str) -> None:
            self.save_as = save_as

    generator = SimpleNamespace(
        output_path=str(output),
        articles=[Item("threads/a/index.html"), Item("threads/b/index.html")],
        tags={Item("tag/x/index.html"): []},
        categories=[(Item("specialty/y/index.html"), [])],
        authors=[(Item("author/z/index.html"), []), (Item(""), [])],
    )
    build = output_writer._build(str(output))
    output_writer.make_output_folders([generator])
    build.files.finish()
    expected = ["threads/a", "threads/b", "tag/x", "specialty/y", "author/z"]
    assert asked == [str(output / folder) for folder in expected]
    assert all((output / folder).is_dir() for folder in expected)
    output_writer._builds.clear()


def test_pending_text_never_exceeds_the_bound(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Writes to one path keep their order, so with the queue full the producer waits."""
    gate = threading.Event()
    write = file_worker._write_file

    def held(path: str, data: bytes) -> None:
        gate.wait(5)
        write(path, data)

    monkeypatch.setattr(file_worker, "_write_file", held)
    files = FileWorker(max_bytes=10)
    given: list[int] = []

    def produce() -> None:
        for n in range(6):
            files.write(str(tmp_path / "same.txt"), f"{n}2345".encode())
            given.append(n)

    producer = threading.Thread(target=produce)
    producer.start()
    time.sleep(0.3)
    assert given == [0, 1]  # 10 bytes waiting: the third write waits for room
    gate.set()
    producer.join(5)
    assert given == list(range(6))
    files.finish()
    assert (tmp_path / "same.txt").read_bytes() == b"52345"


def test_with_the_queue_full_the_producer_writes_the_file_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = threading.Event()
    writers: dict[str, str] = {}
    write = file_worker._write_file

    def held(path: str, data: bytes) -> None:
        writers[Path(path).name] = threading.current_thread().name
        if threading.current_thread().name == file_worker.THREAD_NAME:
            gate.wait(5)
        write(path, data)

    monkeypatch.setattr(file_worker, "_write_file", held)
    files = FileWorker(max_jobs=2)
    for n in range(4):
        files.write(str(tmp_path / f"{n}.txt"), b"x")
    gate.set()
    files.finish()
    assert writers == {
        "0.txt": file_worker.THREAD_NAME,  # running, held
        "1.txt": file_worker.THREAD_NAME,  # waiting
        "2.txt": "MainThread",
        "3.txt": "MainThread",
    }
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{n}.txt" for n in range(4)]


def test_a_failed_write_stops_later_ones_and_is_raised_with_its_path(tmp_path: Path) -> None:
    (tmp_path / "taken").mkdir()
    files = FileWorker()
    files.write(str(tmp_path / "before.txt"), b"1")
    files.write(str(tmp_path / "taken"), b"2")
    with pytest.raises(WriteFailed) as failed:
        for n in range(1000):  # the producer hears of it at a later write at the latest
            files.write(str(tmp_path / f"after-{n}.txt"), b"3")
        files.finish()
    assert str(failed.value) == f"cannot write {tmp_path / 'taken'}: Is a directory"
    assert (tmp_path / "before.txt").is_file()
    assert not (tmp_path / "after-999.txt").exists()
    assert not files.running
    files.write(str(tmp_path / "next-build.txt"), b"4")  # the failure was reported once
    assert files.finish() == []


def test_an_unexpected_exception_on_the_thread_is_not_lost(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(path: str, data: bytes) -> None:
        raise ValueError("a bug")

    monkeypatch.setattr(file_worker, "_write_file", broken)
    files = FileWorker()
    files.write(str(tmp_path / "x.txt"), b"x")
    with pytest.raises(WriteFailed, match="ValueError: a bug"):
        files.finish()


def test_a_thread_that_dies_does_not_leave_the_build_waiting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def dies(self: FileWorker, job: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(FileWorker, "_do", dies)
    files = FileWorker(max_jobs=1)
    with pytest.raises(WriteFailed, match="the file-writing thread"):
        for _ in range(5):  # the second write (same path) waits for room only the thread makes
            files.write(str(tmp_path / "x.txt"), b"x")
        files.finish()
    assert not files.running


def test_an_idle_thread_ends_by_itself(tmp_path: Path) -> None:
    files = FileWorker(linger=0.05)
    files.write(str(tmp_path / "x.txt"), b"x")
    deadline = time.monotonic() + 2
    while files.running and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not files.running
    files.write(str(tmp_path / "y.txt"), b"y")  # and a new one starts for the next job
    assert files.finish() == []
    assert (tmp_path / "y.txt").is_file()


def test_without_a_thread_to_be_had_the_jobs_are_done_inline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A thread limit reached: every job is done by the producer, a failure still raised,
    and finish() does not wait for a thread that never started."""

    def refused(self: threading.Thread) -> None:
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(threading.Thread, "start", refused)
    old = tmp_path / "old"
    (old / "a").mkdir(parents=True)
    files = FileWorker()
    files.make_folders([str(tmp_path / "made")])
    files.write(str(tmp_path / "made" / "x.txt"), b"x")
    files.write(str(tmp_path / "new" / "y.txt"), b"y")
    files.remove_tree(str(old))
    files.remove_tree(str(tmp_path / "never-was"))
    assert [p.path for p in files.finish()] == [str(tmp_path / "never-was")]
    assert (tmp_path / "made" / "x.txt").read_bytes() == b"x"
    assert (tmp_path / "new" / "y.txt").read_bytes() == b"y"
    assert not old.exists()
    assert not files.running
    (tmp_path / "taken").mkdir()
    with pytest.raises(WriteFailed, match="Is a directory"):
        files.write(str(tmp_path / "taken"), b"z")
    assert files.finish() == []


def test_removing_a_tree_reports_what_stayed(tmp_path: Path) -> None:
    old = tmp_path / "old"
    (old / "a" / "b").mkdir(parents=True)
    (old / "a" / "b" / "f.html").write_text("x", encoding="utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("k", encoding="utf-8")
    (old / "link").symlink_to(outside, target_is_directory=True)
    files = FileWorker()
    files.remove_tree(str(old))
    files.remove_tree(str(tmp_path / "never-was"))
    problems = files.finish()
    assert not old.exists()
    assert (outside / "keep.txt").is_file()
    assert [p.path for p in problems] == [str(tmp_path / "never-was")]


def _outcomes(writer: Any, path: str, steps: list[bool]) -> list[str]:
    """What each ``_open_w`` with ``override`` in ``steps`` does, through ``writer``."""
    said = []
    for n, override in enumerate(steps):
        try:
            with writer._open_w(path, "utf-8", override=override) as handle:
                handle.write(f"text {n}\n")
            said.append("written")
        except FileOverwriteFailedError as exc:
            said.append(str(exc))
    return said


@pytest.mark.parametrize(
    "steps",
    [[False, False], [False, True, False, True], [True, False, True], [True, True], [False]],
)
def test_the_writer_keeps_pelicans_overwrite_rules(tmp_path: Path, steps: list[bool]) -> None:
    theirs = Writer(str(tmp_path / "pelican"), settings={})
    ours = BackgroundWriter(str(tmp_path / "ours"), settings={})
    (tmp_path / "pelican").mkdir()
    pelican_said = _outcomes(theirs, str(tmp_path / "pelican" / "page.html"), steps)
    our_said = _outcomes(ours, str(tmp_path / "ours" / "page.html"), steps)
    finish_writes(str(tmp_path / "ours"), last=True)
    assert our_said == [s.replace("/pelican/", "/ours/") for s in pelican_said]
    assert (tmp_path / "ours" / "page.html").read_bytes() == (
        tmp_path / "pelican" / "page.html"
    ).read_bytes()


def test_the_writer_stops_the_build_on_a_failed_write(tmp_path: Path) -> None:
    ours = BackgroundWriter(str(tmp_path), settings={})
    (tmp_path / "page.html").mkdir()
    with ours._open_w(str(tmp_path / "page.html"), "utf-8") as handle:
        handle.write("<p>x</p>")
    with pytest.raises(OutputWriteFailed) as stopped:
        finish_writes(str(tmp_path), last=True)
    assert stopped.value.code == 1
    assert (
        str(stopped.value) == f"build failed: cannot write {tmp_path / 'page.html'}: Is a directory"
    )


def test_a_left_over_that_cannot_be_deleted_leaves_the_others_to_go(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    (old / "page").mkdir(parents=True)
    for name in ("index.html", "stuck.txt", "stale.txt"):
        (old / "page" / name).write_text(name, encoding="utf-8")
    new.mkdir()
    files = FileWorker()
    files.reuse_files_from(str(old), str(new))
    files.make_folders([str(new / "page")])
    files.write(str(new / "page" / "index.html"), b"index.html")
    files.finish()
    assert sorted(p.name for p in (new / "page").iterdir()) == [
        "index.html",
        "stale.txt",
        "stuck.txt",
    ]
    unlink = file_worker.os.unlink

    def refuse_stuck(path: Any) -> None:
        if str(path).endswith("stuck.txt"):
            raise PermissionError(1, "Operation not permitted")
        unlink(path)

    monkeypatch.setattr(file_worker.os, "unlink", refuse_stuck)
    problems = files.sweep()
    assert [(Path(p.path).name, p.reason) for p in problems] == [
        ("stuck.txt", "Operation not permitted")
    ]
    assert sorted(p.name for p in (new / "page").iterdir()) == ["index.html", "stuck.txt"]


def test_no_page_folder_is_made_outside_the_output(tmp_path: Path) -> None:
    """Pelican refuses to write a page whose save_as leads out of the output (its
    sanitised_join); its folder is not made ahead either."""
    from tweetorials.render import output_writer

    output = tmp_path / "site" / "output"
    output.mkdir(parents=True)
    pages = [SimpleNamespace(save_as="../escaped/index.html"), SimpleNamespace(save_as="in/x.html")]
    generator = SimpleNamespace(output_path=str(output), articles=pages)
    build = output_writer._build(str(output))
    try:
        output_writer.make_output_folders([generator])
        build.files.finish()
    finally:
        output_writer._builds.pop(str(output.resolve()), None)
    assert (output / "in").is_dir()
    assert not (tmp_path / "site" / "escaped").exists()
