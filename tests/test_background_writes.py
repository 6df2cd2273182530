"""The site's files are written on a background thread (render/output_writer.py): the output
must be exactly what Pelican writing inline gives, a failed write must stop the build naming
the file, whatever reads the output at the end must see every file, and no build, good or
failed, may leave the thread running.
"""

from __future__ import annotations

import os
import stat
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from tweetorials.render import file_worker, output_writer, plugin, search, sitemap

from .conftest import copy_site, run_pelican
from .conftest import pelican_for as pelican_with_search

THREAD = "the-anion-gap-built-from-scratch"  # a sample thread


def pelican_for(root: Path, output: Path, **overrides: object) -> Any:
    """Search off unless asked: Pagefind's index differs from one run to the next by itself."""
    return pelican_with_search(root, output, **{"TWEETORIALS_SEARCH": False, **overrides})


def tree(output: Path) -> dict[str, tuple[bytes | None, int]]:
    """Every file (its bytes) and folder (None) under ``output``, with its permissions."""
    return {
        path.relative_to(output).as_posix(): (
            path.read_bytes() if path.is_file() else None,
            stat.S_IMODE(path.lstat().st_mode),
        )
        for path in sorted(output.rglob("*"))
    }


def writer_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == file_worker.THREAD_NAME]


def no_writer_thread_within(seconds: float) -> bool:
    """A failed build's thread ends once it has been idle for LINGER_SECONDS."""
    deadline = time.monotonic() + seconds
    while writer_threads() and time.monotonic() < deadline:
        time.sleep(0.02)
    return not writer_threads()


@contextmanager
def inline_writes() -> Iterator[None]:
    """Pelican as it is without this module: its own writer and its own emptying of the
    output, every file written at once (Pelican() re-registers the plugin: call this after
    making the Pelican object)."""
    from pelican import signals

    hooks = (
        (signals.get_generators, output_writer.clear_old_output),
        (signals.get_writer, output_writer.background_writer),
    )
    for signal, receiver in hooks:
        signal.disconnect(receiver)
    try:
        yield
    finally:
        for signal, receiver in hooks:
            signal.connect(receiver)


@contextmanager
def connected(signal: Any, receiver: Any) -> Iterator[None]:
    """``receiver`` listens to ``signal`` during the block only, as another plugin would."""
    signal.connect(receiver)
    try:
        yield
    finally:
        signal.disconnect(receiver)


