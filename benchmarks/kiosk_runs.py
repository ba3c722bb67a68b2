"""The real kiosk, driven in-process through headless ``run_test``: queue opens, then a shift of orders.

Every step waits for the frame a packer would see. The kiosk is reached only through
``benchmarks.kiosk_contact`` (its screens and print pipeline) and ``benchmarks.driving`` (keys).
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from textual.pilot import Pilot

from benchmarks import kiosk_contact as kiosk
from benchmarks.child import memory_kib
from benchmarks.dataset import BENCH_BADGE, BENCH_PIN
from benchmarks.driving import (
    SETUP_TIMEOUT,
    SIZE,
    focused_value,
    post_enter,
    post_keys,
    post_scan,
    still_cursor,
    until,
)
from benchmarks.screen_probe import frame_after, settle, timed_frame
from kiosk.config import Config

if TYPE_CHECKING:
    from kiosk.packing import LineProgress

FEEDBACK_TIMEOUT = 10.0
LABEL_TIMEOUT = 60.0
# Enough of a label failure's message to group failures of one kind.
REASON_CHARS = 70
# The shift figures compare this many orders at its start with as many at its end.
SHIFT_WINDOW = 100


def shift_window(orders: int) -> int:
    """Orders at each end of a shift that the shift figures compare (half of a short shift)."""
    return min(SHIFT_WINDOW, max(1, orders // 2))


@dataclass
class Ship:
    """One waybill's Enter to what the packer waits for, in seconds."""

    frame: float  # the frame with the queue back and the shipped message
    label: float  # the label file renamed into the spool folder (durable: written and synced first)

    @property
    def seconds(self) -> float:
        """The later of the two: the packer has neither the next order nor the label before."""
        return max(self.frame, self.label)


@dataclass
class KioskResults:
    queue_opens: list[float] = field(default_factory=list)
    # Item scans, per order packed, in order.
    order_scans: list[list[float]] = field(default_factory=list)
    # Parcels whose label was written; those whose label failed are only counted.
    ships: list[Ship] = field(default_factory=list)
    # Why labels failed (the kiosk's message), and how often.
    label_failures: Counter[str] = field(default_factory=Counter)
    # (order id, tracking number) of every parcel shipped: the ship floor ships the same.
    shipped: list[tuple[str, str]] = field(default_factory=list)
    paid_orders: int = 0
    # Resident memory (KiB, /proc/self/status) after this many orders.
    rss_after: dict[int, int] = field(default_factory=dict)
    # Scans whose row never showed its whole cell: Textual's DataTable caches a row rendered
    # between update_cell() and its idle-time column resize (textual#3533), so a widened cell
    # (the complete mark) stays cut off until the row changes again.
    stale_rows: int = 0

    @property
    def scans(self) -> list[float]:
        return [scan for order in self.order_scans for scan in order]


# -- inputs --------------------------------------------------------------------------------

def waybill(order_id: str, country: str) -> str:
    """A well-formed tracking number, unique per order, of a carrier that serves ``country``, so the
    waybill passes the kiosk's format, check-digit and remote-area rules: SF Express within China
    (the only kind of number there that reaches Xinjiang or Tibet), UPS elsewhere (1Z, shipper,
    service, package, check digit). The number is the order's: every process that ships orders of
    one database (the start-up processes, the shift) gives each parcel its own waybill."""
    number = int("".join(char for char in order_id if char.isdigit()))
    if country.strip().upper() in ("CN", "CHINA", "中国"):
        return f"SF{9_000_000_000_000 + number}"
    body = f"BENCH103{number:07d}"
    total = 0
    for position, char in enumerate(body, 1):
        value = int(char) if char.isdigit() else (ord(char) - 63) % 10
        total += value * 2 if position % 2 == 0 else value
    return f"1Z{body}{(10 - total % 10) % 10}"


# -- steps -----------------------------------------------------------------------------------

async def log_in(app: kiosk.BenchKiosk, pilot: Pilot) -> None:
    """The real login: badge scan, PIN typed, Enter (scrypt and all)."""
    await frame_after(app, kiosk.login_shown(app))
    post_scan(app, BENCH_BADGE)
    await until(lambda: kiosk.pin_asked(app))
    await pilot.press(*BENCH_PIN, "enter")
    await until(lambda: kiosk.queue_ready(app))


async def measure_queue_opens(app: kiosk.BenchKiosk, repeats: int) -> list[float]:
    """From the PIN's Enter (the scrypt check, the login's commit, the queue's query and screen) to
    the filled queue on screen. Badge and PIN keys are taken untimed before it."""
    times = []
    for _ in range(repeats):
        kiosk.log_out(app)
        await frame_after(app, kiosk.login_shown(app))
        post_scan(app, BENCH_BADGE)
        await until(lambda: kiosk.pin_asked(app))
        still_cursor(app)
        post_keys(app, BENCH_PIN)
        await until(lambda: focused_value(app) == BENCH_PIN)
        await settle(app)
        shown = app.frame_log.watch(kiosk.queue_shown(app, kiosk.first_queued(app)))
        started = time.perf_counter()
        post_enter(app)
        times.append(await timed_frame(app, shown, SETUP_TIMEOUT, "queue") - started)
        await until(lambda: kiosk.queue_ready(app))
    return times


