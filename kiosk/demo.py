"""Demo data: the catalogue, operators and orders of ``fixtures/`` in a fresh database.

Used by ``kiosk init-demo PATH``, ``kiosk --demo`` and the tests. Fixture times
are hours before "now", so a demo database always has a queue paid this
morning and parcels shipped in the last few days, whenever it is created.
"""

from __future__ import annotations

import functools
import json
import re
import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlite_utils

from fixtures import FIXTURES_DIR
from kiosk.auth import ROLES, hash_pin
from kiosk.carriers import carrier_from_text, identify
from kiosk.db import open_database, transaction
from kiosk.errors import KioskError
from kiosk.gtin import gtin_check_digit
from kiosk.i18n import _
from kiosk.tracking import check_tracking_format

DEMO_STATION = "DESK-1"
PLATFORMS = ("amazon", "shopify", "taobao", "manual")
# "packing" is left out on purpose: a packing order needs a claim by a station,
# and a demo that starts with an order held at DESK-1 would resume it on launch.
FIXTURE_STATUSES = ("awaiting_payment", "paid", "on_hold", "cancelled", "shipped")
BARCODE_KINDS = ("ean13", "upca", "fnsku", "internal")

_PRODUCT_KEYS = {"sku", "style_id", "name", "colour", "size", "barcodes"}
_OPERATOR_KEYS = {"badge", "name", "role", "pin", "language", "active"}
_ORDER_TEXT = ("platform", "buyer_id", "recipient_name", "phone", "address", "city", "province",
               "postal_code", "country", "buyer_note", "seller_note", "requested_carrier",
               "hold_reason")
_SHIPPING_KEYS = {"shipped_hours_ago", "carrier", "tracking_number", "operator"}
_ORDER_KEYS = {"order_id", "status", "priority", "created_hours_ago", "paid_hours_ago",
               "status_hours_ago", "cancel_reason", "lines", *_ORDER_TEXT, *_SHIPPING_KEYS}
_FNSKU = re.compile(r"^X00[0-9A-Z]{7}$")
_INTERNAL = re.compile(r"^[0-9A-Z][0-9A-Z\-]{2,31}$")
_MAX_PROBLEMS_SHOWN = 8


# -- check digits -------------------------------------------------------------

def ean13_check_digit(first12: str) -> int:
    """The check digit that completes the 12 digits ``first12`` into an EAN-13."""
    if len(first12) != 12 or not first12.isdigit():
        raise ValueError(f"an EAN-13 body is 12 digits, not {first12!r}")
    return gtin_check_digit(first12)


def _gtin_valid(code: str, length: int) -> bool:
    return len(code) == length and code.isdigit() and gtin_check_digit(code[:-1]) == int(code[-1])


# -- reading and checking the fixtures -----------------------------------------

def _read(directory: Path, name: str, key: str) -> list[dict[str, Any]]:
    path = directory / name
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise KioskError(_("Demo fixture {path} is missing.").format(path=path)) from error
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise KioskError(_("Demo fixture {path} cannot be read: {error}").format(path=path, error=error)) from error
    records = document.get(key) if isinstance(document, dict) else None
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise KioskError(
            _("Demo fixture {path} must be an object with a {key} list of objects.").format(path=path, key=key)
        )
    return records


