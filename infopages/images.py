"""Pictures on pages: every upload checked, cleaned, stored by its content digest, and its
renditions made once.

An upload is refused unless Pillow recognises it as a PNG, JPEG or WebP whose extension says
the same, within the byte and pixel limits, with nothing after the picture's last byte (a
polyglot: a file that is also a script or an archive) and one frame. What is kept is never the
uploaded file: the pixels, turned the way the camera's orientation tag says, are encoded again
without any metadata (EXIF, GPS, comments, colour profile), and that file's sha256 names it.
SVG is refused: it is a document that can carry script and fetch other files, and nothing
here could show a reviewer exactly what every browser would draw from it. An editor exports
a PNG from their drawing tool instead.

Files live in the ``figures`` storage (``settings.STORAGES``: the filesystem, or an
S3-compatible object store). A name, once written, is never written again nor deleted while
anything refers to it (``remove_unused_images`` clears the rest after a grace period).
"""

import hashlib
import io
import re
import struct
import warnings
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from PIL import Image, ImageOps, UnidentifiedImageError

# Pillow's own bomb check must not fire before ours, which says what to do.
Image.MAX_IMAGE_PIXELS = None

FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}
EXTENSIONS = {"png": "PNG", "jpg": "JPEG", "jpeg": "JPEG", "webp": "WEBP"}
CONTENT_TYPES = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp"}
# Widths made for every picture narrower screens and sharper ones can choose from.
RENDITION_WIDTHS = (320, 480, 640, 960, 1280, 1920)
WEBP_QUALITY = 80
JPEG_QUALITY = 82
DIGEST = re.compile(r"^[0-9a-f]{64}$")
# Where files are stored: ``<digest>.<ext>`` (the cleaned picture) and renditions under
# ``<digest>/``. Any other name in the storage is not ours.
NAME = re.compile(r"^[0-9a-f]{64}(\.(png|jpg|webp)|/w[0-9]{2,4}\.(png|jpg|webp))$")


class ImageRefused(ValueError):
    """An upload that cannot be used, with what the editor can do about it."""


def max_bytes() -> int:
    return settings.FIGURE_MAX_BYTES


def max_pixels() -> int:
    return settings.FIGURE_MAX_PIXELS


def storage():
    return storages["figures"]


@dataclass(frozen=True)
class CleanImage:
    """A checked upload, encoded again without metadata: what will be stored."""

    data: bytes
    extension: str  # "png", "jpg", "webp"
    width: int
    height: int
    original_name: str
    digest: str = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "digest", hashlib.sha256(self.data).hexdigest())

    @property
    def name(self) -> str:
        return f"{self.digest}.{self.extension}"


def _megabytes(count: int) -> str:
    return f"{count / 1024 / 1024:.0f} MB"


def check_upload(data: bytes, filename: str) -> CleanImage:
    """The upload checked and cleaned, or ``ImageRefused`` saying why. Nothing is stored."""
    shown = PurePosixPath(filename.replace("\\", "/")).name or "The file"
    if len(data) > max_bytes():
        raise ImageRefused(
            f"{shown} is {len(data) / 1024 / 1024:.1f} MB; pictures may be at most "
            f"{_megabytes(max_bytes())}. Save it smaller (for example as a JPEG) and upload it "
            "again."
        )
    if not data:
        raise ImageRefused(f"{shown} is empty. Choose the picture again.")
    extension = PurePosixPath(shown.lower()).suffix.lstrip(".")
    if extension == "svg" or data.lstrip()[:5].lower() in (b"<?xml", b"<svg "):
        raise ImageRefused(
            f"{shown} is an SVG drawing. SVG files can carry scripts, so they are not accepted: "
            "export it from your drawing tool as a PNG and upload that."
        )
    if extension not in EXTENSIONS:
        raise ImageRefused(
            f"{shown} is not a PNG, JPEG or WebP file. Upload a picture in one of those formats."
        )
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            picture = Image.open(io.BytesIO(data), formats=list(FORMATS))
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
            raise ImageRefused(
                f"{shown} could not be read as a picture: it may be damaged, or not a picture at "
                "all. Open it on your computer to check, then upload it again."
            ) from None
        with picture:
            kind = picture.format
            if EXTENSIONS[extension] != kind:
                raise ImageRefused(
                    f"{shown} is named as a {EXTENSIONS[extension]} but is really a {kind} file. "
                    f"Rename it to end in .{FORMATS[kind]} and upload it again."
                )
            width, height = picture.size
            if width * height > max_pixels():
                raise ImageRefused(
                    f"{shown} is {width} × {height} pixels "
                    f"({width * height / 1e6:.0f} megapixels); pictures may have at most "
                    f"{max_pixels() / 1e6:.0f} megapixels. Make it smaller and upload it again."
                )
            if getattr(picture, "n_frames", 1) > 1:
                raise ImageRefused(
                    f"{shown} is animated. Upload a still picture: readers may find movement "
                    "distracting, and some cannot pause it."
                )
            _refuse_hidden_data(data, kind, shown)
            try:
                picture.verify()
            except Exception:
                raise _damaged(shown) from None
        try:
            picture = Image.open(io.BytesIO(data), formats=[kind])
            picture.load()
        except Exception:
            raise _damaged(shown) from None
    with picture:
        upright = ImageOps.exif_transpose(picture)
        cleaned, out_extension = _encode_clean(upright, kind)
    return CleanImage(
        data=cleaned,
        extension=out_extension,
        width=upright.width,
        height=upright.height,
        original_name=shown[:200],
    )


