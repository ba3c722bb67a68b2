"""The dispatch log's SQL figures against a plain recomputation, parcel by parcel, on random days.

The log works out each row in one SQL statement (pack times rounded half to even, local times by
the day's UTC offsets, scans of the packing session) and sums groups with C loops; here every
figure is recomputed the slow, obvious way in Python and must come out the same.
"""

from __future__ import annotations

import math
import random
import statistics
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta

import pytest

from kiosk.auth import Operator
from kiosk.carriers import carrier_name
from kiosk.reports.day import business_day, stamp
from kiosk.reports.dispatch import ORDER_SIZES, dispatch_log, row_dict
from kiosk.reports.settings import ReportSettings
from tests.report_data import LONDON, NEW_YORK, SHANGHAI, at, problem, put_order

SUPERVISOR = Operator("S001", "Zhang Min", "supervisor")
CARRIERS = [("ups", "UPS"), ("sf_express", "SF Express"), ("", "Local Courier"), ("gone_carrier", "Old Post")]
RESULTS = ["accepted"] * 6 + ["wrong_variant", "unknown_code", "line_complete"]
SKUS = ["SW-RED-M", "TOTE-BLK", "MUG-01", "SCARF-RED"]


def random_day(db, rng: random.Random, first: datetime, hours: int) -> None:
    """Orders packed and shipped at random moments (milliseconds, .500 seconds included)."""
    with db.conn:
        for n in range(60):
            order_id = f"R-{n:03d}"
            lines = [(sku, rng.choice([1, 1, 2, 3, 5])) for sku in rng.sample(SKUS, rng.randint(1, 3))]
            put_order(db, order_id, lines, paid_at=first - timedelta(hours=30))
            shipped = first + timedelta(milliseconds=rng.randrange(hours * 3_600_000))
            claimed = shipped - timedelta(seconds=rng.randint(20, 900), milliseconds=rng.choice([0, 500, 499, 501]))
            packer = rng.choice(["P001", "P002"])
            carrier_id, carrier = rng.choice(CARRIERS)
            parcels = rng.choice([1, 1, 1, 2])
            for package in range(1, parcels + 1):
                last = package == parcels
                when = shipped + timedelta(seconds=package)
                lines_shipped = None
                if last and rng.random() < 0.2:  # short, or recorded before shipment lines existed
                    lines_shipped = {1: 0} if rng.random() < 0.5 else {}
                if last:
                    db.execute("INSERT INTO events (at, kind, order_id, operator, station, detail)"
                               " VALUES (?, 'status_packing', ?, ?, 'DESK-1', '{}')",
                               [stamp(claimed), order_id, packer])
                for _scan in range(rng.randint(0, 5) if last else 0):
                    moment = claimed + (when - claimed) * rng.random()
                    db.execute("INSERT INTO scans (order_id, line_no, raw_code, quantity, result, operator, station,"
                               " scanned_at) VALUES (?, 1, 'X', 1, ?, ?, 'DESK-1', ?)",
                               [order_id, rng.choice(RESULTS), packer, stamp(moment)])
                shipment = db.execute(
                    "INSERT INTO shipments (order_id, carrier_id, carrier, tracking_number, package_no, package_count,"
                    " operator, station, shipped_at, voided_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [order_id, carrier_id, carrier, f"T{n:03d}{package}", package, parcels, packer,
                     rng.choice(["DESK-1", "DESK-2"]), stamp(when),
                     stamp(when) if rng.random() < 0.05 else None]).lastrowid
                if last and lines_shipped != {}:
                    for line_no, (_sku, quantity) in enumerate(lines, 1):
                        shipped_quantity = (lines_shipped or {}).get(line_no, quantity)
                        db.execute("INSERT INTO shipment_lines VALUES (?, ?, ?)", [shipment, line_no, shipped_quantity])
            if rng.random() < 0.15:
                problem(db, order_id, rng.choice(["missing", "wrong_item", "damaged"]), shipped + timedelta(days=1),
                        quantity=rng.choice([0, 1, 9]))


