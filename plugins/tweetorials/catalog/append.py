"""Append a thread to ``threads.yaml`` by editing its text, keeping every other byte.

``threads.yaml`` is written by people: its comments explain entries, its blank lines group them,
and its order is the curators' order. Loading it and dumping it again would throw all of that
away, so ``tweetorials add`` inserts the new entry as text instead: after the last thread, with
the indentation, list style and line endings the file already uses. The result must be the old
file with one entry inserted, and :func:`append_entry` proves it before anyone writes it: the
new text is parsed again and everything except the new entry must load exactly as before, and
the new entry must load as exactly the values asked for.

Scalars are written plain when YAML reads them back unchanged, and double-quoted otherwise
(a title with ``: `` or `` #``, a note that looks like a date or ``yes``); a note with several
lines becomes a literal block scalar (``note: |``), as the curators write them by hand.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

__all__ = ["AppendError", "Insertion", "NewEntry", "append_entry", "yaml_scalar"]

# Characters YAML allows unescaped in a stream, minus line breaks (which YAML 1.1 also counts
# in \x85, \u2028 and \u2029) and the byte-order mark.
_UNPRINTABLE = re.compile(
    "[^\x09\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\n": "\\n",
    "\t": "\\t",
    "\r": "\\r",
    "\x85": "\\N",
    "\u2028": "\\L",
    "\u2029": "\\P",
}


class AppendError(Exception):
    """The entry cannot be inserted safely; ``line`` (0 if none) says where to look."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass(frozen=True)
class NewEntry:
    """The fields ``tweetorials add`` writes, in the order it writes them."""

    url: str
    specialties: tuple[str, ...]
    tags: tuple[str, ...] = ()
    platform: str | None = None  # ``manual`` for a copy with no post address (import)
    snapshot: str | None = None  # the snapshot's file name, when the URL does not give it
    title: str | None = None
    added: dt.date | None = None
    note: str | None = None

    def as_data(self) -> dict[str, Any]:
        """What YAML must read back for this entry (the note normalised as it is written)."""
        data: dict[str, Any] = {"url": self.url}
        if self.platform is not None:
            data["platform"] = self.platform
        if self.snapshot is not None:
            data["snapshot"] = self.snapshot
        data["specialties"] = list(self.specialties)
        if self.tags:
            data["tags"] = list(self.tags)
        if self.title is not None:
            data["title"] = self.title
        if self.added is not None:
            data["added"] = self.added
        if self.note is not None:
            data["note"] = normalise_note(self.note)
        return data


@dataclass(frozen=True)
class Insertion:
    """The new file text, and where the entry landed (1-based lines of the new text)."""

    text: str
    first_line: int
    last_line: int
    offset: int  # character index in the old text where the insertion happened
    added_lines: int  # how many line breaks the insertion added

    def old_line(self, new_line: int) -> int | None:
        """The line of the old file that ``new_line`` of the new text was, None if it is new."""
        if new_line < self.first_line:
            return new_line
        if new_line <= self.last_line:
            return None
        return new_line - self.added_lines


