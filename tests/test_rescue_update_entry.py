"""Importing a listed thread adds missing specialties, tags and title, byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest
from tweetorials.catalog.append import AppendError
from tweetorials.catalog.update import update_entry

from .rescue_helpers import THREAD_A, X_ARCHIVE, fingerprint, make_site, run_import

HEAD = """# the library
specialties:
  pathophysiology:
    title: Pathophysiology
  policy:
    title: Policy
threads:
"""
OTHER = """  # kept as written
  - url: https://x.com/other/status/1
    specialties: ['policy']   # quoted on purpose
"""


def catalog(entry: str) -> str:
    return HEAD + entry + "\n" + OTHER


def test_block_lists_grow_in_their_own_column() -> None:
    entry = (
        "  - url: https://x.com/a/status/9\n"
        "    specialties:\n"
        "      - pathophysiology  # first\n"
        "    tags:\n"
        "      - acid-base\n"
        "    added: 2024-01-02\n"
    )
    result = update_entry(catalog(entry), 8, ["policy", "pathophysiology"], ["ions"], None)
    assert result.text == catalog(
        entry.replace("# first\n", "# first\n      - policy\n").replace(
            "acid-base\n", "acid-base\n      - ions\n"
        )
    )
    assert result.specialties == ("policy",) and result.tags == ("ions",)


def test_flow_lists_grow_inside_their_brackets() -> None:
    entry = "  - url: https://x.com/a/status/9\n    specialties: [pathophysiology]  # ok\n    tags: []\n"
    result = update_entry(catalog(entry), 8, ["policy"], ["ions", "na"], None)
    assert result.text == catalog(
        entry.replace("[pathophysiology]", "[pathophysiology, policy]").replace("[]", "[ions, na]")
    )


def test_a_missing_key_and_title_go_at_the_end_of_the_entry() -> None:
    entry = "  - url: https://x.com/a/status/9\n    specialties: [policy]\n    note: |\n      two\n      lines\n"
    result = update_entry(catalog(entry), 8, [], ["ions"], "Anion gap: a primer")
    assert result.text == catalog(entry + '    tags: [ions]\n    title: "Anion gap: a primer"\n')
    assert result.title_set and not result.title_kept


def test_a_title_it_has_is_kept_and_a_second_run_changes_nothing() -> None:
    entry = "  - url: https://x.com/a/status/9\n    specialties: [policy]\n    title: Mine\n"
    first = update_entry(catalog(entry), 8, ["pathophysiology"], [], "Theirs")
    assert first.title_kept and not first.title_set
    assert "title: Mine\n" in first.text and "Theirs" not in first.text
    again = update_entry(first.text, 8, ["pathophysiology"], [], "Theirs")
    assert again.text == first.text and again.specialties == ()


@pytest.mark.parametrize(
    "entry",
    [
        "  - {url: 'https://x.com/a/status/9', specialties: [policy]}\n",
        "  - url: https://x.com/a/status/9\n    specialties: policy\n",
        "  - url: https://x.com/a/status/9\n    specialties: [policy]\n    title:\n",
        "  - url: https://x.com/a/status/9\n    specialties: [policy,\n      pathophysiology]\n",
        "  - url: https://x.com/a/status/9\n    specialties:\n      - policy\n      # why\n      - pathophysiology\n",
    ],
)
def test_shapes_it_cannot_edit_are_refused(entry: str) -> None:
    with pytest.raises(AppendError) as refused:
        update_entry(catalog(entry), 8, ["value-care"], ["ions"], "T")
    assert "by hand" in refused.value.message


def test_an_empty_title_is_refused_only_when_a_title_is_given() -> None:
    entry = "  - url: https://x.com/a/status/9\n    specialties: [policy]\n    title:\n"
    with pytest.raises(AppendError):
        update_entry(catalog(entry), 8, [], [], "New")
    assert update_entry(catalog(entry), 8, [], ["ions"], None).tags == ("ions",)


# -- through the command --------------------------------------------------------------------


def imported_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    site = make_site(tmp_path)
    first = run_import(site, capsys, str(X_ARCHIVE), "--thread", THREAD_A, "-s", "policy")
    assert first.code == 0, first.err
    return site


def test_import_adds_to_a_listed_entry_and_is_idempotent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = imported_once(tmp_path, capsys)
    before = (site / "threads.yaml").read_text(encoding="utf-8")
    args = [str(X_ARCHIVE), "--thread", THREAD_A, "-s", "pathophysiology", "-t", "ions"]
    result = run_import(site, capsys, *args, "--title", "Gap")
    assert result.code == 0, result.err
    assert "already listed; added specialty pathophysiology; added tag ions; set the title" in (
        result.out
    )
    after = (site / "threads.yaml").read_text(encoding="utf-8")
    start = before.index(f"  - url: https://x.com/foamed_example/status/{THREAD_A}")
    entry = before[start:]
    assert after[:start] == before[:start]
    assert (
        after[start:]
        == entry.replace("specialties: [policy]", "specialties: [policy, pathophysiology]")
        + "    tags: [ions]\n    title: Gap\n"
    )
    files = fingerprint(site)
    again = run_import(site, capsys, *args, "--title", "Other")
    assert again.code == 0
    assert "kept its own title" in again.out
    assert fingerprint(site) == files


def test_an_unknown_specialty_is_refused_and_nothing_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = imported_once(tmp_path, capsys)
    files = fingerprint(site)
    result = run_import(site, capsys, str(X_ARCHIVE), "--thread", THREAD_A, "-s", "no-such")
    assert result.code == 2
    assert "specialty 'no-such' is not defined" in result.err.splitlines()[0]
    assert fingerprint(site) == files


def test_an_entry_in_an_odd_shape_is_refused_and_nothing_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = imported_once(tmp_path, capsys)
    path = site / "threads.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("specialties: [policy]\n", "specialties: [policy,\n      value-care]\n")
    )
    files = fingerprint(site)
    result = run_import(site, capsys, str(X_ARCHIVE), "--thread", THREAD_A, "-s", "pathophysiology")
    assert result.code == 2
    assert "by hand" in result.err.splitlines()[0]
    assert fingerprint(site) == files
