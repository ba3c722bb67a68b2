"""Orders and catalogue in from the shop platforms: every format, re-imports, updates and refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlite_utils
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fixtures import platform_files as files
from kiosk.auth import add_operator
from kiosk.claims import claim_order
from kiosk.db import open_database
from kiosk.errors import KioskError
from kiosk.imports.catalogue import import_catalogue
from kiosk.imports.order_import import import_orders
from kiosk.imports.sources import order_sources, read_source
from kiosk.imports.summary import recent_imports
from kiosk.order_queue import queue_page
from kiosk.orders import get_lines, get_order
from kiosk.packing import PackSession, ScanResult
from kiosk.shipping import record_waybill


@pytest.fixture
def samples(tmp_path: Path) -> dict[str, Path]:
    return files.write_platform_files(tmp_path / "exports")


@pytest.fixture
def shop(tmp_path: Path) -> sqlite_utils.Database:
    """A new shop's database: operators, and the catalogue from its Shopify products export."""
    db = open_database(tmp_path / "shop.db")
    add_operator(db, "P001", "Li Wei", "packer", "1234")
    import_catalogue(db, read_source(_write(tmp_path / "products.csv", files.shopify_products())))
    yield db
    db.conn.close()


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def imp(db, *paths: Path, **options):
    """Import like `kiosk import PATH...` does: each source in turn; the summaries."""
    return [import_orders(db, source, station="DESK-1", **options) for source in order_sources(list(paths))]


def dump(db) -> list[str]:
    return list(db.conn.iterdump())


def event_count(db) -> int:
    return db.execute("SELECT COUNT(*) FROM events").fetchone()[0]


# -- every format --------------------------------------------------------------------------------

def test_amazon_unshipped_report(shop, samples):
    (summary,) = imp(shop, samples["amazon_unshipped"])
    assert (summary.format, summary.imported, summary.rejected) == ("amazon", 3, 0)
    order = get_order(shop, "112-3456789-0123456")
    assert (order["status"], order["recipient_name"], order["address"], order["country"]) == (
        "paid", "Emily Johnson", "350 5th Ave, Apt 7", "US")
    lines = shop.execute("SELECT sku, quantity, platform_line_id, name, colour, size FROM order_lines"
                         " WHERE order_id = '112-3456789-0123456' ORDER BY line_no").fetchall()
    # The inch mark in an unquoted flat file is just a character; colour and size come from the catalogue.
    assert lines == [("SW-RED-M", 2, "54321098765432", 'Merino Sweater 12" Red M', "Red", "M"),
                     ("TOTE-BLK", 1, "54321098765433", "Canvas Tote", "", "")]
    # Expedited and Prime orders are urgent.
    assert get_order(shop, "113-1111111-2222222")["priority"] == 1


def test_amazon_new_orders_file_with_delivery_instructions(shop, samples):
    imp(shop, samples["amazon_new_orders"])
    order = get_order(shop, "205-7777777-8888888")
    assert order["buyer_note"] == "Leave with the porter, please"
    assert order["phone"] == "020 7946 0000"
    assert [line.quantity for line in get_lines(shop, "205-7777777-8888888")] == [1]


def test_shopify_orders_multi_line_pending_and_cancelled(shop, samples):
    (summary,) = imp(shop, samples["shopify_orders"])
    assert summary.imported == 4
    statuses = dict(shop.execute("SELECT order_id, status FROM orders").fetchall())
    assert statuses == {"#1001": "paid", "#1002": "paid", "#1003": "awaiting_payment", "#1004": "cancelled"}
    order = get_order(shop, "#1001")
    # A quoted note with a comma and a line break, and a phone armoured with an apostrophe.
    assert order["buyer_note"] == "Gift, please:\nno invoice in the box"
    assert order["phone"] == "+44 113 496 0000"
    assert order["paid_at"] == "2026-11-27T08:05:00.000+00:00"
    assert [(line.sku, line.quantity) for line in get_lines(shop, "#1001")] == [("SW-RED-M", 1), ("TOTE-BLK", 2)]
    # Only the paid ones are in the queue.
    assert {entry.order_id for entry in queue_page(shop, 50)} == {"#1001", "#1002"}


