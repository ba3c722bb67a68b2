"""Constructed history for report tests: orders, claims, scans and parcels at chosen local times."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlite_utils

from kiosk.reports.day import stamp

LONDON = ZoneInfo("Europe/London")
SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")
NAMES = {"SW-RED-M": ("Merino Sweater", "Red", "M"), "TOTE-BLK": ("Canvas Tote", "Black", ""),
         "MUG-01": ("Enamel Mug", "", ""), "SCARF-RED": ("真丝围巾", "红色", "")}


def at(text: str, zone=LONDON) -> datetime:
    """A local wall time in `zone`, as an aware moment."""
    return datetime.fromisoformat(text).replace(tzinfo=zone)


def event(db: sqlite_utils.Database, when: datetime, kind: str, order_id: str | None, operator: str | None,
          **detail) -> None:
    db.execute("INSERT INTO events (at, kind, order_id, operator, station, detail) VALUES (?, ?, ?, ?, 'DESK-1', ?)",
               [stamp(when), kind, order_id, operator, json.dumps(detail, ensure_ascii=False)])


def put_order(db: sqlite_utils.Database, order_id: str, lines: list[tuple[str, int]], *, paid_at: datetime,
              status: str = "shipped", platform: str = "shopify") -> None:
    db.execute("INSERT INTO orders (order_id, platform, status, paid_at, created_at, recipient_name)"
               " VALUES (?, ?, ?, ?, ?, 'Ann Smith')",
               [order_id, platform, status, stamp(paid_at), stamp(paid_at - timedelta(minutes=5))])
    for line_no, (sku, quantity) in enumerate(lines, 1):
        name, colour, size = NAMES[sku]
        db.execute("INSERT INTO order_lines (order_id, line_no, sku, name, colour, size, quantity)"
                   " VALUES (?, ?, ?, ?, ?, ?, ?)",
                   [order_id, line_no, sku, name, colour, size, quantity])


def put_parcel(db: sqlite_utils.Database, order_id: str, *, packer: str, shipped_at: datetime, tracking: str,
               claimed_at: datetime | None = None, carrier_id: str = "ups", carrier: str = "UPS",
               package: tuple[int, int] = (1, 1), shipped: dict[int, int] | None = None,
               scans: tuple[str, ...] = (), station: str = "DESK-1", voided_at: datetime | None = None) -> int:
    """One parcel; the order's claim, scans (spread between claim and parcel) and lines go with the last."""
    if claimed_at is not None:
        event(db, claimed_at, "status_packing", order_id, packer, previous="paid")
        step = (shipped_at - claimed_at) / (len(scans) + 1)
        for n, result in enumerate(scans, 1):
            db.execute("INSERT INTO scans (order_id, line_no, raw_code, quantity, result, operator, station,"
                       " scanned_at) VALUES (?, 1, 'X', ?, ?, ?, ?, ?)",
                       [order_id, int(result == "accepted"), result, packer, station, stamp(claimed_at + step * n)])
    shipment_id = db.execute(
        "INSERT INTO shipments (order_id, carrier_id, carrier, tracking_number, package_no, package_count, operator,"
        " station, shipped_at, voided_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [order_id, carrier_id, carrier, tracking, package[0], package[1], packer, station, stamp(shipped_at),
         stamp(voided_at) if voided_at else None]).lastrowid
    if package[0] == package[1]:
        lines = shipped if shipped is not None else dict(db.execute(
            "SELECT line_no, quantity FROM order_lines WHERE order_id = ?", [order_id]).fetchall())
        for line_no, quantity in lines.items():
            db.execute("INSERT INTO shipment_lines VALUES (?, ?, ?)", [shipment_id, line_no, quantity])
    return shipment_id


def problem(db: sqlite_utils.Database, order_id: str, kind: str, when: datetime, *, quantity: int = 0,
            status: str = "open", operator: str = "P001", approved_by: str | None = None,
            resolved_at: datetime | None = None, resolved_by: str | None = None) -> None:
    db.execute("INSERT INTO problems (order_id, line_no, kind, quantity, status, operator, reported_at, approved_by,"
               " resolved_at, resolved_by) VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?)",
               [order_id, kind, quantity, status, operator, stamp(when), approved_by,
                stamp(resolved_at) if resolved_at else None, resolved_by])


