"""The supervisor's day driven with the keyboard and the scanner: the dispatch log, an order's history,
a UPS manifest scanned and closed, the handover book at login, a packer's own figures, the imports."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import msgspec
import pytest
from textual.widgets import DataTable, Static

from kiosk.db import transaction
from kiosk.desk import Desk
from kiosk.handover import write_note
from kiosk.imports.summary import ImportSummary, record_import
from kiosk.timefmt import short_time
from screens.confirm import ConfirmDialog
from screens.dispatch_log import DispatchLogScreen, LogFilterDialog
from screens.exceptions import ExceptionsScreen
from screens.handover import HandoverAckScreen, HandoverBookScreen, HandoverNoteDialog
from screens.history_dialog import OrderHistoryDialog
from screens.imports import ImportsScreen
from screens.login import LoginScreen
from screens.manifest import ManifestCarrierChoice, ManifestScreen
from screens.my_figures import MyFiguresDialog
from screens.queue import QueueScreen
from screens.widgets.row_table import RowTable
from tests.conftest import EAN
from tests.pilot import banner, log_in, open_exceptions, run_kiosk, scan
from tests.test_desk_supervisor import SF_WAYBILL, UPS_WAYBILL, ship


@pytest.fixture
def utc_config(config):
    return msgspec.structs.replace(config, timezone="UTC")


def desk_at(db, config, badge, pin, station) -> Desk:
    desk = Desk(db, msgspec.structs.replace(config, station=station))
    desk.log_in(badge, pin)
    return desk


@pytest.fixture
def shipped(db, utc_config):
    """Through the core: P001 shipped SO-1 by UPS at DESK-2 (one scan refused), P002 SO-6 by SF Express at DESK-3."""
    li_wei = desk_at(db, utc_config, "P001", "1234", "DESK-2")
    ship(li_wei, "SO-1", [EAN["SW-RED-M"], EAN["MUG-01"], EAN["SW-RED-M"], EAN["TOTE-BLK"]], UPS_WAYBILL)
    li_wei.log_out()
    maria = desk_at(db, utc_config, "P002", "4321", "DESK-3")
    ship(maria, "SO-6", [EAN["SCARF-RED"]], SF_WAYBILL)
    maria.log_out()
    return db


def table_rows(app) -> list[list[str]]:
    """The rows of the table in front, as text (the log's lists, or a DataTable's)."""
    lists = app.screen.query(RowTable)
    if lists:
        return [[cell.plain for cell in row.cells] for row in lists.first().rows]
    table = app.screen.query_one(DataTable)
    return [[str(cell) for cell in table.get_row_at(index)] for index in range(table.row_count)]


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


# -- the dispatch log ----------------------------------------------------------------------------


async def test_s001_reads_today_s_log_a_packer_s_accuracy_and_an_order_s_history(utc_config, shipped):
    async with run_kiosk(utc_config, "S001", "9999") as (app, pilot):
        await open_exceptions(pilot)
        await pilot.press("l")
        assert isinstance(app.screen, DispatchLogScreen)
        assert "Orders 2 · parcels 2 · units 4 · accuracy: scans 80.0%, shipments 100.0%" in text_of(
            app, "#log-totals")
        assert [(row[1], row[3], row[6]) for row in table_rows(app)] == [
            ("SO-1", "UPS", "P001 Li Wei"), ("SO-6", "SF Express", "P002 Maria Lopez")]
        # The hourly chart: the day's two orders, and each carrier's on its own line.
        assert sum(app.screen.query_one("#chart-line-0 Sparkline").data) == 2
        await pilot.press("tab")
        assert text_of(app, "#view-title").startswith("2/12 By packer (2)")
        # Packer, orders, parcels, units, scans, refused, scan accuracy, shipment accuracy.
        assert [row[:8] for row in table_rows(app)] == [
            ["P001 Li Wei", "1", "1", "3", "4", "1", "75.0%", "100.0%"],
            ["P002 Maria Lopez", "1", "1", "1", "1", "0", "100.0%", "100.0%"]]
        # Enter on a packer: their parcels only.
        await pilot.press("enter")
        assert text_of(app, "#view-title").startswith("1/12 Shipments (1)")
        assert [row[1] for row in table_rows(app)] == ["SO-1"]
        assert "P001" in text_of(app, "#log-title")
        # Enter on a parcel: the order's history.
        await pilot.press("enter")
        assert isinstance(app.screen, OrderHistoryDialog)
        history = [row[1] for row in table_rows(app)]
        assert "shipped" in history and "scan refused" in history
        await pilot.press("escape")
        await pilot.press("x")
        assert len(table_rows(app)) == 2
        # The day before has nothing; there is no day after today.
        await pilot.press("b")
        assert table_rows(app) == []
        await pilot.press("n", "n")
        assert banner(app).message.startswith("There is no log after today")
        assert len(table_rows(app)) == 2
        assert app.bells == 1
        await pilot.press("escape")
        assert isinstance(app.screen, ExceptionsScreen)


async def test_the_log_sorts_by_a_column_and_shows_the_late_list(utc_config, shipped):
    async with run_kiosk(utc_config, "S001", "9999") as (app, pilot):
        await open_exceptions(pilot)
        await pilot.press("l", "s", "s")
        assert "sorted by Order ↑" in text_of(app, "#view-title")
        assert [row[1] for row in table_rows(app)] == ["SO-1", "SO-6"]
        await pilot.press("r")
        assert [row[1] for row in table_rows(app)] == ["SO-6", "SO-1"]
        await pilot.press("4")
        assert text_of(app, "#view-title").startswith("4/12 Late orders (paid, not shipped) (1)")
        assert [row[0] for row in table_rows(app)] == ["SO-2"]


async def test_the_cursor_moves_down_the_log_and_enter_opens_the_order_under_it(utc_config, shipped):
    async with run_kiosk(utc_config, "S001", "9999") as (app, pilot):
        await open_exceptions(pilot)
        await pilot.press("l", "down", "enter")
        assert isinstance(app.screen, OrderHistoryDialog)
        assert app.screen.order_id == "SO-6"
        await pilot.press("escape", "home", "enter")
        assert app.screen.order_id == "SO-1"
        await pilot.press("escape", "s", "s", "r", "end", "enter")  # by order, last first: SO-1 at the end
        assert app.screen.order_id == "SO-1"
        await pilot.press("escape")
        # A click on a header sorts by its column, another reverses it: " Time         Order  Platform"
        await pilot.click("#log-table", offset=(25, 0))
        assert "sorted by Platform ↑" in text_of(app, "#view-title")
        await pilot.click("#log-table", offset=(16, 0))
        assert "sorted by Order ↑" in text_of(app, "#view-title")
        await pilot.click("#log-table", offset=(16, 0))
        assert "sorted by Order ↓" in text_of(app, "#view-title")
        assert [row[1] for row in table_rows(app)] == ["SO-6", "SO-1"]


async def test_sorting_and_changing_lists_do_not_read_the_day_again(utc_config, shipped):
    async with run_kiosk(utc_config, "S001", "9999") as (app, pilot):
        await open_exceptions(pilot)
        reads = []
        read = app.desk.dispatch_log

        def counted(*args, **kwargs):
            reads.append(args)
            return read(*args, **kwargs)

        app.desk.dispatch_log = counted
        await pilot.press("l")
        await pilot.press("s", "s", "r", "tab", "s", "shift+tab", "4", "1")
        assert [row[1] for row in table_rows(app)] == ["SO-1", "SO-6"]
        assert len(reads) == 1
        await pilot.press("f", "tab", "tab", *"desk-3", "enter")
        assert [row[1] for row in table_rows(app)] == ["SO-6"]
        assert len(reads) == 2


async def test_a_filter_narrows_the_log_and_an_unknown_station_is_refused(utc_config, shipped):
    async with run_kiosk(utc_config, "S001", "9999") as (app, pilot):
        await open_exceptions(pilot)
        await pilot.press("l", "f")
        assert isinstance(app.screen, LogFilterDialog)
        await pilot.press("tab", "tab", *"desk-3", "enter")
        assert [row[1] for row in table_rows(app)] == ["SO-6"]
        assert "DESK-3" in text_of(app, "#log-title")
        await pilot.press("f", "tab", "tab", "ctrl+u", *"DESK-7", "enter")
        assert banner(app).message.startswith("No parcel left station DESK-7 on ")
        assert banner(app).tone == "error" and app.bells == 1
        assert [row[1] for row in table_rows(app)] == ["SO-6"]  # as it was


# -- manifests -----------------------------------------------------------------------------------


async def test_s001_scans_a_ups_manifest_to_completion_and_closes_it(utc_config, shipped):
    async with run_kiosk(utc_config, "S001", "9999") as (app, pilot):
        await open_exceptions(pilot)
        await pilot.press("m")
        assert isinstance(app.screen, ManifestCarrierChoice)
        await pilot.press("down", "space", "f2")  # SF Express, then UPS: tick UPS
        assert isinstance(app.screen, ManifestScreen)
        assert text_of(app, "#manifest-carrier").startswith("UPS manifest")
        assert table_rows(app)[0][:2] == ["MISSING", UPS_WAYBILL]
        await scan(pilot, SF_WAYBILL)
        assert banner(app).message.startswith(f"Parcel {SF_WAYBILL} goes with SF Express, not UPS")
        assert banner(app).tone == "error" and app.bells == 1
        await scan(pilot, UPS_WAYBILL)
        assert banner(app).message == f"{UPS_WAYBILL}: every UPS parcel is scanned (1). F10 closes the manifest."
        assert table_rows(app)[0][:2] == ["scanned", UPS_WAYBILL]
        await pilot.press("f10")
        assert isinstance(app.screen, ConfirmDialog)
        await scan(pilot, UPS_WAYBILL)  # a scan cannot answer
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("f12")
        assert isinstance(app.screen, ManifestScreen)
        pages = text_of(app, "#manifest-pages")
        assert pages.startswith("Closed UPS manifest")
        written = [Path(line.strip()) for line in pages.splitlines()[1:]]
        assert sorted(path.suffix for path in written) == [".pdf", ".zpl"]
        assert all(path.exists() for path in written)
        assert table_rows(app) == []  # picked up: nothing left on UPS's next manifest
    closed = shipped.execute("SELECT carrier_id, closed_by FROM manifests WHERE closed_at IS NOT NULL").fetchall()
    assert closed == [("ups", "S001")]


async def test_the_manifest_shows_shipping_times_in_the_shop_s_time_zone(utc_config, shipped, monkeypatch):
    """The station's clock runs in New York; the shop (the config) in Shanghai: the shop's time is shown."""
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    config = msgspec.structs.replace(utc_config, timezone="Asia/Shanghai")
    stored = shipped.execute("SELECT shipped_at FROM shipments WHERE tracking_number = ?", [UPS_WAYBILL]).fetchone()[0]
    shop = datetime.fromisoformat(stored).astimezone(ZoneInfo("Asia/Shanghai")).strftime("%m-%d %H:%M")
    station = datetime.fromisoformat(stored).astimezone().strftime("%m-%d %H:%M")
    assert shop != station
    try:
        async with run_kiosk(config, "S001", "9999") as (app, pilot):
            await open_exceptions(pilot)
            await pilot.press("m")
            await pilot.press("down", "space", "f2")
            assert text_of(app, "#manifest-carrier").startswith("UPS manifest")
            assert table_rows(app)[0][1:5] == [UPS_WAYBILL, "SO-1", "1/1", shop]
    finally:
        monkeypatch.undo()
        time.tzset()


# -- the handover book ---------------------------------------------------------------------------


def note_from_last_shift(db, config) -> int:
    writer = desk_at(db, config, "S001", "9999", "DESK-5")
    note_id = write_note(db, writer.report_settings, writer.operator, "SO-2 promised for today",
                         station="DESK-5", order_ids=["SO-2"], now=datetime.now(UTC) - timedelta(hours=12))
    writer.log_out()
    return note_id


async def test_this_shift_s_notes_are_acknowledged_at_login_by_each_operator(utc_config, db):
    note_from_last_shift(db, utc_config)
    async with run_kiosk(utc_config) as (app, pilot):
        assert isinstance(app.screen, HandoverAckScreen)
        assert "SO-2 promised for today" in text_of(app, "#note-text")
        await scan(pilot, "SO-1")  # a scan here opens nothing
        assert isinstance(app.screen, HandoverAckScreen) and app.bells == 1
        assert banner(app).message.startswith("Read the handover notes first")
        await pilot.press("f2")
        assert isinstance(app.screen, QueueScreen)
        await pilot.press("f10")
        assert isinstance(app.screen, LoginScreen)
        # Li Wei has read it; Maria has not.
        await log_in(pilot, "P002", "4321")
        assert isinstance(app.screen, HandoverAckScreen)
        await pilot.press("f10")
        await log_in(pilot)
        assert isinstance(app.screen, QueueScreen)
    acks = db.execute("SELECT operator FROM handover_acks").fetchall()
    assert acks == [("P001",)]


async def test_handover_notes_show_when_they_were_written_in_the_shop_s_time_zone(utc_config, db, monkeypatch):
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    config = msgspec.structs.replace(utc_config, timezone="Asia/Shanghai")
    note_from_last_shift(db, config)
    written = db.execute("SELECT written_at FROM handover_notes").fetchone()[0]
    shop, station = short_time(written, zone=ZoneInfo("Asia/Shanghai")), short_time(written)
    assert shop != station
    try:
        async with run_kiosk(config) as (app, pilot):
            assert isinstance(app.screen, HandoverAckScreen)
            assert f", {shop}, for the" in text_of(app, "#note-text")
            assert table_rows(app)[0][0] == shop
    finally:
        monkeypatch.undo()
        time.tzset()


async def test_a_supervisor_sees_the_notes_nobody_read_and_writes_one(utc_config, db):
    note_from_last_shift(db, utc_config)
    async with run_kiosk(utc_config, badge=None) as (app, pilot):
        await open_exceptions(pilot)  # from the login screen
        await pilot.press("h")
        assert isinstance(app.screen, HandoverBookScreen)
        assert [row[4] for row in table_rows(app)] == ["SO-2 promised for today"]
        await pilot.press("w")
        assert isinstance(app.screen, HandoverNoteDialog)
        await pilot.press(*"Printer 2 jams", "enter")
        await scan(pilot, "SO-404")
        await pilot.press("f2")
        assert "No order SO-404: the note was not written" in text_of(app, "#note-error")
        await pilot.press("f3")
        await scan(pilot, "SO-1")
        await pilot.press("f2")
        assert isinstance(app.screen, HandoverBookScreen)
        assert banner(app).message == "Handover note 2 written for the next shift."
    assert db.execute("SELECT text, author FROM handover_notes WHERE id = 2").fetchone() == ("Printer 2 jams", "S001")
    assert db.execute("SELECT order_id FROM handover_note_orders WHERE note_id = 2").fetchall() == [("SO-1",)]


async def test_a_packer_writes_a_note_from_the_queue(utc_config, db):
    async with run_kiosk(utc_config) as (app, pilot):
        await pilot.press("f7")
        assert isinstance(app.screen, HandoverNoteDialog)
        await pilot.press("f2")  # nothing written yet
        assert "Write what the next shift needs to know" in text_of(app, "#note-error")
        await pilot.press(*"Tape low", "f2")
        assert isinstance(app.screen, QueueScreen)
        assert banner(app).message == "Handover note 1 written for the next shift."
    assert db.execute("SELECT author, text FROM handover_notes").fetchall() == [("P001", "Tape low")]


# -- a packer's own figures ----------------------------------------------------------------------


async def test_a_packer_sees_only_their_own_figures_of_today(utc_config, shipped):
    async with run_kiosk(utc_config) as (app, pilot):
        await pilot.press("f6")
        assert isinstance(app.screen, MyFiguresDialog)
        assert "Li Wei (P001)" in text_of(app, "#figures-title")
        figures = text_of(app, "#figures")
        assert "Orders: 1" in figures and "Scan accuracy: 75.0%" in figures
        assert "Refused scans: not in the order 1" in figures
        assert [row[1] for row in table_rows(app)] == ["SO-1"]  # not Maria's SO-6
        await scan(pilot, "SO-2")
        assert isinstance(app.screen, MyFiguresDialog) and app.bells == 1
        await pilot.press("escape")
        assert isinstance(app.screen, QueueScreen)


# -- imports -------------------------------------------------------------------------------------


async def test_a_supervisor_reads_the_last_imports(utc_config, db):
    with transaction(db) as conn:
        record_import(conn, ImportSummary("orders", "amazon.txt", "amazon", imported=3, rejected=1,
                                          notes=["row 4: unknown sku XX-1"]), "DESK-1")
    async with run_kiosk(utc_config, badge=None) as (app, pilot):
        await open_exceptions(pilot)
        await pilot.press("i")
        assert isinstance(app.screen, ImportsScreen)
        assert [row[1:6] + row[8:9] for row in table_rows(app)] == [
            ["orders", "amazon.txt", "amazon", "Done", "3", "1"]]
        assert "row 4: unknown sku XX-1" in text_of(app, "#import-detail")
