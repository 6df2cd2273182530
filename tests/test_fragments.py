"""render_once: a piece of a page drawn once per key, the same markup on every page after."""

from __future__ import annotations

from jinja2 import DictLoader, Environment
from tweetorials.render.fragments import RenderOnce

TEMPLATE = (
    "{% call render_once('card', item, SITEURL) %}"
    "<a href=\"{{ SITEURL }}/{{ item }}\">{{ drawn.append(1) or '' }}{{ item }}</a>"
    "{% endcall %}"
)


def _env() -> Environment:
    env = Environment(loader=DictLoader({"t": TEMPLATE}), autoescape=True)
    env.globals["render_once"] = RenderOnce()
    return env


def test_a_key_is_drawn_once_and_printed_again() -> None:
    env, drawn = _env(), []
    template = env.get_template("t")
    first = template.render(item="a<b", SITEURL="..", drawn=drawn)
    again = template.render(item="a<b", SITEURL="..", drawn=drawn)
    assert first == again == '<a href="../a&lt;b">a&lt;b</a>'
    assert len(drawn) == 1


def test_every_part_of_the_key_counts() -> None:
    env, drawn = _env(), []
    template = env.get_template("t")
    outputs = {
        template.render(item=item, SITEURL=site, drawn=drawn)
        for item, site in [("a", "."), ("a", ".."), ("b", "."), ("a", ".")]
    }
    assert outputs == {'<a href="./a">a</a>', '<a href="../a">a</a>', '<a href="./b">b</a>'}
    assert len(drawn) == 3


def test_each_environment_starts_empty() -> None:
    drawn: list[int] = []
    for _ in range(2):
        _env().get_template("t").render(item="a", SITEURL=".", drawn=drawn)
    assert len(drawn) == 2
