"""Benchmark: this project's build against plain Pelican on the same text, at N and 2N threads.

Speed and memory targets live here, not in timed tests (a loaded CI machine would make timed
tests flaky). For each size it generates, in a temporary folder:

* a synthetic library of N threads x 15 posts of realistic length (about 270 characters, a DOI
  link and hashtags in each post, an image in every fifth thread, a poll in every fourth), as JSON snapshots and a
  ``threads.yaml``, with the images archived the way ``tweetorials fetch`` leaves them;
* the same text as N Markdown articles for plain Pelican (default theme, no plugins; the same
  URL layout, pagination and feeds, so both build the same shape of site).

Then it alternates the builds, each in fresh child processes: plain Pelican, this project cold
(no social cards yet: every card is drawn) and this project cached (a second build that changes
nothing: it must encode 0 images and draw 0 cards); then both again with no previous output
(a fresh clone, as the Pages workflow builds: cards committed, nothing to delete or take back),
reported beside the targets. This project builds as ``make html`` does: ``pelican`` with
``TWEETORIALS_CARDS=after``, then ``tweetorials cards`` (times added, peak memory the larger of
the two); the cold build is also run as ``pelican`` alone, its cards drawn during the build by
a worker, and reported on its own line. The best of ``--repeats`` runs of each is kept. The plugin's
modules are compiled to bytecode first, as pip compiled Pelican's (:func:`compile_plugin`).
Time is the child's wall clock (start-up and imports included, as ``make html`` feels it);
peak memory is the largest resident set of the child and everything it started, summed (sampled
from ``/proc`` every 10 ms) or the child's own peak from ``wait4``, whichever is larger.
Pagefind is run on its own over the built site and reported separately (both builds run with
search off). ``tweetorials check`` is timed on the N-thread catalog.

    make bench                                   # N = 1000, and 2000
    .venv/bin/python scripts/bench.py --threads 100 --repeats 1     # a quick look
    .venv/bin/python scripts/bench.py --readme   # also write the table into README.md

The figures go to ``bench-results.json`` (``--json``); the exit status is 1 when a target is
missed. Targets (issue 14, on a 2-core machine): cached <= 0.8x plain Pelican, cold <= 1.5x,
peak memory <= 1.2x plain Pelican (judged for the rebuild and for the cold build, each with
the card drawing that follows it), 2N <= 2.1x the time of N and less than twice the memory,
``tweetorials check`` < 1 s on N = 1000.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
POSTS_PER_THREAD = 15
IMAGE_EVERY = 5  # one thread in five shows an image (a few distinct pictures, reused)
POLL_EVERY = 4  # one thread in four asks a poll in its second post
DISTINCT_IMAGES = 12

TARGET_CACHED = 0.8
TARGET_COLD = 1.5
TARGET_MEMORY = 1.2
TARGET_DOUBLE_TIME = 2.1
TARGET_DOUBLE_MEMORY = 2.0
TARGET_CHECK_SECONDS = 1.0

README_START = "<!-- bench:start -->"
README_END = "<!-- bench:end -->"

SPECIALTIES = {
    "value-care": ("High-value care", "#0f766e"),
    "pathophysiology": ("Pathophysiology", "#9a3412"),
    "policy": ("Health policy", "#1d4ed8"),
    "cardiology": ("Cardiology", "#b91c1c"),
    "nephrology": ("Nephrology", "#6d28d9"),
}
TOPICS = [
    "sodium",
    "potassium",
    "troponin",
    "sepsis",
    "anticoagulation",
    "heart-failure",
    "aki",
    "imaging",
    "statins",
    "delirium",
    "anaemia",
    "asthma",
]
SENTENCES = [
    "The renin-angiotensin system keeps perfusion pressure up when volume falls",
    "A normal anion gap does not rule out a toxic alcohol ingestion early on",
    "Troponin rises after many insults to the myocardium, not only plaque rupture",
    "Low-value imaging for back pain adds cost and incidental findings without benefit",
    "Loop diuretics act on the thick ascending limb, where most sodium is reabsorbed",
    "Pretest probability should decide whether a D-dimer is worth sending at all",
    "Hyperkalaemia with ECG changes needs calcium first, then shifting, then removal",
    "Beta blockers reduce mortality in heart failure with reduced ejection fraction",
    "Delirium is common, under-recognised and often the first sign of serious illness",
    "Choosing Wisely lists are a place to start a conversation, not to end one",
    "Iron deficiency can be present long before the haemoglobin starts to fall",
    "Check inhaler technique before you escalate therapy for poorly controlled asthma",
]
JOURNALS = [
    ("10.1056/NEJMoa", "nejm"),
    ("10.1001/jama.", "jama"),
    ("10.1016/S0140-6736(20)3", "lancet"),
    ("10.1136/bmj.", "bmj"),
]
HASHTAGS = ["#FOAMed", "#MedEd", "#MedTwitter", "#tweetorial", "#NephTwitter", "#CardioTwitter"]


# --------------------------------------------------------------------------------------------
# The corpus


@dataclass
class PostText:
    text: str  # plain text, as the platform gives it
    html: str  # the sanitised HTML a snapshot stores
    markdown: str  # the same for plain Pelican
    doi: str


def post_text(rng: random.Random, thread: int, number: int) -> PostText:
    """One post of about 270 characters: prose, a DOI link and one or two hashtags."""
    prefix, _ = rng.choice(JOURNALS)
    doi = f"{prefix}{2000 + thread % 900}{number:02d}{rng.randrange(100, 999)}"
    url = f"https://doi.org/{doi}"
    tags = " ".join(rng.sample(HASHTAGS, 1 + number % 2))
    words: list[str] = []
    while len(" ".join(words)) < 190:
        words.append(rng.choice(SENTENCES) + ".")
    prose = f"{number}/ " + " ".join(words)
    text = f"{prose} Evidence: {url} {tags}"
    shown = f"doi.org/{doi}"
    html = f'<p>{prose} Evidence: <a href="{url}">{shown}</a> {tags}</p>'
    markdown = f"{prose} Evidence: [{shown}]({url}) {tags}"
    return PostText(text, html, markdown, doi)


def _poll(thread: int) -> dict[str, Any]:
    """A finished four-choice poll, as snapshots of schema 2 record one."""
    labels = ["Check the ECG first", "Give calcium now", "Repeat the potassium", "Start insulin"]
    votes = [120 + thread % 50, 340, 85 + thread % 30, 60]
    return {
        "options": [{"label": label, "votes": v} for label, v in zip(labels, votes, strict=True)],
        "total_votes": sum(votes),
        "final": True,
        "ends_at": "2024-01-02T10:00:00Z",
        "counted_at": "2026-11-01T00:00:00Z",
        "multiple": False,
        "voters": None,
    }


@dataclass
class Corpus:
    library: Path  # threads.yaml, content/threads, content/media, content/pages
    plain: Path  # content/*.md, content/media, content/pages
    threads: int
    images: list[dict[str, Any]] = field(default_factory=list)  # LocalImage dicts


def make_images(media_root: Path) -> list[dict[str, Any]]:
    """A few distinct pictures, archived as ``tweetorials fetch`` leaves them."""
    from PIL import Image, ImageDraw
    from tweetorials.media.images import store_image

    stored = []
    for n in range(DISTINCT_IMAGES):
        image = Image.new("RGB", (1200, 800), (40 + 15 * n, 90, 160 - 10 * n))
        draw = ImageDraw.Draw(image)
        for k in range(0, 1200, 60):
            draw.line((k, 0, 1200 - k, 800), fill=(250, 240 - 10 * n, 200), width=5)
        buffer = io.BytesIO()
        image.save(buffer, "PNG")
        local = store_image(buffer.getvalue(), media_root).local
        stored.append(asdict(local))
    return stored


def make_corpus(base: Path, count: int, images: list[dict[str, Any]]) -> Corpus:
    library, plain = base / "library", base / "plain"
    threads_dir = library / "content" / "threads"
    threads_dir.mkdir(parents=True)
    (plain / "content").mkdir(parents=True)
    for root in (library, plain):
        (root / "content" / "pages").mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / "content/pages/about.md", root / "content/pages/about.md")
    shutil.copytree(base.parent / "media", library / "content" / "media")
    shutil.copytree(base.parent / "media", plain / "content" / "media")

    rng = random.Random(14)
    slugs = list(SPECIALTIES)
    catalog = ["specialties:"]
    catalog += [
        f"  {slug}: {{name: {name}, colour: '{colour}'}}"
        for slug, (name, colour) in SPECIALTIES.items()
    ]
    catalog.append("threads:")
    for n in range(1, count + 1):
        handle = f"drbench{n % 97}"
        name = f"Dr Bench {n % 97}"
        specs = [slugs[(n + k) % len(slugs)] for k in range(1 + n % 3)]
        tags = [TOPICS[n % len(TOPICS)], TOPICS[(n * 7) % len(TOPICS)]]
        tags = list(dict.fromkeys(tags))
        title = f"{rng.choice(SENTENCES).split(',')[0]} (thread {n})"
        day = dt.date(2020, 1, 1) + dt.timedelta(days=n % 1800)
        texts = [post_text(rng, n, i) for i in range(1, POSTS_PER_THREAD + 1)]
        image = images[n % len(images)] if n % IMAGE_EVERY == 0 else None
        posts = []
        for i, piece in enumerate(texts, start=1):
            post_id = f"{n:05d}{i:03d}"
            media = []
            if image is not None and i == 3:
                media.append(
                    {
                        "kind": "image",
                        "url": f"https://pbs.twimg.com/media/bench{n % len(images)}.png",
                        "alt": "A chart of the trial's primary outcome by group",
                        "width": image["width"],
                        "height": image["height"],
                        "link": None,
                        "local": image,
                        "error": None,
                    }
                )
            poll = _poll(n) if n % POLL_EVERY == 0 and i == 2 else None
            posts.append(
                {
                    **({"poll": poll} if poll else {}),
                    "id": post_id,
                    "url": f"https://x.com/{handle}/status/{post_id}",
                    "created_at": f"{day.isoformat()}T10:{i:02d}:00Z",
                    "text": piece.text,
                    "html": piece.html,
                    "media": media,
                    "quote": None,
                    "card": None,
                    "author": None,
                    "status": "ok",
                    "last_seen": None,
                    "truncated": False,
                }
            )
        snapshot = {
            "schema": 2,
            "platform": "x",
            "url": posts[0]["url"],
            "author": {
                "name": name,
                "handle": handle,
                "url": f"https://x.com/{handle}",
                "avatar_url": None,
                "avatar": None,
            },
            "posts": posts,
            "fetched_at": "2026-11-01T00:00:00Z",
            "source": "fxtwitter",
            "sample": False,
            "status": "ok",
            "note": "",
        }
        slug = f"x-{n:05d}"
        (threads_dir / f"{slug}.json").write_text(
            json.dumps(snapshot, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        catalog += [
            f"  - url: {posts[0]['url']}",
            f"    snapshot: {slug}",
            f"    specialties: [{', '.join(specs)}]",
            f"    tags: [{', '.join(tags)}]",
            f"    title: {title}",
            f"    added: {day.isoformat()}",
            "    note: A worked example for students, with the trials behind each step.",
        ]
        poll = _poll(n) if n % POLL_EVERY == 0 else None
        _write_markdown(
            plain / "content" / f"{slug}.md", title, name, day, specs, tags, texts, image, poll
        )
    (library / "threads.yaml").write_text("\n".join(catalog) + "\n", encoding="utf-8")
    return Corpus(library, plain, count, images)


def _write_markdown(
    path: Path,
    title: str,
    author: str,
    day: dt.date,
    specialties: list[str],
    tags: list[str],
    texts: list[PostText],
    image: dict[str, Any] | None,
    poll: dict[str, Any] | None,
) -> None:
    body = []
    for i, piece in enumerate(texts, start=1):
        body.append(piece.markdown)
        if poll is not None and i == 2:
            total = poll["total_votes"]
            body.append(
                "\n".join(
                    f"- {o['label']}: {o['votes']} votes ({100 * o['votes'] / total:.0f}%)"
                    for o in poll["options"]
                )
                + f"\n\n{total} votes, final results"
            )
        if image is not None and i == 3:
            rendition = image["renditions"][0]
            body.append(f"![A chart of the trial's primary outcome by group](/{rendition['webp']})")
    head = [
        f"Title: {title}",
        f"Date: {day.isoformat()} 10:00",
        f"Category: {SPECIALTIES[specialties[0]][0]}",
        f"Tags: {', '.join(tags)}",
        f"Author: {author}",
        "Summary: A worked example for students, with the trials behind each step.",
    ]
    path.write_text("\n".join(head) + "\n\n" + "\n\n".join(body) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------------------------
# Building in a child process


PLAIN_CONF = """\
SITENAME = "Tweetorials Library"
SITEURL = ""
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
PATH = "content"
PLUGINS = []
ARTICLE_EXCLUDES = ["pages"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["media"]
ARTICLE_URL = "threads/{slug}/"
ARTICLE_SAVE_AS = "threads/{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
CATEGORY_URL = "specialty/{slug}/"
CATEGORY_SAVE_AS = "specialty/{slug}/index.html"
TAG_URL = "tag/{slug}/"
TAG_SAVE_AS = "tag/{slug}/index.html"
AUTHOR_URL = "author/{slug}/"
AUTHOR_SAVE_AS = "author/{slug}/index.html"
ARCHIVES_SAVE_AS = "archive/index.html"
DEFAULT_PAGINATION = 20
FEED_DOMAIN = "http://127.0.0.1:8000"
FEED_ALL_ATOM = "feeds/all.atom.xml"
CATEGORY_FEED_ATOM = "feeds/specialty/{slug}.atom.xml"
TAG_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
RSS_FEED_SUMMARY_ONLY = False
DELETE_OUTPUT_DIRECTORY = True
CACHE_CONTENT = False
RELATIVE_URLS = True
"""

BUILD_CHILD = """\
import json, sys
from pelican import Pelican
from pelican.settings import read_settings
settings = read_settings(sys.argv[1], override=json.loads(sys.argv[2]))
Pelican(settings).run()
"""


@dataclass
class Run:
    seconds: float
    cpu_seconds: float  # user + system time of the build and every process it waited for
    peak_mib: float
    output: str  # what the build printed (the plugin's summary line is checked)


def _tree_rss_kib(pid: int) -> int:
    """Resident memory of ``pid`` and all its descendants, in KiB (0 when unreadable)."""
    total = 0
    stack = [pid]
    while stack:
        current = stack.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
        except OSError:
            continue
        match = re.search(r"^VmRSS:\s+(\d+)", status, re.M)
        total += int(match.group(1)) if match else 0
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                children = (task / "children").read_text().split()
                stack.extend(int(c) for c in children)
        except OSError:
            pass
    return total


def run_child(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> Run:
    """Run ``args``; wall time, and peak memory of the process tree (see the module doc)."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(
            args, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env=env or os.environ.copy()
        )
        peak_kib = 0
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            peak_kib = max(peak_kib, _tree_rss_kib(proc.pid))
            time.sleep(0.01)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:3])}... failed ({proc.returncode}):\n{text[-3000:]}")
    peak_kib = max(peak_kib, usage.ru_maxrss)  # Linux reports ru_maxrss in KiB
    return Run(seconds, usage.ru_utime + usage.ru_stime, peak_kib / 1024, text)