def test_taobao_order_and_item_reports_in_gbk_given_as_a_folder(shop, samples):
    (summary,) = imp(shop, samples["taobao_orders"].parent)
    assert (summary.format, summary.imported) == ("taobao", 3)
    order = get_order(shop, "2961748803517265")  # written ="2961748803517265" in the file
    assert (order["status"], order["recipient_name"], order["province"], order["city"], order["postal_code"],
            order["phone"], order["buyer_note"]) == (
        "paid", "王小明", "浙江省", "杭州市", "310012", "13812345678", "请发顺丰，谢谢")
    assert [(line.sku, line.colour, line.size, line.quantity) for line in get_lines(shop, "2961748803517265")] == [
        ("SILK-RED", "红色", "均码", 2), ("GLOV-BLK-M", "黑色", "M", 1)]
    assert get_order(shop, "2961748803517267")["status"] == "awaiting_payment"


def test_taobao_reports_given_as_two_files_in_utf8(shop, tmp_path):
    report, items = files.taobao_reports()
    paths = [_write(tmp_path / "a" / "orders.csv", report), _write(tmp_path / "b" / "items.csv", items)]
    (summary,) = imp(shop, *paths)
    assert summary.imported == 3


def test_half_a_taobao_export_is_refused(shop, samples):
    with pytest.raises(KioskError, match="is a Taobao order report: give its item report too"):
        imp(shop, samples["taobao_orders"])


def test_woocommerce_orders(shop, samples):
    (summary,) = imp(shop, samples["woocommerce"])
    assert summary.imported == 3
    order = get_order(shop, "3001")
    assert (order["status"], order["recipient_name"], order["buyer_note"], order["requested_carrier"]) == (
        "paid", "Hans Müller", "Bitte, nicht knicken", "DHL Paket")
    assert [(line.sku, line.quantity) for line in get_lines(shop, "3001")] == [("SW-RED-M", 1), ("MUG-01", 3)]
    assert get_order(shop, "3003")["status"] == "cancelled"


def test_generic_csv_and_json(shop, samples):
    imp(shop, samples["generic_csv"], samples["generic_json"])
    assert [(line.sku, line.quantity) for line in get_lines(shop, "M-1")] == [("SW-BLU-M", 1), ("TOTE-BLK", 1)]
    assert get_order(shop, "M-2")["status"] == "awaiting_payment"
    order = get_order(shop, "J-1")
    assert (order["recipient_name"], order["priority"], order["province"]) == ("张伟", 1, "四川省")
    assert [line.quantity for line in get_lines(shop, "J-1")] == [1, 2]
    assert get_order(shop, "J-2")["status"] == "cancelled"


def test_an_explicit_encoding_is_used_and_a_wrong_one_refused(shop, samples, tmp_path):
    report, items = files.taobao_reports()
    folder = tmp_path / "gbk"
    _write(folder / "o.csv", report, "gbk")
    _write(folder / "i.csv", items, "gbk")
    sources = order_sources([folder], encoding="gbk")
    assert import_orders(shop, sources[0]).imported == 3
    with pytest.raises(KioskError, match=r"i\.csv is not utf-8 text \(byte 0 cannot be read\)"):
        order_sources([folder], encoding="utf-8")


# -- idempotent and safe ----------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["amazon_unshipped", "shopify_orders", "taobao_orders", "woocommerce",
                                  "generic_csv", "generic_json"])
def test_importing_the_same_file_twice_changes_nothing(shop, samples, name):
    path = samples[name].parent if name == "taobao_orders" else samples[name]
    imp(shop, path)
    before, events = dump(shop), event_count(shop)
    (again,) = imp(shop, path)
    assert (again.imported, again.updated, again.rejected) == (0, 0, 0)
    assert again.unchanged > 0
    # Only the record of imports grows: no order, line, product or event changes.
    assert [line for line in dump(shop) if "INSERT INTO \"imports\"" not in line] == [
        line for line in before if "INSERT INTO \"imports\"" not in line]
    assert event_count(shop) == events


