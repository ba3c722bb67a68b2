"""Contention: one station's scan-to-record and waybill-to-shipped while 7 other stations ship orders
on the same database file, against the same station alone, in the same run.

Every station is a process with its own desk (kiosk.desk.Desk) and print service writing labels to
its own spool folder, as a real station does; no screen is drawn, so the figures are the core's
and SQLite's share of the feedback time. The measured station scans as fast as it can in every
phase. The others run twice:

- **paced**, as the fastest real packers work: one action (an order's slip, an item, a waybill)
  every PACE_SECONDS (0.5 s: a handheld scanner reads a code in about 0.1 s, and a packer then
  picks up the next item, finds its barcode and aims; one a second is already quick), each
  station starting at a random point of that period;
- **flat out**, a stress line: no pause at all, 7 processes committing back to back.

The three phases take turns, in rounds, so that a slow spell of the disk or of the machine falls
on each of them alike. Target: the contended figures at most 1.5 times the alone ones, judged on
the paced line (see the README's Benchmarks). For each phase the measured station's slowest scans
are taken apart (`Breakdown`): time spent waiting for the write lock, holding it (its own
statements and the durable commit), and on the CPU, and how often the scheduler took the CPU away
in the middle of a scan (involuntary context switches): on a machine with fewer cores than busy
stations, a slow scan may wait for the CPU rather than for SQLite.

``python -m benchmarks.contention_runs [--orders N] [--others N] [--pace S] [--rounds N]`` prints
the figures.
"""

from __future__ import annotations

import argparse
import multiprocessing
import queue
import random
import resource
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.report import median, percentile
from kiosk import db as kiosk_db
from kiosk.auth import add_operator
from kiosk.config import Config
from kiosk.db import open_database, transaction
from kiosk.desk import Desk

TARGET = 1.5
OTHERS = 7
ORDERS = 200  # orders the measured station ships in each phase: 600 scans, so p99 is the 6th slowest
PACE_SECONDS = 0.5
ROUNDS = 5
UNITS = 3  # units of each order: scans per order
CODE = "6900000000017"
PIN = "2580"
_FORK = multiprocessing.get_context("fork")


@dataclass(frozen=True)
class Scan:
    """One timed scan of the measured station, in seconds."""

    wall: float
    cpu: float  # on its own thread's CPU
    lock_wait: float  # waiting for the write lock
    lock_held: float  # inside BEGIN IMMEDIATE ... COMMIT
    preempted: int  # involuntary context switches during the scan


