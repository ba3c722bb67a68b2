"""Orders from a platform's export into the database: new ones in, changed ones updated, all or nothing.

The file is compared with what the database holds, never with an earlier file, so importing the
same file twice changes nothing and writes no event. What a later file may change follows the
order's state at the desk:

- awaiting payment, paid or on hold: anything (now paid, a new address, other lines, cancelled);
- being packed: only a cancellation, which ends the packer's claim as a supervisor's cancel does;
- shipped or cancelled: nothing (a shipped order is never downgraded).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator

import sqlite_utils

from kiosk.claims import end_claim
from kiosk.db import EventEntry, record_event, record_events, utcnow
from kiosk.errors import KioskError
from kiosk.i18n import _, ngettext
from kiosk.imports.platforms import ORDER_TEXT_FIELDS, Parsed, reject_entry
from kiosk.imports.records import LineRecord, OrderRecord, Problem, refusal
from kiosk.imports.rejects import write_rejects
from kiosk.imports.sources import Source, parse_source
from kiosk.imports.summary import ImportSummary, record_import, writing
from kiosk.orders import set_status

Progress = Callable[[int, int], None]
CHUNK = 500
# Orders whose details a later file may change.
OPEN_STATUSES = ("awaiting_payment", "paid", "on_hold")
COMPARED_FIELDS = (*ORDER_TEXT_FIELDS, "priority", "platform_status")
ORDER_COLUMNS = ("order_id", "platform", "status", "platform_status", "created_at", "paid_at", *ORDER_TEXT_FIELDS,
                 "priority")
LINE_COLUMNS = ("order_id", "line_no", "sku", "name", "colour", "size", "quantity", "platform_line_id")
# New rows go in statements of this many rows at most (fewer when SQLite allows fewer parameters).
ROWS_PER_STATEMENT = 500


def import_orders(db: sqlite_utils.Database, source: Source, *, skip_bad: bool = False, dry_run: bool = False,
                  station: str = "", progress: Progress | None = None) -> ImportSummary:
    """Import one source (a file, or a Taobao report pair) in one transaction; returns what it did.

    Refused with KioskError (nothing written) when a row is bad, unless ``skip_bad``: then the good
    orders are imported and the bad rows go to a reject file beside the input.
    """
    parsed = parse_source(source)
    if parsed.problems and not skip_bad:
        raise KioskError(refusal(parsed.problems, source.name))
    summary = ImportSummary("orders", source.name, parsed.format, dry_run=dry_run)
    if parsed.nothing_to_ship:
        summary.notes.append(ngettext(
            "{count} order has nothing to ship here (downloads, gift cards or lines sent already): left out.",
            "{count} orders have nothing to ship here (downloads, gift cards or lines sent already): left out.",
            len(parsed.nothing_to_ship)).format(count=len(parsed.nothing_to_ship)))
    with writing(db, dry_run) as conn:
        problems = parsed.problems + _apply(conn, parsed, summary, station, progress)
        if problems and not skip_bad:
            raise KioskError(refusal(problems, source.name))
        summary.rejected = len(problems)
        if not dry_run:
            summary.reject_files = write_rejects(source, parsed.rejected_rows)
            record_import(conn, summary, station)
    return summary


def _chunks(values: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(values), CHUNK):
        yield values[start:start + CHUNK]


def _select_in(conn: sqlite3.Connection, sql: str, values: Iterable[str]) -> list[sqlite3.Row]:
    rows = []
    for chunk in _chunks(list(values)):
        cursor = conn.execute(sql.format(marks=", ".join("?" * len(chunk))), chunk)
        names = [column[0] for column in cursor.description]
        rows.extend(dict(zip(names, row, strict=True)) for row in cursor.fetchall())
    return rows


def _apply(conn: sqlite3.Connection, parsed: Parsed, summary: ImportSummary, station: str,
           progress: Progress | None) -> list[Problem]:
    orders = parsed.orders
    ids = [order.order_id for order in orders]
    existing = {row["order_id"]: row for row in _select_in(conn, "SELECT * FROM orders WHERE order_id IN ({marks})",
                                                           ids)}
    lines: dict[str, list[tuple]] = {}
    for row in _select_in(conn, "SELECT order_id, sku, name, colour, size, quantity, platform_line_id"
                                " FROM order_lines WHERE order_id IN ({marks}) ORDER BY order_id, line_no",
                          existing):
        lines.setdefault(row.pop("order_id"), []).append(tuple(row.values()))
    skus = {line.sku for order in orders for line in order.lines}
    products = {row["sku"]: row for row in _select_in(
        conn, "SELECT sku, colour, size, needs_barcode FROM products WHERE sku IN ({marks})", skus)}
    problems: list[Problem] = []
    accepted_skus: set[str] = set()
    new_rows: list[tuple] = []
    new_lines: list[tuple] = []
    imported: list[EventEntry] = []
    now = utcnow()
    total = len(orders)
    for done, order in enumerate(orders, 1):
        if progress and (done % 1000 == 0 or done == total):
            progress(done, total)
        for line in order.lines:
            product = products.get(line.sku)
            if product is not None and not line.colour and not line.size:
                line.colour, line.size = product["colour"], product["size"]
        current = existing.get(order.order_id)
        if current is not None and current["platform"] != order.platform:
            problem = Problem(order.file, order.line, "", _(
                "order {order_id} is already in the kiosk as a {platform} order.").format(
                order_id=order.order_id, platform=current["platform"]), order.order_id)
            problems.append(problem)
            if order.rows:
                parsed.rejected_rows.extend((row.file, row, problem.describe()) for row in order.rows)
            else:
                parsed.rejected_rows.append((order.file, None, reject_entry(problem.describe(), order.order_id)))
            continue
        accepted_skus.update(line.sku for line in order.lines)
        if current is None:
            new_rows.append(_order_row(order, now))
            new_lines.extend(_line_rows(order))
            imported.append(("order_imported", order.order_id, None, station, {
                "file": order.file, "line": order.line, "platform": order.platform, "status": order.status,
                "lines": len(order.lines), "units": sum(line.quantity for line in order.lines)}))
            summary.imported += 1
            continue
        # The events of new orders go first, so the audit log keeps the file's order.
        _flush_events(conn, imported)
        if _update(conn, order, current, lines.get(order.order_id, []), summary, station):
            summary.updated += 1
        else:
            summary.unchanged += 1
    _flush_events(conn, imported)
    _add_unknown_products(conn, parsed, accepted_skus - products.keys(), station)
    _insert_rows(conn, "orders", ORDER_COLUMNS, new_rows)
    _insert_rows(conn, "order_lines", LINE_COLUMNS, new_lines)
    summary.no_barcode = sum(
        row[0] for chunk in _chunks(sorted(accepted_skus)) for row in conn.execute(
            f"SELECT COUNT(*) FROM products WHERE needs_barcode = 1 AND sku IN ({', '.join('?' * len(chunk))})",
            chunk))
    return problems


def _insert_rows(conn: sqlite3.Connection, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert ``rows`` many to a statement: the full-text index of orders is written out at the end of
    every statement, so a statement per row (executemany) costs several times more."""
    per_statement = max(1, min(ROWS_PER_STATEMENT,
                               conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // len(columns)))
    head = f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
    one = f"({', '.join('?' * len(columns))})"
    full = head + ", ".join([one] * per_statement)
    for start in range(0, len(rows), per_statement):
        chunk = rows[start:start + per_statement]
        sql = full if len(chunk) == per_statement else head + ", ".join([one] * len(chunk))
        conn.execute(sql, [value for row in chunk for value in row])


def _flush_events(conn: sqlite3.Connection, entries: list[EventEntry]) -> None:
    if entries:
        record_events(conn, entries)
        entries.clear()


def _order_row(order: OrderRecord, now: str) -> tuple:
    return (order.order_id, order.platform, order.status, order.platform_status, order.created_at or now,
            order.paid_at if order.status != "awaiting_payment" else None,
            *(order.fields[name] for name in ORDER_TEXT_FIELDS), order.fields["priority"])


def _line_rows(order: OrderRecord) -> list[tuple]:
    return [(order.order_id, line_no, line.sku, line.name, line.colour, line.size, line.quantity,
             line.platform_line_id) for line_no, line in enumerate(order.lines, 1)]


def _line_key(line: LineRecord) -> tuple:
    return (line.sku, line.name, line.colour, line.size, line.quantity, line.platform_line_id)


def _update(conn: sqlite3.Connection, order: OrderRecord, current: dict, current_lines: list[tuple],
            summary: ImportSummary, station: str) -> bool:
    """Bring an existing order up to the file where its state allows; True when anything changed."""
    order_id, status, wanted = order.order_id, current["status"], order.status
    reason = f"imported from {order.file} line {order.line}"
    if status in ("shipped", "cancelled"):
        if status == "shipped" and wanted == "cancelled":
            summary.notes.append(_("Order {order_id} is cancelled on the platform but was shipped already:"
                                   " recall the parcel or tell the buyer.").format(order_id=order_id))
        return False
    if wanted == "cancelled":
        # As a supervisor's cancel: the packer's claim ends and the pack screen stops them.
        end_claim(conn, order_id)
        set_status(conn, order_id, "cancelled", operator=None, station=station, reason=reason)
        if status == "packing":
            summary.notes.append(_("Order {order_id} was being packed and is now cancelled: the packer is told"
                                   " to put the items back.").format(order_id=order_id))
        return True
    if wanted == "shipped" and status != "packing":
        summary.notes.append(_("Order {order_id} is fulfilled on the platform but was not shipped here: check it"
                               " before packing.").format(order_id=order_id))
    wanted_values = {**order.fields, "platform_status": order.platform_status}
    changes = {name: [current[name], wanted_values[name]] for name in COMPARED_FIELDS
               if current[name] != wanted_values[name]}
    new_lines = [_line_key(line) for line in order.lines]
    lines_differ = new_lines != current_lines
    becomes_paid = wanted == "paid" and status == "awaiting_payment"
    if status == "packing":
        if changes or lines_differ:
            summary.notes.append(_("Order {order_id} is being packed: the changes in {file} line {line} were not"
                                   " applied.").format(order_id=order_id, file=order.file, line=order.line))
        return False
    if becomes_paid and order.paid_at and current["paid_at"] != order.paid_at:
        changes["paid_at"] = [current["paid_at"], order.paid_at]
    if changes:
        conn.execute(f"UPDATE orders SET {', '.join(f'{name} = ?' for name in changes)} WHERE order_id = ?",
                     [*(new for _old, new in changes.values()), order_id])
    if lines_differ:
        conn.execute("DELETE FROM order_lines WHERE order_id = ?", (order_id,))
        _insert_rows(conn, "order_lines", LINE_COLUMNS, _line_rows(order))
    if changes or lines_differ:
        record_event(conn, "order_updated", order_id=order_id, station=station, file=order.file, line=order.line,
                     changes=changes, lines_replaced=lines_differ)
    if becomes_paid:
        set_status(conn, order_id, "paid", operator=None, station=station, reason=reason)
    return bool(changes or lines_differ or becomes_paid)


def _add_unknown_products(conn: sqlite3.Connection, parsed: Parsed, skus: set[str], station: str) -> None:
    """A product for each sku the catalogue does not know, flagged until a barcode comes in.

    A printable sku is also its internal code, so F8 on the pack screen prints a sticker that
    scans as this product.
    """
    if not skus:
        return
    first_seen: dict[str, tuple[OrderRecord, LineRecord]] = {}
    for order in parsed.orders:
        for line in order.lines:
            if line.sku in skus:
                first_seen.setdefault(line.sku, (order, line))
    for sku in sorted(skus):
        order, line = first_seen[sku]
        conn.execute("INSERT INTO products (sku, style_id, name, colour, size, needs_barcode)"
                     " VALUES (?, ?, ?, ?, ?, 1)", (sku, sku, line.name, line.colour, line.size))
        if sku.isascii() and sku.isprintable() and len(sku) <= 32 and not conn.execute(
                "SELECT 1 FROM barcodes WHERE code = ?", (sku,)).fetchone():
            conn.execute("INSERT INTO barcodes (code, sku, kind) VALUES (?, ?, 'internal')", (sku, sku))
        record_event(conn, "product_added", station=station, sku=sku, needs_barcode=True, file=order.file,
                     line=order.line, order=order.order_id)

