"""Compiled templates are kept between builds, and read back only where they still apply."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import DictLoader, Environment, pass_context
from tweetorials.render.template_cache import _options, _TemplateCache

from .conftest import build

SOURCE = "{% for x in items %}<i>{{ x }}</i>{% endfor %}"


class _Counting(Environment):
    compiled = 0

    def compile(self, *args: Any, **kwargs: Any) -> Any:
        type(self).compiled += 1
        return super().compile(*args, **kwargs)


def _render(folder: Path, source: str = SOURCE, **options: Any) -> str:
    env = _Counting(loader=DictLoader({"t.html": source}), **options)
    env.bytecode_cache = _TemplateCache(str(folder), _options(env))
    return env.get_template("t.html").render(items=["<b>"])


def test_a_template_is_compiled_once_then_read_back(tmp_path: Path) -> None:
    _Counting.compiled = 0
    first = _render(tmp_path, autoescape=True)
    again = _render(tmp_path, autoescape=True)
    assert first == again == "<i>&lt;b&gt;</i>"
    assert _Counting.compiled == 1


def test_other_options_or_source_compile_again(tmp_path: Path) -> None:
    _Counting.compiled = 0
    assert _render(tmp_path, autoescape=True) == "<i>&lt;b&gt;</i>"
    assert _render(tmp_path, autoescape=False) == "<i><b></i>"
    assert _render(tmp_path, source=SOURCE + "!", autoescape=True) == "<i>&lt;b&gt;</i>!"
    assert _Counting.compiled == 3


def test_a_filter_that_now_takes_the_context_compiles_again(tmp_path: Path) -> None:
    """The compiled code calls a filter as it was when compiled: with the context or not."""
    source = "{{ 'x' | mark }}"

    def plain(value: str) -> str:
        return f"[{value}]"

    @pass_context
    def with_context(context: Any, value: str) -> str:
        return f"[{value} on {context['page']}]"

    def render(mark: Any) -> str:
        env = _Counting(loader=DictLoader({"t.html": source}))
        env.filters["mark"] = mark
        env.bytecode_cache = _TemplateCache(str(tmp_path), _options(env))
        return env.get_template("t.html").render(page="p")

    _Counting.compiled = 0
    assert render(plain) == "[x]"
    assert render(with_context) == "[x on p]"
    assert _Counting.compiled == 2


def test_a_folder_that_cannot_be_written_only_costs_the_speed_up(tmp_path: Path) -> None:
    missing = tmp_path / "not-there"  # the cache writes its files there: each write fails
    assert _render(missing, autoescape=True) == "<i>&lt;b&gt;</i>"
    assert not missing.exists()


def test_a_build_from_kept_templates_writes_the_same_site(site: Path) -> None:
    first = build(site, site / "first", TWEETORIALS_SEARCH=False)
    kept = sorted((site / "cache" / "jinja").iterdir())
    assert kept  # the first build kept its compiled templates
    again = build(site, site / "again", TWEETORIALS_SEARCH=False)
    assert sorted((site / "cache" / "jinja").iterdir()) == kept  # read back, none added
    assert _files(first) == _files(again)


def _files(output: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(output)): path.read_bytes()
        for path in sorted(output.rglob("*"))
        if path.is_file()
    }
