"""Problems at the desk: reports, holds, short shipments, cancellations under a packer."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kiosk.auth import Operator, approve_as_supervisor
from kiosk.claims import claim_order
from kiosk.db import open_database
from kiosk.errors import KioskError
from kiosk.orders import get_order
from kiosk.packing import PackSession, ScanResult
from kiosk.problems import (
    approve_short,
    cancel_order,
    held_orders,
    hold_order,
    open_problems,
    release_to_queue,
    report_problem,
    resolve_problem,
    stale_claims,
)
from kiosk.shipping import record_waybill
from tests.conftest import EAN

SUPERVISOR = Operator("S001", "Zhang Min", "supervisor")
PACKER = Operator("P001", "Li Wei", "packer")


def open_session(db, order_id="SO-1") -> PackSession:
    claim_order(db, order_id, "P001", "DESK-1")
    return PackSession(db, order_id, "P001", "DESK-1")


def events(db, order_id="SO-1") -> list[str]:
    return [r[0] for r in db.execute("SELECT kind FROM events WHERE order_id = ? ORDER BY id", [order_id])]


def test_reporting_a_damaged_unit_records_everything_and_holds_the_order(db, tmp_path):
    session = open_session(db)
    session.scan(EAN["SW-RED-M"])
    photo = tmp_path / "so1.jpg"
    photo.write_bytes(b"\xff\xd8")
    problem_id = report_problem(db, "SO-1", kind="damaged", line_no=1, quantity=1, description="torn seam",
                                photo_path=str(photo), operator="P001", station="DESK-1")
    row = db.execute("SELECT order_id, line_no, kind, quantity, description, status, operator, station,"
                     " purchase_date, photo_path FROM problems WHERE id = ?", [problem_id]).fetchone()
    assert row == ("SO-1", 1, "damaged", 1, "torn seam", "open", "P001", "DESK-1",
                   "2026-11-26T08:00:00.000+00:00", str(photo))
    order = get_order(db, "SO-1")
    assert (order["status"], order["hold_reason"]) == ("on_hold", "problem:damaged")
    assert not db.execute("SELECT COUNT(*) FROM claims").fetchone()[0]
    # The scan stays on record; it no longer counts.
    assert db.execute("SELECT COUNT(*) FROM scans WHERE undone_at IS NOT NULL").fetchone()[0] == 1
    assert events(db)[-2:] == ["problem_reported", "status_on_hold"]
    assert "SO-1" in {row["order_id"] for row in held_orders(db)}


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"kind": "damaged", "line_no": 1, "quantity": -1}, "cannot be negative"),
        ({"kind": "damaged", "line_no": 1, "quantity": 3}, "Line 1 has only 2 units: 3 is too many."),
        ({"kind": "missing", "line_no": 1, "quantity": 0}, "at least 1"),
        ({"kind": "other", "description": "  "}, "Describe the problem"),
        ({"kind": "wrong_item", "line_no": 2, "quantity": 1}, "Describe the problem"),
        ({"kind": "lost", "description": "x"}, "Unknown problem kind"),
        ({"kind": "damaged", "line_no": 9, "quantity": 1}, "has no line 9"),
        ({"kind": "damaged", "line_no": 1, "quantity": 1, "photo_path": "/no/such/photo.jpg"},
         "There is no photo at /no/such/photo.jpg: check the path, or leave it empty."),
    ],
)
def test_bad_reports_are_refused_and_change_nothing(db, kwargs, reason):
    open_session(db)
    with pytest.raises(KioskError, match=reason):
        report_problem(db, "SO-1", operator="P001", station="DESK-1", **kwargs)
    assert get_order(db, "SO-1")["status"] == "packing"
    assert not db.execute("SELECT COUNT(*) FROM problems").fetchone()[0]


def test_a_crash_between_report_and_hold_leaves_neither(db, monkeypatch):
    import kiosk.problems

    open_session(db)

    def power_cut(*args, **kwargs):
        raise RuntimeError("power cut")

    monkeypatch.setattr(kiosk.problems, "set_status", power_cut)
    with pytest.raises(RuntimeError, match="power cut"):
        report_problem(db, "SO-1", kind="missing", line_no=2, quantity=1, operator="P001", station="DESK-1")
    assert not db.execute("SELECT COUNT(*) FROM problems").fetchone()[0]
    assert get_order(db, "SO-1")["status"] == "packing"
    assert "problem_reported" not in events(db)


def test_short_shipment_needs_a_supervisors_badge_and_pin(db):
    session = open_session(db)
    session.scan(EAN["SW-RED-M"])
    session.scan(EAN["SW-RED-M"])
    problem_id = report_problem(db, "SO-1", kind="missing", line_no=2, quantity=1, operator="P001",
                                station="DESK-1", hold=False)
    # Not without an approval checked against the PIN ...
    with pytest.raises(KioskError, match="A supervisor must approve this first"):
        approve_short(db, problem_id, SUPERVISOR, "DESK-1")
    # ... not by a packer ...
    with pytest.raises(KioskError, match="not a supervisor"):
        approve_short(db, problem_id, PACKER, "DESK-1")
    # ... and the order cannot ship short meanwhile: an open problem is no approved shortage.
    session.reload_shortages()
    assert not session.all_verified
    with pytest.raises(KioskError, match="1 item still to scan before the waybill"):
        record_waybill(session, "SF1234567890123", "spool")
    # Whatever a screen let through, the core reads the approvals itself when it ships.
    session.lines[1].short = 1
    assert session.all_verified
    with pytest.raises(KioskError, match=r"Line 2 \(Canvas Tote Black\) has 0 of 1: a short shipment needs a"
                                         " supervisor's approval"):
        record_waybill(session, "SF1234567890123", "spool")
    assert get_order(db, "SO-1")["status"] == "packing"
    supervisor = approve_as_supervisor(db, "S001", "9999", "DESK-1", action="short_shipment", order_id="SO-1")
    approve_short(db, problem_id, supervisor, "DESK-1")
    session.reload_shortages()
    assert session.all_verified
    shipment = record_waybill(session, "SF1234567890123", "spool")
    lines = db.execute("SELECT line_no, quantity FROM shipment_lines WHERE shipment_id = ? ORDER BY line_no",
                       [shipment.shipment_id]).fetchall()
    assert lines == [(1, 2), (2, 0)]
    assert "short_approved" in events(db)


def test_an_approval_for_another_order_does_not_count(db):
    open_session(db)
    problem_id = report_problem(db, "SO-1", kind="missing", line_no=2, quantity=1, operator="P001",
                                station="DESK-1", hold=False)
    supervisor = approve_as_supervisor(db, "S001", "9999", "DESK-1", action="short_shipment", order_id="SO-2")
    with pytest.raises(KioskError, match="A supervisor must approve this first"):
        approve_short(db, problem_id, supervisor, "DESK-1")


def test_approving_short_from_a_hold_puts_the_order_back_with_less_to_pack(db):
    open_session(db)
    problem_id = report_problem(db, "SO-1", kind="missing", line_no=1, quantity=1, operator="P001",
                                station="DESK-1")
    supervisor = approve_as_supervisor(db, "S001", "9999", "DESK-2", action="short_shipment", order_id="SO-1")
    approve_short(db, problem_id, supervisor, "DESK-2")
    assert get_order(db, "SO-1")["status"] == "paid"
    session = open_session(db)
    assert [p.expected for p in session.lines] == [1, 1]
    assert session.is_short


def test_a_cancellation_from_another_connection_stops_the_packer(db_path):
    packer_db, office_db = open_database(db_path), open_database(db_path)
    session = open_session(packer_db)
    assert session.scan(EAN["SW-RED-M"]).accepted
    assert session.scan(EAN["TOTE-BLK"]).accepted
    cancel_order(office_db, "SO-1", "buyer cancelled", "S001", "OFFICE")
    assert session.interruption() == "Order cancelled: put the items back."
    outcome = session.scan(EAN["SW-RED-M"])
    assert outcome.result is ScanResult.NOT_HELD
    assert outcome.message == "Order cancelled: put the items back."
    with pytest.raises(KioskError, match="1 item still to scan"):
        record_waybill(session, "SF1234567890123", "spool")
    # Even with every unit counted, a cancelled order does not ship.
    session.lines[0].packed = 2
    with pytest.raises(KioskError, match="Order SO-1 is no longer open at this station: it was not shipped"):
        record_waybill(session, "SF1234567890123", "spool")
    # The scans made stay on record.
    assert packer_db.execute("SELECT COUNT(*) FROM scans WHERE result = 'accepted'").fetchone()[0] == 2


def test_a_hold_by_a_supervisor_names_the_reason(db):
    session = open_session(db)
    hold_order(db, "SO-1", "address check", "S001", "OFFICE")
    assert session.interruption() == "Order put on hold (address check): put the items back."
    with pytest.raises(KioskError, match="Give a reason"):
        hold_order(db, "SO-2", " ", "S001", "OFFICE")


def test_release_and_resolve(db):
    open_session(db)
    problem_id = report_problem(db, "SO-1", kind="other", description="box crushed", operator="P001",
                                station="DESK-1")
    with pytest.raises(KioskError, match="not a supervisor"):
        release_to_queue(db, "SO-1", "back to the queue", PACKER, "DESK-1")
    release_to_queue(db, "SO-1", "back to the queue", SUPERVISOR, "DESK-1")
    assert get_order(db, "SO-1")["status"] == "paid"
    with pytest.raises(KioskError, match="Write how"):
        resolve_problem(db, problem_id, "", SUPERVISOR, "DESK-1")
    resolve_problem(db, problem_id, "repacked in a new box", SUPERVISOR, "DESK-1")
    assert open_problems(db) == []
    with pytest.raises(KioskError, match="already resolved"):
        resolve_problem(db, problem_id, "again", SUPERVISOR, "DESK-1")
    assert events(db)[-1] == "problem_resolved"


def test_stale_claims_are_found_by_heartbeat(db):
    open_session(db)
    assert stale_claims(db, timedelta(minutes=10)) == []
    db.execute("UPDATE claims SET heartbeat_at = '2020-01-01T00:00:00.000+00:00'")
    assert [c["order_id"] for c in stale_claims(db, timedelta(minutes=10))] == ["SO-1"]
    release_to_queue(db, "SO-1", "back to the queue", SUPERVISOR, "OFFICE")
    assert get_order(db, "SO-1")["status"] == "paid"


def test_hold_reasons_are_shown_in_the_readers_language_with_the_time_of_the_hold(db):
    from kiosk.i18n import set_language

    open_session(db)
    report_problem(db, "SO-1", kind="other", description="box crushed", operator="P001", station="DESK-1")
    held = {row["order_id"]: row for row in held_orders(db)}
    assert held["SO-1"]["hold_reason"] == "problem: other"
    hold_event_at = db.execute(
        "SELECT at FROM events WHERE kind = 'status_on_hold' AND order_id = 'SO-1'").fetchone()[0]
    # When it was held, not when it was imported.
    assert held["SO-1"]["held_at"] == hold_event_at != held["SO-1"]["created_at"]
    # A supervisor's own words stay as typed.
    assert held["SO-5"]["hold_reason"] == "address check"
    set_language("zh_CN")
    assert {row["order_id"]: row["hold_reason"] for row in held_orders(db)}["SO-1"] == "问题：其他"
    with pytest.raises(KioskError, match="订单 SO-1 已暂停（问题：其他）"):
        claim_order(db, "SO-1", "P001", "DESK-1")
