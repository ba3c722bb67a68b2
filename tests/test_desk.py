"""The desk service, without a terminal: who may do what, and the rules screens used to decide."""

from __future__ import annotations

import pytest

from kiosk.auth import add_operator
from kiosk.desk import Desk
from kiosk.errors import KioskError
from kiosk.orders import get_order
from kiosk.problems import report_problem
from kiosk.waybill import CARRIER_OVERRIDE
from tests.conftest import EAN


def desk_of(db, config, badge: str = "P001", pin: str = "1234", station: str | None = None) -> Desk:
    if station is not None:
        config = type(config)(station=station, database=config.database, spool_dir=config.spool_dir,
                              idle_lock_seconds=0)
    desk = Desk(db, config)
    desk.log_in(badge, pin)
    return desk


def shipped_label(db, config) -> int:
    """A shipped order's shipping label job (SO-2, one mug)."""
    desk = desk_of(db, config)
    desk.open_order("SO-2")
    desk.acknowledge_notes()
    desk.scan(EAN["MUG-01"])
    desk.as_supervisor("S001", "9999", action=CARRIER_OVERRIDE, order_id="SO-2")
    shipment = desk.record_waybill("SF1234567890123")
    desk.log_out()
    return shipment.print_job_id


@pytest.fixture
def packer(db, config) -> Desk:
    return desk_of(db, config)


# -- logging in ----------------------------------------------------------------------------------


def test_a_badge_is_logged_in_at_one_station_at_a_time(db, config):
    desk_of(db, config)
    elsewhere = Desk(db, type(config)(station="DESK-2", database=config.database, spool_dir=config.spool_dir))
    with pytest.raises(KioskError, match="Badge P001 is logged in at DESK-1 since .*ask a supervisor"):
        elsewhere.log_in("P001", "1234")
    assert elsewhere.operator is None


def test_a_supervisor_ends_a_session_left_at_another_station(db, config):
    desk_of(db, config)
    supervisor = desk_of(db, config, "S001", "9999", station="DESK-3")
    assert supervisor.end_session_of("p001") == "DESK-1"
    elsewhere = desk_of(db, config, station="DESK-2")
    assert elsewhere.operator.badge == "P001"
    assert db.execute("SELECT operator FROM events WHERE kind = 'session_ended'").fetchone() == ("S001",)


def test_a_packer_cannot_end_anyone_s_session(db, config, packer):
    with pytest.raises(KioskError, match="Li Wei is not a supervisor"):
        packer.end_session_of("P001")


def test_logging_out_frees_the_badge_and_a_restart_at_the_same_station_logs_in_again(db, config, packer):
    Desk(db, config).log_in("P001", "1234")  # the station restarted after a crash
    packer.log_out()
    assert desk_of(db, config, station="DESK-2").operator.name == "Li Wei"


def test_a_login_writes_its_event_and_its_session_in_one_commit(db, config):
    """One durable commit (one disk sync) between the PIN's Enter and the queue, not two."""
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    try:
        Desk(db, config).log_in("P001", "1234")
    finally:
        db.conn.set_trace_callback(None)
    assert statements.count("COMMIT") == 1
    assert db.execute("SELECT station FROM sessions WHERE badge = 'P001'").fetchone() == ("DESK-1",)
    assert db.execute("SELECT COUNT(*) FROM events WHERE kind = 'login' AND operator = 'P001'").fetchone() == (1,)


def test_a_wrong_pin_does_not_log_in(db, config):
    desk = Desk(db, config)
    with pytest.raises(KioskError, match="Wrong PIN for P001"):
        desk.log_in("P001", "0000")
    assert desk.operator is None


def test_unlock_takes_the_same_operator_s_pin(packer):
    packer.lock()
    with pytest.raises(KioskError, match="Wrong PIN for P001"):
        packer.unlock("9999")
    assert packer.locked
    packer.unlock("1234")
    assert not packer.locked


# -- roles ---------------------------------------------------------------------------------------


def test_after_sales_cannot_pack(db, config):
    add_operator(db, "A001", "Chen Jie", "aftersales", "5555")
    desk = desk_of(db, config, "A001", "5555")
    with pytest.raises(KioskError, match="Chen Jie works in after-sales: packing is for packers and supervisors"):
        desk.open_order("SO-1")
    assert get_order(db, "SO-1")["status"] == "paid"


def test_nobody_packs_without_logging_in(db, config):
    with pytest.raises(KioskError, match="Nobody is logged in"):
        Desk(db, config).open_order("SO-1")


