"""Item stickers: EAN/UPC/FNSKU/internal codes that scan, on thermal stickers and 30-up sheets,
queued as logged print jobs from the pack screen's dialog."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
import zxingcpp
from PIL import Image

from kiosk.errors import KioskError
from kiosk.item_labels import find_item, item_label, queue_item_labels
from kiosk.print_queue import get_job
from kiosk.print_requests import deliver, job_request
from printing.barcodes import symbol_modules
from printing.item_labels import (
    SHEET_MARGIN_MM,
    SHEETS,
    STICKER_MARGIN_MM,
    STICKER_SIZES,
    ItemLabel,
    item_label_document,
    layout_item_label,
)
from printing.outputs import document_files
from screens.item_label import ItemLabelDialog
from tests.conftest import EAN
from tests.pilot import labels_reported, run_kiosk, scan
from tests.test_printing import bars_of_row, check_barcodes_in_label, render_zpl, zpl_code128

CODES = [("4005678000020", "ean13"), ("036000291452", "upca"), ("X001BA10EA", "code128"), ("INT-00017", "code128")]
FORMATS = {"ean13": zxingcpp.BarcodeFormat.EAN13, "upca": zxingcpp.BarcodeFormat.UPCA,
           "code128": zxingcpp.BarcodeFormat.Code128}


def read(image: Image.Image, symbology: str) -> list[str]:
    """What a scanner set to the symbology reads (a UPC-A reads as its 12 digits)."""
    found = zxingcpp.read_barcodes(image.convert("L"), formats=FORMATS[symbology])
    return [r.text[1:] if symbology == "upca" and len(r.text) == 13 else r.text for r in found]


def sticker(code: str, symbology: str, **changes: str) -> ItemLabel:
    fields = {"title": "Merino Crew Sweater", "variant": "Red / M", "condition": "New", **changes}
    return ItemLabel(code, symbology, **fields)


@pytest.mark.parametrize(("code", "symbology"), CODES)
@pytest.mark.parametrize("size", sorted(STICKER_SIZES))
@pytest.mark.parametrize("dpi", [203, 300])
def test_every_sticker_scans_with_whole_dot_bars_and_quiet_zones(code, symbology, size, dpi):
    rendered = layout_item_label(sticker(code, symbology), size, dpi)
    assert read(rendered.image, symbology) == [code]
    check_barcodes_in_label(rendered.image, rendered.barcodes, dpi, STICKER_MARGIN_MM)
    (placement,) = rendered.barcodes
    width_mm, height_mm = STICKER_SIZES[size]
    assert rendered.image.size == (round(width_mm * dpi / 25.4), round(height_mm * dpi / 25.4))
    middle = (placement.box[1] + placement.box[3]) // 2
    row = list(rendered.image.convert("L").crop((0, middle, rendered.image.width, middle + 1)).get_flattened_data())
    assert bars_of_row(row, placement.module_dots) == symbol_modules(code, symbology)


@pytest.mark.parametrize("sheet", sorted(SHEETS))
def test_a_sheet_holds_30_stickers_and_copies_run_onto_a_second_page(sheet):
    item = sticker("X001BA10EA", "code128", title="\u771f\u4e1d\u56f4\u5dfe Silk Scarf")
    document = item_label_document(item, sheet, 31)
    assert document.is_sheet and len(document.pages) == 2
    first, second = document.pages
    assert len(first.barcodes) == 30 and len(second.barcodes) == 1
    layout = SHEETS[sheet]

    def dots(mm: float) -> int:
        return round(mm * 300 / 25.4)

    for n, placement in enumerate(first.barcodes):  # each sticker, peeled off, scans and measures on its own
        row, column = divmod(n, layout.columns)
        left, top = dots(layout.origin[0] + column * layout.pitch[0]), dots(layout.origin[1] + row * layout.pitch[1])
        right = min(left + dots(layout.cell[0]), first.image.width)  # edge-to-edge A4: rounding meets the edge
        cell = first.image.crop((left, top, right, min(top + dots(layout.cell[1]), first.image.height)))
        assert read(cell, "code128") == ["X001BA10EA"]
        x0, y0, x1, y1 = placement.box
        moved = replace(placement, box=(x0 - left, y0 - top, x1 - left, y1 - top))
        check_barcodes_in_label(cell, (moved,), 300, SHEET_MARGIN_MM)


@pytest.mark.parametrize(("code", "symbology", "command"), [
    ("4005678000020", "ean13", "BE"), ("036000291452", "upca", "BU"), ("X001BA10EA", "code128", "BC")])
def test_sticker_zpl_uses_the_printers_barcode_and_prints_n_copies(code, symbology, command):
    document = item_label_document(sticker(code, symbology), "2.25x1.25", 12)
    (zpl,) = [data.decode() for data in document_files(document, "zpl")]
    assert zpl.startswith("^XA") and zpl.rstrip().endswith("^XZ") and "^PQ12" in zpl
    assert zpl.count(f"^{command}N,") == 1
    if symbology == "code128":
        field = zpl.split(f"^{command}N,")[1].split("^FD")[1].split("^FS")[0]
        assert zpl_code128(field)[0] == code
    assert read(render_zpl(zpl), symbology) == [code]


def test_a_retail_code_with_a_wrong_check_digit_is_refused(db):
    with pytest.raises(ValueError, match="wrong check digit"):
        layout_item_label(sticker("4005678000021", "ean13"))
    db.execute("INSERT INTO barcodes (code, sku, kind) VALUES ('6901234500012', 'MUG-01', 'upca')")
    with pytest.raises(KioskError, match="not a valid one"):
        item_label(find_item(db, "6901234500012"))


def test_which_code_a_sticker_carries(db):
    db.execute("INSERT INTO barcodes (code, sku, kind) VALUES ('X00TOTE001', 'TOTE-BLK', 'fnsku')")
    scanned = find_item(db, EAN["TOTE-BLK"])
    assert (scanned.code, scanned.kind, scanned.sku, scanned.variant) == (EAN["TOTE-BLK"], "ean13", "TOTE-BLK",
                                                                         "Black")
    assert find_item(db, "TOTE-BLK").code == EAN["TOTE-BLK"]  # a SKU: the retail code first
    assert find_item(db, "TOTE-BLK", "fnsku").code == "X00TOTE001"
    assert find_item(db, EAN["TOTE-BLK"], "internal").code == "INT-00017"
    assert find_item(db, " INT-00017 ").kind == "internal"
    with pytest.raises(KioskError, match="Unknown SKU or item code NOPE"):
        find_item(db, "NOPE")
    with pytest.raises(KioskError, match="SKU MUG-01 has no Amazon FNSKU on record"):
        find_item(db, "MUG-01", "fnsku")


def test_queued_stickers_are_a_logged_job_and_print_n_copies(db, config):
    config.printers = {"desk": {"backend": "spool", "folder": str(config.spool_dir / "items"), "format": "png"}}
    job_id = queue_item_labels(db, EAN["SCARF-RED"], 3, printer="desk", size="2x1", operator="P001",
                               station="DESK-1", order_id="SO-6", reason="barcode torn")
    job = get_job(db, job_id)
    assert (job.kind, job.copies, job.status, job.subject, job.reason) == ("item_label", 3, "queued",
                                                                          EAN["SCARF-RED"], "barcode torn")
    event = db.execute("SELECT kind, order_id, operator, detail FROM events ORDER BY id DESC LIMIT 1").fetchone()
    assert event[:3] == ("print_queued", "SO-6", "P001") and json.loads(event[3])["reason"] == "barcode torn"
    first = deliver(job_request(db, job_id, config))
    files = sorted(first.parent.glob("*.png"))
    assert len(files) == 3  # a spool folder prints each file once: one per sticker
    for path in files:
        with Image.open(path) as image:
            assert read(image, "ean13") == [EAN["SCARF-RED"]]


@pytest.mark.parametrize(("copies", "size", "message"), [(0, "2x1", "Print 1 to 500"), (501, "2x1", "Print 1 to 500"),
                                                         (1, "A7", "Unknown item label size A7")])
def test_bad_sticker_requests_change_nothing(db, copies, size, message):
    jobs = db.execute("SELECT COUNT(*) FROM print_jobs").fetchone()[0]
    with pytest.raises(KioskError, match=message):
        queue_item_labels(db, EAN["MUG-01"], copies, printer="spool", size=size, operator="P001", station="DESK-1")
    assert db.execute("SELECT COUNT(*) FROM print_jobs").fetchone()[0] == jobs


async def test_the_item_label_dialog_checks_the_code_then_prints_a_logged_job(config, db):
    chosen = []
    async with run_kiosk(config, order="SO-1") as (app, pilot):
        app.push_screen(ItemLabelDialog(app.desk), chosen.append)
        await pilot.pause()
        await scan(pilot, "NOT-A-CODE")
        assert isinstance(app.screen, ItemLabelDialog)
        assert "Unknown SKU or item code NOT-A-CODE" in str(app.screen.query_one("#item-error").render())
        await scan(pilot, EAN["TOTE-BLK"])
        assert "Canvas Tote Black" in str(app.screen.query_one("#item-found").render())
        await pilot.press("backspace", "0", "enter")  # 0 copies
        assert isinstance(app.screen, ItemLabelDialog)
        await pilot.press("backspace", "2", "enter")
        assert chosen[0].code == EAN["TOTE-BLK"] and chosen[0].copies == 2
        job_id = app.desk.print_item_labels(chosen[0].code, chosen[0].copies)
        await labels_reported(pilot)
        assert app.screen.session.lines[1].packed == 0  # the scans in the dialog did not count as items
    job = get_job(db, job_id)
    assert (job.status, job.copies, job.order_id, job.operator) == ("sent", 2, "SO-1", "P001")
    with Image.open(job.file) as image:
        assert read(image, "ean13") == [EAN["TOTE-BLK"]]
