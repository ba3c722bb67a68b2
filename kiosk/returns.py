"""Returns: a parcel that came back, checked item by item, or a refund without a parcel.

Items coming back are scanned with the packer's own check (kiosk.packing.match_item) against
what was shipped to the buyer, so a wrong item or a wrong variant is refused as it would be at
packing. Each unit gets its condition (sellable, damaged by the buyer, damaged in transit,
defective) and its outcome (restock, refurbish, scrap); closing records whether accessories and
packaging were complete and the amount difference (a refund, or negative: an extra charge).
One return may cover several orders of the same buyer.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import sqlite_utils

from kiosk.aftersales import parse_amount, stored_amount
from kiosk.auth import Operator, require_aftersales
from kiosk.db import record_event, transaction, utcnow
from kiosk.errors import KioskError
from kiosk.i18n import N_, _
from kiosk.orders import OrderLine, find_order_id, get_lines, status_name
from kiosk.packing import LineProgress, ScanResult, describe_product, match_item, product_for_code
from kiosk.scanning import clean_scan
from kiosk.tracking import check_tracking_format

CONDITIONS = {
    "sellable": N_("sellable"),
    "customer_damaged": N_("damaged by the buyer"),
    "carrier_damaged": N_("damaged in transit"),
    "defective": N_("defective"),
}
OUTCOMES = {"restock": N_("restock"), "refurbish": N_("refurbish"), "scrap": N_("scrap")}
RETURN_STATUSES = {"registered": N_("registered"), "closed": N_("closed")}
RETURN_KINDS = {"parcel": N_("parcel"), "refund_only": N_("refund only")}
MAX_BULK = 999
MAX_NOTE = 500
# Orders named when a scanned item belongs to an order the return does not cover yet.
MAX_HINTED_ORDERS = 3


@dataclass(frozen=True)
class ReturnItem:
    item_id: int
    order_id: str
    line_no: int
    item: str
    code: str
    quantity: int
    condition: str
    outcome: str
    operator: str
    received_at: str

    @property
    def condition_name(self) -> str:
        return _(CONDITIONS[self.condition]) if self.condition else ""

    @property
    def outcome_name(self) -> str:
        return _(OUTCOMES[self.outcome]) if self.outcome else ""


@dataclass(frozen=True)
class ReturnLine:
    """A shipped line of an order the return covers: how many went out, and came back."""

    order_id: str
    line_no: int
    sku: str
    item: str
    shipped: int
    earlier_returns: int
    this_return: int


@dataclass(frozen=True)
class ReturnView:
    return_id: int
    kind: str
    status: str
    return_tracking: str
    buyer_id: str
    order_ids: tuple[str, ...]
    case_id: int | None
    lines: tuple[ReturnLine, ...]
    items: tuple[ReturnItem, ...]
    accessories_complete: bool | None
    packaging_complete: bool | None
    amount_difference: Decimal
    note: str
    operator: str
    created_at: str
    closed_by: str
    closed_at: str

    @property
    def status_name(self) -> str:
        return _(RETURN_STATUSES[self.status])

    @property
    def kind_name(self) -> str:
        return _(RETURN_KINDS[self.kind])


@dataclass(frozen=True)
class ReturnScanOutcome:
    result: ScanResult
    message: str
    item: ReturnItem | None = None

    @property
    def accepted(self) -> bool:
        return self.result is ScanResult.ACCEPTED


def _order_row(db: sqlite_utils.Database, order_id: str) -> dict:
    rows = list(db.query("SELECT order_id, buyer_id, status FROM orders WHERE order_id = ?", [order_id]))
    if not rows:
        raise KioskError(_("No order {order_id}.").format(order_id=order_id))
    order = rows[0]
    if order["status"] != "shipped":
        raise KioskError(_("Order {order_id} is {status}: only a shipped order can come back.").format(
            order_id=order_id, status=status_name(order["status"])))
    return order


def _return_row(db: sqlite_utils.Database, return_id: int, *, open_only: bool = True) -> dict:
    rows = list(db.query("SELECT * FROM returns WHERE id = ?", [return_id]))
    if not rows:
        raise KioskError(_("No return {return_id}.").format(return_id=return_id))
    row = rows[0]
    if open_only and row["status"] == "closed":
        raise KioskError(_("Return {return_id} is closed.").format(return_id=return_id))
    return row


def register_return(
    db: sqlite_utils.Database, order_id: str, operator: Operator, station: str, *, return_tracking: str = "",
    refund_only: bool = False, case_id: int | None = None,
) -> int:
    """Open a return for a shipped order: a parcel (with its return tracking number, when it has
    one) or a refund without a parcel. Returns the return's id."""
    require_aftersales(operator)
    order = _order_row(db, order_id)
    tracking = ""
    if return_tracking.strip():
        if refund_only:
            raise KioskError(_("A refund-only return has no parcel, so no return tracking number."))
        tracking = check_tracking_format(return_tracking)
        known = db.execute("SELECT id FROM returns WHERE return_tracking = ?", [tracking]).fetchone()
        if known:
            raise KioskError(_("Return tracking number {tracking} is already return {return_id}.").format(
                tracking=tracking, return_id=known[0]))
    if case_id is not None and not db.execute("SELECT 1 FROM aftersales_cases WHERE id = ?", [case_id]).fetchone():
        raise KioskError(_("No claim {case_id}.").format(case_id=case_id))
    kind = "refund_only" if refund_only else "parcel"
    with transaction(db) as conn:
        return_id = conn.execute(
            "INSERT INTO returns (order_id, return_tracking, kind, buyer_id, case_id, status, operator, station,"
            " created_at) VALUES (?, ?, ?, ?, ?, 'registered', ?, ?, ?)",
            (order_id, tracking, kind, order["buyer_id"], case_id, operator.badge, station, utcnow()),
        ).lastrowid
        conn.execute("INSERT INTO return_orders (return_id, order_id) VALUES (?, ?)", (return_id, order_id))
        record_event(conn, "return_registered", order_id=order_id, operator=operator.badge, station=station,
                     return_id=return_id, return_tracking=tracking, return_kind=kind, case_id=case_id)
    return return_id


