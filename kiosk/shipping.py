"""Recording waybills, parcel by parcel, and shipping the order with its last parcel."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from kiosk.db import record_event, transaction, utcnow
from kiosk.errors import KioskError
from kiosk.i18n import _, ngettext
from kiosk.orders import set_status
from kiosk.packing import PackSession
from kiosk.print_queue import SHIPPING_LABEL, create_job
from kiosk.problems import approved_shortages
from kiosk.scanning import packed_by_line
from kiosk.waybill import Waybill, WaybillRules, check_waybill, claim_number

if TYPE_CHECKING:
    from collections.abc import Callable

    from kiosk.staged_labels import StagedLabel


@dataclass(frozen=True)
class Shipment:
    shipment_id: int
    print_job_id: int
    order_id: str
    tracking_number: str
    carrier: str
    shipped_at: str
    package_no: int = 1
    package_count: int = 1

    @property
    def order_shipped(self) -> bool:
        """The last parcel: the order counts as shipped."""
        return self.package_no >= self.package_count


def record_waybill(
    session: PackSession, raw_tracking: str, printer: str, rules: WaybillRules | None = None,
    stage_label: Callable[[int], StagedLabel] | None = None, carrier: str | None = None,
) -> Shipment:
    """Record one parcel's waybill and queue its label; the last parcel ships the order. One transaction.

    `stage_label`, given the print job, reads the label inside the transaction and hands it to a
    print thread that draws and writes it while the transaction commits (kiosk.staged_labels.StagedLabel).
    """
    if not session.all_verified:
        missing = sum(p.remaining for p in session.lines)
        raise KioskError(
            ngettext("{count} item still to scan before the waybill.",
                     "{count} items still to scan before the waybill.", missing).format(count=missing)
        )
    db = session.db
    rules = rules or WaybillRules()
    waybill = check_waybill(db, raw_tracking, session.order, rules, carrier)
    now = utcnow()
    staged: StagedLabel | None = None
    try:
        with transaction(db) as conn:
            shipment = _record_parcel(conn, session, waybill, printer, now, rules.duplicate_window)
            if stage_label is not None:
                # Last, so that only the commit itself can still fail once the label is drawn.
                staged = stage_label(shipment.print_job_id)
    except BaseException:
        if staged is not None:
            staged.settle(committed=False)
        raise
    if staged is not None:
        staged.settle(committed=True)
    session.parcels_recorded = shipment.package_no
    return shipment


def _record_parcel(
    conn: sqlite3.Connection, session: PackSession, waybill: Waybill, printer: str, now: str,
    duplicate_window: timedelta,
) -> Shipment:
    """The rows of one parcel (and, with the last one, of the shipped order), inside the caller's transaction."""
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
    reuse_no = claim_number(conn, waybill, duplicate_window)
    package_no = _parcels_recorded(conn, session.order_id) + 1
    package_count = max(session.parcel_count, package_no)
    shipment_id = conn.execute(
        "INSERT INTO shipments (order_id, carrier_id, carrier, service, tracking_number, tracking_url,"
        " package_no, package_count, operator, station, shipped_at, reuse_no)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (session.order_id, waybill.carrier_id, waybill.carrier, waybill.service, waybill.number,
         waybill.tracking_url, package_no, package_count, session.operator, session.station, now, reuse_no),
    ).lastrowid
    print_job_id = create_job(conn, kind=SHIPPING_LABEL, printer=printer, operator=session.operator,
                              station=session.station, order_id=session.order_id, shipment_id=shipment_id)
    record_event(conn, "parcel_recorded", order_id=session.order_id, operator=session.operator,
                 station=session.station, tracking_number=waybill.number, carrier=waybill.carrier,
                 shipment_id=shipment_id, package_no=package_no, package_count=package_count,
                 carrier_chosen=waybill.chosen)
    if package_no >= package_count:
        # The order's quantities go with its last parcel: that is when the order counts as shipped.
        conn.executemany(
            "INSERT INTO shipment_lines (shipment_id, line_no, quantity) VALUES (?, ?, ?)",
            [(shipment_id, line_no, quantity) for line_no, quantity in shipped_lines.items()],
        )
        set_status(conn, session.order_id, "shipped", operator=session.operator,
                   station=session.station, reason="waybill recorded")
        conn.execute("DELETE FROM claims WHERE order_id = ?", (session.order_id,))
        record_event(conn, "shipped", order_id=session.order_id, operator=session.operator,
                     station=session.station, tracking_number=waybill.number, carrier=waybill.carrier,
                     shipment_id=shipment_id)
    return Shipment(shipment_id, print_job_id, session.order_id, waybill.number, waybill.carrier, now,
                    package_no, package_count)


def _parcels_recorded(conn: sqlite3.Connection, order_id: str) -> int:
    return conn.execute(
        "SELECT COUNT(*) FROM shipments WHERE order_id = ? AND voided_at IS NULL", (order_id,)
    ).fetchone()[0]


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
    if not any(shipped.values()):
        raise KioskError(
            _("Order {order_id} has nothing to ship: every unit is short, and no parcel leaves empty.").format(
                order_id=session.order_id)
        )
    return shipped
