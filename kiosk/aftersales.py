"""Buyer claims after delivery: a case against a shipment, with the packing evidence beside it.

A case records what went wrong (item missing, damaged in transit, wrong item received, not
received, other), what the buyer asks for (refund, resend, exchange, partial refund) and how
much; it moves between open, waiting for the buyer, waiting for the courier and resolved, each
step an event with who. A resend is a new paid order linked to the original (``orders.resend_of``)
holding only the items sent again; the packers' queue flags it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import sqlite_utils

from kiosk.auth import Operator, require_aftersales
from kiosk.db import record_event, transaction, utcnow
from kiosk.errors import KioskError
from kiosk.evidence import ShipmentEvidence, operator_names, shipment_evidence
from kiosk.i18n import N_, _
from kiosk.orders import get_lines

CASE_KINDS = {
    "item_missing": N_("item missing"),
    "damaged_in_transit": N_("damaged in transit"),
    "wrong_item": N_("wrong item received"),
    "not_received": N_("not received"),
    "other": N_("other"),
}
REQUESTS = {
    "refund": N_("refund"),
    "resend": N_("resend"),
    "exchange": N_("exchange"),
    "partial_refund": N_("partial refund"),
}
CASE_STATUSES = {
    "open": N_("open"),
    "waiting_for_buyer": N_("waiting for the buyer"),
    "waiting_for_courier": N_("waiting for the courier"),
    "resolved": N_("resolved"),
}
# Kinds only words can explain.
DESCRIPTION_REQUIRED = {"wrong_item", "other"}
MAX_TEXT = 500
MAX_AMOUNT = Decimal("1000000")
CASE_EVENTS = ("case_opened", "case_status", "case_resolved", "resend_created")


def parse_amount(value: str | Decimal | float | int, *, allow_negative: bool = False) -> Decimal:
    """A money amount with at most two decimals ("12.50"); negative only where it means an extra charge."""
    try:
        amount = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation as error:
        raise KioskError(_("{value} is not an amount: write it like 12.50.").format(value=value)) from error
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
        raise KioskError(_("{value} is not an amount: write it like 12.50.").format(value=value))
    if amount < 0 and not allow_negative:
        raise KioskError(_("The amount cannot be negative."))
    if abs(amount) >= MAX_AMOUNT:
        raise KioskError(_("The amount is too large (below {limit}).").format(limit=MAX_AMOUNT))
    return amount.quantize(Decimal("0.01"))


def stored_amount(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class Case:
    case_id: int
    order_id: str
    shipment_id: int
    kind: str
    description: str
    request: str
    amount: Decimal
    status: str
    resolution: str
    resend_order_id: str
    operator: str
    station: str
    opened_at: str
    updated_at: str
    resolved_at: str

    @property
    def kind_name(self) -> str:
        return _(CASE_KINDS[self.kind])

    @property
    def request_name(self) -> str:
        return _(REQUESTS[self.request])

    @property
    def status_name(self) -> str:
        return _(CASE_STATUSES[self.status])


@dataclass(frozen=True)
class CaseStep:
    at: str
    kind: str
    status: str
    note: str
    operator: str
    operator_name: str
    station: str


@dataclass(frozen=True)
class CaseView:
    """A claim as the screen shows it: the case, its steps, and the packing evidence beside it."""

    case: Case
    purchase_date: str
    steps: tuple[CaseStep, ...]
    evidence: ShipmentEvidence


@dataclass(frozen=True)
class ResendItem:
    """Units of one line of the original order to send again; ``sku`` another variant (an exchange)."""

    line_no: int
    quantity: int
    sku: str | None = None


def _case(row: dict) -> Case:
    return Case(row["id"], row["order_id"], row["shipment_id"], row["kind"], row["description"], row["request"],
                stored_amount(row["amount"]), row["status"], row["resolution"], row["resend_order_id"] or "",
                row["operator"], row["station"], row["opened_at"], row["updated_at"], row["resolved_at"] or "")


def _case_row(db: sqlite_utils.Database, case_id: int) -> dict:
    rows = list(db.query("SELECT * FROM aftersales_cases WHERE id = ?", [case_id]))
    if not rows:
        raise KioskError(_("No claim {case_id}.").format(case_id=case_id))
    return rows[0]


def _clean_text(text: str, what: str) -> str:
    text = " ".join(text.split())
    if len(text) > MAX_TEXT:
        raise KioskError(_("The {what} is too long (at most {limit} characters).").format(what=what, limit=MAX_TEXT))
    return text


def open_case(
    db: sqlite_utils.Database, operator: Operator, station: str, *, shipment_id: int, kind: str, request: str,
    amount: str | Decimal = "0", description: str = "",
) -> Case:
    """Record a buyer's claim against a shipment that went out."""
    require_aftersales(operator)
    if kind not in CASE_KINDS:
        raise KioskError(_("Unknown claim kind {kind}: use one of {kinds}.").format(
            kind=kind, kinds=", ".join(CASE_KINDS)))
    if request not in REQUESTS:
        raise KioskError(_("Unknown request {request}: use one of {requests}.").format(
            request=request, requests=", ".join(REQUESTS)))
    value = parse_amount(amount)
    if request == "partial_refund" and value <= 0:
        raise KioskError(_("A partial refund needs its amount."))
    description = _clean_text(description, _("description"))
    if kind in DESCRIPTION_REQUIRED and not description:
        raise KioskError(_("Describe what the buyer says: it is needed for {kind}.").format(kind=_(CASE_KINDS[kind])))
    now = utcnow()
    with transaction(db) as conn:
        shipment = conn.execute("SELECT order_id, tracking_number, voided_at FROM shipments WHERE id = ?",
                                (shipment_id,)).fetchone()
        if shipment is None:
            raise KioskError(_("No shipment {shipment_id}.").format(shipment_id=shipment_id))
        order_id, tracking, voided_at = shipment
        if voided_at:
            raise KioskError(_("Shipment {tracking} was voided: it never went out, so no claim can be made"
                               " against it.").format(tracking=tracking))
        case_id = conn.execute(
            "INSERT INTO aftersales_cases (order_id, shipment_id, kind, description, request, amount, status,"
            " operator, station, opened_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?)",
            (order_id, shipment_id, kind, description, request, float(value), operator.badge, station, now, now),
        ).lastrowid
        record_event(conn, "case_opened", order_id=order_id, operator=operator.badge, station=station,
                     case_id=case_id, shipment_id=shipment_id, tracking_number=tracking, case_kind=kind,
                     request=request, amount=str(value), description=description, status="open")
    return _case(_case_row(db, case_id))