def busy_day(db: sqlite_utils.Database) -> None:
    """Friday 27 November 2026 in London (UTC+0), day start 05:00; the answers are in the tests."""
    with db.conn:
        # Before the day start: the 26th's.
        put_order(db, "D-01", [("MUG-01", 1)], paid_at=at("2026-11-26T10:00"))
        put_parcel(db, "D-01", packer="P001", claimed_at=at("2026-11-27T04:50"), shipped_at=at("2026-11-27T04:59"),
                   tracking="1Z0000000000000001", scans=("accepted",))
        # At the day start: 2 units, 300 s from claim, a wrong variant scanned; a missing unit found later.
        put_order(db, "D-02", [("SW-RED-M", 2)], paid_at=at("2026-11-26T12:00"))
        put_parcel(db, "D-02", packer="P001", claimed_at=at("2026-11-27T04:55"), shipped_at=at("2026-11-27T05:00"),
                   tracking="1Z0000000000000002", scans=("accepted", "wrong_variant", "accepted"))
        problem(db, "D-02", "missing", at("2026-11-29T09:00"), quantity=1, operator="A001")
        # Late evening, P002, SF Express, 1 unit in 60 s, an unknown code.
        put_order(db, "D-03", [("SCARF-RED", 1)], paid_at=at("2026-11-27T08:00"), platform="taobao")
        put_parcel(db, "D-03", packer="P002", claimed_at=at("2026-11-27T23:58"), shipped_at=at("2026-11-27T23:59"),
                   tracking="SF1234567890123", carrier_id="sf_express", carrier="SF Express",
                   scans=("unknown_code", "accepted"))
        # After midnight, before the day start: still the 27th's. Two parcels, 3 units, 600 s.
        put_order(db, "D-04", [("SW-RED-M", 1), ("TOTE-BLK", 2)], paid_at=at("2026-11-27T09:00"))
        put_parcel(db, "D-04", packer="P001", shipped_at=at("2026-11-28T00:25"), tracking="1Z0000000000000041",
                   package=(1, 2))
        put_parcel(db, "D-04", packer="P001", claimed_at=at("2026-11-28T00:20"), shipped_at=at("2026-11-28T00:30"),
                   tracking="1Z0000000000000042", package=(2, 2),
                   scans=("accepted", "accepted", "accepted", "line_complete"))
        # Shipped short (1 of 2 mugs) with a supervisor's approval.
        put_order(db, "D-05", [("MUG-01", 2)], paid_at=at("2026-11-27T09:00"))
        problem(db, "D-05", "damaged", at("2026-11-27T13:00"), quantity=1, status="approved_short",
                approved_by="S001")
        put_parcel(db, "D-05", packer="P002", claimed_at=at("2026-11-27T12:58"), shipped_at=at("2026-11-27T13:10"),
                   tracking="1Z0000000000000005", shipped={1: 1}, scans=("accepted",))
        # Shipped and voided the same day: not shipped, listed as a void.
        put_order(db, "D-06", [("MUG-01", 1)], paid_at=at("2026-11-27T09:00"), status="paid")
        voided = put_parcel(db, "D-06", packer="P002", claimed_at=at("2026-11-27T14:00"),
                            shipped_at=at("2026-11-27T14:05"), tracking="1Z0000000000000006",
                            voided_at=at("2026-11-27T15:00"), scans=("accepted",))
        event(db, at("2026-11-27T15:00"), "shipment_voided", "D-06", "S001", shipment_ids=[voided],
              tracking_numbers=["1Z0000000000000006"], reason="wrong address")
        event(db, at("2026-11-27T13:30"), "label_reprinted", "D-05", "S001", job_id=9, reason="label smudged")
        event(db, at("2026-11-27T11:00"), "status_on_hold", "SO-5", "P002", reason="address check")
        # On the 28th after its day start.
        put_order(db, "D-07", [("MUG-01", 1)], paid_at=at("2026-11-27T09:00"))
        put_parcel(db, "D-07", packer="P002", claimed_at=at("2026-11-28T05:00"), shipped_at=at("2026-11-28T05:01"),
                   tracking="1Z0000000000000007", scans=("accepted",))
        # Paid, not shipped: late after 24 h (shopify) or 48 h (taobao).
        put_order(db, "W-01", [("MUG-01", 1)], paid_at=at("2026-11-26T06:00"), status="paid")
        put_order(db, "W-02", [("MUG-01", 1)], paid_at=at("2026-11-26T06:00"), status="paid", platform="taobao")
        put_order(db, "W-03", [("MUG-01", 1)], paid_at=at("2026-11-27T07:00"), status="on_hold")
        put_order(db, "W-04", [("MUG-01", 1)], paid_at=at("2026-11-25T06:00"), status="paid", platform="taobao")