@dataclass(frozen=True)
class Breakdown:
    """Where the measured station's slowest 1 % of scans spent their time (means, in ms)."""

    wall_ms: float
    lock_wait_ms: float
    lock_held_ms: float
    cpu_ms: float
    preempted: float  # involuntary context switches per scan

    @classmethod
    def of(cls, scans: list[Scan]) -> Breakdown:
        slowest = sorted(scans, key=lambda scan: scan.wall)[-max(1, len(scans) // 100):]

        def mean(values: list[float]) -> float:
            return sum(values) / len(values)

        return cls(mean([s.wall for s in slowest]) * 1000, mean([s.lock_wait for s in slowest]) * 1000,
                   mean([s.lock_held for s in slowest]) * 1000, mean([s.cpu for s in slowest]) * 1000,
                   mean([s.preempted for s in slowest]))

    def line(self) -> str:
        rest = self.wall_ms - self.lock_wait_ms - self.lock_held_ms
        return (f"slowest 1 %: {self.wall_ms:.1f} ms = lock wait {self.lock_wait_ms:.1f} + lock held"
                f" {self.lock_held_ms:.1f} + outside {rest:.1f}; on CPU {self.cpu_ms:.1f} ms,"
                f" preempted {self.preempted:.1f} times")


@dataclass(frozen=True)
class Phase:
    """The measured station's timings in one phase (ms)."""

    scan_p99_ms: float
    ship_ms: float  # median waybill-to-shipped
    breakdown: Breakdown
    scans: int = 0  # scans and waybills timed
    ships: int = 0
    others_shipped: int = 0  # orders the other stations shipped meanwhile
    # Processes runnable at once (running or waiting for a CPU), sampled every 10 ms: median and p99.
    runnable: tuple[float, float] = (0.0, 0.0)


@dataclass(frozen=True)
class ContentionFigures:
    others: int
    orders: int  # orders the measured station shipped in each phase
    alone: Phase
    paced: Phase
    flat_out: Phase
    pace_seconds: float = PACE_SECONDS

    def ratios(self, phase: Phase) -> tuple[float, float]:
        """Scan p99 and waybill-to-shipped against the station alone."""
        return phase.scan_p99_ms / self.alone.scan_p99_ms, phase.ship_ms / self.alone.ship_ms

    def lines(self) -> list[str]:
        lines = [f"contention: 1 station + {self.others} others on one file, {self.orders} orders per phase"]
        for name, phase in (("alone", self.alone), (f"paced {self.pace_seconds:g} s", self.paced),
                            ("flat out", self.flat_out)):
            head = f"  {name:<12} scan p99 {phase.scan_p99_ms:7.2f} ms  waybill->shipped {phase.ship_ms:7.2f} ms"
            if phase is not self.alone:
                scan, ship = self.ratios(phase)
                head += (f"  ratios {scan:.2f} and {ship:.2f} (target <= {TARGET});"
                         f" others shipped {phase.others_shipped}")
            lines += [head, f"  {'':<12} {phase.breakdown.line()};"
                            f" runnable processes median {phase.runnable[0]:g}, p99 {phase.runnable[1]:g}"]
        return lines


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


def _timed_scan(desk: Desk) -> Scan:
    times = kiosk_db.LOCK_TIMES
    waited, held = times.waited, times.held
    switches = resource.getrusage(resource.RUSAGE_THREAD).ru_nivcsw
    cpu = time.thread_time()
    begin = time.perf_counter()
    desk.scan(CODE)
    wall = time.perf_counter() - begin
    return Scan(wall, time.thread_time() - cpu, times.waited - waited, times.held - held,
                resource.getrusage(resource.RUSAGE_THREAD).ru_nivcsw - switches)


def _station(path: str, folder: str, number: int, orders: list[int], started, stop, results,
             pace: float = 0.0) -> None:
    """Ship this station's orders ``orders`` (all of them, or until ``stop`` is set); puts (station,
    scans, ship seconds, orders shipped) on ``results``. The measured station waits for ``started`` (an event);
    the others release it (a semaphore) once logged in. ``pace``: seconds between actions (0: none)."""
    config = Config(station=f"DESK-{number:02d}", database=Path(path), spool_dir=Path(folder) / f"spool-{number}",
                    idle_lock_seconds=0)
    desk = Desk(open_database(config.database), config)
    outcomes: queue.SimpleQueue = queue.SimpleQueue()
    desk.printing.start(outcomes.put)
    desk.log_in(f"B{number:02d}", PIN)
    scans: list[Scan] = []
    ships: list[float] = []
    if stop is None:
        started.wait()
    else:
        started.release()
    next_action = time.monotonic() + random.uniform(0, pace)

    def wait_turn() -> None:
        nonlocal next_action
        if pace:
            time.sleep(max(0.0, next_action - time.monotonic()))
            next_action += pace

    order = 0
    while order < len(orders) and (stop is None or not stop.is_set()):
        order_id = f"S{number:02d}-{orders[order]:05d}"
        order += 1
        wait_turn()
        desk.open_order(order_id)
        desk.acknowledge_notes()
        for _ in range(UNITS):
            wait_turn()
            scans.append(_timed_scan(desk))
        wait_turn()
        begin = time.perf_counter()
        desk.record_waybill(f"SF{number:02d}{orders[order - 1] % 100_000:011d}")
        ships.append(time.perf_counter() - begin)
        while not outcomes.empty():
            desk.print_finished(outcomes.get())
    desk.printing.stop()
    results.put((number, scans, ships, order))


def _runnable_sampler(stop, results) -> None:
    """Every 10 ms, the number of processes runnable at once (/proc/loadavg's fourth field, minus itself)."""
    seen: list[int] = []
    while not stop.is_set():
        with open("/proc/loadavg") as handle:
            seen.append(int(handle.read().split()[3].split("/")[0]) - 1)
        time.sleep(0.01)
    results.put(seen)


@dataclass
class _Run:
    """What the measured station saw in one phase, over every round."""

    scans: list[Scan]
    ships: list[float]
    runnable: list[int]
    others_shipped: int = 0

    def phase(self) -> Phase:
        runnable = self.runnable or [0]
        return Phase(percentile([scan.wall for scan in self.scans], 99) * 1000, median(self.ships) * 1000,
                     Breakdown.of(self.scans), len(self.scans), len(self.ships), self.others_shipped,
                     (median(runnable), percentile(runnable, 99)))


def _measured(path: Path, folder: Path, orders: list[int], with_others: int, others_from: list[int],
              others_to: int, run: _Run, pace: float = 0.0) -> None:
    """Station 0 ships ``orders`` while ``with_others`` other stations ship theirs (station n from its
    order ``others_from[n - 1]`` on) until it is done; adds what it saw to ``run`` and moves
    ``others_from`` past the orders they shipped."""
    results, stop = _FORK.Queue(), _FORK.Event()
    samples = _FORK.Queue()
    others_ready = _FORK.Semaphore(0)
    go = _FORK.Event()
    others = [_FORK.Process(target=_station, args=(str(path), str(folder), number,
                                                   list(range(others_from[number - 1], others_to)),
                                                   others_ready, stop, results, pace))
              for number in range(1, with_others + 1)]
    for process in others:
        process.start()
    for _ in others:
        others_ready.acquire()  # every other station is logged in and shipping
    go.set()
    sampler = _FORK.Process(target=_runnable_sampler, args=(stop, samples))
    sampler.start()
    station = _FORK.Process(target=_station, args=(str(path), str(folder), 0, orders, go, None, results))
    station.start()
    finished = {}
    while 0 not in finished:
        number, scans, ships, count = results.get()
        finished[number] = count
        if number == 0:
            run.scans += scans
            run.ships += ships
            stop.set()
    while len(finished) < len(others) + 1:
        number, _scans, _ships, count = results.get()
        finished[number] = count
    for number in range(1, with_others + 1):
        others_from[number - 1] += finished[number]
        run.others_shipped += finished[number]
    run.runnable += samples.get()
    for process in (station, sampler, *others):
        process.join()


def measure_contention(folder: Path, orders: int = ORDERS, others: int = OTHERS, pace: float = PACE_SECONDS,
                       rounds: int = ROUNDS) -> ContentionFigures:
    """Station 0 ships ``orders`` orders alone, ``orders`` more while ``others`` stations ship theirs at
    ``pace`` seconds an action, and ``orders`` more while they ship flat out, in ``rounds`` turns."""
    path = folder / "contention.db"
    # The others ship as long as the measured station does: enough orders that they never run out.
    each = 16 * orders + 50
    _prepare(path, others + 1, each)
    runs = [_Run([], [], []) for _phase in range(3)]
    others_from = [0] * others
    rounds = max(1, min(rounds, orders))
    for turn in range(rounds):
        chunk = range(turn * orders // rounds, (turn + 1) * orders // rounds)
        for phase, (run, with_others, phase_pace) in enumerate(
                zip(runs, (0, others, others), (0.0, pace, 0.0), strict=True)):
            mine = [phase * orders + order for order in chunk]
            _measured(path, folder, mine, with_others, others_from, each, run, phase_pace)
    alone, paced, flat_out = (run.phase() for run in runs)
    return ContentionFigures(others, orders, alone, paced, flat_out, pace)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.contention_runs", description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=ORDERS, help="orders the measured station ships per phase")
    parser.add_argument("--others", type=int, default=OTHERS, help="other stations shipping meanwhile")
    parser.add_argument("--pace", type=float, default=PACE_SECONDS, help="seconds between a paced station's actions")
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="turns the three phases take")
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kiosk-contention-") as folder:
        figures = measure_contention(Path(folder), options.orders, options.others, options.pace, options.rounds)
    print("\n".join(figures.lines()))
    return 0 if max(figures.ratios(figures.paced)) <= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
