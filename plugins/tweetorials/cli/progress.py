"""The fetch progress bar: rich on a terminal, nothing in a log or a pipe.

The runner only reports (``on_start``, ``on_outcome``); drawing belongs to the command line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

if TYPE_CHECKING:
    from ..fetch.runner import Outcome

__all__ = ["FetchProgress"]


class FetchProgress:
    """Use as a context manager; pass :meth:`start` and :meth:`advance` to ``fetch.run``."""

    def __init__(self, *, enabled: bool, console: Console | None = None) -> None:
        console = console or Console(stderr=True)
        self.bar: Progress | None = None
        self.task: TaskID | None = None
        if enabled and console.is_terminal:
            self.bar = Progress(
                TextColumn("[bold]fetching"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TextColumn("{task.description}"),
                console=console,
                transient=True,
            )

    def start(self, total: int) -> None:
        if self.bar is not None:
            self.bar.start()
            self.task = self.bar.add_task("", total=total)

    def advance(self, outcome: Outcome) -> None:
        if self.bar is not None and self.task is not None:
            self.bar.update(self.task, advance=1, description=outcome.slug)

    def __enter__(self) -> FetchProgress:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.bar is not None:
            self.bar.stop()
