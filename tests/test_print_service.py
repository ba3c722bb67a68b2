"""The print service without a terminal: jobs, staging, retries, stickers and outcomes.

The service's worker threads report through `on_finished`; here that puts the outcome on a
queue, and the test (the thread that owns the database) passes it to `finish`, as the App does.
"""

from __future__ import annotations

import json
import queue
import sqlite3
import threading
from dataclasses import replace

import pytest
import zxingcpp
from PIL import Image

from kiosk.errors import KioskError
from kiosk.orders import get_order
from kiosk.print_queue import get_job, reprint_job
from kiosk.print_requests import PrintOutcome
from kiosk.print_service import PrintService, outcome_notice
from kiosk.shipping import record_waybill
from kiosk.voids import void_shipment
from printing.fonts import BUNDLED_CJK_FONT
from printing.labels import LabelRenderer, layout_shipping_label
from tests.conftest import EAN
from tests.loopback_printer import LoopbackPrinter
from tests.test_print_jobs import TRACKING, age, with_zebra
from tests.test_printing import make_label
from tests.test_shipping import failing_commit, packed_session

# Long enough for any worker on a loaded machine; only a hang ever waits this long.
HANG = 60


class Desk:
    """A service started as the App starts it, and the outcomes its threads report."""

    def __init__(self, db, config) -> None:
        self.db = db
        self.outcomes: queue.Queue[PrintOutcome] = queue.Queue()
        self.service = PrintService(db, config)
        self.service.start(self.outcomes.put)

    def ship(self, order_id: str = "SO-1", tracking: str | None = None, printer: str = "spool"):
        return record_waybill(packed_session(self.db, order_id), tracking or TRACKING[order_id], printer,
                              stage_label=self.service.stage_label)

    def next_outcome(self) -> PrintOutcome:
        """The next attempt's outcome, recorded as the App records it."""
        outcome = self.outcomes.get(timeout=HANG)
        self.service.finish(outcome)
        return outcome


@pytest.fixture
def desk(db, config):
    desk = Desk(db, config)
    yield desk
    desk.service.stop()


def decode(path) -> list[str]:
    with Image.open(path) as image:
        return sorted(result.text for result in zxingcpp.read_barcodes(image.convert("L")))


def queued_events(db) -> dict[int, dict]:
    rows = db.execute("SELECT operator, station, detail FROM events WHERE kind = 'print_queued' ORDER BY id")
    found = {}
    for operator, station, detail in rows:
        found[json.loads(detail)["job_id"]] = {**json.loads(detail), "operator": operator, "station": station}
    return found


def test_every_job_shipping_labels_included_gets_its_print_queued_event(db, desk):
    shipment = desk.ship("SO-1")
    desk.next_outcome()
    sticker = desk.service.queue_item_labels(EAN["SCARF-RED"], 2, operator="P001", order_id="SO-2")
    desk.next_outcome()
    again = reprint_job(db, shipment.print_job_id, "label torn", operator="S001", station="DESK-1")
    jobs = [row[0] for row in db.execute("SELECT id FROM print_jobs ORDER BY id")]
    assert jobs == [shipment.print_job_id, sticker, again]
    events = queued_events(db)
    assert sorted(events) == jobs
    assert events[shipment.print_job_id]["label"] == "shipping_label"
    assert (events[shipment.print_job_id]["operator"], events[shipment.print_job_id]["station"]) == ("P001", "DESK-1")
    assert events[sticker]["label"] == "item_label" and events[sticker]["copies"] == 2


