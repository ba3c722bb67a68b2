"""The dispatch log screen's first full frame of a busy day, against a floor app showing the same parcels.

Kiosk: the kiosk App with a supervisor's desk (``kiosk_contact.LogKiosk``); on a key it pushes the
kiosk's dispatch log screen of the busy day (``report_runs.busy_day``). Timed from the key to the
first frame that shows the day's title and its first parcel in the table: the screen reads the
whole log (rows, totals, lists), draws the totals line and the hourly chart, and fills the
Shipments table, its first list.

Floor: ``LogFloorApp``, a running Textual app with a title and a DataTable; on the same key, one
query reads the day's parcels with the columns the log shows (``report_runs.PARCELS_CTE``, the
report floor's) and adds them to the table. Timed the same way, to the frame showing the first
parcel. It leaves out the totals, the chart, the other lists, sorting, styles and the key bar.

Both run on the working copy before the shift, alternately opened and closed; frames are read
with ``screen_probe`` as for every other figure.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import msgspec
from rich.text import Text
from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from benchmarks import kiosk_contact as kiosk
from benchmarks.dataset import BENCH_PIN
from benchmarks.driving import SETUP_TIMEOUT, SIZE
from benchmarks.report import Figure, median
from benchmarks.report_runs import PARCELS_CTE, SETTINGS, busy_day
from benchmarks.screen_probe import Condition, FrameLogMixin, TextScreen, frame_after, settle, timed_frame
from kiosk.reports.day import business_day

TARGET = 1.5
FIGURE = "dispatch log screen, first full frame (median)"
LOG_STATION = "BENCH-LOG"
SUPERVISOR = "BS01"
HEADERS = ("Time", "Order", "Platform", "Carrier", "Tracking number", "Parcel", "Packer", "Station", "Items",
           "Units", "Pack s", "Short")
ROWS_SQL = f"""{PARCELS_CTE}
SELECT shipped_at, order_id, platform, carrier, tracking_number, package_no || '/' || package_count,
    operator || ' ' || COALESCE(name, ''), station, items, units, pack_seconds, units < ordered
FROM parcels ORDER BY shipped_at
"""


class LogFloorApp(FrameLogMixin, App):
    """On ``OPEN_LOG_KEY``: one query for the day's parcels, added to a DataTable as text."""

    BINDINGS = [Binding(kiosk.OPEN_LOG_KEY, "open_log", show=False, priority=True)]

    def __init__(self, db: Path, bounds: tuple[str, str]) -> None:
        super().__init__()
        self.db = sqlite3.connect(db, isolation_level=None)
        self.bounds = bounds

    def compose(self) -> ComposeResult:
        yield Static("dispatch log", id="title")
        yield DataTable(id="rows")

    def action_open_log(self) -> None:
        rows = self.db.execute(ROWS_SQL, self.bounds).fetchall()
        table = self.query_one(DataTable)
        table.clear(columns=True)
        table.add_columns(*HEADERS)
        # As Text: a plain value is parsed as markup first, which is slower.
        table.add_rows([tuple(Text("" if cell is None else str(cell)) for cell in row) for row in rows])

    def close_log(self) -> None:
        self.query_one(DataTable).clear(columns=True)


def floor_shown(app: LogFloorApp, first_order: str) -> Condition:
    def check(screen: TextScreen) -> bool:
        return screen.shows_line(app.query_one(DataTable).region, first_order)
    return check


async def _timed_open(app: App, shown: Condition, what: str) -> float:
    await settle(app)
    watch = app.frame_log.watch(shown)  # type: ignore[attr-defined]
    started = time.perf_counter()
    app.post_message(events.Key(kiosk.OPEN_LOG_KEY, None))
    return await timed_frame(app, watch, SETUP_TIMEOUT, what) - started


async def measure_log_screen(db: Path, spool: Path, repeats: int) -> Figure:
    """The kiosk's log screen and the floor's table, each opened ``repeats`` times on the busy day."""
    conn = sqlite3.connect(db)
    try:
        day = busy_day(conn)
        bounds = business_day(day, SETTINGS).bounds
        first_order = conn.execute("SELECT order_id FROM shipments WHERE shipped_at >= ? AND shipped_at < ?"
                                   " AND voided_at IS NULL ORDER BY shipped_at, id LIMIT 1", bounds).fetchone()[0]
        parcels = conn.execute("SELECT COUNT(*) FROM shipments WHERE shipped_at >= ? AND shipped_at < ?"
                               " AND voided_at IS NULL", bounds).fetchone()[0]
    finally:
        conn.close()
    # The report figure's day: the business day in UTC.
    config = msgspec.structs.replace(kiosk.kiosk_config(db, spool, LOG_STATION), timezone="UTC")
    kiosk_times = []
    app = kiosk.LogKiosk(config, day)
    kiosk.log_in_supervisor(app, SUPERVISOR, BENCH_PIN)
    async with app.run_test(size=SIZE):
        await frame_after(app, kiosk.login_shown(app))
        for _ in range(repeats):
            kiosk_times.append(await _timed_open(app, kiosk.log_shown(app, day, first_order), "kiosk log screen"))
            kiosk.close_log(app)
    app.desk.log_out()
    floor_times = []
    floor = LogFloorApp(db, bounds)
    async with floor.run_test(size=SIZE):
        await frame_after(floor, lambda screen: screen.shows(floor.query_one("#title").region, "dispatch log"))
        for _ in range(repeats):
            floor_times.append(await _timed_open(floor, floor_shown(floor, first_order), "floor log table"))
            floor.close_log()
    floor.db.close()
    return Figure(FIGURE, "s", median(kiosk_times), median(floor_times), TARGET, repeats, repeats,
                  {"day": day.isoformat(), "parcels": parcels,
                   "kiosk": "the kiosk's dispatch log screen pushed on a key, until its title and first parcel show",
                   "floor": "benchmarks.log_screen_runs.LogFloorApp: one query, the parcels added to a DataTable"})
