"""The demo database: what the fixtures hold, how they load, and what they refuse."""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlite_utils

from fixtures import FIXTURES_DIR
from fixtures.load import DEMO_STATION, create_demo_database, load_demo_data, read_fixtures
from kiosk.auth import pin_matches
from kiosk.carriers import identify
from kiosk.checkdigits import gtin_check_digit, gtin_valid
from kiosk.db import open_database
from kiosk.errors import KioskError
from kiosk.tracking import check_tracking_format

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
CJK = re.compile(r"[\u4e00-\u9fff]")
DATA_TABLES = ("products", "barcodes", "operators", "orders", "order_lines", "scans",
               "shipments", "events")


@pytest.fixture
def demo(tmp_path: Path) -> sqlite_utils.Database:
    db = open_database(create_demo_database(tmp_path / "demo.db", now=NOW))
    yield db
    db.close()


def orders_where(db: sqlite_utils.Database, where: str, params=()) -> list[dict]:
    return list(db.query(f"SELECT * FROM orders WHERE {where}", params))


def stamp(hours_ago: float) -> str:
    return (NOW - timedelta(hours=hours_ago)).isoformat(timespec="milliseconds")


# -- check digits ----------------------------------------------------------------

@pytest.mark.parametrize(("body", "check"), [
    ("400638133393", 1),  # 4006381333931, a real German EAN
    ("590123412345", 7),  # GS1's textbook example
    ("978030640615", 7),  # an ISBN-13
])
def test_ean13_check_digit(body, check):
    assert gtin_check_digit(body) == check
    assert gtin_valid(f"{body}{check}", 13)


def test_gtin_check_digit_serves_upc_a():
    assert gtin_check_digit("03600029145") == 2  # 036000291452


@pytest.mark.parametrize("code", ["400638133393", "40063813339311", "400638133393X", "4006381333932"])
def test_an_ean13_needs_13_digits_and_its_check_digit(code):
    assert not gtin_valid(code, 13)


def test_a_gtin_body_is_digits_only():
    with pytest.raises(ValueError, match="a GTIN body is digits only"):
        gtin_check_digit("69012340000X")


# -- catalogue -------------------------------------------------------------------

def test_catalogue_has_styles_with_many_variants(demo):
    assert demo["products"].count >= 40
    variants = Counter(row["style_id"] for row in demo.query("SELECT style_id FROM products"))
    assert sum(1 for n in variants.values() if n >= 3) >= 4
    assert sum(1 for n in variants.values() if n == 1) >= 3  # phone case, book, ...
    sweater = list(demo.query("SELECT colour, size FROM products WHERE name = ?",
                              ["Merino Crew Sweater"]))
    assert {(r["colour"], r["size"]) for r in sweater} == {
        (c, s) for c in ("Red", "Blue", "Grey") for s in ("S", "M", "L")}
    totes = list(demo.query("SELECT colour, size FROM products WHERE name = 'Canvas Tote'"))
    assert len(totes) >= 3 and all(r["size"] == "" and r["colour"] for r in totes)


def test_chinese_product_names_and_colours(demo):
    scarves = list(demo.query("SELECT colour FROM products WHERE name = '真丝围巾'"))
    assert len(scarves) >= 2 and all(CJK.search(r["colour"]) for r in scarves)


def test_every_product_has_a_valid_ean13(demo):
    eans = list(demo.query("SELECT code, sku FROM barcodes WHERE kind = 'ean13'"))
    assert {r["sku"] for r in eans} == {r["sku"] for r in demo.query("SELECT sku FROM products")}
    for row in eans:
        code = row["code"]
        assert len(code) == 13 and code.isdigit(), code
        assert gtin_valid(code, 13), code
    for row in demo.query("SELECT code FROM barcodes WHERE kind = 'upca'"):
        assert gtin_check_digit(row["code"][:11]) == int(row["code"][11])


def test_some_skus_have_a_second_barcode(demo):
    rows = list(demo.query("SELECT sku, COUNT(*) AS n, GROUP_CONCAT(kind) AS kinds"
                           " FROM barcodes GROUP BY sku HAVING n >= 2"))
    assert len(rows) >= 5
    kinds = ",".join(r["kinds"] for r in rows)
    assert "fnsku" in kinds and "internal" in kinds
    for row in demo.query("SELECT code FROM barcodes WHERE kind = 'fnsku'"):
        assert re.fullmatch(r"X00[0-9A-Z]{7}", row["code"])
    for row in demo.query("SELECT code FROM barcodes WHERE kind = 'internal'"):
        assert re.fullmatch(r"INT-\d{5}", row["code"])


