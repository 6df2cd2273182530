"""A YAML loader that remembers the line of every key and list item.

Maintainers fix ``threads.yaml`` by line number, so every message the catalog gives must point
at the exact line. PyYAML knows each node's position while composing; this loader keeps it on
the mappings and lists it builds (``node.lines[key]``), at no cost to the values themselves.

It is also forgiving where PyYAML would stop with a Python error: a key given twice is noted
(every repeat, with its line) and the first value kept, so the catalog can report it together
with everything else; a date that does not exist (``2026-02-30``) stays the text it was written
as, for the catalog to name; a value whose explicit tag cannot read it (``!!int abc``) is a YAML
error at its line rather than a traceback.
"""

from __future__ import annotations

from typing import Any

import yaml

from .model import Problem

__all__ = ["LineDict", "LineList", "load_reporting"]


class LineDict(dict[str, Any]):
    """A dict that knows its own line and the line of each key (1-based)."""

    line: int = 0
    lines: dict[Any, int]

    def line_of(self, key: Any) -> int:
        return self.lines.get(key, self.line)


class LineList(list[Any]):
    """A list that knows its own line and the line of each item (1-based)."""

    line: int = 0
    lines: list[int]

    def line_of(self, index: int) -> int:
        return self.lines[index] if 0 <= index < len(self.lines) else self.line


class _LineConstructor(yaml.constructor.SafeConstructor):
    """The constructing half, shared by the C-accelerated loader and the pure-Python one."""

    key_problems: list[Problem]

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except yaml.YAMLError:
            raise
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError):
            # An explicit tag that cannot read its text, e.g. ``!!int abc`` or ``!!bool maybe``.
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            what = (
                repr(node.value)
                if isinstance(node, yaml.ScalarNode)
                else f"a {getattr(node, 'id', 'node')}"
            )
            raise yaml.constructor.ConstructorError(
                None, None, f"{what} cannot be read as {tag}", node.start_mark
            ) from None

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> LineDict:  # type: ignore[override]
        self.flatten_mapping(node)
        result = LineDict()
        result.line = node.start_mark.line + 1
        result.lines = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            try:
                hash(key)
            except TypeError:
                self.key_problems.append(
                    Problem(line, "a key must be plain text, not a list or a mapping")
                )
                continue
            value = self.construct_object(value_node, deep=True)
            if key in result:
                # Keep the first value: the other checks then see what a reader sees first.
                self.key_problems.append(
                    Problem(line, f"{key!r} appears twice in the same block; keep one")
                )
                continue
            result[key] = value
            result.lines[key] = line
        return result

    def construct_sequence(self, node: yaml.SequenceNode, deep: bool = False) -> LineList:
        result = LineList(self.construct_object(child, deep=True) for child in node.value)
        result.line = node.start_mark.line + 1
        result.lines = [child.start_mark.line + 1 for child in node.value]
        return result

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError):
            # Looks like a date but is none (2026-02-30, 2026-13-45): keep the text.
            return str(node.value)


class _Loader(_LineConstructor, yaml.SafeLoader):
    """Pure Python: slow on a large catalog, but its error messages are the ones reported."""

    def __init__(self, stream: str) -> None:
        yaml.SafeLoader.__init__(self, stream)
        self.key_problems = []


_FAST_BASE: Any = getattr(yaml, "CSafeLoader", None)


if _FAST_BASE is not None:

    class _FastLoader(_LineConstructor, _FAST_BASE):  # type: ignore[misc]
        """libyaml's parser (about ten times faster) with the same constructors."""

        def __init__(self, stream: str) -> None:
            _FAST_BASE.__init__(self, stream)
            self.key_problems = []

    _LOADERS: tuple[type[Any], ...] = (_FastLoader, _Loader)
else:  # PyYAML built without libyaml
    _LOADERS = (_Loader,)

for _loader in _LOADERS:
    _loader.add_constructor("tag:yaml.org,2002:map", _LineConstructor.construct_mapping)
    _loader.add_constructor("tag:yaml.org,2002:seq", _LineConstructor.construct_sequence)
    _loader.add_constructor(
        "tag:yaml.org,2002:timestamp", _LineConstructor.construct_yaml_timestamp
    )


def load_reporting(text: str) -> tuple[Any, list[Problem]]:
    """Parse YAML text into LineDict/LineList values, with the key problems found on the way.

    Raises yaml.YAMLError when the text is not YAML at all. libyaml parses when it is there;
    text it refuses (or anything else it trips on) is parsed again by the pure-Python loader,
    so a broken catalog is reported with PyYAML's messages and lines whichever is installed.
    """
    for loader_class in _LOADERS[:-1]:
        fast = loader_class(text)
        try:
            return fast.get_single_data(), fast.key_problems
        except Exception:
            pass  # reported below, by the loader whose messages the catalog knows
        finally:
            fast.dispose()
    loader = _Loader(text)
    try:
        return loader.get_single_data(), loader.key_problems
    finally:
        loader.dispose()
