"""Polls and Community Notes from what each platform sends -> snapshot types. No network.

A tweetorial asks its question as a poll and answers it a few posts later, so a dropped poll
is a dropped lesson. Three shapes reach us (field names in ``docs/snapshot-format.md`` and
``tests/fixtures/polls/README.md``):

* **FxTwitter** ``poll``: ``choices[{label, count, percentage}]``, ``total_votes``,
  ``ends_at``, ``time_left_en``. There is no "final" flag: FxTwitter writes "Final results"
  in ``time_left_en`` once the poll has ended, and that is the signal we use.
* **X cards** (syndication, and X's own web API) named ``poll…``: ``binding_values`` with
  ``choiceN_label`` / ``choiceN_count`` as strings, ``counts_are_final``,
  ``end_datetime_utc`` and ``last_updated_datetime_utc``. Syndication sends the values as an
  object keyed by name; the web API as a list of ``{key, value}``. Options are read as
  ``choice1_…``, ``choice2_…`` until one is missing, not from the number in the card name
  (image polls have none).
* **Mastodon** ``poll``: ``options[{title, votes_count}]`` (a count is null while the author
  hides results), ``expires_at``, ``expired``, ``multiple``, ``votes_count``,
  ``voters_count``.

Everything is untrusted: a label that is not text drops the option, a count that is not a
whole number of 0 or more is "not shown" (``None``), never a guess. ``counted_at`` is left
empty unless the platform says when it counted; the merge stamps the fetch time.
"""

from __future__ import annotations

import re
from typing import Any

from ...sanitize import text_to_html
from ...snapshot import CommunityNote, Poll, PollOption
from ...snapshot.times import iso_utc

__all__ = [
    "community_note_from_fxtwitter",
    "is_poll_card",
    "poll_from_fxtwitter",
    "poll_from_mastodon",
    "poll_from_x_card",
]

#: FxTwitter's ``time_left_en`` once the poll has ended.
_FINAL_RESULTS = "final results"
#: The most options we read from a card; X allows 4, this only guards a hostile payload.
_MAX_CARD_CHOICES = 20


def poll_from_fxtwitter(value: Any) -> Poll | None:
    """FxTwitter's ``poll`` object, or ``None`` when there is no usable poll."""
    if not isinstance(value, dict):
        return None
    options = [
        PollOption(label, _count(choice.get("count")))
        for choice in _dicts(value.get("choices"))
        if (label := _text(choice.get("label")))
    ]
    time_left = _text(value.get("time_left_en")).lower()
    return _poll(
        options,
        total_votes=_count(value.get("total_votes")),
        final=time_left == _FINAL_RESULTS,
        ends_at=iso_utc(value.get("ends_at")),
    )


def is_poll_card(card: Any) -> bool:
    """True for an X card whose name (``poll2choice_text_only``, or ``…:poll…`` for image
    polls) says it is a poll."""
    name = _card_name(card)
    return name.rsplit(":", 1)[-1].startswith("poll")


def poll_from_x_card(card: Any) -> Poll | None:
    """An X poll card from syndication (``card``) or the web API (``card.legacy``)."""
    if not is_poll_card(card):
        return None
    values = _binding_values(card)
    options = []
    for n in range(1, _MAX_CARD_CHOICES + 1):
        label = _text(_string_value(values.get(f"choice{n}_label")))
        if not label:
            break
        options.append(PollOption(label, _count(_string_value(values.get(f"choice{n}_count")))))
    final = values.get("counts_are_final")
    return _poll(
        options,
        total_votes=None,  # X gives none; the page adds up the counts
        final=isinstance(final, dict) and final.get("boolean_value") is True,
        ends_at=iso_utc(_string_value(values.get("end_datetime_utc"))),
        counted_at=iso_utc(_string_value(values.get("last_updated_datetime_utc"))),
    )


def poll_from_mastodon(value: Any) -> Poll | None:
    """A Mastodon Poll entity, or ``None``."""
    if not isinstance(value, dict):
        return None
    options = [
        PollOption(label, _count(option.get("votes_count")))
        for option in _dicts(value.get("options"))
        if (label := _text(option.get("title")))
    ]
    return _poll(
        options,
        total_votes=_count(value.get("votes_count")),
        final=value.get("expired") is True,
        ends_at=iso_utc(value.get("expires_at")),
        multiple=value.get("multiple") is True,
        voters=_count(value.get("voters_count")),
    )


def community_note_from_fxtwitter(value: Any) -> CommunityNote | None:
    """FxTwitter's ``community_note`` (``{text, entities}``), or ``None``.

    The note's links come only as ``t.co`` redirects in ``entities``; they are not followed
    or published (the project never publishes ``t.co``), so the note is kept as its text.
    FxTwitter gives no date for a note; a ``created_at`` is read if a source ever sends one.
    """
    if not isinstance(value, dict):
        return None
    text = _text(value.get("text"))
    if not text:
        return None
    return CommunityNote(
        text=text, html=text_to_html(text), created_at=iso_utc(value.get("created_at"))
    )


# -- helpers ----------------------------------------------------------------------------------


def _poll(options: list[PollOption], **fields: Any) -> Poll | None:
    """The poll, or ``None`` when fewer than two options survived (not a poll we can show)."""
    if len(options) < 2:
        return None
    return Poll(options=options, **fields)


def _card_name(card: Any) -> str:
    if not isinstance(card, dict):
        return ""
    name = card.get("name")
    if not isinstance(name, str):
        legacy = card.get("legacy")
        name = legacy.get("name") if isinstance(legacy, dict) else None
    return name.strip() if isinstance(name, str) else ""


def _binding_values(card: dict[str, Any]) -> dict[str, Any]:
    """``binding_values`` as a mapping, whichever of X's two shapes it came in."""
    raw = card.get("binding_values")
    if raw is None and isinstance(card.get("legacy"), dict):
        raw = card["legacy"].get("binding_values")
    if isinstance(raw, dict):
        return raw
    values: dict[str, Any] = {}
    for item in _dicts(raw):
        key = item.get("key")
        if isinstance(key, str):
            values.setdefault(key, item.get("value"))
    return values


def _string_value(value: Any) -> Any:
    return value.get("string_value") if isinstance(value, dict) else None


def _count(value: Any) -> int | None:
    """A vote count: an int, or X's digits-as-text; anything else is "not shown"."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and re.fullmatch(r"\d{1,12}", value.strip()):
        return int(value)
    if isinstance(value, int) and value >= 0:
        return value
    return None


def _text(value: Any) -> str:
    return re.sub(r"\s+", " ", value).strip() if isinstance(value, str) else ""


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []
