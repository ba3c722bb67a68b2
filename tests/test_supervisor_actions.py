"""Supervisor actions at the desk, without a terminal (issue 13, items 15 and 17): a note for every
release and cancellation, one confirmation for a supervisor logged in (a packer's station still asks
badge and PIN), badges unlocked, sessions ended, live orders held or cancelled, and a whole-order
problem shipped with the units packed so far, never as an empty parcel."""

from __future__ import annotations

import pytest

from kiosk.desk import Desk
from kiosk.desk_recovery import TAKE_OVER_CLAIM
from kiosk.errors import KioskError
from kiosk.orders import get_order
from kiosk.problems import report_problem
from kiosk.waybill import CARRIER_OVERRIDE
from tests.conftest import EAN
from tests.test_desk import desk_of

SF_WAYBILL = "SF1234567890123"


@pytest.fixture
def packer(db, config) -> Desk:
    return desk_of(db, config)


@pytest.fixture
def supervisor(db, config) -> Desk:
    return desk_of(db, config, "S001", "9999", station="OFFICE")


def history_details(supervisor: Desk, order_id: str, kind: str) -> list[str]:
    return [entry.details for entry in supervisor.order_history(order_id) if entry.kind == kind]


# -- a note for a release and a cancellation ----------------------------------------------------------


def test_a_release_needs_a_note_and_the_order_s_history_shows_it(db, supervisor):
    with pytest.raises(KioskError, match="Say why the order goes back to the queue"):
        supervisor.release("SO-5", "   ")
    assert get_order(db, "SO-5")["status"] == "on_hold"
    supervisor.release("SO-5", "address confirmed by phone")
    assert get_order(db, "SO-5")["status"] == "paid"
    assert history_details(supervisor, "SO-5", "status_paid") == ["address confirmed by phone"]


def test_only_an_order_on_hold_or_being_packed_is_released(db, supervisor):
    with pytest.raises(KioskError, match="Order SO-3 is awaiting payment: only an order on hold or being packed"):
        supervisor.release("SO-3", "buyer says they paid")
    assert get_order(db, "SO-3")["status"] == "awaiting_payment"


def test_a_cancellation_needs_a_reason_and_the_order_s_history_shows_it(db, supervisor):
    with pytest.raises(KioskError, match="Say why the order is cancelled"):
        supervisor.cancel_order("SO-5", " ")
    supervisor.cancel_order("SO-5", "buyer asked by e-mail")
    assert history_details(supervisor, "SO-5", "status_cancelled") == ["buyer asked by e-mail"]


# -- one confirmation for the supervisor logged in ------------------------------------------------------


def test_a_supervisor_packing_approves_their_own_short_shipment_without_a_second_badge_and_pin(db, config):
    desk = desk_of(db, config, "S001", "9999")
    desk.open_order("SO-1")
    reported = desk.report_problem(kind="damaged", line_no=2, quantity=1, hold=False)
    decision = desk.decide_short(reported.problem_id, desk.approve_here(action="short_shipment", order_id="SO-1"))
    assert (decision.approved_by, decision.held) == ("Zhang Min", False)
    approval = db.execute("SELECT operator, json_extract(detail, '$.confirmed') FROM events"
                          " WHERE kind = 'supervisor_approved'").fetchall()
    assert approval == [("S001", "session")]
    assert desk.session.units_ordered == 2


def test_a_packer_cannot_approve_on_their_own_session(db, packer):
    packer.open_order("SO-1")
    reported = packer.report_problem(kind="damaged", line_no=2, quantity=1, hold=False)
    with pytest.raises(KioskError, match="Li Wei is not a supervisor"):
        packer.approve_here(action="short_shipment", order_id="SO-1")
    with pytest.raises(KioskError, match="Li Wei is not a supervisor"):
        packer.decide_short(reported.problem_id, packer)
    assert db.execute("SELECT COUNT(*) FROM events WHERE kind = 'supervisor_approved'").fetchone() == (0,)
    assert not packer.is_supervisor