def find_return(db: sqlite_utils.Database, return_tracking: str, operator: Operator) -> int:
    """The return a scanned return tracking number belongs to."""
    require_aftersales(operator)
    tracking = check_tracking_format(return_tracking)
    row = db.execute("SELECT id FROM returns WHERE return_tracking = ? ORDER BY id DESC LIMIT 1",
                     [tracking]).fetchone()
    if row is None:
        raise KioskError(_("No return has the tracking number {tracking}: find the order and register the return.")
                         .format(tracking=tracking))
    return row[0]


def add_order(db: sqlite_utils.Database, return_id: int, order_id: str, operator: Operator, station: str) -> str:
    """Let the return cover another shipped order of the same buyer (typed or scanned: ``1010``
    finds ``#1010``). Returns the order's id."""
    require_aftersales(operator)
    row = _return_row(db, return_id)
    order_id = find_order_id(db.conn, order_id) or order_id.strip()
    order = _order_row(db, order_id)
    if not row["buyer_id"] or order["buyer_id"] != row["buyer_id"]:
        raise KioskError(_("Order {order_id} is not from the buyer of return {return_id}: one return covers"
                           " one buyer's orders.").format(order_id=order_id, return_id=return_id))
    with transaction(db) as conn:
        if conn.execute("SELECT 1 FROM return_orders WHERE return_id = ? AND order_id = ?",
                        (return_id, order_id)).fetchone():
            raise KioskError(_("Return {return_id} already covers order {order_id}.").format(
                return_id=return_id, order_id=order_id))
        conn.execute("INSERT INTO return_orders (return_id, order_id) VALUES (?, ?)", (return_id, order_id))
        record_event(conn, "return_order_added", order_id=order_id, operator=operator.badge, station=station,
                     return_id=return_id)
    return order_id


def _order_ids(db: sqlite_utils.Database, return_id: int) -> list[str]:
    return [row[0] for row in db.execute(
        "SELECT o.order_id FROM return_orders o JOIN orders d ON d.order_id = o.order_id WHERE o.return_id = ?"
        " ORDER BY d.created_at, o.order_id", [return_id])]


def _shipped_quantities(db: sqlite_utils.Database, order_id: str, lines: list[OrderLine]) -> dict[int, int]:
    """What went out per line: the shipment's recorded lines, else (older shipments) the whole order."""
    recorded = dict(db.execute(
        "SELECT l.line_no, SUM(l.quantity) FROM shipment_lines l JOIN shipments s ON s.id = l.shipment_id"
        " WHERE s.order_id = ? AND s.voided_at IS NULL GROUP BY l.line_no", [order_id]).fetchall())
    return recorded or {line.line_no: line.quantity for line in lines}


