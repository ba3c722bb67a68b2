"""What the packer sees: SVG snapshots of the queue and the pack screen.

Update with ``pytest tests/test_snapshots.py --snapshot-update`` and look at
the SVGs in tests/__snapshots__/ before committing them.

Deterministic by construction: the paid orders are stamped a whole number of
hours before "now", and the queue's Waiting column is computed against that
same frozen "now", however long the test takes; the text cursor does not
blink; the toast notifications (which expire on a timer) are cleared before
the screenshot, the red banner shows the same refusal.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from kiosk.config import Config
from kiosk.db import open_database, transaction
from kiosk.i18n import set_language
from kiosk.timefmt import waiting_for
from screens.pack import PackScreen
from screens.queue import QueueScreen
from tests.conftest import EAN
from tests.pilot import SIZE, RecordingApp, banner, log_in, scan

# Hours between payment and the frozen "now", per paid order of the seed data.
PAID_HOURS_AGO = {"SO-1": 5, "SO-2": 26, "SO-6": 1}


@pytest.fixture
def snapshot_config(config: Config, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Config:
    """The seed database with paid times relative to a "now" frozen for this test."""
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    db = open_database(db_path)
    try:
        with transaction(db) as conn:
            for order_id, hours in PAID_HOURS_AGO.items():
                paid_at = (now - timedelta(hours=hours)).isoformat(timespec="milliseconds")
                conn.execute("UPDATE orders SET paid_at = ? WHERE order_id = ?", [paid_at, order_id])
    finally:
        db.conn.close()

    @functools.wraps(waiting_for)
    def frozen_waiting_for(value: str | None, now_: datetime | None = None) -> str:
        return waiting_for(value, now_ or now)

    monkeypatch.setattr("screens.queue.waiting_for", frozen_waiting_for)
    return config


async def settle(pilot: Pilot) -> None:
    """A still picture: no blinking cursor, no toast on a timer."""
    app = pilot.app
    for field in app.screen.query(Input):
        field.cursor_blink = False
    app.clear_notifications()
    await pilot.pause()


async def packing(pilot: Pilot, *codes: str) -> PackScreen:
    """P001 logs in and the scans arrive in one burst, an order number first: the pack screen is in front."""
    await log_in(pilot)
    await scan(pilot, *codes)
    assert isinstance(pilot.app.screen, PackScreen)
    return pilot.app.screen


def test_queue_after_login(snap_compare, snapshot_config):
    async def run_before(pilot: Pilot) -> None:
        await log_in(pilot)
        assert isinstance(pilot.app.screen, QueueScreen)
        assert [e.order_id for e in pilot.app.screen.entries] == ["SO-6", "SO-2", "SO-1"]  # urgent, then oldest paid
        await settle(pilot)

    assert snap_compare(RecordingApp(snapshot_config), terminal_size=SIZE, run_before=run_before)


def test_pack_screen_mid_order_with_a_wrong_variant(snap_compare, snapshot_config):
    async def run_before(pilot: Pilot) -> None:
        screen = await packing(pilot, "SO-1", EAN["SW-RED-M"], EAN["TOTE-BLK"], EAN["SW-BLU-M"])
        assert [line.packed for line in screen.session.lines] == [1, 1]
        assert banner(pilot.app).tone == "error"
        assert banner(pilot.app).message.startswith("Wrong variant")
        await settle(pilot)

    assert snap_compare(RecordingApp(snapshot_config), terminal_size=SIZE, run_before=run_before)


def test_pack_screen_with_notes_before_f4(snap_compare, snapshot_config):
    async def run_before(pilot: Pilot) -> None:
        screen = await packing(pilot, "SO-2")
        assert not screen.session.notes_acknowledged
        await settle(pilot)

    assert snap_compare(RecordingApp(snapshot_config), terminal_size=SIZE, run_before=run_before)


def test_pack_screen_at_the_waybill_step(snap_compare, snapshot_config):
    async def run_before(pilot: Pilot) -> None:
        screen = await packing(pilot, "SO-1", EAN["SW-RED-M"], EAN["SW-RED-M"], EAN["TOTE-BLK"])
        assert screen.session.all_verified
        assert screen.query_one("#prompt").tone == "waybill"
        await settle(pilot)

    assert snap_compare(RecordingApp(snapshot_config), terminal_size=SIZE, run_before=run_before)


@pytest.mark.parametrize("columns", [80, 120])
def test_pack_screen_in_chinese(snap_compare, snapshot_config, columns):
    """Double-width text stays aligned: headers, cells and banners are measured in cells."""

    async def run_before(pilot: Pilot) -> None:
        set_language("zh_CN")
        await log_in(pilot)
        await scan(pilot, "SO-6")
        await scan(pilot, EAN["SW-BLU-M"])
        assert isinstance(pilot.app.screen, PackScreen)
        assert banner(pilot.app).message.startswith("不是本订单的商品")
        await settle(pilot)

    assert snap_compare(RecordingApp(snapshot_config), terminal_size=(columns, 28), run_before=run_before)
