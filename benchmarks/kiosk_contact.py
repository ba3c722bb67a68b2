"""Every place the benchmark harness touches the kiosk's insides.

Which screen is in front, what a screen shows, how a waybill label's end is heard, which
database rows say what to scan: when the kiosk's screens, its desk service or its print
pipeline change shape, this is the one module to adapt. ``kiosk_runs`` and ``child`` drive the
kiosk only through what this module exports (and keys, through ``driving``).

The kiosk's screens, printing and packing modules are imported inside the functions that use
them, as the kiosk itself does: the start-up child must not load them before its first screen.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import events
from textual.binding import Binding

from benchmarks.screen_probe import Condition, FrameLogMixin, TextScreen
from kiosk.config import Config
from screens.app import KioskApp, LabelFinished

if TYPE_CHECKING:
    from kiosk.packing import LineProgress
    from screens.pack import PackScreen

# Textual stamps messages with time.monotonic(); the harness's clock is time.perf_counter().
_MONOTONIC_TO_PERF = time.perf_counter() - time.monotonic()


def kiosk_config(db: Path, spool: Path, station: str) -> Config:
    """The kiosk's configuration for a run: this database, labels to this spool folder, no idle lock."""
    return Config(station=station, database=db, spool_dir=spool, idle_lock_seconds=0)


class BenchKiosk(FrameLogMixin, KioskApp):
    """The kiosk App unchanged, with its frames recorded and each waybill label's end heard.

    Contact points: ``KioskApp.on_label_finished`` and its ``LabelFinished`` message, which the
    print thread posts once a label's file is renamed into the spool folder (or has failed).
    """

    def __init__(self, config: Config) -> None:
        super().__init__(config)
        self.labels_done: dict[str, asyncio.Future[tuple[float, str]]] = {}

    def on_label_finished(self, message: LabelFinished) -> None:
        # Textual calls the handler of every class in the MRO; prevent_default stops it at this
        # one, which runs the kiosk's own handler (the database update) and then reports.
        message.prevent_default()
        KioskApp.on_label_finished(self)
        outcome = message.outcome
        future = self.labels_done.pop(outcome.order_id, None)
        if future is not None and not future.done():
            # When the print thread posted it, right after the rename: the moment the file is durable.
            error = outcome.error or ("" if outcome.file else "no label file")
            future.set_result((message.time + _MONOTONIC_TO_PERF, error))

    def label_watch(self, order_id: str) -> asyncio.Future[tuple[float, str]]:
        """Resolves with (perf_counter time, why it failed or "") when ``order_id``'s waybill label is finished."""
        future: asyncio.Future[tuple[float, str]] = asyncio.get_running_loop().create_future()
        self.labels_done[order_id] = future
        return future


def _front(app: KioskApp, kind: str) -> Any:
    """The screen in front if it is the kiosk's ``kind`` screen (login, queue, pack), else None."""
    if kind == "login":
        from screens.login import LoginScreen as screen_class
    elif kind == "queue":
        from screens.queue import QueueScreen as screen_class
    else:
        from screens.pack import PackScreen as screen_class
    front = app.screen
    return front if isinstance(front, screen_class) else None


def _banner(screen: Any) -> Any:
    from screens.widgets.banner import Banner

    return screen.query_one(Banner)


def login_shown(app: KioskApp) -> Condition:
    """The login screen is on screen, asking for a badge."""
    def check(screen: TextScreen) -> bool:
        front = _front(app, "login")
        return front is not None and screen.shows(front.query_one("#badge").region,
                                                  front.query_one("#badge").placeholder)
    return check


def pin_asked(app: KioskApp) -> bool:
    return app.focused is not None and app.focused.id == "pin"


def log_out(app: KioskApp) -> None:
    app.log_out()


def queue_ready(app: KioskApp) -> bool:
    front = _front(app, "queue")
    return front is not None and bool(front.entries)


def top_order(app: KioskApp) -> str:
    """The first order of the queue, as the queue in front lists it."""
    return _front(app, "queue").entries[0].order_id


def first_queued(app: KioskApp) -> str:
    """The first order the queue will list, read from the database (before the queue is shown)."""
    from kiosk.order_queue import queue_page

    return queue_page(app.desk.db, 1)[0].order_id


def paid_orders(app: KioskApp) -> int:
    from kiosk.order_queue import queue_length

    return queue_length(app.desk.db)


def queue_shown(app: KioskApp, first_order: str) -> Condition:
    """The queue is on screen with its first order in the table (the page is filled in one go)."""
    from screens.widgets.row_table import RowTable

    def check(screen: TextScreen) -> bool:
        front = _front(app, "queue")
        return (front is not None and front.is_mounted
                and screen.shows_line(front.query_one(RowTable).region, first_order))
    return check


def shipped_shown(app: KioskApp, order_id: str, tracking: str) -> Condition:
    """The queue is back in front, with the banner saying this order shipped with this waybill."""
    from screens.widgets.row_table import RowTable

    def check(screen: TextScreen) -> bool:
        front = _front(app, "queue")
        if front is None or not front.is_mounted or not front.entries:
            return False
        banner = _banner(front)
        return (order_id in banner.message and tracking in banner.message
                and screen.shows(banner.region, banner.message)
                and screen.shows_line(front.query_one(RowTable).region, front.entries[0].order_id))
    return check