def normalise_note(note: str) -> str:
    """A note as it is stored: no blank lines around it, whitespace-only lines emptied.

    A note with several lines keeps one final line break (a YAML ``|`` block has one).
    """
    lines = [line if line.strip() else "" for line in note.replace("\r\n", "\n").split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    text = "\n".join(lines)
    return text + "\n" if len(lines) > 1 else text


def yaml_scalar(value: str, *, flow: bool = False) -> str:
    """``value`` as a YAML scalar: plain when it reads back unchanged, else double-quoted.

    ``flow`` asks for a scalar that is also safe inside ``[...]`` or ``{...}``.
    """
    if _plain_ok(value, flow):
        return value
    return _double_quoted(value)


def append_entry(text: str, entry: NewEntry) -> Insertion:
    """Insert ``entry`` at the end of the ``threads:`` list of catalog ``text``.

    Raises :class:`AppendError` when the file's layout is one this function cannot extend
    without touching other lines, or when the check after inserting finds any difference.
    """
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise AppendError(mark.line + 1 if mark else 0, f"not valid YAML: {exc}") from None
    if not isinstance(root, MappingNode):
        raise AppendError(1, "the top level must be a mapping with 'specialties:' and 'threads:'")
    found = _top_value(root, "threads")
    if found is None:
        raise AppendError(1, "there is no 'threads:' list to add to")
    key_node, seq = found
    empty = isinstance(seq, ScalarNode) and seq.tag == "tag:yaml.org,2002:null"
    if not isinstance(seq, SequenceNode) and not empty:
        raise AppendError(key_node.start_mark.line + 1, "'threads' must be a list")

    newline = "\r\n" if "\r\n" in text else "\n"
    if isinstance(seq, SequenceNode) and seq.flow_style and seq.value:
        edit = _append_flow(text, seq, entry)
    elif not isinstance(seq, SequenceNode) or seq.flow_style:
        edit = _replace_empty_flow(text, root, key_node, seq, entry, newline)
    else:
        edit = _append_block(text, seq, entry, newline)
    new_text = text[: edit.offset] + edit.inserted + text[edit.offset + len(edit.removed) :]

    _verify(text, new_text, entry)
    first_line = new_text[: edit.offset + edit.body_start].count("\n") + 1
    body = edit.inserted[edit.body_start : edit.body_end]
    return Insertion(
        text=new_text,
        first_line=first_line,
        last_line=first_line + body.count("\n"),
        offset=edit.offset,
        added_lines=edit.inserted.count("\n") - edit.removed.count("\n"),
    )


@dataclass(frozen=True)
class _Edit:
    """Replace ``removed`` at ``offset`` by ``inserted``, whose entry text is [body_start:body_end]."""

    offset: int
    removed: str
    inserted: str
    body_start: int
    body_end: int

    @classmethod
    def insert(
        cls, offset: int, before: str, body: str, after: str = "", removed: str = ""
    ) -> _Edit:
        return cls(offset, removed, before + body + after, len(before), len(before) + len(body))


# -- the three layouts ----------------------------------------------------------------------


def _append_block(text: str, seq: SequenceNode, entry: NewEntry, newline: str) -> _Edit:
    """After the last item of a block list (``- url: ...`` lines)."""
    last = seq.value[-1]
    if not isinstance(last, MappingNode):
        raise AppendError(last.start_mark.line + 1, "each thread must be a mapping with 'url:'")
    dash = text.rfind("-", 0, last.start_mark.index)
    dash_col = dash - (text.rfind("\n", 0, dash) + 1)
    key_col = last.start_mark.column
    same_line = "\n" not in text[dash : last.start_mark.index]
    gap = key_col - dash_col if same_line and key_col > dash_col else 2
    style = _Style.from_item(text, last, key_col)

    end = _content_end(text, last)
    offset = _after_line(text, end)
    # Comments indented under the last item belong to it; those at the list's own level (or
    # less) introduce what follows, so the new entry goes before them.
    while offset < len(text):
        line_end = _line_end(text, offset)
        line = text[offset:line_end]
        stripped = line.lstrip(" ")
        if stripped.startswith("#") and len(line) - len(stripped) > dash_col:
            offset = _after_line(text, line_end)
        else:
            break

    lines = _block_lines(entry, dash_col, gap, style)
    separator = newline if _blank_before(text, dash) else ""
    body = newline.join(lines)
    if offset == len(text) and text and not text.endswith("\n"):
        # The file ends without a line break: so does the new one.
        return _Edit.insert(offset, newline + separator, body)
    return _Edit.insert(offset, separator, body, newline)


def _replace_empty_flow(
    text: str,
    root: MappingNode,
    key_node: Node,
    seq: Node,
    entry: NewEntry,
    newline: str,
) -> _Edit:
    """``threads: []`` becomes ``threads:`` followed by the entry as a block list item.

    So does ``threads:`` with nothing under it (or ``threads: ~``), the natural way to start a
    library. A comment after the ``[]`` stays on the ``threads:`` line, byte for byte.
    """
    start, stop = seq.start_mark.index, seq.end_mark.index
    while start > key_node.end_mark.index + 1 and text[start - 1] in " \t":
        start -= 1
    line_end = _line_end(text, stop)
    tail = text[stop:line_end]
    indent = _indent_unit(root, key_node.start_mark.column)
    body = newline.join(_block_lines(entry, key_node.start_mark.column + indent, 2, _Style()))
    return _Edit.insert(start, tail + newline, body, removed=text[start:line_end])


def _append_flow(text: str, seq: SequenceNode, entry: NewEntry) -> _Edit:
    """``threads: [{...}, {...}]`` gets ``, {...}`` after its last item."""
    last = seq.value[-1]
    parts = [f"url: {yaml_scalar(entry.url, flow=True)}"]
    for name, value in (("platform", entry.platform), ("snapshot", entry.snapshot)):
        if value is not None:
            parts.append(f"{name}: {yaml_scalar(value, flow=True)}")
    parts.append(f"specialties: {_flow_list(entry.specialties)}")
    if entry.tags:
        parts.append(f"tags: {_flow_list(entry.tags)}")
    if entry.title is not None:
        parts.append(f"title: {yaml_scalar(entry.title, flow=True)}")
    if entry.added is not None:
        parts.append(f"added: {entry.added.isoformat()}")
    if entry.note is not None:
        parts.append(f"note: {yaml_scalar(normalise_note(entry.note), flow=True)}")
    return _Edit.insert(last.end_mark.index, ", ", "{" + ", ".join(parts) + "}")


# -- writing the entry ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Style:
    """How the file writes lists and notes inside an entry, copied from its last entry."""

    block_lists: bool = False
    list_dash_offset: int = 2  # columns from the key to the dash of a nested block list item
    note_indent: int = 2  # columns from the key to the text of a ``note: |`` block

    @classmethod
    def from_item(cls, text: str, item: MappingNode, key_col: int) -> _Style:
        block_lists, dash_offset, note_indent = False, 2, 2
        for key, value in item.value:
            name = key.value if isinstance(key, ScalarNode) else None
            if name in ("specialties", "tags") and isinstance(value, SequenceNode) and value.value:
                block_lists = not value.flow_style
                if block_lists:
                    first = value.value[0]
                    dash = text.rfind("-", 0, first.start_mark.index)
                    dash_offset = dash - (text.rfind("\n", 0, dash) + 1) - key_col
            if name == "note" and isinstance(value, ScalarNode) and value.style in ("|", ">"):
                body_start = _after_line(text, value.start_mark.index)
                body = text[body_start : _line_end(text, body_start)]
                if body.strip():
                    note_indent = len(body) - len(body.lstrip(" ")) - key_col
        return cls(block_lists, max(dash_offset, 0), max(note_indent, 1))


def _block_lines(entry: NewEntry, dash_col: int, gap: int, style: _Style) -> list[str]:
    key_col = dash_col + gap
    pad = " " * key_col
    first = " " * dash_col + "-" + " " * (gap - 1)
    lines = [f"{first}url: {yaml_scalar(entry.url)}"]
    for name, value in (("platform", entry.platform), ("snapshot", entry.snapshot)):
        if value is not None:
            lines.append(f"{pad}{name}: {yaml_scalar(value)}")

    def add_list(name: str, values: tuple[str, ...]) -> None:
        if not style.block_lists:
            lines.append(f"{pad}{name}: {_flow_list(values)}")
            return
        lines.append(f"{pad}{name}:")
        item_pad = " " * (key_col + style.list_dash_offset)
        lines.extend(f"{item_pad}- {yaml_scalar(v)}" for v in values)

    add_list("specialties", entry.specialties)
    if entry.tags:
        add_list("tags", entry.tags)
    if entry.title is not None:
        lines.append(f"{pad}title: {yaml_scalar(entry.title)}")
    if entry.added is not None:
        lines.append(f"{pad}added: {entry.added.isoformat()}")
    if entry.note is not None:
        note = normalise_note(entry.note)
        if "\n" in note and not _UNPRINTABLE.search(note.replace("\n", "")):
            lines.extend(_literal_block("note", note, key_col, style.note_indent))
        else:
            lines.append(f"{pad}note: {yaml_scalar(note)}")
    return lines


def _literal_block(name: str, value: str, key_col: int, indent: int) -> list[str]:
    """``name: |`` and the value's lines (``value`` ends with exactly one line break)."""
    body = value[:-1].split("\n")
    # A first line that starts with a space would be read as deeper indentation: say how deep.
    header = f"|{indent}" if body[0].startswith(" ") and indent <= 9 else "|"
    pad = " " * (key_col + indent)
    return [f"{' ' * key_col}{name}: {header}"] + [pad + line if line else "" for line in body]


def _flow_list(values: tuple[str, ...]) -> str:
    return "[" + ", ".join(yaml_scalar(v, flow=True) for v in values) + "]"


def _plain_ok(value: str, flow: bool) -> bool:
    if not value or value != value.strip() or _UNPRINTABLE.search(value) or "\t" in value:
        return False
    probe = f"[{value}]" if flow else f"k: {value}"
    try:
        loaded = yaml.safe_load(probe)
    except yaml.YAMLError:
        return False
    return bool(loaded == ([value] if flow else {"k": value}))


def _double_quoted(value: str) -> str:
    out = []
    for char in value:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif _UNPRINTABLE.match(char):
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


# -- reading the layout ---------------------------------------------------------------------


def _top_value(root: MappingNode, name: str) -> tuple[Node, Node] | None:
    for key, value in root.value:
        if isinstance(key, ScalarNode) and key.value == name:
            return key, value
    return None


def _indent_unit(root: MappingNode, column: int) -> int:
    """How far the file indents a block under a top-level key (2 unless it shows otherwise)."""
    for _key, value in root.value:
        if isinstance(value, MappingNode | SequenceNode) and not value.flow_style and value.value:
            child = value.value[0]
            node = child[0] if isinstance(child, tuple) else child
            if node.start_mark.column > column:
                return int(node.start_mark.column - column)
    return 2


def _content_end(text: str, node: Node) -> int:
    """The index just after the last character of ``node``'s own text (not trailing space)."""
    end = node.start_mark.index
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, ScalarNode) or getattr(current, "flow_style", False):
            end = max(end, current.end_mark.index)
        elif isinstance(current, MappingNode):
            for key, value in current.value:
                stack.extend((key, value))
        elif isinstance(current, SequenceNode):
            stack.extend(current.value)
    while end > 0 and text[end - 1] in " \t\r\n":
        end -= 1
    return end


