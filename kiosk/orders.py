"""Orders and their status machine."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass

import sqlite_utils

from kiosk.db import record_event
from kiosk.errors import KioskError
from kiosk.i18n import N_, _

# awaiting_payment -> paid -> packing -> shipped; on_hold and cancelled are
# reachable from every state before shipped.
TRANSITIONS: dict[str, set[str]] = {
    "awaiting_payment": {"paid", "on_hold", "cancelled"},
    "paid": {"packing", "on_hold", "cancelled"},
    "packing": {"paid", "shipped", "on_hold", "cancelled"},
    "on_hold": {"paid", "cancelled"},
    "cancelled": set(),
    # Only a supervisor's void (kiosk/voids.py) does this: the parcel did not go, pack it again.
    "shipped": {"paid"},
}


def variant_text(colour: str, size: str) -> str:
    """"Red / M", "Red", "M" or "": how a variant is written everywhere."""
    return " / ".join(part for part in (colour, size) if part)


STATUS_NAMES = {
    "awaiting_payment": N_("awaiting payment"),
    "paid": N_("paid"),
    "packing": N_("packing"),
    "shipped": N_("shipped"),
    "on_hold": N_("on hold"),
    "cancelled": N_("cancelled"),
}


def status_name(status: str) -> str:
    return _(STATUS_NAMES.get(status, status))


@dataclass(frozen=True)
class OrderLine:
    line_no: int
    sku: str
    name: str
    colour: str
    size: str
    quantity: int

    @property
    def variant(self) -> str:
        return variant_text(self.colour, self.size)

    @property
    def description(self) -> str:
        return f"{self.name} {self.variant}".strip()


# How an order number is written when a person types it: the `order_key` column keeps it so.
_ORDER_PUNCTUATION = re.compile(r"[#\-\s_]")


def order_key(text: str) -> str:
    """An order number as the index keeps it: no "#", dashes, spaces or underscores, lower case.

    Spreadsheet exports write Taobao numbers as ``="2961748803517265"``; that wrapper goes too.
    """
    text = text.strip()
    if text.startswith('="') and text.endswith('"'):
        text = text[2:-1]
    return _ORDER_PUNCTUATION.sub("", text).lower()


# At most this many orders are named when a typed number fits several.
MAX_LISTED_MATCHES = 5


def find_order_id(conn: sqlite3.Connection, typed: str) -> str | None:
    """The order a person typed or scanned: the exact id first, else the one order whose number reads
    the same without case, spaces and the platform's punctuation (`1010` finds `#1010`, `so-10005`
    finds `SO-10005`). None when no order fits; KioskError naming them when several do."""
    typed = typed.strip()
    if conn.execute("SELECT 1 FROM orders WHERE order_id = ?", (typed,)).fetchone():
        return typed
    key = order_key(typed)
    if not key:
        return None
    found = [row[0] for row in conn.execute(
        "SELECT order_id FROM orders WHERE order_key = ? ORDER BY order_id LIMIT ?",
        (key, MAX_LISTED_MATCHES + 1),
    )]
    if len(found) > 1:
        raise KioskError(
            _("{typed} fits several orders: {orders}. Scan the packing slip or type the whole number.").format(
                typed=typed, orders=", ".join(found[:MAX_LISTED_MATCHES]))
        )
    return found[0] if found else None


def get_order(db: sqlite_utils.Database, order_id: str) -> dict | None:
    rows = list(db.query("SELECT * FROM orders WHERE order_id = ?", [order_id]))
    return rows[0] if rows else None


def get_lines(db: sqlite_utils.Database, order_id: str) -> list[OrderLine]:
    return [
        OrderLine(r["line_no"], r["sku"], r["name"], r["colour"], r["size"], r["quantity"])
        for r in db.query(
            "SELECT line_no, sku, name, colour, size, quantity FROM order_lines"
            " WHERE order_id = ? ORDER BY line_no",
            [order_id],
        )
    ]


def set_status(
    conn: sqlite3.Connection,
    order_id: str,
    to: str,
    *,
    operator: str | None,
    station: str,
    reason: str = "",
) -> str:
    """Move an order to ``to`` inside the caller's transaction; returns the old status."""
    row = conn.execute("SELECT status FROM orders WHERE order_id = ?", (order_id,)).fetchone()
    if row is None:
        raise KioskError(_("No order {order_id}.").format(order_id=order_id))
    current = row[0]
    if to not in TRANSITIONS[current]:
        raise KioskError(
            _("Order {order_id} is {status}: it cannot become {target}.").format(
                order_id=order_id, status=status_name(current), target=status_name(to)
            )
        )
    hold_reason = reason if to == "on_hold" else ""
    conn.execute(
        "UPDATE orders SET status = ?, hold_reason = ? WHERE order_id = ?",
        (to, hold_reason, order_id),
    )
    record_event(
        conn, f"status_{to}", order_id=order_id, operator=operator, station=station,
        previous=current, reason=reason,
    )
    return current
