"""Full-text search: run Pagefind over the built site at the end of every build.

Pagefind reads the written HTML and writes a static index plus its UI into ``output/pagefind/``;
the browser then downloads only the index fragments a query needs, with no server and no
third-party request. Running it from Pelican's ``finalized`` signal means ``make html``,
``make publish`` and the tests all index the same way, with no extra command to forget.

What is indexed is decided in the templates: thread pages carry ``data-pagefind-body`` (every
other page is then left out), their specialties are ``data-pagefind-filter="specialty"`` and the
author ``data-pagefind-meta="author"``.

Settings: ``TWEETORIALS_SEARCH`` (default True; a Pelican setting or environment variable)
switches indexing off; the binary comes from
the ``pagefind_bin`` package (``pip install 'pagefind[bin]'``) or ``PAGEFIND_BINARY`` / ``PATH``.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from .plugin import plugin_settings

__all__ = ["SearchIndexError", "build_search_index", "find_pagefind", "index_site"]

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 300
#: The HTML Pagefind reads: its default ``**/*.{html}``, minus the files under a hidden folder
#: at the top of the output. The previous output's ``.tweetorials-old-output-*`` (left behind
#: when it could not be deleted) is such a folder, and its old pages must not be found.
PAGE_GLOB = "{*.html,[!.]*/**/*.html}"


class SearchIndexError(RuntimeError):
    """Pagefind ran and failed; the message carries what it said."""


def find_pagefind() -> str | None:
    """The Pagefind executable: ``PAGEFIND_BINARY``, the ``pagefind_bin`` package, or PATH."""
    explicit = os.environ.get("PAGEFIND_BINARY")
    if explicit:
        return explicit
    try:
        import pagefind_bin

        return str(pagefind_bin.get_executable())
    except (ImportError, FileNotFoundError):
        pass
    return shutil.which("pagefind_extended") or shutil.which("pagefind")


def index_site(output: Path, binary: str | None = None) -> Path:
    """Index ``output`` with Pagefind; returns the bundle folder (``output/pagefind``)."""
    binary = binary or find_pagefind()
    if binary is None:
        raise FileNotFoundError(
            "Pagefind is not installed; install it with `pip install 'pagefind[bin]'` "
            "(or `pip install -e '.[search]'`), or set TWEETORIALS_SEARCH = False"
        )
    command = [binary, "--site", str(output), "--output-subdir", "pagefind"]
    command += ["--glob", PAGE_GLOB, "--silent"]
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False
        )
    except subprocess.TimeoutExpired:
        raise SearchIndexError(
            f"Pagefind did not finish indexing {output} within {TIMEOUT_SECONDS} s"
        ) from None
    if result.returncode != 0:
        said = (result.stderr or result.stdout).strip()
        raise SearchIndexError(
            f"Pagefind failed (exit {result.returncode}) indexing {output}:\n{said}"
        )
    bundle = output / "pagefind"
    if not (bundle / "pagefind.js").is_file():
        raise SearchIndexError(f"Pagefind ran but wrote no index into {bundle}")
    return bundle


def build_search_index(pelican: Any) -> None:
    """``finalized`` handler: index the site, or say plainly why search is missing."""
    if not plugin_settings(pelican.settings).search:
        log.info("tweetorials: search indexing is off (TWEETORIALS_SEARCH = False)")
        return
    output = Path(pelican.output_path)
    try:
        bundle = index_site(output)
    except FileNotFoundError as exc:
        log.warning("tweetorials: no search index: %s", exc)
        return
    log.info("tweetorials: search index written to %s", bundle)