def test_a_later_file_updates_an_address_and_names_file_and_line(shop, tmp_path):
    imp(shop, _write(tmp_path / "day1.csv", files.shopify_orders()))
    (summary,) = imp(shop, _write(tmp_path / "day2.csv", files.shopify_orders(address_1001="9 New Road")))
    assert (summary.updated, summary.imported) == (1, 0)
    assert get_order(shop, "#1001")["address"] == "9 New Road"
    detail = json.loads(shop.execute("SELECT detail FROM events WHERE kind = 'order_updated'").fetchone()[0])
    assert (detail["file"], detail["line"]) == ("day2.csv", 2)
    assert detail["changes"]["address"] == ["1 High Street, Flat 2", "9 New Road"]


def test_a_later_file_makes_an_awaiting_order_paid(shop, tmp_path):
    report, items = files.taobao_reports()
    imp(shop, _write(tmp_path / "1" / "o.csv", report), _write(tmp_path / "1" / "i.csv", items))
    paid = report.replace("等待买家付款", files.TAOBAO_PAID).replace(
        "2026-11-27 11:00:00,,", "2026-11-27 11:00:00,2026-11-27 11:30:00,")
    imp(shop, _write(tmp_path / "2" / "o.csv", paid), _write(tmp_path / "2" / "i.csv", items))
    order = get_order(shop, "2961748803517267")
    assert (order["status"], order["paid_at"]) == ("paid", "2026-11-27T03:30:00.000+00:00")
    reason = json.loads(shop.execute("SELECT detail FROM events WHERE kind = 'status_paid'").fetchone()[0])["reason"]
    assert reason == "imported from o.csv line 4"


def test_a_cancellation_interrupts_the_packer(shop, tmp_path):
    imp(shop, _write(tmp_path / "day1.csv", files.shopify_orders()))
    claim_order(shop, "#1002", "P001", "DESK-1")
    session = PackSession(shop, "#1002", "P001", "DESK-1")
    (summary,) = imp(shop, _write(tmp_path / "day2.csv", files.shopify_orders(cancel_1002=True)))
    assert summary.updated == 1
    assert "#1002 was being packed and is now cancelled" in " ".join(summary.notes)
    assert session.interruption() == "Order cancelled: put the items back."
    assert session.scan(files.EAN["MUG-01"]).result is ScanResult.NOT_HELD
    assert not shop.execute("SELECT 1 FROM claims WHERE order_id = '#1002'").fetchone()


def test_changes_to_an_order_being_packed_wait_and_a_shipped_order_is_never_downgraded(shop, tmp_path):
    imp(shop, _write(tmp_path / "day1.csv", files.shopify_orders()))
    claim_order(shop, "#1001", "P001", "DESK-1")
    (summary,) = imp(shop, _write(tmp_path / "day2.csv", files.shopify_orders(address_1001="9 New Road")))
    assert summary.updated == 0
    assert get_order(shop, "#1001")["address"] == "1 High Street, Flat 2"
    assert "#1001 is being packed" in " ".join(summary.notes)

    claim_order(shop, "#1002", "P001", "DESK-1")
    session = PackSession(shop, "#1002", "P001", "DESK-1")
    assert session.scan(files.EAN["MUG-01"]).accepted
    record_waybill(session, "SF1234567890123", "spool")
    (summary,) = imp(shop, _write(tmp_path / "day3.csv", files.shopify_orders(cancel_1002=True)))
    assert get_order(shop, "#1002")["status"] == "shipped"
    assert "#1002 is cancelled on the platform but was shipped already" in " ".join(summary.notes)


# -- bad rows and wrong files -------------------------------------------------------------------------

def _with_bad_quantity(text: str) -> str:
    return text.replace(",1,Enamel Mug,", ",two,Enamel Mug,", 1)


def test_a_broken_row_in_the_middle_refuses_the_file_and_leaves_the_database_as_it_was(shop, tmp_path):
    imp(shop, _write(tmp_path / "day1.csv", files.shopify_orders()))
    before = dump(shop)
    bad = _write(tmp_path / "day2.csv", _with_bad_quantity(files.shopify_orders(address_1001="9 New Road")))
    with pytest.raises(KioskError, match=r"day2\.csv line 5, column Lineitem quantity: 'two' is not a whole number"
                                         r" of units\. Nothing from day2\.csv was imported"):
        imp(shop, bad)
    assert dump(shop) == before


