"""After-sales search: every kind of key finds the right order among many similar ones."""

from __future__ import annotations

import json

import pytest

from kiosk.auth import Operator
from kiosk.cli import main
from kiosk.db import transaction
from kiosk.errors import KioskError
from kiosk.lookup import MatchKind, lookup

AFTERSALES = Operator("A001", "Sam Carter", "aftersales")
SUPERVISOR = Operator("S001", "Zhang Min", "supervisor")
PACKER = Operator("P001", "Li Wei", "packer")

# order id -> (recipient, phone, buyer id, e-mail, tracking number or "")
SIMILAR = {
    "#1010": ("Ann Smith", "+44 7700 900111", "ann.smith", "ann@example.com", "1Z999AA10123456784"),
    "#10100": ("Anna Smithers", "+44 7700 900112", "anna.s", "anna@example.com", "1Z999AA10123456785"),
    "#1011": ("Bob Smith", "+44 7700 911111", "bob.smith", "bob@example.com", "1Z999AA10123456794"),
    "SO-10005": ("张伟", "+86 138 1234 5678", "zhangwei88", "", "SF1234567890123"),
    "SO-10006": ("张伟华", "13912345678", "weihua", "", "SF1234567890124"),
    "SO-10007": ("王伟", "13812345678", "wangwei", "", ""),
    "SO-10008": ("张三丰", "0771 2345 6789", "sanfeng", "", ""),
    "TB-2961748803517265": ("李娜", "+86 137 0000 5678", "lina_hz", "Li.Na@Example.com", ""),
}


def add_order(db, order_id: str, recipient: str, phone: str, buyer: str, email: str, tracking: str,
              sku: str = "MUG-01") -> None:
    with transaction(db) as conn:
        conn.execute(
            "INSERT INTO orders (order_id, buyer_id, recipient_name, phone, email, status, created_at, paid_at)"
            " VALUES (?, ?, ?, ?, ?, ?, '2026-11-20T08:00:00.000+00:00', '2026-11-20T09:00:00.000+00:00')",
            (order_id, buyer, recipient, phone, email, "shipped" if tracking else "paid"),
        )
        conn.execute("INSERT INTO order_lines (order_id, line_no, sku, name, colour, size, quantity)"
                     " VALUES (?, 1, ?, 'Enamel Mug', '', '', 1)", (order_id, sku))
        if tracking:
            conn.execute(
                "INSERT INTO shipments (order_id, carrier, tracking_number, operator, station, shipped_at)"
                " VALUES (?, 'UPS', ?, 'P001', 'DESK-1', '2026-11-21T08:00:00.000+00:00')", (order_id, tracking))


def found(db, query: str, operator: Operator = AFTERSALES) -> list[tuple[str, str]]:
    return [(hit.order_id, hit.matched.value) for hit in lookup(db, query, operator, page_size=50).hits]


@pytest.mark.parametrize("query", ["1010", "#1010", " #1010 "])
def test_an_order_number_with_or_without_its_punctuation_finds_that_order_first(similar, query):
    assert found(similar, query)[0] == ("#1010", "order_id")
    assert "#10100" not in [order_id for order_id, _kind in found(similar, query)]


@pytest.mark.parametrize("query", ["so-10005", "SO10005", "so 10005"])
def test_a_platform_order_number_is_found_in_any_case_and_spacing(similar, query):
    assert found(similar, query) == [("SO-10005", "order_id")]


def test_a_spreadsheet_wrapped_taobao_number_is_found(similar):
    assert found(similar, '="TB-2961748803517265"')[0] == ("TB-2961748803517265", "order_id")


@pytest.mark.parametrize("query", ["1Z999AA10123456785", "1z999aa1012345 6785", "1Z-999AA-1012-3456-785"])
def test_a_tracking_number_finds_its_order_not_the_one_a_digit_apart(similar, query):
    assert found(similar, query) == [("#10100", "tracking")]


def test_a_buyer_id_and_an_email_find_their_orders_whatever_the_case(similar):
    assert found(similar, "ANN.SMITH") == [("#1010", "buyer")]
    assert found(similar, "li.na@example.com") == [("TB-2961748803517265", "email")]


def test_the_last_four_digits_of_a_phone_list_every_order_with_them(similar):
    assert sorted(found(similar, "5678")) == sorted(
        [("SO-10005", "phone"), ("SO-10006", "phone"), ("SO-10007", "phone"), ("TB-2961748803517265", "phone")]
    )


@pytest.mark.parametrize("query", ["13812345678", "+86 138 1234 5678", "86-138-1234-5678"])
def test_a_full_phone_with_or_without_country_code_finds_only_that_phone(similar, query):
    # SO-10006 (139...) and TB-... (137...) end in the same four digits and are left out.
    assert sorted(found(similar, query)) == [("SO-10005", "phone"), ("SO-10007", "phone")]


def test_a_phone_written_with_its_trunk_zero_finds_the_number_stored_without_it(similar):
    add_order(similar, "SO-20000", "Tom Jones", "+44 7911 123456", "tomj", "", "")
    assert found(similar, "07911 123456") == [("SO-20000", "phone")]


