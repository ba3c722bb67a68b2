"""What must hold in a kiosk database whatever happened to the stations writing it (races, kills)."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlite_utils

from kiosk.audit import verify_chain
from kiosk.db import transaction


def loops(short: int, long: int) -> list:
    """Parameters for a test run ``short`` times in the default suite and ``long`` times behind ``slow``."""
    return [pytest.param(short, id=f"{short}x"), pytest.param(long, id=f"{long}x", marks=pytest.mark.slow)]


def add_orders(db: sqlite_utils.Database, prefix: str, count: int, quantity: int = 2, first: int = 0) -> list[str]:
    """``count`` paid orders of ``quantity`` mugs numbered from ``first``, oldest first by number;
    returns their ids."""
    ids = {f"{prefix}-{number:05d}": number for number in range(first, first + count)}
    with transaction(db) as conn:
        for order_id, number in ids.items():
            conn.execute("INSERT INTO orders (order_id, status, recipient_name, country, created_at, paid_at)"
                         " VALUES (?, 'paid', 'Ann Smith', 'GB', '2026-11-26T08:00:00+00:00', ?)",
                         (order_id, f"2026-11-26T{8 + number // 3600:02d}:{number // 60 % 60:02d}:"
                                    f"{number % 60:02d}+00:00"))
            conn.execute("INSERT INTO order_lines (order_id, line_no, sku, name, colour, size, quantity)"
                         " VALUES (?, 1, 'MUG-01', 'Enamel Mug', '', '', ?)", (order_id, quantity))
    return list(ids)


def violations(db: sqlite_utils.Database, spool: Path | None = None) -> list[str]:
    """Every broken invariant, in words (empty when all hold)."""
    found = []
    integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
    if integrity != "ok":
        found.append(f"integrity_check: {integrity}")
    try:
        verify_chain(db.conn)
    except Exception as error:  # noqa: BLE001 - reported as a violation
        found.append(f"audit chain: {error}")
    queries = {
        "shipped without a tracking number": (
            "SELECT order_id FROM orders o WHERE status = 'shipped' AND NOT EXISTS (SELECT 1 FROM shipments s"
            " WHERE s.order_id = o.order_id AND s.voided_at IS NULL AND s.tracking_number != '')"),
        "shipped twice": (
            "SELECT order_id FROM shipments WHERE voided_at IS NULL GROUP BY order_id, package_no HAVING COUNT(*) > 1"),
        "tracking number used twice": (
            "SELECT tracking_number FROM shipments WHERE voided_at IS NULL GROUP BY tracking_number"
            " HAVING COUNT(*) > 1"),
        "line over-packed": (
            "SELECT s.order_id FROM scans s JOIN order_lines l ON l.order_id = s.order_id AND l.line_no = s.line_no"
            " WHERE s.result = 'accepted' AND s.undone_at IS NULL"
            " GROUP BY s.order_id, s.line_no HAVING SUM(s.quantity) > MAX(l.quantity)"),
        "scans counted for an order nobody holds": (
            "SELECT DISTINCT s.order_id FROM scans s JOIN orders o ON o.order_id = s.order_id"
            " WHERE s.result = 'accepted' AND s.undone_at IS NULL AND o.status IN ('paid', 'packing')"
            " AND NOT EXISTS (SELECT 1 FROM claims c WHERE c.order_id = s.order_id)"),
        "claim of an order not being packed": (
            "SELECT c.order_id FROM claims c JOIN orders o ON o.order_id = c.order_id WHERE o.status != 'packing'"),
    }
    for what, sql in queries.items():
        rows = [row[0] for row in db.execute(sql).fetchall()]
        if rows:
            found.append(f"{what}: {rows[:5]}")
    if spool is not None:
        found += _spool_violations(db, spool)
    return found


def _spool_violations(db: sqlite_utils.Database, spool: Path) -> list[str]:
    found = []
    for (job_id, file) in db.execute("SELECT id, file FROM print_jobs WHERE status = 'sent'").fetchall():
        if not file or not Path(file).is_file():
            found.append(f"job {job_id} marked sent without its file {file!r}")
    committed = {f"{order_id}-{tracking}" for order_id, tracking in
                 db.execute("SELECT order_id, tracking_number FROM shipments").fetchall()}
    if spool.is_dir():
        for path in spool.iterdir():
            if path.name.endswith(".tmp"):
                found.append(f"temporary file left: {path.name}")
            elif path.stem not in committed:
                found.append(f"label file without a committed shipment: {path.name}")
    return found
