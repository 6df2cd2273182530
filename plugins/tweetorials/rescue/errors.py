"""The one error an importer raises: the source is refused, and nothing is written.

Archives come from strangers by email. Whatever is wrong with one (a zip bomb, a path that
leaves the archive, a JS file that is not the expected assignment, broken JSON, a thread that
is not there), the maintainer gets one line that says what and where, the command exits 2, and
no file is touched. Importers raise :class:`RefusedImport` with that line; the command prints it.
"""

from __future__ import annotations

__all__ = ["RefusedImport"]


class RefusedImport(ValueError):
    """The source cannot be imported; ``str(exc)`` is one line for people, no traceback."""

    def __init__(self, message: str) -> None:
        one_line = " ".join(message.split())
        super().__init__(one_line)
        self.message = one_line
