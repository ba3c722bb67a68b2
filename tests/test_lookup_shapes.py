"""What a query's shape looks up: a waybill names its orders, four digits are a phone tail or an order number."""

from __future__ import annotations

import json

import pytest

from kiosk.cli import main
from kiosk.db import transaction
from kiosk.lookup import MatchKind, lookup
from tests.test_lookup import AFTERSALES, add_order, found


def test_four_digits_list_the_order_with_that_number_first_then_every_phone_ending_so(db):
    add_order(db, "#1010", "Ann Smith", "+44 7700 900111", "ann", "", "")
    add_order(db, "SO-7", "Bob Stone", "+44 7700 901010", "bob", "", "")
    add_order(db, "SO-8", "Cy Twombly", "+1 555 000 1010", "cy", "", "")
    hits = found(db, "1010")
    assert hits[0] == ("#1010", "order_id")
    assert sorted(hits[1:]) == [("SO-7", "phone"), ("SO-8", "phone")]


def test_a_number_on_parcels_of_two_orders_lists_both_newest_parcel_first(db):
    add_order(db, "SO-7", "Bob Stone", "+44 1", "bob", "", "1Z999AA10123456784")
    add_order(db, "SO-8", "Bob Stone", "+44 1", "bob", "", "")
    with transaction(db) as conn:  # another carrier's number that reads the same
        conn.execute("INSERT INTO shipments (order_id, carrier, carrier_id, tracking_number, operator, station,"
                     " shipped_at) VALUES ('SO-8', 'UPS', 'ups', '1Z999AA10123456784', 'P001', 'DESK-1',"
                     " '2026-11-22T08:00:00.000+00:00')")
    page = lookup(db, "1Z 999 AA1 0123456784", AFTERSALES)
    assert [(hit.order_id, hit.matched, hit.tracking_number) for hit in page.hits] == [
        ("SO-8", MatchKind.TRACKING, "1Z999AA10123456784"), ("SO-7", MatchKind.TRACKING, "1Z999AA10123456784")]
    assert (page.total, page.capped) == (2, False)


def test_a_voided_parcels_tracking_number_still_finds_its_order_showing_the_live_parcel(db):
    add_order(db, "SO-7", "Bob Stone", "+44 1", "bob", "", "1Z999AA10123456784")
    with transaction(db) as conn:
        conn.execute("UPDATE shipments SET voided_at = '2026-11-21T09:00:00.000+00:00' WHERE order_id = 'SO-7'")
        conn.execute("INSERT INTO shipments (order_id, carrier, tracking_number, operator, station, shipped_at)"
                     " VALUES ('SO-7', 'DHL', '1234567890', 'P001', 'DESK-1', '2026-11-22T08:00:00.000+00:00')")
    hit = lookup(db, "1Z999AA10123456784", AFTERSALES).hits[0]
    assert (hit.order_id, hit.carrier, hit.tracking_number) == ("SO-7", "DHL", "1234567890")


@pytest.mark.parametrize("query", ["5678", "1Z999AA10123456785", "ann.smith"])
def test_the_json_of_a_search_names_every_field_of_a_hit(db, db_path, capsys, query):
    add_order(db, "SO-7", "Ann Smith", "+44 7700 905678", "ann.smith", "", "1Z999AA10123456785")
    assert main(["--db", str(db_path), "lookup", query, "--json"]) == 0
    hit = json.loads(capsys.readouterr().out)["hits"][0]
    assert hit["order_id"] == "SO-7" and hit["recipient_name"] == "Ann Smith" and hit["paid_at"]
    assert set(hit) >= {"platform", "status", "buyer_id", "created_at", "carrier", "tracking_number", "shipped_at",
                        "resend_of", "matched", "status_name", "matched_name"}


def test_a_phone_tail_shared_by_many_orders_is_paged_after_the_order_with_that_number(db):
    add_order(db, "#4321", "Ann Smith", "+44 7700 900111", "ann", "", "")
    for number in range(25):
        add_order(db, f"T-{number:02d}", f"Tail Person {number}", f"+1 555 {number:03d} 4321", f"tp{number}", "", "")
    pages = [lookup(db, "4321", AFTERSALES, page=page, page_size=10) for page in (1, 2, 3, 4)]
    assert [(page.total, page.pages, len(page.hits)) for page in pages] == [(26, 3, 10), (26, 3, 10), (26, 3, 6),
                                                                            (26, 3, 0)]
    assert (pages[0].hits[0].order_id, pages[0].hits[0].matched) == ("#4321", MatchKind.ORDER_ID)
    listed = [hit.order_id for page in pages for hit in page.hits]
    assert sorted(listed[1:]) == [f"T-{number:02d}" for number in range(25)]
    assert {hit.matched for page in pages for hit in page.hits[1 if page is pages[0] else 0:]} == {MatchKind.PHONE}


def test_an_order_whose_own_number_ends_its_phone_is_listed_once(db):
    add_order(db, "#4321", "Ann Smith", "+44 7700 904321", "ann", "", "")
    page = lookup(db, "4321", AFTERSALES)
    assert ([hit.order_id for hit in page.hits], page.total) == (["#4321"], 1)
