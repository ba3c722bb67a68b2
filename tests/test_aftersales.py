"""After-sales: an order's whole timeline, claims with their packing evidence, resends, returns, and
contact data by role."""

from __future__ import annotations

import pytest

from kiosk.aftersales import ResendItem, case_view, create_resend, open_case, resolve_case, set_case_status
from kiosk.auth import Operator
from kiosk.claims import claim_order
from kiosk.contacts import order_contact
from kiosk.db import transaction
from kiosk.errors import KioskError
from kiosk.history import order_timeline
from kiosk.order_queue import queue_page
from kiosk.packing import PackSession, ScanResult
from kiosk.print_queue import finish_print_job, reprint_job
from kiosk.problems import release_to_queue, report_problem
from kiosk.returns import add_order, add_refund_line, close_return, receive_item, register_return, return_view
from kiosk.shipping import record_waybill
from kiosk.voids import void_shipment
from tests.conftest import EAN

AFTERSALES = Operator("A001", "Sam Carter", "aftersales")
SUPERVISOR = Operator("S001", "Zhang Min", "supervisor")
PACKER = Operator("P001", "Li Wei", "packer")
SO1_ITEMS = (EAN["SW-RED-M"], EAN["SW-RED-M"], EAN["TOTE-BLK"])


def pack(db, order_id: str, operator: str, station: str, codes=SO1_ITEMS) -> PackSession:
    claim_order(db, order_id, operator, station)
    session = PackSession(db, order_id, operator, station)
    session.acknowledge_notes()
    for code in codes:
        assert session.scan(code).accepted
    return session


def scan_ids(db, operator: str, station: str) -> list[int]:
    return [row[0] for row in db.execute(
        "SELECT id FROM scans WHERE operator = ? AND station = ? AND result = 'accepted' ORDER BY id",
        [operator, station])]


@pytest.fixture
def story(db):
    """SO-1 held for a problem, released, shipped, its label reprinted, voided, shipped again."""
    claim_order(db, "SO-1", "P001", "DESK-1")
    first = PackSession(db, "SO-1", "P001", "DESK-1")
    assert first.scan(EAN["SW-BLU-M"]).result is ScanResult.WRONG_VARIANT
    assert first.scan(EAN["SW-RED-M"]).accepted
    report_problem(db, "SO-1", kind="damaged", operator="P001", station="DESK-1", line_no=1, quantity=1,
                   description="torn seam", hold=True)
    release_to_queue(db, "SO-1", "back to the queue", SUPERVISOR, "DESK-9")
    shipped = record_waybill(pack(db, "SO-1", "P002", "DESK-2"), "1Z999AA10123456784", "spool")
    finish_print_job(db, shipped.print_job_id, file="first.png", station="DESK-2")
    again = reprint_job(db, shipped.print_job_id, "smudged", operator="S001", station="DESK-9")
    finish_print_job(db, again, file="again.png", station="DESK-9")
    void_shipment(db, shipped.shipment_id, "wrong box", supervisor="S001", station="DESK-9")
    reshipped = record_waybill(pack(db, "SO-1", "P001", "DESK-3"), "1Z12345E6605272234", "spool")
    return db, shipped, reshipped