def build_library(corpus: Corpus, cards: str = "after") -> Run:
    """This project's build. ``cards="after"``: as ``make html`` runs it, ``pelican`` and then
    ``tweetorials cards`` (wall and CPU time added, peak memory the larger: they never run at
    the same time). ``cards="during"``: ``pelican`` alone, drawing its cards as it builds."""
    root = corpus.library
    override = {
        "PATH": str(root / "content"),
        "OUTPUT_PATH": str(root / "output"),
        "THEME": str(ROOT / "theme"),
        "TWEETORIALS_CATALOG": str(root / "threads.yaml"),
        "TWEETORIALS_CACHE": str(root / "cache"),
        "TWEETORIALS_FETCH": "never",
        "TWEETORIALS_SEARCH": False,
    }
    env = {
        **os.environ,
        "TWEETORIALS_FETCH": "never",
        "TWEETORIALS_SEARCH": "false",
        "TWEETORIALS_CARDS": cards,
    }
    args = [sys.executable, "-c", BUILD_CHILD, str(ROOT / "pelicanconf.py"), json.dumps(override)]
    built = run_child(args, root, env)
    if cards != "after":
        return built
    drawn = run_child([str(Path(sys.executable).with_name("tweetorials")), "cards"], root, env)
    return Run(
        built.seconds + drawn.seconds,
        built.cpu_seconds + drawn.cpu_seconds,
        max(built.peak_mib, drawn.peak_mib),
        built.output + drawn.output,
    )


