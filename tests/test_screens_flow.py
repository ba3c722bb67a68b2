"""The packer's whole flow, driven through the screens with Pilot."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import replace

import zxingcpp
from PIL import Image

from kiosk.db import transaction
from kiosk.labels import PREVIEW_TRACKING
from kiosk.orders import get_order
from screens.lock import LockScreen
from screens.login import LoginScreen
from screens.pack import PackScreen
from screens.queue import QueueScreen
from tests.conftest import EAN
from tests.pilot import SIZE, RecordingApp, banner, labels_reported, log_in, run_kiosk, scan, set_quantity

SO1_ITEMS = [EAN["SW-RED-M"], EAN["SW-RED-M"], EAN["TOTE-BLK"]]


async def test_log_in_open_scan_ship_and_the_label_decodes(config, db):
    async with run_kiosk(config) as (app, pilot):
        assert isinstance(app.screen, QueueScreen)
        queue = [entry.order_id for entry in app.screen.entries]
        assert queue == ["SO-6", "SO-2", "SO-1"]  # urgent first, then oldest paid
        await scan(pilot, "SO-1")
        assert isinstance(app.screen, PackScreen)
        await scan(pilot, *SO1_ITEMS)
        assert app.screen.session.all_verified
        assert "scan the waybill" in banner(app).message
        await scan(pilot, "1Z999AA10123456784")
        assert isinstance(app.screen, QueueScreen)
        assert banner(app).message == "Shipped SO-1 with 1Z999AA10123456784. Next order ready."
        assert [e.order_id for e in app.screen.entries] == ["SO-6", "SO-2"]
        await labels_reported(pilot)
    assert get_order(db, "SO-1")["status"] == "shipped"
    job = db.execute("SELECT status, file FROM print_jobs").fetchone()
    assert job[0] == "sent"
    decoded = {r.text for r in zxingcpp.read_barcodes(Image.open(job[1]))}
    assert decoded == {"1Z999AA10123456784", "SO-1"}
    assert app.bells == 0


async def test_the_queue_back_after_a_shipment_lists_what_other_stations_changed_meanwhile(config, db):
    """The queue comes back with the shipped order gone at once, then reads its page again:
    an order paid while this one was packed is listed, and the header counts it."""
    app = RecordingApp(config)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await scan(pilot, "SO-1")
        await scan(pilot, *SO1_ITEMS)
        with transaction(db) as conn:
            conn.execute("INSERT INTO orders (order_id, status, recipient_name, city, country, created_at, paid_at)"
                         " VALUES ('WEB-9', 'paid', 'Ann Late', 'Leeds', 'GB', ?, ?)",
                         ["2020-01-01T08:00:00.000+00:00", "2020-01-01T09:00:00.000+00:00"])
            conn.execute("INSERT INTO order_lines (order_id, line_no, sku, name, colour, size, quantity)"
                         " VALUES ('WEB-9', 1, 'MUG-01', 'Enamel Mug', '', '', 1)")
        await scan(pilot, "1Z999AA10123456784")
        assert isinstance(app.screen, QueueScreen)
        await pilot.pause()
        await pilot.pause()
        assert [e.order_id for e in app.screen.entries] == ["SO-6", "WEB-9", "SO-2"]
        assert "1-3 of 3 paid orders" in str(app.screen.query_one("#queue-header").render())
        assert banner(app).message == "Shipped SO-1 with 1Z999AA10123456784. Next order ready."
        await labels_reported(pilot)


async def test_the_next_login_gets_a_fresh_queue_with_its_own_name_and_no_old_message(config, db):
    """The queue is kept from one login to the next: what the last operator saw does not stay."""
    app = RecordingApp(config)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        first = app.screen
        await scan(pilot, "NO-SUCH-ORDER")
        assert banner(app).message  # the refusal, in the red banner
        await pilot.press("f10")
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)
        with transaction(db) as conn:
            conn.execute("INSERT INTO orders (order_id, status, recipient_name, city, country, created_at, paid_at)"
                         " VALUES ('WEB-9', 'paid', 'Ann Late', 'Leeds', 'GB', ?, ?)",
                         ["2020-01-01T08:00:00.000+00:00", "2020-01-01T09:00:00.000+00:00"])
        await log_in(pilot, "P002", "4321")
        assert app.screen is first  # the same screen, not built again
        assert [e.order_id for e in app.screen.entries] == ["SO-6", "WEB-9", "SO-2", "SO-1"]
        assert "Maria Lopez" in str(app.screen.query_one("#queue-header").render())
        assert banner(app).message == ""
        await scan(pilot, "")  # Enter opens the top order, for this operator
        assert isinstance(app.screen, PackScreen)
        assert app.screen.order_id == "SO-6"
        assert app.desk.session.operator == "P002"


async def test_the_queue_comes_back_before_the_label_is_put_on_record(config, db):
    """The packer waits for the queue, not for the print job's record (a second durable commit):
    the pack screen gives way as soon as its label is out, and the record and its notice follow."""
    app = RecordingApp(config)
    in_front_when_recorded = []
    print_finished = app.desk.print_finished

    def recording(outcome):
        in_front_when_recorded.append(type(app.screen).__name__)
        return print_finished(outcome)

    app.desk.print_finished = recording
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await scan(pilot, "SO-1", *SO1_ITEMS, "1Z999AA10123456784")
        await labels_reported(pilot)
        assert isinstance(app.screen, QueueScreen)
        notices = [notification.message for notification in app._notifications]
    assert in_front_when_recorded == ["QueueScreen"]
    assert db.execute("SELECT status FROM print_jobs").fetchone()[0] == "sent"
    assert any(notice.startswith("Label printed for SO-1") for notice in notices)


async def test_a_burst_of_scans_never_merges_or_drops_a_code(config, db):
    async with run_kiosk(config) as (app, pilot):
        # Order, three items and the waybill, all before the app has caught up.
        await scan(pilot, "SO-1", *SO1_ITEMS, "SF1234567890123")
        await labels_reported(pilot)
        assert isinstance(app.screen, QueueScreen)
    scans = [r[0] for r in db.execute("SELECT raw_code FROM scans ORDER BY id")]
    assert scans == SO1_ITEMS
    assert db.execute("SELECT tracking_number FROM shipments").fetchone()[0] == "SF1234567890123"


def record_drawn_labels(monkeypatch) -> tuple[list, list]:
    """Keep every label drawn ahead of its waybill, and every label printed (both still drawn)."""
    import kiosk.labels

    def recording(draw, into: list):
        def record(label, *args, **kwargs):
            into.append(label)
            return draw(label, *args, **kwargs)
        return record

    ahead: list = []
    printed: list = []
    monkeypatch.setattr(kiosk.labels, "draw_ahead", recording(kiosk.labels.draw_ahead, ahead))
    monkeypatch.setattr(kiosk.labels, "shipping_document", recording(kiosk.labels.shipping_document, printed))
    return ahead, printed


async def test_the_label_is_drawn_once_ahead_of_the_waybill_and_matches_the_real_one(config, db, monkeypatch):
    ahead, printed = record_drawn_labels(monkeypatch)
    async with run_kiosk(config) as (app, pilot):
        await scan(pilot, "SO-1", *SO1_ITEMS)
        await app.workers.wait_for_complete()
        assert [(label.order_id, label.tracking_number) for label in ahead] == [("SO-1", PREVIEW_TRACKING)]
        assert printed == []
        await scan(pilot, "1Z999AA10123456784")
        await labels_reported(pilot)
    (preview,), (printed,) = ahead, printed
    assert printed.tracking_number == "1Z999AA10123456784"
    # Only the tracking number and the carrier it names are new on the real label.
    assert replace(preview, tracking_number=printed.tracking_number, carrier=printed.carrier) == printed


async def test_each_parcel_of_several_has_its_label_drawn_ahead(config, db, monkeypatch):
    ahead, printed = record_drawn_labels(monkeypatch)
    async with run_kiosk(config) as (app, pilot):
        await scan(pilot, "SO-1", *SO1_ITEMS)
        await pilot.press("f6")
        await pilot.press("2", "f12")  # two parcels, decided after the items were verified
        await app.workers.wait_for_complete()
        await scan(pilot, "1Z999AA10123456784")
        await app.workers.wait_for_complete()
        await scan(pilot, "1Z5R89390357567127")
        await labels_reported(pilot)
    assert [(label.package_no, label.package_count) for label in ahead] == [(1, 1), (1, 2), (2, 2)]
    assert [(label.package_no, label.tracking_number) for label in printed] == [
        (1, "1Z999AA10123456784"), (2, "1Z5R89390357567127")]
    for drawn, label in zip(ahead[1:], printed, strict=True):
        assert replace(drawn, tracking_number=label.tracking_number, carrier=label.carrier) == label


def hold_the_printer(monkeypatch, until: Callable[[], object]) -> None:
    """Every label waits for ``until()`` before it goes to the printer."""
    import kiosk.print_requests

    real_send = kiosk.print_requests.send

    def slow_printer(*args, **kwargs):
        until()
        return real_send(*args, **kwargs)

    monkeypatch.setattr(kiosk.print_requests, "send", slow_printer)


async def test_a_label_still_being_written_when_the_kiosk_closes_is_recorded_as_printed(config, db, monkeypatch):
    """The queue comes back as soon as the shipment commits; a kiosk closed right then finishes
    the label and records it, so a restart does not print it a second time."""
    hold_the_printer(monkeypatch, lambda: time.sleep(0.3))
    async with run_kiosk(config) as (app, pilot):
        await scan(pilot, "SO-1", *SO1_ITEMS, "SF1234567890123")
        assert isinstance(app.screen, QueueScreen)
    assert db.execute("SELECT status FROM print_jobs").fetchone()[0] == "sent"


async def test_a_packing_slip_scanned_right_after_the_waybill_opens_the_next_order(config, db):
    async with run_kiosk(config) as (app, pilot):
        # The waybill ships SO-1; SO-2's slip arrives before its label is written and waits for the queue.
        await scan(pilot, "SO-1", *SO1_ITEMS, "SF1234567890123", "SO-2")
        await labels_reported(pilot)
        await pilot.pause()
        assert isinstance(app.screen, PackScreen)
        assert app.screen.order_id == "SO-2"
    assert get_order(db, "SO-1")["status"] == "shipped"
    assert get_order(db, "SO-2")["status"] == "packing"
    assert db.execute("SELECT status FROM print_jobs").fetchone()[0] == "sent"


async def test_a_slow_printer_does_not_keep_the_packer_from_the_queue(config, db, monkeypatch):
    release = threading.Event()
    hold_the_printer(monkeypatch, lambda: release.wait(10))
    async with run_kiosk(config) as (app, pilot):
        await scan(pilot, "SO-1", *SO1_ITEMS, "SF1234567890123")
        await pilot.pause()
        # The shipment is committed: the queue is back at once, the label still on its way.
        assert isinstance(app.screen, QueueScreen)
        assert db.execute("SELECT status FROM print_jobs").fetchone()[0] != "sent"
        assert banner(app).message == "Shipped SO-1 with SF1234567890123. Next order ready."
        await scan(pilot, "SO-2")  # the scanner works while the label is still printing
        assert isinstance(app.screen, PackScreen)
        release.set()
        await labels_reported(pilot)
    assert db.execute("SELECT status FROM print_jobs").fetchone()[0] == "sent"


async def test_lf_and_tab_suffixes_and_surrounding_spaces(config, db):
    async with run_kiosk(config) as (app, pilot):
        await scan(pilot, "SO-1", suffix=("ctrl+j", "\n"))
        await scan(pilot, f"  {EAN['SW-RED-M']} ", suffix=("tab", "\t"))
        assert isinstance(app.screen, PackScreen)
        assert app.screen.session.lines[0].packed == 1
        assert app.screen.focused.id == "scan"


async def test_refusals_ring_the_bell_and_show_a_red_banner(config):
    async with run_kiosk(config, order="SO-1") as (app, pilot):
        await scan(pilot, EAN["SW-BLU-M"])
        assert banner(app).message == (
            "Wrong variant: scanned Blue / M, this order needs Red / M (Merino Sweater).")
        assert banner(app).tone == "error"
        assert app.bells == 1
        await scan(pilot, EAN["MUG-01"])
        assert banner(app).message == "Not in this order: Enamel Mug. Put it back."
        await scan(pilot, "4006381333931")
        assert banner(app).message.startswith("Unknown barcode 4006381333931")
        await scan(pilot, EAN["TOTE-BLK"], EAN["TOTE-BLK"])
        assert banner(app).message.startswith("Already complete: 1 of 1 Canvas Tote Black")
        assert app.bells == 4
        await scan(pilot, EAN["SW-RED-M"])
        assert banner(app).tone == "ok"
        assert banner(app).message == "OK: Merino Sweater Red / M, 1 of 2."


async def test_undo_and_bulk_quantity_keys(config):
    async with run_kiosk(config, order="SO-1") as (app, pilot):
        await set_quantity(pilot, 2)
        await scan(pilot, EAN["SW-RED-M"])
        session = app.screen.session
        assert session.lines[0].packed == 2
        await pilot.press("f3")
        assert session.lines[0].packed == 0
        assert banner(app).message.startswith("Undone: 2 x Merino Sweater Red / M")


async def test_notes_are_acknowledged_before_items_count(config):
    async with run_kiosk(config, order="SO-2") as (app, pilot):
        notes = app.screen.query_one("#notes")
        assert notes.display and not notes.has_class("read")
        await scan(pilot, EAN["MUG-01"])
        assert banner(app).message == "Read the notes first, then press F4."
        assert app.screen.session.units_packed == 0
        await pilot.press("f4")
        assert notes.has_class("read")
        await scan(pilot, EAN["MUG-01"])
        assert app.screen.session.all_verified


async def test_orders_that_may_not_be_packed_are_refused_on_the_queue(config):
    async with run_kiosk(config) as (app, pilot):
        await scan(pilot, "SO-3")
        assert isinstance(app.screen, QueueScreen)
        assert banner(app).message == "Order SO-3 is awaiting payment: do not pack it yet."
        await scan(pilot, "SO-5")
        assert banner(app).message == "Order SO-5 is on hold (address check): ask a supervisor."
        assert app.bells == 2


async def test_enter_opens_the_highlighted_order(config):
    async with run_kiosk(config) as (app, pilot):
        await pilot.press("down", "enter")
        assert isinstance(app.screen, PackScreen)
        assert app.screen.order_id == "SO-2"


def second_station(config, tmp_path):
    """DESK-2 on the same database, with its own spool."""
    return type(config)(station="DESK-2", database=config.database, spool_dir=tmp_path / "spool2",
                        idle_lock_seconds=0)


async def test_two_stations_cannot_hold_the_same_order(config, tmp_path):
    async with (run_kiosk(config, order="SO-1") as (_, _),
                run_kiosk(second_station(config, tmp_path), "P002", "4321") as (second, pilot_two)):
        await scan(pilot_two, "SO-1")
        assert isinstance(second.screen, QueueScreen)
        assert banner(second).message.startswith("Order SO-1 is held by Li Wei at DESK-1 since")
        assert "SO-1" not in [e.order_id for e in second.screen.entries]


async def test_a_restarted_station_resumes_its_order_with_its_scans(config, db):
    async with run_kiosk(config) as (_, pilot):
        await scan(pilot, "SO-1", EAN["SW-RED-M"])
    # The app is gone (power cut); a new one starts at the same station.
    async with run_kiosk(config) as (again, pilot):
        assert isinstance(again.screen, PackScreen)
        assert again.screen.order_id == "SO-1"
        assert again.screen.session.lines[0].packed == 1
        assert banner(again).message.startswith("Resumed order SO-1: 1 of 3 items")
        await scan(pilot, EAN["SW-RED-M"], EAN["TOTE-BLK"], "SF1234567890123")
        assert isinstance(again.screen, QueueScreen)
    assert get_order(db, "SO-1")["status"] == "shipped"


async def test_a_restarted_station_is_told_its_order_was_cancelled_while_it_was_off(config, db):
    from kiosk.problems import cancel_order

    async with run_kiosk(config) as (_, pilot):
        await scan(pilot, "SO-1", EAN["SW-RED-M"])
    # The station is off; a supervisor cancels its order from the office.
    cancel_order(db, "SO-1", "buyer cancelled", "S001", "OFFICE")
    async with run_kiosk(config) as (again, pilot):
        assert isinstance(again.screen, QueueScreen)
        assert banner(again).message == "Order SO-1 was cancelled while this station was off: put its items back."
        assert banner(again).tone == "error"
        assert again.bells


async def test_an_ambiguous_waybill_asks_for_the_carrier_and_a_scan_cannot_answer(config, db):
    from screens.carrier_choice import CarrierChoiceDialog

    async with run_kiosk(config) as (app, pilot):
        await scan(pilot, "SO-1", *SO1_ITEMS, "986578788855")
        assert isinstance(app.screen, CarrierChoiceDialog)
        # A scan arriving now is refused in the dialog, not taken as a choice.
        await scan(pilot, "SF1234567890123")
        assert isinstance(app.screen, CarrierChoiceDialog)
        assert "A scan cannot choose the carrier" in str(app.screen.query_one("#choice-error").render())
        await pilot.press("f2")  # the second candidate: SF Express
        await labels_reported(pilot)
        await pilot.pause()
    assert db.execute("SELECT carrier_id, tracking_number FROM shipments").fetchall() == [
        ("sf_express", "986578788855")]


async def test_put_back_returns_the_order_to_the_queue(config, db):
    async with run_kiosk(config) as (app, pilot):
        await scan(pilot, "SO-1", EAN["SW-RED-M"])
        await pilot.press("escape")
        await pilot.press("f12")
        assert isinstance(app.screen, QueueScreen)
        assert banner(app).message == "Order SO-1 is back in the queue."
    assert get_order(db, "SO-1")["status"] == "paid"


async def test_wrong_pin_and_unknown_badge_are_refused_at_login(config):
    async with run_kiosk(config, badge=None) as (app, pilot):
        await scan(pilot, "NOBODY")
        assert banner(app).message == "Unknown or disabled badge. Scan your badge again."
        await log_in(pilot, "P001", "0000")
        assert isinstance(app.screen, LoginScreen)
        assert banner(app).message == "Wrong PIN for P001. 4 tries left."
        await pilot.press("1", "2", "3", "4", "enter")
        assert isinstance(app.screen, QueueScreen)


async def left_idle(pilot) -> None:
    """A minute and a second pass without a key before the App's periodic check: the lock screen."""
    pilot.app.last_input -= pilot.app.desk.idle_lock_seconds + 1
    pilot.app.lock_if_idle()
    await pilot.pause()
    assert isinstance(pilot.app.screen, LockScreen)


