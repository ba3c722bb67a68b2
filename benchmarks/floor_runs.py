"""The floors: the minimal Textual app measured exactly like the kiosk, and bare python-barcode."""

from __future__ import annotations

import io
import time
from collections.abc import Callable

from barcode import Code128
from barcode.writer import ImageWriter

from benchmarks.driving import SETUP_TIMEOUT, SIZE, post_scan, still_cursor
from benchmarks.floor_app import READY_TEXT, WatchedEchoApp
from benchmarks.screen_probe import Condition, TextScreen, frame_after, settle, timed_frame

FEEDBACK_TIMEOUT = 10.0
# Same length as the kiosk's item codes (EAN-13), so both apps get the same number of keys.
FIRST_CODE = 4_006_381_333_931


def echo_shows(app: WatchedEchoApp, text: str) -> Condition:
    def check(screen: TextScreen) -> bool:
        return screen.shows(app.query_one("#echo").region, text)
    return check


async def measure_starts(repeats: int) -> list[float]:
    """From creating the App to its first screen shown, in this process (the queue figure's floor)."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        app = WatchedEchoApp()
        # Watch before starting: the first frame may come before run_test hands over.
        shown = app.frame_log.watch(echo_shows(app, READY_TEXT))
        async with app.run_test(size=SIZE):
            times.append(await timed_frame(app, shown, SETUP_TIMEOUT, "floor start") - started)
    return times


async def measure_scans(count: int) -> list[float]:
    """Scan to echo on screen, ``count`` times, posted and timed exactly like the kiosk's item scans."""
    times = []
    app = WatchedEchoApp()
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


def render_barcodes(order_id: str, tracking: str) -> None:
    """The two barcodes of a label, drawn by python-barcode's own PNG writer into memory."""
    for data in (tracking, order_id):
        Code128(data, writer=ImageWriter()).write(io.BytesIO())


def time_each(render: Callable[[str, str], None], shipped: list[tuple[str, str]]) -> list[float]:
    """Seconds ``render`` takes for each (order id, tracking number), after one untimed warm-up."""
    if shipped:
        render(*shipped[0])  # fonts load once per process, in the kiosk too
    times = []
    for order_id, tracking in shipped:
        started = time.perf_counter()
        render(order_id, tracking)
        times.append(time.perf_counter() - started)
    return times


def measure_barcodes(shipped: list[tuple[str, str]]) -> list[float]:
    """The last-scan-to-shipped floor: the same two barcodes per parcel, nothing else."""
    return time_each(render_barcodes, shipped)
