"""Search to results on screen: the after-sales search screen against a bare Textual app running the
lookup floor's query.

Both are typed the last four digits of a phone (untimed), then timed from the Enter until the
first order each lists for it is on screen (the kiosk lists the newest first). The kiosk runs its
whole search (role check, the shape of the query, every key it can be, the page's rows) and draws
its results table, banner and key bar; the floor (``SearchFloorApp``) runs the one query of
``benchmarks.lookup_runs`` and writes its rows into a Static.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from rich.text import Text
from textual.widgets import Static

from benchmarks.dataset import BENCH_BADGE, BENCH_PIN
from benchmarks.driving import SETUP_TIMEOUT, SIZE, focused_value, post_enter, post_keys, post_scan, still_cursor, until
from benchmarks.floor_app import READY_TEXT, EchoApp
from benchmarks.kiosk_contact import BenchKiosk, login_shown, pin_asked, search_ready
from benchmarks.lookup_runs import FLOORS
from benchmarks.screen_probe import Condition, TextScreen, frame_after, settle, timed_frame
from kiosk.config import Config

# An after-sales badge added to the run's working copy, with the bench badge's PIN, and its station.
SEARCH_BADGE = "B900"
SEARCH_STATION = "BENCH-AS"


class SearchFloorApp(EchoApp):
    """On Enter, the lookup floor's phone-tail query and its page, one line of text per order.

    What it leaves out: no login or role check, no check of the query, no other kind of key, no
    order of the rows, no table widget, no banner, no key bar.
    """

    def __init__(self, db: Path) -> None:
        super().__init__()
        self.db = sqlite3.connect(db, isolation_level=None)

    def scanned(self, value: str) -> None:
        rows = self.db.execute(FLOORS["phone_tail"], [value]).fetchall()
        self.query_one("#echo", Static).update(Text("\n".join(" ".join(str(cell or "") for cell in row)
                                                              for row in rows)))


def add_searcher(db: Path) -> None:
    """An after-sales operator for the kiosk's search screen (its landing screen after login)."""
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        conn.execute("INSERT OR IGNORE INTO operators (badge, name, role, pin_hash)"
                     " SELECT ?, 'Bench After-sales', 'aftersales', pin_hash FROM operators WHERE badge = ?",
                     [SEARCH_BADGE, BENCH_BADGE])
    finally:
        conn.close()


def _shows_anywhere(text: str) -> Condition:
    def check(screen: TextScreen) -> bool:
        return any(text in "".join(line) for line in screen.lines)
    return check


async def _timed_searches(app: BenchKiosk | SearchFloorApp, tails: list[str], shown: list[str],
                          what: str) -> list[float]:
    """Each tail typed untimed, then from its Enter until its ``shown`` text is on screen."""
    times = []
    still_cursor(app)
    for tail, text in zip(tails, shown, strict=True):
        post_keys(app, tail)
        await until(lambda tail=tail: focused_value(app) == tail)
        await settle(app)
        watch = app.frame_log.watch(_shows_anywhere(text))
        started = time.perf_counter()
        post_enter(app)
        times.append(await timed_frame(app, watch, SETUP_TIMEOUT, what) - started)
    return times


async def kiosk_searches(config: Config, tails: list[tuple[str, str, str]]) -> list[float]:
    """Each tail (``sample_tails``) from its Enter until the newest order with it is on the search screen."""
    app = BenchKiosk(config)
    async with app.run_test(size=SIZE) as pilot:
        await frame_after(app, login_shown(app))
        post_scan(app, SEARCH_BADGE)
        await until(lambda: pin_asked(app))
        await pilot.press(*BENCH_PIN, "enter")
        await until(lambda: search_ready(app))
        return await _timed_searches(app, [tail for tail, _shown, _floor in tails],
                                     [shown for _tail, shown, _floor in tails], "search results")


async def floor_searches(db: Path, tails: list[tuple[str, str, str]]) -> list[float]:
    """Each tail from its Enter until the first row of the floor's page is on screen."""
    app = SearchFloorApp(db)
    async with app.run_test(size=SIZE):
        await frame_after(app, _shows_anywhere(READY_TEXT))
        return await _timed_searches(app, [tail for tail, _kiosk, _shown in tails],
                                     [shown for _tail, _kiosk, shown in tails], "floor search results")


def sample_tails(db: Path, count: int) -> list[tuple[str, str, str]]:
    """Phone tails of the database, each with the first order the kiosk lists for it (the newest) and
    the first the floor lists: each app is timed until its own first row is on screen."""
    conn = sqlite3.connect(db)
    try:
        picked = []
        for (tail,) in conn.execute("SELECT DISTINCT phone_tail FROM orders WHERE phone_tail != ''"
                                    " ORDER BY phone_tail LIMIT ?", [count]):
            newest = conn.execute("SELECT order_id FROM orders WHERE phone_tail = ? ORDER BY created_at DESC"
                                  " LIMIT 1", [tail]).fetchone()[0]
            picked.append((tail, newest, conn.execute(FLOORS["phone_tail"], [tail]).fetchone()[0]))
        return picked
    finally:
        conn.close()