SUPERVISOR_ACTIONS = {
    "release": lambda desk, ids: desk.release("SO-5", "stock found"),
    "cancel": lambda desk, ids: desk.cancel_order("SO-1", "buyer asked"),
    "hold": lambda desk, ids: desk.hold_order("SO-1", "address check"),
    "approve short": lambda desk, ids: desk.approve_short(ids["problem"]),
    "resolve": lambda desk, ids: desk.resolve_problem(ids["problem"], "repacked"),
    "exceptions list": lambda desk, ids: desk.exceptions(),
    "order history": lambda desk, ids: desk.order_history("SO-1"),
    "print jobs": lambda desk, ids: desk.print_jobs(),
    "retry": lambda desk, ids: desk.retry_job(ids["job"]),
    "redirect": lambda desk, ids: desk.redirect_job(ids["job"], "spool"),
    "other printers": lambda desk, ids: desk.other_printers("spool"),
    "reprint": lambda desk, ids: desk.reprint(ids["job"], "smudged"),
    "void": lambda desk, ids: desk.void_shipment(ids["shipment"], "wrong box"),
    "end a session": lambda desk, ids: desk.end_session_of("S001"),
    "add an operator": lambda desk, ids: desk.add_operator("S009", "Mallory", "supervisor", "1111"),
    "disable an operator": lambda desk, ids: desk.set_operator_active("S001", False),
}


@pytest.mark.parametrize("action", SUPERVISOR_ACTIONS)
def test_a_packer_s_desk_is_refused_every_supervisor_action(db, config, packer, action):
    job = shipped_label(db, config)
    shipment = db.execute("SELECT shipment_id FROM print_jobs WHERE id = ?", [job]).fetchone()[0]
    problem = report_problem(db, "SO-1", kind="missing", line_no=2, quantity=1, operator="P001", station="DESK-1")
    packer = desk_of(db, config)
    before = db.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    with pytest.raises(KioskError, match="Li Wei is not a supervisor: a supervisor must approve this"):
        SUPERVISOR_ACTIONS[action](packer, {"job": job, "shipment": shipment, "problem": problem})
    assert db.execute("SELECT COUNT(*) FROM events").fetchone()[0] == before
    assert db.execute("SELECT COUNT(*) FROM operators WHERE active = 1").fetchone()[0] == 3


def test_a_supervisor_s_desk_does_the_same_actions(db, config, packer):
    job = shipped_label(db, config)
    shipment = db.execute("SELECT shipment_id FROM print_jobs WHERE id = ?", [job]).fetchone()[0]
    supervisor = desk_of(db, config, "S001", "9999", station="DESK-9")
    supervisor.release("SO-5", "stock found")
    assert get_order(db, "SO-5")["status"] == "paid"
    supervisor.cancel_order("SO-1", "buyer asked")
    assert get_order(db, "SO-1")["status"] == "cancelled"
    assert supervisor.reprint(job, "smudged") > job
    result = supervisor.void_shipment(shipment, "wrong box")
    assert result.order_id == "SO-2"
    assert db.execute("SELECT operator FROM events WHERE kind = 'shipment_voided'").fetchone() == ("S001",)


def test_cancelling_needs_a_reason(db, config):
    supervisor = desk_of(db, config, "S001", "9999")
    with pytest.raises(KioskError, match="Say why the order is cancelled"):
        supervisor.cancel_order("SO-1", "  ")
    assert get_order(db, "SO-1")["status"] == "paid"


def test_a_supervisor_approving_at_a_packer_s_desk_gives_badge_and_pin(db, packer):
    with pytest.raises(KioskError, match="Li Wei is not a supervisor"):
        packer.as_supervisor("P001", "1234", action="open_exceptions")
    with pytest.raises(KioskError, match="Wrong PIN for S001"):
        packer.as_supervisor("S001", "1111", action="open_exceptions")
    approver = packer.as_supervisor("S001", "9999", action="open_exceptions")
    assert approver.operator.name == "Zhang Min"
    assert packer.operator.badge == "P001"  # the packer stays logged in
    assert [row.order_id for row in approver.exceptions()] == ["SO-5"]


# -- packing -------------------------------------------------------------------------------------


def test_a_bulk_quantity_counts_the_next_scan_only(packer):
    packer.open_order("SO-1")
    packer.set_quantity(2)
    outcome = packer.scan(EAN["SW-RED-M"])
    assert (outcome.accepted, outcome.quantity) == (True, 2)
    assert packer.bulk_quantity == 1
    with pytest.raises(KioskError, match="Quantity must be 1 to 999"):
        packer.set_quantity(0)


