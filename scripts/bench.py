"""Benchmark: how long a build takes and how much memory it needs as the library grows.

Speed and memory targets live here, not in timed tests (a loaded CI machine would make timed
tests flaky). It builds synthetic libraries of increasing size from generated JSON snapshots
in a temporary folder, each in a fresh process so peak memory is per build, and prints a table.

    make bench                     # 50, 200 and 500 threads
    .venv/bin/python scripts/bench.py 1000

Targets (2-core machine): 500 threads build in under 60 s with under 1 GiB peak memory.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))

TARGET_SECONDS_500 = 60.0
TARGET_MIB = 1024


def make_library(root: Path, count: int) -> None:
    from tweetorials.snapshot import Author, Post, SnapshotStore, Thread

    shutil.copytree(ROOT / "theme", root / "theme")
    shutil.copy(ROOT / "pelicanconf.py", root / "pelicanconf.py")
    (root / "content" / "pages").mkdir(parents=True)
    shutil.copy(ROOT / "content/pages/about.md", root / "content/pages/about.md")
    store = SnapshotStore(root / "content" / "threads")
    specialties = ["value-care", "pathophysiology", "policy"]
    lines = [
        "specialties:",
        "  value-care: {name: High-value care}",
        "  pathophysiology: {name: Pathophysiology}",
        "  policy: {name: Health policy}",
        "threads:",
    ]
    for n in range(1, count + 1):
        author = Author(f"Dr Bench {n % 37}", f"bench{n % 37}", f"https://x.com/bench{n % 37}")
        posts = [
            Post(
                f"{n}{i:03d}",
                f"https://x.com/bench{n % 37}/status/{n}{i:03d}",
                f"2024-{1 + n % 12:02d}-{1 + i % 28:02d}T10:00:00Z",
                f"Post {i} of thread {n}: the renin-angiotensin system, sodium and water. " * 3,
                "<p>"
                + f"Post {i} of thread {n}: the renin-angiotensin system, sodium and water. " * 3
                + "</p>",
            )
            for i in range(1, 9)
        ]
        store.save(
            f"x-{n}", Thread("x", posts[0].url, author, posts, fetched_at="2026-11-01T00:00:00Z")
        )
        specs = ", ".join(specialties[: 1 + n % 3])
        lines += [
            f"  - url: https://x.com/bench{n % 37}/status/{n}001",
            f"    snapshot: x-{n}",
            f"    specialties: [{specs}]",
            f"    tags: [topic-{n % 25}, physiology]",
            f"    title: Benchmark thread {n}",
        ]
    (root / "threads.yaml").write_text("\n".join(lines) + "\n")


def build(root: Path) -> tuple[float, float]:
    """Build in a child process; returns (seconds, peak MiB of that child)."""
    code = (
        "import resource, sys, time\n"
        "from pelican import Pelican\n"
        "from pelican.settings import read_settings\n"
        f"root = {str(root)!r}\n"
        "s = read_settings(root + '/pelicanconf.py', override={'PATH': root + '/content', "
        "'OUTPUT_PATH': root + '/output', 'THEME': root + '/theme', "
        f"'PLUGIN_PATHS': [{str(ROOT / 'plugins')!r}], 'TWEETORIALS_CATALOG': root + '/threads.yaml', "
        "'TWEETORIALS_FETCH': 'never'})\n"
        "t = time.perf_counter(); Pelican(s).run(); t = time.perf_counter() - t\n"
        "print(t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root
    )
    seconds, mib = result.stdout.strip().splitlines()[-1].split()
    return float(seconds), float(mib)


def main(sizes: list[int]) -> int:
    rows = []
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix="tweetorials-bench-") as tmp:
            root = Path(tmp)
            make_library(root, size)
            first, first_mib = build(root)
            again, again_mib = build(root)
            pages = len(list((root / "output" / "threads").glob("*/index.html")))
            rows.append((size, pages, first, again, max(first_mib, again_mib)))
    print(
        f"{'threads':>8} {'pages':>6} {'build s':>8} {'rebuild s':>10} {'peak MiB':>9} {'ms/thread':>10}"
    )
    ok = True
    for size, pages, first, again, mib in rows:
        print(
            f"{size:>8} {pages:>6} {first:>8.2f} {again:>10.2f} {mib:>9.0f} {1000 * first / size:>10.1f}"
        )
        ok &= pages == size and mib < TARGET_MIB
        if size >= 500:
            ok &= first * 500 / size < TARGET_SECONDS_500
    print(
        json.dumps(
            {
                "targets_met": ok,
                "target_seconds_per_500": TARGET_SECONDS_500,
                "target_mib": TARGET_MIB,
            }
        )
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main([int(a) for a in sys.argv[1:]] or [50, 200, 500]))
