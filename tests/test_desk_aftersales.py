"""After-sales at the desk: search, history, contact data, claims, resends and returns, acting as the
operator logged in, and refused to packers before anything is read or written."""

from __future__ import annotations

import pytest

from kiosk.aftersales import ResendItem
from kiosk.auth import add_operator
from kiosk.db import transaction
from kiosk.desk import Desk
from kiosk.errors import KioskError
from kiosk.lookup import MatchKind
from kiosk.packing import ScanResult
from tests.conftest import EAN

WAYBILL = "1Z999AA10123456784"


def desk_of(db, config, badge: str, pin: str) -> Desk:
    desk = Desk(db, config)
    desk.log_in(badge, pin)
    return desk


@pytest.fixture
def shipped(db, config) -> int:
    """SO-1 packed and shipped by P001 at DESK-1 (two red sweaters, one tote); its shipment id."""
    with transaction(db) as conn:
        conn.execute("UPDATE orders SET phone = '+86 138 1234 5678', email = 'ann@example.com',"
                     " buyer_id = 'ann88' WHERE order_id = 'SO-1'")
    packer = desk_of(db, config, "P001", "1234")
    packer.open_order("SO-1")
    packer.acknowledge_notes()
    for code in (EAN["SW-RED-M"], EAN["SW-RED-M"], EAN["TOTE-BLK"]):
        assert packer.scan(code).accepted
    shipment = packer.record_waybill(WAYBILL)
    packer.log_out()
    return shipment.shipment_id


@pytest.fixture
def aftersales(db, config) -> Desk:
    add_operator(db, "A001", "Sam Carter", "aftersales", "5555", by="S001")
    return desk_of(db, config, "A001", "5555")


def test_search_finds_the_order_by_the_phone_tail_as_the_person_logged_in(shipped, aftersales):
    page = aftersales.search("5678")
    assert [(hit.order_id, hit.matched) for hit in page.hits] == [("SO-1", MatchKind.PHONE)]
    assert page.hits[0].tracking_number == WAYBILL


def test_the_timeline_shows_who_scanned_what_where_and_the_label(shipped, aftersales):
    timeline = aftersales.order_timeline("so1")
    assert timeline.order_id == "SO-1"
    (shipment,) = timeline.shipments
    assert [(item.code, item.operator, item.station) for item in shipment.items] == [
        (EAN["SW-RED-M"], "P001", "DESK-1"), (EAN["SW-RED-M"], "P001", "DESK-1"), (EAN["TOTE-BLK"], "P001", "DESK-1")]
    assert shipment.tracking_number == WAYBILL
    assert len(shipment.labels) == 1


def test_contact_data_is_whole_for_aftersales_and_the_look_is_recorded_with_who_and_where(db, shipped, aftersales):
    contact = aftersales.order_contact("SO-1")
    assert (contact.phone, contact.email, contact.masked) == ("+86 138 1234 5678", "ann@example.com", False)
    assert db.execute("SELECT operator, station FROM events WHERE kind = 'personal_data_viewed'").fetchall() == [
        ("A001", "DESK-1")]


def test_a_packer_sees_the_phone_masked_and_no_email(db, config, shipped):
    packer = desk_of(db, config, "P001", "1234")
    contact = packer.order_contact("SO-1")
    assert (contact.phone, contact.email, contact.masked) == ("+86 138 **** 5678", "", True)
    assert not db.execute("SELECT COUNT(*) FROM events WHERE kind = 'personal_data_viewed'").fetchone()[0]


def test_a_claim_with_a_resend_puts_the_resend_in_the_packers_queue(db, config, shipped, aftersales):
    case = aftersales.open_claim(shipped, kind="wrong_item", request="resend", description="got blue, not red",
                                 resend=[ResendItem(1, 1)])
    assert case.resend_order_id == "SO-1-R1"
    assert db.execute("SELECT operator, station FROM events WHERE kind = 'case_opened'").fetchone() == (
        "A001", "DESK-1")
    packer = desk_of(db, config, "P001", "1234")
    flags = {entry.order_id: entry.flags for entry in packer.queue().entries}
    assert "RESEND" in flags["SO-1-R1"]


def test_a_claim_whose_resend_cannot_be_made_is_not_recorded(db, shipped, aftersales):
    with pytest.raises(KioskError, match="Line 1 had 2 units: resend 1 to 2."):
        aftersales.open_claim(shipped, kind="wrong_item", request="resend", description="wrong colour",
                              resend=[ResendItem(1, 3)])
    assert not db.execute("SELECT COUNT(*) FROM aftersales_cases").fetchone()[0]


