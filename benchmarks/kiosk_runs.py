"""The real kiosk, driven in-process through headless ``run_test``: queue opens, item scans, waybills."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from textual import events
from textual.pilot import Pilot
from textual.widgets import DataTable

from benchmarks.dataset import BENCH_BADGE, BENCH_PIN
from benchmarks.driving import SETUP_TIMEOUT, SIZE, post_enter, post_keys, post_scan, still_cursor, until
from benchmarks.screen_probe import Condition, FrameLogMixin, TextScreen, frame_after, settle, timed_frame
from kiosk.config import Config
from screens.app import KioskApp, LabelFinished
from screens.login import LoginScreen
from screens.widgets.banner import Banner

if TYPE_CHECKING:
    from kiosk.packing import LineProgress
    from screens.pack import PackScreen

# The queue and pack screens (and what they import) are imported inside the functions that use
# them, as the kiosk itself does: the start-up child must not load them before its first screen.

FEEDBACK_TIMEOUT = 10.0
LABEL_TIMEOUT = 60.0
# How PackScreen marks a complete line. Textual's DataTable can leave it off screen (see stale_rows).
COMPLETE_MARK = " ✓"


class BenchKiosk(FrameLogMixin, KioskApp):
    """The kiosk App unchanged, with its frames recorded and label completions time-stamped."""

    def __init__(self, config: Config) -> None:
        super().__init__(config)
        self.labels_done: dict[str, asyncio.Future[float]] = {}

    def on_label_finished(self, message: LabelFinished) -> None:
        # Textual calls the handler of every class in the MRO; prevent_default stops it at this
        # one, which runs the kiosk's own handler (the database update) and then reports.
        message.prevent_default()
        KioskApp.on_label_finished(self, message)
        future = self.labels_done.pop(message.outcome.order_id, None)
        if future is not None and not future.done():
            # When the worker posted it (time.monotonic, Textual's message clock): the moment the
            # label file was written, which is where the figure ends.
            future.set_result(message.time)


@dataclass
class KioskResults:
    queue_opens: list[float] = field(default_factory=list)
    scans: list[float] = field(default_factory=list)
    ships: list[float] = field(default_factory=list)
    # (order id, tracking number) of every parcel shipped: the barcode floor renders the same.
    shipped: list[tuple[str, str]] = field(default_factory=list)
    label_failures: int = 0
    paid_orders: int = 0
    # Scans whose row never showed its whole cell: Textual's DataTable caches a row rendered
    # between update_cell() and its idle-time column resize (textual#3533), so a widened cell
    # (the complete mark) stays cut off until the row changes again.
    stale_rows: int = 0


# -- what "on screen" means for each step -------------------------------------------------

def login_shown(app: KioskApp) -> Condition:
    def check(screen: TextScreen) -> bool:
        front = app.screen
        return isinstance(front, LoginScreen) and screen.shows(
            front.query_one("#badge").region, front.query_one("#badge").placeholder
        )
    return check


def queue_shown(app: KioskApp, first_order: str) -> Condition:
    """The queue is on screen with its first order in the table (the page is filled in one go)."""
    from screens.queue import QueueScreen
    from screens.widgets.row_table import RowTable

    def check(screen: TextScreen) -> bool:
        front = app.screen
        return (isinstance(front, QueueScreen) and front.is_mounted
                and screen.shows_line(front.query_one(RowTable).region, first_order))
    return check


def row_text(progress: LineProgress, packed: int) -> str:
    """The line's row as it should read once ``packed`` units are in, built with the screen's own
    cell formatter so the expected text follows its wording and language."""
    from kiosk.packing import LineProgress
    from screens.pack import PackScreen

    line = progress.line
    cell = PackScreen._packed_cell(LineProgress(line, packed)).plain
    return f"{line.line_no} {line.name} {line.variant} {cell}"


def scan_shown(pack: PackScreen, progress: LineProgress, target: int) -> Condition:
    """The verified line on screen: the line's row shows the new count, the banner the outcome."""
    row = row_text(progress, target).removesuffix(COMPLETE_MARK)
    table = pack.query_one(DataTable)
    banner = pack.query_one(Banner)

    def check(screen: TextScreen) -> bool:
        return (progress.packed >= target and screen.shows_line(table.region, row)
                and screen.shows(banner.region, banner.message))
    return check


# -- inputs --------------------------------------------------------------------------------

def waybill(number: int, country: str) -> str:
    """A well-formed tracking number, unique per parcel, of a carrier that serves ``country``, so the
    waybill passes the kiosk's format, check-digit and remote-area rules: SF Express within China
    (the only kind of number there that reaches Xinjiang or Tibet), UPS elsewhere (1Z, shipper,
    service, package, check digit)."""
    if country.strip().upper() in ("CN", "CHINA", "中国"):
        return f"SF{9_000_000_000_000 + number}"
    body = f"BENCH103{number:07d}"
    total = 0
    for position, char in enumerate(body, 1):
        value = int(char) if char.isdigit() else (ord(char) - 63) % 10
        total += value * 2 if position % 2 == 0 else value
    return f"1Z{body}{(10 - total % 10) % 10}"


def item_code(app: KioskApp, sku: str) -> str:
    return app.desk.db.execute("SELECT code FROM barcodes WHERE sku = ? ORDER BY code LIMIT 1", [sku]).fetchone()[0]


# -- steps -----------------------------------------------------------------------------------

