"""Many stations on one database file: 8 processes claim, pack and ship 500 orders at once.

Behind the ``slow`` marker (``pytest -m slow``): it starts real processes that contend for the
write lock, which is what the busy-database waiting in kiosk.db.transaction is for.
"""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from kiosk.audit import verify_chain
from kiosk.claims import claim_order
from kiosk.db import open_database, transaction
from kiosk.errors import KioskError
from kiosk.packing import PackSession
from kiosk.shipping import record_waybill
from tests.conftest import EAN

pytestmark = pytest.mark.slow

PROCESSES = 8
ORDERS = 500


def add_orders(path: Path) -> None:
    db = open_database(path)
    with transaction(db) as conn:
        for number in range(ORDERS):
            order_id = f"C-{number:04d}"
            conn.execute("INSERT INTO orders (order_id, status, recipient_name, country, created_at, paid_at)"
                         " VALUES (?, 'paid', 'Ann Smith', 'GB', '2026-11-26T08:00:00+00:00', ?)",
                         (order_id, f"2026-11-26T08:{number // 60:02d}:{number % 60:02d}+00:00"))
            conn.execute("INSERT INTO order_lines (order_id, line_no, sku, name, colour, size, quantity)"
                         " VALUES (?, 1, 'MUG-01', 'Enamel Mug', '', '', 2)", (order_id,))
    db.conn.close()


def station(path: str, number: int) -> int:
    """Ship paid orders until none is left; returns how many this station shipped."""
    db = open_database(path)
    name, shipped, sequence = f"DESK-{number}", 0, 0
    while True:
        waiting = [row[0] for row in db.execute(
            "SELECT order_id FROM orders WHERE status = 'paid' AND order_id LIKE 'C-%' ORDER BY order_id")]
        if not waiting:
            return shipped
        # Stations start at different places in the queue, and still meet on the same orders.
        order_id = waiting[(number * 7) % len(waiting)]
        try:
            claim_order(db, order_id, "P001", name)
        except KioskError:
            continue  # another station holds it, or shipped it meanwhile
        session = PackSession(db, order_id, "P001", name)
        session.acknowledge_notes()
        while not session.all_verified:
            session.scan(EAN["MUG-01"])
        sequence += 1
        record_waybill(session, f"SF{number:02d}{sequence:011d}", "spool")
        shipped += 1


def test_eight_stations_ship_every_order_exactly_once(db_path):
    add_orders(db_path)
    with multiprocessing.get_context("fork").Pool(PROCESSES) as pool:
        shipped = pool.starmap(station, [(str(db_path), number) for number in range(PROCESSES)])
    assert sum(shipped) == ORDERS
    db = open_database(db_path)
    assert db.execute("SELECT COUNT(*) FROM orders WHERE order_id LIKE 'C-%' AND status != 'shipped'"
                      ).fetchone()[0] == 0
    per_order = db.execute("SELECT COUNT(*) FROM shipments GROUP BY order_id").fetchall()
    assert len(per_order) == ORDERS and set(per_order) == {(1,)}
    assert db.execute("SELECT COUNT(DISTINCT tracking_number) FROM shipments").fetchone()[0] == ORDERS
    over_packed = db.execute(
        "SELECT s.order_id FROM scans s JOIN order_lines l ON l.order_id = s.order_id AND l.line_no = s.line_no"
        " WHERE s.result = 'accepted' AND s.undone_at IS NULL"
        " GROUP BY s.order_id, s.line_no HAVING SUM(s.quantity) > MAX(l.quantity)").fetchall()
    assert over_packed == []
    assert db.execute("SELECT COUNT(*) FROM claims").fetchone()[0] == 0
    assert verify_chain(db.conn).events > ORDERS * 4
    db.conn.close()