def test_a_waybills_label_is_published_only_after_its_shipment_commits(db, config, desk):
    seen_inside: list[list[str]] = []

    def stage(job_id):
        staged = desk.service.stage_label(job_id)
        seen_inside.append(sorted(path.name for path in config.spool_dir.glob("*.png")))
        return staged

    shipment = record_waybill(packed_session(db), "SF1234567890123", "spool", stage_label=stage)
    assert seen_inside == [[]]  # staged inside the transaction, not yet where a printer looks
    outcome = desk.next_outcome()
    assert (outcome.job_id, outcome.error) == (shipment.print_job_id, "")
    assert outcome.file == str(config.spool_dir / "SO-1-SF1234567890123.png")
    assert decode(outcome.file) == ["SF1234567890123", "SO-1"]
    job = get_job(db, shipment.print_job_id)
    assert (job.status, job.attempts, job.file) == ("sent", 1, outcome.file)
    assert db.execute("SELECT label_file FROM shipments").fetchone()[0] == outcome.file
    assert desk.service.printing_now == frozenset()


def test_a_shipment_whose_commit_fails_leaves_no_label_file(db, config, desk, monkeypatch):
    import kiosk.shipping

    session = packed_session(db)
    monkeypatch.setattr(kiosk.shipping, "transaction", failing_commit)
    with pytest.raises(sqlite3.OperationalError, match="disk I/O error"):
        record_waybill(session, "SF1234567890123", "spool", stage_label=desk.service.stage_label)
    desk.service.stop()  # every thread done
    assert desk.outcomes.empty()
    assert desk.service.printing_now == frozenset()  # the job id may be given to the next job
    assert not config.spool_dir.exists() or list(config.spool_dir.iterdir()) == []  # no temporary file either
    assert get_order(db, "SO-1")["status"] == "packing"


def test_a_label_for_an_offline_printer_is_retried_and_prints_when_it_is_back(db, config, desk):
    zebra = LoopbackPrinter(on=False)
    try:
        with_zebra(config, zebra)
        shipment = desk.ship("SO-1", printer="zebra")
        failed = desk.next_outcome()
        assert failed.retryable and "printer zebra at 127.0.0.1" in failed.error
        assert get_job(db, shipment.print_job_id).status == "failed"
        assert desk.service.retry_due() == []  # not due yet
        age(db, shipment.print_job_id)
        zebra.switch_on()
        assert desk.service.retry_due() == [shipment.print_job_id]
        assert desk.service.retry_due() == []  # under way: never sent twice
        printed = desk.next_outcome()
        assert printed.background and printed.error == ""
        job = get_job(db, shipment.print_job_id)
        assert (job.status, job.attempts) == ("sent", 2)
    finally:
        zebra.close()
    assert zebra.jobs and zebra.jobs[-1].startswith(b"^XA")


def test_item_labels_are_queued_printed_and_recorded(db, config, desk):
    job_id = desk.service.queue_item_labels("SCARF-RED", 3, operator="P001", order_id="SO-1")
    outcome = desk.next_outcome()
    assert (outcome.job_id, outcome.kind, outcome.subject, outcome.error) == (job_id, "item_label",
                                                                               EAN["SCARF-RED"], "")
    files = sorted(config.spool_dir.glob(f"item-{EAN['SCARF-RED']}-{job_id}*.png"))
    assert len(files) == 3 and all(decode(path) == [EAN["SCARF-RED"]] for path in files)
    job = get_job(db, job_id)
    assert (job.status, job.copies, job.operator, job.order_id) == ("sent", 3, "P001", "SO-1")
    with pytest.raises(KioskError, match="Unknown SKU or item code NOPE"):
        desk.service.queue_item_labels("NOPE", 1, operator="P001")
    with pytest.raises(KioskError, match="Print 1 to 500 labels at a time"):
        desk.service.queue_item_labels("SCARF-RED", 0, operator="P001")
    assert db.execute("SELECT COUNT(*) FROM print_jobs").fetchone()[0] == 1


def test_finish_records_a_failed_attempt_and_a_voided_job_is_reported_not_printed(db, config, desk):
    shipment = desk.ship("SO-1")
    desk.next_outcome()
    void_shipment(db, shipment.shipment_id, "wrong parcel", supervisor="S001", station="DESK-1")
    desk.service.send(shipment.print_job_id)
    outcome = desk.next_outcome()
    assert "is void" in outcome.error and not outcome.retryable
    job = get_job(db, shipment.print_job_id)
    assert (job.status, job.attempts) == ("failed", 2)
    assert "is void" in job.error


