"""A poll as the page shows it: every number written out as text, worked out once here.

Templates only lay this out. The counts are the archive's; percentages are computed from them
(never stored) so they always agree with the counts. The page must say whether the numbers are
the final results or a snapshot taken while the poll was still open, because a tweetorial's
answer post often refers to "what most of you chose".

Percentages are shares of the people who voted where the platform says how many that was
(Mastodon's ``voters_count`` on a multiple-choice poll, where shares add up to more than
100 %), else shares of the votes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..snapshot import Poll

__all__ = ["PollOptionView", "PollView", "build_poll_view", "human_date"]


@dataclass(frozen=True)
class PollOptionView:
    label: str
    votes: int | None  # None: the platform did not show this count
    percent: float | None  # 0-100 for the bar, None when unknown
    leading: bool  # has the most votes (ties all lead)

    @property
    def percent_text(self) -> str:
        return "" if self.percent is None else f"{round(self.percent)}%"

    @property
    def votes_text(self) -> str:
        if self.votes is None:
            return "count not shown"
        return _votes(self.votes)

    @property
    def bar_width(self) -> str:
        """The bar's width as a CSS length (``67.8%``); 0 when unknown."""
        return f"{0 if self.percent is None else round(self.percent, 1)}%"


@dataclass(frozen=True)
class PollView:
    poll: Poll
    options: list[PollOptionView]

    @property
    def final(self) -> bool:
        return self.poll.final

    @property
    def status(self) -> str:
        """ "Final results" or "Results as of 3 May 2026 (the poll was still open)"."""
        if self.poll.final:
            return "Final results"
        counted = human_date(self.poll.counted_at)
        if counted:
            return f"Results as of {counted} (the poll was still open)"
        return "Results recorded while the poll was still open"

    @property
    def totals(self) -> str:
        """ "608 votes", "125 votes from 88 people", or "" when no total is known."""
        total = self.poll.total
        if total is None:
            return ""
        voters = self.poll.voters
        if voters is not None and voters != total:
            return f"{_votes(total)} from {voters:,} {'person' if voters == 1 else 'people'}"
        return _votes(total)

    @property
    def summary(self) -> str:
        """The status line: "Final results · 608 votes"."""
        return " · ".join(part for part in (self.status, self.totals) if part)

    @property
    def hidden_note(self) -> str:
        """Why some counts are missing, when they are."""
        if self.poll.has_counts:
            return ""
        return "The platform did not show the counts when this was archived."

    @property
    def closes(self) -> str:
        """ "Closed 16 September 2026" / "Closes ...", or ""."""
        when = human_date(self.poll.ends_at)
        if not when:
            return ""
        return f"{'Closed' if self.poll.final else 'Closes'} {when}"


def build_poll_view(poll: Poll) -> PollView:
    base = poll.voters if poll.multiple and poll.voters else poll.total
    counted = [o.votes for o in poll.options if o.votes is not None]
    top = max(counted) if counted else None
    options = [
        PollOptionView(
            label=o.label,
            votes=o.votes,
            percent=_share(o.votes, base),
            leading=o.votes is not None and o.votes == top and top > 0,
        )
        for o in poll.options
    ]
    return PollView(poll=poll, options=options)


def human_date(value: str | None) -> str:
    """``2026-09-16T18:30:00Z`` -> ``16 September 2026``; ``""`` for nothing usable."""
    if not value:
        return ""
    try:
        when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return ""
    return f"{when.day} {when:%B %Y}"


def _share(votes: int | None, base: int | None) -> float | None:
    if votes is None or base is None:
        return None
    if base <= 0:
        return 0.0
    return min(100.0, 100 * votes / base)


def _votes(n: int) -> str:
    return f"{n:,} vote{'s' if n != 1 else ''}"
