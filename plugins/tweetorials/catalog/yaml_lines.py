"""A YAML loader that remembers the line of every key and list item.

Maintainers fix ``threads.yaml`` by line number, so every message the catalog gives must point
at the exact line. PyYAML knows each node's position while composing; this loader keeps it on
the mappings and lists it builds (``node.lines[key]``), at no cost to the values themselves.
"""

from __future__ import annotations

from typing import Any

import yaml

__all__ = ["LineDict", "LineList", "load_with_lines"]


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


class _Loader(yaml.SafeLoader):
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> LineDict:  # type: ignore[override]
        self.flatten_mapping(node)
        result = LineDict()
        result.line = node.start_mark.line + 1
        result.lines = {}
        duplicates: list[tuple[Any, int]] = []
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                raise yaml.constructor.ConstructorError(
                    None, None, "a key must be plain text", key_node.start_mark
                ) from None
            if key in result:
                duplicates.append((key, key_node.start_mark.line + 1))
            result[key] = self.construct_object(value_node, deep=True)
            result.lines[key] = key_node.start_mark.line + 1
        if duplicates:
            key, line = duplicates[0]
            raise DuplicateKey(key, line)
        return result

    def construct_sequence(self, node: yaml.SequenceNode, deep: bool = False) -> LineList:  # type: ignore[override]
        result = LineList(self.construct_object(child, deep=True) for child in node.value)
        result.line = node.start_mark.line + 1
        result.lines = [child.start_mark.line + 1 for child in node.value]
        return result


_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _Loader.construct_sequence)


class DuplicateKey(Exception):
    """The same key twice in one mapping: YAML would silently keep the last one."""

    def __init__(self, key: Any, line: int) -> None:
        super().__init__(f"{key!r} appears twice")
        self.key = key
        self.line = line


def load_with_lines(text: str) -> Any:
    """Parse YAML text into LineDict/LineList values (raises yaml.YAMLError or DuplicateKey)."""
    return yaml.load(text, Loader=_Loader)
