"""Print jobs: every label is a job row; a printer that is off never loses a shipment; retries,
redirects and reprints (with a reason) from the core and from the supervisor's screen."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from kiosk.errors import KioskError
from kiosk.labels import label_for_shipment
from kiosk.orders import get_order
from kiosk.print_queue import (
    claim_due_retries,
    due_retries,
    finish_print_job,
    get_job,
    list_jobs,
    redirect_job,
    reprint_job,
    retry_job,
)
from kiosk.print_requests import deliver, job_request
from kiosk.printers import PrinterOffline
from kiosk.shipping import Shipment, record_waybill
from screens.print_jobs import PrinterChoice, PrintJobsScreen
from screens.prompt import PromptDialog
from screens.queue import QueueScreen
from tests.loopback_printer import LoopbackPrinter
from tests.pilot import labels_reported, run_kiosk, scan
from tests.test_printing import pdf_images, render_zpl
from tests.test_shipping import packed_session

# SO-2's buyer asks for UPS.
TRACKING = {"SO-1": "1Z999AA10123456784", "SO-2": "1Z12345E6605272234", "SO-6": "SF1234567890123"}


def ship(db, order_id: str = "SO-1", printer: str = "spool") -> Shipment:
    return record_waybill(packed_session(db, order_id), TRACKING[order_id], printer)


def print_now(db, config, job_id: int, station: str = "DESK-1") -> str:
    """What the App does: read the job, deliver it (a worker there), record the outcome."""
    try:
        path = deliver(job_request(db, job_id, config))
    except PrinterOffline as error:
        finish_print_job(db, job_id, error=str(error), retryable=True, station=station)
        return ""
    except KioskError as error:
        finish_print_job(db, job_id, error=str(error), retryable=False, station=station)
        return ""
    finish_print_job(db, job_id, file=str(path), station=station)
    return str(path)


def decode(image: Image.Image) -> list[str]:
    return sorted(r.text for r in zxingcpp.read_barcodes(image.convert("L")))


@pytest.fixture
def zebra():
    printer = LoopbackPrinter(on=False)
    yield printer
    printer.close()


def with_zebra(config, zebra: LoopbackPrinter):
    config.printers = {"zebra": {"backend": "raw", "host": "127.0.0.1", "port": zebra.port, "timeout": 2}}
    config.printer = "zebra"
    return config


def events(db, kind: str) -> list[dict]:
    return [json.loads(row[0]) for row in db.execute("SELECT detail FROM events WHERE kind = ? ORDER BY id", [kind])]


def age(db, job_id: int, seconds: int = 3600) -> None:
    """Let time pass for a job (its last change moves into the past)."""
    db.execute("UPDATE print_jobs SET updated_at = strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now', ?) WHERE id = ?",
               [f"-{seconds} seconds", job_id])


# --- the job lifecycle ----------------------------------------------------------------------


@pytest.mark.parametrize("size", ["4x6", "100x150"])
@pytest.mark.parametrize("dpi", [203, 300])
@pytest.mark.parametrize("fmt", ["png", "pdf", "zpl"])
def test_a_shipped_orders_label_decodes_in_every_size_resolution_and_format(db, config, size, dpi, fmt):
    config.label_size, config.label_dpi = size, dpi
    config.printers = {"hot": {"backend": "spool", "folder": str(config.spool_dir), "format": fmt}}
    shipment = ship(db, "SO-1", "hot")
    path = print_now(db, config, shipment.print_job_id)
    assert path.endswith(f"SO-1-1Z999AA10123456784.{fmt}")
    if fmt == "png":
        with Image.open(path) as image:
            found = decode(image)
    elif fmt == "pdf":
        ((image, _media),) = pdf_images(Path(path).read_bytes())
        found = decode(image)
    else:
        found = decode(render_zpl(Path(path).read_text()))
    assert found == ["1Z999AA10123456784", "SO-1"]
    job = get_job(db, shipment.print_job_id)
    assert (job.status, job.attempts, job.error, job.station) == ("sent", 1, "", "DESK-1")
    assert db.execute("SELECT label_file FROM shipments").fetchone()[0] == path


def test_a_printer_that_is_off_leaves_the_job_failed_and_retryable_and_the_order_shipped(db, config, zebra):
    with_zebra(config, zebra)
    shipment = ship(db, "SO-1", "zebra")
    assert print_now(db, config, shipment.print_job_id) == ""
    job = get_job(db, shipment.print_job_id)
    assert (job.status, job.attempts, job.retryable) == ("failed", 1, True)
    assert f"printer zebra at 127.0.0.1:{zebra.port} offline" in job.error
    assert get_order(db, "SO-1")["status"] == "shipped"
    assert events(db, "print_failed")[0]["error"] == job.error
    # Not due before the wait, due after it; claiming takes it back to queued once.
    assert due_retries(db, "DESK-1", max_attempts=10, wait_seconds=60) == []
    age(db, job.job_id)
    assert claim_due_retries(db, "DESK-1", max_attempts=10, wait_seconds=60) == [job.job_id]
    assert claim_due_retries(db, "DESK-1", max_attempts=10, wait_seconds=60) == []  # in flight now
    zebra.switch_on()
    path = print_now(db, config, job.job_id)
    job = get_job(db, job.job_id)
    assert (job.status, job.attempts, job.error) == ("sent", 2, "")
    zebra.close()
    assert zebra.jobs and zebra.jobs[-1] == Path(path).read_bytes()
    assert [e["job_id"] for e in events(db, "print_retry")] == [job.job_id]


def test_what_is_not_retried_automatically(db, config, zebra):
    with_zebra(config, zebra)
    failing = ship(db, "SO-1", "zebra").print_job_id
    print_now(db, config, failing)
    age(db, failing)
    assert due_retries(db, "DESK-1", max_attempts=10, wait_seconds=60) == [failing]
    assert due_retries(db, "DESK-2", max_attempts=10, wait_seconds=60) == []  # another station's printer
    assert due_retries(db, "DESK-1", max_attempts=1, wait_seconds=60) == []  # out of attempts
    # A label that cannot be drawn fails the same way every time: a supervisor decides.
    db.execute("UPDATE orders SET recipient_name = ? WHERE order_id = 'SO-2'", ["Ann \U0010fffd"])
    broken = ship(db, "SO-2").print_job_id
    print_now(db, config, broken)
    job = get_job(db, broken)
    assert job.status == "failed" and not job.retryable and "cannot draw" in job.error
    age(db, broken)
    assert broken not in due_retries(db, "DESK-1", max_attempts=10, wait_seconds=60)


def test_a_job_left_queued_by_a_stopped_kiosk_is_sent_again(db, config):
    shipment = ship(db)  # queued, and the kiosk stopped before printing it
    assert due_retries(db, "DESK-1", max_attempts=10, wait_seconds=60) == []
    with pytest.raises(KioskError, match="being printed right now"):
        retry_job(db, shipment.print_job_id, operator="S001", station="DESK-1")
    age(db, shipment.print_job_id)
    assert due_retries(db, "DESK-1", max_attempts=10, wait_seconds=60) == [shipment.print_job_id]


def test_retry_redirect_and_their_refusals(db, config, zebra):
    with_zebra(config, zebra)
    config.printers["spare"] = {"backend": "spool", "folder": str(config.spool_dir / "spare")}
    job_id = ship(db, "SO-1", "zebra").print_job_id
    print_now(db, config, job_id)
    with pytest.raises(KioskError, match="Printer nowhere is not configured"):
        redirect_job(db, job_id, "nowhere", config, operator="S001", station="DESK-1")
    with pytest.raises(KioskError, match="already for zebra"):
        redirect_job(db, job_id, "zebra", config, operator="S001", station="DESK-1")
    assert get_job(db, job_id).status == "failed"  # refusals change nothing
    job = redirect_job(db, job_id, "spare", config, operator="S001", station="DESK-1")
    assert (job.printer, job.status) == ("spare", "queued")
    path = print_now(db, config, job_id)
    assert path.startswith(str(config.spool_dir / "spare"))
    assert events(db, "print_redirected")[0] == {"job_id": job_id, "printer": "spare", "previous": "zebra"}
    with pytest.raises(KioskError, match="was sent already: reprint it"):
        retry_job(db, job_id, operator="S001", station="DESK-1")


def test_a_reprint_needs_a_reason_and_is_an_event(db, config):
    first = ship(db).print_job_id
    first_path = print_now(db, config, first)
    for reason in ("", "   "):
        with pytest.raises(KioskError, match="Say why the label is printed again"):
            reprint_job(db, first, reason, operator="S001", station="DESK-1")
    assert db.execute("SELECT COUNT(*) FROM print_jobs").fetchone()[0] == 1
    again = reprint_job(db, first, "label smudged by the tape", operator="S001", station="DESK-1")
    job = get_job(db, again)
    assert (job.reprint_of, job.reason, job.operator, job.status) == (first, "label smudged by the tape", "S001",
                                                                       "queued")
    assert events(db, "label_reprinted") == [{"job_id": again, "original": first,
                                              "reason": "label smudged by the tape"}]
    second_path = print_now(db, config, again)
    assert second_path != first_path  # the first file is not overwritten
    for path in (first_path, second_path):
        with Image.open(path) as image:
            assert decode(image) == ["1Z999AA10123456784", "SO-1"]


def test_the_job_list_shows_failed_jobs_first(db, config, zebra):
    sent = ship(db, "SO-2").print_job_id
    print_now(db, config, sent)
    with_zebra(config, zebra)
    failed = ship(db, "SO-1", "zebra").print_job_id
    print_now(db, config, failed)
    queued = ship(db, "SO-6").print_job_id
    assert [job.job_id for job in list_jobs(db)] == [failed, queued, sent]


# --- what the label says --------------------------------------------------------------------


def test_privacy_option_masks_the_phone_everywhere_the_label_goes(db, config):
    db.execute("UPDATE orders SET phone = '13987650432' WHERE order_id = 'SO-1'")
    shipment = ship(db)
    assert label_for_shipment(db, shipment.shipment_id, config).phone == "13987650432"
    config.label_privacy = True
    config.printers = {"zpl": {"backend": "spool", "folder": str(config.spool_dir), "format": "zpl"}}
    db.execute("UPDATE print_jobs SET printer = 'zpl'")
    assert label_for_shipment(db, shipment.shipment_id, config).phone == "139****0432"
    zpl = Path(print_now(db, config, shipment.print_job_id)).read_text()
    assert "^FD139****0432^FS" in zpl and "8765" not in zpl


def test_flags_for_notes_remote_areas_and_short_shipments(db, config):
    note = label_for_shipment(db, ship(db, "SO-2").shipment_id, config)
    assert note.flags == ("NOTE",)
    db.execute("INSERT INTO problems (order_id, line_no, kind, quantity, status, operator, reported_at)"
               " VALUES ('SO-6', 1, 'damaged', 0, 'approved_short', 'P001', '2026-11-27T08:00:00+00:00')")
    remote = label_for_shipment(db, ship(db, "SO-6").shipment_id, config)
    assert remote.flags == ("REMOTE", "SHORT") and remote.recipient_name == "\u5f20\u4f1f"


# --- at the desk and on the supervisor's screen ----------------------------------------------


def notices(seen: list) -> list[str]:
    return [str(m.notification.message) for m in seen if type(m).__name__ == "Notify"]


async def test_the_packer_sees_printer_offline_and_the_label_prints_when_it_is_back(config, db, zebra):
    from tests.test_screens_flow import SO1_ITEMS

    with_zebra(config, zebra)
    seen: list = []
    async with run_kiosk(config, message_hook=seen.append) as (app, pilot):
        await scan(pilot, "SO-1", *SO1_ITEMS, "1Z999AA10123456784")
        await labels_reported(pilot)
        assert isinstance(app.screen, QueueScreen)  # the packer carries on
        assert any("printer offline: label queued" in text for text in notices(seen))
        assert app.bells == 1
        job_id = db.execute("SELECT id FROM print_jobs").fetchone()[0]
        assert get_job(db, job_id).status == "failed"
        assert get_order(db, "SO-1")["status"] == "shipped"
        zebra.switch_on()
        age(db, job_id)
        app.retry_print_jobs()  # what the timer does
        await labels_reported(pilot)
        assert get_job(db, job_id).status == "sent"
        assert "Queued label for SO-1 printed on zebra." in notices(seen)


async def test_supervisor_redirects_reprints_and_voids_from_the_print_jobs_screen(config, db, zebra):
    with_zebra(config, zebra)
    config.printer = "spool"
    failed = ship(db, "SO-1", "zebra").print_job_id
    print_now(db, config, failed)
    sent = ship(db, "SO-2").print_job_id
    print_now(db, config, sent)
    async with run_kiosk(config, "S001", "9999") as (app, pilot):
        app.open_print_jobs()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PrintJobsScreen)
        assert [job.job_id for job in screen.rows] == [failed, sent]  # failed first, highlighted
        # Redirect the failed job to the spool folder.
        await pilot.press("o")
        assert isinstance(app.screen, PrinterChoice)
        await pilot.press("enter")  # the only other printer: spool
        await labels_reported(pilot)
        assert get_job(db, failed).status == "sent" and get_job(db, failed).printer == "spool"
        # Reprint asks why; an empty answer is refused in the dialog.
        await pilot.press("p")
        assert isinstance(app.screen, PromptDialog)
        await pilot.press("f12")
        assert isinstance(app.screen, PromptDialog)
        await pilot.press(*"torn", "f12")
        await labels_reported(pilot)
        reprint = max(job.job_id for job in screen.rows)
        assert (get_job(db, reprint).reason, get_job(db, reprint).status) == ("torn", "sent")
        # Void the shipment: the reason is the supervisor's one confirmation (no second badge and PIN).
        screen.reload(keep=failed)
        await pilot.press("v")
        await pilot.press(*"wrong parcel", "f12")
        await pilot.pause()
        assert app.screen is screen
    shipment = db.execute("SELECT voided_at, void_reason FROM shipments WHERE order_id = 'SO-1'").fetchone()
    assert shipment[0] and shipment[1] == "wrong parcel"
    assert get_order(db, "SO-1")["status"] == "paid"
    assert get_job(db, reprint).voided_at  # its labels are void, reprints too


async def test_print_jobs_screen_and_item_label_dialog_in_chinese(config, db, zebra):
    from kiosk.i18n import set_language
    from screens.item_label import ItemLabelDialog
    from tests.test_i18n import screen_text, untranslated_on_screen

    with_zebra(config, zebra)
    print_now(db, config, ship(db, "SO-1", "zebra").print_job_id)
    set_language("zh_CN")
    seen = {}
    async with run_kiosk(config, "S001", "9999", size=(120, 32)) as (app, pilot):
        app.open_print_jobs()
        await pilot.pause()
        seen["print jobs"] = untranslated_on_screen(app)
        assert "打印任务" in screen_text(app) and "失败" in screen_text(app)
        await pilot.press("o")
        seen["printer choice"] = untranslated_on_screen(app)
        await pilot.press("escape")
        app.push_screen(ItemLabelDialog(app.desk))
        await pilot.pause()
        seen["item label"] = untranslated_on_screen(app)
    assert seen == {name: [] for name in seen}
