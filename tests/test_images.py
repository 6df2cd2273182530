"""The image pipeline: what it keeps, how it stores it, and what it refuses."""

from __future__ import annotations

import io
import json
import warnings
from pathlib import Path

import pytest
from PIL import Image
from tweetorials.media.images import (
    ImageLimits,
    ImageRejected,
    largest_rendition,
    srcset,
    store_image,
)
from tweetorials.snapshot.model import LocalImage

from tests import media_samples as samples


def process_image(data: bytes, media_root: Path, **options: object) -> LocalImage:
    """What a page needs from :func:`store_image`: where the image and its sizes went."""
    return store_image(data, media_root, **options).local  # type: ignore[arg-type]


def site_file(media_root: Path, site_path: str) -> Path:
    """Site paths start with the url prefix ``media/``; files live under ``media_root``."""
    assert site_path.startswith("media/")
    return media_root / site_path.removeprefix("media/")


def all_files(local: LocalImage) -> list[str]:
    return [local.original] + [p for r in local.renditions for p in (r.webp, r.fallback)]


def opened(media_root: Path, site_path: str) -> Image.Image:
    image = Image.open(site_file(media_root, site_path))
    image.load()
    return image


# ------------------------------------------------------------------------------------------
# What is kept


def test_jpeg_is_stored_by_hash_in_three_web_sizes(tmp_path: Path) -> None:
    local = process_image(samples.jpeg((2400, 1600)), tmp_path)

    assert local.width == 2400 and local.height == 1600
    assert [(r.width, r.height) for r in local.renditions] == [(480, 320), (960, 640), (1600, 1067)]
    assert local.original == f"media/{local.sha256[:2]}/{local.sha256}.jpg"
    for rendition in local.renditions:
        webp = opened(tmp_path, rendition.webp)
        jpeg = opened(tmp_path, rendition.fallback)
        assert (webp.format, jpeg.format) == ("WEBP", "JPEG")
        assert webp.size == jpeg.size == (rendition.width, rendition.height)


def test_small_images_are_never_upscaled(tmp_path: Path) -> None:
    local = process_image(samples.jpeg((300, 200)), tmp_path)
    assert [(r.width, r.height) for r in local.renditions] == [(300, 200)]

    middle = process_image(samples.jpeg((1200, 600), "navy"), tmp_path)
    assert [r.width for r in middle.renditions] == [480, 960, 1200]


@pytest.mark.parametrize(
    ("data", "fallback"),
    [
        (samples.jpeg((700, 500)), "JPEG"),
        (samples.webp(), "JPEG"),
        (samples.png_opaque_rgba(), "JPEG"),  # an alpha channel with nothing see-through
        (samples.png_transparent(), "PNG"),
        (samples.encode(Image.new("L", (500, 300), 90), "PNG"), "JPEG"),
        (samples.encode(Image.new("CMYK", (500, 300), (0, 50, 50, 0)), "JPEG"), "JPEG"),
        (samples.encode(Image.new("I;16", (64, 64), 40000), "PNG"), "JPEG"),
    ],
    ids=["jpeg", "webp", "png-opaque-rgba", "png-transparent", "greyscale", "cmyk", "png-16bit"],
)
def test_each_allowed_format_is_kept(tmp_path: Path, data: bytes, fallback: str) -> None:
    local = process_image(data, tmp_path)
    assert local.renditions
    for rendition in local.renditions:
        assert opened(tmp_path, rendition.fallback).format == fallback
        assert opened(tmp_path, rendition.webp).format == "WEBP"


def test_transparency_survives_in_png_and_webp(tmp_path: Path) -> None:
    local = process_image(samples.png_transparent((640, 480)), tmp_path)
    rendition = local.renditions[0]
    for path in (rendition.fallback, rendition.webp):
        image = opened(tmp_path, path).convert("RGBA")
        assert image.getpixel((5, 5))[3] == 0  # the transparent left half
        assert image.getpixel((image.width - 5, 5))[3] == 255  # the opaque right half
    assert local.original.endswith(".png")


