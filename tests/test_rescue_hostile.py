"""Hostile and broken sources: each refused in one line, exit 2, nothing written."""

from __future__ import annotations

import os
import re
import shutil
import stat
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from tweetorials.rescue.archive import ArchiveLimits, open_source
from tweetorials.rescue.errors import RefusedImport

from .rescue_helpers import X_ARCHIVE, fingerprint, make_site, run_import, zip_folder


def archive_copy(tmp_path: Path) -> Path:
    target = tmp_path / "archive"
    shutil.copytree(X_ARCHIVE, target)
    return target


def bomb(tmp_path: Path) -> Path:
    """20 MB of zeros in 20 kB: a compression ratio no real export has."""
    target = zip_folder(X_ARCHIVE, tmp_path / "bomb.zip")
    with zipfile.ZipFile(target, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data/tweets_media/zeros.jpg", b"\0" * (20 * 1024 * 1024))
    return target


def escaping_zip(name: str) -> Callable[[Path], Path]:
    def build(tmp_path: Path) -> Path:
        target = zip_folder(X_ARCHIVE, tmp_path / "escape.zip")
        with zipfile.ZipFile(target, "a") as archive:
            archive.writestr(name, "window.YTD.tweets.part0 = []")
        return target

    return build


def zip_with_link(tmp_path: Path) -> Path:
    target = zip_folder(X_ARCHIVE, tmp_path / "link.zip")
    info = zipfile.ZipInfo("data/tweets_media/passwd.jpg")
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    with zipfile.ZipFile(target, "a") as archive:
        archive.writestr(info, "/etc/passwd")
    return target


def folder_with_link(tmp_path: Path) -> Path:
    target = archive_copy(tmp_path)
    os.symlink("/etc/passwd", target / "data" / "tweets_media" / "passwd.jpg")
    return target


def tweets_js(content: str) -> Callable[[Path], Path]:
    def build(tmp_path: Path) -> Path:
        target = archive_copy(tmp_path)
        (target / "data" / "tweets.js").write_text(content, encoding="utf-8")
        return target

    return build


def wrong_kind_file(tmp_path: Path) -> Path:
    target = tmp_path / "picture.png"
    shutil.copy(X_ARCHIVE / "data" / "tweets_media" / "1600000000000000005-NoAlt.png", target)
    return target


def wrong_kind_zip(tmp_path: Path) -> Path:
    target = tmp_path / "notes.zip"
    with zipfile.ZipFile(target, "w") as archive:
        archive.writestr("notes/readme.txt", "nothing to see")
    return target


def duplicate_member(tmp_path: Path) -> Path:
    target = zip_folder(X_ARCHIVE, tmp_path / "twice.zip")
    with (
        pytest.warns(UserWarning, match="Duplicate name"),
        zipfile.ZipFile(target, "a") as archive,
    ):
        archive.writestr("data/tweets.js", "window.YTD.tweets.part0 = []")
    return target


def encrypted_member(tmp_path: Path) -> Path:
    """A member flagged as encrypted: zipfile would ask for a password."""
    target = zip_folder(X_ARCHIVE, tmp_path / "locked.zip")
    data = bytearray(target.read_bytes())
    name = b"data/tweets.js"
    for signature, flag_offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (start := data.find(signature, start)) != -1:
            name_at = start + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at : name_at + len(name)] == name:
                data[start + flag_offset] |= 0x01
            start += 4
    target.write_bytes(bytes(data))
    return target


def corrupt_member(tmp_path: Path) -> Path:
    """Deflated data that does not inflate: the tweets cannot be read."""
    target = zip_folder(X_ARCHIVE, tmp_path / "corrupt.zip")
    data = bytearray(target.read_bytes())
    header = data.find(b"PK\x03\x04" + b"\x14\x00")
    while header != -1:
        name_length = int.from_bytes(data[header + 26 : header + 28], "little")
        extra = int.from_bytes(data[header + 28 : header + 30], "little")
        name = bytes(data[header + 30 : header + 30 + name_length])
        if name == b"data/tweets.js":
            body = header + 30 + name_length + extra
            data[body : body + 40] = b"\xff" * 40
            break
        header = data.find(b"PK\x03\x04", header + 4)
    target.write_bytes(bytes(data))
    return target


