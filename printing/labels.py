"""Shipping label rendering: plain data in, a 1-bit Pillow image at printer resolution out.

Layout is specified in millimetres and converted to dots for the chosen dpi, so the same
design works for 4x6 in and 100x150 mm stock at 203 or 300 dpi. The top of the label
(carrier, tracking, recipient, sender) is laid out downwards, the bottom (flags, order
barcode, footer) upwards, and the item summary gets whatever room is left between them.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from dataclasses import dataclass, field, replace

from PIL import Image

from printing.barcodes import BarcodeTooLong
from printing.canvas import BarcodePlacement, Canvas, RenderedLabel
from printing.fonts import FONT_LOCK, Font, FontSpec, MissingGlyphs, check_glyphs, load_font, pick_font
from printing.png import PngTail, png_tail
from printing.sizes import LABEL_SIZES
from printing.text import clean, ink_extent, pack, wrap, wrap_block

__all__ = [
    "LABEL_SIZES",
    "BarcodePlacement",
    "BarcodeTooLong",
    "LabelCaptions",
    "LabelRenderer",
    "MissingGlyphs",
    "RenderedLabel",
    "ShippingLabel",
    "layout_shipping_label",
    "render_shipping_label",
    "summarize_items",
]

MARGIN_MM = 3.0
# Upper bounds keep short codes from turning into 1 mm bars that overflow a scanner's view.
TRACKING_MAX_MODULE_MM = 0.5
ORDER_MAX_MODULE_MM = 0.375
TRACKING_BAR_MM = 18.0
ORDER_BAR_MM = 9.0
ADDRESS_MAX_LINES = 5


@dataclass(frozen=True)
class LabelCaptions:
    """Fixed words printed on the label; swap in a translated instance per shop or station."""

    ship_to: str = "SHIP TO"
    sender: str = "FROM"
    order: str = "Order"
    tracking: str = "Tracking"
    items: str = "Items"
    package: str = "Package"
    of: str = "of"
    more_items: str = "more items"


@dataclass(frozen=True)
class ShippingLabel:
    order_id: str
    tracking_number: str
    carrier: str
    recipient_name: str
    phone: str
    address_lines: tuple[str, ...]
    postal_code: str
    country: str
    sender_lines: tuple[str, ...]
    items: tuple[tuple[str, str, int], ...]  # (name, variant text, quantity)
    ship_date: str
    station: str
    packer: str
    flags: tuple[str, ...] = ()
    package_no: int = 1
    package_count: int = 1
    captions: LabelCaptions = field(default_factory=LabelCaptions)

    def text_fields(self) -> list[tuple[str, str]]:
        """(field description, text) for every piece of text the label prints."""
        fields = [
            ("order id", self.order_id),
            ("tracking number", self.tracking_number),
            ("carrier", self.carrier),
            ("recipient name", self.recipient_name),
            ("phone", self.phone),
            *((f"address line {i}", t) for i, t in enumerate(self.address_lines, 1)),
            ("postal code", self.postal_code),
            ("country", self.country),
            *((f"sender line {i}", t) for i, t in enumerate(self.sender_lines, 1)),
            ("ship date", self.ship_date),
            ("station", self.station),
            ("packer", self.packer),
            *((f"flag {i}", t) for i, t in enumerate(self.flags, 1)),
        ]
        for i, (name, variant, _qty) in enumerate(self.items, 1):
            fields += [(f"item {i} name", name), (f"item {i} variant", variant)]
        for caption, text in vars(self.captions).items():
            fields.append((f"caption {caption}", text))
        return [(where, clean(text)) for where, text in fields]


def summarize_items(
    items: tuple[tuple[str, str, int], ...] | list[tuple[str, str, int]],
    max_lines: int,
    captions: LabelCaptions | None = None,
) -> list[str]:
    """One line per item ("2 x Name (Variant)"); if they do not all fit in `max_lines`, the
    last line says "+N more items" so the packer knows the list is incomplete."""
    if max_lines < 1:
        raise ValueError("max_lines must be at least 1")
    captions = captions or LabelCaptions()
    lines = [
        f"{qty} x {clean(name)}" + (f" ({clean(variant)})" if clean(variant) else "")
        for name, variant, qty in items
    ]
    if len(lines) <= max_lines:
        return lines
    shown = max_lines - 1
    return [*lines[:shown], f"+{len(lines) - shown} {captions.more_items}"]


def _draw_waybill(c: Canvas, label: ShippingLabel) -> int:
    """The carrier and the tracking number, at the top: the part of a label its waybill decides."""
    small = c.font(2.6)
    y = c.top
    y += c.text(y, clean(label.carrier), c.font(6.0), bold=True) + c.dots(0.5)
    y = c.rule(y)
    y += c.text(y, label.captions.tracking, small) + c.dots(0.5)
    y = c.barcode(
        y, label.tracking_number, c.dots(TRACKING_BAR_MM), TRACKING_MAX_MODULE_MM, "tracking number"
    )
    y += c.dots(0.5)
    hr_font = _shrink_to_fit(c, label.tracking_number, 4.0)
    y += c.text(y, label.tracking_number, hr_font, center=True)
    return c.rule(y + c.dots(0.7))


def _draw_top(c: Canvas, label: ShippingLabel, y: int) -> int:
    """Recipient and sender, below the waybill part."""
    cap = label.captions
    small = c.font(2.6)
    y += c.text(y, cap.ship_to, small)
    name_font = c.font(5.0)
    y = c.lines(
        y,
        wrap(name_font, clean(label.recipient_name), c.width, 2, c.stroke()),
        name_font,
        bold=True,
    )
    if clean(label.phone):
        y += c.text(y, clean(label.phone), c.font(3.8))
    address_font = c.font(4.2)
    address = [clean(t) for t in label.address_lines if clean(t)]
    y = c.lines(y, wrap_block(address_font, address, c.width, ADDRESS_MAX_LINES), address_font)
    postal = "  ".join(t for t in (clean(label.postal_code), clean(label.country)) if t)
    y += c.text(y, postal, c.font(4.6), bold=True)
    y = c.rule(y + c.dots(0.3))

    sender = ", ".join(clean(t) for t in label.sender_lines if clean(t))
    sender_lines = wrap(small, f"{cap.sender}: {sender}", c.width, 2)
    return c.rule(c.lines(y, sender_lines, small))


def _shrink_to_fit(c: Canvas, text: str, size_mm: float) -> Font:
    """Largest font up to size_mm in which `text` fits: a tracking number must not be cut."""
    font = c.font(size_mm)
    width = ink_extent(font, text)[1]
    if width > c.width:
        font = load_font(c.spec, max(8, int(font.size * c.width / width)))
    return font


def _draw_bottom(c: Canvas, label: ShippingLabel) -> int:
    """Footer, order barcode and flags bar, bottom-up; returns the top of this block."""
    cap = label.captions
    small = c.font(2.6)
    y = c.bottom - c.line_height(small)
    footer = f" {c.sep} ".join(
        t for t in (clean(label.ship_date), clean(label.station), clean(label.packer)) if t
    )
    c.text(y, footer, small)

    order_font = c.font(3.0)
    y -= c.dots(0.5) + c.line_height(order_font)
    c.text(y, f"{cap.order} {clean(label.order_id)}", order_font, center=True)
    height = c.dots(ORDER_BAR_MM)
    y -= height + c.dots(0.3)
    c.barcode(y, label.order_id, height, ORDER_MAX_MODULE_MM, "order id")

    flags = list(dict.fromkeys(clean(f) for f in label.flags if clean(f)))
    if label.package_count > 1:
        flags.append(f"{cap.package} {label.package_no} {cap.of} {label.package_count}")
    if flags:
        # White on black across the width: a packer must not miss NOTE or REMOTE.
        flag_font = c.font(3.8)
        lines = pack(flag_font, flags, f"  {c.sep}  ", c.width, 2, c.stroke())
        pad = c.dots(0.6)
        box_h = c.line_height(flag_font) * len(lines) + 2 * pad
        y -= c.dots(1.0) + box_h
        c.box((c.left, y, c.right, y + box_h))
        for n, line in enumerate(lines):
            line_y = y + pad + n * c.line_height(flag_font)
            c.text(line_y, line, flag_font, bold=True, center=True, fill=255)
    thick = max(2, c.dots(0.3))
    y -= c.dots(1.0) + thick
    c.rule(y)
    return y


FontChoice = str | os.PathLike[str] | FontSpec | None


def layout_shipping_label(label: ShippingLabel, size: str = "4x6", dpi: int = 203,
                          font_path: FontChoice = None) -> RenderedLabel:
    """Render the label whole and report the font used and where each barcode is."""
    with FONT_LOCK:  # ~15 ms; serialising concurrent renders costs nothing noticeable
        return _draw(label, size, dpi, _checked_font(label, size, dpi, font_path)).rendered


@dataclass(frozen=True)
class _Drawn:
    """A finished layout, kept so the next label that differs only in its waybill redraws just that."""

    waybill_end: int  # the first row below the waybill part
    waybill_elements: int  # how many of the elements (and barcodes) the waybill part drew
    waybill_barcodes: int
    rendered: RenderedLabel
    png_tail: PngTail | None = None  # its rows below the waybill part, encoded (draw_ahead)


class LabelRenderer:
    """Draws shipping labels and keeps the last few layouts, so that a label differing from one of
    them only in its carrier and tracking number redraws just that part.

    One per print pipeline: a label drawn ahead of its waybill (`draw_ahead`, with a stand-in
    tracking number) makes the real one, drawn by the same renderer, take a fraction of the time.
    Safe to share between threads.
    """

    def __init__(self, kept: int = 2) -> None:
        self._kept = kept
        # By everything on the label except its waybill (see _redraw_waybill).
        self._drawn: OrderedDict[tuple, _Drawn] = OrderedDict()
        self._lock = threading.Lock()

    def layout(self, label: ShippingLabel, size: str = "4x6", dpi: int = 203,
               font_path: FontChoice = None) -> RenderedLabel:
        """The label (as layout_shipping_label draws it), redrawn over a kept layout when it can be."""
        with FONT_LOCK:
            return self._layout(label, size, dpi, font_path)[0]

    def draw_ahead(self, label: ShippingLabel, size: str = "4x6", dpi: int = 203,
                   font_path: FontChoice = None) -> None:
        """Draw `label` and encode its rows below the waybill part, so that a label differing only
        in its carrier and tracking number is then drawn and encoded (as PNG) in a fraction of the
        time. For a label drawn while the packer reaches for the waybill."""
        with FONT_LOCK:
            _rendered, key = self._layout(label, size, dpi, font_path)
            with self._lock:
                drawn = self._drawn.get(key)
            if drawn is not None and drawn.png_tail is None:
                encoded = replace(drawn, png_tail=png_tail(drawn.rendered.image, drawn.waybill_end))
                self._keep(key, encoded)

    def forget(self) -> None:
        """Drop every kept layout."""
        with self._lock:
            self._drawn.clear()

    def _layout(self, label: ShippingLabel, size: str, dpi: int, font_path: FontChoice) -> tuple[RenderedLabel, tuple]:
        font = _checked_font(label, size, dpi, font_path)
        key = (replace(label, tracking_number="", carrier=""), size, dpi, font)
        with self._lock:
            earlier = self._drawn.get(key)
            if earlier is not None:
                self._drawn.move_to_end(key)
        if earlier is not None:
            redrawn = _redraw_waybill(earlier, label, size, dpi, font)
            if redrawn is not None:
                return redrawn, key
        drawn = _draw(label, size, dpi, font)
        self._keep(key, drawn)
        return drawn.rendered, key

    def _keep(self, key: tuple, drawn: _Drawn) -> None:
        with self._lock:
            self._drawn[key] = drawn
            self._drawn.move_to_end(key)
            while len(self._drawn) > self._kept:
                self._drawn.popitem(last=False)


def _checked_font(label: ShippingLabel, size: str, dpi: int, font_path: FontChoice) -> FontSpec:
    """The font the label is drawn in, once its size, resolution and every character are checked."""
    if size not in LABEL_SIZES:
        raise ValueError(f"unknown label size {size!r}; choose one of {', '.join(LABEL_SIZES)}")
    if not 150 <= dpi <= 600:
        raise ValueError(f"unsupported printer resolution {dpi} dpi (203 or 300 expected)")
    fields = label.text_fields()
    font = pick_font("".join(text for _, text in fields), font_path)
    check_glyphs(fields, font)
    return font


def _draw(label: ShippingLabel, size: str, dpi: int, font: FontSpec) -> _Drawn:
    c = Canvas(*LABEL_SIZES[size], dpi, font, MARGIN_MM)
    waybill_end = _draw_waybill(c, label)
    waybill_elements, waybill_barcodes = len(c.elements), len(c.barcodes)
    top_end = _draw_top(c, label, waybill_end)
    bottom_start = _draw_bottom(c, label)

    items_font = c.font(3.0)
    y = top_end
    y += c.text(y, label.captions.items, c.font(2.6))
    max_lines = (bottom_start - c.dots(0.5) - y) // c.line_height(items_font)
    if max_lines < 1:  # the caps on the blocks above make this unreachable; be loud if not
        raise ValueError("label layout overflow: no room left for the item list")
    c.lines(y, summarize_items(label.items, max_lines, label.captions), items_font)
    return _Drawn(waybill_end, waybill_elements, waybill_barcodes, c.finish())


def _redraw_waybill(earlier: _Drawn, label: ShippingLabel, size: str, dpi: int, font: FontSpec) -> RenderedLabel | None:
    """`earlier` with `label`'s carrier and tracking number drawn over its own; None when the new
    waybill part is not the same height (the rest of the label would move), so it is drawn whole.

    The result is the same, dot for dot and element for element, as drawing `label` from scratch
    (tests/test_printing.py checks).
    """
    # Drawn on the 1-bit label itself: every dot drawn is black or white, so it is the same.
    c = Canvas(*LABEL_SIZES[size], dpi, font, MARGIN_MM, image=earlier.rendered.image.copy())
    c.draw.rectangle((0, 0, c.image.width - 1, earlier.waybill_end - 1), fill=255)
    if _draw_waybill(c, label) != earlier.waybill_end:
        return None
    rendered = earlier.rendered
    c.elements += rendered.elements[earlier.waybill_elements:]
    c.barcodes += rendered.barcodes[earlier.waybill_barcodes:]
    return replace(c.finish(), png_tail=earlier.png_tail)


def render_shipping_label(label: ShippingLabel, size: str = "4x6", dpi: int = 203,
                          font_path: FontChoice = None) -> Image.Image:
    """The label as a mode '1' image (white background) with `info["dpi"]` set.

    Raises MissingGlyphs if the font cannot draw some text, BarcodeTooLong if a code does not
    fit at the minimum module, ValueError for data Code 128 cannot carry.
    """
    return layout_shipping_label(label, size, dpi, font_path).image