def _is_hours(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value >= 0


def _record_id(record: dict[str, Any], index: int, id_field: str, known: set[str], seen: set[str],
               file_and_kind: str, problems: list[str]) -> tuple[str | None, str]:
    """(the record's id, or None when it has none, and how messages name it): the checks every
    fixture record gets (unknown fields, a missing or repeated id), written down once."""
    record_id = record.get(id_field)
    where = f"{file_and_kind} {record_id or f'#{index}'}"
    if extra := set(record) - known:
        problems.append(f"{where}: unknown field(s) {', '.join(sorted(extra))}")
    if not isinstance(record_id, str) or not record_id.strip():
        problems.append(f"{where}: no {id_field}")
        return None, where
    if record_id in seen:
        problems.append(f"{where}: {id_field} listed twice")
    seen.add(record_id)
    return record_id, where


def _check_text_fields(record: dict[str, Any], fields: Iterable[str], where: str, problems: list[str]) -> None:
    for field in fields:
        if not isinstance(record.get(field, ""), str):
            problems.append(f"{where}: {field} must be text")


def _check_catalogue(products: list[dict[str, Any]], problems: list[str]) -> None:
    skus: set[str] = set()
    codes: dict[str, str] = {}
    for index, product in enumerate(products, 1):
        sku, where = _record_id(product, index, "sku", _PRODUCT_KEYS, skus, "catalogue.json product", problems)
        if sku is None:
            continue
        for field in ("style_id", "name"):
            if not isinstance(product.get(field), str) or not product[field].strip():
                problems.append(f"{where}: no {field}")
        _check_text_fields(product, ("colour", "size"), where, problems)
        barcodes = product.get("barcodes")
        if not isinstance(barcodes, list) or not barcodes:
            problems.append(f"{where}: no barcodes")
            continue
        kinds = []
        for barcode in barcodes:
            code = barcode.get("code") if isinstance(barcode, dict) else None
            kind = barcode.get("kind") if isinstance(barcode, dict) else None
            if not isinstance(code, str) or kind not in BARCODE_KINDS:
                problems.append(f"{where}: barcode {barcode!r} needs a code and a kind"
                                f" ({', '.join(BARCODE_KINDS)})")
                continue
            kinds.append(kind)
            if kind == "ean13" and not _gtin_valid(code, 13):
                problems.append(f"{where}: {code} is not a valid EAN-13 (13 digits, check digit"
                                f" {_expected_check(code, 13)})")
            elif kind == "upca" and not _gtin_valid(code, 12):
                problems.append(f"{where}: {code} is not a valid UPC-A (12 digits, check digit"
                                f" {_expected_check(code, 12)})")
            elif kind == "fnsku" and not _FNSKU.match(code):
                problems.append(f"{where}: {code} is not an FNSKU (X00 and 7 letters/digits)")
            elif kind == "internal" and not _INTERNAL.match(code):
                problems.append(f"{where}: {code} is not an internal code (3-32 of A-Z 0-9 -)")
            if code in codes:
                problems.append(f"{where}: barcode {code} is also on {codes[code]}")
            codes[code] = sku
        if "ean13" not in kinds:
            problems.append(f"{where}: every product needs an EAN-13")
    for code, sku in codes.items():
        # The pack screen looks a scan up as a barcode first and as a sku second:
        # a barcode spelling another product's sku would make that sku unscannable.
        if code in skus and code != sku:
            problems.append(f"catalogue.json: barcode {code} of {sku} is another product's sku")


def _expected_check(code: str, length: int) -> str:
    body = code[: length - 1]
    return str(gtin_check_digit(body)) if len(body) == length - 1 and body.isdigit() else "?"


def _check_operators(operators: list[dict[str, Any]], problems: list[str]) -> None:
    badges: set[str] = set()
    for index, operator in enumerate(operators, 1):
        badge = operator.get("badge")
        where = f"operators.json operator {badge or f'#{index}'}"
        if extra := set(operator) - _OPERATOR_KEYS:
            problems.append(f"{where}: unknown field(s) {', '.join(sorted(extra))}")
        if not isinstance(badge, str) or not badge.strip() or badge != badge.strip().upper():
            problems.append(f"{where}: a badge is upper-case text without spaces around it")
            continue
        if badge in badges:
            problems.append(f"{where}: badge listed twice")
        badges.add(badge)
        if not isinstance(operator.get("name"), str) or not operator["name"].strip():
            problems.append(f"{where}: no name")
        if operator.get("role") not in ROLES:
            problems.append(f"{where}: role must be one of {', '.join(ROLES)}")
        pin = operator.get("pin")
        if not (isinstance(pin, str) and pin.isdigit() and 4 <= len(pin) <= 8):
            problems.append(f"{where}: the PIN must be 4 to 8 digits, in quotes")
        if not isinstance(operator.get("language", ""), str):
            problems.append(f"{where}: language must be text")
        if not isinstance(operator.get("active", True), bool):
            problems.append(f"{where}: active must be true or false")


def _check_orders(orders: list[dict[str, Any]], skus: set[str], packers: set[str],
                  problems: list[str]) -> None:
    order_ids: set[str] = set()
    tracking: dict[str, str] = {}
    for index, order in enumerate(orders, 1):
        order_id, where = _record_id(order, index, "order_id", _ORDER_KEYS, order_ids, "orders.json order", problems)
        if order_id is None:
            continue
        _check_text_fields(order, _ORDER_TEXT, where, problems)
        if order.get("platform", "manual") not in PLATFORMS:
            problems.append(f"{where}: platform must be one of {', '.join(PLATFORMS)}")
        if order.get("priority", 0) not in (0, 1) or isinstance(order.get("priority"), bool):
            problems.append(f"{where}: priority is 0 (normal) or 1 (urgent)")
        status = order.get("status")
        if status not in FIXTURE_STATUSES:
            problems.append(f"{where}: status must be one of {', '.join(FIXTURE_STATUSES)}")
            continue
        _check_times(order, status, where, problems)
        if status == "on_hold" and not str(order.get("hold_reason", "")).strip():
            problems.append(f"{where}: an order on hold needs a hold_reason")
        if status != "on_hold" and order.get("hold_reason"):
            problems.append(f"{where}: only an order on hold has a hold_reason")
        lines = order.get("lines")
        if not isinstance(lines, list) or not lines:
            problems.append(f"{where}: an order needs at least one line")
        else:
            for line_no, line in enumerate(lines, 1):
                sku = line.get("sku") if isinstance(line, dict) else None
                quantity = line.get("quantity") if isinstance(line, dict) else None
                if not isinstance(line, dict) or set(line) != {"sku", "quantity"}:
                    problems.append(f"{where} line {line_no}: a line is {{sku, quantity}}")
                if sku not in skus:
                    problems.append(f"{where} line {line_no}: sku {sku!r} is not in catalogue.json")
                if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
                    problems.append(f"{where} line {line_no}: quantity must be a whole number >= 1")
        if status == "shipped":
            if missing := _SHIPPING_KEYS - set(order):
                problems.append(f"{where}: a shipped order needs {', '.join(sorted(missing))}")
                continue
            if order["operator"] not in packers:
                problems.append(f"{where}: operator {order['operator']!r} is not an active"
                                " operator of operators.json")
            if not isinstance(order["carrier"], str) or not order["carrier"].strip():
                problems.append(f"{where}: a shipped order needs a carrier")
            try:
                number = check_tracking_format(str(order["tracking_number"]))
            except KioskError as error:
                problems.append(f"{where}: {error}")
                continue
            if number != order["tracking_number"]:
                problems.append(f"{where}: write the tracking number as {number}")
            if number in tracking:
                problems.append(f"{where}: tracking number {number} is also on {tracking[number]}")
            tracking[number] = order_id
        elif present := _SHIPPING_KEYS & set(order):
            problems.append(f"{where}: only a shipped order has {', '.join(sorted(present))}")


def _check_times(order: dict[str, Any], status: str, where: str, problems: list[str]) -> None:
    created = order.get("created_hours_ago")
    paid = order.get("paid_hours_ago")
    if not _is_hours(created):
        problems.append(f"{where}: created_hours_ago must be a number >= 0")
        return
    if paid is None:
        if status in ("paid", "on_hold", "shipped"):
            problems.append(f"{where}: a {status} order needs paid_hours_ago")
    elif status == "awaiting_payment":
        problems.append(f"{where}: an order awaiting payment has paid_hours_ago null")
    elif not _is_hours(paid) or paid > created:
        problems.append(f"{where}: paid_hours_ago must be a number, not before the order was"
                        " created (<= created_hours_ago)")
    changed = order.get("status_hours_ago")
    if changed is not None:
        if status not in ("on_hold", "cancelled"):
            problems.append(f"{where}: status_hours_ago is for on_hold and cancelled orders")
        elif not _is_hours(changed) or changed > (paid if _is_hours(paid) else created):
            problems.append(f"{where}: status_hours_ago must be a number, after the order was"
                            " created and paid")
    shipped = order.get("shipped_hours_ago")
    if status == "shipped" and _is_hours(paid) and (not _is_hours(shipped) or shipped >= paid):
        problems.append(f"{where}: shipped_hours_ago must be a number, after payment"
                        " (< paid_hours_ago)")


def read_fixtures(directory: Path = FIXTURES_DIR) -> dict[str, list[dict[str, Any]]]:
    """The products, operators and orders of ``directory``, checked; KioskError lists problems."""
    data = {
        "products": _read(directory, "catalogue.json", "products"),
        "operators": _read(directory, "operators.json", "operators"),
        "orders": _read(directory, "orders.json", "orders"),
    }
    problems: list[str] = []
    _check_catalogue(data["products"], problems)
    _check_operators(data["operators"], problems)
    skus = {p["sku"] for p in data["products"] if isinstance(p.get("sku"), str)}
    active = {o["badge"] for o in data["operators"]
              if isinstance(o.get("badge"), str) and o.get("active", True) is True}
    _check_orders(data["orders"], skus, active, problems)
    if problems:
        more = len(problems) - _MAX_PROBLEMS_SHOWN
        shown = "; ".join(problems[:_MAX_PROBLEMS_SHOWN]) + (f" (and {more} more)" if more > 0
                                                              else "")
        raise KioskError(
            _("Demo fixtures in {folder} are not valid: {problems}").format(folder=directory, problems=shown)
        )
    return data


# -- building the rows ---------------------------------------------------------

@functools.cache
def _demo_pin_hash(pin: str) -> str:
    # scrypt costs ~20-50 ms per PIN by design. The demo PINs are public, so
    # sharing one salted hash per PIN within a process costs no secrecy and
    # keeps tests that build many demo databases fast.
    return hash_pin(pin)


class _Clock:
    """Fixture times (hours before now) as stored timestamps (ISO 8601 UTC, milliseconds)."""

    def __init__(self, now: datetime | None) -> None:
        if now is None:
            now = datetime.now(UTC)
        elif now.tzinfo is None:
            now = now.replace(tzinfo=UTC)  # a naive time is taken to be UTC, as stored
        self.now = now.astimezone(UTC)

    def moment(self, hours_ago: float, seconds: float = 0) -> datetime:
        return self.now - timedelta(hours=hours_ago) + timedelta(seconds=seconds)

    @staticmethod
    def stamp(moment: datetime) -> str:
        return moment.isoformat(timespec="milliseconds")

    def at(self, hours_ago: float) -> str:
        return self.stamp(self.moment(hours_ago))


def _event(at: str, kind: str, order_id: str | None, operator: str | None = None,
           station: str = "", **detail: Any) -> dict[str, Any]:
    # Same columns and detail encoding as kiosk.db.record_event, but with the
    # historical time: record_event stamps the moment it runs.
    return {"at": at, "kind": kind, "order_id": order_id, "operator": operator,
            "station": station, "detail": json.dumps(detail, ensure_ascii=False)}


def _build_rows(data: dict[str, list[dict[str, Any]]], clock: _Clock) -> dict[str, list[dict]]:
    catalogue = {p["sku"]: p for p in data["products"]}
    rows: dict[str, list[dict]] = {
        "products": [], "barcodes": [], "operators": [], "orders": [], "order_lines": [],
        "scans": [], "shipments": [], "events": [],
    }
    for product in data["products"]:
        rows["products"].append({key: product.get(key, "") for key in
                                 ("sku", "style_id", "name", "colour", "size")})
        rows["barcodes"].extend({"code": b["code"], "sku": product["sku"], "kind": b["kind"]}
                                for b in product["barcodes"])
    for operator in data["operators"]:
        rows["operators"].append({
            "badge": operator["badge"], "name": operator["name"], "role": operator["role"],
            "pin_hash": _demo_pin_hash(operator["pin"]),
            "language": operator.get("language", ""),
            "active": int(operator.get("active", True)),
        })
    events = rows["events"]
    for order in data["orders"]:
        order_id = order["order_id"]
        status = order["status"]
        paid_h = order.get("paid_hours_ago")
        row = {field: order.get(field, "") for field in _ORDER_TEXT}
        row.update(order_id=order_id, platform=order.get("platform", "manual"), status=status,
                   priority=order.get("priority", 0),
                   created_at=clock.at(order["created_hours_ago"]),
                   paid_at=clock.at(paid_h) if paid_h is not None else None)
        rows["orders"].append(row)
        lines = []
        for line_no, line in enumerate(order["lines"], 1):
            product = catalogue[line["sku"]]
            lines.append({"order_id": order_id, "line_no": line_no, "sku": line["sku"],
                          "name": product["name"], "colour": product.get("colour", ""),
                          "size": product.get("size", ""), "quantity": line["quantity"]})
        rows["order_lines"].extend(lines)
        units = sum(line["quantity"] for line in lines)
        events.append(_event(row["paid_at"] or row["created_at"], "order_imported", order_id,
                             platform=row["platform"],
                             status="awaiting_payment" if paid_h is None else "paid",
                             lines=len(lines), units=units, source="demo"))
        if status in ("on_hold", "cancelled"):
            base = paid_h if paid_h is not None else order["created_hours_ago"]
            changed = order.get("status_hours_ago")
            at = clock.at(changed if changed is not None else base * 0.8)
            previous = "awaiting_payment" if paid_h is None else "paid"
            if status == "on_hold":
                events.append(_event(at, "status_on_hold", order_id, "S001", previous=previous,
                                     reason=order["hold_reason"]))
            else:
                events.append(_event(at, "status_cancelled", order_id, None, previous=previous,
                                     reason=order.get("cancel_reason", "")))
        if status == "shipped":
            _add_shipment(order, row, lines, catalogue, clock, rows)
    # The audit log reads in time order, as it would have been written.
    events.sort(key=lambda event: event["at"])
    return rows


def _add_shipment(order: dict[str, Any], row: dict[str, Any], lines: list[dict[str, Any]],
                  catalogue: dict[str, dict[str, Any]], clock: _Clock,
                  rows: dict[str, list[dict]]) -> None:
    """The scans, shipment and events a packer leaves behind when shipping ``order``."""
    order_id = order["order_id"]
    operator = order["operator"]
    shipped = clock.moment(order["shipped_hours_ago"])
    units = [(line, n) for line in lines for n in range(line["quantity"])]
    # One scan every 20 s, the last 45 s before the waybill; opened 90 s before the first.
    first_scan = shipped - timedelta(seconds=45 + 20 * (len(units) - 1))
    opened = first_scan - timedelta(seconds=90)
    if row["paid_at"] is not None and clock.stamp(opened) <= row["paid_at"]:
        raise KioskError(
            _("Demo fixture orders.json order {order_id}: shipped too soon after payment to pack {count} items;"
              " raise paid_hours_ago.").format(order_id=order_id, count=len(units))
        )
    desk = {"operator": operator, "station": DEMO_STATION}
    events = rows["events"]
    events.append(_event(clock.stamp(opened), "status_packing", order_id, **desk,
                         previous="paid", reason="opened for packing"))
    if row["buyer_note"].strip() or row["seller_note"].strip():
        events.append(_event(clock.stamp(first_scan - timedelta(seconds=40)),
                             "notes_acknowledged", order_id, **desk))
    for index, (line, _unit) in enumerate(units):
        at = clock.stamp(first_scan + timedelta(seconds=20 * index))
        # The EAN is what is printed on the goods, so that is what was scanned.
        code = next(b["code"] for b in catalogue[line["sku"]]["barcodes"] if b["kind"] == "ean13")
        rows["scans"].append({"order_id": order_id, "line_no": line["line_no"], "raw_code": code,
                              "quantity": 1, "result": "accepted", **desk, "scanned_at": at})
        events.append(_event(at, "item_scanned", order_id, **desk, code=code, result="accepted",
                             line_no=line["line_no"], quantity=1))
    shipment_id = len(rows["shipments"]) + 1
    shipped_at = clock.stamp(shipped)
    # Identified as the waybill step would, so demo shipments carry the same carrier ids, names and URLs.
    match = identify(order["tracking_number"], carrier=carrier_from_text(order["carrier"])).carrier
    if match is None:
        raise KioskError(_("Demo fixture orders.json order {order_id}: {tracking} is not a valid {carrier}"
                           " tracking number.").format(order_id=order_id, tracking=order["tracking_number"],
                                                       carrier=order["carrier"]))
    rows["shipments"].append({
        "id": shipment_id, "order_id": order_id, "carrier_id": match.carrier_id, "carrier": match.carrier_name,
        "service": match.service, "tracking_number": order["tracking_number"], "tracking_url": match.tracking_url or "",
        "package_no": 1, "package_count": 1, **desk, "shipped_at": shipped_at,
    })
    events.append(_event(shipped_at, "status_shipped", order_id, **desk, previous="packing",
                         reason="waybill recorded"))
    events.append(_event(shipped_at, "shipped", order_id, **desk,
                         tracking_number=order["tracking_number"], carrier=order["carrier"],
                         shipment_id=shipment_id))


# -- loading -------------------------------------------------------------------

_TABLE_ORDER = ("products", "barcodes", "operators", "orders", "order_lines", "scans",
                "shipments", "events")


def load_demo_data(db: sqlite_utils.Database, now: datetime | None = None, *,
                   fixtures_dir: Path = FIXTURES_DIR) -> None:
    """Fill an empty, migrated kiosk database with the demo fixtures, all or nothing.

    ``now`` (default: the current time; a naive value is taken as UTC) is the
    moment the fixtures' "hours ago" count back from. Raises KioskError when
    the database already holds data or a fixture is wrong; then nothing is
    written.
    """
    data = read_fixtures(fixtures_dir)
    clock = _Clock(now)
    rows = _build_rows(data, clock)  # hashes the PINs: slow, so before the lock
    # Stamped with the demo's "now" rather than by record_event, so that every
    # time in a demo database counts from the same moment.
    rows["events"].append(_event(clock.at(0), "demo_loaded", None, source="fixtures",
                                 products=len(rows["products"]), orders=len(rows["orders"]),
                                 operators=len(rows["operators"])))
    try:
        # One write transaction. sqlite-utils (4.x) runs insert_all inside
        # db.atomic(), which turns into a SAVEPOINT when a transaction is
        # already open, so every table below commits together or not at all
        # (tests/test_demo.py checks this by failing the last insert).
        with transaction(db) as conn:
            for table in ("orders", "products", "operators"):
                count = conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                if count:
                    raise KioskError(
                        _("This database already has {count} {table}: demo data only goes into"
                          " a new, empty database (kiosk init-demo NEW_FILE).").format(count=count, table=table)
                    )
            for table in _TABLE_ORDER:
                if rows[table]:
                    db[table].insert_all(rows[table])
    except sqlite3.Error as error:
        raise KioskError(
            _("Demo data could not be loaded (nothing was written): {error}").format(error=error)
        ) from error


def create_demo_database(path: Path, now: datetime | None = None, *,
                         fixtures_dir: Path = FIXTURES_DIR) -> Path:
    """Create a new database file at ``path`` holding the demo data; returns ``path``.

    Refuses an existing path: the demo must never be mixed into real data.
    """
    path = Path(path)
    if path.exists():
        raise KioskError(_("{path} already exists: choose a new file for the demo database.").format(path=path))
    db = open_database(path)
    try:
        load_demo_data(db, now, fixtures_dir=fixtures_dir)
    except BaseException:
        db.close()
        # Leave nothing behind, so the same command can simply be run again.
        for leftover in (path, *(path.with_name(path.name + s) for s in ("-wal", "-shm"))):
            leftover.unlink(missing_ok=True)
        raise
    db.close()
    return path