@pytest.fixture
def slow_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the thread lag well behind the renderer, so reading the output too early shows."""
    write, remove = file_worker._write_file, file_worker._remove_tree

    def slow(path: str, data: bytes) -> None:
        time.sleep(0.004)
        write(path, data)

    def slow_removal(path: str) -> list[file_worker.Problem]:
        time.sleep(0.5)
        return remove(path)

    monkeypatch.setattr(file_worker, "_write_file", slow)
    monkeypatch.setattr(file_worker, "_remove_tree", slow_removal)


def test_output_is_byte_for_byte_what_inline_writing_gives(tmp_path: Path) -> None:
    background = copy_site(_folder(tmp_path / "background"))
    inline = copy_site(_folder(tmp_path / "inline"))
    for _ in range(2):  # into an empty folder, then over the previous build
        pelican_for(background, background / "output").run()
        assert not writer_threads()
        pelican = pelican_for(inline, inline / "output")
        with inline_writes():
            pelican.run()
        made = tree(background / "output")
        assert made == tree(inline / "output")
        assert f"threads/{THREAD}/citation.ris" in made
        assert any(name.startswith("feeds/") for name in made)
        assert not [name for name in made if output_writer.TRASH_PREFIX in name]


def test_what_reads_the_output_at_the_end_sees_every_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, slow_writes: None
) -> None:
    site = copy_site(tmp_path)
    output = site / "output"
    pelican_for(site, output).run()  # an old output, to be deleted while the next one is made
    seen: dict[str, set[str]] = {}

    def spy(name: str, real: Any) -> Any:
        def read_output(*args: Any, **kwargs: Any) -> Any:
            seen[name] = set(tree(output))
            return real(*args, **kwargs)

        return read_output

    monkeypatch.setattr(plugin, "copy_cards", spy("cards", plugin.copy_cards))
    monkeypatch.setattr(
        sitemap, "write_sitemap_and_robots", spy("sitemap", sitemap.write_sitemap_and_robots)
    )
    monkeypatch.setattr(search, "index_site", spy("search", lambda out: out / "pagefind"))
    pelican_for(site, output, TWEETORIALS_SEARCH=True).run()
    final = set(tree(output))
    assert seen["cards"] == {n for n in final if not n.startswith("cards") and n not in _SITE_FILES}
    assert seen["sitemap"] == final - _SITE_FILES
    assert seen["search"] == final
    assert not writer_threads()


_SITE_FILES = {"sitemap.xml", "robots.txt"}


@pytest.mark.parametrize("blocked", ["index.html", "citation.bib"])
def test_a_file_that_cannot_be_written_fails_the_build_in_one_line(
    tmp_path: Path, blocked: str
) -> None:
    site = copy_site(tmp_path)
    fails_in_one_line(site, site / "output" / "threads" / THREAD / blocked)
    assert not (site / "output" / "sitemap.xml").exists()  # nothing read a half-written site


def test_a_feed_that_cannot_be_written_fails_the_build_in_one_line(tmp_path: Path) -> None:
    """Feeds are written straight to their files, not through the thread: the same one line."""
    site = copy_site(tmp_path)
    fails_in_one_line(site, site / "output" / "feeds" / "all.atom.xml")


def fails_in_one_line(site: Path, obstacle: Path) -> None:
    """A folder where the build writes the file ``obstacle``: the build stops with one line."""
    kept = obstacle.relative_to(site / "output").parts[0]
    with (site / "pelicanconf.py").open("a", encoding="utf-8") as conf:
        conf.write(f"\nOUTPUT_RETENTION = [{kept!r}]\n")  # so the obstacle survives the emptying
    obstacle.mkdir(parents=True)
    done = run_pelican(site, TWEETORIALS_SEARCH="false")
    assert done.returncode == 1
    said = [line for line in done.stderr.splitlines() if "cannot write" in line]
    assert said == [f"tweetorials: build failed: cannot write {obstacle}: Is a directory"], (
        done.stderr
    )
    assert "Traceback" not in done.stdout + done.stderr


def test_a_failed_write_leaves_no_thread_and_the_next_build_works(tmp_path: Path) -> None:
    site = copy_site(tmp_path)
    output = site / "output"
    obstacle = output / "threads" / THREAD / "citation.json"
    obstacle.mkdir(parents=True)
    with pytest.raises(output_writer.OutputWriteFailed) as failed:
        pelican_for(site, output, OUTPUT_RETENTION=["threads"]).run()
    assert failed.value.code == 1
    assert str(obstacle) in str(failed.value)
    assert not writer_threads()
    obstacle.rmdir()
    pelican_for(site, output).run()
    assert (obstacle.parent / "citation.json").is_file()
    assert (output / "sitemap.xml").is_file()


def test_a_build_failing_elsewhere_leaves_no_thread_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = copy_site(tmp_path)
    pelican_for(site, site / "output").run()  # an old output, half taken back when it fails
    first = tree(site / "output")
    pelican = pelican_for(site, site / "output")
    from pelican import signals

    written: list[Any] = []

    def template_breaks(generator: Any, content: Any) -> None:
        written.append(content)
        if len(written) == 3:
            raise RuntimeError("a template went wrong")

    signals.article_generator_write_article.connect(template_breaks)
    try:
        with pytest.raises(RuntimeError, match="a template went wrong"):
            pelican.run()
    finally:
        signals.article_generator_write_article.disconnect(template_breaks)
    assert no_writer_thread_within(2.0)
    # What was queued before the failure was written, as inline writing would have.
    assert (site / "output" / Path(written[0].save_as)).is_file()
    pelican_for(site, site / "output").run()  # and the next build is whole, nothing hidden left
    assert tree(site / "output") == first


def test_rebuilds_of_one_pelican_object_empty_the_output_each_time(tmp_path: Path) -> None:
    """``pelican -r`` runs the same Pelican object again: the old output goes every time,
    OUTPUT_RETENTION is kept, and Pelican's own switch ends each run as configured."""
    site = copy_site(tmp_path)
    output = site / "output"
    pelican = pelican_for(site, output, OUTPUT_RETENTION=["keep.txt"])
    pelican.run()
    first = tree(output)
    for _ in range(2):
        (output / "stale.html").write_text("old", encoding="utf-8")
        (output / "threads" / "gone").mkdir()
        (output / "keep.txt").write_text("kept", encoding="utf-8")
        pelican.run()
        assert pelican.delete_outputdir is True
        assert tree(output) == {**first, "keep.txt": (b"kept", first["index.html"][1])}