def plain_rows(db, day, settings) -> list[dict]:
    """Each live parcel of the day, worked out one query at a time."""
    start, end = day.bounds
    rows = []
    for s in db.query("SELECT * FROM shipments WHERE shipped_at >= ? AND shipped_at < ? AND voided_at IS NULL"
                      " ORDER BY shipped_at, id", [start, end]):
        complete = s["package_no"] >= s["package_count"]
        ordered = db.execute("SELECT COUNT(*), SUM(quantity) FROM order_lines WHERE order_id = ?",
                             [s["order_id"]]).fetchone()
        shipped_lines = db.execute("SELECT COUNT(*), SUM(quantity), SUM(quantity > 0) FROM shipment_lines"
                                   " WHERE shipment_id = ?", [s["id"]]).fetchone()
        if shipped_lines[0]:
            items, units = shipped_lines[2], shipped_lines[1]
        else:
            items, units = ordered[0], ordered[1]
        claimed = db.execute("SELECT MAX(at) FROM events WHERE order_id = ? AND kind = 'status_packing' AND at <= ?",
                             [s["order_id"], s["shipped_at"]]).fetchone()[0]
        shipped = datetime.fromisoformat(s["shipped_at"])
        pack_seconds, results = None, []
        if complete and claimed:
            pack_seconds = round((shipped - datetime.fromisoformat(claimed)).total_seconds())
            results = [r[0] for r in db.execute("SELECT result FROM scans WHERE order_id = ? AND scanned_at >= ?"
                                                " AND scanned_at <= ?", [s["order_id"], claimed, s["shipped_at"]])]
        faults = sum(p["quantity"] if p["quantity"] > 0 else ordered[1] for p in db.query(
            "SELECT quantity FROM problems WHERE order_id = ? AND reported_at > ? AND kind IN"
            " ('missing', 'wrong_item', 'short')", [s["order_id"], s["shipped_at"]]))
        units = units if complete else 0
        refused = Counter(r for r in results if r != "accepted")
        rows.append({
            "shipment_id": s["id"], "shipped_at": s["shipped_at"],
            "local_time": shipped.astimezone(settings.zone).isoformat(timespec="seconds"),
            "order_id": s["order_id"], "platform": "shopify",
            "carrier": carrier_name(s["carrier_id"], s["carrier"]) if s["carrier_id"] else s["carrier"],
            "carrier_key": s["carrier_id"] or s["carrier"], "tracking_number": s["tracking_number"],
            "package_no": s["package_no"], "package_count": s["package_count"], "packer": s["operator"],
            "packer_name": {"P001": "Li Wei", "P002": "Wang Fang"}.get(s["operator"], s["operator"]),
            "station": s["station"], "completes_order": complete, "items": items if complete else 0,
            "units": units, "ordered_units": ordered[1] if complete else 0, "pack_seconds": pack_seconds,
            "short": complete and units < ordered[1], "scans": len(results),
            "accepted_scans": results.count("accepted"), "refused": dict(sorted(refused.items())),
            "problem_units": min(faults, units) if complete else 0,
        })
    return rows


def per_item(rows: list[dict]) -> list[float]:
    return [r["pack_seconds"] / r["units"] for r in rows
            if r["completes_order"] and r["pack_seconds"] is not None and r["units"] > 0]


def plain_totals(rows: list[dict]) -> tuple:
    times = sorted(per_item(rows))
    p90 = times[max(math.ceil(0.9 * len(times)) - 1, 0)] if times else None
    return (sum(r["completes_order"] for r in rows), len(rows), sum(r["units"] for r in rows),
            sum(r["scans"] for r in rows), sum(r["accepted_scans"] for r in rows),
            sum((Counter(r["refused"]) for r in rows), Counter()), sum(r["problem_units"] for r in rows),
            round(statistics.median(times), 1) if times else None, None if p90 is None else round(p90, 1))


def log_totals(totals) -> tuple:
    return (totals.orders, totals.parcels, totals.units, totals.scans, totals.accepted_scans,
            Counter(totals.refused), totals.problem_units, totals.median_seconds_per_item,
            totals.p90_seconds_per_item)


@pytest.mark.parametrize(("seed", "zone", "day", "first"), [
    (1, LONDON, date(2026, 11, 27), "2026-11-27T04:00"),
    (2, SHANGHAI, date(2026, 11, 27), "2026-11-27T04:00"),
    # New York's daylight-saving days: 23 and 25 hours, parcels on both sides of the change.
    (3, NEW_YORK, date(2026, 3, 7), "2026-03-07T04:00"),
    (4, NEW_YORK, date(2026, 10, 31), "2026-10-31T04:00"),
])
def test_the_log_equals_a_plain_recomputation(db, seed, zone, day, first):
    with db.conn:
        db.execute("INSERT OR REPLACE INTO operators (badge, name, role, pin_hash) VALUES"
                   " ('P001', 'Li Wei', 'packer', 'x'), ('P002', 'Wang Fang', 'packer', 'x')")
    random_day(db, random.Random(seed), at(first, zone), 27)
    settings = ReportSettings(zone=zone)
    business = business_day(day, settings)
    log = dispatch_log(db, SUPERVISOR, business, settings, now=at("2026-12-05T12:00"))
    rows = plain_rows(db, business, settings)

    assert len(rows) > 30
    assert [row_dict(row) for row in log.rows] == rows
    assert log_totals(log.totals) == plain_totals(rows)
    for groups, key in ((log.by_packer, "packer"), (log.by_carrier, "carrier_key")):
        members = defaultdict(list)
        for row in rows:
            members[row[key]].append(row)
        assert [group.key for group in groups] == sorted(members)
        assert [log_totals(group) for group in groups] == [plain_totals(members[k]) for k in sorted(members)]
    hours = Counter()
    for row in rows:
        if row["completes_order"]:
            local = datetime.fromisoformat(row["shipped_at"]).astimezone(zone)
            hours[(local.strftime("%H:00"), row["carrier"])] += 1
    # Summed by label: the hour repeated when the clocks go back counts under one label here.
    assert sum((Counter({(h.hour, carrier): n for carrier, n in h.orders.items()}) for h in log.hourly),
               Counter()) == hours
    assert sum(sum(h.orders.values()) for h in log.hourly) == log.totals.orders
    board = defaultdict(list)
    for row in rows:
        for value in per_item([row]):
            size = next(label for label, low, high in ORDER_SIZES
                        if row["units"] >= low and (high is None or row["units"] <= high))
            board[(size, row["packer"])].append(value)
    assert {(e.size, e.packer): (e.orders, e.median_seconds_per_item) for e in log.leaderboard} == {
        key: (len(values), round(statistics.median(values), 1)) for key, values in board.items()}
