"""Voiding a shipment: the parcel does not go out as labelled, and the order is packed again.

Only a supervisor voids, with a reason. The order's live parcels are voided together (they
were one dispatch, and a new packing records new waybills), their labels are marked void (the
jobs, so nothing retries or reprints them, and the label files, renamed so no print watcher
picks them up), the scans are cleared and the order is back in the queue as paid.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from kiosk.auth import find_operator
from kiosk.claims import end_claim
from kiosk.db import record_event, transaction, utcnow
from kiosk.errors import KioskError
from kiosk.i18n import _
from kiosk.orders import set_status, status_name

VOID_SUFFIX = ".void"
MAX_REASON = 200


@dataclass(frozen=True)
class VoidResult:
    order_id: str
    shipment_ids: tuple[int, ...]
    tracking_numbers: tuple[str, ...]
    # Label files renamed to <name>.void, and those that could not be (gone already, or no rights).
    renamed: tuple[Path, ...] = ()
    not_renamed: tuple[str, ...] = ()


def _label_files(conn, shipment_ids: list[int]) -> list[str]:
    marks = ", ".join("?" * len(shipment_ids))
    rows = conn.execute(
        f"SELECT label_file FROM shipments WHERE id IN ({marks}) AND label_file != ''"
        f" UNION SELECT file FROM print_jobs WHERE shipment_id IN ({marks}) AND file != ''",
        [*shipment_ids, *shipment_ids],
    ).fetchall()
    return sorted({row[0] for row in rows})


def void_shipment(
    db: sqlite_utils.Database, shipment_id: int, reason: str, *, supervisor: str, station: str
) -> VoidResult:
    """Void a shipment (and the other live parcels of its order) as `supervisor`, one transaction.

    Refused unless `supervisor` is an active supervisor's badge, the reason is given, the shipment
    is live and its order is shipped.
    """
    reason = " ".join(reason.split())
    if not reason:
        raise KioskError(_("Say why the shipment is voided."))
    if len(reason) > MAX_REASON:
        raise KioskError(_("The reason is too long: at most {limit} characters.").format(limit=MAX_REASON))
    operator = find_operator(db, supervisor)
    if operator is None or not operator.is_supervisor:
        raise KioskError(_("Only a supervisor can void a shipment."))
    now = utcnow()
    with transaction(db) as conn:
        row = conn.execute("SELECT order_id, voided_at FROM shipments WHERE id = ?", (shipment_id,)).fetchone()
        if row is None:
            raise KioskError(_("No shipment {shipment_id}.").format(shipment_id=shipment_id))
        order_id, voided_at = row
        if voided_at:
            raise KioskError(_("The shipment of order {order_id} is void already.").format(order_id=order_id))
        status = conn.execute("SELECT status FROM orders WHERE order_id = ?", (order_id,)).fetchone()[0]
        if status != "shipped":
            raise KioskError(
                _("Order {order_id} is {status}: only a shipped order's shipment can be voided.").format(
                    order_id=order_id, status=status_name(status)
                )
            )
        parcels = conn.execute(
            "SELECT id, tracking_number FROM shipments WHERE order_id = ? AND voided_at IS NULL ORDER BY id",
            (order_id,),
        ).fetchall()
        ids = [parcel[0] for parcel in parcels]
        marks = ", ".join("?" * len(ids))
        conn.execute(f"UPDATE shipments SET voided_at = ?, void_reason = ? WHERE id IN ({marks})", [now, reason, *ids])
        conn.execute(
            f"UPDATE print_jobs SET voided_at = ?, updated_at = ? WHERE shipment_id IN ({marks}) AND voided_at IS NULL",
            [now, now, *ids],
        )
        files = _label_files(conn, ids)
        # The items go back to the shelf: whoever packs the order again scans them again.
        end_claim(conn, order_id, stopped_by=station, status="paid")
        set_status(conn, order_id, "paid", operator=supervisor, station=station, reason=f"shipment voided: {reason}")
        record_event(conn, "shipment_voided", order_id=order_id, operator=supervisor, station=station,
                     shipment_ids=ids, tracking_numbers=[p[1] for p in parcels], reason=reason, label_files=files)
    renamed, not_renamed = mark_files_void(files)
    return VoidResult(order_id, tuple(ids), tuple(p[1] for p in parcels), renamed, not_renamed)


def mark_files_void(files: list[str]) -> tuple[tuple[Path, ...], tuple[str, ...]]:
    """Rename each label file to <name>.void: a watcher printing *.png never sees it again.

    After the commit, on purpose: the void stands even when a file is gone already (printed and
    removed by a watcher); the caller says which files were not renamed.
    """
    renamed, missed = [], []
    for name in files:
        path = Path(name)
        try:
            renamed.append(path.rename(path.with_name(path.name + VOID_SUFFIX)))
        except OSError:
            missed.append(name)
    return tuple(renamed), tuple(missed)


def live_shipment(db: sqlite_utils.Database, order_id: str) -> int | None:
    """The order's newest shipment that is not void, if any."""
    row = db.execute(
        "SELECT id FROM shipments WHERE order_id = ? AND voided_at IS NULL ORDER BY id DESC LIMIT 1", [order_id]
    ).fetchone()
    return row[0] if row else None
