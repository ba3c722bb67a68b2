"""A PIN typed where a barcode belongs is refused without being shown or stored; real barcodes of the
same length (EAN-8, a shop's four-digit order number) still work."""

from __future__ import annotations

import pytest

from kiosk.db import transaction
from kiosk.errors import KioskError
from kiosk.scanning import HIDDEN_CODE, looks_like_pin
from tests.conftest import EAN
from tests.pilot import banner, run_kiosk, scan
from tests.test_desk import desk_of
from tests.test_hostile_screens import rendered

NOT_A_BARCODE = "That is no barcode this desk knows, and it could be a PIN: it was neither shown nor kept."
EAN_8 = "96385074"  # a valid EAN-8: as many digits as the longest PIN


def stored_anywhere(db, secret: str) -> list[str]:
    """Where ``secret`` is written: the scans table and the audit log."""
    found = [f"scans: {row}" for row in db.execute("SELECT raw_code FROM scans WHERE raw_code LIKE ?",
                                                   [f"%{secret}%"])]
    found += [f"events: {row}" for row in db.execute("SELECT kind, detail FROM events WHERE detail LIKE ?"
                                                    " OR operator LIKE ?", [f"%{secret}%", f"%{secret}%"])]
    return found


@pytest.mark.parametrize(("code", "pin_like"), [
    ("1234", True), ("24681357", True), ("123", False), ("123456789", False), ("12a4", False),
    ("４５６７", False), ("4006381333931", False), ("SO-1234", False),
])
def test_what_looks_like_a_pin(code, pin_like):
    assert looks_like_pin(code) is pin_like


@pytest.mark.parametrize("pin", ["2468", "975310", "24681357"])
def test_a_pin_in_the_item_scan_field_is_refused_and_kept_nowhere(db, config, pin):
    desk = desk_of(db, config)
    desk.open_order("SO-1")
    outcome = desk.scan(pin)  # before the notes: still hidden
    assert not outcome.accepted and outcome.message.startswith(NOT_A_BARCODE) and pin not in outcome.message
    desk.acknowledge_notes()
    outcome = desk.scan(pin)
    assert not outcome.accepted and pin not in outcome.message
    assert [row[0] for row in db.execute("SELECT raw_code FROM scans")] == [HIDDEN_CODE, HIDDEN_CODE]
    assert stored_anywhere(db, pin) == []


def test_barcodes_as_short_as_a_pin_still_count(db, config):
    with transaction(db):
        db.execute("INSERT INTO barcodes (code, sku, kind) VALUES (?, 'SW-RED-M', 'ean8')", [EAN_8])
    desk = desk_of(db, config)
    desk.open_order("SO-1")
    desk.acknowledge_notes()
    assert desk.scan(EAN_8).accepted
    # An unknown EAN-13 is an unknown barcode, quoted and recorded as scanned.
    outcome = desk.scan("4006381333931")
    assert outcome.message.startswith("Unknown barcode 4006381333931")
    assert [row[0] for row in db.execute("SELECT raw_code FROM scans ORDER BY id")] == [EAN_8, "4006381333931"]


def test_a_pin_in_the_queue_field_is_refused_and_a_numeric_order_number_opens(db, config):
    with transaction(db):
        db.execute("INSERT INTO orders (order_id, status, recipient_name, created_at)"
                   " VALUES ('#1010', 'paid', 'Bo', '2026-11-26T08:00:00.000+00:00')")
        db.execute("INSERT INTO order_lines (order_id, line_no, sku, name, quantity) VALUES ('#1010', 1,"
                   " 'MUG-01', 'Enamel Mug', 1)")
    desk = desk_of(db, config)
    with pytest.raises(KioskError, match=NOT_A_BARCODE) as refused:
        desk.open_order("2468")
    assert "2468" not in str(refused.value)
    assert desk.open_order("1010") == "#1010"
    assert stored_anywhere(db, "2468") == []


def test_a_pin_in_the_waybill_field_is_refused_without_being_quoted(db, config):
    desk = desk_of(db, config)
    desk.open_order("SO-1")
    desk.acknowledge_notes()
    for code in (EAN["SW-RED-M"], EAN["SW-RED-M"], EAN["TOTE-BLK"]):
        assert desk.scan(code).accepted
    # Eight digits that a carrier's format takes (Deppon's) are a waybill number, not refused as a PIN.
    for pin in ("2468", "975310", "1234567"):
        with pytest.raises(KioskError, match=NOT_A_BARCODE) as refused:
            desk.record_waybill(pin)
        assert pin not in str(refused.value)
    with pytest.raises(KioskError, match="SF12: unknown tracking number format"):
        desk.record_waybill("SF12")  # not a PIN: quoted as before
    assert stored_anywhere(db, "2468") == []


def test_a_pin_in_the_item_label_field_is_not_quoted(db, config):
    desk = desk_of(db, config)
    with pytest.raises(KioskError, match=NOT_A_BARCODE):
        desk.find_item("5791")


async def test_a_pin_typed_at_the_badge_field_is_not_shown(config, db):
    async with run_kiosk(config, badge=None) as (app, pilot):
        await scan(pilot, "2468")
        assert banner(app).message == "Unknown or disabled badge. Scan your badge again."
        assert app.bells == 1
        assert "2468" not in rendered(app)
    assert stored_anywhere(db, "2468") == []
