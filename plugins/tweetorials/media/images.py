"""Turning untrusted image bytes into safe, self-hosted web sizes.

Every picture the site shows was downloaded from a platform (or typed into a hand-written
snapshot) and is treated as hostile until Pillow has decoded it under tight rules:

* only JPEG, PNG, GIF and WebP are even tried (``Image.open(..., formats=...)``), so SVG,
  HTML error pages and text served as ``image/png`` are refused;
* the size in the header is checked *before* any pixel is decoded: a practical cap on each side
  and on the pixel count, which sits below Pillow's own decompression-bomb threshold, so an image
  that would make Pillow warn is always rejected here;
* the file is verified and fully decoded, so a truncated or corrupt file fails now rather than
  as a broken picture on the page;
* the EXIF orientation is applied, then the pixels are copied into a fresh image, which drops
  EXIF (GPS included), XMP, comments and colour profiles (the pixels are first converted to sRGB).

What is written, under ``media_root/<first two hex digits>/``, all named by the SHA-256 of the
bytes that came in (so the same picture posted twice is stored once):

* ``<sha>.jpg`` or ``<sha>.png``: the clean full-size copy (longest side capped), linked from
  the page as "full size";
* ``<sha>-<width>.webp`` and ``<sha>-<width>.jpg|png``: the web sizes, never upscaled, PNG
  only when the picture really has transparent pixels;
* ``<sha>.json``: a small manifest written last. Its presence means "done": processing the same
  bytes again reads it and encodes nothing.

Nothing here touches the network or Pelican, so the fetch runner and the site build share it.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from ..files import atomic_write_bytes, atomic_write_text
from ..snapshot.model import LocalImage, Rendition

__all__ = [
    "ALLOWED_FORMATS",
    "DEFAULT_WIDTHS",
    "ImageLimits",
    "ImageRejected",
    "StoredImage",
    "decode_image",
    "largest_rendition",
    "load_processed",
    "reencode_kept_original",
    "sha256_hex",
    "srcset",
    "store_image",
]

ALLOWED_FORMATS: tuple[str, ...] = ("JPEG", "PNG", "GIF", "WEBP")
DEFAULT_WIDTHS: tuple[int, ...] = (480, 960, 1600)

#: Bumped when the encoding changes in a way that should redo every image.
PIPELINE_VERSION = 1

WEBP_QUALITY = 80
JPEG_QUALITY = 82
FULL_SIZE_JPEG_QUALITY = 90


class ImageRejected(ValueError):
    """The bytes are not an image this site will publish; ``reason`` says why, for people."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ImageLimits:
    """How big an image may be.

    ``max_pixels`` must stay below Pillow's ``Image.MAX_IMAGE_PIXELS`` (about 89 million) so
    that anything Pillow would flag as a possible decompression bomb is rejected before decoding;
    :func:`decode_image` uses the smaller of the two. ``full_size_max_side`` caps the kept
    full-size copy: platforms serve at most 4096 px, and the repository keeps every image.
    ``animation_pixels`` bounds how much of an animation is decoded to check it is whole.
    """

    max_bytes: int = 15 * 1024 * 1024
    max_side: int = 12_000
    max_pixels: int = 40_000_000
    full_size_max_side: int = 4096
    animation_pixels: int = 100_000_000


DEFAULT_LIMITS = ImageLimits()


@dataclass(frozen=True)
class StoredImage:
    """The result of :func:`store_image`: where the image lives, and whether work was done."""

    local: LocalImage
    encoded: bool  # False: it had been processed before and nothing was written


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def store_image(
    data: bytes,
    media_root: Path,
    *,
    widths: Iterable[int] = DEFAULT_WIDTHS,
    url_prefix: str = "media",
    limits: ImageLimits = DEFAULT_LIMITS,
) -> StoredImage:
    """Validate ``data``, store it under ``media_root`` once, and say where it went and whether
    anything had to be encoded.

    Paths in the result are relative to the site root: ``url_prefix`` is where ``media_root``
    is published (``content/media`` -> ``media``). Raises :class:`ImageRejected`.
    """
    widths = _widths(widths)
    if not data:
        raise ImageRejected("the file is empty")
    if len(data) > limits.max_bytes:
        raise ImageRejected(
            f"the file is larger than the {_megabytes(limits.max_bytes)} limit "
            f"({len(data):,} bytes)"
        )
    sha = sha256_hex(data)
    existing = _already_stored(sha, media_root, widths, url_prefix)
    if existing is not None:
        return existing
    return _store_new(data, sha, media_root, widths, url_prefix, limits)