def _line_end(text: str, index: int) -> int:
    """Index of the line break ending the line that holds ``index`` (len(text) if none)."""
    found = text.find("\n", index)
    if found == -1:
        return len(text)
    return found - 1 if found > 0 and text[found - 1] == "\r" and found - 1 >= index else found


def _after_line(text: str, index: int) -> int:
    """Index of the start of the line after the one holding ``index`` (len(text) at the end)."""
    found = text.find("\n", index)
    return len(text) if found == -1 else found + 1


def _blank_before(text: str, dash: int) -> bool:
    """Is the last item (comments above it included) set off by a blank line, like a group?"""
    line_start = text.rfind("\n", 0, dash) + 1
    while line_start > 0:
        previous_start = text.rfind("\n", 0, line_start - 1) + 1
        previous = text[previous_start : line_start - 1].strip()
        if not previous:
            return True
        if not previous.startswith("#"):
            return False
        line_start = previous_start
    return False


def _verify(old: str, new: str, entry: NewEntry) -> None:
    """The new text must load as the old one plus ``entry``, and nothing else."""
    problem = AppendError(
        0,
        "could not add the thread without changing other parts of the file; "
        "add it by hand (CONTRIBUTING.md shows every field) and run `tweetorials check`",
    )
    verify_one_entry(old, new, None, entry.as_data(), problem)