async def test_idle_lock_and_unlock(config):
    config.idle_lock_seconds = 60
    async with run_kiosk(config, order="SO-1") as (app, pilot):
        await left_idle(pilot)
        await pilot.press("9", "9", "9", "9", "enter")
        assert isinstance(app.screen, LockScreen)
        await pilot.press("1", "2", "3", "4", "enter")
        assert isinstance(app.screen, PackScreen)


async def test_log_out_from_the_lock_screen_keeps_the_order_for_the_station(config):
    config.idle_lock_seconds = 60
    async with run_kiosk(config, order="SO-1") as (app, pilot):
        await left_idle(pilot)
        await pilot.press("f10")
        assert isinstance(app.screen, LoginScreen)
        await log_in(pilot, "P002", "4321")
        assert isinstance(app.screen, PackScreen)
        assert app.screen.order_id == "SO-1"


async def test_an_unexpected_error_shows_one_line_and_logs_the_traceback(config, tmp_path, monkeypatch, capfd):
    import pytest

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("kiosk.order_queue.queue_page", broken)
    app = RecordingApp(config)
    with pytest.raises(RuntimeError, match="disk on fire"):
        async with app.run_test(size=SIZE) as pilot:
            await log_in(pilot)
    shown = " ".join(capfd.readouterr().err.split())
    assert "The kiosk stopped after an unexpected error (disk on fire)" in shown
    assert "Traceback" not in shown
    log = next((tmp_path / "state").rglob("crash.log"))
    assert "RuntimeError: disk on fire" in log.read_text()