def reencode_kept_original(
    local: LocalImage,
    media_root: Path,
    *,
    widths: Iterable[int] = DEFAULT_WIDTHS,
    url_prefix: str = "media",
    limits: ImageLimits = DEFAULT_LIMITS,
) -> StoredImage | None:
    """Rebuild the web sizes of an archived image from its kept full-size copy.

    Used when the downloaded bytes are long gone but the renditions are missing or were made
    for other widths. Returns ``None`` when the full-size copy is not on disk either.
    """
    widths = _widths(widths)
    existing = _already_stored(local.sha256, media_root, widths, url_prefix)
    if existing is not None:
        return existing
    kept = Path(media_root) / local.sha256[:2] / Path(local.original).name
    if not kept.is_file():
        return None
    return _store_new(kept.read_bytes(), local.sha256, media_root, widths, url_prefix, limits)


def _already_stored(
    sha: str, media_root: Path, widths: tuple[int, ...], url_prefix: str
) -> StoredImage | None:
    """The image ``sha`` if it was fully processed for ``widths`` before: nothing to encode."""
    local = load_processed(sha, media_root, widths=widths, url_prefix=url_prefix)
    return None if local is None else StoredImage(local, encoded=False)


def _store_new(
    data: bytes,
    sha: str,
    media_root: Path,
    widths: tuple[int, ...],
    url_prefix: str,
    limits: ImageLimits,
) -> StoredImage:
    """Decode ``data`` under ``limits`` and write its web sizes. Raises :class:`ImageRejected`."""
    picture = decode_image(data, limits)
    return StoredImage(
        _encode(picture, sha, Path(media_root), widths, url_prefix, limits), encoded=True
    )


def load_processed(
    sha: str,
    media_root: Path,
    *,
    widths: Iterable[int] = DEFAULT_WIDTHS,
    url_prefix: str = "media",
) -> LocalImage | None:
    """The stored image for ``sha`` if it was fully processed for these widths, else ``None``."""
    folder = Path(media_root) / sha[:2]
    try:
        manifest = json.loads((folder / f"{sha}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if (
        not isinstance(manifest, dict)
        or manifest.get("pipeline") != PIPELINE_VERSION
        or manifest.get("widths") != list(_widths(widths))
    ):
        return None
    try:
        names = [manifest["original"]]
        for r in manifest["renditions"]:
            names += [r["webp"], r["fallback"]]
        if not all((folder / name).is_file() for name in names):
            return None
        return LocalImage(
            sha256=sha,
            width=int(manifest["width"]),
            height=int(manifest["height"]),
            original=_site_path(url_prefix, sha, manifest["original"]),
            renditions=[
                Rendition(
                    width=int(r["width"]),
                    height=int(r["height"]),
                    webp=_site_path(url_prefix, sha, r["webp"]),
                    fallback=_site_path(url_prefix, sha, r["fallback"]),
                )
                for r in manifest["renditions"]
            ],
        )
    except (KeyError, TypeError, ValueError):
        return None


# --------------------------------------------------------------------------------------------
# Decoding under the rules


def decode_image(data: bytes, limits: ImageLimits = DEFAULT_LIMITS) -> Image.Image:
    """Decode ``data`` into a clean RGB or RGBA image, or raise :class:`ImageRejected`.

    The result carries no metadata at all, has its EXIF orientation applied, is in sRGB,
    and for animations is the first frame (the poster).
    """
    _refuse_obvious_non_images(data)
    fmt = "image"
    try:
        with Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS) as probe:
            fmt = probe.format or fmt
            _check_dimensions(probe.size, limits)
            probe.verify()
        with Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS) as image:
            _check_dimensions(image.size, limits)
            image.load()  # the first frame: the picture, or an animation's poster
            picture = _clean(image)
            if getattr(image, "is_animated", False):
                _check_later_frames(image, limits)
            return picture
    except ImageRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageRejected(f"refused as a possible decompression bomb ({exc})") from None
    except UnidentifiedImageError:
        raise ImageRejected(
            "not a JPEG, PNG, GIF or WebP image (other formats, SVG included, are not accepted)"
        ) from None
    except MemoryError:
        raise ImageRejected("the image needs more memory than is available to decode") from None
    except Exception as exc:  # Pillow's decoders raise OSError, SyntaxError, ValueError, ...
        raise ImageRejected(f"damaged or truncated {fmt} file ({exc})") from None