def pack_open(app: KioskApp, order_id: str) -> Condition:
    """The pack screen of ``order_id`` is on screen."""
    def check(screen: TextScreen) -> bool:
        front = _front(app, "pack")
        return (front is not None and hasattr(front, "session") and front.order_id == order_id
                and screen.shows(front.query_one("#order-header").region, order_id))
    return check


def acknowledge_notes(app: KioskApp) -> Callable[[], bool]:
    """Press the key that acknowledges the order's notes if it has any; returns "are they acknowledged"."""
    pack = _front(app, "pack")
    if not pack.session.notes_acknowledged:
        app.post_message(events.Key("f4", None))
    return lambda: pack.session.notes_acknowledged


def order_lines(app: KioskApp) -> list[LineProgress]:
    """The open order's lines, each with ``.line.sku``, ``.packed`` and ``.complete``."""
    return list(_front(app, "pack").session.lines)


def open_order_id(app: KioskApp) -> str:
    return _front(app, "pack").order_id


def order_country(app: KioskApp) -> str:
    return _front(app, "pack").session.order["country"]


def item_code(app: KioskApp, sku: str) -> str:
    return app.desk.db.execute("SELECT code FROM barcodes WHERE sku = ? ORDER BY code LIMIT 1", [sku]).fetchone()[0]


# How PackScreen marks a complete line. Textual's DataTable can leave it off screen (see stale_rows).
COMPLETE_MARK = " ✓"


def row_text(progress: LineProgress, packed: int) -> str:
    """The line's row as it should read once ``packed`` units are in, built with the screen's own
    cell formatter so the expected text follows its wording and language."""
    from kiosk.packing import LineProgress
    from screens.pack import PackScreen

    line = progress.line
    cell = PackScreen._packed_cell(LineProgress(line, packed)).plain
    return f"{line.line_no} {cell} {line.name} {line.variant}"


def lines_region(app: KioskApp) -> Any:
    from textual.widgets import DataTable

    return _front(app, "pack").query_one(DataTable).region


def scan_shown(app: KioskApp, progress: LineProgress, target: int) -> Condition:
    """The verified line on screen: the line's row shows the new count, the banner the outcome."""
    pack: PackScreen = _front(app, "pack")
    row = row_text(progress, target).removesuffix(COMPLETE_MARK)
    region = lines_region(app)
    banner = _banner(pack)

    def check(screen: TextScreen) -> bool:
        return (progress.packed >= target and screen.shows_line(region, row)
                and screen.shows(banner.region, banner.message))
    return check


def waybill_refused(app: KioskApp) -> Condition:
    """The pack screen in front shows an error in its banner (a waybill refused)."""
    pack = _front(app, "pack")
    banner = _banner(pack)
    return lambda _screen: app.screen is pack and banner.has_class("error")


def refusal(app: KioskApp) -> str:
    front = app.screen
    try:
        return _banner(front).message
    except Exception:  # noqa: BLE001 - only for an error message about a failed run
        return ""


# -- the dispatch log screen ---------------------------------------------------------------------

# A key no kiosk screen binds: the log host opens the log on it, whatever screen is in front.
OPEN_LOG_KEY = "f24"


class LogKiosk(BenchKiosk):
    """The kiosk App, its desk logged in as a supervisor, that pushes the kiosk's dispatch log
    screen of one day on ``OPEN_LOG_KEY`` (the kiosk reaches it from the exceptions list, for today).

    Contact points: ``DispatchLogScreen(desk, day)``, its ``#log-title`` and its ``#log-table``.
    """

    BINDINGS = [Binding(OPEN_LOG_KEY, "open_log", show=False, priority=True)]

    def __init__(self, config: Config, day: date) -> None:
        super().__init__(config)
        self.log_day = day

    def action_open_log(self) -> None:
        from screens.dispatch_log import DispatchLogScreen

        self.push_screen(DispatchLogScreen(self.desk, self.log_day))


def log_in_supervisor(app: LogKiosk, badge: str, pin: str) -> None:
    """A supervisor added to the database (the generated history has packers only), logged in."""
    from kiosk.auth import hash_pin

    with app.desk.db.conn:
        app.desk.db.execute("INSERT OR IGNORE INTO operators (badge, name, role, pin_hash)"
                            " VALUES (?, 'Bench Supervisor', 'supervisor', ?)", [badge, hash_pin(pin)])
    app.desk.log_in(badge, pin)


def log_shown(app: LogKiosk, day: date, first_order: str) -> Condition:
    """The log of ``day`` in front, its title and its first parcel in the table on screen."""
    def check(screen: TextScreen) -> bool:
        from screens.dispatch_log import DispatchLogScreen

        front = app.screen
        if not isinstance(front, DispatchLogScreen):
            return False
        return (screen.shows(front.query_one("#log-title").region, day.isoformat())
                and screen.shows_line(front.query_one("#log-table").region, first_order))
    return check


def close_log(app: LogKiosk) -> None:
    app.pop_screen()


def search_ready(app: KioskApp) -> bool:
    """The after-sales search screen is in front (an after-sales badge lands there after login)."""
    from screens.lookup import LookupScreen

    return isinstance(app.screen, LookupScreen)
