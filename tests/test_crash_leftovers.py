"""What a killed station leaves behind is put right: its temporary label files go, a label it
published without recording is recorded (not printed twice), a label it was handing to a printer
is listed as one that may have printed (not sent again), and its claim can be handed over."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest

from kiosk.claims import StaleClaim, stopped_while_away
from kiosk.db import transaction
from kiosk.desk_recovery import TAKE_OVER_CLAIM
from kiosk.errors import KioskError
from kiosk.print_queue import finish_print_job, get_job, interrupted_sends, unprinted_jobs
from kiosk.print_requests import deliver, job_request
from kiosk.print_service import PrintService
from kiosk.shipping import record_waybill
from printing.spool import stage_file
from screens.approve import SupervisorApproval
from screens.pack import PackScreen
from screens.queue import QueueScreen
from tests.conftest import EAN
from tests.loopback_printer import LoopbackPrinter
from tests.pilot import SIZE, RecordingApp, banner, log_in, run_kiosk, scan
from tests.test_desk import desk_of
from tests.test_print_jobs import TRACKING, age, events, with_zebra
from tests.test_shipping import packed_session

KILLED_MID_LABEL = """
import os, sys
from printing.spool import stage_file
print(stage_file(b"half a label", sys.argv[1], "SO-9-1Z", "png").temporary)
os._exit(0)  # no discard: the process died holding it
"""


def test_temporary_labels_of_a_dead_process_are_removed_at_start_and_a_live_ones_kept(db, config):
    folder = config.spool_dir
    done = subprocess.run([sys.executable, "-c", KILLED_MID_LABEL, str(folder)], capture_output=True, text=True,
                          check=True)
    left = folder / done.stdout.strip().rsplit("/", 1)[-1]
    assert left.exists()
    mine = stage_file(b"this process is alive", folder, "SO-8-1Z", "png").temporary
    service = PrintService(db, config)
    service.start(lambda outcome: None)
    service.stop()
    assert not left.exists()  # however fresh: its writer is gone
    assert mine.exists()
    mine.unlink()


def test_a_published_label_not_yet_marked_sent_is_recorded_at_start_and_not_printed_again(db, config):
    shipment = record_waybill(packed_session(db, "SO-1"), "1Z999AA10123456784", "spool")
    path = deliver(job_request(db, shipment.print_job_id, config))  # published; then the kiosk was killed
    assert get_job(db, shipment.print_job_id).status == "queued"
    written = path.stat().st_mtime_ns
    service = PrintService(db, config)
    service.start(lambda outcome: None)
    try:
        job = get_job(db, shipment.print_job_id)
        assert (job.status, job.file) == ("sent", str(path))
        assert service.retry_due() == []
    finally:
        service.stop()
    assert path.stat().st_mtime_ns == written and len(list(config.spool_dir.iterdir())) == 1


def test_an_unpublished_job_is_left_for_its_retry(db, config):
    shipment = record_waybill(packed_session(db, "SO-1"), "1Z999AA10123456784", "spool")
    service = PrintService(db, config)
    assert service.recover() == []
    assert get_job(db, shipment.print_job_id).status == "queued"


def silence(db, station: str, since: str = "2020-01-01T00:00:00.000+00:00") -> None:
    with transaction(db):
        db.execute("UPDATE claims SET heartbeat_at = ? WHERE station = ?", [since, station])


def test_a_silent_stations_order_is_handed_over_with_a_supervisor(db, config):
    other = desk_of(db, config, "P002", "4321", station="DESK-2")
    other.open_order("SO-1")
    other.acknowledge_notes()
    assert other.scan(EAN["SW-RED-M"]).accepted
    here = desk_of(db, config)
    with pytest.raises(KioskError, match="Order SO-1 is held by Maria Lopez at DESK-2"):
        here.open_order("SO-1")  # still beating: not offered
    silence(db, "DESK-2")
    with pytest.raises(StaleClaim, match="Order SO-1 is held by DESK-2, not heard from since .*a supervisor can hand"):
        here.open_order("SO-1")
    with pytest.raises(KioskError, match="Li Wei is not a supervisor"):
        here.take_over("SO-1", here)
    supervisor = here.as_supervisor("S001", "9999", action=TAKE_OVER_CLAIM, order_id="SO-1")
    assert here.take_over("SO-1", supervisor) == "SO-1"
    assert here.session.order_id == "SO-1" and here.session.units_packed == 0  # the items are on DESK-2's bench
    assert db.execute("SELECT station, operator FROM claims WHERE order_id = 'SO-1'").fetchone() == ("DESK-1", "P001")
    event = db.execute("SELECT operator, station, detail FROM events WHERE kind = 'claim_taken_over'").fetchone()
    assert event[:2] == ("P001", "DESK-1")
    assert '"approved_by": "S001"' in event[2] and '"from_station": "DESK-2"' in event[2]
    assert [stop.message for stop in stopped_while_away(db, "DESK-2")] == [
        "Order SO-1 was handed to another station while this station was silent: put its items back."]


def test_a_claim_that_beats_again_is_not_taken_over(db, config):
    other = desk_of(db, config, "P002", "4321", station="DESK-2")
    other.open_order("SO-1")
    silence(db, "DESK-2")
    here = desk_of(db, config)
    with pytest.raises(StaleClaim, match="not heard from"):
        here.open_order("SO-1")
    supervisor = here.as_supervisor("S001", "9999", action=TAKE_OVER_CLAIM, order_id="SO-1")
    other.heartbeat()  # DESK-2 was only slow
    with pytest.raises(KioskError, match="DESK-2 was heard from at .*order SO-1 stays there"):
        here.take_over("SO-1", supervisor)
    assert db.execute("SELECT station FROM claims WHERE order_id = 'SO-1'").fetchone() == ("DESK-2",)
    with pytest.raises(KioskError, match="Order SO-2 is not held by another station"):
        here.take_over("SO-2", supervisor)


async def test_the_queue_offers_a_silent_stations_order_with_f8_and_a_supervisors_badge(config, db):
    other = desk_of(db, config, "P002", "4321", station="DESK-2")
    other.open_order("SO-1")
    silence(db, "DESK-2")
    async with run_kiosk(config) as (app, pilot):
        await scan(pilot, "SO-1")
        assert isinstance(app.screen, QueueScreen)
        assert "not heard from since" in banner(app).message and "(F4)" in banner(app).message
        await pilot.press("f4")
        assert isinstance(app.screen, SupervisorApproval)
        await scan(pilot, "S001")
        await pilot.press(*"9999", "enter")
        await pilot.pause()
        assert isinstance(app.screen, PackScreen) and app.desk.session.order_id == "SO-1"
    assert db.execute("SELECT station FROM claims WHERE order_id = 'SO-1'").fetchone() == ("DESK-1",)


class KilledBeforeItHeardBack:
    """A station whose print service hands a label to the printer, then dies before the outcome is
    recorded: the outcome its thread reports is never passed on (the process was gone)."""

    def __init__(self, db, config) -> None:
        self.reported = threading.Event()
        self.service = PrintService(db, config)
        self.service.start(lambda outcome: self.reported.set())

    def ship(self, db, order_id: str, tracking: str, printer: str):
        shipment = record_waybill(packed_session(db, order_id), tracking, printer,
                                  stage_label=self.service.stage_label)
        assert self.reported.wait(60)  # the printer took it (or refused it); nothing is recorded
        self.service.stop()
        return shipment


def test_a_label_handed_to_a_raw_printer_when_the_kiosk_died_is_not_sent_again_but_listed(db, config):
    zebra = LoopbackPrinter()
    try:
        with_zebra(config, zebra)
        shipment = KilledBeforeItHeardBack(db, config).ship(db, "SO-1", TRACKING["SO-1"], "zebra")
        wait_for(lambda: len(zebra.jobs) == 1)
        assert get_job(db, shipment.print_job_id).status == "queued"  # the outcome never made it

        restarted, sent_again = PrintService(db, config), []
        restarted.start(sent_again.append)
        try:
            assert restarted.retry_due() == []
            age(db, shipment.print_job_id)
            assert restarted.retry_due() == []  # not even once its retry would be due
        finally:
            restarted.stop()
        assert sent_again == []
        job = get_job(db, shipment.print_job_id)
        assert (job.status, job.retryable) == ("failed", False)
        assert "it may have printed. Check the printer" in job.error
        assert [unprinted.job_id for unprinted in unprinted_jobs(db, config.station)] == [shipment.print_job_id]
        assert len(zebra.jobs) == 1  # printed once
    finally:
        zebra.close()


def test_a_label_for_a_raw_printer_is_marked_before_it_goes_and_unmarked_when_recorded(db, config):
    zebra = LoopbackPrinter()
    try:
        with_zebra(config, zebra)
        shipment = KilledBeforeItHeardBack(db, config).ship(db, "SO-1", TRACKING["SO-1"], "zebra")
        assert interrupted_sends(db, config.station) == [shipment.print_job_id]
        assert [detail["job_id"] for detail in events(db, "label_sending")] == [shipment.print_job_id]
        finish_print_job(db, shipment.print_job_id, file="x.zpl", station=config.station)
        assert interrupted_sends(db, config.station) == []
    finally:
        zebra.close()


def test_a_spool_folder_label_is_not_marked_its_file_tells(db, config):
    KilledBeforeItHeardBack(db, config).ship(db, "SO-1", TRACKING["SO-1"], "spool")
    assert interrupted_sends(db, config.station) == [] and events(db, "label_sending") == []


async def test_the_queue_lists_a_label_that_may_have_printed_when_the_kiosk_died(db, config):
    zebra = LoopbackPrinter()
    try:
        with_zebra(config, zebra)
        KilledBeforeItHeardBack(db, config).ship(db, "SO-1", TRACKING["SO-1"], "zebra")
        wait_for(lambda: len(zebra.jobs) == 1)
        app = RecordingApp(config)
        async with app.run_test(size=SIZE) as pilot:
            await log_in(pilot)
            assert isinstance(app.screen, QueueScreen)
            shown = str(app.screen.query_one("#unprinted").render())
            assert "SO-1" in shown and "it may have printed. Check the printer" in shown and "F8" in shown
        assert len(zebra.jobs) == 1
    finally:
        zebra.close()


def wait_for(condition, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_a_retried_label_handed_to_a_raw_printer_when_the_kiosk_died_is_not_sent_again(db, config):
    zebra = LoopbackPrinter()
    try:
        with_zebra(config, zebra)
        shipment = record_waybill(packed_session(db, "SO-1"), TRACKING["SO-1"], "zebra")
        age(db, shipment.print_job_id)  # left queued by a kiosk that stopped: due for its retry
        reported = threading.Event()
        dying = PrintService(db, config)
        dying.start(lambda outcome: reported.set())
        assert dying.retry_due() == [shipment.print_job_id]
        assert reported.wait(60)
        dying.stop()  # and the outcome is never recorded
        wait_for(lambda: len(zebra.jobs) == 1)
        assert PrintService(db, config).recover() == [shipment.print_job_id]
        assert "it may have printed" in get_job(db, shipment.print_job_id).error
        assert len(zebra.jobs) == 1
    finally:
        zebra.close()
