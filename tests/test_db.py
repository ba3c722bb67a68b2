"""The database contract: pragmas, migrations, the append-only audit log."""

from __future__ import annotations

import sqlite3

import pytest

from kiosk.db import open_database, record_event, transaction
from kiosk.errors import KioskError
from kiosk.schema import SCHEMA_VERSION

TABLES = {"products", "barcodes", "orders", "order_lines", "operators", "claims", "scans",
          "shipments", "print_jobs", "problems", "returns", "handover_notes", "events"}


def test_new_database_has_every_table_and_the_pragmas(tmp_path):
    db = open_database(tmp_path / "new" / "k.db")
    assert set(db.table_names()) >= TABLES
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_events_cannot_be_changed_or_deleted(db):
    with transaction(db) as conn:
        record_event(conn, "test", order_id="SO-1", operator="P001")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("UPDATE events SET kind = 'forged'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("DELETE FROM events")


def test_a_failed_transaction_leaves_nothing(db):
    with pytest.raises(RuntimeError), transaction(db) as conn:
        record_event(conn, "half", order_id="SO-1")
        raise RuntimeError("power cut")
    assert not db.execute("SELECT COUNT(*) FROM events WHERE kind = 'half'").fetchone()[0]


def test_garbage_file_is_refused_with_a_clear_message(tmp_path):
    garbage = tmp_path / "orders.db"
    garbage.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(KioskError, match="is not a kiosk database"):
        open_database(garbage)


def test_database_from_a_newer_kiosk_is_refused(tmp_path):
    path = tmp_path / "k.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(KioskError, match="newer kiosk"):
        open_database(path)


def test_older_schema_is_backed_up_then_migrated(tmp_path, monkeypatch):
    from kiosk import db as db_module

    path = tmp_path / "k.db"
    open_database(path).conn.close()
    # Pretend a later release adds a migration.
    monkeypatch.setattr(db_module, "MIGRATIONS", [*db_module.MIGRATIONS,
                                                  "ALTER TABLE orders ADD COLUMN gift INTEGER;"])
    monkeypatch.setattr(db_module, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    migrated = open_database(path)
    assert "gift" in migrated["orders"].columns_dict
    assert (tmp_path / f"k.db.v{SCHEMA_VERSION}.bak").exists()