def test_skip_bad_imports_the_good_orders_and_writes_the_bad_rows_beside_the_input(shop, tmp_path):
    bad = _write(tmp_path / "orders.csv", _with_bad_quantity(files.shopify_orders()))
    (summary,) = imp(shop, bad, skip_bad=True)
    assert (summary.imported, summary.rejected) == (3, 1)
    assert get_order(shop, "#1002") is None
    reject = tmp_path / "orders.rejected.csv"
    assert summary.reject_files == [reject]
    text = reject.read_text(encoding="utf-8")
    assert text.splitlines()[0].startswith("reject reason,Name,Email")
    # The note of #1001 holds a line break: #1002 starts on line 5.
    assert "orders.csv line 5, column Lineitem quantity: 'two' is not a whole number of units." in text
    assert "#1002" in text and "#1001" not in text


def test_a_dry_run_reports_and_writes_nothing(shop, samples):
    before = dump(shop)
    (summary,) = imp(shop, samples["shopify_orders"], dry_run=True)
    assert summary.imported == 4
    assert summary.lines()[-1] == "Dry run: nothing was written."
    assert dump(shop) == before


@pytest.mark.parametrize(("content", "message"), [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", r"is not a text file \(an image, a PDF or a workbook\?\)"),
    (b"", "is empty: there is nothing to import"),
    (b"\r\n\r\n", "is empty: there is nothing to import"),
    (b"hello,world\r\n1,2\r\n", "is not an order export the kiosk knows"),
])
def test_a_file_that_is_not_an_order_export_is_refused_in_one_line(shop, tmp_path, content, message):
    path = tmp_path / "export.csv"
    path.write_bytes(content)
    with pytest.raises(KioskError, match=message) as refused:
        imp(shop, path)
    assert "\n" not in str(refused.value)


def test_a_products_file_given_as_orders_is_refused(shop, samples):
    with pytest.raises(KioskError, match="is a product list, not an order export: use kiosk import-catalogue"):
        imp(shop, samples["products_shopify"])


def test_an_order_id_of_another_platform_is_refused(shop, tmp_path):
    imp(shop, _write(tmp_path / "a.csv", "order_id,sku,quantity\n#1001,MUG-01,1\n"))
    with pytest.raises(KioskError, match=r"order #1001 is already in the kiosk as a manual order"):
        imp(shop, _write(tmp_path / "b.csv", files.shopify_orders()))


# -- unknown skus ----------------------------------------------------------------------------------------

def test_unknown_skus_become_products_without_a_barcode_and_their_orders_are_flagged(shop, samples):
    (summary,) = imp(shop, samples["amazon_unshipped"])
    assert summary.no_barcode == 1
    assert "1 sku has no barcode yet: print its item labels (F8) before packing." in summary.lines()
    row = shop.execute("SELECT name, needs_barcode FROM products WHERE sku = 'SKU-NEW-1'").fetchone()
    assert row == ("Travel Pillow", 1)
    flags = {entry.order_id: entry.flags for entry in queue_page(shop, 50)}
    assert "LABELS" in flags["114-2222222-3333333"]
    assert "LABELS" not in flags["112-3456789-0123456"]
    # A barcode from the catalogue clears the flag.
    body = "690123456999"
    from kiosk.checkdigits import gtin_check_digit

    code = body + str(gtin_check_digit(body))
    import_catalogue(shop, read_source(_write(Path(shop.conn.execute("PRAGMA database_list").fetchone()[2]).parent
                                              / "new.csv", f"sku,barcode\nSKU-NEW-1,{code}\n")))
    assert "LABELS" not in {e.order_id: e.flags for e in queue_page(shop, 50)}["114-2222222-3333333"]