def test_a_sku_or_an_item_barcode_finds_the_orders_with_that_item(similar, db):
    add_order(db, "SO-30000", "Cara Tote", "+44 1", "cara", "", "", sku="TOTE-BLK")
    # SO-1 of the seed has a tote too.
    assert sorted(found(db, "TOTE-BLK")) == [("SO-1", "sku"), ("SO-30000", "sku")]
    assert sorted(found(db, "INT-00017")) == [("SO-1", "sku"), ("SO-30000", "sku")]


def test_a_two_character_chinese_name_finds_the_names_that_start_or_end_with_it(similar):
    names = {order_id for order_id, kind in found(similar, "张伟") if kind == "name"}
    assert names == {"SO-10005", "SO-10006"}
    assert found(similar, "伟华") == [("SO-10006", "name")]
    assert {order_id for order_id, _kind in found(similar, "王伟")} == {"SO-10007"}


def test_a_three_character_chinese_name_and_a_single_surname(similar):
    assert found(similar, "张三丰") == [("SO-10008", "name")]
    assert {order_id for order_id, _kind in found(similar, "张")} == {"SO-10005", "SO-10006", "SO-10008"}


def test_a_partial_latin_name_finds_every_order_that_contains_it_best_first(similar):
    hits = found(similar, "smith")
    assert {order_id for order_id, _kind in hits} == {"#1010", "#10100", "#1011"}
    assert found(similar, "Ann Smith")[0][0] == "#1010"
    assert {order_id for order_id, _kind in found(similar, "bob smi")} == {"#1011"}


def test_exact_keys_come_before_names(similar, db):
    add_order(db, "SO-40000", "Mr Wangwei", "+1 1", "x", "", "")
    assert found(db, "wangwei") == [("SO-10007", "buyer"), ("SO-40000", "name")]


def test_the_full_text_index_follows_renamed_and_deleted_orders(similar, db):
    with transaction(db) as conn:
        conn.execute("UPDATE orders SET recipient_name = 'Zed Quinn' WHERE order_id = '#10100'")
        conn.execute("DELETE FROM order_lines WHERE order_id = 'SO-10008'")
        conn.execute("DELETE FROM orders WHERE order_id = 'SO-10008'")
    assert found(db, "quinn") == [("#10100", "name")]
    assert found(db, "smithers") == []
    assert found(db, "张三丰") == []


def test_results_are_paged(db):
    for number in range(25):
        add_order(db, f"P-{number:03d}", f"Page Person {number}", f"+1 555 000 {number:04d}", f"pp{number}", "", "")
    first = lookup(db, "Page Person", AFTERSALES, page=1, page_size=10)
    third = lookup(db, "Page Person", AFTERSALES, page=3, page_size=10)
    assert (first.total, first.pages, len(first.hits), len(third.hits)) == (25, 3, 10, 5)
    everything = [hit.order_id for page in (1, 2, 3)
                  for hit in lookup(db, "Page Person", AFTERSALES, page=page, page_size=10).hits]
    assert sorted(everything) == [f"P-{number:03d}" for number in range(25)]


def test_a_packer_cannot_search_and_a_supervisor_can(similar):
    with pytest.raises(KioskError, match="only after-sales staff and supervisors"):
        lookup(similar, "smith", PACKER)
    assert found(similar, "1010", SUPERVISOR)[0] == ("#1010", "order_id")


@pytest.mark.parametrize(("query", "message"), [("  ", "Type what to search for"),
                                                ("x" * 101, "too long"), ("ab\x07c", "control characters")])
def test_a_search_that_cannot_be_run_says_why(similar, query, message):
    with pytest.raises(KioskError, match=message):
        lookup(similar, query, AFTERSALES)


def test_kiosk_lookup_prints_the_same_results_as_json(similar, db_path, capsys):
    assert main(["--db", str(db_path), "lookup", "5678", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert sorted(hit["order_id"] for hit in document["hits"]) == sorted(
        order_id for order_id, _kind in found(similar, "5678"))
    assert {hit["matched"] for hit in document["hits"]} == {MatchKind.PHONE.value}
    assert "phone" not in document["hits"][0]  # contact data is never part of a search result


def test_kiosk_lookup_history_shows_the_one_order_found_and_refuses_several(similar, db_path, capsys):
    assert main(["--db", str(db_path), "lookup", "SO-10005", "--history"]) == 0
    out = capsys.readouterr().out
    assert "SO-10005" in out and "SF1234567890123" in out
    assert main(["--db", str(db_path), "lookup", "5678", "--history"]) == 1
    assert "4 orders found for 5678" in capsys.readouterr().err
    # "1010" is order #1010 (and a part of no phone here), not #10100.
    assert main(["--db", str(db_path), "lookup", "1010", "--history", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["order_id"] == "#1010"


def test_the_lookup_benchmark_measures_each_search_beside_its_floor(similar, db_path):
    from benchmarks.lookup_runs import measure_lookups

    figures = measure_lookups(db_path, queries=3, repeats=1)
    assert [figure.kind for figure in figures] == ["phone_tail", "name", "tracking"]
    assert all(figure.queries > 0 and figure.value > 0 and figure.floor > 0 for figure in figures)