async def log_in(app: KioskApp, pilot: Pilot) -> None:
    """The real login: badge scan, PIN typed, Enter (scrypt and all)."""
    from screens.queue import QueueScreen

    await frame_after(app, login_shown(app))
    post_scan(app, BENCH_BADGE)
    await until(lambda: app.focused is not None and app.focused.id == "pin")
    await pilot.press(*BENCH_PIN, "enter")
    await until(lambda: isinstance(app.screen, QueueScreen) and bool(app.screen.entries))


async def measure_queue_opens(app: KioskApp, repeats: int) -> list[float]:
    """From a successful login (``logged_in``, what the PIN check calls) to the filled queue on screen."""
    from kiosk.order_queue import queue_page
    from screens.queue import QueueScreen

    times = []
    for _ in range(repeats):
        app.log_out()
        await frame_after(app, login_shown(app))
        await settle(app)
        first = queue_page(app.desk.db, 1)[0].order_id
        app.desk.log_in(BENCH_BADGE, BENCH_PIN)  # untimed: the PIN check is not the queue's
        shown = app.frame_log.watch(queue_shown(app, first))
        started = time.perf_counter()
        app.logged_in()
        times.append(await timed_frame(app, shown, SETUP_TIMEOUT, "queue") - started)
    await until(lambda: isinstance(app.screen, QueueScreen) and bool(app.screen.entries))
    return times


async def open_order(app: KioskApp, order_id: str) -> PackScreen:
    """Scan the packing slip and wait for the pack screen, notes acknowledged (all untimed)."""
    from screens.pack import PackScreen

    post_scan(app, order_id)
    await until(lambda: isinstance(app.screen, PackScreen) and hasattr(app.screen, "session"))
    pack = app.screen
    assert isinstance(pack, PackScreen)
    await frame_after(app, lambda screen: screen.shows(pack.query_one("#order-header").region, order_id))
    still_cursor(app)
    if not pack.session.notes_acknowledged:
        app.post_message(events.Key("f4", None))
        await until(lambda: pack.session.notes_acknowledged)
    return pack


async def scan_items(app: KioskApp, pack: PackScreen, results: KioskResults) -> None:
    """Every unit of every line, one timed scan each."""
    table = pack.query_one(DataTable)
    for progress in list(pack.session.lines):
        code = item_code(app, progress.line.sku)
        while not progress.complete:
            await settle(app)
            target = progress.packed + 1
            shown = app.frame_log.watch(scan_shown(pack, progress, target))
            started = time.perf_counter()
            post_scan(app, code)
            results.scans.append(await timed_frame(app, shown, FEEDBACK_TIMEOUT, f"scan {code}") - started)
            await settle(app)
            results.stale_rows += not app.frame_log.screen.shows_line(table.region, row_text(progress, target))


async def ship(app: KioskApp, pack: PackScreen, results: KioskResults) -> None:
    """The timed waybill scan: from its Enter until the shipment is committed and its label file written.

    The clock starts at the Enter that ends the scan. A scanner types a waybill's 18 characters
    over 20 ms or more, and the kiosk takes each key as it comes (the scan figure times them), so
    the packer waits from the moment the scanner is done. The characters are posted first and
    taken untimed; the floor, two bare barcodes, has no keys either.
    """
    from screens.queue import QueueScreen
    from screens.widgets.scan_input import ScanInput

    order_id = pack.order_id
    tracking = waybill(len(results.shipped) + 1, pack.session.order["country"])
    banner = pack.query_one(Banner)
    field = pack.query_one(ScanInput)
    done = asyncio.get_running_loop().create_future()
    app.labels_done[order_id] = done
    refused = app.frame_log.watch(lambda _screen: app.screen is pack and banner.has_class("error"))
    post_keys(app, tracking)
    await until(lambda: field.value == tracking)
    await settle(app)
    started = time.monotonic()  # the clock of LabelFinished.time
    post_enter(app)
    await asyncio.wait([done, refused], timeout=LABEL_TIMEOUT, return_when=asyncio.FIRST_COMPLETED)
    refused.cancel()
    if not done.done():
        raise RuntimeError(f"waybill {tracking} for {order_id} not shipped: {banner.message or 'no label in time'}")
    results.ships.append(done.result() - started)
    results.shipped.append((order_id, tracking))
    status = app.desk.db.execute("SELECT status FROM print_jobs WHERE order_id = ?", [order_id]).fetchone()
    results.label_failures += status is None or status[0] != "sent"
    # The queue is back and read again (the shipped order is off it).
    await until(lambda: isinstance(app.screen, QueueScreen) and bool(app.screen.entries)
                and app.screen.entries[0].order_id != order_id)
    still_cursor(app)


async def run_kiosk(config: Config, scans: int, queue_repeats: int, progress: Callable[[str], None]) -> KioskResults:
    from kiosk.order_queue import queue_length
    from screens.queue import QueueScreen

    results = KioskResults()
    app = BenchKiosk(config)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(app, pilot)
        results.paid_orders = queue_length(app.desk.db)
        progress(f"  kiosk: {queue_repeats} queue opens")
        results.queue_opens = await measure_queue_opens(app, queue_repeats)
        still_cursor(app)
        progress(f"  kiosk: packing orders from the top of the queue until {scans} item scans")
        while len(results.scans) < scans:
            queue = app.screen
            assert isinstance(queue, QueueScreen)
            pack = await open_order(app, queue.entries[0].order_id)
            await scan_items(app, pack, results)
            await ship(app, pack, results)
        await app.workers.wait_for_complete()
    return results