def _return_lines(db: sqlite_utils.Database, return_id: int) -> list[tuple[ReturnLine, OrderLine]]:
    result = []
    for order_id in _order_ids(db, return_id):
        lines = get_lines(db, order_id)
        shipped = _shipped_quantities(db, order_id, lines)
        back = dict(db.execute(
            "SELECT line_no, SUM(CASE WHEN return_id = ? THEN 0 ELSE quantity END) FROM return_items"
            " WHERE order_id = ? GROUP BY line_no", [return_id, order_id]).fetchall())
        here = dict(db.execute(
            "SELECT line_no, SUM(quantity) FROM return_items WHERE return_id = ? AND order_id = ? GROUP BY line_no",
            [return_id, order_id]).fetchall())
        for line in lines:
            result.append((ReturnLine(order_id, line.line_no, line.sku, line.description,
                                      shipped.get(line.line_no, 0), back.get(line.line_no, 0),
                                      here.get(line.line_no, 0)), line))
    return result


def receive_item(
    db: sqlite_utils.Database, return_id: int, raw_code: str, operator: Operator, station: str, *,
    condition: str, outcome: str, quantity: int = 1,
) -> ReturnScanOutcome:
    """Check in one scanned item of a returned parcel, with its condition and what becomes of it.

    Refused, as at packing, when the code is unknown, is not an item shipped to this buyer in the
    orders the return covers, is another variant of one, or would be more than was shipped.
    Every scan, refused or not, is an event.
    """
    require_aftersales(operator)
    row = _return_row(db, return_id)
    if row["kind"] != "parcel":
        raise KioskError(_("Return {return_id} is a refund without a parcel: nothing to scan.").format(
            return_id=return_id))
    if condition not in CONDITIONS:
        raise KioskError(_("Unknown condition {condition}: use one of {conditions}.").format(
            condition=condition, conditions=", ".join(CONDITIONS)))
    if outcome not in OUTCOMES:
        raise KioskError(_("Unknown outcome {outcome}: use one of {outcomes}.").format(
            outcome=outcome, outcomes=", ".join(OUTCOMES)))
    if not 1 <= quantity <= MAX_BULK:
        raise KioskError(_("Quantity must be 1 to {limit}.").format(limit=MAX_BULK))
    try:
        code = clean_scan(raw_code)
    except KioskError as error:
        return _refuse(db, row, raw_code.strip()[:64], ScanResult.UNREADABLE, str(error), operator, station)
    pairs = _return_lines(db, return_id)
    # Filled like an order being packed: what came back so far of what is still out with the buyer.
    progress = [LineProgress(OrderLine(line.line_no, line.sku, order_line.name, order_line.colour, order_line.size,
                                       line.shipped), line.this_return, line.earlier_returns)
                for line, order_line in pairs]
    match = match_item(db, progress, code, quantity)
    target = match.progress
    if match.result is ScanResult.UNKNOWN_CODE:
        return _refuse(db, row, code, match.result, _(
            "Unknown barcode {code}: not in the catalogue. Set the item aside and ask a supervisor.").format(code=code),
            operator, station)
    if match.result in (ScanResult.NOT_IN_ORDER, ScanResult.WRONG_VARIANT):
        elsewhere = other_orders_with(db, row, match.product["sku"])
        if elsewhere:
            # One parcel back with items of two orders: the other order joins the return first.
            return _refuse(db, row, code, match.result, _(
                "{item} was shipped to this buyer in order {orders}, which this return does not cover yet:"
                " add that order, then scan it again.").format(
                    item=describe_product(match.product), orders=_(" or ").join(elsewhere)), operator, station)
    if match.result is ScanResult.NOT_IN_ORDER:
        return _refuse(db, row, code, match.result, _(
            "Not shipped to this buyer: {item}. It is not taken back; set it aside.").format(
                item=describe_product(match.product)), operator, station)
    if match.result is ScanResult.WRONG_VARIANT and target is not None:
        wanted = _(" or ").join(p.line.variant or p.line.name for p in match.needed)
        return _refuse(db, row, code, match.result, _(
            "Wrong variant: {scanned} came back, but the buyer was sent {needed} ({name}).").format(
                scanned=match.product["variant"] or describe_product(match.product), needed=wanted,
                name=match.product["name"]), operator, station)
    line, _order_line = pairs[next(i for i, p in enumerate(progress) if p is target)]
    if match.result is ScanResult.LINE_COMPLETE:
        return _refuse(db, row, code, match.result, _(
            "Too many: {shipped} {item} were shipped and {back} already came back.").format(
                shipped=line.shipped, item=line.item, back=line.earlier_returns + line.this_return),
            operator, station)
    now = utcnow()
    with transaction(db) as conn:
        item_id = conn.execute(
            "INSERT INTO return_items (return_id, order_id, line_no, raw_code, quantity, condition, outcome,"
            " operator, station, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (return_id, line.order_id, line.line_no, code, quantity, condition, outcome, operator.badge, station, now),
        ).lastrowid
        record_event(conn, "return_item_received", order_id=line.order_id, operator=operator.badge, station=station,
                     return_id=return_id, code=code, line_no=line.line_no, quantity=quantity, condition=condition,
                     outcome=outcome)
    item = ReturnItem(item_id, line.order_id, line.line_no, line.item, code, quantity, condition, outcome,
                      operator.badge, now)
    back = line.this_return + quantity
    return ReturnScanOutcome(ScanResult.ACCEPTED, _("Checked in: {item}, {back} of {shipped} ({condition}, {outcome}).")
                             .format(item=line.item, back=back, shipped=line.shipped - line.earlier_returns,
                                     condition=item.condition_name, outcome=item.outcome_name), item)


