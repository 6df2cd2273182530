"""The Pelican side: turn catalog entries and their snapshots into Pelican articles.

Handlers, in the order Pelican calls them:

* :func:`check_catalog` and :func:`check_snapshots` (``initialized``): load ``threads.yaml``
  and every snapshot it uses; a broken catalog or snapshot stops the build
  (:class:`BuildRefused`, exit 2) before Pelican empties or writes the output folder, with the
  same ``threads.yaml:LINE:`` messages as ``tweetorials check`` and no traceback.
* :func:`inject_threads` (``article_generator_pretaxonomy``): one Article per archived thread,
  added before Pelican builds categories, tags, authors and archives, so those pages and their
  feeds come from Pelican itself.
* :func:`spread_specialties` (``article_generator_finalized``): Pelican gives an article one
  category; a thread in two specialties must be on both specialty pages and feeds, so the
  category lists are rebuilt from each thread's specialties.
* :func:`copy_cards` (``finalized``): the social cards, drawn once into the cache, are copied
  into the output (which Pelican empties at every build).

Images are made ready offline on the way (hand-written snapshots point at files under
``content/``; fetched ones were archived by ``tweetorials fetch``), and the log ends with one
summary line: threads rendered, waiting and excluded, images encoded and reused, cards drawn.

This module never touches the network: fetching, when enabled, is wired in by the package's
``register()`` and runs before these handlers.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from pelican.contents import Article
from pelican.urlwrappers import Author, Category, Tag
from pelican.utils import order_content, slugify

from ..catalog import Catalog, CatalogEntry, CatalogError, load_catalog
from ..console import announce
from ..media.archive import MediaReport, ensure_local_media
from ..media.card_batch import CardBatch, CardInputs, place_card, site_card
from ..media.cards_waiting import WaitingCard, WaitingCards, write_waiting
from ..media.videos import forget_missing_videos
from ..settings import Settings, SettingsError
from ..snapshot import SnapshotError, SnapshotStore, Thread, load_snapshot
from .references import find_references, forget_links
from .snapshot_checks import CheckedSnapshots
from .thread_article import ThreadArticle
from .view import ThreadView, build_view

__all__ = [
    "BuildRefused",
    "BuildState",
    "RebuildStopped",
    "build_state",
    "check_catalog",
    "check_snapshots",
    "copy_cards",
    "inject_threads",
    "plugin_settings",
    "refuse",
    "spread_specialties",
]

log = logging.getLogger(__name__)

#: Threads waiting for a fetch that a build names (a new library of 1,000 would fill a screen).
_WAITING_SHOWN = 10

#: The build in progress, with the Pelican settings dict its handlers share (a generator sees
#: only that dict, and every handler of one build sees the same one). Typed and kept here
#: rather than under a private key in Pelican's settings.
_current: tuple[dict[str, Any], BuildState] | None = None


class BuildRefused(SystemExit):
    """Stops the build: the problems, one ``threads.yaml:LINE: message`` each, then a summary.

    A ``SystemExit`` on purpose: Pelican catches ``Exception`` around the build and logs it
    with its traceback (through rich, which wraps every line), while a ``SystemExit`` passes
    through and ends the process with :attr:`exitcode` and nothing more. :func:`refuse` prints
    the lines before raising it, since nothing else will.
    """

    exitcode = 2

    def __init__(self, problems: list[str], summary: str) -> None:
        super().__init__(self.exitcode)
        self.problems = problems
        self.summary = summary

    def __str__(self) -> str:
        return "\n".join([*self.problems, self.summary])


class RebuildStopped(Exception):
    """A snapshot broke while Pelican was already building (in practice ``pelican -r``, which
    checks at ``initialized`` only once). An ``Exception``, not a ``SystemExit``: the
    autoreload loop logs it and keeps watching, so fixing the file rebuilds the site."""


def _shown(path: Path | str) -> Path:
    """``path`` relative to the working folder when inside it (Pelican makes paths absolute)."""
    path, here = Path(path), Path.cwd()
    return path.relative_to(here) if path.is_absolute() and path.is_relative_to(here) else path


def refuse(problems: list[str], output: str | None) -> BuildRefused | RebuildStopped:
    """Print ``problems`` on stderr, one plain line each, and the summary; the caller raises.

    ``output``: the output folder, still untouched (None once Pelican has begun the build: then
    the build stops with :class:`RebuildStopped` instead of ending the process).
    """
    count = len(problems)
    outcome = (
        f"nothing was written to {_shown(output)} (left as it was)"
        if output is not None
        else "the build stopped"
    )
    summary = f"build refused: {count} problem{'s' * (count != 1)}; {outcome}"
    for line in problems:
        print(line, file=sys.stderr)
    announce(summary)
    if output is None:
        return RebuildStopped(summary)
    return BuildRefused(problems, summary)


class BuildState:
    """What the handlers share during one build (see :func:`build_state`)."""

    def __init__(self, settings: Settings, catalog: Catalog, output: str) -> None:
        self.settings = settings
        self.catalog = catalog
        self.output = output
        # slug -> (file, its mtime) of every snapshot found valid (`_check_threads`)
        self.checked: dict[str, tuple[Path, int]] = {}
        self.views: list[ThreadView] = []
        self.cards: dict[str, Path] = {}  # site-relative output path -> cached card
        self.card_batch: CardBatch | None = None
        #: Output path (``save_as``) of each thread page -> when it last changed (sitemap).
        self.lastmod: dict[str, dt.datetime] = {}
        #: One Pelican Tag, Author or Category per name, shared by the articles that carry it
        #: (they compare equal anyway): 2,500 objects fewer per 1,000 threads.
        self.wrappers: dict[tuple[type, str, str], Any] = {}


def check_catalog(pelican: Any) -> BuildState:
    """Read the settings and load the catalog (``initialized``, before Pelican empties the
    output folder); an unusable setting or a broken catalog refuses the build."""
    return _new_state(pelican.settings)


def plugin_settings(pelican_settings: dict[str, Any]) -> Settings:
    """The build's :class:`~tweetorials.settings.Settings`, read once per build."""
    return _state(pelican_settings).settings


