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

from benchmarks import dataset, floor_runs, kiosk_runs, label_runs
from benchmarks.processes import ChildRun, run_children
from benchmarks.report import Figure, Report, machine_info, median, percentile
from benchmarks.screen_probe import SETTLE_SECONDS
from kiosk.config import APP_NAME, Config
from kiosk.i18n import set_language

# Ratio targets of issue 6: how much slower than its floor each figure may be.
TARGETS = {"scan": 1.3, "queue": 2.0, "ship": 1.5, "start": 1.5, "memory": 1.5, "label": 1.5}


@dataclass
class Options:
    orders: int = 100_000
    shipped: int = 1_000_000
    scans: int = 500
    starts: int = 5
    queue_opens: int = 15
    cache_dir: Path = Path(platformdirs.user_cache_dir(APP_NAME)) / "benchmarks"

    @classmethod
    def quick(cls, cache_dir: Path | None = None) -> Options:
        """Tiny sizes: the whole harness in seconds, for the smoke test (figures are not meaningful)."""
        options = cls(orders=300, shipped=2_000, scans=20, starts=1, queue_opens=2)
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
    floor_starts: list[float]
    barcodes: list[float]
    labels: list[float]
    kiosk_children: list[ChildRun]
    floor_children: list[ChildRun]
    timings: dict[str, float] = field(default_factory=dict)


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@contextmanager
def _phase(timings: dict[str, float], name: str) -> Iterator[None]:
    started = time.perf_counter()
    yield
    timings[name] = round(time.perf_counter() - started, 1)


def measure(options: Options, progress: Callable[[str], None]) -> Samples:
    timings: dict[str, float] = {}
    source, build_seconds = dataset.cached_database(options.cache_dir, options.sizes, progress)
    timings["build"] = round(build_seconds, 1)
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as work:
        with _phase(timings, "copy"):
            db = dataset.working_copy(source, Path(work))
        spool = Path(work) / "spool"
        progress(f"start-up and memory: {options.starts} fresh processes of each app")
        with _phase(timings, "processes"):
            kiosk_children, floor_children = run_children(db, spool, options.starts)
        progress(f"floor app: {options.scans} scans, {options.queue_opens} starts")
        with _phase(timings, "floor_app"):
            floor_scans = asyncio.run(floor_runs.measure_scans(options.scans))
            floor_starts = asyncio.run(floor_runs.measure_starts(options.queue_opens))
        config = Config(station=dataset.BENCH_STATION, database=db, spool_dir=spool, idle_lock_seconds=0)
        with _phase(timings, "kiosk"):
            kiosk = asyncio.run(kiosk_runs.run_kiosk(config, options.scans, options.queue_opens, progress))
        progress(f"floor barcodes: {len(kiosk.shipped)} pairs")
        with _phase(timings, "barcodes"):
            barcodes = floor_runs.measure_barcodes(kiosk.shipped)
        with _phase(timings, "labels"):
            labels = label_runs.measure_labels(kiosk.shipped)
    return Samples(kiosk, floor_scans, floor_starts, barcodes, labels, kiosk_children, floor_children, timings)