def test_the_timeline_lists_hold_reprint_void_reship_claim_and_return_in_order_with_nothing_missing(story):
    db, shipped, reshipped = story
    case = open_case(db, AFTERSALES, "DESK-A", shipment_id=reshipped.shipment_id, kind="wrong_item",
                     request="resend", description="got blue, wanted red")
    create_resend(db, case.case_id, [ResendItem(1, 1)], AFTERSALES, "DESK-A")
    return_id = register_return(db, "SO-1", AFTERSALES, "DESK-A", return_tracking="1ZXF38300382722839")
    assert receive_item(db, return_id, EAN["SW-RED-M"], AFTERSALES, "DESK-A", condition="sellable",
                        outcome="restock").accepted
    close_return(db, return_id, AFTERSALES, "DESK-A", amount_difference="19.90", accessories_complete=True,
                 packaging_complete=False)

    timeline = order_timeline(db, "so-1", AFTERSALES)
    kinds = [entry.kind for entry in timeline.entries]
    milestones = ["order_placed", "order_paid", "status_packing", "scan_refused", "item_scanned",
                  "problem_reported", "status_on_hold", "status_paid", "parcel_recorded", "shipped",
                  "label_printed", "label_reprinted", "shipment_voided", "status_packing", "shipped",
                  "case_opened", "resend_created", "return_registered", "return_item_received", "return_closed"]
    position = 0
    for milestone in milestones:
        position = kinds.index(milestone, position) + 1
    # Nothing missing: every event of the order is there, plus when it was placed and paid.
    events = db.execute("SELECT COUNT(*) FROM events WHERE order_id = 'SO-1'").fetchone()[0]
    assert len(kinds) == events + 2
    assert [entry.at for entry in timeline.entries] == sorted(entry.at for entry in timeline.entries)
    assert timeline.resends == ("SO-1-R1",)
    # Each shipment with its carrier, tracking URL, labels, and whether it was voided.
    first, second = timeline.shipments
    assert (first.tracking_number, first.void, first.void_reason) == ("1Z999AA10123456784", True, "wrong box")
    assert [label.file for label in first.labels] == ["first.png", "again.png"]
    assert "1Z12345E6605272234" in second.tracking_url and not second.void
    hold = next(entry for entry in timeline.entries if entry.kind == "problem_reported")
    assert (hold.operator_name, hold.station) == ("Li Wei", "DESK-1") and "torn seam" in hold.details


def test_each_shipments_evidence_is_exactly_the_scans_that_went_into_it(story):
    db, shipped, reshipped = story
    timeline = order_timeline(db, "SO-1", AFTERSALES)
    first, second = timeline.shipments
    assert [item.scan_id for item in first.items] == scan_ids(db, "P002", "DESK-2")
    assert [item.scan_id for item in second.items] == scan_ids(db, "P001", "DESK-3")
    assert {(item.operator_name, item.station) for item in second.items} == {("Li Wei", "DESK-3")}
    assert [item.item for item in second.items] == ["Merino Sweater Red / M"] * 2 + ["Canvas Tote Black"]
    # The held attempt's scans (and its refused blue sweater) belong to no parcel that went out.
    assert first.refused == () and second.refused == ()

    case = open_case(db, AFTERSALES, "DESK-A", shipment_id=reshipped.shipment_id, kind="wrong_item",
                     request="exchange", description="blue instead of red")
    view = case_view(db, case.case_id, AFTERSALES)
    assert [item.scan_id for item in view.evidence.items] == scan_ids(db, "P001", "DESK-3")
    assert view.evidence.tracking_number == "1Z12345E6605272234"


def test_a_refused_scan_while_packing_is_part_of_the_evidence(db):
    claim_order(db, "SO-1", "P001", "DESK-1")
    session = PackSession(db, "SO-1", "P001", "DESK-1")
    assert session.scan(EAN["SW-BLU-M"]).result is ScanResult.WRONG_VARIANT
    for code in SO1_ITEMS:
        assert session.scan(code).accepted
    shipment = record_waybill(session, "1Z999AA10123456784", "spool")
    evidence = case_view(db, open_case(db, AFTERSALES, "A", shipment_id=shipment.shipment_id, kind="wrong_item",
                                       request="refund", description="blue").case_id, AFTERSALES).evidence
    assert [(scan.code, scan.result_name) for scan in evidence.refused] == [(EAN["SW-BLU-M"], "wrong variant")]