def other_orders_with(db: sqlite_utils.Database, row: dict, sku: str) -> list[str]:
    """Shipped orders of the return's buyer, not yet covered by it, that hold ``sku`` (newest first)."""
    if not row["buyer_id"]:
        return []
    return [found[0] for found in db.execute(
        "SELECT o.order_id FROM orders o WHERE o.buyer_id = ? AND o.status = 'shipped'"
        " AND EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.order_id AND l.sku = ?)"
        " AND o.order_id NOT IN (SELECT order_id FROM return_orders WHERE return_id = ?)"
        " ORDER BY o.created_at DESC LIMIT ?", [row["buyer_id"], sku, row["id"], MAX_HINTED_ORDERS])]


def _refuse(db: sqlite_utils.Database, row: dict, code: str, result: ScanResult, message: str, operator: Operator,
            station: str) -> ReturnScanOutcome:
    with transaction(db) as conn:
        record_event(conn, "return_scan_refused", order_id=row["order_id"], operator=operator.badge, station=station,
                     return_id=row["id"], code=code or "(empty)", result=result.value)
    return ReturnScanOutcome(result, message)


def add_refund_line(
    db: sqlite_utils.Database, return_id: int, order_id: str, line_no: int, quantity: int, operator: Operator,
    station: str,
) -> None:
    """A line refunded without its goods coming back (a refund-only return)."""
    require_aftersales(operator)
    row = _return_row(db, return_id)
    if row["kind"] != "refund_only":
        raise KioskError(_("Return {return_id} has a parcel: scan the items that came back.").format(
            return_id=return_id))
    line = next((line for line, _o in _return_lines(db, return_id)
                 if line.order_id == order_id and line.line_no == line_no), None)
    if line is None:
        raise KioskError(_("Return {return_id} covers no line {line_no} of order {order_id}.").format(
            return_id=return_id, line_no=line_no, order_id=order_id))
    left = line.shipped - line.earlier_returns - line.this_return
    if not 1 <= quantity <= left:
        raise KioskError(_("Line {line_no} has {left} units that could be refunded: {quantity} is not possible.")
                         .format(line_no=line_no, left=left, quantity=quantity))
    with transaction(db) as conn:
        conn.execute(
            "INSERT INTO return_items (return_id, order_id, line_no, quantity, operator, station, received_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (return_id, order_id, line_no, quantity, operator.badge, station, utcnow()),
        )
        record_event(conn, "return_item_received", order_id=order_id, operator=operator.badge, station=station,
                     return_id=return_id, line_no=line_no, quantity=quantity, refund_only=True)


def refundable_lines(view: ReturnView) -> tuple[ReturnLine, ...]:
    """The lines of a refund-only return with units that could still be refunded, as numbered on screen."""
    return tuple(line for line in view.lines if line.shipped - line.earlier_returns - line.this_return > 0)


def pick_refund_line(db: sqlite_utils.Database, return_id: int, answer: str, operator: Operator) -> ReturnLine:
    """The line a person means for a refund: its number among ``refundable_lines`` (1, 2...), or
    its sku or an item barcode (scanned from a sample or typed), the first such line with units left."""
    view = return_view(db, return_id, operator)
    if view.status == "closed":
        raise KioskError(_("Return {return_id} is closed.").format(return_id=return_id))
    choices = refundable_lines(view)
    if not choices:
        raise KioskError(_("Every unit of the orders of return {return_id} is refunded or came back already.")
                         .format(return_id=return_id))
    text = answer.strip()
    if text.isdigit() and len(text) <= 3:
        if 1 <= int(text) <= len(choices):
            return choices[int(text) - 1]
        raise KioskError(_("Type a number from 1 to {count}, or scan the item.").format(count=len(choices)))
    product = product_for_code(db, clean_scan(text)) if text else None
    if product is None:
        raise KioskError(_("{answer} is no line number, sku or barcode of the items: type a number from 1 to"
                           " {count}.").format(answer=text, count=len(choices)))
    line = next((line for line in choices if line.sku == product["sku"]), None)
    if line is None:
        raise KioskError(_("{item} is not among the units that could be refunded.").format(
            item=describe_product(product)))
    return line