def build_plain(corpus: Corpus) -> Run:
    root = corpus.plain
    conf = root / "pelicanconf.py"
    if not conf.exists():
        conf.write_text(PLAIN_CONF, encoding="utf-8")
    override = {"PATH": str(root / "content"), "OUTPUT_PATH": str(root / "output")}
    return run_child([sys.executable, "-c", BUILD_CHILD, str(conf), json.dumps(override)], root)


def clear_output(root: Path) -> None:
    """No previous output, as on a fresh clone (the Pages workflow's case): and of the cache
    folder only what a clone has, the committed cards; not the compiled templates or the
    record of checked snapshots, which only earlier builds on the same machine leave."""
    shutil.rmtree(root / "output", ignore_errors=True)
    cache = root / "cache"
    if cache.is_dir():
        for entry in cache.iterdir():
            if entry.name != "cards":
                shutil.rmtree(entry) if entry.is_dir() else entry.unlink()


def clear_cards(corpus: Corpus) -> None:
    shutil.rmtree(corpus.library / "cache", ignore_errors=True)
    shutil.rmtree(corpus.library / "content" / "cards", ignore_errors=True)


def drawn_and_encoded(run: Run) -> tuple[int, int]:
    """Cards drawn (by the build and by ``tweetorials cards``) and images encoded, from the
    plugin's summary line and the command's."""
    text = " ".join(run.output.split())  # rich wraps long lines
    cards = re.findall(r"social cards: (\d+) drawn", text)
    images = re.search(r"images: (\d+) encoded", text)
    if not cards or images is None:
        raise RuntimeError(f"no summary line in the build's output:\n{run.output[-2000:]}")
    return sum(int(n) for n in cards), int(images.group(1))