# -- operators -------------------------------------------------------------------

@pytest.mark.parametrize(("badge", "pin", "role"), [
    ("P001", "1234", "packer"),
    ("P002", "4321", "packer"),
    ("S001", "9999", "supervisor"),
    ("A001", "5555", "aftersales"),
])
def test_demo_logins(demo, badge, pin, role):
    row = demo["operators"].get(badge)
    assert row["role"] == role and row["active"] == 1
    assert row["pin_hash"].startswith("pscrypt:") and pin not in row["pin_hash"].split("$")
    assert pin_matches(pin, row["pin_hash"])
    assert not pin_matches("0000", row["pin_hash"])


def test_a_disabled_packer(demo):
    row = demo["operators"].get("P009")
    assert row["role"] == "packer" and row["active"] == 0


# -- orders ----------------------------------------------------------------------

def test_every_status_is_present(demo):
    counts = dict(demo.execute("SELECT status, COUNT(*) FROM orders GROUP BY status").fetchall())
    assert sum(counts.values()) >= 60
    assert counts["awaiting_payment"] >= 5
    assert counts["paid"] >= 30
    assert counts["on_hold"] >= 3
    assert counts["cancelled"] >= 3
    assert counts["shipped"] >= 10
    assert "packing" not in counts  # nothing is held by a station when the demo starts
    assert not orders_where(demo, "status = 'awaiting_payment' AND paid_at IS NOT NULL")
    assert not orders_where(demo, "status IN ('paid', 'on_hold', 'shipped') AND paid_at IS NULL")
    assert not orders_where(demo, "status = 'on_hold' AND hold_reason = ''")
    assert not orders_where(demo, "status != 'on_hold' AND hold_reason != ''")


@pytest.mark.parametrize(("platform", "pattern"), [
    ("amazon", r"\d{3}-\d{7}-\d{7}"),
    ("shopify", r"#\d{4}"),
    ("taobao", r"\d{16,19}"),
    ("manual", r"SO-\d{5}"),
])
def test_order_ids_look_like_their_platform(demo, platform, pattern):
    rows = orders_where(demo, "platform = ?", [platform])
    assert len(rows) >= 3
    assert all(re.fullmatch(pattern, r["order_id"]) for r in rows), [r["order_id"] for r in rows]


def test_multi_line_and_multi_quantity_orders(demo):
    lines = Counter(r[0] for r in demo.execute(
        "SELECT l.order_id FROM order_lines l JOIN orders o USING (order_id)"
        " WHERE o.status = 'paid'"))
    assert sum(1 for n in lines.values() if n == 1) >= 15
    assert sum(1 for n in lines.values() if 3 <= n <= 5) >= 3
    bulk = demo.execute("SELECT COUNT(*) FROM order_lines WHERE quantity BETWEEN 2 AND 6"
                        ).fetchone()[0]
    assert bulk >= 8


def test_lines_copy_name_and_variant_from_the_catalogue(demo):
    mismatched = demo.execute(
        "SELECT COUNT(*) FROM order_lines l LEFT JOIN products p USING (sku)"
        " WHERE p.sku IS NULL OR l.name != p.name OR l.colour != p.colour OR l.size != p.size"
    ).fetchone()[0]
    assert mismatched == 0


def test_notes_that_change_what_is_packed(demo):
    colour = orders_where(demo, "buyer_note LIKE '%instead of%' AND status = 'paid'")
    assert colour and "blue" in colour[0]["buyer_note"].lower()
    courier = orders_where(
        demo, "status = 'paid' AND requested_carrier != ''"
        " AND (buyer_note LIKE '%UPS%' OR buyer_note LIKE '%顺丰%')")
    assert {r["requested_carrier"] for r in courier} >= {"UPS", "SF Express"}
    assert any(CJK.search(r["buyer_note"]) for r in orders_where(demo, "buyer_note != ''"))
    seller = " | ".join(r["seller_note"] for r in orders_where(demo, "seller_note != ''"))
    assert "thank-you card" in seller and "gift wrap" in seller


