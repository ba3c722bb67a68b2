"""Returns without a parcel (money back only) and one parcel back with items of two orders of a buyer."""

from __future__ import annotations

import pytest

from kiosk.auth import Operator
from kiosk.db import transaction
from kiosk.errors import KioskError
from kiosk.packing import ScanResult
from kiosk.returns import (
    add_order,
    add_refund_line,
    close_return,
    pick_refund_line,
    receive_item,
    refundable_lines,
    register_return,
    return_view,
)
from kiosk.shipping import record_waybill
from tests.conftest import EAN
from tests.test_aftersales import pack

AFTERSALES = Operator("A001", "Sam Carter", "aftersales")
PACKER = Operator("P001", "Li Wei", "packer")


@pytest.fixture
def two_orders(db):
    """SO-1 (two red sweaters, a tote) and SO-2 (a mug) shipped to the same buyer, in two parcels."""
    with transaction(db) as conn:
        conn.execute("UPDATE orders SET buyer_id = 'ann' WHERE order_id IN ('SO-1', 'SO-2')")
    record_waybill(pack(db, "SO-1", "P001", "DESK-1"), "1Z999AA10123456784", "spool")
    record_waybill(pack(db, "SO-2", "P001", "DESK-1", codes=[EAN["MUG-01"]]), "1Z12345E6605272234", "spool")
    return db


def receive(db, return_id: int, code: str, condition: str = "sellable", outcome: str = "restock"):
    return receive_item(db, return_id, code, AFTERSALES, "DESK-A", condition=condition, outcome=outcome)


def test_an_item_of_another_order_of_the_buyer_names_that_order_and_is_taken_once_it_is_added(two_orders):
    db = two_orders
    return_id = register_return(db, "SO-1", AFTERSALES, "DESK-A", return_tracking="1ZXF38300382722839")
    refused = receive(db, return_id, EAN["MUG-01"])
    assert refused.result is ScanResult.NOT_IN_ORDER
    assert refused.message == ("Enamel Mug was shipped to this buyer in order SO-2, which this return does not"
                               " cover yet: add that order, then scan it again.")
    # Typed as the platform prints it, or without its punctuation.
    assert add_order(db, return_id, "so2", AFTERSALES, "DESK-A") == "SO-2"
    assert receive(db, return_id, EAN["MUG-01"]).accepted
    assert receive(db, return_id, EAN["SW-RED-M"], "defective", "refurbish").accepted
    view = return_view(db, return_id, AFTERSALES)
    assert view.order_ids == ("SO-1", "SO-2")
    assert [(item.order_id, item.line_no, item.condition) for item in view.items] == [
        ("SO-2", 1, "sellable"), ("SO-1", 1, "defective")]


def test_an_item_the_buyer_never_got_is_still_refused_without_naming_an_order(two_orders):
    db = two_orders
    return_id = register_return(db, "SO-1", AFTERSALES, "DESK-A")
    refused = receive(db, return_id, EAN["SCARF-RED"])
    assert refused.message.startswith("Not shipped to this buyer: 真丝围巾 红色.")


def test_a_refund_only_line_is_picked_by_its_number_its_sku_or_a_barcode(two_orders):
    db = two_orders
    return_id = register_return(db, "SO-1", AFTERSALES, "DESK-A", refund_only=True)
    add_order(db, return_id, "SO-2", AFTERSALES, "DESK-A")
    numbered = [(line.order_id, line.line_no) for line in refundable_lines(return_view(db, return_id, AFTERSALES))]
    assert numbered == [("SO-1", 1), ("SO-1", 2), ("SO-2", 1)]
    assert (pick_refund_line(db, return_id, "3", AFTERSALES).order_id) == "SO-2"
    assert pick_refund_line(db, return_id, "TOTE-BLK", AFTERSALES).line_no == 2
    assert pick_refund_line(db, return_id, EAN["MUG-01"], AFTERSALES).order_id == "SO-2"
    with pytest.raises(KioskError, match="Type a number from 1 to 3, or scan the item"):
        pick_refund_line(db, return_id, "4", AFTERSALES)
    add_refund_line(db, return_id, "SO-1", 2, 1, AFTERSALES, "DESK-A")
    with pytest.raises(KioskError, match="Canvas Tote Black is not among the units that could be refunded"):
        pick_refund_line(db, return_id, EAN["TOTE-BLK"], AFTERSALES)
    with pytest.raises(KioskError, match="is no line number, sku or barcode"):
        pick_refund_line(db, return_id, "NOPE-42", AFTERSALES)


def test_a_refund_only_return_closes_only_with_refunded_lines_and_money_to_the_buyer(two_orders):
    db = two_orders
    return_id = register_return(db, "SO-1", AFTERSALES, "DESK-A", refund_only=True)
    with pytest.raises(KioskError, match="No line is refunded yet"):
        close_return(db, return_id, AFTERSALES, "DESK-A", amount_difference="19.90")
    add_refund_line(db, return_id, "SO-1", 1, 2, AFTERSALES, "DESK-A")
    with pytest.raises(KioskError, match=r"needs the amount refunded \(more than 0\)"):
        close_return(db, return_id, AFTERSALES, "DESK-A", amount_difference="-5")
    view = close_return(db, return_id, AFTERSALES, "DESK-A", amount_difference="39.80", note="buyer keeps them")
    assert (view.status, view.kind, str(view.amount_difference), view.note) == (
        "closed", "refund_only", "39.80", "buyer keeps them")
    assert [(item.line_no, item.quantity, item.condition) for item in view.items] == [(1, 2, "")]
    with pytest.raises(KioskError, match="is closed"):
        pick_refund_line(db, return_id, "1", AFTERSALES)


def test_units_refunded_before_are_not_offered_again(two_orders):
    db = two_orders
    first = register_return(db, "SO-1", AFTERSALES, "DESK-A", refund_only=True)
    add_refund_line(db, first, "SO-1", 2, 1, AFTERSALES, "DESK-A")
    close_return(db, first, AFTERSALES, "DESK-A", amount_difference="12")
    second = register_return(db, "SO-1", AFTERSALES, "DESK-A", refund_only=True)
    assert [line.line_no for line in refundable_lines(return_view(db, second, AFTERSALES))] == [1]


def test_a_packer_cannot_pick_a_refund_line(two_orders):
    return_id = register_return(two_orders, "SO-1", AFTERSALES, "DESK-A", refund_only=True)
    with pytest.raises(KioskError, match="Li Wei is not after-sales staff"):
        pick_refund_line(two_orders, return_id, "1", PACKER)


def test_the_timeline_shows_a_refunded_line_as_a_refund_and_the_return_on_each_order(two_orders):
    from kiosk.history import order_timeline

    db = two_orders
    return_id = register_return(db, "SO-1", AFTERSALES, "DESK-A", refund_only=True)
    add_order(db, return_id, "SO-2", AFTERSALES, "DESK-A")
    add_refund_line(db, return_id, "SO-2", 1, 1, AFTERSALES, "DESK-A")
    close_return(db, return_id, AFTERSALES, "DESK-A", amount_difference="8.50")
    entries = [(entry.kind, entry.details) for entry in order_timeline(db, "SO-2", AFTERSALES).entries
               if entry.kind.startswith("return_")]
    assert entries == [("return_order_added", "return 1"),
                       ("return_item_received", "return 1 · Enamel Mug · refund only"),
                       ("return_closed", "return 1 · amount 8.50")]
    assert ("return_registered", "return 1 · refund only") in [
        (entry.kind, entry.details) for entry in order_timeline(db, "SO-1", AFTERSALES).entries]