def set_case_status(
    db: sqlite_utils.Database, case_id: int, status: str, operator: Operator, station: str, note: str = ""
) -> Case:
    """Move an open claim to waiting for the buyer, waiting for the courier, or back to open."""
    require_aftersales(operator)
    if status not in CASE_STATUSES or status == "resolved":
        raise KioskError(_("A claim can be set to open, waiting_for_buyer or waiting_for_courier;"
                           " resolving it needs a resolution."))
    note = _clean_text(note, _("note"))
    row = _case_row(db, case_id)
    _refuse_resolved(row)
    if row["status"] == status:
        raise KioskError(_("Claim {case_id} is already {status}.").format(
            case_id=case_id, status=_(CASE_STATUSES[status])))
    with transaction(db) as conn:
        conn.execute("UPDATE aftersales_cases SET status = ?, updated_at = ? WHERE id = ?", (status, utcnow(), case_id))
        record_event(conn, "case_status", order_id=row["order_id"], operator=operator.badge, station=station,
                     case_id=case_id, status=status, previous=row["status"], note=note)
    return _case(_case_row(db, case_id))


def resolve_case(
    db: sqlite_utils.Database, case_id: int, resolution: str, operator: Operator, station: str
) -> Case:
    require_aftersales(operator)
    resolution = _clean_text(resolution, _("resolution"))
    if not resolution:
        raise KioskError(_("Write how the claim was resolved."))
    row = _case_row(db, case_id)
    _refuse_resolved(row)
    now = utcnow()
    with transaction(db) as conn:
        conn.execute("UPDATE aftersales_cases SET status = 'resolved', resolution = ?, updated_at = ?,"
                     " resolved_at = ? WHERE id = ?", (resolution, now, now, case_id))
        record_event(conn, "case_resolved", order_id=row["order_id"], operator=operator.badge, station=station,
                     case_id=case_id, status="resolved", previous=row["status"], note=resolution)
    return _case(_case_row(db, case_id))


def _refuse_resolved(row: dict) -> None:
    if row["status"] == "resolved":
        raise KioskError(_("Claim {case_id} is resolved already.").format(case_id=row["id"]))


def resend_lines(
    db: sqlite_utils.Database, original: str, items: Sequence[ResendItem]
) -> list[tuple[str, str, str, str, int]]:
    """The lines (sku, name, colour, size, quantity) a resend of ``items`` of ``original`` would have;
    KioskError naming what is wrong. Asked before a claim is recorded, so a claim with a resend that
    cannot be made is refused whole."""
    lines = {line.line_no: line for line in get_lines(db, original)}
    if not items:
        raise KioskError(_("Choose the items to send again."))
    if len({item.line_no for item in items}) != len(items):
        raise KioskError(_("Each line of the order can be listed once."))
    new_lines = []
    for item in items:
        line = lines.get(item.line_no)
        if line is None:
            raise KioskError(_("Order {order_id} has no line {line_no}.").format(order_id=original,
                                                                                line_no=item.line_no))
        if not 1 <= item.quantity <= line.quantity:
            raise KioskError(_("Line {line_no} had {ordered} units: resend 1 to {ordered}.").format(
                line_no=item.line_no, ordered=line.quantity))
        if item.sku and item.sku != line.sku:
            product = db.execute("SELECT name, colour, size FROM products WHERE sku = ? AND active = 1",
                                 [item.sku]).fetchone()
            if product is None:
                raise KioskError(_("No product {sku} in the catalogue.").format(sku=item.sku))
            new_lines.append((item.sku, *product, item.quantity))
        else:
            new_lines.append((line.sku, line.name, line.colour, line.size, item.quantity))
    return new_lines


