"""After-sales search: ``kiosk.lookup.lookup`` against the bare SQL/FTS query underneath it.

Three searches an after-sales desk runs all day: the last four digits of a phone, part of a
recipient's name (a Chinese name of two characters, and four letters of a Latin surname), and a
tracking number. The floor is one SQL statement that finds the same orders through the same
index and reads the first page of them as a results list shows it, with nothing else: no other
kind of key tried, no ranking of exact keys before names, no dataclasses.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from statistics import median

from kiosk.auth import Operator
from kiosk.db import open_database
from kiosk.lookup import MAX_MATCHES, PAGE_SIZE, fts_query, lookup

BENCH_OPERATOR = Operator("B001", "bench", "supervisor")

# What a results list shows of each order: its row and its newest live shipment.
_PAGE = """
SELECT o.order_id, o.platform, o.status, o.recipient_name, o.buyer_id, o.created_at, o.paid_at, o.resend_of,
       s.carrier, s.tracking_number, s.shipped_at
FROM orders o LEFT JOIN shipments s ON s.id = (
    SELECT id FROM shipments WHERE order_id = o.order_id AND voided_at IS NULL ORDER BY id DESC LIMIT 1)
WHERE o.order_id IN ({found}) LIMIT {page}
"""
FLOORS = {
    "phone_tail": "SELECT order_id FROM orders WHERE phone_tail = ?",
    "name": "SELECT k.order_id FROM order_text t JOIN order_search_keys k ON k.id = t.rowid"
            " WHERE order_text MATCH ? ORDER BY bm25(order_text, 10.0, 2.0, 2.0, 8.0), t.rowid DESC"
            f" LIMIT {MAX_MATCHES}",
    "tracking": "SELECT order_id FROM shipments WHERE tracking_number = ?",
}
FLOORS = {kind: _PAGE.format(found=sql, page=PAGE_SIZE) for kind, sql in FLOORS.items()}


@dataclass(frozen=True)
class LookupFigure:
    kind: str
    queries: int
    # Median seconds per search.
    value: float
    floor: float

    @property
    def ratio(self) -> float:
        return self.value / self.floor if self.floor else float("inf")


def sample_queries(db_path: Path, count: int, seed: int = 7) -> dict[str, list[tuple[str, str]]]:
    """(what the desk types, what the floor query is given) per kind, taken from the database."""
    db = open_database(db_path)
    try:
        rng = random.Random(seed)
        orders = db.execute("SELECT COUNT(*) FROM orders").fetchone()[0]
        shipments = db.execute("SELECT MAX(id) FROM shipments").fetchone()[0] or 0

        def some(sql: str, upper: int) -> list[tuple]:
            rows = []
            for _attempt in range(count * 4):
                row = db.execute(sql, [rng.randrange(max(upper, 1))]).fetchone()
                if row and row[0]:
                    rows.append(row)
                if len(rows) == count:
                    break
            return rows

        phones = some("SELECT phone_tail FROM orders LIMIT 1 OFFSET ?", orders)
        names = some("SELECT recipient_name FROM orders LIMIT 1 OFFSET ?", orders)
        tracking = some("SELECT tracking_number FROM shipments WHERE id > ? ORDER BY id LIMIT 1", shipments)
    finally:
        db.conn.close()
    partial = [name if len(name) <= 2 else name.split()[-1][:4] for (name,) in names]
    return {
        "phone_tail": [(tail, tail) for (tail,) in phones],
        "name": [(text, fts_query(text) or text) for text in partial],
        "tracking": [(number, number) for (number,) in tracking],
    }


def _median_time(run: Callable[[], object], repeats: int) -> float:
    run()  # caches warm, as on a desk that has searched before
    times = []
    for _repeat in range(repeats):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return median(times)


def measure_lookups(db_path: Path, queries: int = 20, repeats: int = 5) -> list[LookupFigure]:
    """The median time of a search and of its floor, per kind, on the same connection and data."""
    samples = sample_queries(db_path, queries)
    db = open_database(db_path)
    figures = []
    try:
        for kind, pairs in samples.items():
            ours, floor = [], []
            for typed, raw in pairs:
                ours.append(_median_time(lambda typed=typed: lookup(db, typed, BENCH_OPERATOR), repeats))
                floor.append(_median_time(
                    lambda raw=raw, sql=FLOORS[kind]: db.execute(sql, [raw]).fetchall(), repeats))
            figures.append(LookupFigure(kind, len(pairs), median(ours) if ours else 0.0,
                                        median(floor) if floor else 0.0))
    finally:
        db.conn.close()
    return figures


def main(argv: list[str] | None = None) -> int:
    """``python -m benchmarks.lookup_runs DB``: print the figures for one database file."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m benchmarks.lookup_runs DATABASE", file=sys.stderr)
        return 2
    for figure in measure_lookups(Path(args[0])):
        print(f"{figure.kind:<12} {figure.value * 1000:8.3f} ms  floor {figure.floor * 1000:8.3f} ms"
              f"  ratio {figure.ratio:5.2f}  ({figure.queries} searches)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
