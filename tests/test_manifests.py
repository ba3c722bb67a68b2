"""Carrier manifests: tick parcels off by label, refuse the wrong ones, carry the missing ones over."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from kiosk.auth import Operator
from kiosk.db import open_database
from kiosk.errors import KioskError
from kiosk.manifest_pages import write_manifest_pages
from kiosk.manifests import close_manifests, closed_manifests, manifest_for, resolve_manifest_carrier, scan_label
from kiosk.reports.day import stamp
from kiosk.reports.settings import ReportSettings
from tests.report_data import LONDON, at, put_order, put_parcel
from tests.test_cli import assert_one_line_refusal, isolated, run  # noqa: F401 - isolated is a fixture

SETTINGS = ReportSettings(zone=LONDON)
ZHANG = Operator("S001", "Zhang Min", "supervisor")
LI_WEI = Operator("P001", "Li Wei", "packer")
EVENING = at("2026-11-27T18:00")
UPS = ("1Z0000000000000A01", "1Z0000000000000A02", "1Z0000000000000A03")


@pytest.fixture
def parcels(db):
    with db.conn:
        # Yesterday's UPS parcel, before any manifest: not on today's.
        put_order(db, "M-0", [("MUG-01", 1)], paid_at=at("2026-11-26T08:00"))
        put_parcel(db, "M-0", packer="P001", shipped_at=at("2026-11-26T10:00"), tracking="1Z0000000000000A00")
        for n, number in enumerate(UPS, 1):
            put_order(db, f"M-{n}", [("MUG-01", 1)], paid_at=at("2026-11-27T08:00"))
            put_parcel(db, f"M-{n}", packer="P001", shipped_at=at(f"2026-11-27T1{n}:00"), tracking=number)
        put_order(db, "M-4", [("MUG-01", 1)], paid_at=at("2026-11-27T08:00"))
        put_parcel(db, "M-4", packer="P002", shipped_at=at("2026-11-27T12:30"), tracking="SF1000000000004",
                   carrier_id="sf_express", carrier="SF Express")
        put_order(db, "M-5", [("MUG-01", 1)], paid_at=at("2026-11-27T08:00"), status="paid")
        put_parcel(db, "M-5", packer="P002", shipped_at=at("2026-11-27T13:30"), tracking="1Z0000000000000A05",
                   voided_at=at("2026-11-27T14:00"))
        db.execute("UPDATE shipments SET void_reason = 'wrong address' WHERE tracking_number = '1Z0000000000000A05'")
    return db


def scan(db, number, carrier="ups", who=LI_WEI, now=EVENING):
    return scan_label(db, carrier, number, who, SETTINGS, station="DESK-1", now=now)


def test_the_manifest_lists_the_days_parcels_of_its_carrier(parcels):
    manifest = manifest_for(parcels, "ups", SETTINGS, now=EVENING)
    assert [p.tracking_number for p in manifest.parcels] == list(UPS)
    assert manifest.ship_date.isoformat() == "2026-11-27" and manifest.manifest_id is None
    assert [p.tracking_number for p in manifest_for(parcels, "sf_express", SETTINGS, now=EVENING).parcels] == [
        "SF1000000000004"]


def test_scanning_ticks_parcels_off_and_shows_what_is_missing(parcels):
    tick = scan(parcels, f"  {UPS[1]}\n")
    assert not tick.already and tick.parcel.scanned_by == "P001"
    assert [p.tracking_number for p in tick.manifest.missing] == [UPS[0], UPS[2]]
    again = scan(parcels, UPS[1])
    assert again.already and len(again.manifest.ticked) == 1
    assert parcels.execute("SELECT COUNT(*) FROM events WHERE kind = 'manifest_parcel_scanned'").fetchone()[0] == 1


@pytest.mark.parametrize(("number", "message"), [
    ("SF1000000000004", "Parcel SF1000000000004 goes with SF Express, not UPS: put it with the SF Express parcels"),
    ("1Z0000000000000A05", r"Parcel 1Z0000000000000A05 was voided \(wrong address\): it must not go with the courier"),
    ("1Z9999999999999999", "No parcel has tracking number 1Z9999999999999999"),
    ("1Z0000000000000A00", "Parcel 1Z0000000000000A00 is not on this manifest: it shipped 2026-11-26 10:00"),
])
def test_wrong_labels_are_refused_and_change_nothing(parcels, number, message):
    events = parcels.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    with pytest.raises(KioskError, match=message):
        scan(parcels, number)
    assert parcels.execute("SELECT COUNT(*) FROM events").fetchone()[0] == events
    assert parcels.execute("SELECT COUNT(*) FROM manifest_parcels").fetchone()[0] == 0


def test_closing_records_the_pickup_and_unscanned_parcels_go_on_the_next_manifest(parcels):
    scan(parcels, UPS[0])
    scan(parcels, UPS[2])
    closed, = close_manifests(parcels, ["ups"], ZHANG, SETTINGS, station="DESK-1", now=EVENING)
    assert (closed.closed_by, len(closed.parcels), [p.tracking_number for p in closed.missing]) == (
        "S001", 3, [UPS[1]])
    event = json.loads(parcels.execute("SELECT detail FROM events WHERE kind = 'manifest_closed'").fetchone()[0])
    assert (event["parcels"], event["scanned"], event["left_behind"]) == (3, 2, [UPS[1]])
    # A parcel shipped after the pickup, and the one left behind, make the next manifest (tomorrow's).
    with parcels.conn:
        put_order(parcels, "M-6", [("MUG-01", 1)], paid_at=at("2026-11-27T08:00"))
        put_parcel(parcels, "M-6", packer="P001", shipped_at=at("2026-11-27T19:00"), tracking="1Z0000000000000A06")
    later = at("2026-11-27T20:00")
    following = manifest_for(parcels, "ups", SETTINGS, now=later)
    assert following.ship_date.isoformat() == "2026-11-28"
    assert [(p.tracking_number, p.carried_over) for p in following.parcels] == [
        (UPS[1], True), ("1Z0000000000000A06", False)]
    with pytest.raises(KioskError, match=r"Parcel 1Z0000000000000A01 was picked up already \(manifest of 2026-11-27\)"):
        scan(parcels, UPS[0], now=later)
    assert scan(parcels, UPS[1], now=later).parcel.carried_over
    assert [m.ship_date.isoformat() for m in closed_manifests(parcels, "ups")] == ["2026-11-27"]


def test_several_carriers_close_in_one_go_or_not_at_all(parcels):
    both = close_manifests(parcels, ["ups", "sf_express"], ZHANG, SETTINGS, station="DESK-1", now=EVENING)
    assert [(m.carrier_name, len(m.parcels), len(m.missing)) for m in both] == [("UPS", 3, 3), ("SF Express", 1, 1)]
    # Nothing new for SF Express: refused, and UPS is not closed either.
    with parcels.conn:
        put_order(parcels, "M-7", [("MUG-01", 1)], paid_at=at("2026-11-27T08:00"))
        put_parcel(parcels, "M-7", packer="P001", shipped_at=at("2026-11-28T09:00"), tracking="1Z0000000000000A07")
    with pytest.raises(KioskError, match="No DHL parcels since the last pickup: nothing to close"):
        close_manifests(parcels, ["ups", "dhl"], ZHANG, SETTINGS, station="DESK-1", now=at("2026-11-28T18:00"))
    assert parcels.execute("SELECT COUNT(*) FROM manifests WHERE closed_at IS NULL").fetchone()[0] == 0


def test_the_printed_manifest_has_the_counts_and_a_signature_line(parcels, tmp_path):
    scan(parcels, UPS[0])
    closed, = close_manifests(parcels, ["ups"], ZHANG, SETTINGS, station="DESK-1", now=EVENING)
    pdf, zpl = write_manifest_pages(closed, tmp_path, LONDON)
    reader = PdfReader(pdf)
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "UPS manifest 2026-11-27" in text and "Parcels: 3  Scanned: 1  Left behind: 2" in text.replace("\n", " ")
    assert "Driver signature" in text and "left behind" in text and UPS[2] in text
    page = zpl.read_text()
    assert page.startswith("^XA") and "^FDParcels: 3  Scanned: 1  Left behind: 2^FS" in page and "^GB" in page


def test_an_unknown_carrier_is_refused():
    assert resolve_manifest_carrier("UPS") == "ups"
    with pytest.raises(KioskError, match="Unknown carrier Pigeon"):
        resolve_manifest_carrier("Pigeon")
    with pytest.raises(KioskError, match=r"Give a carrier id or name \(see kiosk tracking --list\)"):
        resolve_manifest_carrier("  ")


def test_the_command_scans_and_closes(capsys, tmp_path, db_path):
    db = open_database(db_path)
    with db.conn:
        put_order(db, "C-1", [("MUG-01", 1)], paid_at=at("2026-11-27T08:00"))
        put_parcel(db, "C-1", packer="P001", shipped_at=at("2026-11-27T10:00"), tracking="1Z0000000000000C01")
        put_order(db, "C-2", [("MUG-01", 1)], paid_at=at("2026-11-27T08:00"))
        put_parcel(db, "C-2", packer="P001", shipped_at=at("2026-11-27T10:00"), tracking="SF1000000000C02",
                   carrier_id="sf_express", carrier="SF Express")
        # Shipped just now, so it is on today's manifest whatever the date.
        db.execute("UPDATE shipments SET shipped_at = ?", [stamp(datetime.now(UTC))])
    db.conn.close()
    base = ["--db", str(db_path), "manifest"]
    code, _out, err = run(capsys, *base, "--carrier", "ups", "--scan", "SF1000000000C02")
    assert code == 1 and "goes with SF Express, not UPS" in assert_one_line_refusal(err)
    code, out, err = run(capsys, *base, "--carrier", "UPS", "--scan", "1Z0000000000000C01", "--close",
                         "--out", str(tmp_path / "m"))
    assert code == 0, err
    assert "1Z0000000000000C01: scanned (1 of 1)" in out and "1 parcels, 1 scanned, 0 left" in out
    assert len(list((tmp_path / "m").glob("manifest-ups-*.pdf"))) == 1
    code, _out, err = run(capsys, *base, "--carrier", "ups", "--carrier", "dhl", "--scan", "X")
    assert code == 2 and "Scan labels for one carrier at a time" in err
