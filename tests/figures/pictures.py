"""Pictures made for the tests, and hostile files: each made here, in memory."""

import io
import struct
import zlib

from PIL import Image, ImageDraw


def png(width=800, height=600, colour=(30, 90, 160), *, mark="") -> bytes:
    """A small drawing: a coloured field with a white box (``mark`` varies its bytes)."""
    picture = Image.new("RGB", (width, height), colour)
    draw = ImageDraw.Draw(picture)
    draw.rectangle((width // 4, height // 4, width // 2, height // 2), fill=(255, 255, 255))
    if mark:
        draw.text((10, 10), mark, fill=(0, 0, 0))
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


def jpeg_with_gps_and_orientation(width=400, height=200) -> bytes:
    """A photo as a phone saves it: EXIF with GPS, a camera model, and "turn 90°" (6)."""
    picture = Image.new("RGB", (width, height), (200, 120, 40))
    ImageDraw.Draw(picture).rectangle((0, 0, width // 4, height // 4), fill=(0, 0, 0))
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to view
    exif[0x0110] = "Spy Camera 3000"
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}  # GPS
    out = io.BytesIO()
    picture.save(out, "JPEG", exif=exif, quality=90)
    return out.getvalue()


def webp(width=300, height=300) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (width, height), (0, 128, 0, 128)).save(out, "WEBP")
    return out.getvalue()


def huge_png_header(width=10_000, height=10_000) -> bytes:
    """A tiny file claiming 100 megapixels: a decompression bomb's header and one IDAT of
    nothing (Pillow reads the size without decoding)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    rows = zlib.compress(b"\x00" * (width + 1) * 10, 9)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )


def truncated_png() -> bytes:
    data = png(600, 400, mark="cut")
    return data[: len(data) // 2]


def polyglot() -> bytes:
    """A real PNG with an HTML page (and script) after its end: opened as a document by
    anything that sniffs, and as a picture by the rest."""
    return png(200, 100) + b"<html><script>alert(document.cookie)</script></html>"


def svg_with_script() -> bytes:
    return (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b"<script>alert(1)</script><rect width='10' height='10'/></svg>"
    )


def twenty_megabytes() -> bytes:
    return png(64, 64) + b"\x00" * (20 * 1024 * 1024)


def stored(n: int = 1, **kwargs):
    """A picture checked and stored, as an upload would be: its ``StoredImage``."""
    from infopages import images

    data = png(mark=f"picture {n}", **kwargs)
    return images.store(images.check_upload(data, f"picture-{n}.png"))
