"""Cards' PNG files: ground rows compressed once, the rest per card, and a valid file."""

from __future__ import annotations

import io
import random
import struct
import zlib

import pytest
from PIL import Image, ImageDraw
from tweetorials.media import cards
from tweetorials.media.cards_png import adler32_combine, card_png


def chunks(data: bytes) -> dict[bytes, bytes]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    found: dict[bytes, bytes] = {}
    at = 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind, body = data[at + 4 : at + 8], data[at + 8 : at + 8 + length]
        (crc,) = struct.unpack(">I", data[at + 8 + length : at + 12 + length])
        assert crc == zlib.crc32(kind + body), kind
        found[kind] = found.get(kind, b"") + body
        at += 12 + length
    assert list(found)[-1] == b"IEND"
    return found


def palette_image(size: tuple[int, int], boxes: list[tuple[int, int, int, int]]) -> Image.Image:
    image = Image.new("P", size, 7)
    image.putpalette([random.Random(i).randrange(256) for i in range(768)])
    draw = ImageDraw.Draw(image)
    for n, box in enumerate(boxes):
        draw.rectangle(box, fill=20 + n)
        draw.line((box[0], box[1], box[2], box[3]), fill=200)
    return image


@pytest.mark.parametrize(
    "busy",
    [[], [(0, 40)], [(10, 12), (11, 30), (35, 36)], [(35, 40), (0, 3)], [(-5, 100)]],
    ids=["blank", "all", "overlapping", "unsorted", "beyond"],
)
def test_the_file_holds_the_image_rows_for_any_busy_rows(busy: list[tuple[int, int]]) -> None:
    boxes = [(3, top, 50, bottom - 1) for top, bottom in busy if 0 <= top < bottom <= 40]
    image = palette_image((61, 40), boxes)
    data = card_png(image, busy, ground=7)
    parts = chunks(data)
    width, height, depth, kind = struct.unpack(">IIBB", parts[b"IHDR"][:10])
    assert (width, height, depth, kind) == (61, 40, 8, 3)
    raw = zlib.decompress(parts[b"IDAT"])  # checks the combined adler-32 too
    rows = [raw[y * 62 : (y + 1) * 62] for y in range(40)]
    assert all(row[0] == 0 for row in rows)  # filter "none"
    assert b"".join(row[1:] for row in rows) == image.tobytes()
    assert parts[b"PLTE"] == bytes(image.getpalette("RGB") or [])
    with Image.open(io.BytesIO(data)) as decoded:
        assert decoded.tobytes() == image.tobytes()
        assert decoded.getpalette() == image.getpalette()


def test_adler32_of_joined_strings_is_combined_from_theirs() -> None:
    rng = random.Random(14)
    for _ in range(200):
        a = rng.randbytes(rng.randrange(0, 3000))
        b = rng.randbytes(rng.randrange(0, 200_000))
        combined = adler32_combine(zlib.adler32(a), zlib.adler32(b), len(b))
        assert combined == zlib.adler32(a + b)


def test_a_card_decodes_to_what_was_drawn() -> None:
    args = ("Why troponin rises", "Dr Ada", "ada", [("Cardiology", "#b91c1c")], "Site")
    scheme = cards.card_scheme((("Cardiology", "#b91c1c"),), "Site")
    groups = [
        cards._title_marks(args[0], scheme.top, scheme.accent),
        cards._byline_marks(args[1], args[2], scheme.room),
    ]
    whole = cards._whole_card(scheme, groups)
    with Image.open(io.BytesIO(cards.render_card(*args))) as card:
        assert card.tobytes() == whole.tobytes()
        assert card.getpalette() == whole.getpalette()