def test_recipients_chinese_and_latin(demo):
    chinese = orders_where(demo, "country = 'CN'")
    assert len(chinese) >= 10
    assert all(CJK.search(r["recipient_name"]) and CJK.search(r["address"]) for r in chinese)
    assert all(re.fullmatch(r"1[3-9]\d{9}", r["phone"]) for r in chinese)
    assert any(r["phone"].startswith("138") for r in chinese)
    for country in ("US", "GB", "DE", "FR"):
        rows = orders_where(demo, "country = ?", [country])
        assert rows and not any(CJK.search(r["recipient_name"]) for r in rows), country


def test_remote_addresses(demo):
    provinces = {(r["country"], r["province"]) for r in orders_where(demo, "status = 'paid'")}
    assert any(p.startswith("新疆") for c, p in provinces if c == "CN")
    assert any(p.startswith("西藏") for c, p in provinces if c == "CN")
    assert {("US", "HI"), ("US", "AK"), ("US", "PR")} <= provinces


def test_times_count_back_from_now(demo):
    fixture = {o["order_id"]: o for o in read_fixtures()["orders"]}
    for row in demo.query("SELECT order_id, created_at, paid_at FROM orders"):
        source = fixture[row["order_id"]]
        assert row["created_at"] == stamp(source["created_hours_ago"])
        if source["paid_hours_ago"] is None:
            assert row["paid_at"] is None
        else:
            assert row["created_at"] <= row["paid_at"] == stamp(source["paid_hours_ago"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", row["created_at"])


def test_the_queue_order_is_visible(demo):
    queue = list(demo.query("SELECT order_id, priority, paid_at FROM orders WHERE status = 'paid'"
                            " ORDER BY priority DESC, paid_at, order_id"))
    oldest = min(queue, key=lambda r: r["paid_at"])
    assert queue[0]["priority"] == 1 and oldest["priority"] == 0
    assert sum(r["priority"] for r in queue) >= 3
    assert len({r["paid_at"] for r in queue}) == len(queue)


# -- shipped orders ----------------------------------------------------------------

def test_shipped_orders_have_a_shipment_and_their_scans(demo):
    shipped = orders_where(demo, "status = 'shipped'")
    for order in shipped:
        order_id = order["order_id"]
        shipments = list(demo.query("SELECT * FROM shipments WHERE order_id = ?", [order_id]))
        assert len(shipments) == 1
        shipment = shipments[0]
        assert shipment["carrier"] and shipment["operator"] in ("P001", "P002")
        assert shipment["station"] == DEMO_STATION and shipment["voided_at"] is None
        assert (shipment["package_no"], shipment["package_count"]) == (1, 1)
        assert order["paid_at"] < shipment["shipped_at"] < NOW.isoformat()
        ordered = {r["line_no"]: r["quantity"] for r in demo.query(
            "SELECT line_no, quantity FROM order_lines WHERE order_id = ?", [order_id])}
        scans = list(demo.query(
            "SELECT s.*, b.sku AS scanned_sku, l.sku AS line_sku FROM scans s"
            " JOIN barcodes b ON b.code = s.raw_code"
            " JOIN order_lines l ON l.order_id = s.order_id AND l.line_no = s.line_no"
            " WHERE s.order_id = ?", [order_id]))
        packed = Counter()
        for scan in scans:
            assert scan["result"] == "accepted" and scan["undone_at"] is None
            assert scan["scanned_sku"] == scan["line_sku"]
            assert scan["operator"] == shipment["operator"]
            assert scan["station"] == DEMO_STATION
            assert order["paid_at"] < scan["scanned_at"] < shipment["shipped_at"]
            packed[scan["line_no"]] += scan["quantity"]
        assert packed == ordered
        kinds = [r[0] for r in demo.execute(
            "SELECT kind FROM events WHERE order_id = ? ORDER BY id", [order_id])]
        assert kinds[0] == "order_imported" and kinds[-2:] == ["status_shipped", "shipped"]
        assert "status_packing" in kinds
    assert not demo.execute("SELECT COUNT(*) FROM scans s JOIN orders o USING (order_id)"
                            " WHERE o.status != 'shipped'").fetchone()[0]
    assert demo["shipments"].count == len(shipped)


def test_tracking_numbers_are_unique_and_well_formed(demo):
    rows = list(demo.query("SELECT carrier_id, tracking_number, tracking_url FROM shipments"))
    numbers = [r["tracking_number"] for r in rows]
    assert len(set(numbers)) == len(numbers)
    assert all(check_tracking_format(n) == n for n in numbers)
    by_carrier = {r["carrier_id"]: r["tracking_number"] for r in rows}
    assert re.fullmatch(r"1Z[0-9A-Z]{16}", by_carrier["ups"])
    assert re.fullmatch(r"SF\d{13}", by_carrier["sf_express"])
    assert re.fullmatch(r"\d{22}", by_carrier["usps"])
    # Each is what the waybill step would have identified it as.
    assert all(identify(r["tracking_number"], carrier=r["carrier_id"]).valid for r in rows)


def test_shipped_in_the_last_few_days(demo):
    recent = demo.execute("SELECT COUNT(*) FROM shipments WHERE shipped_at >= ?",
                          [stamp(24 * 5)]).fetchone()[0]
    assert recent == demo["shipments"].count >= 10
    assert demo.execute("SELECT COUNT(*) FROM shipments WHERE shipped_at >= ?",
                        [stamp(12)]).fetchone()[0] >= 3


def test_every_order_was_imported_and_the_log_is_in_time_order(demo):
    imported = {r[0] for r in demo.execute("SELECT order_id FROM events"
                                           " WHERE kind = 'order_imported'")}
    assert imported == {r[0] for r in demo.execute("SELECT order_id FROM orders")}
    times = [r[0] for r in demo.execute("SELECT at FROM events ORDER BY id")]
    assert times == sorted(times) and times[-1] == NOW.isoformat(timespec="milliseconds")
    last = demo.execute("SELECT kind FROM events ORDER BY id DESC LIMIT 1").fetchone()[0]
    assert last == "demo_loaded"
    for row in demo.query("SELECT detail FROM events"):
        json.loads(row["detail"])


def test_a_demo_order_can_be_packed_and_shipped(demo):
    # The pack flow of the core works on the demo data: the colour-change order
    # refuses the other colour and ships once its red sweater is scanned.
    from kiosk.claims import claim_order
    from kiosk.packing import PackSession, ScanResult
    from kiosk.shipping import record_waybill

    order = orders_where(demo, "buyer_note LIKE '%instead of red%'")[0]
    line = demo.execute("SELECT sku FROM order_lines WHERE order_id = ?",
                        [order["order_id"]]).fetchone()
    assert line[0] == "MCS-RED-M"
    ean = {r[0]: r[1] for r in demo.execute("SELECT sku, code FROM barcodes WHERE kind='ean13'")}
    claim_order(demo, order["order_id"], "P001", DEMO_STATION)
    session = PackSession(demo, order["order_id"], "P001", DEMO_STATION)
    session.acknowledge_notes()
    assert session.scan(ean["MCS-BLU-M"]).result is ScanResult.WRONG_VARIANT
    assert session.scan(ean["MCS-RED-M"]).accepted
    record_waybill(session, "1Z999AA10123456784", "spool")
    assert demo["orders"].get(order["order_id"])["status"] == "shipped"


# -- creating and refusing -----------------------------------------------------------

def test_create_refuses_an_existing_path(tmp_path):
    path = tmp_path / "kiosk.db"
    path.write_bytes(b"")
    with pytest.raises(KioskError, match="already exists: choose a new file"):
        create_demo_database(path)
    assert path.read_bytes() == b""


def test_loading_twice_refuses(demo):
    before = {table: demo[table].count for table in DATA_TABLES}
    with pytest.raises(KioskError, match="already has 62 orders"):
        load_demo_data(demo)
    assert {table: demo[table].count for table in DATA_TABLES} == before


def test_load_is_all_or_nothing(tmp_path):
    db = open_database(tmp_path / "empty.db")
    # Fail the very last insert (the audit log): everything before it must vanish too.
    db.execute("CREATE TEMP TRIGGER no_events BEFORE INSERT ON events"
               " BEGIN SELECT RAISE(ABORT, 'disk full, say'); END")
    with pytest.raises(KioskError, match="nothing was written.*disk full"):
        load_demo_data(db, NOW)
    assert not db.conn.in_transaction
    assert {table: db[table].count for table in DATA_TABLES} == dict.fromkeys(DATA_TABLES, 0)
    db.execute("DROP TRIGGER no_events")
    load_demo_data(db, NOW)
    assert db["orders"].count >= 60
    db.close()


def test_the_same_now_gives_the_same_data(tmp_path):
    first = open_database(create_demo_database(tmp_path / "a.db", now=NOW))
    second = open_database(create_demo_database(tmp_path / "b.db", now=NOW))
    for table in ("products", "barcodes", "orders", "order_lines", "scans", "shipments"):
        query = f"SELECT * FROM {table} ORDER BY 1, 2"
        assert list(first.query(query)) == list(second.query(query)), table
    first.close()
    second.close()


def test_a_naive_now_is_utc(tmp_path):
    db = open_database(create_demo_database(tmp_path / "n.db", now=NOW.replace(tzinfo=None)))
    assert db.execute("SELECT MAX(created_at) FROM orders").fetchone()[0].endswith("+00:00")
    assert db.execute("SELECT COUNT(*) FROM orders WHERE created_at > ?",
                      [NOW.isoformat()]).fetchone()[0] == 0
    db.close()


# -- bad fixtures ---------------------------------------------------------------------

def edited_fixtures(tmp_path: Path, name: str, edit) -> Path:
    directory = tmp_path / "fixtures"
    shutil.copytree(FIXTURES_DIR, directory, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    path = directory / name
    document = json.loads(path.read_text(encoding="utf-8"))
    edit(document)
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return directory


def _bad_ean(doc):
    code = doc["products"][0]["barcodes"][0]["code"]
    doc["products"][0]["barcodes"][0]["code"] = code[:12] + str((int(code[12]) + 1) % 10)


def _unknown_sku(doc):
    doc["orders"][3]["lines"][0]["sku"] = "NO-SUCH-SKU"


def _typo_field(doc):
    doc["orders"][0]["paid_hour_ago"] = 3


def _duplicate_tracking(doc):
    shipped = [o for o in doc["orders"] if o["status"] == "shipped"]
    shipped[1]["tracking_number"] = shipped[0]["tracking_number"]


def _hold_without_reason(doc):
    next(o for o in doc["orders"] if o["status"] == "on_hold")["hold_reason"] = ""


def _paid_before_created(doc):
    order = next(o for o in doc["orders"] if o["status"] == "paid")
    order["paid_hours_ago"] = order["created_hours_ago"] + 1


def _bad_role(doc):
    doc["operators"][0]["role"] = "boss"


@pytest.mark.parametrize(("name", "edit", "message"), [
    ("catalogue.json", _bad_ean, r"is not a valid EAN-13 .*check digit \d"),
    ("orders.json", _unknown_sku, "sku 'NO-SUCH-SKU' is not in catalogue.json"),
    ("orders.json", _typo_field, "unknown field.*paid_hour_ago"),
    ("orders.json", _duplicate_tracking, "tracking number .* is also on"),
    ("orders.json", _hold_without_reason, "needs a hold_reason"),
    ("orders.json", _paid_before_created, "paid_hours_ago must be"),
    ("operators.json", _bad_role, "role must be one of"),
])
def test_a_bad_fixture_is_refused_by_name(tmp_path, name, edit, message):
    directory = edited_fixtures(tmp_path, name, edit)
    path = tmp_path / "demo.db"
    with pytest.raises(KioskError, match=message):
        create_demo_database(path, fixtures_dir=directory)
    assert not path.exists()  # a failed create leaves no half-made file behind


def test_unreadable_fixture(tmp_path):
    directory = edited_fixtures(tmp_path, "orders.json", lambda doc: None)
    (directory / "orders.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(KioskError, match="orders.json cannot be read"):
        read_fixtures(directory)


def test_the_json_is_what_the_generator_writes(tmp_path):
    from fixtures.generate import write_all

    for path in write_all(tmp_path):
        committed = (FIXTURES_DIR / path.name).read_text(encoding="utf-8")
        assert path.read_text(encoding="utf-8") == committed, (
            f"fixtures/{path.name} differs from what fixtures/generate.py writes: make the"
            " change in generate.py and run python -m fixtures.generate"
        )
