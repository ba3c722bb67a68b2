"""The audit log's hash chain: a changed, deleted, inserted or cut-off event is caught.

The tampering tests drop the append-only triggers first, as someone holding the database file
would.
"""

from __future__ import annotations

import sqlite3

import pytest

from kiosk import db as db_module
from kiosk.audit import EVENT_COLUMNS, GENESIS, BrokenChain, chain_head, event_hash, verify_chain
from kiosk.auth import approve_as_supervisor, has_recent_approval
from kiosk.db import open_database, record_event, transaction, utcnow
from kiosk.schema import MIGRATIONS, SCHEMA_VERSION


def write_events(db, count: int = 10) -> None:
    for number in range(count):
        with transaction(db) as conn:
            record_event(conn, "shipped", order_id=f"SO-{number}", operator="P001", station="DESK-1",
                         tracking=f"1Z{number:06d}")


def drop_triggers(db) -> None:
    db.execute("DROP TRIGGER events_no_update")
    db.execute("DROP TRIGGER events_no_delete")


def event_ids(db) -> list[int]:
    return [row[0] for row in db.execute("SELECT id FROM events ORDER BY id")]


def test_an_untouched_log_holds_and_its_head_is_the_newest_hash(db):
    write_events(db)
    status = verify_chain(db.conn)
    assert status.events == len(event_ids(db))
    assert status.head == chain_head(db.conn) != GENESIS


def test_each_event_seals_the_one_before(db):
    write_events(db, 3)
    rows = db.execute(f"SELECT {EVENT_COLUMNS}, hash FROM events ORDER BY id").fetchall()
    previous = GENESIS
    for row in rows:
        assert row[-1] == event_hash(previous, row[:-1])
        previous = row[-1]


def test_a_changed_event_is_caught(db):
    write_events(db)
    target = event_ids(db)[4]
    drop_triggers(db)
    db.execute("UPDATE events SET detail = '{\"tracking\": \"FORGED\"}' WHERE id = ?", [target])
    with pytest.raises(BrokenChain, match=f"tampered with at event {target} "):
        verify_chain(db.conn)


def test_a_deleted_event_is_caught_at_the_next_one(db):
    write_events(db)
    ids = event_ids(db)
    drop_triggers(db)
    db.execute("DELETE FROM events WHERE id = ?", [ids[3]])
    with pytest.raises(BrokenChain, match=f"tampered with at event {ids[4]} "):
        verify_chain(db.conn)


def test_deleted_failed_logins_are_caught(db):
    """Deleting login_failed rows resets a badge's lockout: the chain shows it."""
    from kiosk.auth import authenticate
    from kiosk.errors import KioskError

    for _attempt in range(3):
        with pytest.raises(KioskError, match="Wrong PIN"):
            authenticate(db, "P001", "0000", "DESK-1")
    write_events(db, 1)
    drop_triggers(db)
    db.execute("DELETE FROM events WHERE kind = 'login_failed'")
    with pytest.raises(BrokenChain, match="tampered with"):
        verify_chain(db.conn)


def test_an_inserted_event_with_a_correct_hash_is_caught_at_the_next_one(db):
    write_events(db)
    ids = event_ids(db)
    drop_triggers(db)
    # Make room after the fourth event and insert a forged approval sealed onto it.
    for event_id in reversed(ids[4:]):
        db.execute("UPDATE events SET id = id + 1 WHERE id = ?", [event_id])
    previous = db.execute("SELECT hash FROM events WHERE id = ?", [ids[3]]).fetchone()[0]
    forged = (ids[3] + 1, utcnow(), "supervisor_approved", "SO-1", "S001", "DESK-1", '{"action": "x"}')
    db.execute(f"INSERT INTO events ({EVENT_COLUMNS}, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
               [*forged, event_hash(previous, forged)])
    with pytest.raises(BrokenChain, match=f"tampered with at event {ids[4] + 1} "):
        verify_chain(db.conn)


