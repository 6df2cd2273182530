"""The ``.js`` files of an X data archive, read as data and never run.

Every data file of the archive is one JavaScript assignment of a JSON value::

    window.YTD.tweets.part0 = [ {"tweet": {...}}, ... ]
    window.__THAR_CONFIG = { "userInfo": {...}, "archiveInfo": {...}, "dataTypes": {...} }

The file is a stranger's, so it is never evaluated: the assignment must be exactly that shape
(the expected global name, ``=``, then JSON to the end, an optional ``;`` allowed), and the
rest is parsed with :mod:`json`. Anything else (a function call, a second statement, a
comment, a different global) is refused, naming the file and what was expected.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .archive import SourceFiles
from .errors import RefusedImport

__all__ = ["read_assignment", "read_ytd_list"]

_ASSIGNMENT = re.compile(r"\A\s*window\.(?P<name>[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)\s*=\s*")


def read_assignment(files: SourceFiles, member: str, expected: re.Pattern[str]) -> Any:
    """The JSON value assigned in ``member``; ``expected`` must match the whole global name."""
    text = files.read_text(member)
    match = _ASSIGNMENT.match(text)
    if match is None or not expected.fullmatch(match.group("name")):
        found = f"window.{match.group('name')} =" if match else repr(text.lstrip()[:30])
        raise RefusedImport(
            f"{files.path}: {member} is not an X archive data file: expected "
            f"'window.{expected.pattern} = ' followed by JSON, found {found}"
        )
    body = text[match.end() :].rstrip()
    if body.endswith(";"):
        body = body[:-1]
    try:
        return json.loads(body)
    except json.JSONDecodeError as exc:
        line = text.count("\n", 0, match.end() + exc.pos) + 1
        raise RefusedImport(
            f"{files.path}: {member}:{line}: not valid JSON after the assignment ({exc.msg})"
        ) from None


def read_ytd_list(files: SourceFiles, member: str, expected: re.Pattern[str]) -> list[Any]:
    """A ``window.YTD.<name>.partN = [...]`` file: the list, refused when it is not one."""
    value = read_assignment(files, member, expected)
    if not isinstance(value, list):
        raise RefusedImport(
            f"{files.path}: {member}: expected a list after the assignment, found "
            f"{type(value).__name__}"
        )
    return value