def time_pagefind(corpus: Corpus) -> float | None:
    from tweetorials.render.search import find_pagefind

    binary = find_pagefind()
    if binary is None:
        return None
    output = corpus.library / "output"
    start = time.perf_counter()
    subprocess.run(
        [binary, "--site", str(output), "--output-subdir", "pagefind", "--silent"],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def time_check(corpus: Corpus) -> float:
    tool = Path(sys.executable).with_name("tweetorials")
    args = [str(tool)] if tool.exists() else [sys.executable, "-m", "tweetorials.cli"]
    args += ["check", "--catalog", str(corpus.library / "threads.yaml")]
    return min(run_child(args, corpus.library).seconds for _ in range(3))


# --------------------------------------------------------------------------------------------
# One size


@dataclass
class SizeResult:
    threads: int
    plain_s: float
    cold_s: float
    cached_s: float
    plain_cpu_s: float
    cold_cpu_s: float
    cached_cpu_s: float
    plain_mib: float
    cold_mib: float
    cached_mib: float
    pagefind_s: float | None
    check_s: float | None
    fresh_plain_s: float  # no previous output (a fresh clone, as in the Pages workflow)
    fresh_s: float  # the same for this project, cards cached (committed)
    cached_cards_drawn: int
    cached_images_encoded: int
    cold_cards_drawn: int
    during_s: float  # cold, `pelican` alone: cards drawn during the build by a worker
    during_mib: float

    @property
    def cached_ratio(self) -> float:
        return self.cached_s / self.plain_s

    @property
    def cold_ratio(self) -> float:
        return self.cold_s / self.plain_s

    @property
    def fresh_ratio(self) -> float:
        return self.fresh_s / self.fresh_plain_s

    @property
    def memory_ratio(self) -> float:
        return max(self.cold_mib, self.cached_mib) / self.plain_mib

    @property
    def cached_memory_ratio(self) -> float:
        return self.cached_mib / self.plain_mib

    @property
    def cold_memory_ratio(self) -> float:
        """The cold build: the larger peak of the build and of the card drawing after it."""
        return self.cold_mib / self.plain_mib

    @property
    def during_ratio(self) -> float:
        return self.during_s / self.plain_s

    @property
    def during_memory_ratio(self) -> float:
        """``pelican`` alone, cold: the build and its card worker's memory, summed."""
        return self.during_mib / self.plain_mib


def measure(base: Path, count: int, repeats: int, images: list[dict[str, Any]]) -> SizeResult:
    say(f"{count} threads: generating the corpus")
    corpus = make_corpus(base / f"n{count}", count, images)
    plain: list[Run] = []
    cold: list[Run] = []
    cached: list[Run] = []
    fresh_plain: list[Run] = []
    fresh: list[Run] = []
    during: list[Run] = []
    for attempt in range(1, repeats + 1):
        plain.append(build_plain(corpus))
        clear_cards(corpus)
        during.append(build_library(corpus, cards="during"))
        clear_cards(corpus)
        cold.append(build_library(corpus))
        cached.append(build_library(corpus))
        clear_output(corpus.plain)
        fresh_plain.append(build_plain(corpus))
        clear_output(corpus.library)
        fresh.append(build_library(corpus))
        say(
            f"{count} threads, run {attempt}/{repeats}: plain {plain[-1].seconds:.2f} s, "
            f"cold {cold[-1].seconds:.2f} s, cached {cached[-1].seconds:.2f} s "
            f"(CPU {plain[-1].cpu_seconds:.2f} / {cold[-1].cpu_seconds:.2f} / "
            f"{cached[-1].cpu_seconds:.2f} s); no previous output: plain "
            f"{fresh_plain[-1].seconds:.2f} s, cached {fresh[-1].seconds:.2f} s; "
            f"cold with pelican alone {during[-1].seconds:.2f} s"
        )
    drawn_cold, _ = drawn_and_encoded(cold[-1])
    drawn, encoded = max(drawn_and_encoded(run) for run in cached)
    pagefind = time_pagefind(corpus)
    check = time_check(corpus)
    return SizeResult(
        threads=count,
        plain_s=min(r.seconds for r in plain),
        cold_s=min(r.seconds for r in cold),
        cached_s=min(r.seconds for r in cached),
        plain_cpu_s=min(r.cpu_seconds for r in plain),
        cold_cpu_s=min(r.cpu_seconds for r in cold),
        cached_cpu_s=min(r.cpu_seconds for r in cached),
        plain_mib=min(r.peak_mib for r in plain),
        cold_mib=min(r.peak_mib for r in cold),
        cached_mib=min(r.peak_mib for r in cached),
        pagefind_s=pagefind,
        check_s=check,
        fresh_plain_s=min(r.seconds for r in fresh_plain),
        fresh_s=min(r.seconds for r in fresh),
        cached_cards_drawn=drawn,
        cached_images_encoded=encoded,
        cold_cards_drawn=drawn_cold,
        during_s=min(r.seconds for r in during),
        during_mib=min(r.peak_mib for r in during),
    )


# --------------------------------------------------------------------------------------------
# Reporting


def machine() -> dict[str, Any]:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    from importlib.metadata import version

    return {
        "cpu": model,
        "cores": len(os.sched_getaffinity(0))
        if hasattr(os, "sched_getaffinity")
        else os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "pelican": version("pelican"),
        "system": f"{platform.system()} {platform.release()}",
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def targets(small: SizeResult, large: SizeResult | None) -> dict[str, bool]:
    met = {
        "cached <= 0.8x plain": small.cached_ratio <= TARGET_CACHED,
        "cold <= 1.5x plain": small.cold_ratio <= TARGET_COLD,
        "memory <= 1.2x plain, rebuild": small.cached_memory_ratio <= TARGET_MEMORY,
        "memory <= 1.2x plain, cold": small.cold_memory_ratio <= TARGET_MEMORY,
        "no-change rebuild: 0 images encoded, 0 cards drawn": small.cached_cards_drawn == 0
        and small.cached_images_encoded == 0,
    }
    if small.check_s is not None:
        met["check < 1 s"] = small.check_s < TARGET_CHECK_SECONDS * max(1, small.threads / 1000)
    if large is not None:
        met["2N time <= 2.1x N"] = large.cached_s <= TARGET_DOUBLE_TIME * small.cached_s
        met["2N memory < 2x N"] = max(
            large.cold_mib, large.cached_mib
        ) < TARGET_DOUBLE_MEMORY * max(small.cold_mib, small.cached_mib)
    return met


def table(results: list[SizeResult], info: dict[str, Any], met: dict[str, bool]) -> str:
    rows = [
        "| threads | plain Pelican | cached (ratio) | cold, cards drawn (ratio) "
        "| peak MiB plain / cached / cold (ratios) | CPU s plain / cached / cold "
        "| Pagefind | `check` |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        pagefind = f"{r.pagefind_s:.2f} s" if r.pagefind_s is not None else "n/a"
        check = f"{r.check_s:.2f} s" if r.check_s is not None else "n/a"
        rows.append(
            f"| {r.threads:,} | {r.plain_s:.2f} s | {r.cached_s:.2f} s ({r.cached_ratio:.2f}x) "
            f"| {r.cold_s:.2f} s ({r.cold_ratio:.2f}x) "
            f"| {r.plain_mib:.0f} / {r.cached_mib:.0f} / {r.cold_mib:.0f} "
            f"({r.cached_memory_ratio:.2f}x / {r.cold_memory_ratio:.2f}x) "
            f"| {r.plain_cpu_s:.1f} / {r.cached_cpu_s:.1f} / {r.cold_cpu_s:.1f} "
            f"| {pagefind} | {check} |"
        )
    if len(results) == 2:
        small, large = results
        rows.append("")
        rows.append(
            f"{large.threads:,} threads take {large.cached_s / small.cached_s:.2f}x the time of "
            f"{small.threads:,} (cached) and {large.cold_s / small.cold_s:.2f}x (cold); peak memory "
            f"{max(large.cold_mib, large.cached_mib) / max(small.cold_mib, small.cached_mib):.2f}x."
        )
    rows.append("")
    rows.append(
        "No previous output (a fresh clone, as in the Pages workflow; cards committed): "
        + "; ".join(
            f"{r.threads:,} threads: plain {r.fresh_plain_s:.2f} s, "
            f"this project {r.fresh_s:.2f} s ({r.fresh_ratio:.2f}x)"
            for r in results
        )
        + ". The cached column is a rebuild over the previous output, as the issue defines it."
    )
    rows.append("")
    rows.append(
        "Cold, with `pelican` alone (cards drawn during the build, by a worker on the second "
        "core, whose memory is added): "
        + "; ".join(
            f"{r.threads:,} threads: {r.during_s:.2f} s ({r.during_ratio:.2f}x), "
            f"{r.during_mib:.0f} MiB ({r.during_memory_ratio:.2f}x)"
            for r in results
        )
        + ". Every other figure is `make html`'s build: the pages, then `tweetorials cards`."
    )
    rows.append("")
    rows.append(
        "Times are wall clock (what the targets use); CPU is user + system time of the build "
        "and its workers, steadier on a busy machine. "
        f"Best of the runs, each build in a fresh process. Machine: {info['cpu']}, "
        f"{info['cores']} cores, load average {info['load_average'][0]} at the start; "
        f"Python {info['python']}, Pelican {info['pelican']}; {info['date']}."
    )
    rows.append(
        "Targets: " + "; ".join(f"{name}: {'met' if ok else 'MISSED'}" for name, ok in met.items())
    )
    return "\n".join(rows)


def write_readme(text: str) -> None:
    readme = ROOT / "README.md"
    content = readme.read_text(encoding="utf-8")
    start, end = content.find(README_START), content.find(README_END)
    if start < 0 or end < start:
        raise SystemExit(f"README.md has no {README_START} ... {README_END} block")
    content = content[: start + len(README_START)] + "\n" + text + "\n" + content[end:]
    readme.write_text(content, encoding="utf-8")


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def compile_plugin() -> None:
    """Compile the plugin's modules to bytecode, as pip compiled Pelican's when it installed
    it: the plugin is installed editable, so without this a machine that sets
    ``PYTHONDONTWRITEBYTECODE`` (as some containers do) compiles a hundred modules from source
    in every build (half a second here), and only ours, never plain Pelican's."""
    import compileall

    if not compileall.compile_dir(ROOT / "plugins", quiet=2):
        raise SystemExit("could not compile the plugin's modules (see above)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, default=1000, help="N (default 1000); 2N too")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each build (best kept)")
    parser.add_argument("--no-double", action="store_true", help="measure N only, not 2N")
    parser.add_argument("--json", type=Path, default=ROOT / "bench-results.json")
    parser.add_argument("--readme", action="store_true", help="write the table into README.md")
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it")
    args = parser.parse_args(argv)

    info = machine()
    compile_plugin()
    sizes = [args.threads] if args.no_double else [args.threads, 2 * args.threads]
    base = args.keep or Path(tempfile.mkdtemp(prefix="tweetorials-bench-"))
    started = time.perf_counter()
    try:
        base.mkdir(parents=True, exist_ok=True)
        images = make_images(base / "media")
        results = [measure(base, size, args.repeats, images) for size in sizes]
    finally:
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)
    met = targets(results[0], results[1] if len(results) > 1 else None)
    text = table(results, info, met)
    print(text)
    say(f"bench took {time.perf_counter() - started:.0f} s")
    report = {
        "machine": info,
        "posts_per_thread": POSTS_PER_THREAD,
        "repeats": args.repeats,
        "results": [
            {
                **asdict(r),
                "cached_ratio": r.cached_ratio,
                "cold_ratio": r.cold_ratio,
                "fresh_ratio": r.fresh_ratio,
                "memory_ratio": r.memory_ratio,
                "cached_memory_ratio": r.cached_memory_ratio,
                "cold_memory_ratio": r.cold_memory_ratio,
                "during_ratio": r.during_ratio,
                "during_memory_ratio": r.during_memory_ratio,
            }
            for r in results
        ],
        "targets_met": met,
    }
    args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    if args.readme:
        write_readme(text)
    return 0 if all(met.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
