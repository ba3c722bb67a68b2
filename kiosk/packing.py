"""Verifying the goods of one order, scan by scan."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import sqlite_utils

from kiosk.claims import seen_stop
from kiosk.db import record_event, transaction, utcnow
from kiosk.errors import KioskError
from kiosk.hold_reasons import hold_reason_text
from kiosk.i18n import _, ngettext
from kiosk.orders import OrderLine, find_order_id, get_lines, get_order, variant_text
from kiosk.problems import approved_shortages
from kiosk.scanning import HIDDEN_CODE, clean_scan, looks_like_pin, not_a_barcode, packed_by_line

MAX_BULK_QUANTITY = 999
MAX_PARCELS = 20


class ScanResult(StrEnum):
    ACCEPTED = "accepted"
    UNKNOWN_CODE = "unknown_code"
    NOT_IN_ORDER = "not_in_order"
    WRONG_VARIANT = "wrong_variant"
    LINE_COMPLETE = "line_complete"
    NOTES_UNREAD = "notes_unread"
    UNREADABLE = "unreadable"
    NOT_HELD = "not_held"
    ORDER_SLIP = "order_slip"


class Stage(StrEnum):
    NOTES = "notes"
    ITEMS = "items"
    WAYBILL = "waybill"


@dataclass(frozen=True)
class ScanOutcome:
    result: ScanResult
    message: str
    line_no: int | None = None
    quantity: int = 0

    @property
    def accepted(self) -> bool:
        return self.result is ScanResult.ACCEPTED


@dataclass
class LineProgress:
    line: OrderLine
    packed: int
    # Units a supervisor approved to ship without (a short shipment).
    short: int = 0

    @property
    def expected(self) -> int:
        return max(self.line.quantity - self.short, 0)

    @property
    def complete(self) -> bool:
        return self.packed >= self.expected

    @property
    def remaining(self) -> int:
        return max(self.expected - self.packed, 0)


class PackSession:
    """One order open at one station: its lines, what is packed, and the scan rules.

    Every scan is committed (with its result) before the outcome is returned,
    so what a screen shows as packed is always what the database holds.
    """

    def __init__(
        self, db: sqlite_utils.Database, order_id: str, operator: str, station: str
    ) -> None:
        order = get_order(db, order_id)
        if order is None:
            raise KioskError(_("No order {order_id}.").format(order_id=order_id))
        self.db = db
        self.order = order
        self.order_id = order_id
        self.operator = operator
        self.station = station
        self.lines = []
        self.reload_shortages(packed_by_line(db.conn, order_id))
        # Parcels of a multi-parcel shipment already recorded (a restart resumes after them).
        recorded, count = db.execute(
            "SELECT COUNT(*), MAX(package_count) FROM shipments WHERE order_id = ? AND voided_at IS NULL", [order_id]
        ).fetchone()
        self.parcels_recorded: int = recorded
        self.parcel_count: int = count or 1
        self.notes_acknowledged = not self.has_notes or bool(
            db.execute(
                "SELECT 1 FROM events WHERE order_id = ? AND kind = 'notes_acknowledged'"
                " AND id > (SELECT MAX(id) FROM events WHERE order_id = ? AND kind = 'status_packing')",
                [order_id, order_id],
            ).fetchone()
        )

    def reload_shortages(self, packed: dict[int, int] | None = None) -> None:
        """Re-read the approved shortages (a supervisor may approve one while the order is open)."""
        if packed is None:
            packed = {p.line.line_no: p.packed for p in self.lines}
        short = approved_shortages(self.db.conn, self.order_id)
        self.lines = [
            LineProgress(line, packed.get(line.line_no, 0), short.get(line.line_no, 0))
            for line in get_lines(self.db, self.order_id)
        ]

    # -- state -------------------------------------------------------------

    @property
    def has_notes(self) -> bool:
        return bool(self.order["buyer_note"].strip() or self.order["seller_note"].strip())

    @property
    def all_verified(self) -> bool:
        return all(progress.complete for progress in self.lines)

    @property
    def stage(self) -> Stage:
        if not self.notes_acknowledged:
            return Stage.NOTES
        return Stage.WAYBILL if self.all_verified else Stage.ITEMS

    @property
    def units_packed(self) -> int:
        return sum(min(p.packed, p.expected) for p in self.lines)

    @property
    def units_ordered(self) -> int:
        return sum(p.expected for p in self.lines)

    @property
    def is_short(self) -> bool:
        return any(p.short for p in self.lines)

    def interruption(self) -> str | None:
        """Why the packer must stop, when the order changed under them (cancelled, held, taken over).

        Saying it here is telling the packer: the station's notice of it (kiosk.claims) is marked seen.
        """
        message = self._interruption()
        if message is not None:
            with transaction(self.db) as conn:
                seen_stop(conn, self.station, self.order_id)
        return message

    def _interruption(self) -> str | None:
        row = self.db.execute(
            "SELECT o.status, o.hold_reason, c.station FROM orders o LEFT JOIN claims c ON c.order_id = o.order_id"
            " WHERE o.order_id = ?",
            [self.order_id],
        ).fetchone()
        status, hold_reason, station = row
        if status == "cancelled":
            return _("Order cancelled: put the items back.")
        if status == "on_hold":
            return _("Order put on hold ({reason}): put the items back.").format(
                reason=hold_reason_text(hold_reason) or _("no reason given")
            )
        if status != "packing" or station != self.station:
            return _("Order {order_id} is no longer open at this station: stop and ask a supervisor.").format(
                order_id=self.order_id
            )
        return None

    # -- actions -----------------------------------------------------------

    def set_parcel_count(self, count: int) -> None:
        """How many parcels (each with its own waybill and label) the order ships in."""
        if self.parcels_recorded:
            raise KioskError(
                ngettext(
                    "{recorded} parcel already recorded: the number of parcels can no longer change.",
                    "{recorded} parcels already recorded: the number of parcels can no longer change.",
                    self.parcels_recorded,
                ).format(recorded=self.parcels_recorded)
            )
        if not 1 <= count <= MAX_PARCELS:
            raise KioskError(_("An order ships in 1 to {limit} parcels.").format(limit=MAX_PARCELS))
        with transaction(self.db) as conn:
            record_event(conn, "parcels_set", order_id=self.order_id, operator=self.operator, station=self.station,
                         count=count)
        self.parcel_count = count

    def acknowledge_notes(self) -> None:
        if self.notes_acknowledged:
            return
        with transaction(self.db) as conn:
            record_event(conn, "notes_acknowledged", order_id=self.order_id,
                         operator=self.operator, station=self.station)
        self.notes_acknowledged = True

    def scan(self, raw: str, quantity: int = 1) -> ScanOutcome:
        """Check one scanned item code against the order and record the scan."""
        if not 1 <= quantity <= MAX_BULK_QUANTITY:
            raise KioskError(_("Quantity must be 1 to {limit}.").format(limit=MAX_BULK_QUANTITY))
        try:
            code = clean_scan(raw)
        except KioskError as error:
            return self._record(raw.strip()[:64] or "(empty)", ScanOutcome(ScanResult.UNREADABLE, str(error)))
        if looks_like_pin(code) and product_for_code(self.db, code) is None and self._order_slip(code) is None:
            # Someone's PIN typed into the scan field: refused, and kept out of scans and events.
            return self._record(HIDDEN_CODE, ScanOutcome(ScanResult.UNKNOWN_CODE, str(not_a_barcode())))
        return self._record(code, self._judge(code, quantity))

    def _judge(self, code: str, quantity: int) -> ScanOutcome:
        stop = self.interruption()
        if stop:
            return ScanOutcome(ScanResult.NOT_HELD, stop)
        if not self.notes_acknowledged:
            return ScanOutcome(ScanResult.NOTES_UNREAD, _("Read the notes first, then press F4."))
        match = match_item(self.db, self.lines, code, quantity)
        if match.result is ScanResult.UNKNOWN_CODE:
            slip = self._order_slip(code)
            if slip is not None:
                return slip
            return ScanOutcome(
                ScanResult.UNKNOWN_CODE,
                _("Unknown barcode {code}: not in the catalogue. Set the item aside and ask a supervisor.").format(
                    code=code
                ),
            )
        target = match.progress
        if match.result is ScanResult.LINE_COMPLETE and target is not None:
            if target.complete:
                return ScanOutcome(
                    ScanResult.LINE_COMPLETE,
                    _("Already complete: {packed} of {ordered} {item} packed. Put this one back.").format(
                        packed=target.packed, ordered=target.expected, item=target.line.description
                    ),
                    target.line.line_no,
                )
            return ScanOutcome(
                ScanResult.LINE_COMPLETE,
                _("Too many: {quantity} more would make {total} of {ordered} {item}.").format(
                    quantity=quantity, total=target.packed + quantity, ordered=target.expected,
                    item=target.line.description,
                ),
                target.line.line_no,
            )
        if match.result is ScanResult.ACCEPTED and target is not None:
            return ScanOutcome(
                ScanResult.ACCEPTED,
                _("OK: {item}, {packed} of {ordered}.").format(
                    item=target.line.description, packed=target.packed + quantity, ordered=target.expected
                ),
                target.line.line_no,
                quantity,
            )
        product = match.product
        if match.result is ScanResult.WRONG_VARIANT and target is not None:
            wanted = _(" or ").join(p.line.variant or p.line.name for p in match.needed)
            return ScanOutcome(
                ScanResult.WRONG_VARIANT,
                _("Wrong variant: scanned {scanned}, this order needs {needed} ({name}).").format(
                    scanned=product["variant"] or describe_product(product), needed=wanted, name=product["name"]
                ),
                target.line.line_no,
            )
        return ScanOutcome(
            ScanResult.NOT_IN_ORDER,
            _("Not in this order: {item}. Put it back.").format(item=describe_product(product)),
        )

    def undo_last(self) -> ScanOutcome:
        """Take back the most recent accepted scan of this order that is still counted."""
        with transaction(self.db) as conn:
            row = conn.execute(
                "SELECT id, line_no, quantity FROM scans WHERE order_id = ? AND result = 'accepted'"
                " AND undone_at IS NULL ORDER BY id DESC LIMIT 1",
                (self.order_id,),
            ).fetchone()
            if row is None:
                raise KioskError(_("Nothing to undo: no item is packed yet."))
            scan_id, line_no, quantity = row
            conn.execute("UPDATE scans SET undone_at = ? WHERE id = ?", (utcnow(), scan_id))
            record_event(conn, "scan_undone", order_id=self.order_id, operator=self.operator,
                         station=self.station, scan_id=scan_id, line_no=line_no, quantity=quantity)
        progress = self._progress(line_no)
        progress.packed -= quantity
        return ScanOutcome(
            ScanResult.ACCEPTED,
            _("Undone: {quantity} x {item} taken out ({packed} of {ordered}).").format(
                quantity=quantity, item=progress.line.description, packed=progress.packed,
                ordered=progress.expected,
            ),
            line_no,
            -quantity,
        )

    def line_for_code(self, raw: str) -> int | None:
        """The order line a scanned item code belongs to, if any."""
        product = product_for_code(self.db, raw.strip())
        if product is None:
            return None
        return next((p.line.line_no for p in self.lines if p.line.sku == product["sku"]), None)

    # -- helpers -----------------------------------------------------------

    def _record(self, code: str, outcome: ScanOutcome) -> ScanOutcome:
        with transaction(self.db) as conn:
            if outcome.accepted:
                # Judged before the write lock: a supervisor may have released the order since, or
                # another session of this station counted the same unit. The write decides.
                outcome = self._recheck(conn, outcome)
            quantity = outcome.quantity if outcome.accepted else 0
            conn.execute(
                "INSERT INTO scans (order_id, line_no, raw_code, quantity, result, operator,"
                " station, scanned_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (self.order_id, outcome.line_no, code, quantity, outcome.result.value,
                 self.operator, self.station, utcnow()),
            )
            record_event(conn, "item_scanned" if outcome.accepted else "scan_refused",
                         order_id=self.order_id, operator=self.operator, station=self.station,
                         code=code, result=outcome.result.value, line_no=outcome.line_no,
                         quantity=quantity)
        if outcome.accepted:
            self._progress(outcome.line_no).packed += quantity
        return outcome

    def _recheck(self, conn: sqlite3.Connection, outcome: ScanOutcome) -> ScanOutcome:
        """The accepted outcome, or why it no longer holds, read inside the scan's write transaction."""
        held = conn.execute("SELECT station FROM claims WHERE order_id = ?", (self.order_id,)).fetchone()
        if held is None or held[0] != self.station:
            seen_stop(conn, self.station, self.order_id)
            return ScanOutcome(ScanResult.NOT_HELD, self._interruption() or _(
                "Order {order_id} is no longer open at this station: stop and ask a supervisor.").format(
                    order_id=self.order_id))
        progress = self._progress(outcome.line_no)
        progress.packed = packed_by_line(conn, self.order_id).get(progress.line.line_no, 0)
        if progress.packed + outcome.quantity > progress.expected:
            return ScanOutcome(
                ScanResult.LINE_COMPLETE,
                _("Already complete: {packed} of {ordered} {item} packed. Put this one back.").format(
                    packed=progress.packed, ordered=progress.expected, item=progress.line.description),
                progress.line.line_no,
            )
        return outcome

    def _order_slip(self, code: str) -> ScanOutcome | None:
        """A packing slip scanned in place of an item: this order's own, or another order's."""
        try:
            order_id = find_order_id(self.db.conn, code)
        except KioskError:
            return None  # fits several orders: it is no slip of one
        if order_id is None:
            return None
        if order_id == self.order_id:
            return ScanOutcome(ScanResult.ORDER_SLIP,
                               _("That is this order's own packing slip: scan the items."))
        return ScanOutcome(
            ScanResult.ORDER_SLIP,
            _("That is order {other}'s packing slip: finish or put back order {order_id} first.").format(
                other=order_id, order_id=self.order_id),
        )

    def _progress(self, line_no: int | None) -> LineProgress:
        return next(p for p in self.lines if p.line.line_no == line_no)


