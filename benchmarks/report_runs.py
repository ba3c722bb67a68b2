"""The dispatch log of one busy day, over a year of history, against the bare SQL aggregate of its figures.

Not part of the default run yet: call `report_figure(path)` on a database built by
`benchmarks.dataset` (a year of shipped orders with their scans and events). The kiosk figure is
`kiosk.reports.dispatch.dispatch_log` for the busiest recent business day, rows and lists included;
the floor is one SQL statement that computes the same orders, parcels, units, scans and accepted
scans per packer (the same packing-session rule: scans from the claim to the parcel). Both run on
the same connection, alternately; the kiosk's totals are checked against the floor's, so both did
the same work.
"""

from __future__ import annotations

import sqlite3
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from benchmarks.report import Figure, median
from kiosk.auth import Operator
from kiosk.db import open_database
from kiosk.reports.day import business_date_of, business_day
from kiosk.reports.dispatch import dispatch_log
from kiosk.reports.settings import ReportSettings

TARGET = 1.5
SETTINGS = ReportSettings(zone=ZoneInfo("UTC"))
VIEWER = Operator("BENCH", "benchmark", "supervisor")

FLOOR_SQL = """
WITH day AS (
    SELECT s.id, s.order_id, s.operator, s.shipped_at, s.package_no >= s.package_count AS completes,
        (SELECT MAX(e.at) FROM events e WHERE e.order_id = s.order_id AND e.kind = 'status_packing'
            AND e.at <= s.shipped_at) AS claimed_at
    FROM shipments s WHERE s.shipped_at >= ? AND s.shipped_at < ? AND s.voided_at IS NULL
)
SELECT d.operator, COUNT(*) AS parcels, SUM(d.completes) AS orders,
    SUM(CASE WHEN d.completes THEN (SELECT SUM(quantity) FROM shipment_lines WHERE shipment_id = d.id) END) AS units,
    SUM(CASE WHEN d.completes THEN (SELECT COUNT(*) FROM scans sc WHERE sc.order_id = d.order_id
        AND sc.scanned_at >= d.claimed_at AND sc.scanned_at <= d.shipped_at) END) AS scans,
    SUM(CASE WHEN d.completes THEN (SELECT COUNT(*) FROM scans sc WHERE sc.order_id = d.order_id
        AND sc.result = 'accepted' AND sc.scanned_at >= d.claimed_at AND sc.scanned_at <= d.shipped_at) END)
        AS accepted
FROM day d GROUP BY d.operator ORDER BY d.operator
"""


def busy_day(conn: sqlite3.Connection) -> date:
    """The last whole business day of the history (every day of the generated year is as busy)."""
    last = conn.execute("SELECT MAX(shipped_at) FROM shipments").fetchone()[0]
    return business_date_of(datetime.fromisoformat(last), SETTINGS) - timedelta(days=1)


def floor_totals(conn: sqlite3.Connection, start: str, end: str) -> list[tuple]:
    return conn.execute(FLOOR_SQL, [start, end]).fetchall()


def report_figure(path: Path, repeats: int = 5) -> Figure:
    db = open_database(path)
    try:
        day = business_day(busy_day(db.conn), SETTINGS)
        start, end = day.bounds
        kiosk_times, floor_times = [], []
        for _round in range(repeats):
            began = time.perf_counter()
            log = dispatch_log(db, VIEWER, day, SETTINGS)
            kiosk_times.append(time.perf_counter() - began)
            began = time.perf_counter()
            floor = floor_totals(db.conn, start, end)
            floor_times.append(time.perf_counter() - began)
        kiosk = [(t.key, t.parcels, t.orders, t.units, t.scans, t.accepted_scans) for t in log.by_packer]
        if kiosk != [tuple(value or 0 for value in row) for row in floor]:
            raise AssertionError(f"the dispatch log and the SQL aggregate disagree: {kiosk} != {floor}")
        return Figure(
            name="dispatch log of a busy day (median)", unit="ms", value=median(kiosk_times) * 1000,
            floor=median(floor_times) * 1000, target=TARGET, samples=repeats, floor_samples=repeats,
            detail={"day": day.day.isoformat(), "parcels": log.totals.parcels, "orders": log.totals.orders,
                    "scans": log.totals.scans,
                    "history_parcels": db.conn.execute("SELECT COUNT(*) FROM shipments").fetchone()[0]},
        )
    finally:
        db.conn.close()