def _damaged(shown: str) -> ImageRefused:
    return ImageRefused(
        f"{shown} is damaged or cut short, so it cannot be shown. Save it again from the program "
        "that made it and upload the new file."
    )


def _refuse_hidden_data(data: bytes, kind: str, shown: str) -> None:
    """Refuse bytes after the picture's end: a file that is also something else."""
    end = _end_of_picture(data, kind)
    if end is None:
        raise _damaged(shown)
    if data[end:].strip(b"\x00\r\n\t "):
        raise ImageRefused(
            f"{shown} has other data hidden after the picture, which can be a way of sneaking "
            "something else in. Open the picture and save it again as a new file, then upload that."
        )


def _end_of_picture(data: bytes, kind: str) -> int | None:
    if kind == "PNG":
        position = 8
        while position + 8 <= len(data):
            (length,) = struct.unpack(">I", data[position : position + 4])
            chunk = data[position + 4 : position + 8]
            position += 12 + length
            if chunk == b"IEND":
                return position if position <= len(data) else None
        return None
    if kind == "WEBP":
        if len(data) < 12 or data[:4] != b"RIFF":
            return None
        (size,) = struct.unpack("<I", data[4:8])
        return 8 + size if 8 + size <= len(data) else None
    return _end_of_jpeg(data)


def _end_of_jpeg(data: bytes) -> int | None:
    """Where the JPEG's end-of-image marker ends, walking its segments (a thumbnail inside
    the EXIF segment is skipped with it)."""
    if data[:2] != b"\xff\xd8":
        return None
    position = 2
    while position + 2 <= len(data):
        if data[position] != 0xFF:
            return None
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker == 0xD9:
            return position + 2
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            position += 2
            continue
        if position + 4 > len(data):
            return None
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        position += 2 + length
        if marker == 0xDA:  # scan data: up to the next marker that is not a stuffed byte
            while True:
                position = data.find(b"\xff", position)
                if position < 0 or position + 1 >= len(data):
                    return None
                following = data[position + 1]
                if following != 0 and not 0xD0 <= following <= 0xD7:
                    break
                position += 2
    return None


def _flattened(picture: Image.Image) -> tuple[Image.Image, bool]:
    """The picture in RGB, or RGBA when it has transparency."""
    has_alpha = picture.mode in ("RGBA", "LA", "PA") or (
        picture.mode == "P" and "transparency" in picture.info
    )
    return picture.convert("RGBA" if has_alpha else "RGB"), has_alpha


def _encode(picture: Image.Image, extension: str) -> bytes:
    out = io.BytesIO()
    if extension == "png":
        picture.save(out, "PNG", optimize=True)
    elif extension == "jpg":
        picture.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    else:
        picture.save(out, "WEBP", quality=WEBP_QUALITY, method=6)
    return out.getvalue()


