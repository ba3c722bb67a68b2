"""The database contract: pragmas, migrations, the append-only audit log."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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


def status_counts(db) -> dict[str, int]:
    kept = dict(db.execute("SELECT status, orders FROM order_status_counts WHERE orders > 0").fetchall())
    counted = dict(db.execute("SELECT status, COUNT(*) FROM orders GROUP BY status").fetchall())
    assert kept == counted
    return kept


STATUSES = ["awaiting_payment", "paid", "packing", "shipped", "on_hold", "cancelled"]


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["insert", "update", "delete"]), st.integers(0, 7),
                          st.sampled_from(STATUSES)), max_size=40))
def test_order_counts_follow_every_insert_status_change_and_delete(tmp_path_factory, steps):
    db = open_database(tmp_path_factory.mktemp("counts") / "k.db")
    for action, number, status in steps:
        order_id = f"T-{number}"
        with transaction(db) as conn:
            if action == "insert":
                conn.execute("INSERT OR IGNORE INTO orders (order_id, status, created_at) VALUES (?, ?, '2026-11-27')",
                             [order_id, status])
            elif action == "update":
                conn.execute("UPDATE orders SET status = ?, buyer_note = 'x' WHERE order_id = ?", [status, order_id])
            else:
                conn.execute("DELETE FROM orders WHERE order_id = ?", [order_id])
        status_counts(db)
    db.conn.close()


def test_a_queue_of_the_seed_data_counts_its_paid_orders(db):
    from kiosk.order_queue import queue_length

    assert status_counts(db)["paid"] == queue_length(db) == 3


def test_migrating_a_version_4_database_counts_the_orders_it_has(tmp_path, monkeypatch):
    from kiosk import db as db_module

    path = tmp_path / "k.db"
    with monkeypatch.context() as patch:
        patch.setattr(db_module, "MIGRATIONS", db_module.MIGRATIONS[:4])
        patch.setattr(db_module, "SCHEMA_VERSION", 4)
        old = open_database(path)
        with transaction(old) as conn:
            for n, status in enumerate(["paid", "paid", "shipped", "cancelled", "paid"]):
                conn.execute("INSERT INTO orders (order_id, status, created_at) VALUES (?, ?, '2026-11-27')",
                             [f"OLD-{n}", status])
        old.conn.close()
    migrated = open_database(path)
    assert status_counts(migrated) == {"paid": 3, "shipped": 1, "cancelled": 1}
    assert (tmp_path / "k.db.v4.bak").exists()


def test_a_window_reaching_past_year_one_covers_every_stored_time():
    from datetime import timedelta

    from kiosk.db import utc_before, utcnow

    assert utc_before(timedelta(days=10**6)) < "2000-01-01" < utc_before(timedelta(days=1)) < utcnow()


# -- errors that are not the user's fault ------------------------------------------


def test_a_failing_commit_rolls_back_and_the_next_transaction_works(db):
    """A deferred foreign key is checked at COMMIT: the COMMIT raises, and must not leave the
    connection inside the transaction."""
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"), transaction(db) as conn:
        conn.execute("PRAGMA defer_foreign_keys = ON")
        conn.execute("INSERT INTO claims VALUES ('NO-SUCH-ORDER', 'P001', 'DESK-1', 'x', 'x')")
        record_event(conn, "claimed", order_id="NO-SUCH-ORDER")
    assert not db.conn.in_transaction
    with transaction(db) as conn:
        record_event(conn, "after", order_id="SO-1")
    assert db.execute("SELECT kind FROM events").fetchall() == [("after",)]


def test_a_full_disk_is_refused_with_a_message_and_nothing_written(db):
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(KioskError, match="The disk is full: nothing was saved"), transaction(db) as conn:
        record_event(conn, "before_full", order_id="SO-1")
        conn.execute("INSERT INTO handover_notes (shift, author, text, written_at) VALUES ('d', 'P001', ?, 'x')",
                     ["x" * 200_000])
    assert not db.conn.in_transaction
    assert not db.execute("SELECT COUNT(*) FROM events").fetchone()[0]


def test_text_with_a_lone_surrogate_is_refused_and_nothing_written(db):
    with pytest.raises(KioskError, match="not valid text: nothing was saved"), transaction(db) as conn:
        record_event(conn, "ok", order_id="SO-1")
        record_event(conn, "scan", order_id="SO-1", code="12\udcff34")
    assert not db.execute("SELECT COUNT(*) FROM events").fetchone()[0]


@pytest.fixture
def locked_by_another_station(db_path):
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    yield other
    if other.in_transaction:
        other.execute("ROLLBACK")
    other.close()


def test_a_busy_database_is_waited_for_with_short_pauses_then_growing_ones(db, locked_by_another_station,
                                                                           monkeypatch):
    from kiosk import db as db_module

    db.execute("PRAGMA busy_timeout = 0")
    now = [0.0]
    waits = []

    def other_station_finishes_after_two_seconds(seconds: float) -> None:
        waits.append((now[0], seconds))
        now[0] += seconds
        if now[0] >= 2.0 and locked_by_another_station.in_transaction:
            locked_by_another_station.execute("COMMIT")

    monkeypatch.setattr(db_module, "_clock", lambda: now[0])
    monkeypatch.setattr(db_module, "_pause", other_station_finishes_after_two_seconds)
    with transaction(db) as conn:
        record_event(conn, "after_wait", order_id="SO-1")
    # About a millisecond apart for the first second (a commit takes a few), then further apart.
    assert all(pause <= db_module._PAUSE for at, pause in waits if at < db_module._SHORT_PAUSES_FOR)
    later = [pause for at, pause in waits if at >= db_module._SHORT_PAUSES_FOR + 0.1]
    assert later and max(later) > 100 * db_module._PAUSE
    assert db.execute("SELECT COUNT(*) FROM events WHERE kind = 'after_wait'").fetchone()[0] == 1


def test_a_database_busy_for_too_long_is_refused_with_a_message(db, locked_by_another_station, monkeypatch):
    from kiosk import db as db_module

    db.execute("PRAGMA busy_timeout = 0")
    monkeypatch.setattr(db_module, "BUSY_GIVE_UP_SECONDS", 0.0)
    with pytest.raises(KioskError, match="The database is busy .*: nothing was saved, try again"), \
            transaction(db) as conn:
        record_event(conn, "never", order_id="SO-1")
    assert not db.conn.in_transaction
    locked_by_another_station.execute("ROLLBACK")
    with transaction(db) as conn:
        record_event(conn, "later", order_id="SO-1")


@pytest.mark.parametrize("special", ["/dev/null", "/dev/zero"])
def test_a_device_is_refused_as_a_database(special):
    with pytest.raises(KioskError, match="is not a regular file"):
        open_database(special)
