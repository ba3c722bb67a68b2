"""Supervisor actions on the screens, keys only, at 80x24 (issue 13, items 15 and 17): one F12
confirmation for the supervisor logged in, badge and PIN at a packer's station, a note for a
release, badges unlocked, stations listed and stopped, and the whole-order problem's H or S."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable

from kiosk.db import transaction
from kiosk.i18n import set_language
from kiosk.orders import get_order
from kiosk.problems import report_problem
from screens.approve import SupervisorApproval
from screens.confirm import ConfirmDialog
from screens.exceptions import ExceptionsScreen
from screens.pack import PackScreen
from screens.print_jobs import PrintJobsScreen
from screens.problem import ProblemDialog
from screens.prompt import PromptDialog
from screens.queue import QueueScreen
from screens.stations import StationsScreen
from tests.conftest import EAN
from tests.pilot import RecordingApp, banner, log_in, scan
from tests.test_desk import desk_of
from tests.test_keys_visible import assert_every_shown_key_is_whole_in_sight
from tests.test_supervisor_actions import lock_out

SIZE = (80, 24)


async def answer(pilot, *answers: str) -> None:
    """Each answer of the problem dialog typed and ended with Enter, as a packer does."""
    for text in answers:
        await scan(pilot, text)


def dialog_error(app) -> str:
    return str(app.screen.query_one("#problem-error").render())


# -- one confirmation for the supervisor logged in ------------------------------------------------------


async def test_f9_opens_the_exceptions_list_at_once_for_the_supervisor_logged_in(config, db):
    app = RecordingApp(config)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "S001", "9999")
        await pilot.press("f9")
        assert isinstance(app.screen, ExceptionsScreen)
        await pilot.press("escape")
        await pilot.press("f10")  # log out: a packer's F9 still asks a supervisor's badge and PIN
        await log_in(pilot)
        await pilot.press("f9")
        assert isinstance(app.screen, SupervisorApproval)


async def test_the_supervisor_logged_in_approves_a_short_from_the_list_with_one_f12(config, db):
    report_problem(db, "SO-1", kind="missing", line_no=2, quantity=1, operator="P001", station="DESK-1")
    app = RecordingApp(config)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "S001", "9999")
        await pilot.press("f9", "a")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")  # no: nothing changes
        assert get_order(db, "SO-1")["status"] == "on_hold"
        await pilot.press("a", "f12")
        assert isinstance(app.screen, ExceptionsScreen)
        assert banner(app).message == "Order SO-1 may ship short: it is back in the queue."
    assert get_order(db, "SO-1")["status"] == "paid"


async def test_a_release_asks_for_a_note_and_the_history_shows_it(config, db):
    app = RecordingApp(config)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "S001", "9999")
        await pilot.press("f9", "r")
        assert isinstance(app.screen, PromptDialog)
        await pilot.press("f12")  # no note: refused in the dialog
        assert isinstance(app.screen, PromptDialog)
        assert get_order(db, "SO-5")["status"] == "on_hold"
        await pilot.press(*"address checked", "f12")
        assert banner(app).message == "Order SO-5 is back in the queue."
    assert get_order(db, "SO-5")["status"] == "paid"
    assert db.execute("SELECT json_extract(detail, '$.reason') FROM events WHERE order_id = 'SO-5'"
                      " AND kind = 'status_paid'").fetchone() == ("address checked",)


async def test_a_supervisor_packing_ships_short_with_one_f12_and_a_packer_still_needs_badge_and_pin(config, db):
    app = RecordingApp(config)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "S001", "9999")
        await scan(pilot, "SO-1", EAN["SW-RED-M"], EAN["SW-RED-M"])
        await pilot.press("f5")
        await answer(pilot, "2", "2", "1", "out of stock", "", "s")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("f12")
        assert isinstance(app.screen, PackScreen)
        assert banner(app).message.startswith("Short shipment approved by Zhang Min.")
        await scan(pilot, "SF1234567890123")
        assert isinstance(app.screen, QueueScreen)
    assert get_order(db, "SO-1")["status"] == "shipped"


async def test_a_supervisor_packing_allows_another_carrier_with_one_f12(config, db):
    app = RecordingApp(config)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "S001", "9999")
        await scan(pilot, "SO-2")  # the buyer asked for UPS
        await pilot.press("f4")
        await scan(pilot, EAN["MUG-01"])
        await pilot.press("f7")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("f12")
        assert banner(app).message == "Zhang Min allowed another carrier than UPS: scan the waybill."
        await scan(pilot, "SF1234567890123")
        assert isinstance(app.screen, QueueScreen)
    assert db.execute("SELECT carrier_id FROM shipments").fetchone() == ("sf_express",)


async def test_a_supervisor_logged_in_takes_over_a_silent_station_s_order_with_one_f12(config, db):
    other = desk_of(db, config, "P002", "4321", station="DESK-2")
    other.open_order("SO-1")
    with transaction(db):
        db.execute("UPDATE claims SET heartbeat_at = '2020-01-01T00:00:00.000+00:00'")
    app = RecordingApp(config)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "S001", "9999")
        await scan(pilot, "SO-1")
        await pilot.press("f4")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("f12")
        assert isinstance(app.screen, PackScreen)
    assert db.execute("SELECT station FROM claims WHERE order_id = 'SO-1'").fetchone() == ("DESK-1",)


async def test_a_void_takes_the_reason_and_no_second_badge_and_pin(config, db):
    packer = desk_of(db, config, station="DESK-2")
    packer.open_order("SO-1")
    for code in (EAN["SW-RED-M"], EAN["SW-RED-M"], EAN["TOTE-BLK"]):
        packer.scan(code)
    packer.record_waybill("SF1234567890123")
    app = RecordingApp(config)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "S001", "9999")
        app.open_print_jobs()
        await pilot.pause()
        assert isinstance(app.screen, PrintJobsScreen)
        await pilot.press("v", *"wrong parcel", "f12")
        assert isinstance(app.screen, PrintJobsScreen)
        assert banner(app).message.startswith("Shipment of SO-1 voided")
    assert get_order(db, "SO-1")["status"] == "paid"


# -- badges and stations ---------------------------------------------------------------------------------


async def test_a_supervisor_unlocks_a_locked_badge_from_the_exceptions_list(config, db):
    lock_out(db, config)
    app = RecordingApp(config)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "S001", "9999")
        await pilot.press("f9", "u")
        assert isinstance(app.screen, PromptDialog)
        assert "P002 Maria Lopez" in app.screen.question
        await pilot.press("enter")  # the only locked badge is filled in; a scan of it answers too
        assert banner(app).message == "Badge P002 (Maria Lopez) is unlocked: it can log in again."
        await pilot.press("u")
        assert banner(app).message == "No badge is locked."
    desk_of(db, config, "P002", "4321", station="DESK-2")


async def test_a_supervisor_sees_the_stations_ends_a_session_and_holds_a_live_order(config, db):
    packer = desk_of(db, config, station="DESK-2")
    packer.open_order("SO-1")
    desk_of(db, config, "P002", "4321", station="DESK-3")
    app = RecordingApp(config)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "S001", "9999")
        await pilot.press("f9", "w")
        assert isinstance(app.screen, StationsScreen)
        table = app.screen.query_one(DataTable)
        rows = [[str(cell) for cell in table.get_row_at(index)] for index in range(table.row_count)]
        assert [(row[0], row[1], row[3]) for row in rows] == [
            ("DESK-1", "S001", "-"), ("DESK-2", "P001", "SO-1"), ("DESK-3", "P002", "-")]
        await pilot.press("down", "down", "h")  # DESK-3 packs nothing
        assert banner(app).message == "DESK-3 is not packing an order."
        await pilot.press("e")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("f12")
        assert banner(app).message == "The session of P002 at DESK-3 is ended."
        await pilot.press("h")  # the cursor is on the station before: DESK-2, packing SO-1
        assert isinstance(app.screen, PromptDialog)
        await pilot.press(*"address wrong", "f12")
        assert banner(app).message == "Order SO-1 is on hold: DESK-2 is told to stop."
    assert packer.interruption() == "Order put on hold (address wrong): put the items back."
    assert db.execute("SELECT badge FROM sessions ORDER BY badge").fetchall() == [("P001",), ("S001",)]


async def test_a_supervisor_cancels_the_order_a_live_station_packs(config, db):
    packer = desk_of(db, config, station="DESK-2")
    packer.open_order("SO-1")
    app = RecordingApp(config)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "S001", "9999")
        await pilot.press("f9", "w", "down", "c", *"buyer cancelled", "f12")
        assert banner(app).message == "Order SO-1 cancelled: DESK-2 is told to stop."
    assert packer.interruption() == "Order cancelled: put the items back."


# -- the whole-order problem (item 17) -----------------------------------------------------------------------


async def test_a_whole_order_problem_asks_h_or_s_and_ships_the_units_packed_so_far(config, db):
    app = RecordingApp(config)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await scan(pilot, "SO-1", EAN["SW-RED-M"])
        await pilot.press("f5")
        await answer(pilot, "2", "", "shelf empty", "")  # Enter alone: the whole order
        assert isinstance(app.screen, ProblemDialog)
        question = str(app.screen.query_one("#problem-question").render())
        assert "H: hold the order" in question and "S: ship the units packed so far" in question
        await answer(pilot, "s")
        assert isinstance(app.screen, SupervisorApproval)  # a packer's station: badge and PIN
        await scan(pilot, "S001")
        await pilot.press(*"9999", "enter")
        assert isinstance(app.screen, PackScreen)
        assert banner(app).message.startswith("Short shipment approved by Zhang Min.")
        await scan(pilot, "SF1234567890123")
        assert isinstance(app.screen, QueueScreen)
    assert db.execute("SELECT line_no, quantity FROM shipment_lines ORDER BY line_no").fetchall() == [(1, 1), (2, 0)]


async def test_a_whole_order_problem_with_nothing_packed_is_held_not_shipped(config, db):
    app = RecordingApp(config)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "S001", "9999")
        await scan(pilot, "SO-1")
        await pilot.press("f5")
        await answer(pilot, "2", "", "shelf empty", "", "s")
        await pilot.press("f12")
        assert isinstance(app.screen, QueueScreen)
        assert "nothing is left to ship" in banner(app).message
    assert get_order(db, "SO-1")["status"] == "on_hold"
    assert db.execute("SELECT COUNT(*) FROM shipments").fetchone() == (0,)


async def test_a_whole_order_problem_can_still_hold_the_order(config, db):
    app = RecordingApp(config)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await scan(pilot, "SO-1")
        await pilot.press("f5")
        await answer(pilot, "4", "", "box crushed", "", "h")
        assert isinstance(app.screen, QueueScreen)
        assert banner(app).message == "Problem reported: order SO-1 is on hold for a supervisor."
    assert get_order(db, "SO-1")["status"] == "on_hold"


async def test_a_photo_that_does_not_exist_is_refused_in_the_dialog(config, db, tmp_path: Path):
    photo = tmp_path / "box.jpg"
    photo.write_bytes(b"\xff\xd8")
    app = RecordingApp(config)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await scan(pilot, "SO-1")
        await pilot.press("f5")
        await answer(pilot, "1", "", "box crushed", str(tmp_path / "nope.jpg"))
        assert isinstance(app.screen, ProblemDialog)
        assert "There is no photo at" in dialog_error(app)
        await answer(pilot, str(photo), "h")
        assert isinstance(app.screen, QueueScreen)
    assert db.execute("SELECT photo_path FROM problems").fetchone() == (str(photo),)


@pytest.mark.parametrize("width", [80, 100])
@pytest.mark.parametrize("language", ["en", "zh_CN"])
async def test_the_stations_and_exceptions_screens_show_every_key(config, db, width, language):
    try:
        app = RecordingApp(config)
        async with app.run_test(size=(width, 24)) as pilot:
            set_language(language)
            await log_in(pilot, "S001", "9999")
            await pilot.press("f9")
            assert_every_shown_key_is_whole_in_sight(app.screen)
            await pilot.press("w")
            assert isinstance(app.screen, StationsScreen)
            assert_every_shown_key_is_whole_in_sight(app.screen)
    finally:
        set_language("en")