def test_cutting_off_the_newest_events_is_caught_against_the_head_kept_outside(db):
    write_events(db)
    head = chain_head(db.conn)
    drop_triggers(db)
    db.execute("DELETE FROM events WHERE id > ?", [event_ids(db)[6]])
    verify_chain(db.conn)  # what is left still holds on its own
    with pytest.raises(BrokenChain, match=f"does not reach head {head}"):
        verify_chain(db.conn, head)


def test_a_rewritten_chain_is_caught_against_the_head_kept_outside(db):
    write_events(db)
    head = chain_head(db.conn)
    drop_triggers(db)
    db.execute("UPDATE events SET detail = '{}'")
    previous = GENESIS
    for row in db.execute(f"SELECT {EVENT_COLUMNS} FROM events ORDER BY id").fetchall():
        previous = event_hash(previous, row)
        db.execute("UPDATE events SET hash = ? WHERE id = ?", [previous, row[0]])
    verify_chain(db.conn)
    with pytest.raises(BrokenChain, match="does not reach head"):
        verify_chain(db.conn, head)


def test_a_head_from_earlier_is_still_reached_after_more_events(db):
    write_events(db, 3)
    head = chain_head(db.conn)
    write_events(db, 3)
    assert verify_chain(db.conn, head).head != head


def test_two_stations_writing_in_turn_form_one_chain(db_path):
    first, second = open_database(db_path), open_database(db_path)
    for number in range(6):
        with transaction(first if number % 2 else second) as conn:
            record_event(conn, "scan", order_id="SO-1", station=f"DESK-{number % 2}")
    assert verify_chain(first.conn).events == len(event_ids(first))
    first.conn.close()
    second.conn.close()


def test_the_migration_seals_the_events_written_before_it(tmp_path, monkeypatch):
    chain_migration = next(i for i, script in enumerate(MIGRATIONS) if "kiosk_event_hash" in script)
    path = tmp_path / "old.db"
    monkeypatch.setattr(db_module, "SCHEMA_VERSION", chain_migration)
    old = open_database(path)
    for number in range(5):
        old.execute("INSERT INTO events (at, kind, order_id, detail) VALUES (?, 'shipped', ?, '{}')",
                    [utcnow(), f"SO-{number}"])
    old.conn.close()
    monkeypatch.setattr(db_module, "SCHEMA_VERSION", SCHEMA_VERSION)
    migrated = open_database(path)
    assert verify_chain(migrated.conn).events == 5
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        migrated.execute("UPDATE events SET kind = 'forged'")
    migrated.conn.close()


def test_a_forged_approval_is_not_honoured(db):
    write_events(db, 2)
    drop_triggers(db)
    last = event_ids(db)[-1]
    db.execute(
        f"INSERT INTO events ({EVENT_COLUMNS}, hash) VALUES (?, ?, 'supervisor_approved', 'SO-1', 'S001', 'DESK-1',"
        " '{\"action\": \"carrier_override\"}', ?)",
        [last + 1, utcnow(), "f" * 64],
    )
    assert not has_recent_approval(db, "SO-1", "carrier_override")


def test_an_approval_edited_in_place_is_not_honoured(db):
    approve_as_supervisor(db, "S001", "9999", "DESK-1", action="carrier_override", order_id="SO-1")
    assert has_recent_approval(db, "SO-1", "carrier_override")
    drop_triggers(db)
    db.execute("UPDATE events SET order_id = 'SO-2' WHERE kind = 'supervisor_approved'")
    assert not has_recent_approval(db, "SO-2", "carrier_override")


def test_a_real_approval_followed_by_more_events_is_honoured(db):
    approve_as_supervisor(db, "S001", "9999", "DESK-1", action="carrier_override", order_id="SO-1")
    write_events(db, 2)
    assert has_recent_approval(db, "SO-1", "carrier_override", "S001")


def test_the_demo_database_is_sealed_onto_one_chain(tmp_path):
    from fixtures.load import create_demo_database

    demo = open_database(create_demo_database(tmp_path / "demo.db"))
    assert verify_chain(demo.conn).events == demo.execute("SELECT COUNT(*) FROM events").fetchone()[0] > 10
    demo.conn.close()