def build_state(pelican_settings: dict[str, Any]) -> BuildState:
    """The state of the build whose handlers share ``pelican_settings``."""
    return _state(pelican_settings)


def _found(pelican_settings: dict[str, Any]) -> BuildState | None:
    if _current is not None and _current[0] is pelican_settings:
        return _current[1]
    return None


def check_snapshots(pelican: Any) -> None:
    """Load every snapshot the catalog uses (``initialized``, after :func:`check_catalog`)."""
    state = _state(pelican.settings)
    _check_threads(state, state.output)


def _new_state(settings: dict[str, Any]) -> BuildState:
    output = str(settings.get("OUTPUT_PATH", "output"))
    try:
        typed = Settings.from_pelican(settings)
    except SettingsError as exc:
        # One line, as a command says it: the setting, its value and what it accepts.
        announce(f"build refused: {exc}")
        raise BuildRefused([str(exc)], "") from None
    try:
        catalog = load_catalog(typed.catalog)
    except CatalogError as exc:
        raise refuse(exc.lines(), output) from None
    global _current
    state = BuildState(typed, catalog, output)
    _current = (settings, state)
    return state


def _state(settings: dict[str, Any]) -> BuildState:
    state = _found(settings)
    if state is None:  # the handlers run without `initialized`, e.g. in a bare generator test
        state = _new_state(settings)
    return state


