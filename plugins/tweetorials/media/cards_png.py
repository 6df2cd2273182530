"""Cards as PNG files, compressing per card only the rows where something is drawn.

A card is mostly its ground colour: whole rows of it above, between and below what is drawn,
and compressing the image data is the largest part of making a card. A PNG's image data is
one zlib stream, but a deflate stream can be made of pieces that each stand alone (a full
flush ends a piece on a byte boundary, and the next piece refers to nothing before it). So
runs of ground rows are compressed once per (colour, width, count) and reused, and only the
rows with drawing in them are compressed for each card; the checksum of the whole is combined
from the checksums of the pieces. The pixels and palette are what Pillow's PNG writer stores
(tests compare them); the bytes differ, and at zlib level 2 the file is about the size of
Pillow's at level 3 (1.5 % larger on the bench's cards) for half the time.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable
from functools import lru_cache

from PIL import Image

__all__ = ["adler32_combine", "card_png"]

LEVEL = 2  # busy rows only: ~1 ms a card (Pillow, whole image at level 3: 2 ms)
_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_ZLIB_HEADER = b"\x78\x5e"  # deflate, 32 KB window, "fast" compression level
_ADLER_BASE = 65521


def card_png(image: Image.Image, busy: Iterable[tuple[int, int]], ground: int) -> bytes:
    """``image`` (mode P, 8 bits) as PNG bytes; every row outside the ``busy`` row ranges
    (top included, bottom excluded) must be all ``ground``, the palette index of the ground."""
    width, height = image.size
    raw = image.tobytes()
    pieces: list[bytes] = []
    checksum = 1  # adler-32 of nothing
    row = 0
    for top, bottom in [*_merged(busy, height), (height, height)]:
        if top > row:
            piece, piece_sum = _ground_rows(ground, width, top - row)
            pieces.append(piece)
            checksum = adler32_combine(checksum, piece_sum, (width + 1) * (top - row))
        if bottom > top:
            band = b"".join(b"\0" + raw[y * width : (y + 1) * width] for y in range(top, bottom))
            pieces.append(_deflate(band))
            checksum = zlib.adler32(band, checksum)
        row = max(row, bottom)
    data = b"".join([_ZLIB_HEADER, *pieces, _FINAL_BLOCK, struct.pack(">I", checksum)])
    palette = image.getpalette("RGB") or []
    header = struct.pack(">IIBBBBB", width, height, 8, 3, 0, 0, 0)  # 8-bit palette image
    return b"".join(
        [
            _SIGNATURE,
            _chunk(b"IHDR", header),
            _chunk(b"PLTE", bytes(palette[: 3 * 256])),
            _chunk(b"IDAT", data),
            _chunk(b"IEND", b""),
        ]
    )


def _deflate(data: bytes) -> bytes:
    """``data`` as a standalone, non-final piece of a raw deflate stream."""
    compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(zlib.Z_FULL_FLUSH)


_FINAL_BLOCK = zlib.compressobj(LEVEL, zlib.DEFLATED, -15).flush()  # an empty, last block


@lru_cache(maxsize=64)
def _ground_rows(ground: int, width: int, count: int) -> tuple[bytes, int]:
    """``count`` rows of ground (each with its filter byte): compressed, and their adler-32."""
    rows = (b"\0" + bytes([ground]) * width) * count
    return _deflate(rows), zlib.adler32(rows)


def _merged(ranges: Iterable[tuple[int, int]], height: int) -> list[tuple[int, int]]:
    """Row ranges clipped to the image, sorted, overlapping or touching ones joined."""
    merged: list[tuple[int, int]] = []
    for top, bottom in sorted((max(0, t), min(height, b)) for t, b in ranges):
        if bottom <= top:
            continue
        if merged and top <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], bottom))
        else:
            merged.append((top, bottom))
    return merged


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def adler32_combine(first: int, second: int, second_length: int) -> int:
    """The adler-32 of two byte strings joined, from theirs (zlib's ``adler32_combine``,
    which Python's zlib module does not offer)."""
    base = _ADLER_BASE
    remainder = second_length % base
    low = first & 0xFFFF
    high = (remainder * low) % base
    low += (second & 0xFFFF) + base - 1
    high += (first >> 16) + (second >> 16) + base - remainder
    low %= base
    high %= base
    return low | (high << 16)
