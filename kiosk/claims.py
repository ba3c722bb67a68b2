"""Which station holds which order: two stations never pack the same order."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import timedelta

import sqlite_utils

from kiosk.db import record_event, transaction, utc_before, utcnow
from kiosk.errors import KioskError
from kiosk.hold_reasons import hold_reason_text
from kiosk.i18n import _
from kiosk.orders import find_order_id, set_status, status_name
from kiosk.timefmt import short_time


@dataclass(frozen=True)
class Claim:
    order_id: str
    operator: str
    station: str
    claimed_at: str
    resumed: bool = False


class StaleClaim(KioskError):
    """The order is held by another station that has not been heard from for ``stale_claim_minutes``:
    a supervisor may hand it to the station that scanned it (``take_over_claim``)."""

    def __init__(self, message: str, order_id: str, station: str) -> None:
        super().__init__(message)
        self.order_id = order_id
        self.station = station


def _refusal(order: dict, conn) -> str:
    order_id = order["order_id"]
    status = order["status"]
    if status == "awaiting_payment":
        return _("Order {order_id} is awaiting payment: do not pack it yet.").format(order_id=order_id)
    if status == "on_hold":
        reason = hold_reason_text(order["hold_reason"]) or _("no reason given")
        return _("Order {order_id} is on hold ({reason}): ask a supervisor.").format(order_id=order_id, reason=reason)
    if status == "cancelled":
        return _("Order {order_id} was cancelled: do not pack it.").format(order_id=order_id)
    if status == "shipped":
        shipped = conn.execute(
            "SELECT shipped_at, carrier, tracking_number FROM shipments"
            " WHERE order_id = ? AND voided_at IS NULL ORDER BY id DESC LIMIT 1",
            (order_id,),
        ).fetchone()
        if shipped:
            return _("Order {order_id} already shipped {when} ({carrier} {tracking}).").format(
                order_id=order_id, when=short_time(shipped[0]), carrier=shipped[1] or _("carrier unknown"),
                tracking=shipped[2],
            )
        return _("Order {order_id} already shipped.").format(order_id=order_id)
    return _("Order {order_id} cannot be packed ({status}).").format(order_id=order_id, status=status_name(status))


def claim_order(
    db: sqlite_utils.Database, order_id: str, operator: str, station: str, stale_after: timedelta | None = None
) -> Claim:
    """Open an order for packing at ``station``; the check and the claim are one transaction.

    The same station gets its own claim back (a restart resumes the order). An order held by a
    station silent for ``stale_after`` raises StaleClaim, so that a supervisor can hand it over.
    """
    typed = order_id.strip()
    with transaction(db) as conn:
        order_id = find_order_id(conn, typed)
        if order_id is None:
            raise KioskError(_("No order {order_id}: check the packing slip and scan again.").format(order_id=typed))
        cursor = conn.execute("SELECT * FROM orders WHERE order_id = ?", (order_id,))
        row = cursor.fetchone()
        order = dict(zip([c[0] for c in cursor.description], row, strict=True))
        held = conn.execute(
            "SELECT c.operator, c.station, c.claimed_at, o.name, c.heartbeat_at FROM claims c"
            " JOIN operators o ON o.badge = c.operator WHERE c.order_id = ?",
            (order_id,),
        ).fetchone()
        if held is not None:
            holder, held_station, claimed_at, holder_name, beaten_at = held
            if held_station != station and stale_after is not None and beaten_at < utc_before(stale_after):
                raise StaleClaim(
                    _("Order {order_id} is held by {station}, not heard from since {when}: a supervisor can hand it"
                      " to this station (F4).").format(order_id=order_id, station=held_station,
                                                       when=short_time(beaten_at)),
                    order_id, held_station,
                )
            if held_station != station:
                raise KioskError(
                    _("Order {order_id} is held by {name} at {station} since {when}.").format(
                        order_id=order_id, name=holder_name, station=held_station, when=short_time(claimed_at)
                    )
                )
            now = utcnow()
            conn.execute(
                "UPDATE claims SET operator = ?, heartbeat_at = ? WHERE order_id = ?",
                (operator, now, order_id),
            )
            record_event(conn, "claim_resumed", order_id=order_id, operator=operator,
                         station=station, previous_operator=holder)
            return Claim(order_id, operator, station, claimed_at, resumed=True)
        if order["status"] != "paid":
            raise KioskError(_refusal(order, conn))
        now = utcnow()
        conn.execute(
            "INSERT INTO claims (order_id, operator, station, claimed_at, heartbeat_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (order_id, operator, station, now, now),
        )
        set_status(conn, order_id, "packing", operator=operator, station=station,
                   reason="opened for packing")
    return Claim(order_id, operator, station, now)


def take_over_claim(
    db: sqlite_utils.Database, order_id: str, operator: str, station: str, *, supervisor: str,
    stale_after: timedelta,
) -> Claim:
    """Hand an order whose station went silent for ``stale_after`` to ``station``, a supervisor approving.

    One transaction re-checks that the claim is still another station's and still stale, ends it
    (its scans no longer count: the items are on the silent station's bench, and that station is
    told at its next login) and claims the order here; the event names the supervisor.
    """
    with transaction(db) as conn:
        held = conn.execute("SELECT station, heartbeat_at FROM claims WHERE order_id = ?", (order_id,)).fetchone()
        if held is None or held[0] == station:
            raise KioskError(_("Order {order_id} is not held by another station: scan it again.").format(
                order_id=order_id))
        if held[1] >= utc_before(stale_after):
            raise KioskError(_("{station} was heard from at {when}: order {order_id} stays there.").format(
                station=held[0], when=short_time(held[1]), order_id=order_id))
        previous = end_claim(conn, order_id, stopped_by=station, status="packing",
                             reason="taken over by another station")
        now = utcnow()
        conn.execute("INSERT INTO claims (order_id, operator, station, claimed_at, heartbeat_at)"
                     " VALUES (?, ?, ?, ?, ?)", (order_id, operator, station, now, now))
        record_event(conn, "claim_taken_over", order_id=order_id, operator=operator, station=station,
                     from_station=previous, approved_by=supervisor, silent_since=held[1])
    return Claim(order_id, operator, station, now)


def release_order(
    db: sqlite_utils.Database, order_id: str, operator: str, station: str
) -> None:
    """Put an unfinished order back in the queue: its scans are cleared, the items go back."""
    with transaction(db) as conn:
        held = conn.execute(
            "SELECT station FROM claims WHERE order_id = ?", (order_id,)
        ).fetchone()
        if held is None or held[0] != station:
            raise KioskError(_("Order {order_id} is not held by this station.").format(order_id=order_id))
        end_claim(conn, order_id)
        set_status(conn, order_id, "paid", operator=operator, station=station,
                   reason="put back in the queue")


def end_claim(conn: sqlite3.Connection, order_id: str, *, stopped_by: str | None = None, status: str = "",
              reason: str = "") -> str | None:
    """Inside a transaction: no station holds the order any more, and its scans no longer count.

    The scans stay on record (with undone_at set): the items go back to the
    shelf, and whoever packs the order next starts from nothing. When another station
    (``stopped_by``) ends the claim, the station that held it finds a notice at its next login,
    in case it was off and never saw its pack screen stop. Returns the station that held it.
    """
    held = conn.execute("SELECT station FROM claims WHERE order_id = ?", (order_id,)).fetchone()
    conn.execute("DELETE FROM claims WHERE order_id = ?", (order_id,))
    conn.execute(
        "UPDATE scans SET undone_at = ? WHERE order_id = ? AND result = 'accepted' AND undone_at IS NULL",
        (utcnow(), order_id),
    )
    if held is None:
        return None
    if stopped_by is not None and held[0] != stopped_by:
        conn.execute(
            "INSERT INTO station_notices (station, order_id, status, reason, created_at) VALUES (?, ?, ?, ?, ?)",
            (held[0], order_id, status, reason, utcnow()),
        )
    return held[0]


@dataclass(frozen=True)
class StoppedOrder:
    """An order taken off this station by someone else (cancelled, held, put back, handed over)."""

    order_id: str
    status: str
    reason: str

    @property
    def message(self) -> str:
        if self.status == "cancelled":
            return _("Order {order_id} was cancelled while this station was off: put its items back.").format(
                order_id=self.order_id)
        if self.status == "on_hold":
            return _("Order {order_id} was put on hold ({reason}) while this station was off: put its items"
                     " back.").format(order_id=self.order_id,
                                      reason=hold_reason_text(self.reason) or _("no reason given"))
        if self.status == "packing":
            return _("Order {order_id} was handed to another station while this station was silent: put its items"
                     " back.").format(order_id=self.order_id)
        return _("Order {order_id} was put back in the queue by a supervisor while this station was off: put its"
                 " items back.").format(order_id=self.order_id)


def stopped_while_away(db: sqlite_utils.Database, station: str) -> list[StoppedOrder]:
    """Orders taken off this station that it has not been told about, oldest first; telling clears them."""
    with transaction(db) as conn:
        rows = conn.execute(
            "SELECT id, order_id, status, reason FROM station_notices WHERE station = ? AND seen_at IS NULL"
            " ORDER BY id", (station,),
        ).fetchall()
        conn.execute("UPDATE station_notices SET seen_at = ? WHERE station = ? AND seen_at IS NULL",
                     (utcnow(), station))
    return [StoppedOrder(order_id, status, reason) for _id, order_id, status, reason in rows]


def seen_stop(conn: sqlite3.Connection, station: str, order_id: str) -> None:
    """Inside a transaction: the pack screen told the packer the order was stopped; no notice at login."""
    conn.execute("UPDATE station_notices SET seen_at = ? WHERE station = ? AND order_id = ? AND seen_at IS NULL",
                 (utcnow(), station, order_id))


def station_claim(db: sqlite_utils.Database, station: str) -> str | None:
    """The order this station was packing when it stopped, if any."""
    row = db.execute(
        "SELECT order_id FROM claims WHERE station = ? ORDER BY claimed_at LIMIT 1", [station]
    ).fetchone()
    return row[0] if row else None


def heartbeat(db: sqlite_utils.Database, order_id: str, station: str) -> None:
    """Mark the claim alive; a supervisor sees claims whose heartbeat went stale."""
    with transaction(db) as conn:
        conn.execute(
            "UPDATE claims SET heartbeat_at = ? WHERE order_id = ? AND station = ?",
            (utcnow(), order_id, station),
        )
