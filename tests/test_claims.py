"""Opening orders: one station per order, and only orders that may be packed."""

from __future__ import annotations

import pytest

from kiosk.claims import claim_order, release_order, station_claim
from kiosk.db import open_database
from kiosk.errors import KioskError
from kiosk.orders import get_order
from kiosk.packing import PackSession
from tests.conftest import EAN


def test_claim_moves_the_order_to_packing(db):
    claim = claim_order(db, "SO-1", "P001", "DESK-1")
    assert not claim.resumed
    assert get_order(db, "SO-1")["status"] == "packing"
    assert station_claim(db, "DESK-1") == "SO-1"


def test_second_station_is_told_who_holds_the_order(db_path):
    first, second = open_database(db_path), open_database(db_path)
    claim_order(first, "SO-1", "P001", "DESK-1")
    with pytest.raises(KioskError, match=r"Order SO-1 is held by Li Wei at DESK-1 since \d{1,2}:\d\d"):
        claim_order(second, "SO-1", "P002", "DESK-2")


def test_same_station_resumes_its_claim(db):
    claim_order(db, "SO-1", "P001", "DESK-1")
    assert claim_order(db, "SO-1", "P002", "DESK-1").resumed


@pytest.mark.parametrize(
    ("order_id", "reason"),
    [
        ("SO-3", "Order SO-3 is awaiting payment: do not pack it yet."),
        ("SO-4", "Order SO-4 was cancelled: do not pack it."),
        ("SO-5", "Order SO-5 is on hold (address check): ask a supervisor."),
        ("NOPE", "No order NOPE: check the packing slip and scan again."),
    ],
)
def test_orders_that_may_not_be_packed_are_refused_with_the_reason(db, order_id, reason):
    with pytest.raises(KioskError) as refused:
        claim_order(db, order_id, "P001", "DESK-1")
    assert str(refused.value) == reason
    assert not db.execute("SELECT COUNT(*) FROM claims").fetchone()[0]


def test_put_back_returns_the_order_to_the_queue_and_clears_its_scans(db):
    claim_order(db, "SO-1", "P001", "DESK-1")
    PackSession(db, "SO-1", "P001", "DESK-1").scan(EAN["SW-RED-M"])
    release_order(db, "SO-1", "P001", "DESK-1")
    assert get_order(db, "SO-1")["status"] == "paid"
    assert station_claim(db, "DESK-1") is None
    # The scan stays on record but no longer counts.
    claim_order(db, "SO-1", "P002", "DESK-2")
    assert PackSession(db, "SO-1", "P002", "DESK-2").units_packed == 0
    assert db.execute("SELECT COUNT(*) FROM scans").fetchone()[0] == 1


def test_another_station_cannot_put_back_an_order_it_does_not_hold(db):
    claim_order(db, "SO-1", "P001", "DESK-1")
    with pytest.raises(KioskError, match="not held by this station"):
        release_order(db, "SO-1", "P002", "DESK-2")


def _add_order(db, order_id: str) -> None:
    db.execute("INSERT INTO orders (order_id, status, created_at) VALUES (?, 'paid', '2026-11-26T08:00:00.000+00:00')",
               [order_id])
    db.execute("INSERT INTO order_lines (order_id, line_no, sku, name, colour, size, quantity)"
               " VALUES (?, 1, 'SW-RED-M', 'Sweater', 'Red', 'M', 1)", [order_id])


@pytest.mark.parametrize(("typed", "opened"), [
    ("1010", "#1010"), (" #1010 ", "#1010"), ("so-1", "SO-1"), ("SO1", "SO-1"),
    ("114 2867457 4049886", "114-2867457-4049886"),
])
def test_order_numbers_are_found_as_people_type_them(db, typed, opened):
    _add_order(db, "#1010")
    _add_order(db, "114-2867457-4049886")
    assert claim_order(db, typed, "P001", "DESK-1").order_id == opened
    assert get_order(db, opened)["status"] == "packing"


def test_the_exact_number_wins_and_several_matches_are_listed(db):
    _add_order(db, "1010")
    _add_order(db, "#1010")
    _add_order(db, "10-10")
    # Typed exactly: that order, though two others read the same without punctuation.
    assert claim_order(db, "#1010", "P001", "DESK-1").order_id == "#1010"
    with pytest.raises(KioskError, match=r"^10 10 fits several orders: #1010, 10-10, 1010\. Scan the packing slip"):
        claim_order(db, "10 10", "P001", "DESK-1")


def test_a_station_that_was_off_is_told_at_login_what_happened_to_its_order(db):
    from kiosk.claims import seen_stop, stopped_while_away
    from kiosk.db import transaction
    from kiosk.problems import cancel_order, hold_order

    claim_order(db, "SO-1", "P001", "DESK-1")
    PackSession(db, "SO-1", "P001", "DESK-1").scan(EAN["SW-RED-M"])
    claim_order(db, "SO-2", "P002", "DESK-2")
    # DESK-1 is off (a crash); a supervisor cancels its order from the office.
    cancel_order(db, "SO-1", "buyer cancelled", "S001", "OFFICE")
    hold_order(db, "SO-2", "address check", "S001", "OFFICE")
    assert [stop.message for stop in stopped_while_away(db, "DESK-1")] == [
        "Order SO-1 was cancelled while this station was off: put its items back."
    ]
    # Told once.
    assert stopped_while_away(db, "DESK-1") == []
    # DESK-2 saw it on its pack screen: nothing at its next login.
    with transaction(db) as conn:
        seen_stop(conn, "DESK-2", "SO-2")
    assert stopped_while_away(db, "DESK-2") == []


def test_a_stations_own_put_back_leaves_no_notice(db):
    from kiosk.claims import stopped_while_away

    claim_order(db, "SO-1", "P001", "DESK-1")
    release_order(db, "SO-1", "P001", "DESK-1")
    assert stopped_while_away(db, "DESK-1") == []


def test_a_packer_stopped_on_the_pack_screen_gets_no_notice_later(db):
    from kiosk.claims import stopped_while_away
    from kiosk.problems import cancel_order

    claim_order(db, "SO-1", "P001", "DESK-1")
    session = PackSession(db, "SO-1", "P001", "DESK-1")
    cancel_order(db, "SO-1", "buyer cancelled", "S001", "OFFICE")
    assert session.interruption() == "Order cancelled: put the items back."
    assert stopped_while_away(db, "DESK-1") == []
