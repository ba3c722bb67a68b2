"""Shipping confirmations back to the platforms: each file parses back and matches the shipments."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path

import pytest

from fixtures import platform_files as files
from kiosk.auth import add_operator, approve_as_supervisor
from kiosk.carriers import list_carriers
from kiosk.claims import claim_order
from kiosk.cli import main
from kiosk.db import open_database
from kiosk.imports.catalogue import import_catalogue
from kiosk.imports.confirmations import CARRIER_CODES, export_confirmations
from kiosk.imports.order_import import import_orders
from kiosk.imports.sources import order_sources, read_source
from kiosk.packing import PackSession, ScanResult
from kiosk.problems import approve_short, report_problem
from kiosk.shipping import record_waybill
from kiosk.voids import void_shipment


@pytest.fixture
def shop(tmp_path: Path):
    samples = files.write_platform_files(tmp_path / "exports")
    db = open_database(tmp_path / "shop.db")
    add_operator(db, "P001", "Li Wei", "packer", "1234")
    add_operator(db, "S001", "Zhang Min", "supervisor", "999999")
    import_catalogue(db, read_source(samples["products_shopify"]))
    for path in (samples["amazon_unshipped"], samples["shopify_orders"], samples["taobao_orders"].parent):
        for source in order_sources([path]):
            import_orders(db, source)
    yield db
    db.conn.close()


def ship(db, order_id: str, tracking: str, short_line: int | None = None):
    claim_order(db, order_id, "P001", "DESK-1")
    session = PackSession(db, order_id, "P001", "DESK-1")
    session.acknowledge_notes()
    for progress in list(session.lines):
        wanted = progress.line.quantity - (1 if progress.line.line_no == short_line else 0)
        for _ in range(wanted):
            assert session.scan(files.EAN.get(progress.line.sku, progress.line.sku)).accepted
    if short_line is not None:
        problem = report_problem(db, order_id, kind="missing", line_no=short_line, quantity=1, operator="P001",
                                 station="DESK-1", hold=False)
        supervisor = approve_as_supervisor(db, "S001", "999999", "DESK-1", action="short_shipment", order_id=order_id)
        approve_short(db, problem, supervisor, "DESK-1")
        session.reload_shortages()
    return record_waybill(session, tracking, "spool")


def today() -> date:
    return datetime.now().astimezone().date()


def test_amazon_confirmation_lists_what_was_shipped_tab_delimited_without_bom(shop):
    ship(shop, "112-3456789-0123456", "1Z999AA10123456784", short_line=1)  # 1 of 2 sweaters went
    export = export_confirmations(shop, today(), "amazon")
    assert not export.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(export.data.decode("utf-8")), delimiter="\t"))
    assert [(r["order-id"], r["order-item-id"], r["quantity"], r["carrier-code"], r["carrier-name"],
             r["tracking-number"], r["ship-date"]) for r in rows] == [
        ("112-3456789-0123456", "54321098765432", "1", "UPS", "", "1Z999AA10123456784", today().isoformat()),
        ("112-3456789-0123456", "54321098765433", "1", "UPS", "", "1Z999AA10123456784", today().isoformat()),
    ]
    # Marked: the next export leaves it out, unless asked again.
    assert export_confirmations(shop, today(), "amazon").shipments == 0
    assert export_confirmations(shop, today(), "amazon", again=True).rows == 2


def test_a_carrier_without_an_amazon_code_is_other_with_its_name(shop):
    ship(shop, "114-2222222-3333333", "YT1234567890123")  # a YTO waybill
    rows = list(csv.DictReader(io.StringIO(export_confirmations(shop, today(), "amazon").data.decode()),
                               delimiter="\t"))
    assert (rows[0]["carrier-code"], rows[0]["carrier-name"]) == ("Other", "YTO Express")


def test_shopify_fulfilment_csv(shop):
    ship(shop, "#1001", "1Z999AA10123456784")
    rows = list(csv.DictReader(io.StringIO(export_confirmations(shop, today(), "shopify").data.decode())))
    assert [(r["Order Name"], r["SKU"], r["Quantity"], r["Tracking Number"], r["Tracking Company"]) for r in rows] == [
        ("#1001", "SW-RED-M", "1", "1Z999AA10123456784", "UPS"),
        ("#1001", "TOTE-BLK", "2", "1Z999AA10123456784", "UPS"),
    ]
    assert rows[0]["Tracking URL"].startswith("http") and "1Z999AA10123456784" in rows[0]["Tracking URL"]


def test_taobao_shipping_file_in_gbk(shop):
    ship(shop, "2961748803517265", "SF1234567890123")
    data = export_confirmations(shop, today(), "taobao").data
    rows = list(csv.DictReader(io.StringIO(data.decode("gbk"))))
    assert rows == [{"订单编号": "2961748803517265", "物流公司": "顺丰速运", "物流公司编码": "SF",
                     "运单号": "SF1234567890123"}]


def test_a_taobao_export_packs_with_the_variant_check(shop):
    claim_order(shop, "2961748803517265", "P001", "DESK-1")
    session = PackSession(shop, "2961748803517265", "P001", "DESK-1")
    session.acknowledge_notes()
    wrong = session.scan(files.EAN["SILK-NVY"])
    assert wrong.result is ScanResult.WRONG_VARIANT
    assert wrong.message == "Wrong variant: scanned 藏青色, this order needs 红色 / 均码 (真丝围巾)."


def test_void_shipments_are_left_out_and_csv_lists_every_platform(shop):
    first = ship(shop, "#1002", "1Z999AA10123456784")
    ship(shop, "2961748803517266", "SF1234567890124")
    void_shipment(shop, first.shipment_id, "label damaged", supervisor="S001", station="DESK-1")
    rows = list(csv.DictReader(io.StringIO(export_confirmations(shop, today(), "csv").data.decode())))
    assert [(r["order_id"], r["platform"], r["carrier_id"], r["quantity"]) for r in rows] == [
        ("2961748803517266", "taobao", "sf_express", "1")]


def test_another_day_has_nothing(shop):
    ship(shop, "#1001", "1Z999AA10123456784")
    assert export_confirmations(shop, date(2020, 1, 1), "shopify").rows == 0


def test_every_carrier_in_the_table_is_a_kiosk_carrier():
    assert set(CARRIER_CODES) <= {carrier_id for carrier_id, _name in list_carriers()}


def test_the_command_writes_the_file_and_marks_it(shop, tmp_path, capsys):
    ship(shop, "#1001", "1Z999AA10123456784")
    database = shop.conn.execute("PRAGMA database_list").fetchone()[2]
    out = tmp_path / "confirm.csv"
    assert main(["--db", database, "export", "confirmations", "--format", "shopify", "-o", str(out)]) == 0
    assert "1 shipment confirmed in" in capsys.readouterr().out
    assert out.read_text(encoding="utf-8").startswith("Order Name,SKU,Quantity")
    assert main(["--db", database, "export", "confirmations", "--format", "shopify"]) == 0
    assert "No shipments to confirm on" in capsys.readouterr().err
    assert main(["--db", database, "export", "confirmations", "--format", "fedex"]) == 2