def _refuse_obvious_non_images(data: bytes) -> None:
    """Name the usual impostors plainly; Pillow would only say "cannot identify image file"."""
    head = data[:1024].removeprefix(b"\xef\xbb\xbf").lstrip().lower()
    if head.startswith(b"<"):  # no JPEG, PNG, GIF or WebP file starts like markup
        if b"<svg" in head:
            raise ImageRejected("SVG images are not accepted (they can carry scripts)")
        if head.startswith((b"<!doctype html", b"<html", b"<head", b"<body")):
            raise ImageRejected("an HTML page was served instead of an image")
    if head.startswith((b"{", b"[")):
        raise ImageRejected("JSON was served instead of an image")


def _check_dimensions(size: tuple[int, int], limits: ImageLimits) -> None:
    width, height = size
    if width <= 0 or height <= 0:
        raise ImageRejected(f"the image claims an impossible size of {width}x{height}")
    if width > limits.max_side or height > limits.max_side:
        raise ImageRejected(
            f"the image is {width}x{height} pixels; sides over {limits.max_side} px are refused"
        )
    cap = limits.max_pixels
    if Image.MAX_IMAGE_PIXELS:
        cap = min(cap, int(Image.MAX_IMAGE_PIXELS))
    if width * height > cap:
        raise ImageRejected(
            f"the image is {width}x{height} = {width * height:,} pixels, over the "
            f"{cap:,} pixel limit (a decompression-bomb guard)"
        )


def _check_later_frames(image: Image.Image, limits: ImageLimits) -> None:
    """Decode an animation's other frames too, so a file cut off after its first frame fails.

    Only the poster is published, so checking stops (and the file is accepted) once
    ``limits.animation_pixels`` have been decoded: a long animation is not a reason to refuse
    a good first frame, and the budget keeps a many-frame bomb cheap.
    """
    budget = limits.animation_pixels - image.width * image.height
    for index in range(1, getattr(image, "n_frames", 1)):
        if budget <= 0:
            return
        image.seek(index)
        image.load()
        budget -= image.width * image.height


def _clean(image: Image.Image) -> Image.Image:
    """Orientation applied, colours in sRGB, RGB or RGBA, and no metadata whatsoever."""
    oriented = ImageOps.exif_transpose(image) or image
    icc = oriented.info.get("icc_profile")
    transparent = _has_alpha(oriented)
    picture = oriented.convert("RGBA" if transparent else "RGB")
    if icc:
        picture = _to_srgb(picture, icc)
    if transparent and picture.getchannel("A").getextrema()[0] == 255:
        picture = picture.convert("RGB")  # an alpha channel with nothing see-through in it
    clean = Image.new(picture.mode, picture.size)
    clean.paste(picture)
    return clean


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info


def _to_srgb(picture: Image.Image, icc: bytes) -> Image.Image:
    """Convert from an embedded profile to sRGB, since the profile itself is about to go."""
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        target = ImageCms.createProfile("sRGB")
        converted = ImageCms.profileToProfile(picture, source, target, outputMode=picture.mode)
    except Exception:  # a broken or exotic profile: keep the pixels as they are
        return picture
    return converted or picture


# --------------------------------------------------------------------------------------------
# Encoding


