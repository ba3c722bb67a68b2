"""The label floor: a 4x6 shipping label at 203 dpi drawn with Pillow in the fewest lines.

What it does, as the kiosk's label does: a 1-bit image of 812 x 1218 dots; the same text
lines (carrier, captions, tracking number, recipient, phone, address, postal code and
country, sender, items, flags, order, footer) in the same font file at the same sizes, bold
where the kiosk's is; rules; the two Code 128 codes (tracking number, order id) from
python-barcode's own module pattern, drawn as black rectangles of whole dots with their
quiet zones; then the PNG file's bytes, encoded by Pillow (zlib level 1, the kiosk's level).

What it leaves out: no check that the font has every glyph (the kiosk refuses a label that
would print boxes), no shortening or wrapping of text wider than the label, no module size
fitted to the width (always 2 dots, the smallest that decodes), flags in plain bold rather
than white on black, no record of what was drawn where, and no reuse of a label drawn ahead
of its waybill.
Fonts are loaded once per size, as any long-running program would.
"""

from __future__ import annotations

import io
from functools import cache

from barcode import Code128
from PIL import Image, ImageDraw, ImageFont

from printing.fonts import find_font
from printing.labels import ShippingLabel

DPI = 203
WIDTH, HEIGHT = 812, 1218  # 4 x 6 in at 203 dpi
MARGIN = 24  # 3 mm
MODULE = 2  # dots per Code 128 module: 0.25 mm, the smallest that scanners decode at 203 dpi
QUIET = 10 * MODULE


def dots(mm: float) -> int:
    return round(mm * DPI / 25.4)


@cache
def font(size_mm: float) -> ImageFont.FreeTypeFont:
    """The kiosk's label font file at this size, loaded once."""
    spec = find_font()
    return ImageFont.truetype(spec.path, max(8, dots(size_mm)), index=spec.index)


def label_lines(label: ShippingLabel) -> tuple[list[tuple[str, float, bool]], list[tuple[str, float, bool]]]:
    """(text, size in mm, bold) of the lines above the item list and of the lines below it."""
    cap = label.captions
    top = [(label.carrier, 6.0, True), (cap.tracking, 2.6, False), ("", 18.0, False),
           (label.tracking_number, 4.0, False), (cap.ship_to, 2.6, False), (label.recipient_name, 5.0, True),
           (label.phone, 3.8, False), *((line, 4.2, False) for line in label.address_lines),
           (f"{label.postal_code}  {label.country}", 4.6, True),
           (f"{cap.sender}: {', '.join(label.sender_lines)}", 2.6, False), (cap.items, 2.6, False),
           *((f"{qty} x {name}" + (f" ({variant})" if variant else ""), 3.0, False)
             for name, variant, qty in label.items)]
    bottom = [("  ·  ".join(label.flags), 3.8, True), ("", 9.0, False), (f"{cap.order} {label.order_id}", 3.0, False),
              (f"{label.ship_date} · {label.station} · {label.packer}", 2.6, False)]
    return top, bottom


def draw_code(draw: ImageDraw.ImageDraw, data: str, y: int, height: int) -> None:
    """python-barcode's module pattern, each run of bars one rectangle, centred with its quiet zones."""
    pattern = Code128(data).build()[0]
    x = (WIDTH - len(pattern) * MODULE) // 2
    if x < MARGIN + QUIET:
        raise ValueError(f"{data!r} does not fit the label")
    start = None
    for i, module in enumerate(pattern + "0"):
        if module == "1" and start is None:
            start = i
        elif module == "0" and start is not None:
            draw.rectangle((x + start * MODULE, y, x + i * MODULE - 1, y + height - 1), fill=0)
            start = None


def draw_label(label: ShippingLabel) -> Image.Image:
    image = Image.new("1", (WIDTH, HEIGHT), 1)
    draw = ImageDraw.Draw(image)
    top, bottom = label_lines(label)
    y = MARGIN
    for text, size, bold in top:
        if not text:  # the tracking number's barcode
            draw_code(draw, label.tracking_number, y, dots(size))
            y += dots(size) + dots(1.0)
            continue
        draw.text((MARGIN, y), text, font=font(size), fill=0, stroke_width=1 if bold else 0, stroke_fill=0)
        y += sum(font(size).getmetrics())
        if size >= 4.6:
            draw.rectangle((MARGIN, y, WIDTH - MARGIN - 1, y + 1), fill=0)
            y += dots(1.0)
    y = HEIGHT - MARGIN
    for text, size, bold in reversed(bottom):
        if not text:
            y -= dots(size)
            draw_code(draw, label.order_id, y, dots(size))
            continue
        y -= sum(font(size).getmetrics())
        draw.text((MARGIN, y), text, font=font(size), fill=0, stroke_width=1 if bold else 0, stroke_fill=0)
    image.info["dpi"] = (DPI, DPI)
    return image


def label_png(label: ShippingLabel) -> bytes:
    """The label drawn and encoded: what the label figure's floor times."""
    out = io.BytesIO()
    draw_label(label).save(out, "PNG", compress_level=1, dpi=(DPI, DPI))
    return out.getvalue()
