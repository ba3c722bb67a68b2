"""Voiding a shipment: supervisor only, with a reason; its labels become void and the order is
packed again."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.claims import claim_order
from kiosk.errors import KioskError
from kiosk.orders import get_order
from kiosk.packing import PackSession
from kiosk.print_queue import due_retries, finish_print_job, get_job, reprint_job, retry_job
from kiosk.print_requests import deliver, job_request
from kiosk.shipping import record_waybill
from kiosk.voids import live_shipment, void_shipment
from tests.conftest import EAN
from tests.test_print_jobs import age, print_now, ship


def test_a_supervisor_voids_a_shipment_and_the_order_is_packed_again(db, config):
    shipment = ship(db)
    label = Path(print_now(db, config, shipment.print_job_id))
    result = void_shipment(db, shipment.shipment_id, "  customer changed address ", supervisor="S001",
                           station="DESK-1")
    assert result.order_id == "SO-1" and result.tracking_numbers == ("1Z999AA10123456784",)
    assert db.execute("SELECT void_reason FROM shipments").fetchone()[0] == "customer changed address"
    assert get_order(db, "SO-1")["status"] == "paid"
    assert live_shipment(db, "SO-1") is None
    # The label file is renamed out of any *.png watcher's sight, and the job is void.
    assert not label.exists() and result.renamed == (label.with_name(label.name + ".void"),)
    assert get_job(db, shipment.print_job_id).voided_at is not None
    event = db.execute("SELECT operator, detail FROM events WHERE kind = 'shipment_voided'").fetchone()
    assert event[0] == "S001" and json.loads(event[1])["reason"] == "customer changed address"
    # The scans were cleared: packing again starts from nothing, and the tracking number is free.
    claim_order(db, "SO-1", "P002", "DESK-2")
    session = PackSession(db, "SO-1", "P002", "DESK-2")
    assert session.units_packed == 0
    for code in (EAN["SW-RED-M"], EAN["SW-RED-M"], EAN["TOTE-BLK"]):
        assert session.scan(code).accepted
    assert record_waybill(session, "1Z999AA10123456784", "spool").order_shipped


def test_a_void_label_is_never_retried_reprinted_or_printed(db, config):
    shipment = ship(db)  # still queued when the shipment is voided
    void_shipment(db, shipment.shipment_id, "wrong box", supervisor="S001", station="DESK-1")
    age(db, shipment.print_job_id)
    assert due_retries(db, "DESK-1", max_attempts=10, wait_seconds=60) == []
    for attempt in (
        lambda: retry_job(db, shipment.print_job_id, operator="S001", station="DESK-1"),
        lambda: reprint_job(db, shipment.print_job_id, "again", operator="S001", station="DESK-1"),
        lambda: job_request(db, shipment.print_job_id, config),
    ):
        with pytest.raises(KioskError, match="is void: its shipment was voided"):
            attempt()


@pytest.mark.parametrize(
    ("badge", "reason", "message"),
    [("P001", "wrong box", "Only a supervisor can void a shipment"),
     ("NOBODY", "wrong box", "Only a supervisor can void a shipment"),
     ("S001", "   ", "Say why the shipment is voided"),
     ("S001", "x" * 201, "at most 200 characters")],
)
def test_refusals_change_nothing(db, badge, reason, message):
    shipment = ship(db)
    events = db.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    with pytest.raises(KioskError, match=message):
        void_shipment(db, shipment.shipment_id, reason, supervisor=badge, station="DESK-1")
    assert get_order(db, "SO-1")["status"] == "shipped"
    assert db.execute("SELECT voided_at FROM shipments").fetchone()[0] is None
    assert db.execute("SELECT COUNT(*) FROM events").fetchone()[0] == events


def test_a_shipment_is_voided_once_and_only_when_its_order_is_shipped(db):
    shipment = ship(db)
    void_shipment(db, shipment.shipment_id, "wrong box", supervisor="S001", station="DESK-1")
    with pytest.raises(KioskError, match="void already"):
        void_shipment(db, shipment.shipment_id, "again", supervisor="S001", station="DESK-1")
    with pytest.raises(KioskError, match="No shipment 99"):
        void_shipment(db, 99, "wrong box", supervisor="S001", station="DESK-1")


def test_a_label_file_already_gone_does_not_stop_the_void(db, config):
    shipment = ship(db)
    label = Path(print_now(db, config, shipment.print_job_id))
    label.unlink()  # a print watcher took it
    result = void_shipment(db, shipment.shipment_id, "wrong box", supervisor="S001", station="DESK-1")
    assert result.not_renamed == (str(label),) and get_order(db, "SO-1")["status"] == "paid"


def test_a_label_that_finishes_printing_after_the_void_is_void_too(db, config):
    shipment = ship(db)
    request = job_request(db, shipment.print_job_id, config)  # the worker has it already
    void_shipment(db, shipment.shipment_id, "wrong box", supervisor="S001", station="DESK-1")
    path = deliver(request)
    finish_print_job(db, shipment.print_job_id, file=str(path), station="DESK-1")
    assert not path.exists() and path.with_name(path.name + ".void").exists()
    assert db.execute("SELECT label_file FROM shipments").fetchone()[0] == ""