def _check_threads(state: BuildState, output: str | None) -> dict[str, Path | None]:
    """Every entry's snapshot file (None: waiting for a fetch), each read once to check it,
    or refuse the build listing every broken one as ``tweetorials check`` does. A file
    unchanged since a build found it valid is not read again (:mod:`.snapshot_checks`):
    fetching between ``initialized`` and the articles may write new ones, and ``pelican -r``
    and the next ``make html`` rebuild.

    Nothing read here is kept: :func:`inject_threads` reads each thread again when its page
    is made, so a large library is never in memory all at once (reading a snapshot costs
    about a third of a millisecond), and what rendering changes on a thread (image failures)
    never outlives the build.
    """
    store = SnapshotStore(_shown(state.settings.threads_dir))  # name files as `check` does
    names = store.names()  # one listing instead of a stat per entry and suffix
    record = CheckedSnapshots(state.settings.cache)
    paths: dict[str, Path | None] = {}
    problems: list[str] = []
    for entry in state.catalog.entries:
        path = store.find(entry.slug, names)
        paths[entry.slug] = path
        if path is None:
            continue
        found = path.stat()
        if not record.is_valid(entry.slug, path, found):
            try:
                load_snapshot(path)
            except SnapshotError as exc:
                line = f"{state.catalog.path.name}:{entry.line}: snapshot is broken: {exc}"
                problems.append(line)
                continue
        state.checked[entry.slug] = (path, found.st_mtime_ns)
        record.mark_valid(entry.slug, path, found)
    if problems:
        raise refuse(problems, output)
    record.save()
    return paths


def _read_thread(state: BuildState, entry: CatalogEntry, path: Path) -> Thread:
    """The thread for its page (checked by :func:`_check_threads`; a file that broke since
    stops the build the same way)."""
    try:
        return load_snapshot(path)
    except SnapshotError as exc:
        line = f"{state.catalog.path.name}:{entry.line}: snapshot is broken: {exc}"
        raise refuse([line], None) from None


def inject_threads(generator: Any) -> None:
    """One Article per archived thread (``article_generator_pretaxonomy``), then the summary.

    Kept in one piece: it is the build's main loop, and the counts in its summary line are
    gathered along the way.
    """
    state = _state(generator.settings)
    catalog = state.catalog
    paths = _check_threads(state, None)  # files unchanged since `check_snapshots` are not read
    later = state.settings.cards == "after"
    state.card_batch = CardBatch(state.settings.cards_dir, drawing="later" if later else "beside")
    waiting: list[str] = []
    excluded = 0
    images = MediaReport()
    cards_drawn = 0
    used_slugs: set[str] = {a.slug for a in generator.articles}

    for entry in catalog.entries:
        path = paths[entry.slug]
        if path is None:
            waiting.append(f"{catalog.path.name}:{entry.line} {entry.url}")
            continue
        thread = _read_thread(state, entry, path)
        if catalog.exclusion_for(entry, thread.author_key):
            excluded += 1
            continue
        for caveat in thread.caveats:  # what the last fetch could not vouch for, e.g. missing posts
            log.warning("%s:%d: %s: %s", catalog.path.name, entry.line, entry.url, caveat)
        report = ensure_local_media(thread, state.settings.content)
        forget_missing_videos(thread, state.settings.content)  # poster and link instead
        for where, reason in report.failures:
            log.warning(
                "%s:%d: image %s not shown: %s", catalog.path.name, entry.line, where, reason
            )
        images += report
        view = build_view(
            entry, thread, catalog.specialties, str(generator.settings.get("DEFAULT_LANG", "en"))
        )
        article = _make_article(generator, view, used_slugs, _date(state, view))
        view.extra.references = find_references(thread)
        view.release_posts()  # the body is HTML now: see ThreadView.release_posts
        cards_drawn += _card(state, state.card_batch, view, article.slug)
        generator.articles.append(article)
        state.views.append(view)
    state.card_batch.start()  # drawn while Pelican writes the pages; collected by copy_cards
    forget_links()  # every thread's references are found

    generator.articles = order_content(generator.articles, generator.settings["ARTICLE_ORDER_BY"])
    # Pagefind keeps one index per page language; the search page merges the others in.
    generator.context["TWEETORIALS_OTHER_LANGUAGES"] = sorted(
        {v.language for v in state.views if v.foreign}
    )
    if waiting:
        shown = waiting[:_WAITING_SHOWN]
        more = len(waiting) - len(shown)
        log.warning(
            "%d thread%s waiting for a fetch (no snapshot yet; run `tweetorials fetch` with network access): %s%s",
            len(waiting),
            " is" if len(waiting) == 1 else "s are",
            "; ".join(shown),
            f"; and {more} more (`tweetorials check` lists them all)" if more else "",
        )
    announce(
        f"{len(state.views)} threads rendered from snapshots, {len(waiting)} waiting for a fetch, "
        f"{excluded} excluded; {images.summary()}; "
        f"social cards: {0 if later else cards_drawn} drawn, "
        + (f"{cards_drawn} left for `tweetorials cards`, " if later and cards_drawn else "")
        + f"{len(state.cards) - cards_drawn} reused"
    )


