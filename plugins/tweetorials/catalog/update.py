"""Add specialties, tags and a missing title to a listed thread, keeping every other byte.

``tweetorials import`` of a thread that is already listed may bring ``--specialty``, ``--tag``
and ``--title``. Like :mod:`.append`, this edits the text instead of dumping the YAML again, so
comments, order and quoting stay the curators'. It only ever adds: a value already in a list is
left alone, none is removed, and a title that is there is kept. A list goes on in the style it
has (``- a`` lines or ``[a, b]``); a missing key becomes a new line at the end of the entry,
written as ``add`` writes it. Any shape it cannot extend safely (a flow-mapping entry, a list
spread over lines, a comment inside a list, a value that is not a list) raises
:class:`AppendError`, and the result is proved like an append: everything except this entry
must load exactly as before, and the entry must load as the old one plus the new values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .append import (
    AppendError,
    _after_line,
    _content_end,
    _flow_list,
    _line_end,
    _Style,
    _top_value,
    verify_one_entry,
    yaml_scalar,
)

__all__ = ["EntryUpdate", "update_entry"]


@dataclass(frozen=True)
class EntryUpdate:
    """The new text (equal to the old one when there was nothing to add) and what changed."""

    text: str
    specialties: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    title_set: bool = False
    title_kept: bool = False  # a --title was given, and the entry's own title stays


@dataclass
class _Plan:
    edits: list[tuple[int, str]] = field(default_factory=list)  # (offset, inserted)
    new_lines: list[str] = field(default_factory=list)  # keys appended to the entry


def update_entry(
    text: str, line: int, specialties: list[str], tags: list[str], title: str | None
) -> EntryUpdate:
    """Add to the entry that starts on ``line`` (1-based) of catalog ``text``."""
    item, index = _entry_node(text, line)
    data: dict[str, Any] = yaml.safe_load(text)["threads"][index]
    style = _Style.from_item(text, item, item.start_mark.column)
    plan = _Plan()
    added: dict[str, tuple[str, ...]] = {}
    for name, wanted in (("specialties", specialties), ("tags", tags)):
        have = data.get(name)
        have_list = have if isinstance(have, list) else []
        new = tuple(v for v in dict.fromkeys(w.strip() for w in wanted) if v not in have_list)
        added[name] = new
        if new:
            _extend(text, item, name, new, style, plan)
    title_set = bool(title and title.strip()) and "title" not in data
    if title and "title" in data and not data["title"]:
        raise AppendError(item.start_mark.line + 1, "the entry's title: is empty; fill it by hand")
    if title_set and title:
        plan.new_lines.append(f"{' ' * item.start_mark.column}title: {yaml_scalar(title.strip())}")
    if plan.new_lines:
        newline = "\r\n" if "\r\n" in text else "\n"
        end = _content_end(text, item)
        offset = _after_line(text, end)
        if offset == len(text) and not text.endswith("\n"):
            plan.edits.append((_line_end(text, end), newline + newline.join(plan.new_lines)))
        else:
            plan.edits.append((offset, newline.join(plan.new_lines) + newline))
    new_text = text
    for offset, inserted in sorted(plan.edits, reverse=True):
        new_text = new_text[:offset] + inserted + new_text[offset:]
    expected = dict(data)
    for name, new in added.items():
        if new:
            expected[name] = [*(data.get(name) or []), *new]
    if title_set and title:
        expected["title"] = title.strip()
    _verify(text, new_text, index, expected)
    return EntryUpdate(
        new_text,
        added["specialties"],
        added["tags"],
        title_set,
        bool(title) and not title_set,
    )


def _refuse(node: Node, what: str) -> AppendError:
    return AppendError(
        node.start_mark.line + 1,
        f"{what}; the entry was left as it is: add the values to it by hand "
        "and run `tweetorials check`",
    )


def _entry_node(text: str, line: int) -> tuple[MappingNode, int]:
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    found = _top_value(root, "threads") if isinstance(root, MappingNode) else None
    if found is None or not isinstance(found[1], SequenceNode):
        raise AppendError(1, "there is no 'threads:' list")
    for index, item in enumerate(found[1].value):
        if item.start_mark.line + 1 == line:
            if not isinstance(item, MappingNode) or item.flow_style:
                raise _refuse(item, "this entry is written as {...} on one line")
            return item, index
    raise AppendError(line, "no thread entry starts on this line")


def _extend(
    text: str, item: MappingNode, name: str, new: tuple[str, ...], style: _Style, plan: _Plan
) -> None:
    """Plan the edit that puts ``new`` at the end of list ``name`` (or adds the key)."""
    value = next((v for k, v in item.value if isinstance(k, ScalarNode) and k.value == name), None)
    key_col = item.start_mark.column
    if value is None:
        if style.block_lists:
            pad = " " * (key_col + style.list_dash_offset)
            plan.new_lines.append(f"{' ' * key_col}{name}:")
            plan.new_lines.extend(f"{pad}- {yaml_scalar(v)}" for v in new)
        else:
            plan.new_lines.append(f"{' ' * key_col}{name}: {_flow_list(new)}")
        return
    if not isinstance(value, SequenceNode):
        raise _refuse(value, f"'{name}' is not written as a list")
    if value.flow_style:
        start, end = value.start_mark.index, value.end_mark.index
        if "\n" in text[start:end] or "#" in text[start:end] or text[end - 1] != "]":
            raise _refuse(value, f"'{name}' is a [...] list over several lines or with a comment")
        items = ", ".join(yaml_scalar(v, flow=True) for v in new)
        plan.edits.append((end - 1, (", " if value.value else "") + items))
        return
    _extend_block(text, value, name, new, plan)


def _extend_block(
    text: str, value: SequenceNode, name: str, new: tuple[str, ...], plan: _Plan
) -> None:
    """New ``- x`` lines after the last one, in its column; every item one plain line."""
    lines = set()
    for child in value.value:
        start, end = child.start_mark.index, child.end_mark.index
        if not isinstance(child, ScalarNode) or "\n" in text[start:end]:
            raise _refuse(child, f"an item of '{name}' is not one value on one line")
        lines.add(child.start_mark.line)
    first, last = value.value[0].start_mark.line, value.value[-1].start_mark.line
    if len(lines) != len(value.value) or last - first + 1 != len(value.value):
        raise _refuse(value, f"'{name}' has comments or blank lines between its items")
    tail = value.value[-1]
    dash = text.rfind("-", 0, tail.start_mark.index)
    line_start = text.rfind("\n", 0, dash) + 1
    prefix = text[line_start : tail.start_mark.index]
    if prefix.strip() != "-" or "\t" in prefix:
        raise _refuse(tail, f"an item of '{name}' does not start its own '- ' line")
    newline = "\r\n" if "\r\n" in text else "\n"
    end = _line_end(text, tail.end_mark.index)
    body = "".join(newline + prefix + yaml_scalar(v) for v in new)
    plan.edits.append((end, body))


def _verify(old: str, new: str, index: int, expected: dict[str, Any]) -> None:
    """Everything but entry ``index`` must load as before; that entry as ``expected``."""
    problem = AppendError(
        0,
        "could not update the entry without changing other parts of the file; "
        "add the values by hand and run `tweetorials check`",
    )
    verify_one_entry(old, new, index, expected, problem)
