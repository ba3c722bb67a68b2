"""From the database to label documents: data read on the UI thread, pixels in a worker.

`label_for_shipment` reads everything a shipping label shows in one place, so every reprint
matches the first print. `shipping_document` and `item_document` render (blocking: a worker
thread or the CLI) and turn the printing layer's errors into one translated line for the desk.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar

import sqlite_utils

from kiosk.config import Config
from kiosk.errors import KioskError
from kiosk.i18n import N_, _
from kiosk.orders import get_lines, get_order
from kiosk.remote import is_remote
from kiosk.timefmt import parse_stored
from printing.barcodes import BarcodeTooLong
from printing.fonts import FontSpec, MissingGlyphs, show_chars
from printing.item_labels import ItemLabel, item_label_document
from printing.labels import LabelCaptions, LabelRenderer, ShippingLabel
from printing.outputs import LabelDocument
from printing.text import mask_phone

# What the printing layer calls each text on a label, for the message that names a problem field.
FIELD_NAMES = {
    "order id": N_("order id"),
    "tracking number": N_("tracking number"),
    "carrier": N_("carrier"),
    "recipient name": N_("recipient name"),
    "phone": N_("phone"),
    "address line {n}": N_("address line {n}"),
    "postal code": N_("postal code"),
    "country": N_("country"),
    "sender line {n}": N_("sender line {n}"),
    "ship date": N_("ship date"),
    "station": N_("station"),
    "packer": N_("packer"),
    "flag {n}": N_("flag {n}"),
    "item {n} name": N_("item {n} name"),
    "item {n} variant": N_("item {n} variant"),
    "item title": N_("item title"),
    "variant": N_("variant"),
    "condition": N_("condition"),
    "item code": N_("item code"),
}

T = TypeVar("T")


def label_for_shipment(db: sqlite_utils.Database, shipment_id: int, config: Config) -> ShippingLabel:
    """Everything the label shows, read in one place so every reprint matches the first print."""
    rows = list(db.query("SELECT * FROM shipments WHERE id = ?", [shipment_id]))
    if not rows:
        raise KioskError(_("No shipment {shipment_id}.").format(shipment_id=shipment_id))
    shipment = rows[0]
    return _order_label(
        db, shipment["order_id"], config, tracking_number=shipment["tracking_number"], carrier=shipment["carrier"],
        items=_shipped_items(db, shipment_id, shipment["order_id"]), shipped_at=parse_stored(shipment["shipped_at"]),
        station=shipment["station"], operator=shipment["operator"], package_no=shipment["package_no"],
        package_count=shipment["package_count"],
    )


# Stands in for the tracking number on a preview label: the longest common kind (UPS) of the
# same characters, so the layout is the one the real label gets.
PREVIEW_TRACKING = "1Z0000000000000000"


def label_preview(
    db: sqlite_utils.Database, order_id: str, config: Config, *, operator: str, station: str,
    carrier: str = "", package_no: int = 1, package_count: int = 1,
) -> ShippingLabel:
    """The label an order is about to get, with a stand-in tracking number.

    Rendered while the packer reaches for the waybill, it leaves only the tracking number new
    when the real label is drawn (the recipient, address and items are then already measured
    and rendered: printing.text caches them).
    """
    lines = get_lines(db, order_id)
    return _order_label(
        db, order_id, config, tracking_number=PREVIEW_TRACKING, carrier=carrier,
        items=tuple((line.name, line.variant, line.quantity) for line in lines), shipped_at=datetime.now(UTC),
        station=station, operator=operator, package_no=package_no, package_count=package_count,
    )


def _order_label(
    db: sqlite_utils.Database, order_id: str, config: Config, *, tracking_number: str, carrier: str,
    items: tuple[tuple[str, str, int], ...], shipped_at: datetime, station: str, operator: str, package_no: int,
    package_count: int,
) -> ShippingLabel:
    order = get_order(db, order_id)
    if order is None:
        raise KioskError(_("No order {order_id}.").format(order_id=order_id))
    packer = db.execute("SELECT name FROM operators WHERE badge = ?", [operator]).fetchone()
    flags = []
    if order["buyer_note"].strip() or order["seller_note"].strip():
        flags.append(_("NOTE"))
    if is_remote(order["country"], order["province"], order["city"], order["postal_code"], config.remote_rules):
        flags.append(_("REMOTE"))
    if db.execute(
        "SELECT 1 FROM problems WHERE order_id = ? AND status = 'approved_short' LIMIT 1", [order_id]
    ).fetchone():
        flags.append(_("SHORT"))
    address_lines = tuple(
        part for part in (order["address"], f"{order['city']} {order['province']}".strip()) if part
    )
    return ShippingLabel(
        order_id=order_id,
        tracking_number=tracking_number,
        carrier=carrier or _("Courier"),
        recipient_name=order["recipient_name"],
        # A privacy waybill never carries the whole number, not even in the ZPL sent to a printer.
        phone=mask_phone(order["phone"]) if config.label_privacy else order["phone"],
        address_lines=address_lines,
        postal_code=order["postal_code"],
        country=order["country"],
        sender_lines=tuple(config.sender),
        items=items,
        ship_date=shipped_at.astimezone().strftime("%Y-%m-%d"),
        station=station,
        packer=packer[0] if packer else operator,
        flags=tuple(flags),
        package_no=package_no,
        package_count=package_count,
        captions=label_captions(),
    )


def _shipped_items(db: sqlite_utils.Database, shipment_id: int, order_id: str) -> tuple[tuple[str, str, int], ...]:
    """(name, variant, quantity) per line: what the parcel carried when that is recorded (a short
    shipment ships less than was ordered), else what was ordered."""
    shipped = dict(db.execute(
        "SELECT line_no, quantity FROM shipment_lines WHERE shipment_id = ?", [shipment_id]
    ).fetchall())
    lines = get_lines(db, order_id)
    if not shipped:
        return tuple((line.name, line.variant, line.quantity) for line in lines)
    return tuple((line.name, line.variant, shipped[line.line_no]) for line in lines if shipped.get(line.line_no))


def label_captions() -> LabelCaptions:
    """The label's fixed words in the current language."""
    return LabelCaptions(
        ship_to=_("SHIP TO"),
        sender=_("FROM"),
        order=_("Order"),
        tracking=_("Tracking"),
        items=_("Items"),
        package=_("Package"),
        of=_("of"),
        more_items=_("more items"),
    )


