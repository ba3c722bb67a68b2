"""The queue of paid orders a packer works through."""

from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils

from kiosk.carriers import carrier_name
from kiosk.i18n import _
from kiosk.remote import DEFAULT_RULES, RemoteRule, is_remote
from kiosk.waybill import requested_carrier


@dataclass(frozen=True)
class QueueEntry:
    order_id: str
    platform: str
    recipient_name: str
    paid_at: str
    priority: int
    line_count: int
    unit_count: int
    has_note: bool
    remote: bool
    requested_carrier: str
    # The order whose items this one sends again (an after-sales resend), or "".
    resend_of: str = ""
    # A line's product has no barcode yet (an imported order's unknown sku): print item labels first.
    needs_labels: bool = False

    @property
    def flags(self) -> list[str]:
        flags = []
        if self.priority > 0:
            flags.append(_("URGENT"))
        if self.resend_of:
            flags.append(_("RESEND"))
        if self.has_note:
            flags.append(_("NOTE"))
        if self.remote:
            flags.append(_("REMOTE"))
        if self.requested_carrier:
            flags.append(self.requested_carrier)
        if self.line_count > 1:
            flags.append(_("MULTI"))
        if self.needs_labels:
            flags.append(_("LABELS"))
        return flags


# Most urgent, then oldest paid first; the orders_queue index serves this order
# directly, so a page costs the same with 100 or 100,000 orders waiting.
_QUEUE_SQL = """
SELECT o.order_id, o.platform, o.recipient_name, o.paid_at, o.priority,
       o.buyer_note, o.seller_note, o.requested_carrier, o.country, o.province, o.city, o.postal_code,
       o.resend_of,
       (SELECT COUNT(*) FROM order_lines l WHERE l.order_id = o.order_id) AS line_count,
       (SELECT COALESCE(SUM(quantity), 0) FROM order_lines l WHERE l.order_id = o.order_id)
           AS unit_count,
       EXISTS (SELECT 1 FROM order_lines l JOIN products p ON p.sku = l.sku
               WHERE l.order_id = o.order_id AND p.needs_barcode = 1) AS needs_labels
FROM orders o
WHERE o.status = 'paid'
ORDER BY o.priority DESC, o.paid_at, o.order_id
LIMIT ? OFFSET ?
"""


def queue_page(
    db: sqlite_utils.Database, limit: int, offset: int = 0, rules: tuple[RemoteRule, ...] = DEFAULT_RULES
) -> list[QueueEntry]:
    return [
        QueueEntry(
            order_id=row["order_id"],
            platform=row["platform"],
            recipient_name=row["recipient_name"],
            paid_at=row["paid_at"] or "",
            priority=row["priority"],
            line_count=row["line_count"],
            unit_count=row["unit_count"],
            has_note=bool(row["buyer_note"].strip() or row["seller_note"].strip()),
            remote=is_remote(row["country"], row["province"], row["city"], row["postal_code"], rules),
            requested_carrier=_requested_name(row),
            resend_of=row["resend_of"] or "",
            needs_labels=bool(row["needs_labels"]),
        )
        for row in db.query(_QUEUE_SQL, [limit, offset])
    ]


def _requested_name(row: dict) -> str:
    carrier_id = requested_carrier(row)
    return carrier_name(carrier_id) if carrier_id else ""


def queue_length(db: sqlite_utils.Database) -> int:
    """Paid orders waiting (kept by triggers: schema migration 5)."""
    row = db.execute("SELECT orders FROM order_status_counts WHERE status = 'paid'").fetchone()
    return row[0] if row else 0
