"""MP4 files built box by box for the video tests (nothing read from disk or the network).

They are not playable movies, only the container structure the archive checks: an ``ftyp``
box with its brands, a ``moov`` box and an ``mdat`` box of a chosen size.
"""

from __future__ import annotations

import struct


def box(kind: bytes, body: bytes = b"") -> bytes:
    return struct.pack(">I", 8 + len(body)) + kind + body


def mp4(size: int = 4096, *, brand: bytes = b"isom", seed: bytes = b"") -> bytes:
    """An MP4 of about ``size`` bytes; ``seed`` makes different files of the same size."""
    ftyp = box(b"ftyp", brand + struct.pack(">I", 512) + brand + b"mp41")
    moov = box(b"moov", box(b"mvhd", b"\0" * 100))
    head = ftyp + moov
    payload = (seed or b"frame") * (max(0, size - len(head) - 8) // len(seed or b"frame") + 1)
    return head + box(b"mdat", payload[: max(0, size - len(head) - 8)])


def quicktime() -> bytes:
    """A QuickTime movie: an ``ftyp`` box, but brand ``qt  `` only."""
    return box(b"ftyp", b"qt  " + b"\0\0\0\0" + b"qt  ") + box(b"moov") + box(b"mdat", b"x")
