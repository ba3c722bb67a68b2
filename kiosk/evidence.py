"""Packing evidence: what went into a parcel, scanned by whom, where and when, and which label went out.

A shipment's scans are those of its order made from the moment the order was last opened for
packing until the shipment was recorded; of the accepted ones, those that still counted then. A
hold, a release or a void ends a packing (its scans are marked undone), so an earlier attempt's
scans are never evidence of a later parcel; a void marks the scans undone after its parcel was
recorded, so they stay the evidence of the parcel they went into.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils

from kiosk.errors import KioskError
from kiosk.i18n import N_, _
from kiosk.orders import get_lines

RESULT_NAMES = {
    "accepted": N_("accepted"),
    "unknown_code": N_("unknown barcode"),
    "not_in_order": N_("not in the order"),
    "wrong_variant": N_("wrong variant"),
    "line_complete": N_("line already complete"),
    "notes_unread": N_("notes not read yet"),
    "unreadable": N_("unreadable"),
    "not_held": N_("order not held here"),
}


def result_name(result: str) -> str:
    return _(RESULT_NAMES[result]) if result in RESULT_NAMES else result


@dataclass(frozen=True)
class ScannedItem:
    scan_id: int
    scanned_at: str
    line_no: int | None
    item: str  # name and variant of the order line ("" for a code that matched no line)
    code: str
    quantity: int
    result: str
    operator: str
    operator_name: str
    station: str

    @property
    def result_name(self) -> str:
        return result_name(self.result)


@dataclass(frozen=True)
class LabelRecord:
    job_id: int
    printer: str
    status: str
    file: str
    created_at: str
    reprint_of: int | None
    reason: str
    operator: str
    voided_at: str

    @property
    def status_name(self) -> str:
        from kiosk.print_queue import STATUS_NAMES  # print jobs' own words for their states

        return _(STATUS_NAMES.get(self.status, self.status))


@dataclass(frozen=True)
class ShipmentEvidence:
    shipment_id: int
    order_id: str
    carrier: str
    service: str
    tracking_number: str
    tracking_url: str
    package_no: int
    package_count: int
    operator: str
    operator_name: str
    station: str
    shipped_at: str
    voided_at: str
    void_reason: str
    # Units that went into the parcel, scan by scan, oldest first.
    items: tuple[ScannedItem, ...]
    # Scans refused while it was packed (a wrong colour that the kiosk caught, for instance).
    refused: tuple[ScannedItem, ...]
    labels: tuple[LabelRecord, ...]

    @property
    def void(self) -> bool:
        return bool(self.voided_at)


def operator_names(db: sqlite_utils.Database) -> dict[str, str]:
    return dict(db.execute("SELECT badge, name FROM operators").fetchall())


_SCANS_SQL = """
SELECT id, scanned_at, line_no, raw_code, quantity, result, operator, station FROM scans
WHERE order_id = :order_id AND scanned_at <= :shipped_at
  AND scanned_at >= COALESCE((SELECT MAX(at) FROM events WHERE order_id = :order_id
                              AND kind = 'status_packing' AND at <= :shipped_at), '')
  AND (result != 'accepted' OR undone_at IS NULL OR undone_at > :shipped_at)
ORDER BY scanned_at, id
"""


def shipment_evidence(db: sqlite_utils.Database, shipment_id: int) -> ShipmentEvidence:
    rows = list(db.query("SELECT * FROM shipments WHERE id = ?", [shipment_id]))
    if not rows:
        raise KioskError(_("No shipment {shipment_id}.").format(shipment_id=shipment_id))
    return _evidence(db, rows[0], operator_names(db))


def order_shipments(db: sqlite_utils.Database, order_id: str) -> tuple[ShipmentEvidence, ...]:
    """Every shipment of the order, void ones included, oldest first, each with its evidence."""
    names = operator_names(db)
    return tuple(_evidence(db, row, names)
                 for row in db.query("SELECT * FROM shipments WHERE order_id = ? ORDER BY id", [order_id]))


def _evidence(db: sqlite_utils.Database, shipment: dict, names: dict[str, str]) -> ShipmentEvidence:
    items = {line.line_no: line.description for line in get_lines(db, shipment["order_id"])}
    scans = [
        ScannedItem(row["id"], row["scanned_at"], row["line_no"], items.get(row["line_no"], ""), row["raw_code"],
                    row["quantity"], row["result"], row["operator"], names.get(row["operator"], ""), row["station"])
        for row in db.query(_SCANS_SQL, {"order_id": shipment["order_id"], "shipped_at": shipment["shipped_at"]})
    ]
    labels = tuple(
        LabelRecord(row["id"], row["printer"], row["status"], row["file"], row["created_at"], row["reprint_of"],
                    row["reason"], row["operator"] or "", row["voided_at"] or "")
        for row in db.query("SELECT * FROM print_jobs WHERE shipment_id = ? ORDER BY id", [shipment["id"]])
    )
    return ShipmentEvidence(
        shipment_id=shipment["id"], order_id=shipment["order_id"], carrier=shipment["carrier"],
        service=shipment["service"], tracking_number=shipment["tracking_number"],
        tracking_url=shipment["tracking_url"], package_no=shipment["package_no"],
        package_count=shipment["package_count"], operator=shipment["operator"],
        operator_name=names.get(shipment["operator"], ""), station=shipment["station"],
        shipped_at=shipment["shipped_at"], voided_at=shipment["voided_at"] or "",
        void_reason=shipment["void_reason"],
        items=tuple(scan for scan in scans if scan.result == "accepted"),
        refused=tuple(scan for scan in scans if scan.result != "accepted"),
        labels=labels,
    )