def test_a_supervisor_s_confirmation_approves_another_carrier(db, config):
    desk = desk_of(db, config, "S001", "9999")
    desk.open_order("SO-2")  # asks for UPS
    desk.acknowledge_notes()
    desk.scan(EAN["MUG-01"])
    with pytest.raises(KioskError, match="UPS"):
        desk.record_waybill(SF_WAYBILL)
    desk.approve_here(action=CARRIER_OVERRIDE, order_id="SO-2")
    assert desk.record_waybill(SF_WAYBILL).order_shipped


def test_a_supervisor_logged_in_approves_from_the_exceptions_list_with_one_confirmation(db, supervisor):
    problem = report_problem(db, "SO-1", kind="damaged", line_no=2, quantity=1, operator="P001", station="DESK-1")
    with pytest.raises(KioskError, match="A supervisor must approve this first"):
        supervisor.approve_short(problem)
    supervisor.approve_here(action="short_shipment", order_id="SO-1").approve_short(problem)
    assert get_order(db, "SO-1")["status"] == "paid"


def test_an_approval_on_the_supervisor_s_session_names_the_action_and_the_order(db, supervisor):
    supervisor.approve_here(action=TAKE_OVER_CLAIM, order_id="SO-1")
    assert db.execute("SELECT order_id, operator, station, json_extract(detail, '$.action') FROM events"
                      " WHERE kind = 'supervisor_approved'").fetchall() == [("SO-1", "S001", "OFFICE", TAKE_OVER_CLAIM)]


# -- badges and sessions --------------------------------------------------------------------------------


def lock_out(db, config, badge: str = "P002") -> None:
    desk = Desk(db, type(config)(station="DESK-2", database=config.database, spool_dir=config.spool_dir))
    for _attempt in range(5):
        with pytest.raises(KioskError, match="Wrong PIN"):
            desk.log_in(badge, "0000")


def test_a_supervisor_unlocks_a_locked_badge_and_a_packer_cannot(db, config, packer, supervisor):
    lock_out(db, config)
    with pytest.raises(KioskError, match="Li Wei is not a supervisor"):
        packer.unlock_badge("P002")
    with pytest.raises(KioskError, match="Li Wei is not a supervisor"):
        packer.locked_badges()
    assert [operator.badge for operator in supervisor.locked_badges()] == ["P002"]
    assert supervisor.unlock_badge(" p002 ").name == "Maria Lopez"
    assert supervisor.locked_badges() == []
    assert db.execute("SELECT json_extract(detail, '$.by') FROM events WHERE kind = 'badge_unlocked'"
                      ).fetchall() == [("S001",)]
    desk_of(db, config, "P002", "4321", station="DESK-2")


def test_unlocking_a_badge_that_is_not_locked_or_unknown_is_refused(db, supervisor):
    with pytest.raises(KioskError, match="Badge P002 is not locked"):
        supervisor.unlock_badge("P002")
    with pytest.raises(KioskError, match="Unknown badge"):
        supervisor.unlock_badge("X999")
    assert db.execute("SELECT COUNT(*) FROM events WHERE kind = 'badge_unlocked'").fetchone() == (0,)


def test_a_supervisor_sees_who_is_logged_in_where_and_what_each_station_packs(db, packer, supervisor):
    packer.open_order("SO-1")
    rows = {row.station: row for row in supervisor.live_sessions()}
    assert set(rows) == {"DESK-1", "OFFICE"}
    assert (rows["DESK-1"].badge, rows["DESK-1"].name, rows["DESK-1"].order_id) == ("P001", "Li Wei", "SO-1")
    assert rows["OFFICE"].order_id == ""
    with pytest.raises(KioskError, match="Li Wei is not a supervisor"):
        packer.live_sessions()


def test_a_supervisor_ends_another_station_s_session_but_not_their_own(db, packer, supervisor):
    with pytest.raises(KioskError, match="That is your own session"):
        supervisor.end_session_of("S001")
    assert supervisor.end_session_of("P001") == "DESK-1"
    assert [row.station for row in supervisor.live_sessions()] == ["OFFICE"]


# -- an order a live station is packing -------------------------------------------------------------------