def copy_cards(pelican: Any) -> None:
    """Put the thread's cards into the site, once drawn. With ``TWEETORIALS_CARDS=after`` the
    missing ones are listed in ``cache/cards-waiting.json`` instead, for ``tweetorials cards``
    (see :mod:`..media.cards_waiting`); every build writes or removes that list."""
    state = _found(pelican.settings)
    if state is None:
        return
    batch = state.card_batch
    if batch is not None:
        failed = {path for path, _ in _report_failures(batch.finish())}
        stand_in = _site_card(state) if failed else None
        later = {str(state.settings.cards_dir / name) for _, name, _ in batch.missing}
        cards: dict[str, Path] = {}
        for relative, cached in state.cards.items():
            if str(cached) in later:
                continue
            if str(cached) not in failed:
                cards[relative] = cached
            elif stand_in is not None:
                cards[relative] = stand_in
        state.cards = cards
        waiting = WaitingCards(  # empty unless the batch drew nothing ("later"): no list then
            state.settings.cards_dir,
            state.settings.output,
            state.settings.site_name,
            tuple(WaitingCard(*card) for card in batch.missing),
        )
        write_waiting(state.settings.cards_waiting, waiting)
    output = state.settings.output
    folders: set[Path] = set()
    for relative, cached in state.cards.items():
        target = output / relative
        try:
            if target.parent not in folders:
                target.parent.mkdir(parents=True, exist_ok=True)
                folders.add(target.parent)
            place_card(cached, target)
        except OSError as exc:
            log.warning("social card %s not put into the site: %s", relative, exc)


def _report_failures(failures: list[tuple[str, str]]) -> list[tuple[str, str]]:
    for path, reason in failures:
        log.warning("social card %s could not be drawn: %s", _shown(path), reason)
    return failures


def _site_card(state: BuildState) -> Path | None:
    """The site's own card, to stand in where a thread's card could not be drawn
    (:func:`~..media.card_batch.site_card`); None when even it cannot be drawn (logged)."""
    path, failure = site_card(state.settings.cards_dir, state.settings.site_name)
    if failure:
        _report_failures([(str(path), failure)])
        return None
    return path


def _card(state: BuildState, batch: CardBatch, view: ThreadView, slug: str) -> bool:
    """Ask for the thread's social card; returns True when it has to be drawn."""
    inputs = CardInputs(
        title=view.title,
        author_name=view.author.name,
        handle=view.author.handle,
        specialties=tuple((s.name, s.colour) for s in view.specialties),
        site_name=state.settings.site_name,
    )
    path, drawn = batch.need(slug, inputs)
    relative = f"cards/{slug}.png"
    state.cards[relative] = path
    view.extra.card = relative
    return drawn


