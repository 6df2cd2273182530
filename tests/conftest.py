"""Shared fixtures: a real Pelican build into a temporary folder, and the browser switch."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent

FIXTURES = Path(__file__).parent / "fixtures"

if TYPE_CHECKING:
    from tweetorials.platforms import PostRef
    from tweetorials.snapshot import Thread


@pytest.fixture(scope="session", autouse=True)
def _settings_from_the_tests_only() -> Iterator[None]:
    """Every ``TWEETORIALS_*`` setting a test needs, the test sets: one exported in the shell
    that runs the suite (``TWEETORIALS_CARDS=after``, say) would win over the test's own and
    change what it builds."""
    from tweetorials.settings import Settings

    with pytest.MonkeyPatch.context() as patch:
        for name in Settings.names():
            patch.delenv(name, raising=False)
        yield


@dataclass(frozen=True)
class CatalogEntry:
    """What the fetch runner reads of a catalog entry, without a catalog file."""

    url: str
    ref: PostRef
    slug: str
    platform: str
    last_url: str | None = None
    line: int = 1


def catalog_entry(
    url: str, line: int = 1, *, platform: str | None = None, last: str | None = None
) -> CatalogEntry:
    """The entry for the thread at ``url`` (``last``: its last known post), on catalog ``line``."""
    from tweetorials.platforms import parse_post_url

    ref = parse_post_url(url, platform)
    return CatalogEntry(
        url=ref.url, ref=ref, slug=ref.slug, platform=ref.platform, last_url=last, line=line
    )


def copy_site(dest: Path) -> Path:
    """Copy the project's site sources (catalog, content, theme) into ``dest``."""
    for name in ("threads.yaml", "pelicanconf.py"):
        shutil.copy(ROOT / name, dest / name)
    shutil.copytree(ROOT / "content", dest / "content")
    shutil.copytree(ROOT / "theme", dest / "theme")
    return dest


def add_thread(site: Path, thread: Thread, catalog_entry: str, slug: str = "x-1") -> None:
    """Save ``thread`` as the snapshot ``slug`` of ``site`` and append ``catalog_entry`` (the
    YAML lines of its ``threads:`` item) to the site's threads.yaml."""
    from tweetorials.snapshot import SnapshotStore

    SnapshotStore(site / "content" / "threads").save(slug, thread)
    with (site / "threads.yaml").open("a", encoding="utf-8") as handle:
        handle.write(catalog_entry)


#: What `make html` and `make publish` add to the pelican command (see the Makefile).
FATAL = ("--fatal", "errors")


def run_pelican(
    site: Path, settings: str = "pelicanconf.py", **env: str
) -> subprocess.CompletedProcess[str]:
    """Pelican as `make html` runs it, in ``site``, offline (``TWEETORIALS_FETCH=never``), with
    ``env`` added to the environment: what a maintainer sees, exit status included."""
    return subprocess.run(
        [sys.executable, "-m", "pelican", "content", "-s", settings, "-o", "output", *FATAL],
        cwd=site,
        env={**os.environ, "TWEETORIALS_FETCH": "never", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def soup(path: Path) -> BeautifulSoup:
    """A built page, parsed."""
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A copy of the project's site sources (catalog, content, theme) in a temporary folder."""
    return copy_site(tmp_path)


BuildSite = Callable[..., Path]


def build(root: Path, output: Path | None = None, **overrides: object) -> Path:
    """Run a real Pelican build of the site folder ``root``; returns the output folder."""
    output = output or root / "output"
    pelican_for(root, output, **overrides).run()
    return output


def pelican_for(root: Path, output: Path, **overrides: object) -> Any:
    """The Pelican object :func:`build` runs (plugins registered), for a test that runs it
    itself, e.g. twice as ``pelican -r`` does."""
    from pelican import Pelican
    from pelican.log import LimitFilter
    from pelican.settings import read_settings

    # Pelican shows each warning once per process; every test build is a new build.
    LimitFilter._raised_messages.clear()

    settings = read_settings(
        str(root / "pelicanconf.py"),
        override={
            "PATH": str(root / "content"),
            "OUTPUT_PATH": str(output),
            "THEME": str(root / "theme"),
            "TWEETORIALS_CATALOG": str(root / "threads.yaml"),
            "TWEETORIALS_FETCH": "never",
            **overrides,
        },
    )
    return Pelican(settings)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's sample site, built once per session into a temporary folder (read only:
    the browser tests serve it, the validators read it)."""
    root = copy_site(tmp_path_factory.mktemp("built-site"))
    return build(root)


#: The address the published-style session build lives at: a project site under a path.
PUBLISHED_URL = "https://foamed-library.example/tweetorials"


@pytest.fixture(scope="session")
def published_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample site built as ``make publish`` builds it (absolute addresses under
    :data:`PUBLISHED_URL`), once per session."""
    root = copy_site(tmp_path_factory.mktemp("published-site"))
    return build(root, SITEURL=PUBLISHED_URL, RELATIVE_URLS=False, FEED_DOMAIN=PUBLISHED_URL)


def skip_or_require(reason: str, environ: Mapping[str, str] = os.environ) -> NoReturn:
    """Skip a validator test whose tool is missing, with one line saying how to install it; fail
    instead when ``TWEETORIALS_REQUIRE_VALIDATORS=1`` (set by ``.ci/run``), because a CI run
    whose validators silently skipped proves nothing."""
    if environ.get("TWEETORIALS_REQUIRE_VALIDATORS") == "1":
        pytest.fail(f"validators are required here (TWEETORIALS_REQUIRE_VALIDATORS=1): {reason}")
    pytest.skip(reason)


@pytest.fixture
def build_site() -> BuildSite:
    """Run a real Pelican build of the site folder ``root``; returns the output folder."""
    return build
