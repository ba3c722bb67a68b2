"""The framework floors: the least a Textual app can do for each thing a packer waits for.

Each app is a Static and a scan field, with no styles, no database schema of its own beyond
one table, and no screens but the one the queue floor pushes. The scan field ends a scan on
Enter in its own key handler and hands the value to the app directly, as the kiosk's
ScanInput does (the stock Input's Submitted message costs a frame more).

- ``EchoApp`` (scan, start-up, memory): echoes the scan into the Static.
- ``ShipApp`` (last scan to shipped): on Enter, one durable commit of a shipment row, the label
  drawn, encoded, written, synced and renamed into the spool folder, then "Shipped ..." shown.
- ``QueueApp`` (queue open): on Enter, one scrypt check of the PIN and a pushed screen with the
  first 50 paid orders, read by one query.

What they leave out is said on each class. The kiosk does more for every step (checks, events,
claims, a footer of keys, styles); the ratios say what that costs.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import sqlite3
import tempfile
import time
from pathlib import Path

from rich.text import Text
from textual import events
from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Input, Static

from benchmarks.screen_probe import FrameLogMixin
from kiosk.auth import load_pepper

READY_TEXT = "ready"


class ScanField(Input):
    """An Input that ends a scan on Enter itself and hands the value straight to the app."""

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            value, self.value = self.value, ""
            self.app.scanned(value)  # type: ignore[attr-defined]


class EchoApp(FrameLogMixin, App):
    """Echo each scan into a Static, as text (not markup), and nothing else."""

    def compose(self) -> ComposeResult:
        yield Static(READY_TEXT, id="echo")
        yield ScanField(id="scan")

    def on_mount(self) -> None:
        self.query_one(ScanField).focus()

    def scanned(self, value: str) -> None:
        self.query_one("#echo", Static).update(Text(value))


# -- last scan to shipped ---------------------------------------------------------------------

FLOOR_TABLE = "bench_floor_shipments"


def open_floor_database(path: Path) -> sqlite3.Connection:
    """The kiosk's database file opened as the kiosk opens it (WAL, synchronous=FULL), with one
    table of the floor's own beside the kiosk's tables."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute(f"CREATE TABLE IF NOT EXISTS {FLOOR_TABLE} (order_id TEXT PRIMARY KEY, tracking_number TEXT,"
                 " label_file TEXT, shipped_at REAL)")
    return conn


_ORDER_SQL = """
SELECT o.recipient_name, o.phone, o.address, o.city, o.province, o.postal_code, o.country,
       json_group_array(json_array(l.name, trim(l.colour || ' / ' || l.size, ' /'), l.quantity))
FROM orders o JOIN order_lines l ON l.order_id = o.order_id
WHERE o.order_id = ?
"""


class ShipApp(EchoApp):
    """Ship the order in hand when its waybill's Enter comes.

    What it does: one query reads the order and its lines; one transaction inserts a shipment
    row and commits it durably; the label (benchmarks.floor_label: same text lines, two Code 128
    codes, 1-bit 4x6 at 203 dpi) is drawn and encoded; the file is written under a hidden name,
    synced and renamed into the spool folder; "Shipped <order> with <tracking>" goes into the
    Static. Everything on the UI thread, one step after the other.

    What it leaves out: no waybill checks (format, check digit, carrier, duplicate), no events,
    no print job row, no claim released, no second screen to return to, no thread.
    """

    def __init__(self, db: Path, spool: Path, sender: tuple[str, ...]) -> None:
        super().__init__()
        self.db = open_floor_database(db)
        self.spool = spool
        self.sender = sender
        self.order_id = ""
        # When the last label's rename returned (time.perf_counter()).
        self.label_durable = 0.0
        spool.mkdir(parents=True, exist_ok=True)

    def scanned(self, value: str) -> None:
        from benchmarks.floor_label import label_png  # Pillow and python-barcode: not at start-up
        from printing.labels import ShippingLabel

        order_id = self.order_id
        name, phone, address, city, province, postal, country, lines = self.db.execute(
            _ORDER_SQL, [order_id]).fetchone()
        target = self.spool / f"{order_id}-{value}.png"
        self.db.execute("BEGIN IMMEDIATE")
        self.db.execute(f"INSERT INTO {FLOOR_TABLE} VALUES (?, ?, ?, ?)", [order_id, value, str(target), time.time()])
        self.db.execute("COMMIT")
        label = ShippingLabel(
            order_id=order_id, tracking_number=value, carrier="UPS", recipient_name=name, phone=phone,
            address_lines=(address, f"{city} {province}".strip()), postal_code=postal, country=country,
            sender_lines=self.sender, items=tuple(tuple(item) for item in json.loads(lines)),
            ship_date=time.strftime("%Y-%m-%d"), station="BENCH-1", packer="Bench Packer",
        )
        fd, temporary = tempfile.mkstemp(dir=self.spool, prefix=".", suffix=".tmp")
        with os.fdopen(fd, "wb") as out:
            out.write(label_png(label))
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
        self.label_durable = time.perf_counter()
        self.query_one("#echo", Static).update(Text(f"Shipped {order_id} with {value}."))


# -- queue open -----------------------------------------------------------------------------

_PAGE_SQL = """
SELECT o.order_id, o.platform, o.recipient_name, o.paid_at,
       (SELECT COUNT(*) FROM order_lines l WHERE l.order_id = o.order_id),
       (SELECT COALESCE(SUM(quantity), 0) FROM order_lines l WHERE l.order_id = o.order_id)
FROM orders o WHERE o.status = 'paid'
ORDER BY o.priority DESC, o.paid_at, o.order_id LIMIT 50
"""


class RowsScreen(Screen):
    """Fifty rows as lines of text in one Static."""

    def __init__(self, rows: list[tuple]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        yield Static(Text("\n".join(f"{o:<12} {p:<8} {r[:24]:<24} {a[:16]:<16} {n:>2} {u:>3}"
                                    for o, p, r, a, n, u in self.rows)), id="rows")


class QueueApp(EchoApp):
    """Check the PIN typed against one stored scrypt hash, then push a screen of 50 paid orders.

    What it does: on Enter, hashlib.scrypt with the parameters the hash records (the kiosk's),
    a constant-time compare, one query for the first page of paid orders (the kiosk's order:
    priority, paid time, order id; with each order's line and unit counts), and a pushed screen
    showing them as text.

    What it leaves out: no lockout count, no login event or commit, no badge lookup at that
    moment (the stored hash is read when the app starts), no paid count, no remote-area or
    carrier flags, no cursor, no footer, no table widget.
    """

    def __init__(self, db: Path, badge: str) -> None:
        super().__init__()
        self.db = sqlite3.connect(db, isolation_level=None)
        self.stored = self.db.execute("SELECT pin_hash FROM operators WHERE badge = ?", [badge]).fetchone()[0]
        self.pepper = load_pepper()

    def scanned(self, value: str) -> None:
        scheme, salt, digest = self.stored.split("$")
        # "pscrypt:N:r:p:pepper-id": the PIN is keyed with the pepper (HMAC-SHA256), then scrypt'ed.
        n, r, p = (int(part) for part in scheme.split(":")[1:4])
        keyed = hmac.new(self.pepper, value.encode(), hashlib.sha256).digest()
        given = hashlib.scrypt(keyed, salt=bytes.fromhex(salt), n=n, r=r, p=p)
        if not hmac.compare_digest(given.hex(), digest):
            self.query_one("#echo", Static).update("wrong PIN")
            return
        self.push_screen(RowsScreen(self.db.execute(_PAGE_SQL).fetchall()))
