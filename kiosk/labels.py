"""From a shipment in the database to a label file: data on the UI thread, pixels in a worker."""

from __future__ import annotations

from pathlib import Path

import sqlite_utils

from kiosk.config import Config
from kiosk.errors import KioskError
from kiosk.i18n import _
from kiosk.orders import get_lines, get_order
from kiosk.remote import is_remote
from kiosk.timefmt import parse_stored
from printing.labels import LabelCaptions, ShippingLabel, render_shipping_label
from printing.spool import spool_label


def label_for_shipment(db: sqlite_utils.Database, shipment_id: int, config: Config) -> ShippingLabel:
    """Everything the label shows, read in one place so every reprint matches the first print."""
    rows = list(db.query("SELECT * FROM shipments WHERE id = ?", [shipment_id]))
    if not rows:
        raise KioskError(_("No shipment {shipment_id}.").format(shipment_id=shipment_id))
    shipment = rows[0]
    order = get_order(db, shipment["order_id"])
    assert order is not None  # shipments.order_id is a foreign key
    packer = db.execute(
        "SELECT name FROM operators WHERE badge = ?", [shipment["operator"]]
    ).fetchone()
    flags = []
    if order["buyer_note"].strip() or order["seller_note"].strip():
        flags.append(_("NOTE"))
    if is_remote(order["country"], order["province"], order["city"]):
        flags.append(_("REMOTE"))
    address_lines = tuple(
        part for part in (order["address"], f"{order['city']} {order['province']}".strip()) if part
    )
    return ShippingLabel(
        order_id=order["order_id"],
        tracking_number=shipment["tracking_number"],
        carrier=shipment["carrier"] or _("Courier"),
        recipient_name=order["recipient_name"],
        phone=order["phone"],
        address_lines=address_lines,
        postal_code=order["postal_code"],
        country=order["country"],
        sender_lines=tuple(config.sender),
        items=tuple((line.name, line.variant, line.quantity) for line in get_lines(db, order["order_id"])),
        ship_date=parse_stored(shipment["shipped_at"]).astimezone().strftime("%Y-%m-%d"),
        station=shipment["station"],
        packer=packer[0] if packer else shipment["operator"],
        flags=tuple(flags),
        package_no=shipment["package_no"],
        package_count=shipment["package_count"],
        captions=label_captions(),
    )


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


def render_label_file(label: ShippingLabel, config: Config) -> Path:
    """Render and spool a shipping label (blocking: run it in a worker thread)."""
    try:
        image = render_shipping_label(
            label, size=config.label_size, dpi=config.label_dpi, font_path=config.label_font or None
        )
    except FileNotFoundError as error:
        raise KioskError(_("Label not printed: label font {path} not found.").format(path=config.label_font)) from error
    except (ValueError, OSError) as error:
        # MissingGlyphs and BarcodeTooLong are ValueErrors with a message for the desk.
        raise KioskError(_("Label not printed: {reason}").format(reason=error)) from error
    try:
        return spool_label(image, config.spool_dir, f"{label.order_id}-{label.tracking_number}")
    except OSError as error:
        raise KioskError(
            _("Label not printed: cannot write to {folder} ({reason}).").format(
                folder=config.spool_dir, reason=error.strerror
            )
        ) from error
