"""Issue 16's figure: a Shopify orders export imported into a fresh database, against bare sqlite-utils.

The kiosk's import reads the file (encoding, header, columns by name), checks every row,
compares with the database, writes events and the record of imports, all in one transaction.
The floor is sqlite-utils ``insert_all`` of the very rows the import wrote, into the same tables
of another fresh database, in one transaction too: the least any import of those rows costs.
"""

from __future__ import annotations

import csv
import io
import random
import time
from dataclasses import dataclass
from pathlib import Path

from fixtures.platform_files import CATALOGUE, SHOPIFY_ORDERS
from kiosk.db import open_database, transaction
from kiosk.imports.order_import import import_orders
from kiosk.imports.sources import order_sources

TARGET_RATIO = 2.0


@dataclass(frozen=True)
class ImportFigure:
    rows: int
    orders: int
    seconds: float
    floor_seconds: float

    @property
    def ratio(self) -> float:
        return self.seconds / self.floor_seconds if self.floor_seconds > 0 else float("inf")

    @property
    def met(self) -> bool:
        return self.ratio <= TARGET_RATIO


def write_shopify_orders(path: Path, rows: int, seed: int = 16) -> int:
    """A Shopify "Export orders" CSV of ``rows`` line rows (1 to 3 lines an order); returns the orders."""
    pick = random.Random(seed)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(SHOPIFY_ORDERS)
    blank = dict.fromkeys(SHOPIFY_ORDERS, "")
    written = orders = 0
    while written < rows:
        orders += 1
        name = f"#{100000 + orders}"
        first = {**blank, "Name": name, "Email": f"buyer{orders}@example.com", "Financial Status": "paid",
                 "Paid at": "2026-11-27 08:05:00 +0000", "Fulfillment Status": "unfulfilled", "Currency": "GBP",
                 "Shipping Method": "Standard", "Created at": "2026-11-27 08:00:00 +0000",
                 "Shipping Name": f"Customer {orders}", "Shipping Address1": f"{orders} High Street, Flat 2",
                 "Shipping City": "Leeds", "Shipping Zip": "LS1 1AA", "Shipping Country": "GB",
                 "Shipping Phone": "+44 113 496 0000", "Id": str(5_000_000 + orders)}
        for index in range(min(pick.choice((1, 1, 2, 3)), rows - written)):
            sku, _style, product, colour, size, _code = pick.choice(CATALOGUE)
            row = first if index == 0 else {**blank, "Name": name}
            writer.writerow([{**row, "Lineitem quantity": str(pick.randint(1, 3)), "Lineitem sku": sku,
                              "Lineitem name": f"{product} - {colour} / {size}", "Lineitem price": "39.00",
                              "Lineitem requires shipping": "true"}[column] for column in SHOPIFY_ORDERS])
            written += 1
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return orders


def _stored_columns(db, table: str) -> list[str]:
    """The columns a writer fills: generated ones (the search keys) are SQLite's to compute."""
    return [row[1] for row in db.execute(f"PRAGMA table_xinfo({table})") if row[6] == 0]


def measure_import(folder: Path, rows: int = 100_000) -> ImportFigure:
    """Time ``kiosk import`` of a ``rows``-row Shopify file into a fresh database, and its floor."""
    folder.mkdir(parents=True, exist_ok=True)
    export = folder / "orders_export.csv"
    orders = write_shopify_orders(export, rows)
    db = open_database(folder / "imported.db")
    started = time.perf_counter()
    for source in order_sources([export]):
        import_orders(db, source, station="BENCH")
    seconds = time.perf_counter() - started
    tables = {table: list(db.query(f"SELECT {', '.join(_stored_columns(db, table))} FROM {table}"))
              for table in ("orders", "order_lines")}
    db.close()

    floor = open_database(folder / "floor.db")
    started = time.perf_counter()
    with transaction(floor):
        for table, records in tables.items():
            floor[table].insert_all(records, batch_size=1000)
    floor_seconds = time.perf_counter() - started
    floor.close()
    return ImportFigure(rows, orders, seconds, floor_seconds)


if __name__ == "__main__":
    import sys
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        figure = measure_import(Path(scratch), int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
    print(f"import {figure.rows} rows ({figure.orders} orders): {figure.seconds:.2f} s;"
          f" insert_all floor {figure.floor_seconds:.2f} s; ratio {figure.ratio:.2f} (target <= {TARGET_RATIO})")
