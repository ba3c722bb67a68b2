"""The scan rules a packer meets on the pack screen."""

from __future__ import annotations

import pytest

from kiosk.claims import claim_order
from kiosk.errors import KioskError
from kiosk.packing import PackSession, ScanResult, Stage
from tests.conftest import EAN


def open_session(db, order_id="SO-1", operator="P001", station="DESK-1") -> PackSession:
    claim_order(db, order_id, operator, station)
    return PackSession(db, order_id, operator, station)


def scan_rows(db, order_id="SO-1"):
    return list(db.query("SELECT raw_code, result, quantity FROM scans WHERE order_id = ?"
                         " ORDER BY id", [order_id]))


def test_each_scan_counts_one_unit_of_its_line(db):
    session = open_session(db)
    outcome = session.scan(EAN["SW-RED-M"])
    assert outcome.accepted
    assert outcome.message == "OK: Merino Sweater Red / M, 1 of 2."
    assert [p.packed for p in session.lines] == [1, 0]
    assert scan_rows(db) == [{"raw_code": EAN["SW-RED-M"], "result": "accepted", "quantity": 1}]


def test_second_barcode_of_a_sku_counts_too(db):
    session = open_session(db)
    assert session.scan("INT-00017").accepted
    assert session.lines[1].complete


def test_unknown_code_is_refused_and_recorded(db):
    session = open_session(db)
    outcome = session.scan("  0000000000000 \n")
    assert outcome.result is ScanResult.UNKNOWN_CODE
    assert "Unknown barcode 0000000000000" in outcome.message
    assert scan_rows(db)[0]["result"] == "unknown_code"
    assert session.units_packed == 0


def test_item_not_in_order_is_named(db):
    session = open_session(db)
    outcome = session.scan(EAN["MUG-01"])
    assert outcome.result is ScanResult.NOT_IN_ORDER
    assert outcome.message == "Not in this order: Enamel Mug. Put it back."


def test_wrong_variant_names_both_variants(db):
    session = open_session(db)
    outcome = session.scan(EAN["SW-BLU-M"])
    assert outcome.result is ScanResult.WRONG_VARIANT
    assert outcome.message == (
        "Wrong variant: scanned Blue / M, this order needs Red / M (Merino Sweater)."
    )
    assert session.units_packed == 0


def test_over_scan_of_a_complete_line_is_refused(db):
    session = open_session(db)
    session.scan(EAN["SW-RED-M"])
    session.scan(EAN["SW-RED-M"])
    outcome = session.scan(EAN["SW-RED-M"])
    assert outcome.result is ScanResult.LINE_COMPLETE
    assert outcome.message.startswith("Already complete: 2 of 2 Merino Sweater Red / M packed.")
    assert session.lines[0].packed == 2


def test_bulk_quantity_counts_several_units_and_never_more_than_ordered(db):
    session = open_session(db)
    too_many = session.scan(EAN["SW-RED-M"], quantity=3)
    assert too_many.result is ScanResult.LINE_COMPLETE
    assert "3 more would make 3 of 2" in too_many.message
    assert session.scan(EAN["SW-RED-M"], quantity=2).accepted
    assert session.lines[0].complete
    with pytest.raises(KioskError, match="Quantity must be 1 to 999"):
        session.scan(EAN["SW-RED-M"], quantity=0)


def test_undo_takes_back_the_last_accepted_scan(db):
    session = open_session(db)
    session.scan(EAN["SW-RED-M"])
    session.scan(EAN["TOTE-BLK"])
    session.scan(EAN["MUG-01"])  # refused: undo skips it
    outcome = session.undo_last()
    assert "Canvas Tote Black" in outcome.message
    assert [p.packed for p in session.lines] == [1, 0]
    # A fresh session (a restart) reads the same from the database.
    assert [p.packed for p in PackSession(db, "SO-1", "P001", "DESK-1").lines] == [1, 0]
    session.undo_last()
    with pytest.raises(KioskError, match="Nothing to undo"):
        session.undo_last()


