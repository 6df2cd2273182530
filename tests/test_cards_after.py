"""Social cards drawn after the build (``TWEETORIALS_CARDS=after``, as ``make html`` builds):
the build lists them, ``tweetorials cards`` draws them on every core and puts them into the
site, and the site ends up with the same cards a build that drew them itself has."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image
from tweetorials.cli import main
from tweetorials.media import card_batch
from tweetorials.media.card_batch import CardInputs
from tweetorials.media.cards_waiting import (
    WaitingCard,
    WaitingCards,
    WaitingError,
    draw_waiting,
    read_waiting,
    write_waiting,
)

from tests.conftest import ROOT, build, run_pelican, soup

WAITING = Path("cache") / "cards-waiting.json"
SITEURL = "https://example.org"


def publish(site: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """The build ``make publish`` runs (pages name their card in og:image only with SITEURL)."""
    (site / "publishconf.py").write_bytes((ROOT / "publishconf.py").read_bytes())
    return run_pelican(site, "publishconf.py", SITEURL=SITEURL, **env)


def cards_command(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``tweetorials cards`` as ``make html`` runs it: in the site's folder, a process of its own."""
    command = "import sys; from tweetorials.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run(
        [sys.executable, "-c", command, "cards", *args],
        cwd=site,
        capture_output=True,
        text=True,
        timeout=120,
    )


def page_cards(output: Path) -> dict[str, str]:
    """Each thread page's og:image path (site-relative), by page."""
    found = {}
    for page in sorted(output.glob("threads/*/index.html")):
        image = soup(page).select_one('meta[property="og:image"]')
        assert image is not None, page
        found[page.parent.name] = str(image["content"]).removeprefix(f"{SITEURL}/")
    return found


def test_the_build_lists_the_cards_and_the_command_draws_them(site: Path) -> None:
    built = publish(site, TWEETORIALS_CARDS="after")
    assert built.returncode == 0, built.stderr
    cards = page_cards(site / "output")
    assert cards and all(path == f"cards/{slug}.png" for slug, path in cards.items())
    assert not (site / "output" / "cards").exists()  # named by the pages, not drawn yet
    assert not list((site / "cache").glob("cards/*.png"))
    summary = " ".join(built.stderr.split())
    assert f"social cards: 0 drawn, {len(cards)} left for `tweetorials cards`, 0 reused" in summary
    waiting = read_waiting(site / WAITING, site / "cache" / "cards", site / "output")
    assert waiting is not None
    assert sorted(card.slug for card in waiting.cards) == sorted(cards)

    drawn = cards_command(site)
    assert drawn.returncode == 0, drawn.stderr
    assert f"social cards: {len(cards)} drawn in" in drawn.stdout
    assert not (site / WAITING).exists()
    for path in cards.values():
        with Image.open(site / "output" / path) as image:
            assert image.format == "PNG" and image.size == (1200, 630)

    again = cards_command(site)
    assert again.returncode == 0 and "none waiting" in again.stdout


def test_cards_drawn_after_are_the_cards_drawn_during(site: Path, tmp_path: Path) -> None:
    assert publish(site, TWEETORIALS_CARDS="after").returncode == 0
    assert cards_command(site).returncode == 0
    during = build(site, tmp_path / "during", TWEETORIALS_CACHE=str(tmp_path / "cache"))
    after_cards = sorted(p.name for p in (site / "cache" / "cards").glob("*.png"))
    assert after_cards == sorted(p.name for p in (tmp_path / "cache" / "cards").glob("*.png"))
    for card in (during / "cards").glob("*.png"):
        assert card.read_bytes() == (site / "output" / "cards" / card.name).read_bytes()


def test_a_build_with_every_card_drawn_leaves_nothing_waiting(site: Path) -> None:
    assert publish(site, TWEETORIALS_CARDS="after").returncode == 0
    assert cards_command(site).returncode == 0
    rebuilt = publish(site, TWEETORIALS_CARDS="after")
    assert rebuilt.returncode == 0, rebuilt.stderr
    pages = len(page_cards(site / "output"))
    assert f"social cards: 0 drawn, {pages} reused" in " ".join(rebuilt.stderr.split())
    assert not (site / WAITING).exists()
    assert len(list((site / "output" / "cards").glob("*.png"))) == pages


