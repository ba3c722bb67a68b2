"""The dispatch log of one busy day, over a year of history, against the bare SQL of its figures.

Run by ``python -m benchmarks`` on a database built by ``benchmarks.dataset`` (a year of shipped
orders with their scans and events). The kiosk figure is ``kiosk.reports.dispatch.dispatch_log``
for the last whole business day, rows and lists included. The floor is one SQL statement that
computes what the log shows of each parcel (time, order, platform, carrier, tracking number,
parcel, packer and name, station, items, units, pack seconds, short, scans and accepted scans by
the same packing-session rule (scans from the claim to the parcel), units reported missing, wrong
or short later), fetches those rows, and adds each packer's and each carrier's totals of them
(parcels, orders, units, scans, accepted scans, units with a later problem). It leaves out what
the kiosk adds on top (local times and carrier names, refused scans by kind, medians, p90, the
leaderboard, the hourly counts, the day's lists). Both run on the same
connection, alternately; the kiosk's rows and packer totals are checked against the floor's, so
both did the same work.
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

# Each parcel of the day as the log shows it: the floor's rows, and the screen floor's table.
PARCELS_CTE = """
WITH day AS MATERIALIZED (
    SELECT s.id, s.shipped_at, s.order_id, s.carrier, s.tracking_number, s.package_no, s.package_count,
        s.operator, s.station, s.package_no >= s.package_count AS completes,
        (SELECT MAX(e.at) FROM events e WHERE e.order_id = s.order_id AND e.kind = 'status_packing'
            AND e.at <= s.shipped_at) AS claimed_at
    FROM shipments s WHERE s.shipped_at >= ? AND s.shipped_at < ? AND s.voided_at IS NULL
), parcels AS MATERIALIZED (
    SELECT d.shipped_at, d.order_id, o.platform, d.carrier, d.tracking_number, d.package_no, d.package_count,
        d.operator, op.name, d.station, d.completes,
        (SELECT COUNT(*) FROM shipment_lines WHERE shipment_id = d.id AND quantity > 0) AS items,
        (SELECT SUM(quantity) FROM shipment_lines WHERE shipment_id = d.id) AS units,
        round((julianday(d.shipped_at) - julianday(d.claimed_at)) * 86400) AS pack_seconds,
        (SELECT SUM(quantity) FROM order_lines WHERE order_id = d.order_id) AS ordered,
        (SELECT COUNT(*) FROM scans sc WHERE sc.order_id = d.order_id
            AND sc.scanned_at >= d.claimed_at AND sc.scanned_at <= d.shipped_at) AS scans,
        (SELECT COUNT(*) FROM scans sc WHERE sc.order_id = d.order_id AND sc.result = 'accepted'
            AND sc.scanned_at >= d.claimed_at AND sc.scanned_at <= d.shipped_at) AS accepted,
        (SELECT SUM(quantity) FROM problems p WHERE p.order_id = d.order_id AND p.reported_at > d.shipped_at
            AND p.kind IN ('missing', 'wrong_item', 'short')) AS problem_units
    FROM day d JOIN orders o ON o.order_id = d.order_id LEFT JOIN operators op ON op.badge = d.operator
)
"""
PARCEL_COLUMNS = """shipped_at, order_id, platform, carrier, tracking_number, package_no, package_count,
    operator, name, station, items, units, pack_seconds, units < ordered, scans, accepted, problem_units"""
FLOOR_SQL = f"""{PARCELS_CTE}
SELECT * FROM (SELECT 'parcel', {PARCEL_COLUMNS} FROM parcels ORDER BY shipped_at)
UNION ALL
SELECT 'packer', operator, COUNT(*), SUM(completes), SUM(CASE WHEN completes THEN units END),
    SUM(CASE WHEN completes THEN scans END), SUM(CASE WHEN completes THEN accepted END),
    SUM(CASE WHEN completes THEN problem_units END), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM parcels GROUP BY operator
UNION ALL
SELECT 'carrier', carrier, COUNT(*), SUM(completes), SUM(CASE WHEN completes THEN units END),
    SUM(CASE WHEN completes THEN scans END), SUM(CASE WHEN completes THEN accepted END),
    SUM(CASE WHEN completes THEN problem_units END), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM parcels GROUP BY carrier
"""


def busy_day(conn: sqlite3.Connection) -> date:
    """The last whole business day of the history (every day of the generated year is as busy)."""
    last = conn.execute("SELECT MAX(shipped_at) FROM shipments").fetchone()[0]
    return business_date_of(datetime.fromisoformat(last), SETTINGS) - timedelta(days=1)


def floor_log(conn: sqlite3.Connection, start: str, end: str) -> tuple[list[tuple], list[tuple]]:
    """(the parcels, oldest first; each packer's totals, by badge). Carrier totals are computed too."""
    result = conn.execute(FLOOR_SQL, [start, end]).fetchall()
    totals = sum(1 for row in result if row[0] != "parcel")
    parcels = result[:len(result) - totals]
    return parcels, sorted(row[1:8] for row in result[len(parcels):] if row[0] == "packer")


def report_figure(path: Path, repeats: int = 5) -> Figure:
    db = open_database(path)
    try:
        day = business_day(busy_day(db.conn), SETTINGS)
        start, end = day.bounds
        # One untimed round: the kiosk's modules imported on first use, both statements prepared.
        dispatch_log(db, VIEWER, day, SETTINGS)
        floor_log(db.conn, start, end)
        kiosk_times, floor_times = [], []
        for _round in range(repeats):
            began = time.perf_counter()
            log = dispatch_log(db, VIEWER, day, SETTINGS)
            kiosk_times.append(time.perf_counter() - began)
            began = time.perf_counter()
            parcels, packers = floor_log(db.conn, start, end)
            floor_times.append(time.perf_counter() - began)
        kiosk = [(t.key, t.parcels, t.orders, t.units, t.scans, t.accepted_scans, t.problem_units)
                 for t in log.by_packer]
        if kiosk != [tuple(value or 0 for value in row) for row in packers]:
            raise AssertionError(f"the dispatch log and the SQL floor disagree: {kiosk} != {packers}")
        shown = [(r.order_id, r.tracking_number, r.units, r.scans, r.accepted_scans) for r in log.rows]
        if shown != [(r[2], r[5], r[12] or 0, r[15] or 0, r[16] or 0) for r in parcels]:
            raise AssertionError("the dispatch log's parcels and the SQL floor's disagree")
        return Figure(
            name="dispatch log of a busy day (median)", unit="ms", value=median(kiosk_times) * 1000,
            floor=median(floor_times) * 1000, target=TARGET, samples=repeats, floor_samples=repeats,
            detail={"day": day.day.isoformat(), "parcels": log.totals.parcels, "orders": log.totals.orders,
                    "scans": log.totals.scans,
                    "history_parcels": db.conn.execute("SELECT COUNT(*) FROM shipments").fetchone()[0]},
        )
    finally:
        db.conn.close()
