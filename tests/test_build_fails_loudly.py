"""A build that cannot do its job says so and exits non-zero, instead of writing an empty site.

Pelican logs a plugin that cannot be imported or registered and builds on without it, exit 0;
`make html` and `make publish` pass ``--fatal errors`` so that becomes a failure. An unusable
setting refuses the build in one line, exit 2, like any other bad input.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from .conftest import ROOT, copy_site, run_pelican


def test_make_html_and_make_publish_fail_on_errors() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for target, conf in (("html", "pelicanconf.py"), ("publish", "publishconf.py")):
        recipe = re.search(rf"^{target}:.*\n((?:\t.*\n)+)", makefile, re.MULTILINE)
        assert recipe is not None, f"no {target} target"
        pelican_lines = [line for line in recipe.group(1).splitlines() if "pelican " in line]
        assert len(pelican_lines) == 1 and f"-s {conf}" in pelican_lines[0]
        assert "--fatal errors" in pelican_lines[0], f"make {target} would hide plugin errors"


@pytest.mark.parametrize(
    ("module", "breakage", "said"),
    [
        ("__init__.py", "\nimport tweetorials_missing_dependency\n", "Cannot load plugin"),
        ("render/search.py", "\ndef broken(:\n", "SyntaxError"),
        ("render/plugin.py", "\nimport tweetorials_missing_dependency\n", "Cannot register"),
    ],
)
def test_a_plugin_that_cannot_load_fails_the_build(
    tmp_path: Path, module: str, breakage: str, said: str
) -> None:
    site = copy_site(tmp_path)
    package = tmp_path / "broken" / "tweetorials"
    shutil.copytree(
        ROOT / "plugins" / "tweetorials", package, ignore=shutil.ignore_patterns("__pycache__")
    )
    with (package / module).open("a", encoding="utf-8") as handle:
        handle.write(breakage)
    done = run_pelican(site, PYTHONPATH=str(tmp_path / "broken"))  # this copy comes first
    assert done.returncode != 0
    assert said in done.stdout + done.stderr
    assert not (site / "output" / "index.html").exists()


def test_an_unusable_setting_refuses_the_build_in_one_line(tmp_path: Path) -> None:
    site = copy_site(tmp_path)
    done = run_pelican(site, TWEETORIALS_FETCH="sometimes")
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "tweetorials: build refused: TWEETORIALS_FETCH='sometimes' is not one of "
        "missing, never, refresh"
    ]
    assert not (site / "output").exists()