def test_a_build_that_draws_its_cards_removes_an_old_list(site: Path) -> None:
    """A list never outlives the build that wrote it: a later build drawing the cards itself
    (``pelican`` alone) leaves none for ``tweetorials cards`` to draw into its site."""
    assert publish(site, TWEETORIALS_CARDS="after").returncode == 0
    assert (site / WAITING).exists()
    assert publish(site).returncode == 0
    assert not (site / WAITING).exists()
    assert len(list((site / "output" / "cards").glob("*.png"))) == len(page_cards(site / "output"))


def waiting_cards(folder: Path, count: int, cache: Path | None = None) -> WaitingCards:
    """``count`` cards waiting for the site ``folder/output`` (cards kept in ``cache``,
    default ``folder/cache``)."""
    site_name = "FOAMed Library"
    cards = []
    for n in range(count):
        inputs = CardInputs(
            f"Why lactate rises ({n})", "Dr Ada", "ada", (("ICU", "#0f766e"),), site_name
        )
        slug = f"thread-{n}"
        cards.append(WaitingCard(slug, inputs.file_name(slug), inputs))
    cards_dir = (cache or folder / "cache") / "cards"
    return WaitingCards(cards_dir, folder / "output", site_name, tuple(cards))


def test_the_cards_are_shared_between_this_process_and_a_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here: list[str] = []
    real = card_batch.draw_card_file

    def counted(path: str, inputs: CardInputs) -> str:
        here.append(path)
        return real(path, inputs)

    monkeypatch.setattr(card_batch, "draw_card_file", counted)
    waiting = waiting_cards(tmp_path, card_batch.POOL_THRESHOLD + 6)
    report = draw_waiting(waiting, workers=2)
    assert report.drawn == len(waiting.cards) and not report.failures
    # this process drew every other card; the worker (a process of its own) the rest
    assert len(here) == len(waiting.cards) // 2
    for card in waiting.cards:
        assert (waiting.cards_dir / card.name).is_file()
        assert (waiting.output / "cards" / f"{card.slug}.png").is_file()


