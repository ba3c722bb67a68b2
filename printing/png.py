"""PNG files of labels, and the hand-assembled PNG of a label redrawn over one drawn ahead.

Packing a 1-bit image's dots into bits is most of what its PNG costs (about 1.3 ms of 2 for a
4x6 label), and Pillow has no way to encode part of an image. A waybill's label is drawn ahead
of its waybill (printing.labels.LabelRenderer.draw_ahead) and only its top is redrawn when the
waybill is scanned; this module then encodes just those top rows and appends the rest, packed
and deflated once per order. That keeps about 1.3 ms off the time from the waybill scan to the
label file (the "last scan to shipped" benchmark); a label drawn whole uses Pillow's encoder.
"""

from __future__ import annotations

import io
import struct
import zlib
from dataclasses import dataclass

from PIL import Image


@dataclass(frozen=True)
class PngTail:
    """The rows of a 1-bit image from `start` down, as PNG scanlines deflated on their own."""

    size: tuple[int, int]
    start: int
    scanlines: bytes  # kept for the stream's checksum, which covers every row
    deflated: bytes  # raw deflate data that ends the stream


def png_bytes(image: Image.Image, tail: PngTail | None = None) -> bytes:
    """The image as a PNG file's bytes; with `tail` (the same rows from tail.start down, encoded
    before), only the rows above it are encoded now."""
    if tail is not None and image.mode == "1" and tail.size == image.size:
        return _png_over_tail(image, tail)
    # zlib's fastest level: a label is written once and printed once, and level 6 costs about
    # 0.8 ms more per label to save 2 KiB.
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=image.info.get("dpi", (203, 203)), compress_level=1)
    return buffer.getvalue()


def png_tail(image: Image.Image, start: int) -> PngTail:
    """Encode the rows of a 1-bit `image` from `start` down, for png_bytes."""
    if image.mode != "1" or not 0 <= start <= image.height:
        raise ValueError("a PNG tail is rows of a 1-bit image")
    scanlines = _scanlines(image.crop((0, start, image.width, image.height)))
    squeeze = zlib.compressobj(1, zlib.DEFLATED, -zlib.MAX_WBITS)
    return PngTail(image.size, start, scanlines, squeeze.compress(scanlines) + squeeze.flush())


def _scanlines(image: Image.Image) -> bytes:
    """A 1-bit image's rows as PNG scanlines: filter type 0, then the dots packed 8 to a byte."""
    # Pillow packs mode "1" as PNG stores bit depth 1: a set bit is white, rows padded to bytes.
    packed = image.tobytes()
    stride = (image.width + 7) // 8
    return b"".join(b"\0" + packed[at:at + stride] for at in range(0, len(packed), stride))


def _png_over_tail(image: Image.Image, tail: PngTail) -> bytes:
    head = _scanlines(image.crop((0, 0, image.width, tail.start)))
    squeeze = zlib.compressobj(1, zlib.DEFLATED, -zlib.MAX_WBITS)
    # A full flush ends the head's deflate data on a byte boundary with nothing after it
    # referring back, so the tail's own deflate data can follow as the rest of one zlib stream.
    stream = b"".join((
        _ZLIB_HEADER, squeeze.compress(head), squeeze.flush(zlib.Z_FULL_FLUSH), tail.deflated,
        struct.pack(">I", zlib.adler32(tail.scanlines, zlib.adler32(head))),
    ))
    width, height = image.size
    dots_per_metre = [int(dpi / 0.0254 + 0.5) for dpi in image.info.get("dpi", (203, 203))]
    return b"".join((
        _PNG_SIGNATURE,
        _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)),  # 1-bit greyscale
        _chunk(b"pHYs", struct.pack(">IIB", *dots_per_metre, 1)),
        _chunk(b"IDAT", stream),
        _chunk(b"IEND", b""),
    ))


_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_ZLIB_HEADER = b"\x78\x01"  # deflate, 32 KiB window, fastest level


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
