"""Polls and Community Notes from each platform's documented shape (tests/fixtures/polls)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from tweetorials.fetch.sources.mastodon import post_from_status
from tweetorials.fetch.sources.polls import (
    community_note_from_fxtwitter,
    is_poll_card,
    poll_from_fxtwitter,
    poll_from_mastodon,
    poll_from_x_card,
)
from tweetorials.fetch.sources.x_parse import post_from_fxtwitter, post_from_syndication
from tweetorials.snapshot import Poll, PollOption

POLLS = Path(__file__).parent / "fixtures" / "polls"


def load(name: str) -> Any:
    return json.loads((POLLS / name).read_text(encoding="utf-8"))


def test_fxtwitter_open_poll_is_interim_with_every_count() -> None:
    first = load("fxtwitter_thread_poll_open.json")["thread"][0]
    post = post_from_fxtwitter(first)
    assert post.poll == Poll(
        [
            PollOption("It widens", 120),
            PollOption("It stays normal", 31),
            PollOption("It narrows", 9),
            PollOption("Depends on albumin", 12),
        ],
        total_votes=172,
        final=False,
        ends_at="2026-09-16T18:30:00Z",
    )
    assert post.community_note is None


def test_fxtwitter_final_results_a_quoted_poll_and_a_community_note() -> None:
    thread = load("fxtwitter_thread_poll_final_note.json")["thread"]
    first, second, third = (post_from_fxtwitter(s) for s in thread)
    assert first.poll is not None and first.poll.final and first.poll.total == 608
    assert [o.votes for o in first.poll.options] == [412, 97, 38, 61]
    # A poll on a quoted post stays with the quoted post.
    assert second.poll is None
    assert second.quote is not None and second.quote.poll is not None
    assert second.quote.poll.final and second.quote.poll.options[1] == PollOption("Lower", 82)
    note = third.community_note
    assert note is not None and note.text.startswith("The albumin correction is an estimate")
    assert note.html.startswith("<p>The albumin") and "t.co" not in note.html
    assert note.created_at is None  # FxTwitter gives no date


def test_syndication_poll_card_counts_are_strings_read_until_they_run_out() -> None:
    post = post_from_syndication(load("syndication_poll_card_open.json"))
    assert post.poll == Poll(
        [PollOption("Rises", 80), PollOption("Falls", 301), PollOption("No change", 12)],
        total_votes=None,
        final=False,
        ends_at="2026-10-02T09:00:00Z",
        counted_at="2026-10-01T15:42:10Z",
    )
    assert post.poll.total == 393
    assert post.card is None  # the poll card is not shown as a link preview
    final = post_from_syndication(load("syndication_poll_card_final.json")).poll
    assert final is not None and final.final and final.counted_at == "2026-10-02T09:00:00Z"


def test_x_web_api_binding_values_list_reads_like_the_syndication_object() -> None:
    from_list = poll_from_x_card(load("x_web_api_poll_card_list.json"))
    from_object = poll_from_x_card(load("syndication_poll_card_final.json")["card"])
    assert from_list is not None and from_list == from_object


def test_image_poll_cards_are_polls_and_link_cards_are_not() -> None:
    assert is_poll_card({"name": "poll4choice_image"})
    assert is_poll_card({"name": "1906814671912599552:poll_choice_images"})
    assert not is_poll_card({"name": "summary_large_image"})
    assert not is_poll_card({"legacy": {"name": "unified_card"}})
    assert not is_poll_card(None)


def test_mastodon_hidden_counts_stay_unknown_never_zero() -> None:
    post = post_from_status(load("mastodon_status_poll_hidden.json"), server="med.example.social")
    poll = post.poll
    assert poll is not None and not poll.final and poll.multiple
    assert [o.votes for o in poll.options] == [None, None, None]
    assert poll.total_votes == 57 and poll.voters is None


def test_mastodon_expired_poll_is_final_with_votes_and_voters() -> None:
    poll = poll_from_mastodon(load("mastodon_status_poll_expired.json")["poll"])
    assert poll == Poll(
        [PollOption("Potassium", 61), PollOption("Phosphate", 24), PollOption("Magnesium", 40)],
        total_votes=125,
        final=True,
        ends_at="2026-11-03T10:00:00Z",
        multiple=True,
        voters=88,
    )


@pytest.mark.parametrize(
    "poll",
    [
        None,
        "poll",
        {"choices": "x"},
        {"choices": [{"label": "only one", "count": 3}]},
        {"choices": [{"label": 5, "count": 3}, {"label": "b", "count": 1}]},
    ],
)
def test_unusable_fxtwitter_polls_are_dropped(poll: Any) -> None:
    assert poll_from_fxtwitter(poll) is None


def test_hostile_counts_become_unknown_and_labels_stay_text() -> None:
    poll = poll_from_fxtwitter(
        {
            "choices": [
                {"label": "<b>A</b>", "count": -4},
                {"label": "B", "count": True},
                {"label": "C", "count": "12"},
                {"label": "  D\n ", "count": 2.5},
            ],
            "total_votes": "lots",
            "time_left_en": "final RESULTS",
        }
    )
    assert poll is not None and poll.final and poll.total_votes is None
    assert [(o.label, o.votes) for o in poll.options] == [
        ("<b>A</b>", None),  # plain text; the template escapes it
        ("B", None),
        ("C", 12),
        ("D", None),
    ]


def test_a_card_whose_counts_are_missing_keeps_its_labels() -> None:
    card = copy.deepcopy(load("syndication_poll_card_open.json")["card"])
    del card["binding_values"]["choice2_count"]
    poll = poll_from_x_card(card)
    assert poll is not None and [o.votes for o in poll.options] == [80, None, 12]
    assert not poll.has_counts and poll.total is None


def test_community_note_needs_text() -> None:
    assert community_note_from_fxtwitter({"text": "  ", "entities": []}) is None
    assert community_note_from_fxtwitter(None) is None
    note = community_note_from_fxtwitter({"text": "<script>x</script> ok"})
    assert note is not None and "<script>" not in note.html
