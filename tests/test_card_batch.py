"""The cards of a whole build: drawn once, on worker processes when there are many, and
replaced (not piled up) when a thread's card changes."""

from __future__ import annotations

import dataclasses
import signal
import subprocess
import sys
import time
from pathlib import Path

import PIL
import pytest
from PIL import Image
from tweetorials.media import card_batch
from tweetorials.media.card_batch import CardBatch, CardInputs
from tweetorials.media.cards_worker import BOOT


def inputs(n: int, title: str = "Why troponin rises") -> CardInputs:
    return CardInputs(
        title=f"{title} ({n})",
        author_name="Dr Ada Example",
        handle="ada_md",
        specialties=(("Cardiology", "#c2410c"),),
        site_name="FOAMed Tweetorials",
    )


def draw(folder: Path, count: int, *, workers: int, title: str = "Why troponin rises") -> int:
    batch = CardBatch(folder, workers=workers)
    drawn = sum(batch.need(f"x-{n}", inputs(n, title))[1] for n in range(count))
    batch.start()
    assert batch.finish() == []
    return drawn


@pytest.mark.parametrize("workers", [1, 2], ids=["in-process", "worker-processes"])
def test_missing_cards_are_drawn_once_and_reused(tmp_path: Path, workers: int) -> None:
    count = card_batch.POOL_THRESHOLD + 2  # enough for the workers to be used
    assert draw(tmp_path, count, workers=workers) == count
    cards = sorted(tmp_path.glob("*.png"))
    assert len(cards) == count
    with Image.open(cards[0]) as image:
        assert image.format == "PNG" and image.size == (1200, 630)
    assert not list(tmp_path.glob(".*"))  # no job files or temporary files left behind
    assert draw(tmp_path, count, workers=workers) == 0  # the second build draws nothing


def test_a_changed_card_replaces_the_old_one(tmp_path: Path) -> None:
    draw(tmp_path, 3, workers=1)
    before = {p.name for p in tmp_path.glob("*.png")}
    assert draw(tmp_path, 3, workers=1, title="Why BNP rises") == 3
    after = {p.name for p in tmp_path.glob("*.png")}
    assert len(after) == 3 and not before & after


def test_a_superseded_card_goes_even_when_nothing_is_drawn(tmp_path: Path) -> None:
    """Cards committed from an older title stay behind when the new card was drawn elsewhere
    (another clone, another run): the next build that asks for the thread removes them."""
    draw(tmp_path, 2, workers=1)
    current = {p.name for p in tmp_path.glob("*.png")}
    older = tmp_path / dataclasses.replace(inputs(0), title="Old").file_name("x-0")
    older.write_bytes((tmp_path / sorted(current)[0]).read_bytes())
    unrelated = tmp_path / inputs(0).file_name("y-0")  # a thread this build does not ask about
    unrelated.write_bytes(older.read_bytes())
    assert draw(tmp_path, 2, workers=1) == 0
    assert {p.name for p in tmp_path.glob("*.png")} == current | {unrelated.name}


def test_a_card_that_cannot_be_written_is_reported_not_raised(tmp_path: Path) -> None:
    blocker = tmp_path / "cards"
    blocker.write_text("a file where the folder should be")
    batch = CardBatch(blocker / "inner", workers=1)
    batch.need("x-1", inputs(1))
    with pytest.raises(OSError):
        batch.start()  # the folder itself cannot be made: the build should hear of it
    batch = CardBatch(tmp_path, workers=1)
    path, drawn = batch.need("x-1", inputs(1))
    assert drawn
    path.mkdir()  # a folder where the card should be written
    batch.start()
    failures = batch.finish()
    assert [where for where, _ in failures] == [str(path)]


def test_a_card_the_worker_cannot_write_is_reported(tmp_path: Path) -> None:
    count = card_batch.POOL_THRESHOLD + 2  # drawn by the worker process
    batch = CardBatch(tmp_path, workers=2)
    blocked = tmp_path / inputs(3).file_name("x-3")
    blocked.mkdir()  # a folder where the card should be written
    assert sum(batch.need(f"x-{n}", inputs(n))[1] for n in range(count)) == count
    assert batch._workers  # the cards went to a worker, not this process
    batch.start()
    assert [where for where, _ in batch.finish()] == [str(blocked)]
    assert len([p for p in tmp_path.glob("*.png") if p.is_file()]) == count - 1
    assert not list(tmp_path.glob(".*"))  # no temporary files left behind


def test_cards_a_dead_worker_left_are_drawn_here_or_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(card_batch, "BOOT", "import sys; sys.exit(3)")  # dies at once
    count = card_batch.POOL_THRESHOLD + 40
    batch = CardBatch(tmp_path, workers=2)
    paths = [str(batch.need(f"x-{n}", inputs(n))[0]) for n in range(count)]
    batch.start()
    failed = {where for where, _ in batch.finish()}
    drawn = {str(p) for p in tmp_path.glob("*.png")}
    assert drawn | failed == set(paths)  # no card is silently missing
    assert not drawn & failed


def test_the_worker_draws_the_cards_this_process_would(tmp_path: Path) -> None:
    """Cards of different labels, interleaved: the worker groups them by palette."""
    labels = [(("Cardiology", "#c2410c"),), (), (("Nephrology", "#6d28d9"), ("Odd", "x"))]
    jobs = [
        (f"x-{n}", CardInputs(f"Title {n}", "Dr A", "a", labels[n % 3], "Site"))
        for n in range(card_batch.POOL_THRESHOLD + 6)
    ]
    folders = {workers: tmp_path / str(workers) for workers in (1, 2)}
    for workers, folder in folders.items():
        batch = CardBatch(folder, workers=workers)
        for slug, card in jobs:
            batch.need(slug, card)
        assert bool(batch._workers) == (workers == 2)
        batch.start()
        assert batch.finish() == []
    drawn = {p.name: p.read_bytes() for p in folders[1].glob("*.png")}
    assert len(drawn) == len(jobs)
    assert {p.name: p.read_bytes() for p in folders[2].glob("*.png")} == drawn