def test_put_back_clears_the_order_from_the_station(db, packer):
    packer.open_order("SO-1")
    packer.scan(EAN["SW-RED-M"])
    assert packer.put_back() == "SO-1"
    assert packer.session is None
    assert get_order(db, "SO-1")["status"] == "paid"
    with pytest.raises(KioskError, match="No order is open at this station"):
        packer.scan(EAN["SW-RED-M"])


def test_a_restart_resumes_the_station_s_order(db, config, packer):
    packer.open_order("SO-1")
    packer.scan(EAN["SW-RED-M"])
    again = Desk(db, config)
    again.log_in("P001", "1234")
    assert again.resume() == "SO-1"
    assert again.session.units_packed == 1


def test_nobody_approving_a_short_shipment_holds_the_order(db, packer):
    packer.open_order("SO-1")
    reported = packer.report_problem(kind="damaged", line_no=2, quantity=1, hold=False)
    assert not reported.held
    decision = packer.decide_short(reported.problem_id, None)
    assert decision.held and decision.approved_by == ""
    assert decision.message == "Not approved: order SO-1 is on hold until a supervisor decides."
    order = get_order(db, "SO-1")
    assert (order["status"], order["hold_reason"]) == ("on_hold", "short_awaiting_approval")
    assert packer.session is None


def test_a_supervisor_approving_at_the_desk_lets_the_order_ship_short_and_is_recorded(db, packer):
    packer.open_order("SO-1")
    reported = packer.report_problem(kind="damaged", line_no=2, quantity=1, hold=False)
    approver = packer.as_supervisor("S001", "9999", action="short_shipment", order_id="SO-1")
    decision = packer.decide_short(reported.problem_id, approver)
    assert (decision.approved_by, decision.held) == ("Zhang Min", False)
    assert packer.session.units_ordered == 2
    assert db.execute("SELECT operator FROM events WHERE kind = 'short_approved'").fetchone() == ("S001",)
    packer.scan(EAN["SW-RED-M"])
    packer.scan(EAN["SW-RED-M"])
    assert packer.record_waybill("SF1234567890123").order_shipped


def test_a_short_shipment_needs_the_supervisor_s_own_approval(db, packer):
    packer.open_order("SO-1")
    reported = packer.report_problem(kind="damaged", line_no=2, quantity=1, hold=False)
    approver = packer.as_supervisor("S001", "9999", action="open_exceptions")
    with pytest.raises(KioskError, match="A supervisor must approve this first"):
        packer.decide_short(reported.problem_id, approver)


# -- no empty parcel (issue 13 item 1) --------------------------------------------------------------


def test_approving_every_unit_short_at_the_desk_holds_the_order_instead_of_shipping_an_empty_parcel(db, packer):
    packer.open_order("SO-2")  # one mug
    packer.acknowledge_notes()
    reported = packer.report_problem(kind="damaged", line_no=1, quantity=1, hold=False)
    approver = packer.as_supervisor("S001", "9999", action="short_shipment", order_id="SO-2")
    decision = packer.decide_short(reported.problem_id, approver)
    assert decision.held
    assert "nothing is left to ship" in decision.message
    order = get_order(db, "SO-2")
    assert (order["status"], order["hold_reason"]) == ("on_hold", "nothing_to_ship")
    with pytest.raises(KioskError, match="No order is open at this station"):
        packer.record_waybill("SF1234567890123")
    assert db.execute("SELECT COUNT(*) FROM shipments").fetchone()[0] == 0


def test_approving_every_unit_short_from_the_list_keeps_the_order_on_hold_and_it_cannot_be_packed(db, config, packer):
    problem = report_problem(db, "SO-2", kind="damaged", line_no=1, quantity=1, operator="P001", station="DESK-1")
    supervisor = desk_of(db, config, "S001", "9999", station="DESK-9")
    approver = supervisor.as_supervisor("S001", "9999", action="short_shipment", order_id="SO-2")
    approver.approve_short(problem)
    order = get_order(db, "SO-2")
    assert (order["status"], order["hold_reason"]) == ("on_hold", "nothing_to_ship")
    with pytest.raises(KioskError, match="Order SO-2 is on hold"):
        packer.open_order("SO-2")
    # A supervisor releasing it anyway does not make an empty parcel possible.
    supervisor.release("SO-2", "stock found")
    with pytest.raises(KioskError, match="Order SO-2 has nothing left to ship"):
        packer.open_order("SO-2")
    assert get_order(db, "SO-2")["status"] == "on_hold"
    assert db.execute("SELECT COUNT(*) FROM shipments").fetchone()[0] == 0
