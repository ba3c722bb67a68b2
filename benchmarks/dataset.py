"""A large, deterministic kiosk database: a busy shop's queue on top of a year of shipped parcels.

Built with raw ``sqlite3``: one transaction, ``synchronous=OFF``, secondary indexes dropped
during the load and recreated afterwards (sorting once is far cheaper than keeping eight
B-trees balanced row by row). The schema itself comes from ``kiosk.db.open_database``, so
the file is exactly what a real station would open. Built files are cached by size and seed.
"""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from kiosk.audit import EVENT_COLUMNS, seal_rows
from kiosk.auth import hash_pin
from kiosk.db import open_database
from kiosk.pinyin import register_functions
from kiosk.schema import SCHEMA_VERSION

# Bump when the generated content changes, so stale cached files are not reused.
DATASET_VERSION = 4  # 4: PIN hashes carry their scrypt parameters
SEED = 20260601
CHUNK_ORDERS = 20_000

BENCH_STATION = "BENCH-1"
BENCH_BADGE = "B001"
BENCH_PIN = "1234"

# Every time is relative to this fixed moment, so the same seed always gives the same file.
ANCHOR_MS = int(datetime(2026, 6, 1, 8, 0, tzinfo=UTC).timestamp() * 1000)
DAY_MS = 86_400_000

ADJECTIVES = ("Merino", "Canvas", "Linen", "Enamel", "Cotton", "Wool", "Silk", "Denim", "Bamboo", "Cedar",
              "Copper", "Walnut", "Oak", "Suede", "Cashmere", "Fleece", "Velvet", "Glass", "Stone", "Rattan")
NOUNS = ("Sweater", "Tote", "Mug", "Scarf", "Shirt", "Beanie", "Apron", "Cushion", "Throw", "Bowl", "Vase",
         "Tray", "Socks", "Gloves", "Jacket", "Cap", "Wallet", "Belt", "Pouch", "Blanket", "Lamp", "Candle",
         "Notebook", "Bottle", "Towel")
COLOURS = ("Red", "Blue", "Black", "White", "Green", "Grey", "Navy", "Sand", "Olive", "Rust")
SIZES = ("S", "M", "L", "XL")
FIRST = ("Ann", "Li", "Maria", "James", "Wei", "Sofia", "Omar", "Yuki", "Lars", "Amara", "Jonas", "Priya")
LAST = ("Smith", "Wang", "Lopez", "Brown", "Chen", "Rossi", "Haddad", "Sato", "Berg", "Okafor", "Weber")
CHINESE = ("张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊")
PLACES = (  # (city, province, country, postal code prefix)
    ("Leeds", "", "GB", "LS"), ("London", "", "GB", "SW"), ("Berlin", "", "DE", "10"),
    ("Lyon", "", "FR", "69"), ("Austin", "TX", "US", "787"), ("Anchorage", "AK", "US", "995"),
    ("Shanghai", "上海", "CN", "200"), ("Urumqi", "新疆", "CN", "830"), ("Milan", "", "IT", "201"),
)
PLATFORMS = ("amazon", "shopify", "taobao", "manual")
CARRIERS = ("UPS", "DHL", "SF Express", "Royal Mail")
# A paid order asks, if at all, for the carrier whose waybill the benchmark scans for its
# country (see kiosk_runs.waybill): SF Express serves all of China, remote regions included.
WAYBILL_CARRIER = {"CN": "SF Express"}
DEFAULT_WAYBILL_CARRIER = "UPS"
STATIONS = tuple(f"DESK-{n}" for n in range(1, 9))
PACKERS = tuple(f"P{n:03d}" for n in range(100, 140))

ORDER_COLUMNS = ("order_id", "platform", "buyer_id", "recipient_name", "phone", "address", "city", "province",
                 "postal_code", "country", "buyer_note", "seller_note", "requested_carrier", "status",
                 "hold_reason", "paid_at", "created_at", "priority")


@dataclass(frozen=True)
class Sizes:
    paid: int
    shipped: int
    # A little of every other status, so the queue index skips realistic neighbours.
    other: int = 0

    @property
    def cache_name(self) -> str:
        return (f"kiosk-bench-paid{self.paid}-shipped{self.shipped}-other{self.other}"
                f"-seed{SEED}-v{DATASET_VERSION}-schema{SCHEMA_VERSION}.db")


@dataclass(frozen=True)
class Catalogue:
    skus: list[str]
    # sku -> (name, colour, size, barcode)
    products: dict[str, tuple[str, str, str, str]]
    # Same-style skus, for wrong-variant refusals in the scan history.
    siblings: dict[str, list[str]]