def check_closable(view: ReturnView) -> None:
    """Refuse to close a return that holds nothing yet (asked before the closing questions, too)."""
    if view.status == "closed":
        raise KioskError(_("Return {return_id} is closed.").format(return_id=view.return_id))
    if view.items:
        return
    if view.kind == "parcel":
        raise KioskError(_("Nothing was checked in: scan the items that came back before closing the return."))
    raise KioskError(_("No line is refunded yet: say which items the money is for before closing."))


def check_amount(view: ReturnView, amount: Decimal) -> None:
    """A refund-only return pays the buyer: without goods coming back there is nothing to charge for."""
    if view.kind == "refund_only" and amount <= 0:
        raise KioskError(_("A refund-only return needs the amount refunded (more than 0)."))


def close_return(
    db: sqlite_utils.Database, return_id: int, operator: Operator, station: str, *,
    amount_difference: str | Decimal, accessories_complete: bool | None = None,
    packaging_complete: bool | None = None, note: str = "",
) -> ReturnView:
    """Settle a return: the amount refunded (negative: charged extra) and, for a parcel, whether
    accessories and packaging were complete. Nothing changes on a closed return."""
    require_aftersales(operator)
    _return_row(db, return_id)
    view = return_view(db, return_id, operator)
    check_closable(view)
    amount = parse_amount(amount_difference, allow_negative=True)
    check_amount(view, amount)
    note = " ".join(note.split())
    if len(note) > MAX_NOTE:
        raise KioskError(_("The note is too long (at most {limit} characters).").format(limit=MAX_NOTE))
    if view.kind == "parcel" and (accessories_complete is None or packaging_complete is None):
        raise KioskError(_("Say whether accessories and packaging came back complete."))
    now = utcnow()
    with transaction(db) as conn:
        conn.execute(
            "UPDATE returns SET status = 'closed', amount_difference = ?, accessories_complete = ?,"
            " packaging_complete = ?, note = ?, closed_by = ?, closed_at = ? WHERE id = ?",
            (float(amount), accessories_complete, packaging_complete, note, operator.badge, now, return_id),
        )
        for order_id in _order_ids(db, return_id):
            record_event(conn, "return_closed", order_id=order_id, operator=operator.badge, station=station,
                         return_id=return_id, amount_difference=str(amount),
                         accessories_complete=accessories_complete, packaging_complete=packaging_complete, note=note)
    return return_view(db, return_id, operator)


def return_view(db: sqlite_utils.Database, return_id: int, operator: Operator) -> ReturnView:
    require_aftersales(operator)
    row = _return_row(db, return_id, open_only=False)
    lines = _return_lines(db, return_id)
    names = {(line.order_id, line.line_no): line.item for line, _o in lines}
    items = tuple(
        ReturnItem(r["id"], r["order_id"], r["line_no"], names.get((r["order_id"], r["line_no"]), ""), r["raw_code"],
                   r["quantity"], r["condition"], r["outcome"], r["operator"], r["received_at"])
        for r in db.query("SELECT * FROM return_items WHERE return_id = ? ORDER BY id", [return_id])
    )

    def flag(value: int | None) -> bool | None:
        return None if value is None else bool(value)

    return ReturnView(
        return_id=return_id, kind=row["kind"], status=row["status"], return_tracking=row["return_tracking"],
        buyer_id=row["buyer_id"], order_ids=tuple(_order_ids(db, return_id)), case_id=row["case_id"],
        lines=tuple(line for line, _o in lines), items=items,
        accessories_complete=flag(row["accessories_complete"]), packaging_complete=flag(row["packaging_complete"]),
        amount_difference=stored_amount(row["amount_difference"]), note=row["note"], operator=row["operator"],
        created_at=row["created_at"], closed_by=row["closed_by"] or "", closed_at=row["closed_at"] or "",
    )


def returns_for_order(db: sqlite_utils.Database, order_id: str, operator: Operator) -> tuple[ReturnView, ...]:
    require_aftersales(operator)
    return tuple(return_view(db, row[0], operator) for row in db.execute(
        "SELECT return_id FROM return_orders WHERE order_id = ? ORDER BY return_id", [order_id]))
