"""The social cards a build leaves to ``tweetorials cards`` (``TWEETORIALS_CARDS=after``).

``make html`` renders the pages first and draws the missing cards once Pelican has exited, on
every core. Beside the build, a card worker adds its ~30 MB to the build's ~65 (1,000 threads);
after it, the two are never held at the same time, and the drawing gets both cores instead of
one. The pages already name each card (``cards/<slug>.png`` in og:image, twitter:image and
JSON-LD), so all the second step needs is this list: each card's slug, file name and what it
shows, the folder of drawn cards and the site's output folder.

The list is ``cache/cards-waiting.json`` (``Settings.cards_waiting``). Every build that
finishes writes it atomically, or removes it when it leaves nothing waiting; ``tweetorials
cards`` removes it once the cards are in the site. The file is the project's own, but it is
read as carefully as any input. The folders come from the command's settings, never from the
file: the file's own must match them, or it belongs to another build and is refused. A slug
that is not a plain file name, a card not named ``<slug>-<hash>.png`` or a slug listed twice
is refused too, so no entry can write outside ``<output>/cards/`` and the folder of cards.
The hash in a card's name is not computed again (that would load ``hashlib``: 3.5 MB beside a
worker): the build that wrote the list computed it from the same inputs.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..files import atomic_write_bytes
from .card_batch import CARD_NAME, CardBatch, CardInputs, place_card, site_card

__all__ = [
    "CardsDrawn",
    "WaitingCard",
    "WaitingCards",
    "WaitingError",
    "draw_waiting",
    "read_waiting",
    "write_waiting",
]

#: Bump when the file's layout changes; a file of another version is refused (build again).
FORMAT = 1


class WaitingError(ValueError):
    """The list cannot be used; ``str()`` is one line that says why and what to do."""


@dataclass(frozen=True)
class WaitingCard:
    """One card to draw: its page's slug, its file name (``<slug>-<hash>.png``, the hash of
    what it shows, computed by the build) and what it shows."""

    slug: str
    name: str
    inputs: CardInputs


@dataclass(frozen=True)
class WaitingCards:
    """What a build left to draw, and where the cards go."""

    cards_dir: Path  # the drawn cards, named <slug>-<hash>.png (cache/cards/)
    output: Path  # the site: each card is put at <output>/cards/<slug>.png
    site_name: str  # for the site card that stands in for a card that cannot be drawn
    cards: tuple[WaitingCard, ...]


@dataclass
class CardsDrawn:
    """What :func:`draw_waiting` did."""

    drawn: int = 0
    already: int = 0  # drawn by an earlier run that did not finish
    failures: list[tuple[str, str]] = field(default_factory=list)  # (card file, reason)
    stand_in_failure: str = ""  # why even the site card could not be drawn, if it could not
    placing_failure: str = ""  # why the cards could not be put into the site, if they could not

    @property
    def complete(self) -> bool:
        """Every page names a card that is in the site (its own, or the site card)."""
        return not self.stand_in_failure and not self.placing_failure


def write_waiting(path: Path, waiting: WaitingCards) -> None:
    """Write the list (atomically), or remove an old one when no card is waiting."""
    if not waiting.cards:
        path.unlink(missing_ok=True)
        return
    data = {
        "format": FORMAT,
        "cards_dir": str(waiting.cards_dir.resolve()),
        "output": str(waiting.output.resolve()),
        "site_name": waiting.site_name,
        "cards": [
            [c.slug, c.name, i.title, i.author_name, i.handle, [list(s) for s in i.specialties]]
            for c in waiting.cards
            for i in (c.inputs,)
        ],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    atomic_write_bytes(path, text.encode("utf-8"), durable=False)


def read_waiting(path: Path, cards_dir: Path, output: Path) -> WaitingCards | None:
    """The list at ``path``, for cards drawn into ``cards_dir`` and put into the site at
    ``output``; None when there is none. Raises :class:`WaitingError`."""
    try:
        data = json.loads(path.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise WaitingError(f"{path}: cannot be read ({exc}); run the build again") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise WaitingError(
            f"{path}: not a list of waiting cards of format {FORMAT}; run the build again"
        )
    try:
        site_name = _text(data["site_name"])
        cards = tuple(_card(entry, site_name) for entry in data["cards"])
        written_for = (Path(_text(data["cards_dir"])), Path(_text(data["output"])))
    except (KeyError, TypeError, ValueError) as exc:
        raise WaitingError(f"{path}: {_reason(exc)}; run the build again") from None
    if written_for[1] != output.resolve():
        raise WaitingError(
            f"{path}: the build wrote its site to {written_for[1]}, not {output}; give "
            f"`tweetorials cards` the build's settings (-s) and output folder (-o)"
        )
    if written_for[0] != cards_dir.resolve():
        raise WaitingError(
            f"{path}: the build kept its cards in {written_for[0]}, not {cards_dir}; give "
            f"`tweetorials cards` the build's settings (-s) and TWEETORIALS_CACHE"
        )
    slugs = [card.slug for card in cards]
    if len(set(slugs)) != len(slugs):
        twice = next(slug for slug in slugs if slugs.count(slug) > 1)
        raise WaitingError(f"{path}: the slug {twice!r:.60} is listed twice; run the build again")
    return WaitingCards(cards_dir, output, site_name, cards)


def draw_waiting(waiting: WaitingCards, *, workers: int | None = None) -> CardsDrawn:
    """Draw the waiting cards (this process and a worker per further core) and put each into
    the site; a card that cannot be drawn is replaced there by the site card.

    Cards with the same labels are handed out one after the other, so that each process draws
    them in a row and reuses their palette (:func:`~.cards_paint.palette_image`)."""
    batch = CardBatch(waiting.cards_dir, workers=workers, drawing="shared")
    report = CardsDrawn()
    for card in sorted(waiting.cards, key=lambda c: c.inputs.specialties):
        if batch.need(card.slug, card.inputs, card.name)[1]:
            report.drawn += 1
        else:
            report.already += 1
    report.failures = batch.finish()
    failed = {Path(path).name for path, _ in report.failures}
    report.drawn -= len(failed)
    stand_in: Path | None = None
    if failed:
        stand_in, report.stand_in_failure = site_card(waiting.cards_dir, waiting.site_name)
    folder = waiting.output / "cards"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for card in waiting.cards:
            if card.name not in failed:
                place_card(waiting.cards_dir / card.name, folder / f"{card.slug}.png")
            elif stand_in is not None and not report.stand_in_failure:
                place_card(stand_in, folder / f"{card.slug}.png")
    except OSError as exc:  # the site folder is a file, read-only, full
        where = exc.filename or folder
        report.placing_failure = f"{where}: {exc.strerror or exc}"
    return report


def _card(entry: object, site_name: str) -> WaitingCard:
    if not isinstance(entry, list) or len(entry) != 6:
        raise ValueError(
            f"a card is {entry!r:.60}, not [slug, file name, title, author, handle, labels]"
        )
    slug, name, title, author_name, handle, labels = entry
    slug, name = _text(slug), _text(name)
    if not slug or slug.startswith(".") or "/" in slug or os.sep in slug or "\0" in slug:
        raise ValueError(f"the slug {slug!r:.60} is not a plain file name")
    match = CARD_NAME.fullmatch(name)
    if match is None or match["slug"] != slug:
        raise ValueError(f"the card {name!r:.60} is not named <slug>-<hash>.png for {slug!r:.60}")
    specialties = tuple((_text(label), _text(colour)) for label, colour in _pairs(labels))
    inputs = CardInputs(_text(title), _text(author_name), _text(handle), specialties, site_name)
    return WaitingCard(slug, name, inputs)


def _pairs(labels: object) -> Sequence[tuple[object, object]]:
    if not isinstance(labels, list) or not all(
        isinstance(pair, list) and len(pair) == 2 for pair in labels
    ):
        raise ValueError(f"the specialties {labels!r:.60} are not [name, colour] pairs")
    return [(name, colour) for name, colour in labels]


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{value!r:.60} is not text")
    return value


def _reason(exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return f"{exc.args[0]!r} is missing"
    return str(exc)