def ean13(body: str) -> str:
    """An EAN-13 with its GS1 check digit (bodies in the 20-29 in-store range never clash with real goods)."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


@lru_cache(maxsize=64)
def _day_prefix(day: int) -> str:
    return datetime.fromtimestamp(day * 86_400, UTC).strftime("%Y-%m-%dT")


def iso(ms: int) -> str:
    """``kiosk.db.utcnow`` format for a millisecond timestamp; a datetime per row would dominate the build."""
    day, rest = divmod(ms, DAY_MS)
    hours, rest = divmod(rest, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{_day_prefix(day)}{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}+00:00"


def make_catalogue(rng: random.Random) -> Catalogue:
    products: dict[str, tuple[str, str, str, str]] = {}
    siblings: dict[str, list[str]] = {}
    number = 0
    for adjective in ADJECTIVES:
        for noun in NOUNS:
            style = f"{adjective[:3]}{noun[:3]}".upper()
            name = f"{adjective} {noun}"
            colours = rng.sample(COLOURS, rng.randint(1, 3))
            sizes = rng.sample(SIZES, rng.randint(1, 3)) if noun in ("Sweater", "Shirt", "Jacket") else [""]
            family = []
            for colour in colours:
                for size in sizes:
                    number += 1
                    sku = "-".join(part for part in (style, colour[:3].upper(), size) if part)
                    products[sku] = (name, colour, size, ean13(f"20{number:010d}"))
                    family.append(sku)
            for sku in family:
                siblings[sku] = [other for other in family if other != sku]
    return Catalogue(list(products), products, siblings)


def _order_row(rng: random.Random, order_id: str, status: str, created: int, paid: int | None) -> tuple:
    r = rng.random
    city, province, country, postal = PLACES[int(r() * len(PLACES))]
    if country == "CN" and r() < 0.5:
        name = CHINESE[int(r() * len(CHINESE))]
    else:
        name = f"{FIRST[int(r() * len(FIRST))]} {LAST[int(r() * len(LAST))]}"
    buyer_note = "Please use the blue one if red is out" if r() < 0.05 else ""
    seller_note = "Gift wrap" if r() < 0.03 else ""
    if r() >= 0.1:
        carrier = ""
    elif status == "shipped":
        carrier = CARRIERS[int(r() * len(CARRIERS))]
    else:
        carrier = WAYBILL_CARRIER.get(country, DEFAULT_WAYBILL_CARRIER)
    hold = "address check" if status == "on_hold" else ""
    return (order_id, PLATFORMS[int(r() * 4)], f"B{int(r() * 400_000):06d}", name,
            f"+44 7{int(r() * 1e9):09d}", f"{int(r() * 200) + 1} High Street", city, province,
            f"{postal}{int(r() * 900) + 100}", country, buyer_note, seller_note, carrier, status, hold,
            iso(paid) if paid is not None else None, iso(created), 1 if r() < 0.02 else 0)


def _lines(rng: random.Random, catalogue: Catalogue, order_id: str) -> list[tuple]:
    r = rng.random
    roll = r()
    count = 1 if roll < 0.6 else 2 if roll < 0.85 else 3 if roll < 0.95 else 4
    skus = catalogue.skus
    chosen: list[str] = []
    while len(chosen) < count:
        sku = skus[int(r() * len(skus))]
        if sku not in chosen:
            chosen.append(sku)
    rows = []
    for line_no, sku in enumerate(chosen, 1):
        roll = r()
        quantity = 1 if roll < 0.75 else 2 if roll < 0.9 else 3 if roll < 0.97 else 5
        name, colour, size, _code = catalogue.products[sku]
        rows.append((order_id, line_no, sku, name, colour, size, quantity))
    return rows


class _Batch:
    """Rows for each table, flushed together with executemany."""

    SQL = {
        "orders": f"INSERT INTO orders ({', '.join(ORDER_COLUMNS)}) VALUES ({', '.join('?' * len(ORDER_COLUMNS))})",
        "order_lines": "INSERT INTO order_lines (order_id, line_no, sku, name, colour, size, quantity)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?)",
        "scans": "INSERT INTO scans (order_id, line_no, raw_code, quantity, result, operator, station,"
                 " scanned_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        "shipments": "INSERT INTO shipments (id, order_id, carrier, tracking_number, label_file, operator,"
                     " station, shipped_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        "print_jobs": "INSERT INTO print_jobs (shipment_id, order_id, printer, file, status, attempts,"
                      " created_at, updated_at) VALUES (?, ?, 'spool', ?, 'sent', 1, ?, ?)",
        "shipment_lines": "INSERT INTO shipment_lines (shipment_id, line_no, quantity) VALUES (?, ?, ?)",
        "events": f"INSERT INTO events ({EVENT_COLUMNS}, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    }

    def __init__(self, tables: set[str]) -> None:
        self.rows: dict[str, list[tuple]] = {table: [] for table in self.SQL}
        # Tables of a newer schema than this generator knows are left empty; tables it knows
        # but the schema lacks (an older kiosk) are not written.
        self.skip = {table for table in self.SQL if table not in tables}

    def flush(self, conn: sqlite3.Connection) -> None:
        for table, rows in self.rows.items():
            if rows and table not in self.skip:
                # Events are sealed onto the audit chain, as the kiosk writes them.
                conn.executemany(self.SQL[table], seal_rows(conn, rows) if table == "events" else rows)
                rows.clear()


def _shipped_history(rng: random.Random, catalogue: Catalogue, batch: _Batch, order_id: str,
                     shipment_id: int, shipped: int) -> None:
    """One shipped order as the kiosk would have left it: lines, scans, shipment, print job, events."""
    r = rng.random
    created = shipped - int(r() * 2 * DAY_MS) - 3_600_000
    order = _order_row(rng, order_id, "shipped", created, created + 60_000)
    batch.rows["orders"].append(order)
    lines = _lines(rng, catalogue, order_id)
    batch.rows["order_lines"].extend(lines)
    operator = PACKERS[int(r() * len(PACKERS))]
    station = STATIONS[int(r() * len(STATIONS))]
    events = batch.rows["events"]
    scans = batch.rows["scans"]
    at = shipped - 60_000 * (len(lines) + 1)
    events.append((iso(at), "status_packing", order_id, operator, station,
                   '{"previous": "paid", "reason": "opened for packing"}'))
    if order[10] or order[11]:
        at += 5_000
        events.append((iso(at), "notes_acknowledged", order_id, operator, station, "{}"))
    for _, line_no, sku, _name, _colour, _size, quantity in lines:
        code = catalogue.products[sku][3]
        if r() < 0.04 and catalogue.siblings[sku]:
            wrong = catalogue.products[catalogue.siblings[sku][0]][3]
            at += 4_000
            scans.append((order_id, line_no, wrong, 0, "wrong_variant", operator, station, iso(at)))
            events.append((iso(at), "scan_refused", order_id, operator, station,
                           f'{{"code": "{wrong}", "result": "wrong_variant", "line_no": {line_no}, "quantity": 0}}'))
        for _unit in range(quantity):
            at += 4_000
            scans.append((order_id, line_no, code, 1, "accepted", operator, station, iso(at)))
            events.append((iso(at), "item_scanned", order_id, operator, station,
                           f'{{"code": "{code}", "result": "accepted", "line_no": {line_no}, "quantity": 1}}'))
    tracking = f"SF{1_000_000_000_000 + shipment_id}"
    when = iso(shipped)
    label = f"/srv/kiosk/spool/{order_id}-{tracking}.png"
    batch.rows["shipments"].append((shipment_id, order_id, order[12], tracking, label, operator, station, when))
    batch.rows["print_jobs"].append((shipment_id, order_id, label, when, when))
    batch.rows["shipment_lines"].extend((shipment_id, line[1], line[6]) for line in lines)
    events.append((when, "status_shipped", order_id, operator, station,
                   '{"previous": "packing", "reason": "waybill recorded"}'))
    events.append((when, "shipped", order_id, operator, station,
                   f'{{"tracking_number": "{tracking}", "carrier": "{order[12]}", "shipment_id": {shipment_id}}}'))
    events.append((when, "label_printed", order_id, None, "", f'{{"job_id": {shipment_id}, "file": "{label}"}}'))


def _waiting_order(rng: random.Random, catalogue: Catalogue, batch: _Batch, order_id: str, status: str,
                   created: int) -> None:
    """An order not shipped yet: paid (the queue), or awaiting payment, on hold or cancelled."""
    paid = created + 120_000 if status != "awaiting_payment" else None
    batch.rows["orders"].append(_order_row(rng, order_id, status, created, paid))
    batch.rows["order_lines"].extend(_lines(rng, catalogue, order_id))
    batch.rows["events"].append((iso(created), "order_imported", order_id, None, "", "{}"))


def _orders(sizes: Sizes) -> Iterator[tuple[str, str, int]]:
    """(order id, status, time) oldest first, so ids and event ids grow with time like a real shop's."""
    shipped_span = 365 * DAY_MS
    start = ANCHOR_MS - shipped_span - 2 * DAY_MS
    for n in range(sizes.shipped):
        yield f"SO-{n + 1:08d}", "shipped", start + n * shipped_span // max(sizes.shipped, 1)
    others = ("awaiting_payment", "on_hold", "cancelled")
    recent = ANCHOR_MS - 3 * DAY_MS
    waiting = sizes.other + sizes.paid
    marked = 0
    for k in range(waiting):
        # Spread the few non-paid orders evenly among the paid ones.
        is_other = (k + 1) * sizes.other // waiting > marked
        marked += is_other
        status = others[marked % 3] if is_other else "paid"
        yield f"SO-{sizes.shipped + k + 1:08d}", status, recent + k * 3 * DAY_MS // waiting


