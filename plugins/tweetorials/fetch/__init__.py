"""Fetching: catalog entries -> platform APIs -> snapshots (the only code that uses the network).

:func:`run` is the one entry point; the CLI, ``tweetorials add`` and the build hook call it.
"""

from .session import FetchRun, Transport, run

__all__ = ["FetchRun", "Transport", "run"]
