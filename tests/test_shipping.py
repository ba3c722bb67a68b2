"""The waybill step and shipping."""

from __future__ import annotations

import contextlib
import sqlite3
from concurrent.futures import ThreadPoolExecutor

import pytest
import zxingcpp
from PIL import Image

from kiosk.claims import claim_order
from kiosk.db import transaction
from kiosk.errors import KioskError
from kiosk.orders import get_order
from kiosk.packing import PackSession
from kiosk.print_queue import finish_print_job
from kiosk.shipping import record_waybill
from kiosk.staged_labels import StagedLabel
from kiosk.tracking import check_tracking_format
from kiosk.waybill import WaybillRules, check_waybill
from tests.conftest import EAN


def packed_session(db, order_id="SO-1", station="DESK-1") -> PackSession:
    claim_order(db, order_id, "P001", station)
    session = PackSession(db, order_id, "P001", station)
    session.acknowledge_notes()
    for progress in list(session.lines):
        for _ in range(progress.line.quantity):
            assert session.scan(EAN[progress.line.sku]).accepted
    return session


def test_normalise_strips_spaces_dashes_and_case():
    assert check_tracking_format(" 1z 999-aa1 0123456784\r\n") == "1Z999AA10123456784"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "Empty waybill scan"),
        ("SHORT1", "6 characters, expected 8 to 40"),
        ("X" * 41, "41 characters"),
        ("SF12345678#901", "letters and digits only"),
        ("SF1234\x00567890", "letters and digits only"),
    ],
)
def test_tracking_format_refusals_say_why(raw, reason):
    with pytest.raises(KioskError, match=reason):
        check_tracking_format(raw)


def test_an_item_barcode_is_not_a_waybill(db):
    with pytest.raises(KioskError, match="is an item barcode, not a waybill"):
        check_waybill(db, EAN["MUG-01"], get_order(db, "SO-1"), WaybillRules())


def test_ship_records_shipment_print_job_and_releases_claim(db):
    session = packed_session(db)
    shipment = record_waybill(session, "sf 1234 5678 90123", "spool")
    assert shipment.tracking_number == "SF1234567890123"
    assert get_order(db, "SO-1")["status"] == "shipped"
    row = db.execute("SELECT order_id, tracking_number, operator, station, voided_at"
                     " FROM shipments").fetchone()
    assert row == ("SO-1", "SF1234567890123", "P001", "DESK-1", None)
    assert db.execute("SELECT status FROM print_jobs").fetchone()[0] == "queued"
    assert not db.execute("SELECT COUNT(*) FROM claims").fetchone()[0]
    kinds = [r[0] for r in db.execute("SELECT kind FROM events WHERE order_id='SO-1' ORDER BY id")]
    assert kinds[-2:] == ["status_shipped", "shipped"]


def test_cannot_ship_before_every_item_is_verified(db):
    claim_order(db, "SO-1", "P001", "DESK-1")
    session = PackSession(db, "SO-1", "P001", "DESK-1")
    session.scan(EAN["SW-RED-M"])
    with pytest.raises(KioskError, match="2 items still to scan before the waybill"):
        record_waybill(session, "SF1234567890123", "spool")
    assert get_order(db, "SO-1")["status"] == "packing"


def test_tracking_number_on_another_live_shipment_is_refused(db):
    record_waybill(packed_session(db, "SO-1"), "SF1234567890123", "spool")
    second = packed_session(db, "SO-6")
    with pytest.raises(KioskError, match="already on order SO-1"):
        record_waybill(second, "SF1234567890123", "spool")
    assert get_order(db, "SO-6")["status"] == "packing"
    # Once the first shipment is voided the number is free again.
    db.execute("UPDATE shipments SET voided_at = '2026-11-27T10:00:00+00:00'")
    record_waybill(second, "SF1234567890123", "spool")


def test_an_order_taken_away_from_the_station_is_not_shipped(db):
    session = packed_session(db)
    db.execute("DELETE FROM claims")
    with pytest.raises(KioskError, match="no longer open at this station"):
        record_waybill(session, "SF1234567890123", "spool")
    assert not db.execute("SELECT COUNT(*) FROM shipments").fetchone()[0]