def test_a_claim_moves_through_its_statuses_each_step_an_event_with_who(story):
    db, _shipped, reshipped = story
    case = open_case(db, AFTERSALES, "DESK-A", shipment_id=reshipped.shipment_id, kind="damaged_in_transit",
                     request="partial_refund", amount="12.5")
    assert str(case.amount) == "12.50"
    set_case_status(db, case.case_id, "waiting_for_courier", AFTERSALES, "DESK-A", note="claim filed with UPS")
    set_case_status(db, case.case_id, "waiting_for_buyer", SUPERVISOR, "DESK-9")
    resolve_case(db, case.case_id, "refunded 12.50", SUPERVISOR, "DESK-9")
    steps = case_view(db, case.case_id, SUPERVISOR).steps
    assert [(step.status, step.operator) for step in steps] == [
        ("open", "A001"), ("waiting_for_courier", "A001"), ("waiting_for_buyer", "S001"), ("resolved", "S001")]
    with pytest.raises(KioskError, match="resolved already"):
        set_case_status(db, case.case_id, "open", AFTERSALES, "DESK-A")


@pytest.mark.parametrize(("changes", "message"), [
    ({"kind": "lost"}, "Unknown claim kind lost"),
    ({"request": "apology"}, "Unknown request apology"),
    ({"request": "partial_refund"}, "A partial refund needs its amount"),
    ({"amount": "-3"}, "cannot be negative"),
    ({"amount": "1.234"}, "is not an amount"),
    ({"kind": "other", "description": " "}, "Describe what the buyer says"),
])
def test_a_claim_that_cannot_be_recorded_says_why_and_records_nothing(story, changes, message):
    db, _shipped, reshipped = story
    arguments = {"shipment_id": reshipped.shipment_id, "kind": "item_missing", "request": "refund",
                 "amount": "0", "description": ""} | changes
    with pytest.raises(KioskError, match=message):
        open_case(db, AFTERSALES, "DESK-A", **arguments)
    assert db.execute("SELECT COUNT(*) FROM aftersales_cases").fetchone()[0] == 0


def test_no_claim_against_a_voided_shipment(story):
    db, shipped, _reshipped = story
    with pytest.raises(KioskError, match="was voided"):
        open_case(db, AFTERSALES, "DESK-A", shipment_id=shipped.shipment_id, kind="not_received", request="refund")


def test_a_resend_is_a_paid_order_with_only_the_items_resent_flagged_in_the_queue(story):
    db, _shipped, reshipped = story
    case = open_case(db, AFTERSALES, "DESK-A", shipment_id=reshipped.shipment_id, kind="wrong_item",
                     request="exchange", description="wrong colour received")
    resend = create_resend(db, case.case_id, [ResendItem(1, 1, sku="SW-RED-L")], AFTERSALES, "DESK-A")
    assert resend == "SO-1-R1"
    row = db.execute("SELECT status, resend_of, recipient_name FROM orders WHERE order_id = ?", [resend]).fetchone()
    assert row == ("paid", "SO-1", "Ann Smith")
    assert db.execute("SELECT sku, quantity FROM order_lines WHERE order_id = ?", [resend]).fetchall() == [
        ("SW-RED-L", 1)]
    entry = next(entry for entry in queue_page(db, 50) if entry.order_id == resend)
    assert "RESEND" in entry.flags
    with pytest.raises(KioskError, match="already has its resend, order SO-1-R1"):
        create_resend(db, case.case_id, [ResendItem(2, 1)], AFTERSALES, "DESK-A")
    # The packer packs it like any order: only the resent item is asked for.
    assert pack(db, resend, "P002", "DESK-2", codes=[EAN["SW-RED-L"]]).all_verified


@pytest.mark.parametrize(("items", "message"), [
    ([], "Choose the items"), ([ResendItem(9, 1)], "has no line 9"), ([ResendItem(1, 3)], "resend 1 to 2"),
    ([ResendItem(1, 1), ResendItem(1, 1)], "listed once"), ([ResendItem(1, 1, sku="NOPE")], "No product NOPE"),
])
def test_a_resend_that_cannot_be_made_says_why_and_creates_nothing(story, items, message):
    db, _shipped, reshipped = story
    case = open_case(db, AFTERSALES, "DESK-A", shipment_id=reshipped.shipment_id, kind="item_missing",
                     request="resend")
    with pytest.raises(KioskError, match=message):
        create_resend(db, case.case_id, items, AFTERSALES, "DESK-A")
    assert db.execute("SELECT COUNT(*) FROM orders WHERE resend_of IS NOT NULL").fetchone()[0] == 0