def test_the_old_output_is_left_alone_when_pelican_would_leave_it(tmp_path: Path) -> None:
    site = copy_site(tmp_path)
    output = site / "output"
    output.mkdir()
    (output / "stale.html").write_text("old", encoding="utf-8")
    pelican_for(site, output, DELETE_OUTPUT_DIRECTORY=False).run()
    assert (output / "stale.html").read_text(encoding="utf-8") == "old"


def test_an_output_folder_that_holds_the_content_is_never_emptied(tmp_path: Path) -> None:
    site = copy_site(_folder(tmp_path / "site"))
    (site / "notes.txt").write_text("mine", encoding="utf-8")
    pelican_for(site, site).run()  # output = the site folder, the content inside it
    assert (site / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert (site / "content" / "threads").is_dir()
    assert (site / "index.html").is_file()


def test_links_in_the_output_are_removed_without_touching_what_they_point_to(
    tmp_path: Path,
) -> None:
    site = copy_site(_folder(tmp_path / "site"))
    elsewhere = _folder(tmp_path / "elsewhere")
    (elsewhere / "precious.txt").write_text("keep me", encoding="utf-8")
    output = _folder(site / "output")
    (output / "link-to-file").symlink_to(elsewhere / "precious.txt")
    (output / "sub").mkdir()
    (output / "sub" / "link-to-folder").symlink_to(elsewhere, target_is_directory=True)
    pelican_for(site, output).run()
    assert (elsewhere / "precious.txt").read_text(encoding="utf-8") == "keep me"
    assert not os.path.lexists(output / "link-to-file")
    assert not os.path.lexists(output / "sub")


def _built_once(tmp_path: Path) -> tuple[Path, Path, dict[str, tuple[bytes | None, int]]]:
    """A copy of the sample site built once into its ``output``: the site, the output and
    what the build wrote (:func:`tree`), for a test of what the next build does with it."""
    site = copy_site(_folder(tmp_path / "site"))
    output = site / "output"
    pelican_for(site, output).run()
    return site, output, tree(output)


def _folder(path: Path) -> Path:
    path.mkdir(parents=True)
    return path


def test_old_files_are_reused_only_where_nothing_else_can_change(tmp_path: Path) -> None:
    """Rebuilding over an old output takes back its files (overwriting is cheaper than
    creating), never one that is a link to something else or has other permissions."""
    site, output, first = _built_once(tmp_path)
    folder = output / "threads" / THREAD
    untouched = os.stat(folder / "citation.json").st_ino
    linked, pointed = tmp_path / "linked.html", tmp_path / "pointed.ris"
    linked.write_text("mine", encoding="utf-8")
    pointed.write_text("mine too", encoding="utf-8")
    (folder / "index.html").unlink()
    os.link(linked, folder / "index.html")
    (folder / "citation.ris").unlink()
    (folder / "citation.ris").symlink_to(pointed)
    (folder / "citation.bib").chmod(0o600)
    pelican_for(site, output).run()
    assert tree(output) == first
    assert linked.read_text(encoding="utf-8") == "mine"
    assert pointed.read_text(encoding="utf-8") == "mine too"
    assert os.stat(folder / "citation.json").st_ino == untouched  # taken back, not created


def test_a_rebuild_rewrites_only_the_files_whose_bytes_change(tmp_path: Path) -> None:
    """A file taken back whose bytes are already right is left as it is (reading it costs
    less than rewriting it, and it keeps its modification time); one whose bytes differ, at
    the same size or not, is rewritten."""
    site, output, first = _built_once(tmp_path)
    folder = output / "threads" / THREAD
    long_ago = 946_684_800  # 2000-01-01
    same_size = folder / "citation.bib"
    same_size.write_bytes(b"x" * same_size.stat().st_size)
    (folder / "index.html").write_text("shorter", encoding="utf-8")
    for name in ("citation.json", "citation.bib", "index.html"):
        os.utime(folder / name, (long_ago, long_ago))
    pelican_for(site, output).run()
    assert tree(output) == first
    assert (folder / "citation.json").stat().st_mtime == long_ago  # already right: kept
    assert (folder / "citation.bib").stat().st_mtime > long_ago
    assert (folder / "index.html").stat().st_mtime > long_ago


def test_a_page_folder_taken_back_whole_loses_what_the_build_did_not_write(
    tmp_path: Path,
) -> None:
    """A thread's folder comes back in one rename (its files are then checked one by one);
    a file in it that this build does not write is deleted, as Pelican's emptying would."""
    site, output, first = _built_once(tmp_path)
    folder = output / "threads" / THREAD
    (folder / "left-over.html").write_text("from an older build", encoding="utf-8")
    folder_inode = folder.stat().st_ino
    pelican_for(site, output).run()
    assert folder.stat().st_ino == folder_inode  # taken back, not made again
    assert tree(output) == first


def test_a_folder_that_cannot_be_taken_whole_is_made_new(tmp_path: Path) -> None:
    """Other permissions on the folder, or a link inside it: its files go one by one."""
    site, output, first = _built_once(tmp_path)
    private = output / "threads" / THREAD
    private.chmod(0o700)
    linked = next(path for path in (output / "threads").iterdir() if path != private)
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("mine", encoding="utf-8")
    (linked / "link.txt").symlink_to(elsewhere)
    inodes = {path: path.stat().st_ino for path in (private, linked)}
    pelican_for(site, output).run()
    assert tree(output) == first
    assert elsewhere.read_text(encoding="utf-8") == "mine"
    assert all(path.stat().st_ino != inode for path, inode in inodes.items())


def test_a_file_someone_else_writes_in_a_taken_folder_stays(tmp_path: Path) -> None:
    """What another plugin writes into a page folder during the build is not swept away with
    the old files, even under a name the old folder had."""
    from pelican import signals

    site, output, _ = _built_once(tmp_path)
    folder = output / "threads" / THREAD
    (folder / "extra.txt").write_text("last build's", encoding="utf-8")
    folder_inode = folder.stat().st_ino

    def other_plugin(generator: Any, content: Any) -> None:
        if content.url.rstrip("/").endswith(THREAD):
            deadline = time.monotonic() + 10
            while not folder.is_dir() and time.monotonic() < deadline:
                time.sleep(0.01)  # until the thread has taken the folder back
            (folder / "extra.txt").write_text("this build's", encoding="utf-8")

    pelican = pelican_for(site, output)
    with connected(signals.article_generator_write_article, other_plugin):
        pelican.run()
    assert folder.stat().st_ino == folder_inode
    assert (folder / "extra.txt").read_text(encoding="utf-8") == "this build's"


def test_unchanged_static_files_keep_their_old_copies(tmp_path: Path) -> None:
    """With STATIC_CHECK_IF_MODIFIED (pelicanconf.py) an image copied by the last build is
    put back rather than copied again; one whose source changed, or whose copy was altered,
    is copied anew."""
    site, output, first = _built_once(tmp_path)
    images = sorted((output / "media").rglob("*.jpg"))
    kept, changed, altered = images[0], images[1], images[2]
    inodes = {path: path.stat().st_ino for path in (kept, changed, altered)}
    source = site / "content" / changed.relative_to(output)
    newer = changed.stat().st_mtime_ns + 10 * 10**9  # edited after the last build copied it
    os.utime(source, ns=(newer, newer))
    altered.write_bytes(altered.read_bytes()[:-1])
    pelican_for(site, output).run()
    assert tree(output) == first
    assert kept.stat().st_ino == inodes[kept]
    assert changed.stat().st_ino != inodes[changed]
    assert altered.stat().st_ino != inodes[altered]


def test_another_plugin_at_finalized_gets_pelicans_own_writer(
    tmp_path: Path, slow_writes: None
) -> None:
    """A plugin listening to ``finalized`` may run before the handler that waits for the
    writes (say, one that compresses the site): then Pelican writes and empties the output
    itself, so that plugin sees every page and no old output set aside."""
    import tweetorials
    from pelican import signals

    site = copy_site(tmp_path)
    output = site / "output"
    pelican_for(site, output).run()  # an old output
    seen: list[set[str]] = []

    def compress_site(pelican: Any) -> None:
        seen.append(set(tree(output)))

    pelican = pelican_for(site, output)
    ours = tweetorials._finish_build
    signals.finalized.disconnect(ours)  # put the other plugin first, as PLUGINS order may
    signals.finalized.connect(compress_site)
    signals.finalized.connect(ours)
    try:
        pelican.run()
    finally:
        signals.finalized.disconnect(compress_site)
    pages = {name for name in tree(output) if name.startswith(("threads/", "feeds/", "tag/"))}
    assert f"threads/{THREAD}/citation.ris" in pages
    assert pages <= seen[0]
    assert not [name for name in seen[0] if output_writer.TRASH_PREFIX in name]


def test_no_old_file_is_taken_through_a_folder_linked_out_of_the_output(tmp_path: Path) -> None:
    """A folder of the old output that is a symbolic link leads out of it: the files found
    through it are someone's own, never renamed into the site and overwritten."""
    site, output, first = _built_once(tmp_path)
    folder = output / "threads" / THREAD
    notes = tmp_path / "notes"
    folder.rename(notes)  # files made by the build: regular, one link, ours, the right mode
    folder.symlink_to(notes, target_is_directory=True)
    (notes / "index.html").write_text("my notes", encoding="utf-8")
    mine = tree(notes)
    pelican_for(site, output).run()
    assert tree(notes) == mine
    assert (notes / "index.html").read_text(encoding="utf-8") == "my notes"
    assert tree(output) == first


def test_with_another_plugins_writer_no_old_page_folder_comes_back(tmp_path: Path) -> None:
    """Another plugin's writer writes inline with ``open``: a page folder taken back whole
    would have it write through an old file's other links, and keep an old file's mode."""
    from pelican import signals
    from pelican.writers import Writer

    site, output, first = _built_once(tmp_path)
    folder = output / "threads" / THREAD
    linked = tmp_path / "linked.html"
    linked.write_text("mine", encoding="utf-8")
    (folder / "index.html").unlink()
    os.link(linked, folder / "index.html")
    (folder / "citation.bib").chmod(0o600)

    def own_writer(pelican: Any) -> type[Writer]:
        return Writer

    pelican = pelican_for(site, output)
    with connected(signals.get_writer, own_writer):
        pelican.run()
    assert linked.read_text(encoding="utf-8") == "mine"
    assert tree(output) == first


def test_a_static_file_in_a_taken_page_folder_stays(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A static file saved into a page's folder comes back with the folder; Pelican finds it
    up to date and does not copy it again, so it must not be swept away as a left-over (the
    sweep made slow, as on a busy machine, to run after Pelican looked)."""
    site = copy_site(_folder(tmp_path / "site"))
    (site / "content" / "extra").mkdir()
    (site / "content" / "extra" / "notes.txt").write_text("notes", encoding="utf-8")
    overrides = {
        "STATIC_PATHS": ["media", "extra"],
        "EXTRA_PATH_METADATA": {"extra/notes.txt": {"path": "about/notes.txt"}},
    }
    output = site / "output"
    pelican_for(site, output, **overrides).run()
    first = tree(output)
    assert "about/notes.txt" in first
    sweep = file_worker._OldCopies.sweep

    def slow_sweep(self: Any) -> list[file_worker.Problem]:
        time.sleep(0.5)
        return sweep(self)

    monkeypatch.setattr(file_worker._OldCopies, "sweep", slow_sweep)
    pelican_for(site, output, **overrides).run()
    assert tree(output) == first


def test_a_static_file_whose_source_was_replaced_is_copied_again(tmp_path: Path) -> None:
    """A source replaced by other bytes of the same size and an older modification time (a
    backup restored with its times, ``cp -p``, ``rsync -t``): Pelican, emptying the output,
    copies it; its old copy must not be put back in its place."""
    site, output, _ = _built_once(tmp_path)
    image = sorted((output / "media").rglob("*.jpg"))[0]
    source = site / "content" / image.relative_to(output)
    before = source.stat()
    data = bytearray(source.read_bytes())
    data[-3] ^= 0xFF  # other bytes, the same size
    source.write_bytes(bytes(data))
    os.utime(source, ns=(before.st_atime_ns, before.st_mtime_ns))  # its old time restored
    pelican_for(site, output).run()
    assert image.read_bytes() == bytes(data)