def test_ctrl_c_stops_a_worker_without_a_traceback() -> None:
    pillow = str(Path(PIL.__file__).resolve().parents[1])
    package = str(Path(card_batch.__file__).resolve().parents[1])
    worker = subprocess.Popen(
        [sys.executable, "-I", "-S", "-c", BOOT, pillow, package],
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(0.5)  # let it start waiting for cards
    worker.send_signal(signal.SIGINT)
    _, said = worker.communicate(timeout=30)
    assert worker.returncode == 130
    assert "Traceback" not in said


def drawn_here(folder: Path, count: int) -> dict[str, bytes]:
    """The cards ``count`` threads get from a build that draws them in its own process."""
    draw(folder, count, workers=1)
    return {p.name: p.read_bytes() for p in folder.glob("*.png")}


def build_with_workers(folder: Path, count: int) -> tuple[list[tuple[str, str]], dict[str, bytes]]:
    batch = CardBatch(folder, workers=2)
    assert sum(batch.need(f"x-{n}", inputs(n))[1] for n in range(count)) == count
    batch.start()
    failures = batch.finish()
    return failures, {p.name: p.read_bytes() for p in folder.glob("*.png")}


@pytest.mark.parametrize(
    "boot",
    [
        "import sys; sys.exit(1)",  # dies at once
        "print('Fatal Python error: no memory', flush=True)",  # says something, not a report
    ],
    ids=["dies-at-start", "not-a-report"],
)
def test_cards_a_broken_worker_did_not_draw_are_drawn_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, boot: str
) -> None:
    count = card_batch.POOL_THRESHOLD + 4
    expected = drawn_here(tmp_path / "here", count)
    monkeypatch.setattr(card_batch, "BOOT", boot)
    failures, cards = build_with_workers(tmp_path / "worker", count)
    assert failures == []
    assert cards == expected  # every card, the bytes this process draws
    assert "card worker failed" in caplog.text


def test_a_worker_without_pillow_says_so_and_the_cards_are_drawn_here(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    count = card_batch.POOL_THRESHOLD + 4
    expected = drawn_here(tmp_path / "here", count)
    no_pillow = tmp_path / "no-pillow"
    no_pillow.mkdir()
    monkeypatch.setattr(card_batch, "BOOT", BOOT.replace("sys.argv[1]", repr(str(no_pillow))))
    failures, cards = build_with_workers(tmp_path / "worker", count)
    assert failures == []
    assert cards == expected
    assert "card worker failed" in caplog.text and "PIL" in caplog.text
    assert "Traceback" not in capfd.readouterr().err


def test_cards_are_drawn_here_when_no_worker_can_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    count = card_batch.POOL_THRESHOLD + 4
    expected = drawn_here(tmp_path / "here", count)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "no-python"))
    failures, cards = build_with_workers(tmp_path / "worker", count)
    assert failures == []
    assert cards == expected
    assert "card worker could not start" in caplog.text


def test_workers_that_started_are_used_when_a_later_one_cannot_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Three workers asked for, the second cannot start: the first is not left running
    unread, it draws its share, and this process draws the rest."""
    real = card_batch._start_worker
    started: list[subprocess.Popen[str]] = []

    def one_then_none() -> subprocess.Popen[str]:
        if started:
            raise OSError("Resource temporarily unavailable")
        started.append(real())
        return started[-1]

    here: list[str] = []
    draw_here = card_batch.draw_card_file
    monkeypatch.setattr(card_batch, "_start_worker", one_then_none)

    def counted(path: str, card: CardInputs) -> str:
        here.append(path)
        return draw_here(path, card)

    monkeypatch.setattr(card_batch, "draw_card_file", counted)
    batch = CardBatch(tmp_path, workers=4, drawing="shared")
    count = card_batch.POOL_THRESHOLD + 6
    assert all(batch.need(f"x-{n}", inputs(n))[1] for n in range(count))
    assert batch.finish() == []
    assert len(list(tmp_path.glob("*.png"))) == count
    assert started and started[0].returncode == 0  # collected, after drawing its share
    assert len(here) == count // 2  # every other card: this process and the one worker
    assert "this process and 1 worker(s)" in caplog.text


def test_the_worker_puts_pillow_after_the_standard_library(tmp_path: Path) -> None:
    """A stale backport beside Pillow (PyPI ``pathlib``, ``enum34``) must not shadow the
    standard library in the worker: here a ``json.py`` that would stop it."""
    stale = tmp_path / "site-packages"
    stale.mkdir()
    (stale / "json.py").write_text("raise SystemExit('a stale json shadowed the standard one')\n")
    package = str(Path(card_batch.__file__).resolve().parents[1])
    worker = subprocess.run(
        [sys.executable, "-I", "-S", "-c", BOOT, str(stale), package],
        input="",
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert (worker.returncode, worker.stderr) == (0, "")


def test_the_worker_writes_a_card_with_the_platform_s_paths(tmp_path: Path) -> None:
    from tweetorials.media.cards_worker import draw_into

    path = tmp_path / "sub" / "card.png"
    path.parent.mkdir()
    draw_into(str(path), b"png bytes")
    assert path.read_bytes() == b"png bytes"
    assert [p.name for p in path.parent.iterdir()] == ["card.png"]  # no temporary file left
