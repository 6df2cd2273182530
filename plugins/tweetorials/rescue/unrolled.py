"""Unrolled copies: a saved Thread Reader App page, or twtext-style plain text.

An unroll is someone else's transcript of a thread, so it becomes a *hand-written* snapshot
(YAML) for a maintainer to review against the copy before it is published, with its
provenance ("archived from an unrolled copy of URL, saved DATE").

**Thread Reader App** (``.html``, as a browser saves it): each post is a
``div.content-tweet`` with ``data-tweet`` (the post id) and ``data-screenname`` (the author);
links are ``a`` elements whose ``href`` is the expanded address; pictures are ``img`` with
``data-src`` on ``pbs.twimg.com``; ``.tw-permalink`` and scripts are page furniture. The
page's address comes from the browser's ``<!-- saved from url=... -->`` mark, else its
canonical link. The HTML is parsed with BeautifulSoup and only text is kept: the hand-written
loader sanitises it again when it makes HTML.

**twtext-style text** (``.txt``, like ``shared/seeds/``): one post per line; a post with
several paragraphs has blank lines between them. The page ends with "You can follow
@handle." (the author) and the site's own furniture (tips, "Latest Threads Unrolled:",
cookies), which is dropped.

The date is the file's modification time: when the copy was saved. Pictures of an unroll live
on X's servers, which a deleted thread no longer has; each one is reported so the maintainer
can add it by hand from a copy that kept it.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from bs4 import BeautifulSoup, Comment, Tag

from ..sanitize import is_safe_url
from ..snapshot import Author, Post
from .archive import SourceFiles
from .errors import RefusedImport
from .export import ArchivedPost, Export
from .times import modified_time

__all__ = ["UnrolledCopy"]

_TEXT_SUFFIXES = (".txt", ".text")
_HTML_SUFFIXES = (".html", ".htm")
_FOLLOW = re.compile(r"^You can follow @(?P<handle>[A-Za-z0-9_]{1,15})\.?\s*$")
_FURNITURE = re.compile(
    r"^(Tip: mention @twtextapp|Latest Threads Unrolled:|By continuing to use the site)"
)
_SAVED_FROM = re.compile(r"saved from url=\(\d+\)(?P<url>\S+)")
_HANDLE = re.compile(r"^[A-Za-z0-9_]{1,15}$")
#: The text of a post that was only a picture: a hand-written snapshot needs text, and this
#: says plainly to the reviewer and the reader what is missing.
PICTURE_ONLY = "(A picture without text; the unrolled copy did not keep it.)"


class UnrolledCopy:
    """:class:`~tweetorials.rescue.export.Importer` for saved unrolls (one file)."""

    kind = "unrolled"
    label = "an unrolled copy (a saved Thread Reader App page .html, or twtext-style .txt)"

    def recognises(self, files: SourceFiles) -> bool:
        suffix = PurePosixPath(files.names[0]).suffix.lower() if files.is_single_file else ""
        return suffix in _TEXT_SUFFIXES + _HTML_SUFFIXES

    def read(self, files: SourceFiles) -> Export:
        name = files.names[0]
        text = files.read_text(name)
        if PurePosixPath(name).suffix.lower() in _HTML_SUFFIXES:
            return _thread_reader(files, text)
        return _twtext(files, text)


def _twtext(files: SourceFiles, text: str) -> Export:
    lines = text.replace("\r\n", "\n").split("\n")
    handle = ""
    body: list[str] = []
    for line in lines:
        follow = _FOLLOW.match(line.strip())
        if follow:
            handle = follow.group("handle")
            break
        if _FURNITURE.match(line.strip()):
            break
        body.append(line.rstrip())
    posts = _posts_from_lines(body)
    if not posts:
        raise RefusedImport(f"{files.path}: no posts found in the text")
    if not handle:
        raise RefusedImport(
            f"{files.path}: the copy does not name its author (a 'You can follow @handle.' "
            "line); add it at the end of the text and import again"
        )
    profile = f"https://twitter.com/{handle}"
    author = Author(name=handle, handle=handle, url=profile)
    archived = {
        str(n): ArchivedPost(
            post=Post(id=str(n), url=profile, created_at=None, text=post, html=""),
            parent_id=str(n - 1) if n > 1 else None,
        )
        for n, post in enumerate(posts, start=1)
    }
    return Export(
        kind="unrolled",
        platform="x",  # twtext unrolled Twitter threads; the address is the author's profile
        author=author,
        posts=archived,
        saved=modified_time(files.path),
        handwritten=True,
    )


def _posts_from_lines(lines: list[str]) -> list[str]:
    """A new post starts at a line right after a non-blank line; blank lines join paragraphs."""
    posts: list[list[str]] = []
    previous_blank = True
    for line in lines:
        if not line.strip():
            previous_blank = True
            if posts:
                posts[-1].append("")
            continue
        if not previous_blank or not posts:
            posts.append([line])
        else:
            posts[-1].append(line)
        previous_blank = False
    return ["\n".join(p).strip() for p in posts if "\n".join(p).strip()]


def _thread_reader(files: SourceFiles, page: str) -> Export:
    soup = BeautifulSoup(page, "html.parser")
    blocks = [b for b in soup.select("div.content-tweet[data-tweet]") if isinstance(b, Tag)]
    if not blocks:
        raise RefusedImport(
            f"{files.path}: no posts found (a saved Thread Reader App page has "
            "div.content-tweet blocks); is it the right file?"
        )
    handle = str(blocks[0].get("data-screenname") or "").strip().lstrip("@")
    if not _HANDLE.match(handle):
        raise RefusedImport(f"{files.path}: the page does not name the thread's author")
    warnings: list[str] = []
    posts: dict[str, ArchivedPost] = {}
    previous: str | None = None
    for number, block in enumerate(blocks, start=1):
        post_id = str(block.get("data-tweet") or "").strip()
        if not post_id.isdigit() or post_id in posts:
            raise RefusedImport(f"{files.path}: post {number} has no usable data-tweet id")
        text, images = _block_text(block)
        if not text:
            text = PICTURE_ONLY
            warnings.append(
                f"post {number}: only a picture, which the copy does not hold; {PICTURE_ONLY!r} stands in for it"
            )
        for image in images:
            warnings.append(
                f"post {number}: the copy shows a picture ({image}) that it does not hold; "
                "add it by hand under images: if you have it"
            )
        url = f"https://x.com/{handle}/status/{post_id}"
        posts[post_id] = ArchivedPost(
            post=Post(id=post_id, url=url, created_at=None, text=text, html=""),
            parent_id=previous,
            by_author=str(block.get("data-screenname") or "").lstrip("@").lower() == handle.lower(),
        )
        previous = post_id
    return Export(
        kind="unrolled",
        platform="x",
        author=Author(name=handle, handle=handle, url=f"https://x.com/{handle}"),
        posts=posts,
        saved=modified_time(files.path),
        handwritten=True,
        source_url=_page_address(soup),
        warnings=warnings,
    )


def _block_text(block: Tag) -> tuple[str, list[str]]:
    """The post's plain text with links written out in full, and its pictures' addresses."""
    images = []
    for img in block.find_all("img"):
        if isinstance(img, Tag):
            src = str(img.get("data-src") or img.get("src") or "")
            if is_safe_url(src):
                images.append(src)
    for furniture in block.select(
        ".tw-permalink, .entity-image, .entity-video, script, style, img"
    ):
        furniture.decompose()
    for link in block.find_all("a"):
        if not isinstance(link, Tag):
            continue
        label, href = link.get_text(), str(link.get("href") or "")
        if label.startswith(("@", "#")) or not is_safe_url(href):
            link.replace_with(label)
        else:
            link.replace_with(href)
    for br in block.find_all("br"):
        br.replace_with("\n")
    lines = [" ".join(line.split()) for line in block.get_text().split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return text, images


def _page_address(soup: BeautifulSoup) -> str | None:
    """Where the copy was saved from: the browser's mark, else the canonical link."""
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        match = _SAVED_FROM.search(str(comment))
        if match and is_safe_url(match.group("url")):
            return match.group("url")
    canonical = soup.find("link", rel="canonical")
    href = str(canonical.get("href") or "") if isinstance(canonical, Tag) else ""
    return href if is_safe_url(href) else None
