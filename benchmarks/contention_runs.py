"""Contention: one station's scan-to-record and waybill-to-shipped while other stations ship orders on
the same database file, against the same station alone, in the same run.

Every station is a process with its own desk (kiosk.desk.Desk) and print service writing labels to
its own spool folder, as a real station does; no screen is drawn, so the figures are the core's
and SQLite's share of the feedback time. Target: the contended figures at most 1.5 times the alone
ones. ``python -m benchmarks.contention_runs [--orders N] [--others N]`` prints them.
"""

from __future__ import annotations

import argparse
import multiprocessing
import queue
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.report import median, percentile
from kiosk.auth import add_operator
from kiosk.config import Config
from kiosk.db import open_database, transaction
from kiosk.desk import Desk

TARGET = 1.5
UNITS = 3  # units of each order: scans per order
CODE = "6900000000017"
PIN = "2580"
_FORK = multiprocessing.get_context("fork")


@dataclass(frozen=True)
class ContentionFigures:
    others: int
    orders: int  # orders the measured station shipped in each phase
    alone_scan_p99_ms: float
    busy_scan_p99_ms: float
    alone_ship_ms: float  # median waybill-to-shipped
    busy_ship_ms: float
    others_shipped: int  # orders the other stations shipped meanwhile

    @property
    def scan_ratio(self) -> float:
        return self.busy_scan_p99_ms / self.alone_scan_p99_ms

    @property
    def ship_ratio(self) -> float:
        return self.busy_ship_ms / self.alone_ship_ms

    def lines(self) -> list[str]:
        return [
            f"contention: 1 station + {self.others} others on one file, {self.orders} orders per phase"
            f" ({self.others_shipped} shipped by the others)",
            f"  scan p99        alone {self.alone_scan_p99_ms:7.2f} ms  busy {self.busy_scan_p99_ms:7.2f} ms"
            f"  ratio {self.scan_ratio:.2f} (target <= {TARGET})",
            f"  waybill->shipped alone {self.alone_ship_ms:7.2f} ms  busy {self.busy_ship_ms:7.2f} ms"
            f"  ratio {self.ship_ratio:.2f} (target <= {TARGET})",
        ]


def _prepare(path: Path, stations: int, orders_each: int) -> None:
    db = open_database(path)
    for number in range(stations):
        add_operator(db, f"B{number:02d}", f"Packer {number}", "packer", PIN)
    with transaction(db) as conn:
        conn.execute("INSERT INTO products (sku, style_id, name) VALUES ('MUG', 'MUG', 'Enamel Mug')")
        conn.execute("INSERT INTO barcodes (code, sku) VALUES (?, 'MUG')", (CODE,))
        for number in range(stations):
            for order in range(orders_each):
                order_id = f"S{number:02d}-{order:05d}"
                conn.execute("INSERT INTO orders (order_id, status, recipient_name, country, created_at, paid_at)"
                             " VALUES (?, 'paid', 'Ann Smith', 'GB', '2026-11-26T08:00:00+00:00',"
                             " '2026-11-26T08:00:00+00:00')", (order_id,))
                conn.execute("INSERT INTO order_lines (order_id, line_no, sku, name, quantity)"
                             " VALUES (?, 1, 'MUG', 'Enamel Mug', ?)", (order_id, UNITS))
    db.conn.close()


def _station(path: str, folder: str, number: int, orders: list[int], started, stop, results) -> None:
    """Ship this station's orders ``orders`` (all of them, or until ``stop`` is set); puts (scan seconds,
    ship seconds, orders shipped) on ``results``. The measured station waits for ``started`` (an event);
    the others release it (a semaphore) once logged in."""
    config = Config(station=f"DESK-{number:02d}", database=Path(path), spool_dir=Path(folder) / f"spool-{number}",
                    idle_lock_seconds=0)
    desk = Desk(open_database(config.database), config)
    outcomes: queue.SimpleQueue = queue.SimpleQueue()
    desk.printing.start(outcomes.put)
    desk.log_in(f"B{number:02d}", PIN)
    scans: list[float] = []
    ships: list[float] = []
    if stop is None:
        started.wait()
    else:
        started.release()
    order = 0
    while order < len(orders) and (stop is None or not stop.is_set()):
        order_id = f"S{number:02d}-{orders[order]:05d}"
        order += 1
        desk.open_order(order_id)
        desk.acknowledge_notes()
        for _ in range(UNITS):
            begin = time.perf_counter()
            desk.scan(CODE)
            scans.append(time.perf_counter() - begin)
        begin = time.perf_counter()
        desk.record_waybill(f"SF{number:02d}{orders[order - 1] % 100_000:011d}")
        ships.append(time.perf_counter() - begin)
        while not outcomes.empty():
            desk.print_finished(outcomes.get())
    desk.printing.stop()
    results.put((scans, ships, order))


def _measured(path: Path, folder: Path, orders: list[int], with_others: int, others_have: int,
              ) -> tuple[list[float], list[float], int]:
    """Station 0 ships ``orders`` while ``with_others`` stations ship theirs until it is done."""
    results, stop = _FORK.Queue(), _FORK.Event()
    others_ready = _FORK.Semaphore(0)
    go = _FORK.Event()
    others = [_FORK.Process(target=_station, args=(str(path), str(folder), number, list(range(others_have)),
                                                   others_ready, stop, results))
              for number in range(1, with_others + 1)]
    for process in others:
        process.start()
    for _ in others:
        others_ready.acquire()  # every other station is logged in and shipping
    go.set()
    station = _FORK.Process(target=_station, args=(str(path), str(folder), 0, orders, go, None, results))
    station.start()
    scans, ships, _count = results.get()
    stop.set()
    others_shipped = sum(results.get()[2] for _ in others)
    for process in (station, *others):
        process.join()
    return scans, ships, others_shipped


def measure_contention(folder: Path, orders: int = 100, others: int = 7) -> ContentionFigures:
    """Station 0 ships ``orders`` orders alone, then ``orders`` more while ``others`` stations ship theirs."""
    path = folder / "contention.db"
    # The others ship as long as the measured station does: enough orders that they never run out.
    each = 8 * orders + 50
    _prepare(path, others + 1, each)
    alone_scans, alone_ships, _none = _measured(path, folder, list(range(orders)), 0, each)
    busy_scans, busy_ships, others_shipped = _measured(path, folder, list(range(orders, 2 * orders)), others, each)
    ms = 1000.0
    return ContentionFigures(
        others, orders, percentile(alone_scans, 99) * ms, percentile(busy_scans, 99) * ms,
        median(alone_ships) * ms, median(busy_ships) * ms, others_shipped,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.contention_runs", description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=100, help="orders the measured station ships per phase")
    parser.add_argument("--others", type=int, default=7, help="other stations shipping meanwhile")
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kiosk-contention-") as folder:
        figures = measure_contention(Path(folder), options.orders, options.others)
    print("\n".join(figures.lines()))
    return 0 if figures.scan_ratio <= TARGET and figures.ship_ratio <= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