def _encode(
    picture: Image.Image,
    sha: str,
    media_root: Path,
    widths: tuple[int, ...],
    url_prefix: str,
    limits: ImageLimits,
) -> LocalImage:
    folder = media_root / sha[:2]
    transparent = picture.mode == "RGBA"
    ext = "png" if transparent else "jpg"

    full = _fit(picture, limits.full_size_max_side)
    original = f"{sha}.{ext}"
    if not (folder / original).is_file():  # a kept copy is never re-encoded over itself
        atomic_write_bytes(folder / original, _save(full, ext, full_size=True))

    renditions: list[dict[str, int | str]] = []
    for width in _rendition_widths(full.width, widths):
        size = (width, max(1, round(full.height * width / full.width)))
        resized = full if size == full.size else full.resize(size, Image.Resampling.LANCZOS)
        names = {"webp": f"{sha}-{width}.webp", "fallback": f"{sha}-{width}.{ext}"}
        for kind, name in names.items():
            if not (folder / name).is_file():
                atomic_write_bytes(folder / name, _save(resized, "webp" if kind == "webp" else ext))
        renditions.append({"width": size[0], "height": size[1], **names})

    manifest = {
        "pipeline": PIPELINE_VERSION,
        "widths": list(widths),
        "width": full.width,
        "height": full.height,
        "original": original,
        "renditions": renditions,
    }
    atomic_write_text(folder / f"{sha}.json", json.dumps(manifest, indent=1) + "\n")
    loaded = load_processed(sha, media_root, widths=widths, url_prefix=url_prefix)
    if loaded is None:  # pragma: no cover - only if the disk lies about what was just written
        raise OSError(f"could not read back the processed image {folder / sha}.json")
    return loaded


def _rendition_widths(native: int, widths: tuple[int, ...]) -> list[int]:
    """The requested widths below the native one, plus the native width when it is not huge."""
    chosen = [w for w in widths if w < native]
    if native <= max(widths):
        chosen.append(native)
    return chosen


def _fit(picture: Image.Image, max_side: int) -> Image.Image:
    if max(picture.size) <= max_side:
        return picture
    scale = max_side / max(picture.size)
    size = (max(1, round(picture.width * scale)), max(1, round(picture.height * scale)))
    return picture.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def _save(picture: Image.Image, ext: str, *, full_size: bool = False) -> bytes:
    buffer = io.BytesIO()
    if ext == "webp":
        picture.save(buffer, "WEBP", quality=WEBP_QUALITY, method=4)
    elif ext == "jpg":
        quality = FULL_SIZE_JPEG_QUALITY if full_size else JPEG_QUALITY
        picture.save(buffer, "JPEG", quality=quality, optimize=True, progressive=True)
    else:
        picture.save(buffer, "PNG", optimize=not full_size)
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------
# Helpers for templates


def srcset(local: LocalImage, kind: str, base: str = "") -> str:
    """``srcset`` for one family of files: ``kind`` is ``"webp"`` or ``"fallback"``.

    ``base`` is put in front of each path (``"/"`` or the site URL); paths in a
    :class:`LocalImage` are relative to the site root.
    """
    if kind not in ("webp", "fallback"):
        raise ValueError(f"srcset kind must be 'webp' or 'fallback', not {kind!r}")
    prefix = base.rstrip("/") + "/" if base else ""
    return ", ".join(f"{prefix}{getattr(r, kind)} {r.width}w" for r in local.renditions)


def largest_rendition(local: LocalImage) -> Rendition | None:
    """The widest web size: its file is the ``src`` and its size the ``width``/``height``."""
    return max(local.renditions, key=lambda r: r.width, default=None)


# --------------------------------------------------------------------------------------------


def _widths(widths: Iterable[int]) -> tuple[int, ...]:
    chosen = tuple(sorted({int(w) for w in widths}))
    if not chosen or chosen[0] <= 0:
        raise ValueError(f"image widths must be positive numbers of pixels, not {widths!r}")
    return chosen


def _site_path(url_prefix: str, sha: str, name: str) -> str:
    prefix = url_prefix.strip("/")
    return f"{prefix}/{sha[:2]}/{name}" if prefix else f"{sha[:2]}/{name}"


def _megabytes(count: int) -> str:
    return f"{count / (1024 * 1024):.1f} MB"