def spread_specialties(generator: Any) -> None:
    state = _found(generator.settings)
    if state is None:
        return
    by_specialty: dict[Category, list[Article]] = defaultdict(list)
    shared = state.wrappers
    for article in generator.articles:
        view: ThreadView | None = getattr(article, "tweetorial", None)
        if view is None:
            by_specialty[article.category].append(article)
            continue
        for specialty in view.specialties:
            category = _category(specialty.slug, specialty.name, generator.settings, shared)
            by_specialty[category].append(article)
    categories = sorted(by_specialty.items(), key=lambda item: item[0].name)
    generator.categories = categories
    generator.context["categories"] = categories


def _make_article(
    generator: Any, view: ThreadView, used_slugs: set[str], date: dt.datetime
) -> ThreadArticle:
    settings = generator.settings
    slug = _unique_slug(
        slugify(view.title, regex_subs=settings.get("SLUG_REGEX_SUBSTITUTIONS", [])), used_slugs
    )
    first = view.specialties[0]
    shared = _state(settings).wrappers
    metadata: dict[str, Any] = {
        "title": view.title,
        "slug": slug,
        "date": date,
        "category": _category(first.slug, first.name, settings, shared),
        "tags": [_wrapper(shared, Tag, tag, settings) for tag in view.entry.tags],
        "authors": [_wrapper(shared, Author, view.thread.author.name, settings)],
        "summary": view.summary,
        "template": "thread",
        "tweetorial": view,
    }
    if view.archived:
        metadata["modified"] = view.archived
    # Pelican reads `source_path` for caching and for `{filename}` links; a snapshot is the source.
    source = _state(settings).settings.threads_dir / f"{view.entry.slug}.json"
    return ThreadArticle(
        _render_body(generator, view),
        metadata=metadata,
        settings=settings,
        source_path=str(source),
        context=generator.context,
    )


def _render_body(generator: Any, view: ThreadView) -> str:
    """The posts as HTML, rendered by the theme's ``thread_body.html`` partial.

    The same HTML is the page body, the full-text feed entry and what search indexes.
    """
    template = generator.env.get_template("thread_body.html")
    context = dict(generator.context)
    context["view"] = view
    return str(template.render(context))


def _category(
    slug: str, name: str, settings: dict[str, Any], shared: dict[tuple[type, str, str], Any]
) -> Category:
    category: Category | None = shared.get((Category, slug, name))
    if category is None:
        category = shared[(Category, slug, name)] = Category(name, settings)
        category.slug = slug
    return category


def _wrapper(
    shared: dict[tuple[type, str, str], Any], kind: type, name: str, settings: dict[str, Any]
) -> Any:
    """The build's one ``kind`` (Pelican's Tag or Author) called ``name``."""
    wrapper = shared.get((kind, name, ""))
    if wrapper is None:
        wrapper = shared[(kind, name, "")] = kind(name, settings)
    return wrapper


def _unique_slug(slug: str, used: set[str]) -> str:
    slug = slug or "thread"
    candidate, n = slug, 2
    while candidate in used:
        candidate, n = f"{slug}-{n}", n + 1
    used.add(candidate)
    return candidate


def _date(state: BuildState, view: ThreadView) -> dt.datetime:
    """When the thread was posted, else added to the catalog, else archived; for a thread
    nothing dates (a hand-written snapshot without ``posted:`` whose entry has no ``added:``),
    its snapshot file's date, with a warning: Pelican cannot place an article without one."""
    date = view.posted or _added(view) or view.archived
    if date is not None:
        return date
    entry = view.entry
    log.warning(
        "%s:%d: %s has no date (no `posted:` in its snapshot, no `added:` here); "
        "dated by its snapshot file for now: add one of them",
        state.catalog.path.name,
        entry.line,
        entry.url,
    )
    mtime = state.checked[entry.slug][1]
    return dt.datetime.fromtimestamp(mtime // 1_000_000_000, dt.UTC)


def _added(view: ThreadView) -> dt.datetime | None:
    added = view.entry.added
    return dt.datetime(added.year, added.month, added.day, tzinfo=dt.UTC) if added else None