def _field_name(field: str) -> str:
    if field.startswith("caption "):
        # The printing layer names a caption by its LabelCaptions field: show its words.
        text = getattr(label_captions(), field.removeprefix("caption "), field)
        return _("the caption “{text}”").format(text=text)
    number = re.search(r"\d+", field)
    key = re.sub(r"\d+", "{n}", field)
    if key not in FIELD_NAMES:
        return field
    return _(FIELD_NAMES[key]).format(n=number.group() if number else "")


def render_problem(error: Exception, font_path: str = "") -> str:
    """One line for the desk saying why a label cannot be drawn (the printing layer speaks English)."""
    if isinstance(error, FileNotFoundError):
        return _("label font {path} not found (label_font in the config)").format(path=font_path)
    if isinstance(error, MissingGlyphs):
        fields = ", ".join(_field_name(field) for field in error.where)
        return _(
            "the label font ({font}) cannot draw {chars} in {fields}: set label_font in the config to a font"
            " that has them, or install fonts-noto-cjk"
        ).format(font=error.font.name, chars=show_chars(error.chars), fields=fields)
    if isinstance(error, BarcodeTooLong):
        return _(
            "{data} is too long for a barcode on this label: it needs {needed} dots at the smallest readable bar"
            " width, the label has {available}"
        ).format(data=error.data, needed=error.needed_dots, available=error.available_dots)
    return _("it cannot be drawn ({reason})").format(reason=error)


def _rendering(render: Callable[[], T], font_path: str) -> T:
    try:
        return render()
    except (ValueError, OSError) as error:
        # MissingGlyphs and BarcodeTooLong are ValueErrors; a missing font file is an OSError.
        raise KioskError(_("Label not printed: {reason}").format(reason=render_problem(error, font_path))) from error


def _font(font_path: str) -> FontSpec | None:
    return FontSpec(font_path) if font_path else None


def draw_ahead(label: ShippingLabel, size: str, dpi: int, font_path: str, renderer: LabelRenderer) -> None:
    """Draw a label ahead of its waybill (label_preview; blocking) so that the real one, drawn by the
    same renderer, then draws and encodes only its carrier and tracking number. Raises KioskError
    as shipping_document does."""
    _rendering(lambda: renderer.draw_ahead(label, size, dpi, _font(font_path)), font_path)


def shipping_document(label: ShippingLabel, size: str, dpi: int, font_path: str = "",
                      renderer: LabelRenderer | None = None) -> LabelDocument:
    """Render a shipping label (blocking): a renderer redraws a label it drew ahead; without one
    (the command line) the label is drawn whole. Raises KioskError saying what stops it."""
    renderer = renderer or LabelRenderer()
    return LabelDocument((_rendering(lambda: renderer.layout(label, size, dpi, _font(font_path)), font_path),))


def item_document(item: ItemLabel, size: str, copies: int, dpi: int, font_path: str = "") -> LabelDocument:
    """Render `copies` item stickers (blocking). Raises KioskError saying what stops it."""
    return _rendering(lambda: item_label_document(item, size, copies, dpi, _font(font_path)), font_path)
