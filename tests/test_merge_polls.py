"""Polls and Community Notes through a refresh: later or final counts win, nothing is erased."""

from __future__ import annotations

import copy

import pytest
from tweetorials.snapshot import CommunityNote, Poll, PollOption
from tweetorials.snapshot.merge import merge, same_content
from tweetorials.snapshot.merge_extras import describe_extras, merge_community_note, merge_poll

from .test_merge import NOW, archived, post, thread

EARLY, LATER = "2024-01-01T00:00:00Z", "2024-03-01T00:00:00Z"


def poll(*votes: int | None, final: bool = False, at: str | None = EARLY, **kw: object) -> Poll:
    labels = ["Widens", "Normal", "Narrows"]
    return Poll(
        [PollOption(labels[i], v) for i, v in enumerate(votes)],
        final=final,
        counted_at=at,
        **kw,  # type: ignore[arg-type]
    )


def test_later_interim_counts_replace_earlier_ones() -> None:
    assert merge_poll(poll(1, 2), poll(5, 9, at=LATER)) == poll(5, 9, at=LATER)


def test_final_counts_replace_interim_ones() -> None:
    assert merge_poll(poll(5, 9, at=LATER), poll(40, 60, final=True, at=LATER)) == poll(
        40, 60, final=True, at=LATER
    )


def test_final_counts_are_never_turned_back_into_interim_ones() -> None:
    final = poll(40, 60, final=True, at=EARLY)
    assert merge_poll(final, poll(41, 61, at=LATER)) == final


def test_final_counts_stay_as_first_recorded_when_read_again() -> None:
    final = poll(40, 60, final=True, at=EARLY)
    assert merge_poll(final, poll(40, 60, final=True, at=LATER)) == final


def test_hidden_counts_never_erase_recorded_ones() -> None:
    recorded = poll(5, 9)
    assert merge_poll(recorded, poll(None, None, at=LATER)) == recorded
    # ... even when the hidden answer says the poll has ended.
    assert merge_poll(recorded, poll(None, None, final=True, at=LATER)) == recorded


def test_an_older_answer_never_replaces_newer_counts() -> None:
    newer = poll(5, 9, at=LATER)
    assert merge_poll(newer, poll(1, 2, at=EARLY)) == newer


def test_a_poll_missing_from_the_answer_is_kept_and_a_new_one_is_taken() -> None:
    assert merge_poll(poll(1, 2), None) == poll(1, 2)
    assert merge_poll(None, poll(1, 2)) == poll(1, 2)


def test_a_closing_time_only_one_side_knew_is_kept() -> None:
    merged = merge_poll(poll(1, 2, ends_at=LATER), poll(3, 4, at=LATER))
    assert merged is not None and merged.ends_at == LATER and merged.options[0].votes == 3


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (None, CommunityNote("a", "<p>a</p>"), CommunityNote("a", "<p>a</p>")),
        (CommunityNote("a", "<p>a</p>", EARLY), None, CommunityNote("a", "<p>a</p>", EARLY)),
        (
            CommunityNote("a", "<p>a</p>", EARLY),
            CommunityNote("b", "<p>b</p>"),
            CommunityNote("b", "<p>b</p>", EARLY),
        ),
        (
            CommunityNote("a", "<p>a</p>", EARLY),
            CommunityNote("b", "<p>b</p>", LATER),
            CommunityNote("b", "<p>b</p>", LATER),
        ),
    ],
)
def test_community_notes_update_and_are_never_dropped(
    old: CommunityNote | None, new: CommunityNote | None, expected: CommunityNote
) -> None:
    assert merge_community_note(old, new) == expected


def test_a_refresh_finalises_a_poll_and_adds_a_note_through_the_thread_merge() -> None:
    old = archived(post("1", poll=poll(5, 9)))
    quoted = post("9", poll=poll(1, 1))
    old.posts[0].quote = quoted
    new = thread(
        post(
            "1",
            poll=poll(40, 60, final=True, at=NOW),
            community_note=CommunityNote("ctx", "<p>ctx</p>"),
        )
    )
    before = copy.deepcopy(new)
    merged = merge(old, new, NOW)
    first = merged.posts[0]
    assert first.poll == poll(40, 60, final=True, at=NOW)
    assert first.community_note == CommunityNote("ctx", "<p>ctx</p>")
    assert first.quote is not None and first.quote.poll == poll(1, 1)  # quote kept with its poll
    assert new == before  # inputs untouched


def test_a_refresh_that_lost_the_poll_and_note_keeps_both() -> None:
    old = archived(post("1", poll=poll(5, 9), community_note=CommunityNote("c", "<p>c</p>")))
    merged = merge(old, thread(post("1")), NOW)
    assert merged.posts[0].poll == poll(5, 9)
    assert merged.posts[0].community_note == CommunityNote("c", "<p>c</p>")


def test_counts_read_again_unchanged_are_not_a_change_but_new_counts_are() -> None:
    old = merge(None, thread(post("1", poll=poll(5, 9, at=EARLY))), EARLY)
    same = merge(old, thread(post("1", poll=poll(5, 9, at=LATER))), LATER)
    assert same.posts[0].poll is not None and same.posts[0].poll.counted_at == LATER
    assert same_content(old, same)
    moved = merge(old, thread(post("1", poll=poll(6, 9, at=LATER))), LATER)
    assert not same_content(old, moved)


def test_a_fetched_poll_without_a_count_time_was_counted_at_the_fetch() -> None:
    quoted = post("9", poll=poll(1, 1, at=None))
    fetched = thread(post("1", poll=poll(3, 4, at=None), quote=quoted))
    merged = merge(None, fetched, NOW)
    assert merged.posts[0].poll is not None and merged.posts[0].poll.counted_at == NOW
    assert merged.posts[0].quote is not None and merged.posts[0].quote.poll is not None
    assert merged.posts[0].quote.poll.counted_at == NOW
    # X says when it last counted; that time is kept.
    told = merge(None, thread(post("1", poll=poll(3, 4, at=EARLY))), NOW)
    assert told.posts[0].poll is not None and told.posts[0].poll.counted_at == EARLY


def test_the_fetch_report_names_polls_and_notes_and_what_a_refresh_changed() -> None:
    first = thread(
        post("1", poll=poll(1, 2)),
        post("2", poll=poll(3, 4, final=True), community_note=CommunityNote("c", "<p>c</p>")),
        post("3"),
    )
    assert describe_extras(first) == "2 polls (1 final), 1 community note"
    assert describe_extras(thread(post("1"))) == ""
    later = thread(
        post("1", poll=poll(5, 9, final=True, at=LATER)),
        post("2", poll=poll(3, 4, final=True), community_note=CommunityNote("c", "<p>c</p>")),
        post("3", poll=poll(0, 1), community_note=CommunityNote("d", "<p>d</p>")),
    )
    assert describe_extras(later, first) == (
        "poll in post 1 now final, poll in post 3 new, community note new on post 3"
    )
    # Counts read again at a later time are not news; new interim counts are.
    again = thread(post("1", poll=poll(1, 2, at=LATER)), post("2"), post("3"))
    assert describe_extras(again, first) == ""
    moved = thread(post("1", poll=poll(2, 2, at=LATER)), post("2"), post("3"))
    assert describe_extras(moved, first) == "poll in post 1 counts updated"