# -- catalogue -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["products_shopify", "products_shopify_legacy", "catalogue_csv"])
def test_catalogue_in_every_dialect(tmp_path, samples, name):
    db = open_database(tmp_path / "new.db")
    summary = import_catalogue(db, read_source(samples[name]))
    assert (summary.imported, summary.rejected) == (9, 0)
    row = db.execute("SELECT style_id, name, colour, size FROM products WHERE sku = 'GLOV-GRY-M'").fetchone()
    assert row == ("cashmere-gloves", "羊绒手套", "灰色", "M")
    assert db.execute("SELECT name, colour, size FROM products WHERE sku = 'SW-BLU-M'").fetchone() == (
        "Merino Sweater", "Blue", "M")
    codes = {code for (code,) in db.execute("SELECT code FROM barcodes WHERE sku = 'TOTE-BLK'")}
    expected = {files.EAN["TOTE-BLK"]} | ({files.TOTE_INTERNAL} if name != "products_shopify_legacy" else set())
    assert codes == expected
    assert import_catalogue(db, read_source(samples[name])).unchanged == 9


def test_a_barcode_already_on_another_sku_is_refused_by_name(shop, tmp_path):
    path = _write(tmp_path / "more.csv", f"sku,barcode,name\nNEW-SKU,{files.EAN['MUG-01']},Mug copy\n")
    with pytest.raises(KioskError, match=rf"more\.csv line 2: barcode {files.EAN['MUG-01']} is already on SKU MUG-01"):
        import_catalogue(shop, read_source(path))


def test_a_wrong_check_digit_is_refused_with_its_row(shop, tmp_path):
    good = files.EAN["MUG-01"]
    wrong = good[:-1] + str((int(good[-1]) + 1) % 10)
    path = _write(tmp_path / "more.csv", f"sku,barcode\nA-1,INT-A1\nB-2,{wrong}\n")
    with pytest.raises(KioskError, match=rf"more\.csv line 3, column barcode: barcode {wrong} has a wrong check"
                                         rf" digit \(it should end in {good[-1]}\)"):
        import_catalogue(shop, read_source(path))
    assert not shop.execute("SELECT 1 FROM products WHERE sku = 'A-1'").fetchone()


def test_an_order_file_given_as_a_catalogue_is_refused(shop, samples):
    with pytest.raises(KioskError, match="is an order export, not a product list: use kiosk import"):
        import_catalogue(shop, read_source(samples["shopify_orders"]))


# -- mangled files ---------------------------------------------------------------------------------------

@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_mangled_csv_never_crashes_and_never_half_imports(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("mangled")
    db = open_database(folder / "shop.db")
    original = files.shopify_orders().encode("utf-8")
    mangled = bytearray(original)
    for _ in range(data.draw(st.integers(1, 4))):
        if not mangled:
            break
        position = data.draw(st.integers(0, len(mangled) - 1))
        action = data.draw(st.sampled_from(["delete", "insert", "replace", "truncate"]))
        byte = data.draw(st.sampled_from(list(b',"\r\n\t=\'x9\x00\xff') + [0xE4]))
        if action == "delete":
            del mangled[position]
        elif action == "insert":
            mangled.insert(position, byte)
        elif action == "replace":
            mangled[position] = byte
        else:
            del mangled[position:]
    path = folder / "orders.csv"
    path.write_bytes(bytes(mangled))
    before = dump(db)
    try:
        summaries = imp(db, path)
    except KioskError:
        assert dump(db) == before
        return
    finally:
        db.conn.close()
    # Accepted: nothing was left out, and no order is there without its lines.
    assert all(summary.rejected == 0 for summary in summaries)
    db = open_database(folder / "shop.db")
    assert not db.execute("SELECT order_id FROM orders WHERE order_id NOT IN (SELECT order_id FROM order_lines)"
                          ).fetchall()
    db.conn.close()


# -- the record of imports -----------------------------------------------------------------------------

def test_recent_imports_list_the_last_imports_newest_first(shop, samples):
    imp(shop, samples["shopify_orders"])
    imp(shop, samples["woocommerce"])
    records = recent_imports(shop, 2)
    assert [(r.file, r.format, r.outcome, r.imported) for r in records] == [
        ("woocommerce_orders.csv", "woocommerce", "done", 3), ("shopify_orders.csv", "shopify", "done", 4)]