def test_a_chinese_recipient_prints_with_the_bundled_font_and_decodes(db, config, desk):
    db.execute("UPDATE orders SET recipient_name = ?, address = ? WHERE order_id = 'SO-1'",
               ["张伟", "北京市朝阳区建国路88号"])
    shipment = desk.ship("SO-1")
    outcome = desk.next_outcome()
    assert outcome.error == ""
    assert decode(outcome.file) == sorted([shipment.tracking_number, "SO-1"])
    # The bundled font drew it: no system font on this machine is needed for Chinese.
    drawn = layout_shipping_label(make_label(recipient_name="张伟"))
    assert drawn.font == BUNDLED_CJK_FONT


def test_a_label_drawn_ahead_is_drawn_over_when_the_waybill_comes(db, desk):
    desk.service.prepare_label("SO-1", "", 1, 1, "P001")
    desk.ship("SO-1")
    outcome = desk.next_outcome()
    assert outcome.error == ""
    assert decode(outcome.file) == sorted([TRACKING["SO-1"], "SO-1"])


def test_the_service_runs_only_between_start_and_stop(db, config):
    service = PrintService(db, config)
    with pytest.raises(RuntimeError, match="not running: start it first"):
        service.send(1)
    service.start(lambda outcome: None)
    with pytest.raises(RuntimeError, match="running already"):
        service.start(lambda outcome: None)
    service.stop()
    with pytest.raises(RuntimeError, match="not running"):
        service.retry_due() or service.send(1)


@pytest.mark.parametrize(
    ("outcome", "severity", "text"),
    [
        (PrintOutcome(1, "shipping_label", "SO-1", "zebra", "SO-1", error="off", retryable=True), "warning",
         "Order SO-1 is shipped; printer offline: label queued. It prints when zebra is back."),
        (PrintOutcome(2, "item_label", "400", "zebra", error="off", retryable=True), "warning",
         "Item label 400: printer offline: label queued. It prints when zebra is back."),
        (PrintOutcome(3, "shipping_label", "SO-1", "spool", "SO-1", error="no font"), "error",
         "Order SO-1 shipped, but no font"),
        (PrintOutcome(4, "item_label", "400", "spool", error="no font"), "error",
         "Item label 400 not printed: no font"),
        (PrintOutcome(5, "shipping_label", "SO-1", "spool", "SO-1", file="/s/a.png"), "information",
         "Label printed for SO-1: /s/a.png"),
        (PrintOutcome(6, "item_label", "400", "spool", file="/s/b.png"), "information",
         "Item label 400 printed: /s/b.png"),
        (PrintOutcome(7, "shipping_label", "SO-1", "zebra", "SO-1", file="/s/c.zpl", background=True),
         "information", "Queued label for SO-1 printed on zebra."),
    ],
)
def test_outcome_notice_says_what_happened(outcome, severity, text):
    notice = outcome_notice(outcome)
    assert notice is not None and (notice.severity, notice.text) == (severity, text)
    assert notice.bell == (severity != "information")


def test_a_timed_retry_that_fails_again_is_not_announced():
    outcome = PrintOutcome(1, "shipping_label", "SO-1", "zebra", "SO-1", error="off", retryable=True, background=True)
    assert outcome_notice(outcome) is None


def test_one_renderer_shared_by_threads_draws_every_label_as_drawn_whole():
    labels = [make_label(order_id=f"SO-{n}", tracking_number=f"1Z999AA1012345678{n}") for n in range(6)]
    expected = [layout_shipping_label(label).image.tobytes() for label in labels]
    renderer = LabelRenderer()
    results: dict[int, bytes] = {}

    def draw(n: int) -> None:
        preview = replace(labels[n], tracking_number="1Z0000000000000000", carrier="Courier")
        renderer.draw_ahead(preview)
        results[n] = renderer.layout(labels[n]).image.tobytes()

    threads = [threading.Thread(target=draw, args=(n,)) for n in range(len(labels))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [results[n] for n in range(len(labels))] == expected