def check_resend(db: sqlite_utils.Database, shipment_id: int, items: Sequence[ResendItem]) -> None:
    """Refuse, before a claim against ``shipment_id`` is recorded, a resend of ``items`` that could not be made."""
    row = db.execute("SELECT order_id FROM shipments WHERE id = ?", [shipment_id]).fetchone()
    if row is None:
        raise KioskError(_("No shipment {shipment_id}.").format(shipment_id=shipment_id))
    resend_lines(db, row[0], items)


def create_resend(
    db: sqlite_utils.Database, case_id: int, items: Sequence[ResendItem], operator: Operator, station: str
) -> str:
    """A new paid order with only the items sent again, linked to the claim's order; returns its id.

    It goes to the packers' queue at once (flagged as a resend, ahead of ordinary orders).
    """
    require_aftersales(operator)
    row = _case_row(db, case_id)
    _refuse_resolved(row)
    if row["resend_order_id"]:
        raise KioskError(_("Claim {case_id} already has its resend, order {order_id}.").format(
            case_id=case_id, order_id=row["resend_order_id"]))
    original = row["order_id"]
    new_lines = resend_lines(db, original, items)
    now = utcnow()
    with transaction(db) as conn:
        count = conn.execute("SELECT COUNT(*) FROM orders WHERE resend_of = ?", (original,)).fetchone()[0]
        number = count + 1
        while conn.execute("SELECT 1 FROM orders WHERE order_id = ?", (f"{original}-R{number}",)).fetchone():
            number += 1
        resend_id = f"{original}-R{number}"
        # The buyer and address of the original; it is paid (the buyer paid once) and urgent.
        conn.execute(
            "INSERT INTO orders (order_id, platform, buyer_id, recipient_name, phone, email, address, city, province,"
            " postal_code, country, requested_carrier, status, paid_at, created_at, priority, resend_of)"
            " SELECT ?, platform, buyer_id, recipient_name, phone, email, address, city, province, postal_code,"
            " country, requested_carrier, 'paid', ?, ?, 1, order_id FROM orders WHERE order_id = ?",
            (resend_id, now, now, original),
        )
        conn.executemany(
            "INSERT INTO order_lines (order_id, line_no, sku, name, colour, size, quantity)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(resend_id, line_no, *values) for line_no, values in enumerate(new_lines, 1)],
        )
        conn.execute("UPDATE aftersales_cases SET resend_order_id = ?, updated_at = ? WHERE id = ?",
                     (resend_id, now, case_id))
        units = sum(values[-1] for values in new_lines)
        record_event(conn, "resend_created", order_id=original, operator=operator.badge, station=station,
                     case_id=case_id, resend_order_id=resend_id, units=units)
        record_event(conn, "resend_order_created", order_id=resend_id, operator=operator.badge, station=station,
                     case_id=case_id, resend_of=original, units=units)
    return resend_id


def case_view(db: sqlite_utils.Database, case_id: int, operator: Operator) -> CaseView:
    require_aftersales(operator)
    case = _case(_case_row(db, case_id))
    names = operator_names(db)
    marks = ", ".join("?" * len(CASE_EVENTS))
    steps = []
    for row in db.query(
        f"SELECT at, kind, operator, station, detail FROM events WHERE order_id = ? AND kind IN ({marks})"
        " AND json_extract(detail, '$.case_id') = ? ORDER BY id",
        [case.order_id, *CASE_EVENTS, case_id],
    ):
        detail = json.loads(row["detail"])
        steps.append(CaseStep(row["at"], row["kind"], detail.get("status", ""),
                              detail.get("note") or detail.get("description") or detail.get("resend_order_id", ""),
                              row["operator"] or "", names.get(row["operator"] or "", ""), row["station"]))
    purchase = db.execute("SELECT created_at FROM orders WHERE order_id = ?", [case.order_id]).fetchone()[0]
    return CaseView(case, purchase, tuple(steps), shipment_evidence(db, case.shipment_id))


def cases_for_order(db: sqlite_utils.Database, order_id: str, operator: Operator) -> tuple[Case, ...]:
    require_aftersales(operator)
    return tuple(_case(row) for row in db.query(
        "SELECT * FROM aftersales_cases WHERE order_id = ? ORDER BY id", [order_id]))


def open_cases(db: sqlite_utils.Database, operator: Operator) -> tuple[Case, ...]:
    """Claims not resolved yet, oldest first: the after-sales work list."""
    require_aftersales(operator)
    return tuple(_case(row) for row in db.query(
        "SELECT * FROM aftersales_cases WHERE status != 'resolved' ORDER BY status, opened_at, id"))
