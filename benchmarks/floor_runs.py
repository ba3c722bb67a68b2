"""The floor apps (benchmarks.floor_app), driven and timed exactly like the kiosk."""

from __future__ import annotations

import time
from pathlib import Path

from benchmarks.dataset import BENCH_BADGE, BENCH_PIN
from benchmarks.driving import SETUP_TIMEOUT, SIZE, focused_value, post_enter, post_keys, post_scan, still_cursor, until
from benchmarks.floor_app import READY_TEXT, EchoApp, QueueApp, RowsScreen, ShipApp
from benchmarks.kiosk_runs import LABEL_TIMEOUT, Ship
from benchmarks.screen_probe import Condition, TextScreen, frame_after, settle, timed_frame

FEEDBACK_TIMEOUT = 10.0
# Same length as the kiosk's item codes (EAN-13), so both apps get the same number of keys.
FIRST_CODE = 4_006_381_333_931


def echo_shows(app: EchoApp, text: str) -> Condition:
    def check(screen: TextScreen) -> bool:
        return screen.shows(app.query_one("#echo").region, text)
    return check


async def measure_scans(count: int) -> list[float]:
    """Scan to echo on screen, ``count`` times, posted and timed exactly like the kiosk's item scans."""
    times = []
    app = EchoApp()
    async with app.run_test(size=SIZE):
        await frame_after(app, echo_shows(app, READY_TEXT))
        still_cursor(app)
        for n in range(count):
            await settle(app)
            code = str(FIRST_CODE + n)
            shown = app.frame_log.watch(echo_shows(app, code))
            started = time.perf_counter()
            post_scan(app, code)
            times.append(await timed_frame(app, shown, FEEDBACK_TIMEOUT, f"echo {code}") - started)
    return times


async def measure_ships(db: Path, spool: Path, sender: tuple[str, ...], parcels: list[tuple[str, str]]) -> list[Ship]:
    """The ship floor on the kiosk's database: the same orders and waybills, keys posted untimed,
    then from the Enter to the frame saying "Shipped" (its label is durable before that)."""
    times = []
    app = ShipApp(db, spool, sender)
    async with app.run_test(size=SIZE):
        await frame_after(app, echo_shows(app, READY_TEXT))
        still_cursor(app)
        for order_id, tracking in parcels:
            app.order_id = order_id
            post_keys(app, tracking)
            await until(lambda tracking=tracking: focused_value(app) == tracking)
            await settle(app)
            shown = app.frame_log.watch(echo_shows(app, f"Shipped {order_id} with {tracking}."))
            started = time.perf_counter()
            post_enter(app)
            frame = await timed_frame(app, shown, LABEL_TIMEOUT, f"floor ship {order_id}")
            times.append(Ship(frame - started, app.label_durable - started))
    return times


def rows_shown(app: QueueApp, first_order: str) -> Condition:
    def check(screen: TextScreen) -> bool:
        front = app.screen
        return isinstance(front, RowsScreen) and screen.shows_line(front.query_one("#rows").region, first_order)
    return check


async def measure_queue_opens(db: Path, repeats: int) -> list[float]:
    """The queue floor: the PIN typed (untimed), then from its Enter to the 50 rows on screen."""
    times = []
    app = QueueApp(db, BENCH_BADGE)
    first = app.db.execute("SELECT order_id FROM orders WHERE status = 'paid'"
                           " ORDER BY priority DESC, paid_at, order_id LIMIT 1").fetchone()[0]
    async with app.run_test(size=SIZE):
        for _ in range(repeats):
            await frame_after(app, echo_shows(app, READY_TEXT))
            still_cursor(app)
            post_keys(app, BENCH_PIN)
            await until(lambda: focused_value(app) == BENCH_PIN)
            await settle(app)
            shown = app.frame_log.watch(rows_shown(app, first))
            started = time.perf_counter()
            post_enter(app)
            times.append(await timed_frame(app, shown, SETUP_TIMEOUT, "floor queue") - started)
            app.pop_screen()
    return times