def test_notes_must_be_acknowledged_before_items_count(db):
    session = open_session(db, "SO-2")
    assert session.stage is Stage.NOTES
    outcome = session.scan(EAN["MUG-01"])
    assert outcome.result is ScanResult.NOTES_UNREAD
    session.acknowledge_notes()
    assert session.stage is Stage.ITEMS
    assert session.scan(EAN["MUG-01"]).accepted
    assert session.stage is Stage.WAYBILL
    # The acknowledgement survives a restart.
    assert PackSession(db, "SO-2", "P001", "DESK-1").notes_acknowledged


def test_unreadable_scans_are_refused_and_recorded(db):
    session = open_session(db)
    assert session.scan("AB\x07CD").result is ScanResult.UNREADABLE
    assert session.scan("9" * 65).result is ScanResult.UNREADABLE
    assert [r["result"] for r in scan_rows(db)] == ["unreadable", "unreadable"]


def test_scans_are_refused_once_the_order_is_no_longer_held(db):
    session = open_session(db)
    db.execute("DELETE FROM claims WHERE order_id = 'SO-1'")
    outcome = session.scan(EAN["SW-RED-M"])
    assert outcome.result is ScanResult.NOT_HELD
    assert session.units_packed == 0


def test_every_accepted_scan_writes_an_event(db):
    session = open_session(db)
    session.scan(EAN["SW-RED-M"])
    session.scan("nonsense-code")
    kinds = [r[0] for r in db.execute("SELECT kind FROM events WHERE order_id='SO-1' ORDER BY id")]
    assert kinds == ["status_packing", "item_scanned", "scan_refused"]


def test_two_sessions_of_one_station_never_count_a_unit_beyond_the_order(db_path):
    # Two processes under one station name both resumed SO-1: each judged its scan against what it
    # had read, but the write re-counts inside its transaction.
    from kiosk.db import open_database

    first = open_session(open_database(db_path))
    second = PackSession(open_database(db_path), "SO-1", "P002", "DESK-1")
    for session in (first, second, first, second):
        session.scan(EAN["SW-RED-M"])
    db = open_database(db_path)
    counted = db.execute("SELECT SUM(quantity) FROM scans WHERE order_id = 'SO-1' AND line_no = 1"
                         " AND result = 'accepted' AND undone_at IS NULL").fetchone()[0]
    assert counted == 2  # SO-1 line 1 orders 2 Red M
    refused = second.scan(EAN["SW-RED-M"])
    assert refused.result is ScanResult.LINE_COMPLETE
    assert refused.message == "Already complete: 2 of 2 Merino Sweater Red / M packed. Put this one back."


def test_a_scan_judged_before_a_release_is_not_counted(db_path):
    from kiosk.claims import release_order
    from kiosk.db import open_database

    session = open_session(open_database(db_path))
    judged = session._judge(EAN["SW-RED-M"], 1)
    assert judged.accepted
    # The supervisor's release lands between the judgement and the write.
    release_order(open_database(db_path), "SO-1", "S001", "DESK-1")
    recorded = session._record(EAN["SW-RED-M"], judged)
    assert recorded.result is ScanResult.NOT_HELD
    assert scan_rows(open_database(db_path))[-1]["result"] == "not_held"
    assert open_database(db_path).execute(
        "SELECT COUNT(*) FROM scans WHERE result = 'accepted' AND undone_at IS NULL").fetchone()[0] == 0


def test_a_packing_slip_scanned_for_an_item_is_named(db):
    session = open_session(db)
    other = session.scan("so-2")
    assert other.result is ScanResult.ORDER_SLIP
    assert other.message == "That is order SO-2's packing slip: finish or put back order SO-1 first."
    own = session.scan("SO-1")
    assert own.message == "That is this order's own packing slip: scan the items."
    assert session.units_packed == 0
    assert [row["result"] for row in scan_rows(db)] == ["order_slip", "order_slip"]