def test_a_supervisor_holds_an_order_a_live_station_is_packing_and_the_packer_is_stopped(db, packer, supervisor):
    packer.open_order("SO-1")
    packer.scan(EAN["SW-RED-M"])
    supervisor.hold_order("SO-1", "buyer changed the address")
    assert "Order put on hold (buyer changed the address)" in packer.interruption()
    assert [row.order_id for row in supervisor.live_sessions()] == ["", ""]
    assert history_details(supervisor, "SO-1", "status_on_hold") == ["buyer changed the address"]


def test_a_supervisor_cancels_an_order_a_live_station_is_packing_and_the_packer_is_stopped(db, packer, supervisor):
    packer.open_order("SO-1")
    for code in (EAN["SW-RED-M"], EAN["SW-RED-M"], EAN["TOTE-BLK"]):  # every item packed: only the cancel stops it
        packer.scan(code)
    supervisor.cancel_order("SO-1", "fraud check failed")
    assert packer.interruption() == "Order cancelled: put the items back."
    with pytest.raises(KioskError, match="Order SO-1 is no longer open at this station: it was not shipped"):
        packer.record_waybill(SF_WAYBILL)
    assert db.execute("SELECT COUNT(*) FROM shipments").fetchone() == (0,)


# -- the whole-order problem (item 17) ----------------------------------------------------------------------


def test_a_whole_order_problem_approved_short_ships_the_units_packed_so_far(db, packer):
    packer.open_order("SO-1")  # 2 red sweaters, 1 tote
    packer.scan(EAN["SW-RED-M"])
    reported = packer.report_problem(kind="missing", description="shelf empty", hold=False)
    approver = packer.as_supervisor("S001", "9999", action="short_shipment", order_id="SO-1")
    decision = packer.decide_short(reported.problem_id, approver)
    assert (decision.approved_by, decision.held) == ("Zhang Min", False)
    assert [(p.expected, p.short) for p in packer.session.lines] == [(1, 1), (0, 1)]
    assert packer.session.stage == "waybill"
    shipment = packer.record_waybill(SF_WAYBILL)
    assert shipment.order_shipped
    assert db.execute("SELECT json_extract(detail, '$.quantity') FROM events WHERE kind = 'short_approved'"
                      ).fetchone() == (2,)


def test_a_whole_order_problem_with_nothing_packed_stays_on_hold_and_never_ships(db, packer):
    packer.open_order("SO-1")
    reported = packer.report_problem(kind="missing", description="shelf empty", hold=False)
    approver = packer.as_supervisor("S001", "9999", action="short_shipment", order_id="SO-1")
    decision = packer.decide_short(reported.problem_id, approver)
    assert decision.held
    order = get_order(db, "SO-1")
    assert (order["status"], order["hold_reason"]) == ("on_hold", "nothing_to_ship")
    with pytest.raises(KioskError, match="No order is open at this station"):
        packer.record_waybill(SF_WAYBILL)
    assert db.execute("SELECT COUNT(*) FROM shipments").fetchone() == (0,)


def test_a_held_whole_order_problem_approved_from_the_list_stays_on_hold(db, supervisor):
    # Held: its scans were cleared, so nothing is packed and nothing may ship.
    problem = report_problem(db, "SO-1", kind="other", description="box crushed", operator="P001",
                             station="DESK-1")
    supervisor.approve_here(action="short_shipment", order_id="SO-1").approve_short(problem)
    order = get_order(db, "SO-1")
    assert (order["status"], order["hold_reason"]) == ("on_hold", "nothing_to_ship")


def test_a_photo_that_does_not_exist_is_refused_and_nothing_is_written(db, packer, tmp_path):
    packer.open_order("SO-1")
    missing = str(tmp_path / "no-such-photo.jpg")
    with pytest.raises(KioskError, match="There is no photo at .*no-such-photo.jpg"):
        packer.check_problem("damaged", None, 0, "", missing)
    with pytest.raises(KioskError, match="There is no photo at"):
        packer.report_problem(kind="damaged", photo_path=missing)
    assert db.execute("SELECT COUNT(*) FROM problems").fetchone() == (0,)
    photo = tmp_path / "box.jpg"
    photo.write_bytes(b"\xff\xd8")
    packer.check_problem("damaged", None, 0, "", str(photo))
