"""What the page says about a poll: counts and shares as text, and whether they are final."""

from __future__ import annotations

from pathlib import Path

from tweetorials.render.poll_view import build_poll_view, human_date
from tweetorials.snapshot import Poll, PollOption

from tests.conftest import soup


def test_final_results_with_shares_of_the_votes_and_the_leader() -> None:
    view = build_poll_view(
        Poll([PollOption("A", 412), PollOption("B", 97), PollOption("C", 0)], final=True)
    )
    assert view.summary == "Final results · 509 votes"
    assert [(o.votes_text, o.percent_text, o.leading) for o in view.options] == [
        ("412 votes", "81%", True),
        ("97 votes", "19%", False),
        ("0 votes", "0%", False),
    ]
    assert view.options[0].bar_width == "80.9%" and view.options[2].bar_width == "0.0%"


def test_interim_counts_say_when_they_were_recorded() -> None:
    poll = Poll([PollOption("A", 1), PollOption("B", 1)], counted_at="2026-09-15T08:00:00Z")
    view = build_poll_view(poll)
    assert view.summary == "Results as of 15 September 2026 (the poll was still open) · 2 votes"
    assert all(o.leading for o in view.options)  # a tie: both lead
    poll.counted_at = None
    assert build_poll_view(poll).status == "Results recorded while the poll was still open"


def test_hidden_counts_are_not_zero_and_the_page_says_why() -> None:
    view = build_poll_view(Poll([PollOption("A"), PollOption("B")], total_votes=57))
    assert [(o.votes_text, o.percent_text, o.bar_width) for o in view.options] == [
        ("count not shown", "", "0%"),
        ("count not shown", "", "0%"),
    ]
    assert view.totals == "57 votes" and "did not show the counts" in view.hidden_note
    assert not any(o.leading for o in view.options)


def test_multiple_choice_shares_are_of_the_people_who_voted() -> None:
    poll = Poll(
        [PollOption("A", 61), PollOption("B", 40)], total_votes=101, multiple=True, voters=70
    )
    view = build_poll_view(poll)
    assert [o.percent_text for o in view.options] == ["87%", "57%"]
    assert view.totals == "101 votes from 70 people"


def test_one_vote_zero_total_and_closing_dates() -> None:
    one = build_poll_view(
        Poll([PollOption("A", 1), PollOption("B", 0)], ends_at="2026-01-02T00:00:00Z")
    )
    assert one.totals == "1 vote" and one.closes == "Closes 2 January 2026"
    empty = build_poll_view(Poll([PollOption("A", 0), PollOption("B", 0)], final=True))
    assert [o.percent_text for o in empty.options] == ["0%", "0%"]
    assert human_date("not a time") == "" and human_date(None) == ""


def test_the_sample_site_shows_its_poll_in_the_page(built_site: Path) -> None:
    page = soup(built_site / "threads/the-anion-gap-built-from-scratch/index.html")
    box = page.select_one("#post-1 div.poll")
    assert box is not None and box["aria-label"] == "Poll in post 1"
    items = [" ".join(li.get_text().split()) for li in box.select("li")]
    assert items[0] == "It widens 412 votes, 68%"
    assert box.select_one(".poll-summary").get_text().startswith("Final results · 608 votes")
    # Search indexes it: inside the page's indexed body, not under an ignore.
    assert box.find_parent(attrs={"data-pagefind-body": True}) is not None
    assert box.find_parent(attrs={"data-pagefind-ignore": True}) is None
    feed = (built_site / "feeds" / "all.atom.xml").read_text(encoding="utf-8")
    assert "It depends on albumin" in feed  # options reach the feed entry