async def test_a_scan_cannot_put_the_order_back(config, db):
    """The put-back question is open when the next scan arrives: its letters and Enter answer nothing."""
    from screens.confirm import ConfirmDialog

    async with run_kiosk(config) as (app, pilot):
        await scan(pilot, "SO-1", EAN["SW-RED-M"])
        await pilot.press("escape")
        assert isinstance(app.screen, ConfirmDialog)
        bells = app.bells
        # A burst posted without waiting, letters first: "y" and "n" and a bare Enter among them.
        await scan(pilot, "yes", "n", "", EAN["SW-RED-M"])
        assert isinstance(app.screen, ConfirmDialog)
        assert "A scan cannot answer this question" in str(app.screen.query_one("#confirm-error").render())
        assert app.bells > bells
        await pilot.press("escape")
        assert isinstance(app.screen, PackScreen)
        assert app.screen.session.lines[0].packed == 1
    assert get_order(db, "SO-1")["status"] == "packing"


async def test_a_badge_logged_in_at_another_station_is_refused_with_where(config, tmp_path):
    async with (run_kiosk(config) as (first, pilot_one),
                run_kiosk(second_station(config, tmp_path), badge=None) as (second, pilot_two)):
        await log_in(pilot_two)
        assert isinstance(second.screen, LoginScreen)
        assert banner(second).message.startswith("Badge P001 is logged in at DESK-1 since")
        await pilot_one.press("f10")
        assert isinstance(first.screen, LoginScreen)
        await log_in(pilot_two)
        assert isinstance(second.screen, QueueScreen)
