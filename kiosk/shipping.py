"""Recording the waybill and shipping the order."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

import sqlite_utils

from kiosk.db import record_event, transaction, utcnow
from kiosk.errors import KioskError
from kiosk.i18n import _, ngettext
from kiosk.orders import set_status
from kiosk.packing import PackSession, packed_by_line
from kiosk.problems import approved_shortages
from kiosk.timefmt import short_time
from kiosk.tracking import check_tracking_format


@dataclass(frozen=True)
class Shipment:
    shipment_id: int
    print_job_id: int
    order_id: str
    tracking_number: str
    carrier: str
    shipped_at: str


def check_waybill(db: sqlite_utils.Database, raw: str) -> str:
    """The tracking number a waybill scan carries, refused when it cannot be used."""
    number = check_tracking_format(raw)
    if db.execute("SELECT 1 FROM barcodes WHERE code = ?", [number]).fetchone():
        raise KioskError(
            _("{number} is an item barcode, not a waybill: scan the courier's label.").format(number=number)
        )
    live = db.execute(
        "SELECT order_id, shipped_at FROM shipments WHERE tracking_number = ?"
        " AND voided_at IS NULL ORDER BY id DESC LIMIT 1",
        [number],
    ).fetchone()
    if live:
        raise KioskError(
            _("Tracking number {number} is already on order {order_id} (shipped {when}):"
              " scan this parcel's own waybill.").format(number=number, order_id=live[0], when=short_time(live[1]))
        )
    return number


def ship_order(session: PackSession, raw_tracking: str, printer: str) -> Shipment:
    """Record the waybill, ship the order and queue its label, all in one transaction."""
    if not session.all_verified:
        missing = sum(p.remaining for p in session.lines)
        raise KioskError(
            ngettext("{count} item still to scan before the waybill.",
                     "{count} items still to scan before the waybill.", missing).format(count=missing)
        )
    db = session.db
    number = check_waybill(db, raw_tracking)
    carrier = session.order["requested_carrier"]
    now = utcnow()
    with transaction(db) as conn:
        held = conn.execute(
            "SELECT station FROM claims WHERE order_id = ?", (session.order_id,)
        ).fetchone()
        if held is None or held[0] != session.station:
            raise KioskError(
                _("Order {order_id} is no longer open at this station: it was not shipped.").format(
                    order_id=session.order_id
                )
            )
        shipped_lines = _shipped_quantities(conn, session)
        set_status(conn, session.order_id, "shipped", operator=session.operator,
                   station=session.station, reason="waybill recorded")
        shipment_id = conn.execute(
            "INSERT INTO shipments (order_id, carrier, tracking_number, package_no, package_count,"
            " operator, station, shipped_at) VALUES (?, ?, ?, 1, 1, ?, ?, ?)",
            (session.order_id, carrier, number, session.operator, session.station, now),
        ).lastrowid
        print_job_id = conn.execute(
            "INSERT INTO print_jobs (shipment_id, order_id, kind, printer, status, created_at,"
            " updated_at) VALUES (?, ?, 'shipping_label', ?, 'queued', ?, ?)",
            (shipment_id, session.order_id, printer, now, now),
        ).lastrowid
        conn.executemany(
            "INSERT INTO shipment_lines (shipment_id, line_no, quantity) VALUES (?, ?, ?)",
            [(shipment_id, line_no, quantity) for line_no, quantity in shipped_lines.items()],
        )
        conn.execute("DELETE FROM claims WHERE order_id = ?", (session.order_id,))
        record_event(conn, "shipped", order_id=session.order_id, operator=session.operator,
                     station=session.station, tracking_number=number, carrier=carrier,
                     shipment_id=shipment_id)
    return Shipment(shipment_id, print_job_id, session.order_id, number, carrier, now)


def _shipped_quantities(conn: sqlite3.Connection, session: PackSession) -> dict[int, int]:
    """What goes in the parcel per line, read from the database inside the shipping transaction.

    A line may ship short only by what a supervisor approved: the core refuses
    anything else, whatever a screen allowed.
    """
    packed = packed_by_line(conn, session.order_id)
    approved = approved_shortages(conn, session.order_id)
    shipped = {}
    for progress in session.lines:
        line = progress.line
        quantity = min(packed.get(line.line_no, 0), line.quantity)
        if quantity + approved.get(line.line_no, 0) < line.quantity:
            raise KioskError(
                _("Line {line_no} ({item}) has {packed} of {ordered}: a short shipment needs a supervisor's"
                  " approval.").format(line_no=line.line_no, item=line.description, packed=quantity,
                                       ordered=line.quantity)
            )
        shipped[line.line_no] = quantity
    return shipped


def finish_print_job(
    db: sqlite_utils.Database, job_id: int, *, file: str = "", error: str = ""
) -> None:
    """Record how a print job went; a failed job stays in the table to be retried."""
    now = utcnow()
    with transaction(db) as conn:
        row = conn.execute(
            "SELECT shipment_id, order_id FROM print_jobs WHERE id = ?", (job_id,)
        ).fetchone()
        if row is None:
            raise KioskError(_("No print job {job_id}.").format(job_id=job_id))
        shipment_id, order_id = row
        conn.execute(
            "UPDATE print_jobs SET status = ?, file = ?, error = ?, attempts = attempts + 1,"
            " updated_at = ? WHERE id = ?",
            ("failed" if error else "sent", file, error, now, job_id),
        )
        if file and shipment_id is not None:
            conn.execute("UPDATE shipments SET label_file = ? WHERE id = ?", (file, shipment_id))
        record_event(conn, "print_failed" if error else "label_printed", order_id=order_id,
                     job_id=job_id, file=file, error=error)
