"""``python -m benchmarks``: every figure measured beside its floor, in the same run, on the same machine."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs
from textual import constants

from benchmarks import (
    browser_runs,
    contention_runs,
    dataset,
    floor_runs,
    import_runs,
    kiosk_runs,
    label_runs,
    log_screen_runs,
    lookup_runs,
    lookup_screen_runs,
    report_runs,
)
from benchmarks.kiosk_contact import kiosk_config
from benchmarks.processes import ChildRun, run_children
from benchmarks.report import RAM_FILE_SYSTEMS, Figure, Report, file_system, machine_info, median, percentile
from benchmarks.screen_probe import SETTLE_SECONDS
from kiosk.config import APP_NAME
from kiosk.i18n import set_language

# Ratio targets of issue 15: how much slower than its floor each figure may be (the shift
# figures: how much the end of a shift may differ from its start).
TARGETS = {"scan": 1.3, "queue": 1.5, "ship": 1.5, "label": 1.5, "start": 1.5, "memory": 1.5,
           "shift_memory": 1.15, "shift_scan": 1.2,
           # Issues 16 to 19: an import, the dispatch log, a lookup, a scan through the browser.
           "import": import_runs.TARGET_RATIO, "report": report_runs.TARGET, "log_screen": log_screen_runs.TARGET,
           "lookup": 1.5, "browser": 1.3,
           # Issue 14: one station among others writing to the same file, against itself alone.
           "contention": contention_runs.TARGET}


class RamDisk(Exception):
    """The database or spool folder is on a file system in memory, where fsync costs nothing."""


@dataclass
class Options:
    orders: int = 100_000
    shipped: int = 1_000_000
    # Orders one kiosk process packs and ships in a row (the scan, ship and shift figures).
    shift_orders: int = 2_000
    # Timed samples of each floor: scans, parcels shipped, labels (the kiosk's labels too).
    samples: int = 500
    starts: int = 5
    # Orders each start-up process packs and ships before its peak memory is read.
    memory_orders: int = 20
    queue_opens: int = 15
    # Order rows of the Shopify file imported into a fresh database (the import figure).
    import_rows: int = 100_000
    # Searches of each kind (the lookup figures) and dispatch logs drawn (the report figure).
    lookups: int = 20
    report_repeats: int = 5
    # Scans through textual-serve in headless Chromium (0: the browser figure is left out).
    browser_scans: int = 30
    # The contention figures: orders the measured station ships in each phase (0: left out), and
    # how many other stations ship meanwhile.
    contention_orders: int = contention_runs.ORDERS
    contention_others: int = contention_runs.OTHERS
    allow_tmpfs: bool = False
    cache_dir: Path = Path(platformdirs.user_cache_dir(APP_NAME)) / "benchmarks"

    @classmethod
    def quick(cls, cache_dir: Path | None = None) -> Options:
        """Tiny sizes: the whole harness in seconds, for the smoke test (figures are not meaningful)."""
        options = cls(orders=300, shipped=2_000, shift_orders=6, samples=6, starts=1, memory_orders=2,
                      queue_opens=2, import_rows=300, lookups=3, report_repeats=1, browser_scans=0,
                      contention_orders=2, contention_others=2)
        if cache_dir is not None:
            options.cache_dir = cache_dir
        return options

    @property
    def sizes(self) -> dataset.Sizes:
        return dataset.Sizes(paid=self.orders, shipped=self.shipped, other=self.shipped // 100)


@dataclass
class Samples:
    """Raw measurements of one run, in seconds (memory in KiB)."""

    kiosk: kiosk_runs.KioskResults
    floor_scans: list[float]
    floor_queue_opens: list[float]
    floor_ships: list[kiosk_runs.Ship]
    kiosk_labels: list[float]
    floor_labels: list[float]
    kiosk_children: list[ChildRun]
    floor_children: list[ChildRun]
    # The figures of issues 16 to 19, each measured beside its floor by its own module.
    imported: import_runs.ImportFigure | None = None
    report: Figure | None = None
    log_screen: Figure | None = None
    lookups: list[lookup_runs.LookupFigure] = field(default_factory=list)
    # Search to results on screen: the kiosk's times, the floor's.
    screen_searches: tuple[list[float], list[float]] = field(default_factory=lambda: ([], []))
    browser: browser_runs.BrowserScans | None = None
    contention: contention_runs.ContentionFigures | None = None
    # Figures left out of this run, and why.
    skipped: dict[str, str] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@contextmanager
def _phase(timings: dict[str, float], name: str) -> Iterator[None]:
    started = time.perf_counter()
    yield
    timings[name] = round(time.perf_counter() - started, 1)


def check_file_systems(folders: dict[str, Path], allow_tmpfs: bool) -> None:
    for name, folder in folders.items():
        kind = file_system(folder)
        if kind in RAM_FILE_SYSTEMS and not allow_tmpfs:
            raise RamDisk(f"the {name} folder {folder} is on {kind}, where fsync costs nothing: use another"
                          " --cache-dir, or --allow-tmpfs to measure anyway")


def spread(items: list, count: int) -> list:
    """``count`` items taken evenly over ``items`` (all of them when there are fewer)."""
    if len(items) <= count:
        return list(items)
    return [items[i * len(items) // count] for i in range(count)]


def measure(options: Options, progress: Callable[[str], None]) -> tuple[Samples, dict[str, Path]]:
    timings: dict[str, float] = {}
    options.cache_dir.mkdir(parents=True, exist_ok=True)
    check_file_systems({"database": options.cache_dir}, options.allow_tmpfs)
    source, build_seconds = dataset.cached_database(options.cache_dir, options.sizes, progress)
    timings["build"] = round(build_seconds, 1)
    # The working copy sits beside the cached file, on the same disk (a temporary folder may be in memory).
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-", dir=options.cache_dir) as work:
        with _phase(timings, "copy"):
            db = dataset.working_copy(source, Path(work))
        spool, floor_spool = Path(work) / "spool", Path(work) / "floor-spool"
        spool.mkdir()
        folders = {"database": db.parent, "spool": spool}
        check_file_systems(folders, options.allow_tmpfs)
        # On the history as built, before the kiosk's shift adds a day of its own.
        progress(f"dispatch log and lookups: {options.report_repeats} logs, {options.lookups} searches of each kind")
        with _phase(timings, "report_lookup"):
            report = report_runs.report_figure(db, options.report_repeats)
            lookups = lookup_runs.measure_lookups(db, options.lookups)
        progress(f"dispatch log screen: opened {options.report_repeats} times, and its floor")
        with _phase(timings, "log_screen"):
            log_screen = asyncio.run(log_screen_runs.measure_log_screen(db, spool, options.report_repeats))
        progress(f"search to results on screen: {options.lookups} phone tails in each app")
        with _phase(timings, "lookup_screen"):
            lookup_screen_runs.add_searcher(db)
            tails = lookup_screen_runs.sample_tails(db, options.lookups)
            # A station of its own: the kiosk's shift below logs in at the bench station.
            search_config = kiosk_config(db, spool, lookup_screen_runs.SEARCH_STATION)
            screen_searches = (asyncio.run(lookup_screen_runs.kiosk_searches(search_config, tails)),
                               asyncio.run(lookup_screen_runs.floor_searches(db, tails)))
        progress(f"import: {options.import_rows:,} order rows")
        with _phase(timings, "import"):
            imported = import_runs.measure_import(Path(work) / "import", options.import_rows)
        progress(f"start-up and memory: {options.starts} fresh processes of each app"
                 f" (the kiosk's pack {options.memory_orders} orders each)")
        with _phase(timings, "processes"):
            kiosk_children, floor_children = run_children(db, spool, options.starts, options.memory_orders)
        config = kiosk_config(db, spool, dataset.BENCH_STATION)
        with _phase(timings, "kiosk"):
            kiosk = asyncio.run(kiosk_runs.run_kiosk(config, options.shift_orders, options.queue_opens, progress))
        progress(f"floor apps: {options.samples} scans, {options.queue_opens} queue opens,"
                 f" {min(options.samples, len(kiosk.shipped))} parcels")
        with _phase(timings, "floor_apps"):
            floor_scans = asyncio.run(floor_runs.measure_scans(options.samples))
            floor_queue = asyncio.run(floor_runs.measure_queue_opens(db, options.queue_opens))
            parcels = spread(kiosk.shipped, options.samples)
            floor_ships = asyncio.run(floor_runs.measure_ships(db, floor_spool, tuple(config.sender), parcels))
        progress(f"labels: {len(parcels)} of each")
        with _phase(timings, "labels"):
            kiosk_labels, floor_labels = label_runs.measure_labels(parcels)
        contention = None
        if options.contention_orders:
            progress(f"contention: {options.contention_orders} orders of one station alone, among"
                     f" {options.contention_others} paced stations and among as many flat out")
            with _phase(timings, "contention"):
                folder = Path(work) / "contention"
                folder.mkdir()
                contention = contention_runs.measure_contention(
                    folder, options.contention_orders, options.contention_others,
                    rounds=min(contention_runs.ROUNDS, options.contention_orders))
    samples = Samples(kiosk, floor_scans, floor_queue, floor_ships, kiosk_labels, floor_labels,
                      kiosk_children, floor_children, imported, report, log_screen, lookups, timings=timings,
                      screen_searches=screen_searches, contention=contention)
    if contention is None:
        for name in contention_names(options.contention_others):
            samples.skipped[name] = "--contention-orders 0"
    why_not = "--browser-scans 0" if not options.browser_scans else browser_runs.available()
    if why_not:
        samples.skipped[BROWSER_FIGURE] = why_not
    else:
        progress(f"browser: {options.browser_scans} scans of each app through textual-serve")
        with _phase(timings, "browser"):
            samples.browser = browser_runs.run(options.browser_scans)
    return samples, folders


BROWSER_FIGURE = "browser scan to feedback p50"


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def figures(samples: Samples) -> list[Figure]:
    kiosk = samples.kiosk
    kiosk_children, floor_children = samples.kiosk_children, samples.floor_children
    scans = kiosk.scans
    stale = (f"{kiosk.stale_rows} of {len(scans)} scans left their row without its complete mark"
             " (Textual DataTable, textual#3533)") if kiosk.stale_rows else ""
    failures = sum(kiosk.label_failures.values()) + sum(run.label_failures for run in kiosk_children)
    reasons = "; ".join(f"{count} x {why}" for why, count in kiosk.label_failures.most_common(3))
    failed = f"{failures} parcels whose label failed, counted apart, not timed ({reasons})" if failures else ""
    ships = [ship.seconds for ship in kiosk.ships]
    floor_ships = [ship.seconds for ship in samples.floor_ships]
    window = kiosk_runs.shift_window(len(kiosk.order_scans))
    first = [scan for order in kiosk.order_scans[:window] for scan in order]
    last = [scan for order in kiosk.order_scans[-window:] for scan in order]
    rss = kiosk.rss_after
    return [
        Figure("scan to feedback p50", "s", percentile(scans, 50), percentile(samples.floor_scans, 50),
               TARGETS["scan"], len(scans), len(samples.floor_scans),
               {"rows_left_stale": kiosk.stale_rows, "settle_s": round(SETTLE_SECONDS, 4),
                "kiosk": "keys and Enter posted until the verified line and the banner are on screen",
                "floor": "benchmarks.floor_app.EchoApp: the scan echoed into a Static"}, stale),
        Figure("scan to feedback p99", "s", percentile(scans, 99), percentile(samples.floor_scans, 99),
               TARGETS["scan"], len(scans), len(samples.floor_scans), {"max": max(scans)}),
        Figure("queue open (median)", "s", median(kiosk.queue_opens), median(samples.floor_queue_opens),
               TARGETS["queue"], len(kiosk.queue_opens), len(samples.floor_queue_opens),
               {"paid_orders": kiosk.paid_orders, "max": max(kiosk.queue_opens),
                "kiosk": "from the PIN's Enter until the filled queue is on screen",
                "floor": "benchmarks.floor_app.QueueApp: scrypt check, 50 rows by one query, pushed screen"}),
        Figure("last scan to shipped (median)", "s", median(ships), median(floor_ships),
               TARGETS["ship"], len(ships), len(floor_ships),
               {"p99": percentile(ships, 99), "label_failures": failures,
                "frame_median_ms": _ms(median([ship.frame for ship in kiosk.ships])),
                "label_durable_median_ms": _ms(median([ship.label for ship in kiosk.ships])),
                "floor_frame_median_ms": _ms(median([ship.frame for ship in samples.floor_ships])),
                "floor_label_durable_median_ms": _ms(median([ship.label for ship in samples.floor_ships])),
                "kiosk": "from the waybill's Enter until the queue is back with the shipped message on screen"
                         " and the label file is durable, whichever is later",
                "floor": "benchmarks.floor_app.ShipApp: durable commit, label drawn, encoded, written,"
                         " synced, renamed, 'Shipped' on screen"}, failed),
        Figure("label render (median)", "s", median(samples.kiosk_labels), median(samples.floor_labels),
               TARGETS["label"], len(samples.kiosk_labels), len(samples.floor_labels),
               {"kiosk": "whole 4x6 label at 203 dpi drawn and encoded as PNG, into memory",
                "floor": "benchmarks.floor_label: the same lines and codes drawn 1-bit with Pillow, PNG"}),
        Figure("start-up to first screen (median)", "s", median([r.start_seconds for r in kiosk_children]),
               median([r.start_seconds for r in floor_children]), TARGETS["start"],
               len(kiosk_children), len(floor_children), {"measured": "fresh process, spawn to first frame"}),
        Figure("peak memory (median)", "KiB", median([r.peak_kib for r in kiosk_children]),
               median([r.peak_kib for r in floor_children]), TARGETS["memory"],
               len(kiosk_children), len(floor_children),
               {"kiosk_at_first_screen": median([r.at_ready.get("VmHWM", 0) for r in kiosk_children]),
                "floor_at_first_screen": median([r.at_ready.get("VmHWM", 0) for r in floor_children]),
                "kiosk_work": "login, orders packed and shipped with labels, queue back",
                "floor_work": "one scan echoed, one label drawn"}),
        Figure("shift memory growth", "KiB", rss[max(rss)], rss[min(rss)], TARGETS["shift_memory"],
               max(rss), min(rss),
               {"kiosk": f"resident memory after {max(rss)} orders", "floor": f"after {min(rss)} orders"}),
        Figure("shift scan p99", "s", percentile(last, 99), percentile(first, 99), TARGETS["shift_scan"],
               len(last), len(first),
               {"kiosk": f"scans of the last {window} orders", "floor": f"scans of the first {window} orders"}),
        *extra_figures(samples),
    ]


def extra_figures(samples: Samples) -> list[Figure]:
    """The figures of issues 16 to 19, each against its floor (see each module's docstring)."""
    figures = []
    if samples.imported is not None:
        imported = samples.imported
        figures.append(Figure(
            f"import of {imported.rows:,} order rows", "s", imported.seconds, imported.floor_seconds,
            TARGETS["import"], 1, 1,
            {"orders": imported.orders, "kiosk": "kiosk import of a Shopify orders export into a fresh database",
             "floor": "benchmarks.import_runs: sqlite-utils insert_all of the rows it wrote, one transaction"}))
    if samples.report is not None:
        figures.append(samples.report)
    if samples.log_screen is not None:
        figures.append(samples.log_screen)
    for lookup in samples.lookups:
        figures.append(Figure(
            f"lookup by {lookup.kind.replace('_', ' ')} (median)", "s", lookup.value, lookup.floor, TARGETS["lookup"],
            lookup.queries, lookup.queries,
            {"kiosk": "kiosk.lookup.lookup", "floor": "benchmarks.lookup_runs: one SQL/FTS query and its page"}))
    kiosk_searches, floor_searches = samples.screen_searches
    if kiosk_searches and floor_searches:
        figures.append(Figure(
            "search to results on screen (median)", "s", median(kiosk_searches), median(floor_searches),
            TARGETS["lookup"], len(kiosk_searches), len(floor_searches),
            {"kiosk": "a phone tail's Enter on the after-sales search screen until its newest order is listed",
             "floor": "benchmarks.lookup_screen_runs.SearchFloorApp: the lookup floor's query, rows in a Static"}))
    if samples.browser is not None:
        browser = samples.browser
        figures.append(Figure(
            BROWSER_FIGURE, "s", median(browser.kiosk_ms) / 1000, median(browser.floor_ms) / 1000, TARGETS["browser"],
            len(browser.kiosk_ms), len(browser.floor_ms),
            {"p99_ms": round(percentile(browser.kiosk_ms, 99), 1),
             "floor_p99_ms": round(percentile(browser.floor_ms, 99), 1),
             "kiosk": "a scan's Enter in headless Chromium until the answer is painted (textual-serve)",
             "floor": "benchmarks.browser_floor served the same way"}))
    if samples.contention is not None:
        figures += contention_figures(samples.contention)
    return figures


def contention_names(others: int) -> list[str]:
    return [f"scan p99 among {others} paced stations", f"waybill to shipped among {others} paced stations (median)",
            f"scan p99 among {others} stations flat out", f"waybill to shipped among {others} stations flat out"
            " (median)"]


def contention_figures(contention: contention_runs.ContentionFigures) -> list[Figure]:
    """One station among others on the same file, against the same station alone (issue 14)."""
    alone = contention.alone
    names = iter(contention_names(contention.others))
    figures = []
    for phase, how in ((contention.paced, f"each station one action every {contention.pace_seconds:g} s"),
                       (contention.flat_out, "each station shipping without a pause (a stress line)")):
        breakdown = {
            "slowest_1pct_ms": {"wall": round(phase.breakdown.wall_ms, 2),
                                "lock_wait": round(phase.breakdown.lock_wait_ms, 2),
                                "lock_held": round(phase.breakdown.lock_held_ms, 2),
                                "cpu": round(phase.breakdown.cpu_ms, 2),
                                "preempted": round(phase.breakdown.preempted, 1)},
            "floor_slowest_1pct_ms": {"wall": round(alone.breakdown.wall_ms, 2),
                                      "lock_held": round(alone.breakdown.lock_held_ms, 2)},
            "runnable_processes_median_p99": phase.runnable, "others_shipped": phase.others_shipped,
            "kiosk": f"desk.scan in station 0 among {contention.others} other station processes, {how}",
            "floor": "the same station alone on the same file, in the same run, phases taking turns"}
        figures += [
            Figure(next(names), "s", phase.scan_p99_ms / 1000, alone.scan_p99_ms / 1000, TARGETS["contention"],
                   phase.scans, alone.scans, breakdown),
            Figure(next(names), "s", phase.ship_ms / 1000, alone.ship_ms / 1000, TARGETS["contention"],
                   phase.ships, alone.ships,
                   {"kiosk": "desk.record_waybill (the shipment committed, its label handed to the print"
                             " thread), among the others",
                    "floor": "the same station alone"}),
        ]
    return figures


def run_benchmarks(options: Options, progress: Callable[[str], None] = _stderr) -> Report:
    started = time.perf_counter()
    # Expected texts are read off the screen as the kiosk writes them: one language for the run.
    set_language("en")
    samples, folders = measure(options, progress)
    samples.timings["total"] = round(time.perf_counter() - started, 1)
    sizes = {"paid_orders": options.orders, "shipped_orders": options.shipped, "other_orders": options.sizes.other,
             "shift_orders": len(samples.kiosk.order_scans), "scans": len(samples.kiosk.scans),
             "parcels_shipped": len(samples.kiosk.shipped),
             "label_failures": sum(samples.kiosk.label_failures.values()),
             "memory_orders": options.memory_orders, "frames_per_second": constants.MAX_FPS}
    return Report(machine_info(folders), sizes, samples.timings, figures(samples), samples.skipped)


def parse_args(argv: list[str] | None) -> tuple[Options, bool]:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Each kiosk figure measured beside its floor, in the same run, on the same machine.",
    )
    defaults = Options()
    parser.add_argument("--orders", type=int, help=f"paid orders in the queue (default {defaults.orders:,})")
    parser.add_argument("--shipped", type=int, help=f"shipped orders with history (default {defaults.shipped:,})")
    parser.add_argument("--shift-orders", type=int,
                        help=f"orders one kiosk process packs and ships (default {defaults.shift_orders:,})")
    parser.add_argument("--samples", type=int,
                        help=f"timed scans, parcels and labels of each floor (default {defaults.samples})")
    parser.add_argument("--starts", type=int, help=f"fresh processes per app (default {defaults.starts})")
    parser.add_argument("--memory-orders", type=int,
                        help=f"orders each kiosk process ships before its memory is read"
                             f" (default {defaults.memory_orders})")
    parser.add_argument("--queue-opens", type=int,
                        help=f"timed queue opens of each app (default {defaults.queue_opens})")
    parser.add_argument("--import-rows", type=int,
                        help=f"order rows of the imported file (default {defaults.import_rows:,})")
    parser.add_argument("--lookups", type=int, help=f"searches of each kind (default {defaults.lookups})")
    parser.add_argument("--report-repeats", type=int,
                        help=f"dispatch logs drawn and log screens opened, and their floors"
                             f" (default {defaults.report_repeats})")
    parser.add_argument("--browser-scans", type=int,
                        help=f"scans through the browser of each app, 0 to leave that figure out"
                             f" (default {defaults.browser_scans})")
    parser.add_argument("--contention-orders", type=int,
                        help=f"orders one station ships in each contention phase, 0 to leave those figures out"
                             f" (default {defaults.contention_orders})")
    parser.add_argument("--contention-others", type=int,
                        help=f"stations shipping beside it (default {defaults.contention_others})")
    parser.add_argument("--allow-tmpfs", action="store_true", default=None,
                        help="measure even when the database or spool folder is on a RAM disk")
    parser.add_argument("--cache-dir", type=Path, help=f"where built databases are kept (default {defaults.cache_dir})")
    parser.add_argument("--quick", action="store_true", help="tiny sizes, to check the harness itself")
    parser.add_argument("--json", action="store_true", help="print the report as JSON instead of a table")
    parser.add_argument("--fps", type=int, help="Textual frame rate for both apps (diagnostic; default Textual's 60)")
    args = parser.parse_args(argv)
    options = Options.quick() if args.quick else Options()
    for name in ("orders", "shipped", "shift_orders", "samples", "starts", "memory_orders", "queue_opens",
                 "import_rows", "lookups", "report_repeats", "browser_scans", "contention_orders",
                 "contention_others", "allow_tmpfs", "cache_dir"):
        if getattr(args, name) is not None:
            setattr(options, name, getattr(args, name))
    counts = (options.orders, options.shift_orders, options.samples, options.starts, options.memory_orders,
              options.queue_opens, options.import_rows, options.lookups, options.report_repeats)
    if min(counts) < 1 or min(options.shipped, options.browser_scans, options.contention_orders) < 0 \
            or options.contention_others < 1:
        parser.error("--orders, --shift-orders, --samples, --starts, --memory-orders, --queue-opens, --import-rows,"
                     " --lookups, --report-repeats and --contention-others must be at least 1, --shipped,"
                     " --browser-scans and --contention-orders at least 0")
    needed = options.shift_orders + options.starts * options.memory_orders
    if needed > options.orders:
        parser.error(f"--orders {options.orders:,} is too few: the run packs {needed:,} orders")
    return options, args.json


def main(argv: list[str] | None = None) -> int:
    options, as_json = parse_args(argv)
    try:
        report = run_benchmarks(options)
    except RamDisk as refused:
        print(f"python -m benchmarks: {refused}", file=sys.stderr)
        return 1
    print(json.dumps(report.as_json(), indent=2) if as_json else report.table())
    return 0