def test_a_return_scan_of_a_wrong_item_is_refused_like_a_pack_scan(story):
    db, _shipped, _reshipped = story
    return_id = register_return(db, "SO-1", AFTERSALES, "DESK-A", return_tracking="1ZXF38300382722839")
    claim_order(db, "SO-2", "P001", "DESK-5")
    packing = PackSession(db, "SO-2", "P001", "DESK-5")  # SO-2 is one mug
    packing.acknowledge_notes()
    for code in (EAN["SW-BLU-M"], EAN["SCARF-RED"], "0000000000000"):
        scan = receive_item(db, return_id, code, AFTERSALES, "DESK-A", condition="sellable", outcome="restock")
        assert not scan.accepted
        assert scan.result in (ScanResult.WRONG_VARIANT, ScanResult.NOT_IN_ORDER, ScanResult.UNKNOWN_CODE)
    assert receive_item(db, return_id, EAN["SW-BLU-M"], AFTERSALES, "A", condition="sellable",
                        outcome="restock").message.startswith("Wrong variant: Blue / M came back")
    # The same codes the packer's check refuses for the same reasons.
    assert receive_item(db, return_id, EAN["MUG-01"], AFTERSALES, "A", condition="sellable",
                        outcome="restock").result is packing.scan(EAN["TOTE-BLK"]).result is ScanResult.NOT_IN_ORDER
    for _unit in range(2):
        assert receive_item(db, return_id, EAN["SW-RED-M"], AFTERSALES, "A", condition="defective",
                            outcome="refurbish").accepted
    third = receive_item(db, return_id, EAN["SW-RED-M"], AFTERSALES, "A", condition="sellable", outcome="restock")
    assert third.result is ScanResult.LINE_COMPLETE and "2 Merino Sweater Red / M were shipped" in third.message
    view = return_view(db, return_id, AFTERSALES)
    assert [(item.line_no, item.condition, item.outcome) for item in view.items] == [
        (1, "defective", "refurbish"), (1, "defective", "refurbish")]
    refused = db.execute("SELECT COUNT(*) FROM events WHERE kind = 'return_scan_refused'").fetchone()[0]
    assert refused == 6


def test_a_return_covers_orders_of_one_buyer_and_closes_with_completeness_and_amount(db):
    with transaction(db) as conn:
        conn.execute("UPDATE orders SET buyer_id = 'ann' WHERE order_id IN ('SO-1', 'SO-2')")
    record_waybill(pack(db, "SO-1", "P001", "DESK-1"), "1Z999AA10123456784", "spool")
    session = pack(db, "SO-2", "P001", "DESK-1", codes=[EAN["MUG-01"]])
    record_waybill(session, "1Z12345E6605272234", "spool")
    return_id = register_return(db, "SO-1", AFTERSALES, "DESK-A", return_tracking="1ZXF 3830 0382 7228 39")
    assert not receive_item(db, return_id, EAN["MUG-01"], AFTERSALES, "A", condition="sellable",
                            outcome="restock").accepted
    add_order(db, return_id, "SO-2", AFTERSALES, "DESK-A")
    assert receive_item(db, return_id, EAN["MUG-01"], AFTERSALES, "A", condition="customer_damaged",
                        outcome="scrap").accepted
    with pytest.raises(KioskError, match="accessories and packaging"):
        close_return(db, return_id, AFTERSALES, "A", amount_difference="5")
    view = close_return(db, return_id, AFTERSALES, "A", amount_difference="-2.50", accessories_complete=False,
                        packaging_complete=True, note="charger missing")
    assert (view.status, str(view.amount_difference), view.accessories_complete, view.order_ids) == (
        "closed", "-2.50", False, ("SO-1", "SO-2"))
    assert [(item.order_id, item.condition) for item in view.items] == [("SO-2", "customer_damaged")]
    with pytest.raises(KioskError, match="is closed"):
        receive_item(db, return_id, EAN["SW-RED-M"], AFTERSALES, "A", condition="sellable", outcome="restock")
    from kiosk.lookup import lookup

    assert {hit.order_id for hit in lookup(db, "1ZXF38300382722839", AFTERSALES).hits} == {"SO-1", "SO-2"}