def test_animated_gif_keeps_its_first_frame_as_poster(tmp_path: Path) -> None:
    local = process_image(samples.animated_gif(), tmp_path)
    assert (local.width, local.height) == (320, 240)
    poster = opened(tmp_path, local.renditions[0].fallback).convert("RGB")
    red, green, blue = poster.getpixel((160, 120))
    assert red > 200 and green < 60 and blue < 60  # the first frame is red


def test_exif_orientation_is_applied_then_all_metadata_dropped(tmp_path: Path) -> None:
    data = samples.jpeg_with_metadata(orientation=6)  # stored 200x100, shown rotated 90° CW
    local = process_image(data, tmp_path)

    assert (local.width, local.height) == (100, 200)
    upright = opened(tmp_path, local.original).convert("RGB")
    top, bottom = upright.getpixel((50, 10)), upright.getpixel((50, 190))
    assert top[0] > 200 and top[2] < 80  # the left (red) half is now on top
    assert bottom[2] > 200 and bottom[0] < 80
    for path in all_files(local):
        raw = site_file(tmp_path, path).read_bytes()
        assert samples.SECRET_MAKE.encode() not in raw
        assert samples.SECRET_COMMENT not in raw
        image = opened(tmp_path, path)
        assert not image.getexif()
        assert "icc_profile" not in image.info and "comment" not in image.info


def test_same_bytes_are_processed_once(tmp_path: Path) -> None:
    data = samples.jpeg((2000, 1000))
    first = store_image(data, tmp_path)
    stamps = {p: site_file(tmp_path, p).stat().st_mtime_ns for p in all_files(first.local)}

    second = store_image(data, tmp_path)

    assert first.encoded and not second.encoded
    assert second.local == first.local
    assert stamps == {p: site_file(tmp_path, p).stat().st_mtime_ns for p in all_files(first.local)}


def test_new_widths_redo_the_web_sizes(tmp_path: Path) -> None:
    data = samples.jpeg((2000, 1000))
    store_image(data, tmp_path)
    again = store_image(data, tmp_path, widths=(320, 640))
    assert again.encoded
    assert [r.width for r in again.local.renditions] == [320, 640]


def test_manifest_with_a_missing_file_is_not_trusted(tmp_path: Path) -> None:
    data = samples.jpeg((900, 600))
    local = process_image(data, tmp_path)
    site_file(tmp_path, local.renditions[0].webp).unlink()
    again = store_image(data, tmp_path)
    assert again.encoded
    assert site_file(tmp_path, local.renditions[0].webp).is_file()


def test_the_kept_full_size_copy_is_capped(tmp_path: Path) -> None:
    local = process_image(
        samples.jpeg((3000, 1500)), tmp_path, limits=ImageLimits(full_size_max_side=2000)
    )
    assert (local.width, local.height) == (2000, 1000)
    assert opened(tmp_path, local.original).size == (2000, 1000)


def test_srcset_and_largest_rendition(tmp_path: Path) -> None:
    local = process_image(samples.jpeg((1000, 500)), tmp_path)
    sha = local.sha256
    assert srcset(local, "webp") == (
        f"media/{sha[:2]}/{sha}-480.webp 480w, media/{sha[:2]}/{sha}-960.webp 960w, "
        f"media/{sha[:2]}/{sha}-1000.webp 1000w"
    )
    assert srcset(local, "fallback", base="https://example.org/").startswith(
        f"https://example.org/media/{sha[:2]}/{sha}-480.jpg 480w, "
    )
    biggest = largest_rendition(local)
    assert biggest is not None and (biggest.width, biggest.height) == (1000, 500)
    with pytest.raises(ValueError, match="webp"):
        srcset(local, "png")


def test_url_prefix_shapes_the_site_paths(tmp_path: Path) -> None:
    local = process_image(samples.jpeg((500, 500)), tmp_path, url_prefix="/static/img/")
    assert local.original.startswith(f"static/img/{local.sha256[:2]}/")
    manifest = json.loads((tmp_path / local.sha256[:2] / f"{local.sha256}.json").read_text())
    assert manifest["original"] == f"{local.sha256}.jpg"  # the manifest stays prefix-free