async def open_order(app: kiosk.BenchKiosk, order_id: str) -> None:
    """Scan the packing slip and wait for the pack screen, notes acknowledged (all untimed)."""
    post_scan(app, order_id)
    await frame_after(app, kiosk.pack_open(app, order_id))
    still_cursor(app)
    await until(kiosk.acknowledge_notes(app))


async def scan_items(app: kiosk.BenchKiosk, results: KioskResults) -> list[float]:
    """Every unit of every line, one timed scan each, from the burst to the verified line on screen.

    Once the screen has settled after a scan (before the next one), its row is checked again for
    the whole cell (``stale_rows``).
    """
    times = []
    shown_row: tuple[LineProgress, int] | None = None
    for progress in kiosk.order_lines(app):
        code = kiosk.item_code(app, progress.line.sku)
        while not progress.complete:
            await settle(app)
            if shown_row is not None:
                results.stale_rows += _row_stale(app, *shown_row)
            target = progress.packed + 1
            shown = app.frame_log.watch(kiosk.scan_shown(app, progress, target))
            started = time.perf_counter()
            post_scan(app, code)
            times.append(await timed_frame(app, shown, FEEDBACK_TIMEOUT, f"scan {code}") - started)
            shown_row = (progress, target)
    await settle(app)
    if shown_row is not None:
        results.stale_rows += _row_stale(app, *shown_row)
    return times


def _row_stale(app: kiosk.BenchKiosk, progress: LineProgress, packed: int) -> bool:
    return not app.frame_log.screen.shows_line(kiosk.lines_region(app), kiosk.row_text(progress, packed))


async def ship(app: kiosk.BenchKiosk, results: KioskResults) -> None:
    """The timed waybill scan: from its Enter until the queue is back on screen with the shipped
    message *and* the label file is durable in the spool folder (both are kept; the figure is the
    later). A parcel whose label failed is counted in ``label_failures``, not timed.

    The clock starts at the Enter that ends the scan. A scanner types a waybill's 18 characters
    over 20 ms or more, and the kiosk takes each key as it comes (the scan figure times them), so
    the packer waits from the moment the scanner is done. The characters are posted first and
    taken untimed; the floor gets its keys the same way.
    """
    order_id = kiosk.open_order_id(app)
    tracking = waybill(order_id, kiosk.order_country(app))
    label = app.label_watch(order_id)
    refused = app.frame_log.watch(kiosk.waybill_refused(app))
    post_keys(app, tracking)
    await until(lambda: focused_value(app) == tracking)
    await settle(app)
    shown = app.frame_log.watch(kiosk.shipped_shown(app, order_id, tracking))
    started = time.perf_counter()
    post_enter(app)
    waiting: set[asyncio.Future] = {shown, label}
    deadline = time.monotonic() + LABEL_TIMEOUT
    while waiting:
        done, _ = await asyncio.wait(waiting | {refused}, timeout=deadline - time.monotonic(),
                                     return_when=asyncio.FIRST_COMPLETED)
        if not done or refused in done:
            missing = " and ".join(what for what, future in (("the shipped frame", shown), ("the label", label))
                                   if not future.done())
            why = kiosk.refusal(app) if refused in done else f"no {missing} after {LABEL_TIMEOUT:g} s"
            raise RuntimeError(f"waybill {tracking} for {order_id} not shipped: {why}")
        waiting -= done
    refused.cancel()
    frame, (durable, error) = shown.result(), label.result()
    if error:
        # The kiosk's message names the order's own text; its start says what kind of failure it was.
        results.label_failures[error[:REASON_CHARS]] += 1
    else:
        results.ships.append(Ship(frame - started, durable - started))
        results.shipped.append((order_id, tracking))
    still_cursor(app)


async def pack_orders(app: kiosk.BenchKiosk, orders: int, results: KioskResults,
                      progress: Callable[[str], None] | None = None) -> None:
    """Pack and ship ``orders`` orders from the top of the queue, as a packer does all shift."""
    for number in range(1, orders + 1):
        await open_order(app, kiosk.top_order(app))
        results.order_scans.append(await scan_items(app, results))
        await ship(app, results)
        await until(lambda: kiosk.queue_ready(app))
        if number in (shift_window(orders), orders):
            results.rss_after[number] = memory_kib()["VmRSS"]
        if progress is not None and number % 250 == 0:
            progress(f"  kiosk: {number:,} of {orders:,} orders shipped")


async def run_kiosk(config: Config, orders: int, queue_repeats: int, progress: Callable[[str], None]) -> KioskResults:
    results = KioskResults()
    app = kiosk.BenchKiosk(config)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(app, pilot)
        results.paid_orders = kiosk.paid_orders(app)
        progress(f"  kiosk: {queue_repeats} queue opens")
        results.queue_opens = await measure_queue_opens(app, queue_repeats)
        still_cursor(app)
        progress(f"  kiosk: a shift of {orders:,} orders packed and shipped")
        await pack_orders(app, orders, results, progress)
        await app.workers.wait_for_complete()
    return results
