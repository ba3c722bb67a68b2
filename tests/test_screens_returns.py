"""Returns at the screen, keyboard and scanner only: a refund without a parcel, and one parcel back
with items of two orders of the same buyer."""

from __future__ import annotations

from pathlib import Path

import pytest

from fixtures.load import create_demo_database
from kiosk.config import Config
from kiosk.db import open_database, transaction
from screens.prompt import PromptDialog
from screens.returns import CloseReturnDialog, ReturnScreen
from screens.timeline import TimelineScreen
from tests.pilot import SIZE, RecordingApp, banner, log_in, scan
from tests.test_screens_aftersales import GLOVES_GREY_M, ORDER, open_order_timeline, shown

# 赵磊's other order: white earbuds, paid; the tests ship it so that one return can cover both.
OTHER_ORDER = "3864789816254881623"
EARBUDS = "6901234000436"


@pytest.fixture
def demo(tmp_path: Path):
    path = create_demo_database(tmp_path / "demo.db")
    db = open_database(path)
    yield db, Config(station="DESK-A", database=path, spool_dir=tmp_path / "spool", idle_lock_seconds=0)
    db.conn.close()


def ship_other_order(db) -> None:
    with transaction(db) as conn:
        conn.execute("UPDATE orders SET status = 'shipped' WHERE order_id = ?", [OTHER_ORDER])
        conn.execute("INSERT INTO shipments (order_id, carrier, tracking_number, operator, station, shipped_at)"
                     " VALUES (?, 'SF Express', 'SF1347413421953', 'P001', 'DESK-1', '2026-11-30T10:00:00.000+00:00')",
                     [OTHER_ORDER])


async def test_a_refund_without_a_parcel_picks_its_lines_by_number_and_closes_with_the_amount(demo):
    db, config = demo
    app = RecordingApp(config)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "A001", "5555")
        await open_order_timeline(pilot)
        await pilot.press("f7")
        assert isinstance(app.screen, PromptDialog)
        await pilot.press("enter")
        assert isinstance(app.screen, ReturnScreen)
        assert "refund only" in shown(app, "#return-header")
        await pilot.press("f2")  # no condition for goods the buyer keeps
        assert "Next unit" not in shown(app, "#next-unit")
        await pilot.press("f12")  # nothing refunded yet: refused before any question
        assert banner(app).message.startswith("No line is refunded yet")
        assert app.bells == 1
        await scan(pilot, "2")  # the second line of the list: the grey gloves in L
        assert isinstance(app.screen, PromptDialog)
        await scan(pilot, "")  # Enter: every unit left
        assert banner(app).message == "Refunded: 羊绒手套 灰色 / L ×1 of order 3725271034701203835."
        await scan(pilot, GLOVES_GREY_M)  # the other line, by scanning a sample from the shelf
        await scan(pilot, "1")
        assert "羊绒手套 灰色 / M ×1" in banner(app).message
        await pilot.press("f12")
        assert isinstance(app.screen, CloseReturnDialog)
        await scan(pilot, "")  # no amount: a refund needs one, asked again at once
        assert "needs the amount refunded" in shown(app, "#step-error")
        await scan(pilot, "59.80", "buyer keeps both pairs")
        assert isinstance(app.screen, ReturnScreen)
        assert banner(app).message == "Return 1 closed: amount 59.80."
    assert db.execute("SELECT kind, status, amount_difference, note, return_tracking FROM returns").fetchone() == (
        "refund_only", "closed", 59.8, "buyer keeps both pairs", "")
    assert db.execute("SELECT line_no, quantity, condition FROM return_items ORDER BY id").fetchall() == [
        (2, 1, ""), (1, 1, "")]


async def test_one_parcel_back_with_items_of_two_orders_takes_the_second_order_by_its_number(demo):
    db, config = demo
    ship_other_order(db)
    app = RecordingApp(config)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "A001", "5555")
        await open_order_timeline(pilot)
        await pilot.press("f3")
        await scan(pilot, "SF 1347 4134 21960")  # the return label
        assert isinstance(app.screen, ReturnScreen)
        await scan(pilot, EARBUDS)
        assert banner(app).message == (f"Wireless Earbuds White was shipped to this buyer in order {OTHER_ORDER},"
                                       " which this return does not cover yet: add that order, then scan it again.")
        assert banner(app).tone == "error"
        await pilot.press("f5")
        assert isinstance(app.screen, PromptDialog)
        await scan(pilot, OTHER_ORDER)  # the packing slip, scanned
        assert banner(app).message == f"Return 1 covers order {OTHER_ORDER} too."
        assert OTHER_ORDER in shown(app, "#return-header")
        await scan(pilot, EARBUDS, GLOVES_GREY_M)
        assert banner(app).message.startswith("Checked in: 羊绒手套 灰色 / M, 1 of 1")
        await pilot.press("f12")
        await scan(pilot, "1", "1", "0", "")
        assert banner(app).message == "Return 1 closed: amount 0.00."
        await pilot.press("escape")
        assert isinstance(app.screen, TimelineScreen)
    assert db.execute("SELECT order_id, raw_code FROM return_items ORDER BY id").fetchall() == [
        (OTHER_ORDER, EARBUDS), (ORDER, GLOVES_GREY_M)]
    assert db.execute("SELECT order_id FROM return_orders ORDER BY order_id").fetchall() == [
        (ORDER,), (OTHER_ORDER,)]


async def test_another_buyers_order_is_refused_and_the_return_stays_as_it_was(demo):
    db, config = demo
    app = RecordingApp(config)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "A001", "5555")
        await open_order_timeline(pilot)
        await pilot.press("f3", "enter")
        await pilot.press("f5")
        await scan(pilot, "1001")
        assert isinstance(app.screen, ReturnScreen)
        assert banner(app).tone == "error"
        assert app.bells == 1
    assert db.execute("SELECT COUNT(*) FROM return_orders").fetchone()[0] == 1