def _encode_clean(picture: Image.Image, kind: str) -> tuple[bytes, str]:
    """Pixels only: no EXIF, GPS, text chunks or profile survive (a new file is written)."""
    flat, has_alpha = _flattened(picture)
    extension = FORMATS[kind]
    if extension == "jpg" and has_alpha:
        extension = "png"
    if extension == "webp":
        out = io.BytesIO()
        flat.save(out, "WEBP", lossless=True)
        return out.getvalue(), extension
    if extension == "jpg":
        out = io.BytesIO()
        flat.save(out, "JPEG", quality=92, optimize=True)
        return out.getvalue(), extension
    return _encode(flat, extension), extension


def fallback_extension(extension: str, has_alpha: bool) -> str:
    """For browsers without WebP: a JPEG for a photo, a PNG for a drawing or transparency."""
    return "png" if has_alpha or extension == "png" else "jpg"


def rendition_widths(width: int) -> list[int]:
    """The widths made of a picture ``width`` pixels wide: never wider than it is."""
    widths = [w for w in RENDITION_WIDTHS if w < width]
    return widths + [min(width, RENDITION_WIDTHS[-1])]


def make_renditions(clean: CleanImage) -> dict[str, bytes]:
    """Each rendition's name and bytes: WebP and a fallback at each width."""
    with Image.open(io.BytesIO(clean.data)) as picture:
        flat, has_alpha = _flattened(picture)
    fallback = fallback_extension(clean.extension, has_alpha)
    files = {}
    for width in rendition_widths(clean.width):
        height = max(1, round(clean.height * width / clean.width))
        resized = flat if width == flat.width else flat.resize((width, height), Image.LANCZOS)
        if fallback == "jpg" and resized.mode != "RGB":
            resized = resized.convert("RGB")
        files[f"{clean.digest}/w{width}.webp"] = _encode(resized, "webp")
        if fallback == "png":  # a drawing: 256 colours keep it sharp at a fraction of the bytes
            resized = resized.quantize(256, method=Image.Quantize.FASTOCTREE)
        files[f"{clean.digest}/w{width}.{fallback}"] = _encode(resized, fallback)
    return files


def rendition_list(digest: str, width: int, height: int, files: dict[str, bytes]) -> list[dict]:
    """What the read model keeps of each rendition: its name, format, width, height, bytes."""
    listed = []
    for name, data in files.items():
        stem, extension = PurePosixPath(name).name.split(".")
        w = int(stem[1:])
        listed.append(
            {
                "name": name,
                "format": extension,
                "width": w,
                "height": max(1, round(height * w / width)),
                "bytes": len(data),
            }
        )
    return sorted(listed, key=lambda r: (r["format"], r["width"]))


def write_files(files: dict[str, bytes]) -> list[str]:
    """Store each file unless one of that name is there already (names are digests: the same
    name is the same bytes). The names written now, so a failed step can take them back."""
    store = storage()
    written = []
    for name, data in files.items():
        if store.exists(name):
            continue
        saved = store.save(name, ContentFile(data, name=name))
        if saved != name:  # a storage that renamed it: a race with the same bytes; keep one
            store.delete(saved)
            continue
        written.append(name)
    return written


def delete_files(names: list[str]) -> None:
    store = storage()
    for name in names:
        if NAME.match(name):
            store.delete(name)


def url(name: str) -> str:
    return storage().url(name)


def store(clean: CleanImage, *, by=None):
    """Store a checked picture whole (the cleaned file, its renditions, then its row) and
    return its ``StoredImage``; the same bytes stored before are not stored again. If the row
    cannot be written, the files this call wrote are taken back: nothing is half-stored."""
    from django.apps import apps
    from django.db import transaction

    stored_image = apps.get_model("infopages", "StoredImage")
    existing = stored_image.objects.filter(digest=clean.digest).first()
    if existing is not None:
        return existing
    renditions = make_renditions(clean)
    written = write_files({clean.name: clean.data, **renditions})
    try:
        with transaction.atomic():
            image, _created = stored_image.objects.get_or_create(
                digest=clean.digest,
                defaults={
                    "extension": clean.extension,
                    "width": clean.width,
                    "height": clean.height,
                    "size": len(clean.data),
                    "renditions": rendition_list(
                        clean.digest, clean.width, clean.height, renditions
                    ),
                    "original_name": clean.original_name,
                    "uploaded_by": by if by is not None and by.is_authenticated else None,
                },
            )
    except BaseException:
        if not stored_image.objects.filter(digest=clean.digest).exists():
            delete_files(written)
        raise
    return image