HOSTILE: dict[str, tuple[Callable[[Path], Path], list[str], str]] = {
    "zip bomb": (bomb, [], "refused as a possible zip bomb"),
    "dot-dot path": (escaping_zip("../outside.js"), [], "leaves the archive"),
    "nested dot-dot path": (escaping_zip("data/../../outside.js"), [], "leaves the archive"),
    "absolute path": (escaping_zip("/etc/cron.d/evil"), [], "absolute path"),
    "windows absolute path": (escaping_zip("C:\\evil.js"), [], "absolute path"),
    "symlink in zip": (zip_with_link, [], "is a link; links are refused"),
    "symlink in folder": (folder_with_link, [], "is a link; links are refused"),
    "code before the assignment": (
        tweets_js("alert(1); window.YTD.tweets.part0 = []"),
        ["--thread", "1600000000000000001"],
        "is not an X archive data file",
    ),
    "other global": (
        tweets_js("window.location = 'https://evil.example/'"),
        [],
        "expected 'window.YTD\\.tweets?\\.part\\d+ = '",
    ),
    "statement after the JSON": (
        tweets_js("window.YTD.tweets.part0 = []; fetch('https://evil.example')"),
        [],
        "not valid JSON after the assignment",
    ),
    "malformed JSON": (
        tweets_js('window.YTD.tweets.part0 = [{"tweet": {"id_str": "1",}}]'),
        [],
        "tweets.js:1: not valid JSON",
    ),
    "not a list": (tweets_js('window.YTD.tweets.part0 = {"tweet": 1}'), [], "expected a list"),
    "entry without id": (
        tweets_js('window.YTD.tweets.part0 = [{"tweet": {}}]'),
        [],
        "entry 0 is not a tweet",
    ),
    "thread not in the archive": (
        lambda tmp_path: X_ARCHIVE,
        ["--thread", "https://x.com/foamed_example/status/1234567890"],
        "--thread https://x.com/foamed_example/status/1234567890: no post with that id",
    ),
    "member twice": (duplicate_member, [], "appears twice"),
    "encrypted member": (encrypted_member, [], "cannot be unpacked"),
    "corrupt member": (corrupt_member, ["--thread", "1600000000000000001"], "cannot be unpacked"),
    "wrong kind of file": (wrong_kind_file, [], "is not an export this command reads"),
    "wrong kind of zip": (wrong_kind_zip, [], "is not an export this command reads"),
    "an address": (lambda tmp_path: Path("https:/x.com/a/status/1"), [], "never downloads"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_source_is_refused_and_nothing_is_written(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build, extra, message = HOSTILE[case]
    source = build(tmp_path)
    site = make_site(tmp_path)
    before = fingerprint(site)
    arg = "https://x.com/a/status/1" if case == "an address" else str(source)
    result = run_import(site, capsys, arg, "--specialty", "policy", *extra)
    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert len(lines) == 2, result.err  # the reason, then "nothing was written"
    assert lines[0].startswith("tweetorials import: ")
    assert message in lines[0] or re.search(message, lines[0]), lines[0]
    assert lines[1] == "nothing was written"
    assert "Traceback" not in result.err
    assert fingerprint(site) == before


def test_total_size_cap_counts_every_member(tmp_path: Path) -> None:
    target = zip_folder(X_ARCHIVE, tmp_path / "big.zip")
    limits = ArchiveLimits(max_total_bytes=10_000)
    with pytest.raises(RefusedImport, match="unpack to more than 10,000 bytes"):
        open_source(target, limits)


def test_member_size_cap_applies_to_declared_size(tmp_path: Path) -> None:
    target = zip_folder(X_ARCHIVE, tmp_path / "big.zip")
    limits = ArchiveLimits(max_member_bytes=5_000)
    with pytest.raises(RefusedImport, match="over the 5,000-byte cap"):
        open_source(target, limits)


def test_member_size_cap_applies_to_folders_when_read(tmp_path: Path) -> None:
    with (
        open_source(X_ARCHIVE, ArchiveLimits(max_member_bytes=5_000)) as files,
        pytest.raises(RefusedImport, match="larger than the 5,000-byte cap"),
    ):
        files.read_bytes("data/tweets.js")


def test_small_members_may_compress_well(tmp_path: Path) -> None:
    """A short, repetitive JSON file is not a bomb: the ratio only counts above 1 MiB."""
    target = tmp_path / "ok.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data/small.js", "[" + "0," * 100_000 + "0]")
    with open_source(target) as files:
        assert files.names == ["data/small.js"]
