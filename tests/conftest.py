"""Shared fixtures: a small, fully known database for core and screen tests."""

from __future__ import annotations

import functools
import os
import tempfile
from pathlib import Path

import pytest
import sqlite_utils
from hypothesis import settings

from fixtures.load import create_demo_database
from kiosk.auth import hash_pin
from kiosk.config import Config
from kiosk.db import open_database, transaction
from kiosk.i18n import set_language

# The shared Pilot helpers assert what a packer would see; their failures should say what was there.
pytest.register_assert_rewrite("tests.pilot")

# Property tests write durable transactions: their time is the disk's, and the suite asserts no
# timings (speed is measured in benchmarks/), so hypothesis's per-example deadline is off.
settings.register_profile("kiosk", deadline=None)
settings.load_profile("kiosk")

# PIN hashes mix in a pepper file: one for the whole session (hashes are cached below), never the
# user's own config folder.
os.environ.setdefault("KIOSK_PEPPER_FILE", str(Path(tempfile.mkdtemp(prefix="kiosk-pepper-")) / "pin-pepper"))

# (sku, style, name, colour, size, ean)
PRODUCTS = [
    ("SW-RED-M", "SW", "Merino Sweater", "Red", "M", "6901234500011"),
    ("SW-BLU-M", "SW", "Merino Sweater", "Blue", "M", "6901234500028"),
    ("SW-RED-L", "SW", "Merino Sweater", "Red", "L", "6901234500035"),
    ("TOTE-BLK", "TOTE", "Canvas Tote", "Black", "", "6901234500042"),
    ("MUG-01", "MUG", "Enamel Mug", "", "", "6901234500059"),
    ("SCARF-RED", "SCARF", "真丝围巾", "红色", "", "6901234500066"),
]
SECOND_BARCODES = [("INT-00017", "TOTE-BLK", "internal")]

# order id -> (status, lines [(sku, qty)], extra columns)
ORDERS = {
    "SO-1": ("paid", [("SW-RED-M", 2), ("TOTE-BLK", 1)], {"paid_at": "2026-11-27T08:00:00.000+00:00"}),
    "SO-2": ("paid", [("MUG-01", 1)], {"buyer_note": "Please ship with UPS",
                                        "seller_note": "Gift wrap",
                                        "paid_at": "2026-11-27T07:00:00.000+00:00"}),
    "SO-3": ("awaiting_payment", [("MUG-01", 1)], {}),
    "SO-4": ("cancelled", [("MUG-01", 1)], {}),
    "SO-5": ("on_hold", [("MUG-01", 1)], {"hold_reason": "address check"}),
    "SO-6": ("paid", [("SCARF-RED", 1)], {"recipient_name": "张伟", "province": "新疆",
                                         "country": "CN", "priority": 1,
                                         "paid_at": "2026-11-27T09:00:00.000+00:00"}),
}
OPERATORS = [("P001", "Li Wei", "packer", "1234"), ("P002", "Maria Lopez", "packer", "4321"),
             ("S001", "Zhang Min", "supervisor", "9999")]


@functools.cache
def _pin_hash(pin: str) -> str:
    return hash_pin(pin)


def seed(db: sqlite_utils.Database) -> None:
    with transaction(db):
        for badge, name, role, pin in OPERATORS:
            db.execute("INSERT INTO operators (badge, name, role, pin_hash) VALUES (?, ?, ?, ?)",
                       [badge, name, role, _pin_hash(pin)])
        for sku, style, name, colour, size, ean in PRODUCTS:
            db.execute("INSERT INTO products (sku, style_id, name, colour, size) VALUES (?,?,?,?,?)",
                       [sku, style, name, colour, size])
            db.execute("INSERT INTO barcodes (code, sku) VALUES (?, ?)", [ean, sku])
        for code, sku, kind in SECOND_BARCODES:
            db.execute("INSERT INTO barcodes (code, sku, kind) VALUES (?, ?, ?)", [code, sku, kind])
        names = {p[0]: p for p in PRODUCTS}
        for order_id, (status, lines, extra) in ORDERS.items():
            row = {"order_id": order_id, "status": status, "recipient_name": "Ann Smith",
                   "city": "Leeds", "country": "GB", "created_at": "2026-11-26T08:00:00.000+00:00"}
            row.update(extra)
            cols = ", ".join(row)
            db.execute(f"INSERT INTO orders ({cols}) VALUES ({', '.join('?' * len(row))})",
                       list(row.values()))
            for line_no, (sku, qty) in enumerate(lines, 1):
                _, _, name, colour, size, _ = names[sku]
                db.execute("INSERT INTO order_lines (order_id, line_no, sku, name, colour, size, quantity)"
                           " VALUES (?, ?, ?, ?, ?, ?, ?)",
                           [order_id, line_no, sku, name, colour, size, qty])


EAN = {p[0]: p[5] for p in PRODUCTS}


@pytest.fixture(autouse=True)
def english():
    """Every test starts in English and leaves the process in English (the language is global)."""
    set_language("en")
    yield
    set_language("en")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "kiosk.db"
    db = open_database(path)
    seed(db)
    db.conn.close()
    return path


@pytest.fixture
def db(db_path: Path) -> sqlite_utils.Database:
    database = open_database(db_path)
    yield database
    database.conn.close()


@pytest.fixture
def similar(db: sqlite_utils.Database) -> sqlite_utils.Database:
    """The search tests' orders (tests/test_lookup.py's SIMILAR): 张伟, 张伟华, 王伟, 张三丰 and Latin
    names, phones and tracking numbers close to each other; the seed's own names out of their way."""
    from tests.test_lookup import SIMILAR, add_order

    with transaction(db) as conn:
        conn.execute("UPDATE orders SET recipient_name = 'Seed Person'")
    for order_id, values in SIMILAR.items():
        add_order(db, order_id, *values)
    return db


@pytest.fixture
def config(tmp_path: Path, db_path: Path) -> Config:
    return Config(station="DESK-1", database=db_path, spool_dir=tmp_path / "spool",
                  idle_lock_seconds=0)


@pytest.fixture
def demo_db(tmp_path: Path) -> Path:
    """A fresh demo database file, as fixtures/load.py builds it."""
    return create_demo_database(tmp_path / "demo.db")