def test_a_return_refuses_another_buyers_order_and_an_order_never_shipped(story):
    db, _shipped, _reshipped = story
    return_id = register_return(db, "SO-1", AFTERSALES, "DESK-A")
    with transaction(db) as conn:
        conn.execute("UPDATE orders SET buyer_id = 'someone-else', status = 'shipped' WHERE order_id = 'SO-2'")
    with pytest.raises(KioskError, match="not from the buyer of return"):
        add_order(db, return_id, "SO-2", AFTERSALES, "DESK-A")
    with pytest.raises(KioskError, match="only a shipped order can come back"):
        register_return(db, "SO-3", AFTERSALES, "DESK-A")


def test_a_refund_only_return_has_lines_and_an_amount_but_no_parcel(story):
    db, _shipped, _reshipped = story
    with pytest.raises(KioskError, match="no return tracking number"):
        register_return(db, "SO-1", AFTERSALES, "A", return_tracking="1ZXF38300382722839", refund_only=True)
    return_id = register_return(db, "SO-1", AFTERSALES, "A", refund_only=True)
    with pytest.raises(KioskError, match="nothing to scan"):
        receive_item(db, return_id, EAN["TOTE-BLK"], AFTERSALES, "A", condition="sellable", outcome="restock")
    with pytest.raises(KioskError, match="1 units that could be refunded: 2 is not possible"):
        add_refund_line(db, return_id, "SO-1", 2, 2, AFTERSALES, "A")
    add_refund_line(db, return_id, "SO-1", 2, 1, AFTERSALES, "A")
    with pytest.raises(KioskError, match="needs the amount refunded"):
        close_return(db, return_id, AFTERSALES, "A", amount_difference="0")
    assert close_return(db, return_id, AFTERSALES, "A", amount_difference="9.99").status == "closed"


def test_a_packer_sees_the_phone_masked_and_no_email_and_the_look_is_not_logged(db):
    with transaction(db) as conn:
        conn.execute("UPDATE orders SET phone = '13812345678', email = 'ann@example.com' WHERE order_id = 'SO-1'")
    contact = order_contact(db, "SO-1", PACKER, "DESK-1")
    assert (contact.phone, contact.email, contact.masked) == ("138****5678", "", True)
    assert db.execute("SELECT COUNT(*) FROM events WHERE kind = 'personal_data_viewed'").fetchone()[0] == 0


@pytest.mark.parametrize("operator", [AFTERSALES, SUPERVISOR])
def test_after_sales_and_supervisors_see_contact_data_in_full_and_each_look_is_an_event(db, operator):
    with transaction(db) as conn:
        conn.execute("UPDATE orders SET phone = '+86 138 1234 5678', email = 'ann@example.com'"
                     " WHERE order_id = 'SO-1'")
    contact = order_contact(db, "SO-1", operator, "DESK-A")
    assert (contact.phone, contact.email, contact.masked) == ("+86 138 1234 5678", "ann@example.com", False)
    looks = db.execute("SELECT order_id, operator, station FROM events WHERE kind = 'personal_data_viewed'").fetchall()
    assert looks == [("SO-1", operator.badge, "DESK-A")]


@pytest.mark.parametrize("action", [
    lambda db: order_timeline(db, "SO-1", PACKER),
    lambda db: open_case(db, PACKER, "DESK-1", shipment_id=1, kind="other", request="refund", description="x"),
    lambda db: register_return(db, "SO-1", PACKER, "DESK-1"),
])
def test_packers_are_refused_after_sales_work_by_the_core(db, action):
    with pytest.raises(KioskError, match="Li Wei is not after-sales staff"):
        action(db)