def verify_one_entry(
    old: str, new: str, index: int | None, expected: dict[str, Any], problem: AppendError
) -> None:
    """``new`` must load as ``old`` with its entry ``index`` now ``expected`` (None: with
    ``expected`` added at the end), and nothing else changed; else raise ``problem``.

    Text values are compared without their final line breaks: a ``|`` block at the very end of
    a file without one reads back without it, and no part of the site can see the difference.
    """
    try:
        before, after = _comparable(yaml.safe_load(old)), _comparable(yaml.safe_load(new))
    except yaml.YAMLError:
        raise problem from None
    if isinstance(before, dict) and "threads" in before and before["threads"] is None:
        before = {**before, "threads": []}  # an empty ``threads:`` is an empty list
    threads = after.get("threads") if isinstance(after, dict) else None
    listed = before.get("threads") if isinstance(before, dict) else None
    if not isinstance(threads, list) or not isinstance(listed, list):
        raise problem
    at = len(threads) - 1 if index is None else index
    if not 0 <= at < len(threads) or threads[at] != _comparable(expected):
        raise problem
    if index is not None:
        listed = [*listed[:index], *listed[index + 1 :]]
    if {**before, "threads": listed} != {**after, "threads": [*threads[:at], *threads[at + 1 :]]}:
        raise problem


def _comparable(value: Any) -> Any:
    if isinstance(value, str):
        return value.rstrip("\n")
    if isinstance(value, dict):
        return {key: _comparable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_comparable(item) for item in value]
    return value
