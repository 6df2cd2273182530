"""Images made by Pillow for the media tests: friendly ones and hostile ones.

Nothing is read from disk or the network; every sample is built in memory, so a test shows
exactly what property of the file it is about.
"""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image, ImageCms

SECRET_MAKE = "SecretCameraMake"
SECRET_COMMENT = b"secret comment with a home address"


def encode(image: Image.Image, fmt: str, **params: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def two_colour(size: tuple[int, int] = (200, 100), mode: str = "RGB") -> Image.Image:
    """Left half red, right half blue: orientation changes are visible in the pixels."""
    image = Image.new(mode, size, "red")
    image.paste("blue", (size[0] // 2, 0, size[0], size[1]))
    return image


def jpeg(size: tuple[int, int] = (1200, 800), colour: str = "teal") -> bytes:
    return encode(Image.new("RGB", size, colour), "JPEG", quality=90)


def jpeg_with_metadata(orientation: int = 6) -> bytes:
    """A 200x100 JPEG stored sideways, with GPS, camera make, a comment and an ICC profile."""
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = SECRET_MAKE
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 12.5), 3: "W", 4: (0.0, 7.0, 39.0)}
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    return encode(
        two_colour(), "JPEG", quality=95, exif=exif, icc_profile=icc, comment=SECRET_COMMENT
    )


def png_transparent(size: tuple[int, int] = (640, 480)) -> bytes:
    image = Image.new("RGBA", size, (0, 128, 255, 255))
    image.paste((0, 0, 0, 0), (0, 0, size[0] // 2, size[1]))
    return encode(image, "PNG")


def png_opaque_rgba(size: tuple[int, int] = (640, 480)) -> bytes:
    return encode(Image.new("RGBA", size, (10, 200, 10, 255)), "PNG")


def webp(size: tuple[int, int] = (800, 600)) -> bytes:
    return encode(Image.new("RGB", size, "orange"), "WEBP", quality=90)


def animated_gif(size: tuple[int, int] = (320, 240)) -> bytes:
    frames = [Image.new("RGB", size, colour) for colour in ("red", "lime", "blue")]
    return encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)


def svg() -> bytes:
    return (
        b'  <svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b"<script>alert(1)</script><rect width='10' height='10'/></svg>"
    )


def truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_claiming(width: int, height: int, *, real: tuple[int, int] = (4, 4)) -> bytes:
    """A valid-looking PNG whose header says ``width x height`` but holds ``real`` pixels.

    With a huge claimed size this is the shape of a decompression bomb (a few bytes that
    promise gigabytes); with a modest one it is a header that lies about its size.
    """
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    rows = b"".join(b"\x00" + b"\x80" * real[0] for _ in range(real[1]))
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", ihdr)
        + png_chunk(b"IDAT", zlib.compress(rows))
        + png_chunk(b"IEND", b"")
    )