@dataclass(frozen=True)
class ItemMatch:
    """What a scanned item code is to a list of lines: the decision, without the words.

    ``progress`` is the line the item counts against (accepted), is complete or over-filled by it
    (line complete), or is the first line of the same product in another variant (wrong variant);
    ``needed`` lists the lines of that product the scan could have been.
    """

    result: ScanResult
    product: dict | None = None
    progress: LineProgress | None = None
    needed: tuple[LineProgress, ...] = ()


def match_item(db: sqlite_utils.Database, lines: Sequence[LineProgress], code: str, quantity: int = 1) -> ItemMatch:
    """Check one item code against lines still to fill: packing an order, or checking in a return.

    The rules are the packer's: the code must be in the catalogue, be a product of one of the
    lines, in the right variant, and not fill its line beyond what is expected.
    """
    product = product_for_code(db, code)
    if product is None:
        return ItemMatch(ScanResult.UNKNOWN_CODE)
    matching = [p for p in lines if p.line.sku == product["sku"]]
    if matching:
        open_lines = [p for p in matching if not p.complete]
        if not open_lines:
            return ItemMatch(ScanResult.LINE_COMPLETE, product, matching[0])
        target = open_lines[0]
        if quantity > target.remaining:
            return ItemMatch(ScanResult.LINE_COMPLETE, product, target)
        return ItemMatch(ScanResult.ACCEPTED, product, target)
    style = _skus_of_style(db, product["style_id"])
    same_style = [p for p in lines if p.line.sku in style]
    if same_style:
        needed = tuple(p for p in same_style if not p.complete) or tuple(same_style)
        return ItemMatch(ScanResult.WRONG_VARIANT, product, needed[0], needed)
    return ItemMatch(ScanResult.NOT_IN_ORDER, product)


def product_for_code(db: sqlite_utils.Database, code: str) -> dict | None:
    """The product an item barcode (or a sku typed by hand) names, with its variant text."""
    rows = list(
        db.query(
            "SELECT p.sku, p.style_id, p.name, p.colour, p.size FROM barcodes b"
            " JOIN products p ON p.sku = b.sku WHERE b.code = ?"
            " UNION ALL SELECT sku, style_id, name, colour, size FROM products WHERE sku = ?"
            " LIMIT 1",
            [code, code],
        )
    )
    if not rows:
        return None
    product = rows[0]
    product["variant"] = variant_text(product["colour"], product["size"])
    return product


def _skus_of_style(db: sqlite_utils.Database, style_id: str) -> set[str]:
    return {row[0] for row in db.execute("SELECT sku FROM products WHERE style_id = ?", [style_id])}


def describe_product(product: dict) -> str:
    return f"{product['name']} {product['variant']}".strip()