def _fill(conn: sqlite3.Connection, sizes: Sizes, progress: Callable[[str], None]) -> None:
    rng = random.Random(SEED)
    catalogue = make_catalogue(rng)
    pin_hash = hash_pin(BENCH_PIN)
    operators = [(BENCH_BADGE, "Bench Packer", "packer", pin_hash)]
    operators += [(badge, f"Packer {badge}", "packer", pin_hash) for badge in PACKERS]
    conn.executemany("INSERT INTO operators (badge, name, role, pin_hash) VALUES (?, ?, ?, ?)", operators)
    conn.executemany("INSERT INTO products (sku, style_id, name, colour, size) VALUES (?, ?, ?, ?, ?)",
                     [(sku, sku.split("-")[0], *catalogue.products[sku][:3]) for sku in catalogue.skus])
    conn.executemany("INSERT INTO barcodes (code, sku) VALUES (?, ?)",
                     [(catalogue.products[sku][3], sku) for sku in catalogue.skus])
    batch = _Batch({row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")})
    shipment_id = 0
    for count, (order_id, status, moment) in enumerate(_orders(sizes), 1):
        if status == "shipped":
            shipment_id += 1
            _shipped_history(rng, catalogue, batch, order_id, shipment_id, moment)
        else:
            _waiting_order(rng, catalogue, batch, order_id, status, moment)
        if count % CHUNK_ORDERS == 0:
            batch.flush(conn)
            progress(f"  {count:,} orders written")
    batch.flush(conn)


def build(path: Path, sizes: Sizes, progress: Callable[[str], None]) -> None:
    """Write a fresh database at ``path`` (replacing any file there)."""
    path.unlink(missing_ok=True)
    open_database(path).conn.close()  # the kiosk's own schema, at the current version
    conn = sqlite3.connect(path, isolation_level=None)
    # The full-text index's triggers compute each recipient's pinyin.
    register_functions(conn)
    try:
        # Durability is pointless for a file that is rebuilt on failure; speed is not.
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA cache_size = -1000000")
        conn.execute("PRAGMA temp_store = MEMORY")
        # Index builds sort with helper threads: the second core is otherwise idle here.
        conn.execute("PRAGMA threads = 2")
        indexes = [row[0] for row in conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")]
        names = [row[0] for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")]
        conn.execute("BEGIN")
        for name in names:
            conn.execute(f"DROP INDEX {name}")
        _fill(conn, sizes, progress)
        progress("  indexing")
        for sql in indexes:
            conn.execute(sql)
        conn.execute("COMMIT")
        # A single self-contained file: the kiosk turns WAL back on when it opens its copy.
        conn.execute("PRAGMA journal_mode = DELETE")
    finally:
        conn.close()


def cached_database(cache_dir: Path, sizes: Sizes, progress: Callable[[str], None]) -> tuple[Path, float]:
    """The built file for ``sizes``, built now if it is not cached; returns (path, build seconds)."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    target = cache_dir / sizes.cache_name
    if target.exists():
        progress(f"reusing {target}")
        return target, 0.0
    progress(f"building {target} ({sizes.paid:,} paid, {sizes.shipped:,} shipped orders)")
    started = time.perf_counter()
    partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
    try:
        build(partial, sizes, progress)
        # Renamed into place only when complete: an interrupted build is never reused.
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target, time.perf_counter() - started


def working_copy(source: Path, folder: Path) -> Path:
    """The benchmark packs and ships orders: it works on a copy so the cached file stays pristine."""
    target = folder / "kiosk.db"
    shutil.copyfile(source, target)
    # Written out now, not by the kernel in the middle of the first figures: a copy of gigabytes
    # left to the page cache made every durable commit of the next minutes wait for it.
    with target.open("rb+") as copy:
        os.fsync(copy.fileno())
    return target
