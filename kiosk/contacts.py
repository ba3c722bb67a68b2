"""An order's personal data, by role: what a person at the desk may see of the buyer.

Packers see the recipient's phone masked as privacy waybills print it (138****5678) and never the
buyer's e-mail. After-sales staff and supervisors see both in full, and every such look is an
event: who looked at which order, when, at which station.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils

from kiosk.auth import Operator
from kiosk.db import record_event, transaction
from kiosk.errors import KioskError
from kiosk.i18n import _
from kiosk.orders import get_order

# What an after-sales look shows, as the event records it.
VIEWED_FIELDS = ("phone", "email", "address")


@dataclass(frozen=True)
class Contact:
    order_id: str
    recipient_name: str
    phone: str
    email: str  # "" for a packer, whatever the order holds
    address: str
    city: str
    province: str
    postal_code: str
    country: str
    # True when the phone is masked and the e-mail left out (a packer's view).
    masked: bool


def order_contact(db: sqlite_utils.Database, order_id: str, operator: Operator, station: str) -> Contact:
    """The order's contact data as ``operator`` may see it; an after-sales or supervisor look is an event."""
    order = get_order(db, order_id)
    if order is None:
        raise KioskError(_("No order {order_id}.").format(order_id=order_id))
    full = operator.sees_personal_data
    if full:
        with transaction(db) as conn:
            record_event(conn, "personal_data_viewed", order_id=order_id, operator=operator.badge, station=station,
                         role=operator.role, fields=list(VIEWED_FIELDS))
        phone, email = order["phone"], order["email"]
    elif operator.role == "packer":
        from printing.text import mask_phone  # the label's own masking: one rule for paper and screen

        phone, email = mask_phone(order["phone"]), ""
    else:
        raise KioskError(_("{name} may not see buyers' contact data.").format(name=operator.name))
    return Contact(order_id, order["recipient_name"], phone, email, order["address"], order["city"],
                   order["province"], order["postal_code"], order["country"], masked=not full)