def figures(samples: Samples) -> list[Figure]:
    kiosk = samples.kiosk
    kiosk_children, floor_children = samples.kiosk_children, samples.floor_children
    stale = (f"{kiosk.stale_rows} of {len(kiosk.scans)} scans left their row without its complete mark"
             " (Textual DataTable, textual#3533)") if kiosk.stale_rows else ""
    failed = f"{kiosk.label_failures} labels failed" if kiosk.label_failures else ""
    return [
        Figure("scan to feedback p50", "s", percentile(kiosk.scans, 50), percentile(samples.floor_scans, 50),
               TARGETS["scan"], len(kiosk.scans), len(samples.floor_scans),
               {"rows_left_stale": kiosk.stale_rows, "settle_s": round(SETTLE_SECONDS, 4)}, stale),
        Figure("scan to feedback p99", "s", percentile(kiosk.scans, 99), percentile(samples.floor_scans, 99),
               TARGETS["scan"], len(kiosk.scans), len(samples.floor_scans), {"max": max(kiosk.scans)}),
        Figure("queue open (median)", "s", median(kiosk.queue_opens), median(samples.floor_starts),
               TARGETS["queue"], len(kiosk.queue_opens), len(samples.floor_starts),
               {"paid_orders": kiosk.paid_orders, "max": max(kiosk.queue_opens),
                "floor": "minimal app start to first screen, in-process"}),
        Figure("last scan to shipped (median)", "s", median(kiosk.ships), median(samples.barcodes),
               TARGETS["ship"], len(kiosk.ships), len(samples.barcodes),
               {"p99": percentile(kiosk.ships, 99), "label_failures": kiosk.label_failures,
                "kiosk": "from the waybill scan's Enter to the shipment committed and the label file written",
                "floor": "python-barcode ImageWriter, tracking number and order id, into memory"}, failed),
        Figure("label render (median)", "s", median(samples.labels), median(samples.barcodes), TARGETS["label"],
               len(samples.labels), len(samples.barcodes),
               {"kiosk": "whole 4x6 label at 203 dpi, PNG into memory",
                "floor": "python-barcode ImageWriter, the same two codes, into memory"}),
        Figure("start-up to first screen (median)", "s", median([r.start_seconds for r in kiosk_children]),
               median([r.start_seconds for r in floor_children]), TARGETS["start"],
               len(kiosk_children), len(floor_children), {"measured": "fresh process, spawn to first frame"}),
        Figure("peak memory (median)", "KiB", median([r.peak_kib for r in kiosk_children]),
               median([r.peak_kib for r in floor_children]), TARGETS["memory"],
               len(kiosk_children), len(floor_children),
               {"kiosk_at_first_screen": median([r.at_ready.get("VmHWM", 0) for r in kiosk_children]),
                "floor_at_first_screen": median([r.at_ready.get("VmHWM", 0) for r in floor_children]),
                "kiosk_work": "login (badge, PIN) and queue open", "floor_work": "one scan echoed"}),
    ]


def run_benchmarks(options: Options, progress: Callable[[str], None] = _stderr) -> Report:
    started = time.perf_counter()
    # Expected texts are read off the screen as the kiosk writes them: one language for the run.
    set_language("en")
    samples = measure(options, progress)
    samples.timings["total"] = round(time.perf_counter() - started, 1)
    sizes = {"paid_orders": options.orders, "shipped_orders": options.shipped, "other_orders": options.sizes.other,
             "scans": len(samples.kiosk.scans), "parcels_shipped": len(samples.kiosk.shipped),
             "frames_per_second": constants.MAX_FPS}
    return Report(machine_info(), sizes, samples.timings, figures(samples))


def parse_args(argv: list[str] | None) -> tuple[Options, bool]:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Each kiosk figure measured beside its floor, in the same run, on the same machine.",
    )
    defaults = Options()
    parser.add_argument("--orders", type=int, help=f"paid orders in the queue (default {defaults.orders:,})")
    parser.add_argument("--shipped", type=int, help=f"shipped orders with history (default {defaults.shipped:,})")
    parser.add_argument("--scans", type=int, help=f"timed item scans, at least (default {defaults.scans})")
    parser.add_argument("--starts", type=int, help=f"fresh processes per app (default {defaults.starts})")
    parser.add_argument("--cache-dir", type=Path, help=f"where built databases are kept (default {defaults.cache_dir})")
    parser.add_argument("--quick", action="store_true", help="tiny sizes, to check the harness itself")
    parser.add_argument("--json", action="store_true", help="print the report as JSON instead of a table")
    parser.add_argument("--fps", type=int, help="Textual frame rate for both apps (diagnostic; default Textual's 60)")
    args = parser.parse_args(argv)
    options = Options.quick() if args.quick else Options()
    for name in ("orders", "shipped", "scans", "starts", "cache_dir"):
        if getattr(args, name) is not None:
            setattr(options, name, getattr(args, name))
    if options.orders < 1 or options.shipped < 0 or options.scans < 1 or options.starts < 1:
        parser.error("--orders, --scans and --starts must be at least 1, --shipped at least 0")
    return options, args.json


def main(argv: list[str] | None = None) -> int:
    options, as_json = parse_args(argv)
    report = run_benchmarks(options)
    print(json.dumps(report.as_json(), indent=2) if as_json else report.table())
    return 0