def failing_cards(monkeypatch: pytest.MonkeyPatch, *, site_card_too: bool = False) -> None:
    """Every thread's card fails to draw (and the site card too, when asked), in this
    process: no worker starts, so the failure is the one these tests put in."""
    real = card_batch.render_card

    def fails(title: str, author_name: str, *args: object, **kw: object) -> bytes:
        if site_card_too or title != author_name:  # the site card has its name twice
            raise OSError("No space left on device")
        return real(title, author_name, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(card_batch, "POOL_THRESHOLD", 10**6)
    monkeypatch.setattr(card_batch, "render_card", fails)


def test_a_card_that_cannot_be_drawn_gets_the_site_card_as_in_a_build(
    site: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """As when the build draws: a warning, the site card in its place, and exit 0, so one
    broken card does not stop `make publish` from publishing a site that names no missing
    image."""
    assert publish(site, TWEETORIALS_CARDS="after").returncode == 0
    pages = len(page_cards(site / "output"))
    failing_cards(monkeypatch)
    monkeypatch.chdir(site)
    assert main(["cards"]) == 0
    err = capsys.readouterr().err
    assert "could not be drawn: No space left on device" in err
    assert f"the site's own card stands in for {pages}" in err
    placed = {p.read_bytes() for p in (site / "output" / "cards").glob("*.png")}
    assert len(placed) == 1  # the site card, everywhere
    assert len(list((site / "output" / "cards").glob("*.png"))) == pages
    assert not (site / WAITING).exists()  # the next build lists the missing cards again


def test_when_even_the_site_card_fails_the_command_exits_1(
    site: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert publish(site, TWEETORIALS_CARDS="after").returncode == 0
    with monkeypatch.context() as failing:
        failing_cards(failing, site_card_too=True)
        monkeypatch.chdir(site)
        assert main(["cards"]) == 1
    assert "the site card could not be drawn either" in capsys.readouterr().err
    assert (site / WAITING).exists()  # kept: the site is not finished
    again = cards_command(site)  # once drawing works again, the same list finishes the site
    assert again.returncode == 0, again.stderr
    assert len(list((site / "output" / "cards").glob("*.png"))) == len(page_cards(site / "output"))


def test_a_site_folder_that_cannot_be_written_is_one_line_and_exit_1(
    site: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert publish(site, TWEETORIALS_CARDS="after").returncode == 0
    (site / "output" / "cards").write_text("a file where the folder goes", encoding="utf-8")
    monkeypatch.chdir(site)
    assert main(["cards"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("tweetorials cards: cannot put the cards into the site: ")
    assert "output/cards" in err[-1]
    assert (site / WAITING).exists()  # kept: run again once the folder can be written


def test_a_link_in_the_folder_of_cards_is_never_published(site: Path, tmp_path: Path) -> None:
    """A card in cache/cards/ that is a symbolic link (to a private file, say) counts as not
    drawn: the card is drawn again in its place, and the site gets an image, not the link."""
    assert publish(site, TWEETORIALS_CARDS="after").returncode == 0
    waiting = read_waiting(site / WAITING, site / "cache" / "cards", site / "output")
    assert waiting is not None
    secret = tmp_path / "secret.txt"
    secret.write_text("private", encoding="utf-8")
    first = waiting.cards[0]
    (site / "cache" / "cards").mkdir(parents=True)
    (site / "cache" / "cards" / first.name).symlink_to(secret)
    assert cards_command(site).returncode == 0
    card = site / "output" / "cards" / f"{first.slug}.png"
    assert not card.is_symlink() and card.read_bytes().startswith(b"\x89PNG")
    assert not (site / "cache" / "cards" / first.name).is_symlink()
    assert secret.read_text(encoding="utf-8") == "private"


def test_a_cache_moved_in_the_settings_file_is_found(site: Path) -> None:
    """The command reads the build's settings file, as the build does: a cache moved there
    (not in the environment) still has its list found and drawn."""
    conf = site / "pelicanconf.py"
    conf.write_text(conf.read_text(encoding="utf-8") + '\nTWEETORIALS_CACHE = "build-cache"\n')
    built = run_pelican(site, TWEETORIALS_CARDS="after")
    assert built.returncode == 0, built.stderr
    assert (site / "build-cache" / "cards-waiting.json").exists()
    drawn = cards_command(site, "-s", "pelicanconf.py", "-o", "output")
    assert drawn.returncode == 0, drawn.stderr
    assert (
        len(list((site / "output" / "cards").glob("*.png")))
        == len(list((site / "build-cache" / "cards").glob("*.png")))
        > 0
    )


def test_make_publish_s_settings_file_finds_the_list(site: Path) -> None:
    """``-s publishconf.py`` as ``make publish`` gives it: the file imports pelicanconf.py
    from the current folder, which the command runs it in (a process of its own here, so
    the site's pelicanconf.py is the one imported)."""
    assert publish(site, TWEETORIALS_CARDS="after").returncode == 0
    drawn = cards_command(site, "-s", "publishconf.py", "-o", "output")
    assert drawn.returncode == 0, drawn.stderr
    assert len(list((site / "output" / "cards").glob("*.png"))) == len(page_cards(site / "output"))


def test_an_output_path_in_the_settings_file_is_read_as_pelican_reads_it(
    site: Path, tmp_path: Path
) -> None:
    """Relative to the settings file's folder, ``..`` taken as text (not through a link)."""
    real = tmp_path / "real-conf"
    real.mkdir()
    conf = (site / "pelicanconf.py").read_text(encoding="utf-8")
    (real / "pelicanconf.py").write_text(conf + '\nOUTPUT_PATH = "../built"\n')
    (site / "conf").symlink_to(real)
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pelican",
            "content",
            "-s",
            "conf/pelicanconf.py",
            "--fatal",
            "errors",
        ],
        cwd=site,
        env={**os.environ, "TWEETORIALS_FETCH": "never", "TWEETORIALS_CARDS": "after"},
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stderr
    assert (site / "built" / "index.html").exists()
    drawn = cards_command(site, "-s", "conf/pelicanconf.py")
    assert drawn.returncode == 0, drawn.stderr
    assert len(list((site / "built" / "cards").glob("*.png"))) > 0


def test_a_list_for_another_site_folder_is_refused(site: Path) -> None:
    built = run_pelican(site, TWEETORIALS_CARDS="after")
    assert built.returncode == 0
    refused = cards_command(site, "-o", "elsewhere")
    assert refused.returncode == 2
    assert "the build wrote its site to" in refused.stderr and "(-o)" in refused.stderr
    assert not (site / "elsewhere").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "cannot be read"),
        ('{"format": 99}', "not a list of waiting cards of format 1"),
        ('{"format": 1, "cards": []}', "'site_name' is missing"),
        ("CARD:../../escape", "is not a plain file name"),
        ("CARD:.hidden", "is not a plain file name"),
        ("NAME:other-0123456789ab.png", "is not named <slug>-<hash>.png"),
        ("NAME:thread-0-0123456789ab.png/../../x", "is not named <slug>-<hash>.png"),
        ("TWICE:", "the slug 'thread-0' is listed twice"),
        ("OUTPUT:/somewhere/else", "the build wrote its site to /somewhere/else"),
        ("CARDS_DIR:/somewhere/else", "the build kept its cards in /somewhere/else"),
    ],
)
def test_an_unusable_list_is_refused_with_one_line_and_exit_2(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    content: str,
    message: str,
) -> None:
    path = tmp_path / WAITING
    edit, _, value = content.partition(":")
    if edit in ("CARD", "NAME", "TWICE", "OUTPUT", "CARDS_DIR"):
        write_waiting(path, waiting_cards(tmp_path, 2))
        data = json.loads(path.read_text(encoding="utf-8"))
        if edit in ("CARD", "NAME"):
            data["cards"][0][0 if edit == "CARD" else 1] = value
        elif edit == "TWICE":
            data["cards"][1] = data["cards"][0]
        else:
            data[edit.lower()] = value
        content = json.dumps(data)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")
    with pytest.raises(WaitingError, match=re.escape(message)):
        read_waiting(path, tmp_path / "cache" / "cards", tmp_path / "output")
    (tmp_path / "threads.yaml").touch()
    monkeypatch.chdir(tmp_path)
    assert main(["cards"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("tweetorials cards: ") and message in err[0]
    assert "run the build again" in err[0] or "give `tweetorials cards` the build's" in err[0]
    assert not (tmp_path / "output").exists()


def test_the_list_finds_the_cache_the_build_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``TWEETORIALS_CACHE`` moves the list for the build, so for the command as well."""
    cache = tmp_path / "elsewhere"
    waiting = waiting_cards(tmp_path, 2, cache)
    write_waiting(cache / "cards-waiting.json", waiting)
    monkeypatch.setenv("TWEETORIALS_CACHE", str(cache))
    monkeypatch.chdir(tmp_path)
    assert main(["cards"]) == 0
    assert "social cards: 2 drawn" in capsys.readouterr().out
    assert len(list((tmp_path / "output" / "cards").glob("*.png"))) == 2


def test_nothing_waiting_is_quick_and_loads_no_drawing(tmp_path: Path) -> None:
    """``make html`` runs the command after every build: with nothing waiting it loads neither
    Pillow nor the catalog's YAML nor httpx, and with cards waiting only Pillow."""
    probe = (
        "import sys; from tweetorials.cli import main; code = main(['cards']); "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'PIL', 'yaml', 'httpx', 'pelican'}))"
    )
    (tmp_path / "threads.yaml").touch()
    run = [sys.executable, "-c", probe]
    nothing = subprocess.run(run, cwd=tmp_path, capture_output=True, text=True, check=True)
    assert nothing.stdout.splitlines()[-1] == "[]"
    write_waiting(tmp_path / WAITING, waiting_cards(tmp_path, 1))
    some = subprocess.run(run, cwd=tmp_path, capture_output=True, text=True, check=True)
    assert some.stdout.splitlines()[-1] == "['PIL']"


@pytest.mark.parametrize("chosen", [None, "", "during"], ids=["unset", "blank", "environment-wins"])
def test_make_html_and_publish_draw_the_cards_after_the_pages(
    tmp_path: Path, chosen: str | None
) -> None:
    """The Makefile's recipes, run with stand-ins for pelican and tweetorials that record
    their arguments and the ``TWEETORIALS_CARDS`` they were given."""
    log = tmp_path / "log"
    for name in ("pelican", "tweetorials"):
        fake = tmp_path / name
        fake.write_text(f'#!/bin/sh\necho "{name} $TWEETORIALS_CARDS $*" >> {log}\n')
        fake.chmod(0o755)
    env = {"PATH": "/usr/bin:/bin"} | ({} if chosen is None else {"TWEETORIALS_CARDS": chosen})
    for target in ("html", "publish"):
        log.unlink(missing_ok=True)
        subprocess.run(
            ["make", "-s", "-o", ".venv/.installed", target, f"BIN={tmp_path}"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        pelican, cards = log.read_text(encoding="utf-8").splitlines()
        conf = "pelicanconf.py" if target == "html" else "publishconf.py"
        assert pelican.startswith(f"pelican {chosen or 'after'} content -s {conf} -o output ")
        assert cards == f"tweetorials {chosen or 'after'} cards -s {conf} -o output"
