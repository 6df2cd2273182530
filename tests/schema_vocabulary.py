"""The schema.org vocabulary, read offline from the ``schema-dts`` typings, for the JSON-LD tests.

``schema-dts`` (npm, maintained at Google, generated from schema.org's own vocabulary file) is
pinned in package-lock.json and installed by ``make test``. Its ``dist/schema.d.ts`` declares
each type as TypeScript: ``interface WebPageBase extends CreativeWorkBase { "reviewedBy"?:
...; }`` and ``export interface WebPageLeaf extends WebPageBase { "@type": "WebPage"; }``.
Reading those two shapes gives, for each type, every property it has, inherited ones
included, which is all the tests ask of it: a property used on a type must belong to it.

Actions may also carry ``<property>-input`` / ``<property>-output`` constraints (schema.org's
``query-input`` on a ``SearchAction``); schema-dts allows them for every property of an
``Action`` type, and so does :meth:`Vocabulary.problems`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["Vocabulary", "load_vocabulary"]

_BASE = re.compile(r"^interface (\w+)Base extends ([^{]+)\{$")
_PROPERTY = re.compile(r'^\s+"([\w-]+)"\??:')
_LEAF = re.compile(
    r'(?:interface \w+Leaf extends (\w+)Base|type \w+Leaf<[^=]*= Omit<(\w+)Base, \w+>) &?\s*\{\s*"@type": "(\w+)";'
)


@dataclass(frozen=True)
class Vocabulary:
    version: str  # the schema-dts release read
    bases: dict[str, tuple[tuple[str, ...], frozenset[str]]]  # base -> (parents, own props)
    types: dict[str, str]  # "@type" name -> its base

    def properties(self, type_name: str) -> frozenset[str]:
        """Every property of ``type_name``, inherited ones included."""
        return _properties(self, self.types[type_name])

    def is_action(self, type_name: str) -> bool:
        return "Action" in _ancestors(self, self.types[type_name])

    def problems(self, data: Any, where: str = "$") -> Iterator[str]:
        """Each node without a known ``@type``, and each property its type does not have."""
        if isinstance(data, list):
            for i, item in enumerate(data):
                yield from self.problems(item, f"{where}[{i}]")
            return
        if not isinstance(data, dict):
            return
        kind = data.get("@type")
        if not isinstance(kind, str) or kind not in self.types:
            yield f"{where}: @type {kind!r} is not a schema.org type"
            return
        allowed = self.properties(kind)
        for key, value in data.items():
            if key.startswith("@"):
                continue
            constraint = re.fullmatch(r"(.+)-(input|output)", key)
            if key not in allowed and not (
                constraint and self.is_action(kind) and constraint.group(1) in allowed
            ):
                yield f"{where}.{key}: not a property of {kind}"
            yield from self.problems(value, f"{where}.{key}")


def _properties(vocabulary: Vocabulary, base: str) -> frozenset[str]:
    found: set[str] = set()
    for name in _ancestors(vocabulary, base):
        found |= vocabulary.bases[name][1]
    return frozenset(found)


def _ancestors(vocabulary: Vocabulary, base: str) -> set[str]:
    seen: set[str] = set()
    todo = [base]
    while todo:
        name = todo.pop()
        if name in seen or name not in vocabulary.bases:
            continue
        seen.add(name)
        todo.extend(vocabulary.bases[name][0])
    return seen


@cache
def load_vocabulary(package: Path) -> Vocabulary:
    """Read ``package`` (the installed ``node_modules/schema-dts``)."""
    version = json.loads((package / "package.json").read_text(encoding="utf-8"))["version"]
    text = (package / "dist" / "schema.d.ts").read_text(encoding="utf-8")
    bases: dict[str, tuple[tuple[str, ...], frozenset[str]]] = {}
    current: str | None = None
    parents: tuple[str, ...] = ()
    props: set[str] = set()
    for line in text.splitlines():
        if current is None:
            match = _BASE.match(line)
            if match:
                current, props = match.group(1), set()
                parents = tuple(re.findall(r"\b(\w+)Base\b", match.group(2)))
        elif line == "}":
            bases[current] = (parents, frozenset(props))
            current = None
        else:
            prop = _PROPERTY.match(line)
            if prop:
                props.add(prop.group(1))
    types = {m.group(3): m.group(1) or m.group(2) for m in _LEAF.finditer(text)}
    return Vocabulary(version=version, bases=bases, types=types)