def test_an_order_another_station_took_over_is_not_shipped_from_the_old_one(db_path):
    from kiosk.auth import Operator
    from kiosk.db import open_database
    from kiosk.problems import release_to_queue

    old_station = packed_session(open_database(db_path))
    office = open_database(db_path)
    release_to_queue(office, "SO-1", "back to the queue", Operator("S001", "Zhang Min", "supervisor"), "OFFICE")
    claim_order(office, "SO-1", "P002", "DESK-2")
    with pytest.raises(KioskError, match="Order SO-1 is no longer open at this station: it was not shipped"):
        record_waybill(old_station, "SF1234567890123", "spool")
    assert not office.execute("SELECT COUNT(*) FROM shipments").fetchone()[0]
    assert office.execute("SELECT station FROM claims WHERE order_id = 'SO-1'").fetchone() == ("DESK-2",)


def test_print_job_outcome_is_recorded(db):
    shipment = record_waybill(packed_session(db), "SF1234567890123", "spool")
    finish_print_job(db, shipment.print_job_id, error="printer offline")
    assert db.execute("SELECT status, attempts, error FROM print_jobs").fetchone() == (
        "failed", 1, "printer offline")
    finish_print_job(db, shipment.print_job_id, file="/spool/x.png")
    assert db.execute("SELECT status, attempts FROM print_jobs").fetchone() == ("sent", 2)
    assert db.execute("SELECT label_file FROM shipments").fetchone()[0] == "/spool/x.png"


# -- the waybill's label, written while the shipment commits -------------------------------------


def ship_with_label(db, config, session, tracking="SF1234567890123", forgotten=None):
    """record_waybill as the pack screen calls it; returns (shipment or the error, outcomes reported)."""
    reported = []

    def stage(job_id):
        forget = forgotten.append if forgotten is not None else None
        return StagedLabel(db, job_id, config, pool, reported.append, forget)

    with ThreadPoolExecutor(max_workers=1) as pool:
        try:
            result = record_waybill(session, tracking, config.printer, stage_label=stage)
        except sqlite3.Error as error:
            result = error
    return result, reported  # leaving the pool waits for the print thread


@contextlib.contextmanager
def failing_commit(db):
    """A transaction whose COMMIT fails (a full disk, an I/O error): it is rolled back."""
    with transaction(db) as conn:
        yield conn
        raise sqlite3.OperationalError("disk I/O error")


def test_the_waybills_label_is_in_the_spool_folder_once_the_shipment_is_committed(db, config):
    shipment, reported = ship_with_label(db, config, packed_session(db))
    (outcome,) = reported
    assert (outcome.job_id, outcome.order_id, outcome.error) == (shipment.print_job_id, "SO-1", "")
    assert [path.name for path in config.spool_dir.iterdir()] == ["SO-1-SF1234567890123.png"]
    assert outcome.file == str(config.spool_dir / "SO-1-SF1234567890123.png")
    with Image.open(outcome.file) as image:
        assert sorted(result.text for result in zxingcpp.read_barcodes(image)) == ["SF1234567890123", "SO-1"]


def test_a_shipment_that_does_not_commit_leaves_no_label_behind(db, config, monkeypatch):
    import kiosk.shipping

    session = packed_session(db)
    monkeypatch.setattr(kiosk.shipping, "transaction", failing_commit)
    forgotten = []
    error, reported = ship_with_label(db, config, session, forgotten=forgotten)
    assert isinstance(error, sqlite3.OperationalError)
    assert reported == []
    assert len(forgotten) == 1  # the app stops counting that job as printing: its id is free again
    assert not config.spool_dir.exists() or list(config.spool_dir.iterdir()) == []  # no temporary file either
    assert db.execute("SELECT COUNT(*) FROM shipments").fetchone()[0] == 0
    assert get_order(db, "SO-1")["status"] == "packing"


def test_a_label_that_cannot_be_drawn_does_not_stop_its_shipment(db, config, monkeypatch):
    import kiosk.staged_labels

    def no_font(request, renderer=None):
        raise KioskError("Label not printed: the label font cannot draw 张 (U+5F20) in recipient name")

    monkeypatch.setattr(kiosk.staged_labels, "draw", no_font)
    shipment, reported = ship_with_label(db, config, packed_session(db))
    assert get_order(db, "SO-1")["status"] == "shipped"
    (outcome,) = reported
    assert outcome.job_id == shipment.print_job_id and not outcome.retryable
    assert "cannot draw 张" in outcome.error


def test_a_spool_folder_that_cannot_be_written_is_a_printer_offline(db, config):
    config.spool_dir.parent.mkdir(parents=True, exist_ok=True)
    config.spool_dir.write_text("not a folder")
    shipment, reported = ship_with_label(db, config, packed_session(db))
    assert get_order(db, "SO-1")["status"] == "shipped"
    (outcome,) = reported
    assert outcome.retryable and "printer spool offline: cannot write to" in outcome.error
