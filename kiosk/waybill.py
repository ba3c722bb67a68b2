"""Every waybill a packer scans: its carrier, the order's requested courier, remote areas, duplicates."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

import sqlite_utils

from kiosk.auth import has_recent_approval
from kiosk.carriers import Reason, carrier_from_text, carrier_name, describe, identify
from kiosk.db import utc_before
from kiosk.errors import KioskError
from kiosk.i18n import _
from kiosk.remote import DEFAULT_RULES, RemoteRule, remote_rule_for
from kiosk.scanning import clean_scan, looks_like_pin, not_a_barcode
from kiosk.timefmt import short_time

if TYPE_CHECKING:
    from kiosk.config import Config

CARRIER_OVERRIDE = "carrier_override"


@dataclass(frozen=True)
class Waybill:
    number: str
    carrier_id: str
    carrier: str
    service: str
    tracking_url: str
    # The packer chose the carrier among several that fit the number.
    chosen: bool = False


@dataclass(frozen=True)
class WaybillRules:
    """What the desk allows, from the config."""

    enabled: frozenset[str] | None = None  # None: every known carrier
    remote_rules: tuple[RemoteRule, ...] = DEFAULT_RULES
    duplicate_window: timedelta = timedelta(days=180)

    @classmethod
    def from_config(cls, config: Config) -> WaybillRules:
        return cls(frozenset(config.carriers) or None, config.remote_rules,
                   timedelta(days=config.duplicate_window_days))


def requested_carrier(order: dict) -> str | None:
    """The carrier id the order asks for: the platform's ship method first, then the buyer's and seller's notes."""
    for text in (order["requested_carrier"], order["buyer_note"], order["seller_note"]):
        found = carrier_from_text(text or "")
        if found:
            return found
    return None


class CarrierChoiceNeeded(KioskError):
    """The number fits several carriers the desk ships with and nothing about the order settles it:
    the packer picks one of ``candidates`` ((carrier id, name) pairs), and the waybill is checked again."""

    def __init__(self, message: str, number: str, candidates: tuple[tuple[str, str], ...]) -> None:
        super().__init__(message)
        self.number = number
        self.candidates = candidates


def check_waybill(db: sqlite_utils.Database, raw: str, order: dict, rules: WaybillRules,
                  carrier: str | None = None) -> Waybill:
    """The waybill a scan carries for this order, or KioskError saying what is wrong and what to do.

    ``carrier`` is the carrier id the packer chose for a number that fits several. The duplicate
    check is not here: it runs inside the transaction that records the waybill (``claim_number``).
    """
    code = clean_scan(raw)
    if db.execute("SELECT 1 FROM barcodes WHERE code = ?", [code]).fetchone():
        raise KioskError(
            _("{number} is an item barcode, not a waybill: scan the courier's label.").format(number=code)
        )
    expected = requested_carrier(order)
    result = identify(code, rules.enabled)
    if result.reason is Reason.AMBIGUOUS:
        fitting = {m.carrier_id for m in result.candidates}
        if carrier in fitting or expected in fitting:
            # The packer's choice, else the order's courier, settles a number that fits two carriers.
            result = identify(code, rules.enabled, carrier=carrier if carrier in fitting else expected)
        else:
            candidates = tuple((m.carrier_id, carrier_name(m.carrier_id, m.carrier_name)) for m in result.candidates)
            raise CarrierChoiceNeeded(
                _("{number} fits {carriers}: choose the carrier.").format(
                    number=result.number, carriers=" / ".join(
                        f"{number}. {name}" for number, (_id, name) in enumerate(candidates, 1))),
                result.number, candidates,
            )
    if result.reason is not Reason.OK or result.carrier is None:
        if looks_like_pin(code):
            raise not_a_barcode()
        raise KioskError(describe(result))
    match = result.carrier
    if expected and match.carrier_id != expected and not has_recent_approval(db, order["order_id"], CARRIER_OVERRIDE):
        raise KioskError(
            _("{number} is a {carrier} waybill, but this order asks for {expected}. Scan a {expected} waybill, or F7:"
              " a supervisor allows another carrier.").format(
                number=result.number, carrier=carrier_name(match.carrier_id, match.carrier_name),
                expected=carrier_name(expected))
        )
    area = remote_rule_for(rules.remote_rules, order["country"], order["province"], order["postal_code"],
                           order["city"])
    if area and area.carriers and match.carrier_id not in area.carriers:
        raise KioskError(
            _("{carrier} does not deliver to {area}: use {allowed}.").format(
                carrier=carrier_name(match.carrier_id, match.carrier_name), area=_(area.name),
                allowed=" / ".join(carrier_name(c) for c in area.carriers))
        )
    return Waybill(result.number, match.carrier_id, match.carrier_name, match.service, match.tracking_url or "",
                   chosen=carrier is not None and match.carrier_id == carrier)


def claim_number(conn: sqlite3.Connection, waybill: Waybill, window: timedelta) -> int:
    """Inside the transaction that records the waybill: refuse a number already on a live shipment of
    the same carrier within the window (carriers recycle numbers after it), and return the number's
    reuse count, which the unique index on live shipments (carrier, number, reuse) holds to."""
    since = utc_before(window)
    live = conn.execute(
        "SELECT order_id, shipped_at FROM shipments WHERE carrier_id = ? AND tracking_number = ?"
        " AND shipped_at >= ? AND voided_at IS NULL ORDER BY id DESC LIMIT 1",
        (waybill.carrier_id, waybill.number, since),
    ).fetchone()
    if live:
        raise KioskError(
            _("Tracking number {number} is already on order {order_id} (shipped {when}):"
              " scan this parcel's own waybill.").format(number=waybill.number, order_id=live[0],
                                                          when=short_time(live[1]))
        )
    return conn.execute(
        "SELECT COUNT(*) FROM shipments WHERE carrier_id = ? AND tracking_number = ? AND voided_at IS NULL",
        (waybill.carrier_id, waybill.number),
    ).fetchone()[0]