def test_a_claim_moves_through_its_statuses_each_step_by_the_person_logged_in(db, shipped, aftersales):
    case = aftersales.open_claim(shipped, kind="not_received", request="refund", amount="59.80")
    assert aftersales.set_claim_status(case.case_id, "waiting_for_courier", "asked UPS").status == \
        "waiting_for_courier"
    assert aftersales.resolve_claim(case.case_id, "refunded").status == "resolved"
    view = aftersales.claim(case.case_id)
    assert [(step.kind, step.operator) for step in view.steps] == [
        ("case_opened", "A001"), ("case_status", "A001"), ("case_resolved", "A001")]
    assert [c.case_id for c in aftersales.claims("SO-1")] == [case.case_id]


def test_a_return_is_scanned_in_with_the_pack_check_and_closed(db, shipped, aftersales):
    return_id = aftersales.register_return("SO-1", return_tracking="1ZXF38300382722839")
    assert aftersales.find_return("1ZXF 3830 0382 7228 39") == return_id
    wrong = aftersales.receive_return_item(return_id, EAN["SW-BLU-M"], condition="sellable", outcome="restock")
    assert wrong.result is ScanResult.WRONG_VARIANT
    assert "Wrong variant" in wrong.message
    assert aftersales.receive_return_item(return_id, EAN["SW-RED-M"], condition="defective",
                                          outcome="scrap").accepted
    view = aftersales.close_return(return_id, amount_difference="29.90", accessories_complete=True,
                                   packaging_complete=False)
    assert (view.status, view.closed_by, [item.condition for item in view.items]) == ("closed", "A001",
                                                                                      ["defective"])
    assert [r.return_id for r in aftersales.returns("SO-1")] == [return_id]


REFUSED = "Li Wei is not after-sales staff: only after-sales staff and supervisors can do this."


@pytest.mark.parametrize("action", [
    lambda desk, sid: desk.search("5678"),
    lambda desk, sid: desk.order_timeline("SO-1"),
    lambda desk, sid: desk.claims("SO-1"),
    lambda desk, sid: desk.claim(1),
    lambda desk, sid: desk.open_claim(sid, kind="item_missing", request="refund"),
    lambda desk, sid: desk.set_claim_status(1, "waiting_for_buyer"),
    lambda desk, sid: desk.resolve_claim(1, "refunded"),
    lambda desk, sid: desk.create_resend(1, [ResendItem(1, 1)]),
    lambda desk, sid: desk.register_return("SO-1"),
    lambda desk, sid: desk.find_return(WAYBILL),
    lambda desk, sid: desk.returns("SO-1"),
    lambda desk, sid: desk.return_view(1),
    lambda desk, sid: desk.add_return_order(1, "SO-2"),
    lambda desk, sid: desk.receive_return_item(1, EAN["SW-RED-M"], condition="sellable", outcome="restock"),
    lambda desk, sid: desk.add_refund_line(1, "SO-1", 1, 1),
    lambda desk, sid: desk.close_return(1, amount_difference="1.00"),
], ids=["search", "timeline", "claims", "claim", "open_claim", "claim_status", "resolve_claim", "resend",
        "register_return", "find_return", "returns", "return_view", "add_return_order", "return_scan",
        "refund_line", "close_return"])
def test_a_packers_desk_is_refused_every_aftersales_action_and_nothing_changes(db, config, shipped, action):
    events = db.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    packer = desk_of(db, config, "P001", "1234")
    with pytest.raises(KioskError, match=REFUSED):
        action(packer, shipped)
    # The login is the only event the packer's desk wrote.
    assert db.execute("SELECT kind FROM events WHERE id > ?", [events]).fetchall() == [("login",)]
    assert not packer.works_in_aftersales


def test_nobody_logged_in_is_refused_before_anything_is_read(db, config, shipped):
    with pytest.raises(KioskError, match="Nobody is logged in at this station"):
        Desk(db, config).search("5678")


def test_a_supervisor_works_in_aftersales_too(db, config, shipped):
    supervisor = desk_of(db, config, "S001", "9999")
    assert supervisor.works_in_aftersales
    assert [hit.order_id for hit in supervisor.search("SO-1").hits] == ["SO-1"]