# ------------------------------------------------------------------------------------------
# What is refused


def assert_rejected(data: bytes, tmp_path: Path, match: str, **kwargs: object) -> None:
    with pytest.raises(ImageRejected, match=match) as caught:
        process_image(data, tmp_path, **kwargs)  # type: ignore[arg-type]
    assert caught.value.reason
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert written == [], f"a rejected image left files behind: {written}"


def test_svg_is_refused(tmp_path: Path) -> None:
    assert_rejected(samples.svg(), tmp_path, "SVG")
    assert_rejected(b'<?xml version="1.0"?>\n' + samples.svg(), tmp_path, "SVG")


def test_text_served_as_png_is_refused(tmp_path: Path) -> None:
    assert_rejected(b"Hello! This is plain text, whatever the header said.", tmp_path, "not a JPEG")
    assert_rejected(b"<!DOCTYPE html><html><body>Rate limited</body></html>", tmp_path, "HTML")
    assert_rejected(b'{"errors": [{"code": 34}]}', tmp_path, "JSON")


@pytest.mark.parametrize("fmt", ["BMP", "TIFF", "ICO"])
def test_other_real_image_formats_are_refused(tmp_path: Path, fmt: str) -> None:
    assert_rejected(samples.encode(Image.new("RGB", (32, 32), "red"), fmt), tmp_path, "not a JPEG")


@pytest.mark.parametrize(
    "data",
    [samples.jpeg((800, 600)), samples.png_transparent(), samples.webp(), samples.animated_gif()],
    ids=["jpeg", "png", "webp", "gif"],
)
def test_truncated_files_are_refused(tmp_path: Path, data: bytes) -> None:
    assert_rejected(samples.truncated(data), tmp_path, "damaged or truncated|not a JPEG")


def test_empty_and_oversized_files_are_refused(tmp_path: Path) -> None:
    assert_rejected(b"", tmp_path, "empty")
    assert_rejected(
        samples.jpeg((600, 400)),
        tmp_path,
        "larger than the 0.0 MB limit",
        limits=ImageLimits(max_bytes=10),
    )


def test_a_decompression_bomb_is_refused_before_decoding(tmp_path: Path) -> None:
    bomb = samples.png_claiming(30_000, 30_000)  # 900 megapixels promised in ~100 bytes
    assert len(bomb) < 200
    assert_rejected(bomb, tmp_path, "over the 12000 px|decompression bomb")

    # Below the side cap, above the pixel cap: stopped by the pixel count.
    assert_rejected(samples.png_claiming(9_000, 9_000), tmp_path, "pixel limit")


def test_pillows_bomb_warning_counts_as_a_rejection(tmp_path: Path) -> None:
    """Whether the warning is an error or not, an image Pillow suspects is never decoded."""
    suspicious = samples.png_claiming(10_000, 9_500)  # 95 Mpx: above Pillow's warning level
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        assert_rejected(suspicious, tmp_path, "decompression bomb")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        assert_rejected(suspicious, tmp_path, "pixel limit")


def test_a_header_that_lies_about_the_size_is_refused(tmp_path: Path) -> None:
    liar = samples.png_claiming(2_000, 1_500, real=(10, 10))
    assert Image.open(io.BytesIO(liar)).size == (2_000, 1_500)  # Pillow believes the header...
    assert_rejected(liar, tmp_path, "damaged or truncated")  # ...until it decodes the pixels


def test_a_dimension_cap_applies_to_honest_images_too(tmp_path: Path) -> None:
    assert_rejected(
        samples.jpeg((900, 300)), tmp_path, "sides over 800 px", limits=ImageLimits(max_side=800)
    )


def test_markup_inside_a_real_image_is_not_mistaken_for_svg(tmp_path: Path) -> None:
    data = samples.encode(Image.new("RGB", (64, 64), "red"), "JPEG", comment=b"<svg> in a comment")
    assert process_image(data, tmp_path).renditions
    assert_rejected(b"\xef\xbb\xbf" + samples.svg(), tmp_path / "bom", "SVG")
