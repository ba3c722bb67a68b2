"""An order's whole history, from the append-only audit log, in words a person reads.

``order_history`` is the short list a supervisor reads beside an exception; ``order_timeline``
is the whole story after-sales reads: every event of the order in time order, with the packing
evidence of each shipment.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import sqlite_utils

from kiosk.auth import Operator, require_aftersales
from kiosk.errors import KioskError
from kiosk.evidence import ShipmentEvidence, operator_names, order_shipments, result_name
from kiosk.i18n import N_, _
from kiosk.orders import OrderLine, find_order_id, get_lines, status_name

EVENT_NAMES = {
    "order_placed": N_("order placed"),
    "order_paid": N_("paid"),
    "order_imported": N_("imported"),
    "order_updated": N_("updated by an import"),
    "claim_resumed": N_("resumed at the station"),
    "notes_acknowledged": N_("notes read"),
    "parcels_set": N_("number of parcels set"),
    "item_scanned": N_("item scanned"),
    "scan_refused": N_("scan refused"),
    "scan_undone": N_("scan undone"),
    "parcel_recorded": N_("waybill recorded"),
    "shipped": N_("shipped"),
    "print_queued": N_("label queued"),
    "label_printed": N_("label printed"),
    "label_reprinted": N_("label reprinted"),
    "label_exported": N_("label exported"),
    "print_failed": N_("label not printed"),
    "print_retry": N_("label retried"),
    "print_redirected": N_("label sent to another printer"),
    "label_sending": N_("label handed to the printer"),
    "shipment_voided": N_("shipment voided"),
    "problem_reported": N_("problem reported"),
    "short_approved": N_("short shipment approved"),
    "problem_resolved": N_("problem resolved"),
    "supervisor_approved": N_("supervisor approved"),
    "manifest_closed": N_("pickup manifest closed"),
    "case_opened": N_("buyer's claim opened"),
    "case_status": N_("claim status changed"),
    "case_resolved": N_("claim resolved"),
    "resend_created": N_("resend order created"),
    "resend_order_created": N_("created as a resend"),
    "return_registered": N_("return registered"),
    "return_order_added": N_("added to a return"),
    "return_item_received": N_("returned item checked in"),
    "return_scan_refused": N_("return scan refused"),
    "return_closed": N_("return closed"),
    "personal_data_viewed": N_("contact data viewed"),
}
# The detail fields worth showing when an event has no wording of its own, in this order.
DETAIL_FIELDS = ("reason", "code", "result", "tracking_number", "carrier", "problem_kind", "quantity",
                 "description", "resolution", "action", "error", "printer", "file")


def event_name(kind: str) -> str:
    if kind.startswith("status_"):
        return _("now {status}").format(status=status_name(kind.removeprefix("status_")))
    return _(EVENT_NAMES[kind]) if kind in EVENT_NAMES else kind


def _generic_details(detail: dict) -> str:
    return " · ".join(str(detail[name]) for name in DETAIL_FIELDS if detail.get(name) not in (None, ""))


@dataclass(frozen=True)
class HistoryEntry:
    at: str
    kind: str
    operator: str
    station: str
    detail: dict

    @property
    def what(self) -> str:
        return event_name(self.kind)

    @property
    def details(self) -> str:
        return _generic_details(self.detail)


def order_history(db: sqlite_utils.Database, order_id: str, limit: int | None = None) -> list[HistoryEntry]:
    """Newest first."""
    sql = "SELECT at, kind, operator, station, detail FROM events WHERE order_id = ? ORDER BY id DESC"
    params: list = [order_id]
    if limit:
        sql += " LIMIT ?"
        params.append(limit)
    return [
        HistoryEntry(row["at"], row["kind"], row["operator"] or "", row["station"], json.loads(row["detail"]))
        for row in db.query(sql, params)
    ]


@dataclass(frozen=True)
class TimelineEntry:
    at: str
    kind: str
    what: str
    details: str
    operator: str
    operator_name: str
    station: str
    shipment_id: int | None = None


@dataclass(frozen=True)
class OrderTimeline:
    order_id: str
    platform: str
    status: str
    recipient_name: str
    buyer_id: str
    created_at: str
    paid_at: str
    buyer_note: str
    seller_note: str
    requested_carrier: str
    # The order this one resends items of, and the orders that resend items of this one.
    resend_of: str
    resends: tuple[str, ...]
    lines: tuple[OrderLine, ...]
    # Oldest first.
    entries: tuple[TimelineEntry, ...]
    shipments: tuple[ShipmentEvidence, ...]

    @property
    def status_name(self) -> str:
        return status_name(self.status)


def resolve_order_id(db: sqlite_utils.Database, text: str) -> str:
    """The order a typed or scanned number means (kiosk.orders.find_order_id), or KioskError."""
    order_id = find_order_id(db.conn, text)
    if order_id is None:
        raise KioskError(_("No order {order_id}.").format(order_id=text.strip()))
    return order_id


def _details(kind: str, detail: dict, items: dict[int, str]) -> str:
    """What an event says, in a line; the wording of each kind that needs more than its fields."""
    item = items.get(detail.get("line_no"), "") if detail.get("line_no") is not None else ""
    if kind in ("order_imported", "order_updated"):
        if detail.get("file"):
            if detail.get("line"):
                return _("{file}, line {line}").format(file=detail["file"], line=detail["line"])
            return str(detail["file"])
        return " · ".join(str(detail[k]) for k in ("source", "platform") if detail.get(k))
    if kind in ("item_scanned", "scan_undone"):
        parts = [item or str(detail.get("code", ""))]
        if detail.get("code") and item:
            parts.append(str(detail["code"]))
        if (detail.get("quantity") or 1) > 1:
            parts.append(f"×{detail['quantity']}")
        return " · ".join(parts)
    if kind == "scan_refused":
        return " · ".join(filter(None, [str(detail.get("code", "")), result_name(detail.get("result", "")), item]))
    if kind in ("parcel_recorded", "shipped"):
        text = f"{detail.get('carrier', '')} {detail.get('tracking_number', '')}".strip()
        if detail.get("package_count", 1) > 1:
            text += " · " + _("package {number} of {count}").format(number=detail["package_no"],
                                                                 count=detail["package_count"])
        return text
    if kind == "shipment_voided":
        return " · ".join([", ".join(detail.get("tracking_numbers", [])), detail.get("reason", "")])
    if kind in ("print_queued", "label_printed", "label_reprinted", "print_failed", "print_retry",
                "print_redirected", "label_sending"):
        parts = [_("label {number}").format(number=detail["job_id"])] if detail.get("job_id") else []
        parts.extend(str(detail[k]) for k in ("printer", "reason", "file", "error") if detail.get(k))
        return " · ".join(parts)
    if kind == "problem_reported":
        return " · ".join(filter(None, [str(detail.get("problem_kind", "")), item,
                                        str(detail.get("quantity") or ""), detail.get("description", "")]))
    if kind.startswith(("case_", "resend_", "return_")):
        return _aftersales_details(kind, detail, item)
    if kind == "personal_data_viewed":
        return ", ".join(detail.get("fields", []))
    return _generic_details(detail)


def _aftersales_details(kind: str, detail: dict, item: str) -> str:
    from kiosk.aftersales import CASE_KINDS, CASE_STATUSES, REQUESTS
    from kiosk.returns import CONDITIONS, OUTCOMES

    def name(table: dict[str, str], key: str) -> str:
        value = detail.get(key) or ""
        return _(table[value]) if value in table else str(value)

    claim = _("claim {number}").format(number=detail.get("case_id"))
    parcel = _("return {number}").format(number=detail.get("return_id"))
    parts: list[str]
    if kind == "case_opened":
        parts = [claim, name(CASE_KINDS, "case_kind"), name(REQUESTS, "request"), detail.get("amount", ""),
                 detail.get("tracking_number", ""), detail.get("description", "")]
        if detail.get("amount") in ("0", "0.00"):
            parts[3] = ""
    elif kind in ("case_status", "case_resolved"):
        parts = [claim, name(CASE_STATUSES, "status"), detail.get("note", "")]
    elif kind == "resend_created":
        parts = [claim, "→ " + str(detail.get("resend_order_id", ""))]
    elif kind == "resend_order_created":
        parts = [claim, "← " + str(detail.get("resend_of", ""))]
    elif kind == "return_registered":
        refund_only = detail.get("return_kind") == "refund_only"
        parts = [parcel, _("refund only") if refund_only else detail.get("return_tracking", "")]
    elif kind == "return_item_received":
        # A refund-only line was never in hand: no code, condition or outcome, but said so.
        parts = [parcel, item, str(detail.get("code", "")), f"×{detail['quantity']}" if detail.get("quantity", 1) > 1
                 else "", _("refund only") if detail.get("refund_only") else "", name(CONDITIONS, "condition"),
                 name(OUTCOMES, "outcome")]
    elif kind == "return_scan_refused":
        parts = [parcel, str(detail.get("code", "")), result_name(detail.get("result", ""))]
    elif kind == "return_closed":
        amount = _("amount {amount}").format(amount=detail.get("amount_difference", ""))
        parts = [parcel, amount, detail.get("note", "")]
    else:
        parts = [claim if "case_id" in detail else parcel]
    return " · ".join(str(part) for part in parts if part)


def order_timeline(db: sqlite_utils.Database, order_id: str, operator: Operator) -> OrderTimeline:
    """Everything that happened to an order, oldest first, and each shipment's packing evidence.

    ``order_id`` may be written without the platform's punctuation ("1010" for "#1010").
    """
    require_aftersales(operator)
    order_id = resolve_order_id(db, order_id)
    order = next(iter(db.query("SELECT * FROM orders WHERE order_id = ?", [order_id])))
    lines = tuple(get_lines(db, order_id))
    items = {line.line_no: line.description for line in lines}
    names = operator_names(db)
    timed: list[tuple[str, int, TimelineEntry]] = [
        (order["created_at"], 0, TimelineEntry(order["created_at"], "order_placed", event_name("order_placed"),
                                               order["platform"], "", "", "")),
    ]
    if order["paid_at"]:
        timed.append((order["paid_at"], 0, TimelineEntry(order["paid_at"], "order_paid", event_name("order_paid"),
                                                         "", "", "", "")))
    for row in db.query("SELECT id, at, kind, operator, station, detail FROM events WHERE order_id = ? ORDER BY id",
                        [order_id]):
        detail = json.loads(row["detail"])
        badge = row["operator"] or ""
        timed.append((row["at"], 1, TimelineEntry(
            row["at"], row["kind"], event_name(row["kind"]), _details(row["kind"], detail, items), badge,
            names.get(badge, ""), row["station"], detail.get("shipment_id"))))
    # Times first; the audit log's own order among events of the same millisecond.
    timed.sort(key=lambda entry: (entry[0], entry[1]))
    resends = tuple(row[0] for row in db.execute(
        "SELECT order_id FROM orders WHERE resend_of = ? ORDER BY created_at", [order_id]))
    return OrderTimeline(
        order_id=order_id, platform=order["platform"], status=order["status"],
        recipient_name=order["recipient_name"], buyer_id=order["buyer_id"], created_at=order["created_at"],
        paid_at=order["paid_at"] or "", buyer_note=order["buyer_note"], seller_note=order["seller_note"],
        requested_carrier=order["requested_carrier"], resend_of=order["resend_of"] or "", resends=resends,
        lines=lines, entries=tuple(entry for _at, _rank, entry in timed), shipments=order_shipments(db, order_id),
    )
