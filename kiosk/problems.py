"""Problems at the desk: damaged, missing and wrong items, holds and short shipments."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import sqlite_utils

from kiosk.auth import Operator, has_recent_approval
from kiosk.claims import end_claim
from kiosk.db import record_event, transaction, utc_before, utcnow
from kiosk.errors import KioskError
from kiosk.hold_reasons import NOTHING_TO_SHIP, PROBLEM_KINDS, hold_reason_text, problem_hold
from kiosk.i18n import N_, _
from kiosk.orders import get_order, set_status, status_name
from kiosk.scanning import packed_by_line

# Kinds a packer can only explain in words.
DESCRIPTION_REQUIRED = {"other", "wrong_item"}
MAX_DESCRIPTION = 500
# The hold reason of an order whose every unit was approved short.


@dataclass(frozen=True)
class Problem:
    problem_id: int
    order_id: str
    line_no: int | None
    kind: str
    quantity: int
    description: str
    status: str
    operator: str
    reported_at: str

    @property
    def kind_name(self) -> str:
        return _(PROBLEM_KINDS.get(self.kind, self.kind))


def check_report(db: sqlite_utils.Database, order_id: str, line_no: int | None, kind: str, quantity: int,
                 description: str, photo_path: str = "") -> dict:
    order = get_order(db, order_id)
    if order is None:
        raise KioskError(_("No order {order_id}.").format(order_id=order_id))
    if kind not in PROBLEM_KINDS:
        raise KioskError(_("Unknown problem kind {kind}.").format(kind=kind))
    if quantity < 0:
        raise KioskError(_("The quantity cannot be negative."))
    if line_no is not None:
        row = db.execute(
            "SELECT quantity FROM order_lines WHERE order_id = ? AND line_no = ?", [order_id, line_no]
        ).fetchone()
        if row is None:
            raise KioskError(_("Order {order_id} has no line {line_no}.").format(order_id=order_id, line_no=line_no))
        if quantity < 1:
            raise KioskError(_("Say how many units the problem is about (at least 1)."))
        if quantity > row[0]:
            raise KioskError(
                _("Line {line_no} has only {ordered} units: {quantity} is too many.").format(
                    line_no=line_no, ordered=row[0], quantity=quantity
                )
            )
    if kind in DESCRIPTION_REQUIRED and not description.strip():
        raise KioskError(_("Describe the problem: it is needed for {kind}.").format(kind=_(PROBLEM_KINDS[kind])))
    if len(description) > MAX_DESCRIPTION:
        raise KioskError(_("The description is too long (at most {limit} characters).").format(limit=MAX_DESCRIPTION))
    if photo_path.strip() and not Path(photo_path.strip()).expanduser().is_file():
        raise KioskError(_("There is no photo at {path}: check the path, or leave it empty.").format(
            path=photo_path.strip()))
    return order


def report_problem(
    db: sqlite_utils.Database,
    order_id: str,
    *,
    kind: str,
    operator: str,
    station: str,
    line_no: int | None = None,
    quantity: int = 0,
    description: str = "",
    photo_path: str = "",
    hold: bool = True,
) -> int:
    """Write a problem down; with ``hold`` the order leaves the queue in the same transaction.

    Either both happen or neither: a crash between them cannot leave a problem
    without its hold, or a hold without its reason.
    """
    order = check_report(db, order_id, line_no, kind, quantity, description, photo_path)
    description = description.strip()
    with transaction(db) as conn:
        problem_id = conn.execute(
            "INSERT INTO problems (order_id, line_no, kind, quantity, description, status, operator, station,"
            " reported_at, purchase_date, photo_path) VALUES (?, ?, ?, ?, ?, 'open', ?, ?, ?, ?, ?)",
            (order_id, line_no, kind, quantity, description, operator, station, utcnow(),
             order["created_at"], photo_path.strip()),
        ).lastrowid
        record_event(conn, "problem_reported", order_id=order_id, operator=operator, station=station,
                     problem_id=problem_id, problem_kind=kind, line_no=line_no, quantity=quantity,
                     description=description)
        if hold:
            _hold(conn, order_id, problem_hold(kind), operator, station)
    return problem_id


def _hold(conn: sqlite3.Connection, order_id: str, reason: str, operator: str, station: str) -> None:
    """Take an order out of the queue (and off any station) with a reason; its scans stay on record."""
    end_claim(conn, order_id, stopped_by=station, status="on_hold", reason=reason)
    set_status(conn, order_id, "on_hold", operator=operator, station=station, reason=reason)


def hold_order(db: sqlite_utils.Database, order_id: str, reason: str, operator: str, station: str) -> None:
    if not reason.strip():
        raise KioskError(_("Give a reason for the hold."))
    with transaction(db) as conn:
        _hold(conn, order_id, reason.strip(), operator, station)


def cancel_order(db: sqlite_utils.Database, order_id: str, reason: str, operator: str, station: str) -> None:
    with transaction(db) as conn:
        end_claim(conn, order_id, stopped_by=station, status="cancelled", reason=reason.strip())
        set_status(conn, order_id, "cancelled", operator=operator, station=station, reason=reason.strip())


def release_to_queue(db: sqlite_utils.Database, order_id: str, note: str, supervisor: Operator,
                     station: str) -> None:
    """A held order (or one whose claim went stale) goes back to the queue; the supervisor's note
    says why, on the order's history."""
    _require_supervisor(supervisor)
    order = get_order(db, order_id)
    if order is None:
        raise KioskError(_("No order {order_id}.").format(order_id=order_id))
    if not note.strip():
        raise KioskError(_("Say why the order goes back to the queue."))
    with transaction(db) as conn:
        status = conn.execute("SELECT status FROM orders WHERE order_id = ?", (order_id,)).fetchone()[0]
        if status not in ("on_hold", "packing"):
            # An unpaid order must not become paid by a release.
            raise KioskError(_("Order {order_id} is {status}: only an order on hold or being packed goes back to"
                               " the queue.").format(order_id=order_id, status=status_name(status)))
        end_claim(conn, order_id, stopped_by=station, status="paid")
        set_status(conn, order_id, "paid", operator=supervisor.badge, station=station, reason=note.strip())


def approve_short(
    db: sqlite_utils.Database, problem_id: int, supervisor: Operator, station: str
) -> None:
    """Let the order ship without the units of this problem; a held order returns to the queue.

    A problem with the whole order (no line) ships the units packed so far: every unit not
    counted yet is short. A held order has nothing counted (its scans were cleared), so it stays
    on hold for a decision: no parcel leaves empty.

    Only a supervisor who approved this just now for this order (an approval event written by
    kiosk.auth.record_approval: badge and PIN, or their own session) may do it.
    """
    problem = _problem_row(db, problem_id)
    _require_supervisor(supervisor)
    if not has_recent_approval(db, problem["order_id"], "short_shipment", supervisor.badge):
        raise KioskError(_("A supervisor must approve this first."))
    if problem["line_no"] is not None and problem["quantity"] < 1:
        raise KioskError(_("Only a problem with a quantity can be shipped short."))
    if problem["status"] != "open":
        raise KioskError(_("Problem {problem_id} is already {status}.").format(
            problem_id=problem_id, status=_(PROBLEM_STATUS_NAMES.get(problem["status"], problem["status"]))))
    order_id = problem["order_id"]
    with transaction(db) as conn:
        conn.execute(
            "UPDATE problems SET status = 'approved_short', approved_by = ? WHERE id = ?",
            (supervisor.badge, problem_id),
        )
        quantity = problem["quantity"]
        if problem["line_no"] is None:
            quantity = _short_all_not_packed(conn, problem_id, order_id)
        record_event(conn, "short_approved", order_id=order_id, operator=supervisor.badge,
                     station=station, problem_id=problem_id, line_no=problem["line_no"], quantity=quantity)
        status = conn.execute("SELECT status FROM orders WHERE order_id = ?", (order_id,)).fetchone()[0]
        if not anything_to_ship(conn, order_id):
            # No parcel leaves empty: the order waits for a supervisor's decision (cancel it, or wait for stock).
            if status == "on_hold":
                conn.execute("UPDATE orders SET hold_reason = ? WHERE order_id = ?", (NOTHING_TO_SHIP, order_id))
            elif status in ("paid", "packing"):
                _hold(conn, order_id, NOTHING_TO_SHIP, supervisor.badge, station)
        elif status == "on_hold":
            set_status(conn, order_id, "paid", operator=supervisor.badge, station=station,
                       reason="short shipment approved")


def _short_all_not_packed(conn: sqlite3.Connection, problem_id: int, order_id: str) -> int:
    """Inside a transaction: a whole-order problem approved short, recorded line by line as the
    units not counted yet (scans not undone) nor short already; returns how many units that is."""
    short = approved_shortages(conn, order_id)
    packed = packed_by_line(conn, order_id)
    total = 0
    for line_no, ordered in conn.execute(
            "SELECT line_no, quantity FROM order_lines WHERE order_id = ?", (order_id,)).fetchall():
        missing = ordered - short.get(line_no, 0) - packed.get(line_no, 0)
        if missing > 0:
            conn.execute("INSERT INTO problem_lines (problem_id, line_no, quantity) VALUES (?, ?, ?)",
                         (problem_id, line_no, missing))
            total += missing
    return total


def anything_to_ship(conn: sqlite3.Connection, order_id: str) -> bool:
    """Whether at least one unit of the order is still to ship once approved shortages are taken off."""
    short = approved_shortages(conn, order_id)
    return any(
        quantity > short.get(line_no, 0)
        for line_no, quantity in conn.execute(
            "SELECT line_no, quantity FROM order_lines WHERE order_id = ?", (order_id,)
        ).fetchall()
    )


def resolve_problem(
    db: sqlite_utils.Database, problem_id: int, resolution: str, supervisor: Operator, station: str
) -> None:
    _require_supervisor(supervisor)
    problem = _problem_row(db, problem_id)
    if not resolution.strip():
        raise KioskError(_("Write how the problem was resolved."))
    if problem["status"] == "resolved":
        raise KioskError(_("Problem {problem_id} is already resolved.").format(problem_id=problem_id))
    with transaction(db) as conn:
        conn.execute(
            "UPDATE problems SET status = 'resolved', resolution = ?, resolved_by = ?, resolved_at = ? WHERE id = ?",
            (resolution.strip(), supervisor.badge, utcnow(), problem_id),
        )
        record_event(conn, "problem_resolved", order_id=problem["order_id"], operator=supervisor.badge,
                     station=station, problem_id=problem_id, resolution=resolution.strip())


PROBLEM_STATUS_NAMES = {"open": N_("open"), "approved_short": N_("approved to ship short"), "resolved": N_("resolved")}


def approved_shortages(conn: sqlite3.Connection, order_id: str) -> dict[int, int]:
    """Units per line that a supervisor let this order ship without (a whole-order problem's
    shortage is kept line by line in problem_lines)."""
    return dict(
        conn.execute(
            "SELECT line_no, SUM(quantity) FROM ("
            " SELECT line_no, quantity FROM problems"
            " WHERE order_id = ? AND status = 'approved_short' AND line_no IS NOT NULL"
            " UNION ALL SELECT pl.line_no, pl.quantity FROM problems p JOIN problem_lines pl ON pl.problem_id = p.id"
            " WHERE p.order_id = ? AND p.status = 'approved_short')"
            " GROUP BY line_no",
            (order_id, order_id),
        ).fetchall()
    )


def open_problems(db: sqlite_utils.Database) -> list[Problem]:
    return [
        Problem(r["id"], r["order_id"], r["line_no"], r["kind"], r["quantity"], r["description"], r["status"],
                r["operator"], r["reported_at"])
        for r in db.query(
            "SELECT * FROM problems WHERE status = 'open' ORDER BY reported_at, id"
        )
    ]


def stale_claims(db: sqlite_utils.Database, older_than: timedelta) -> list[dict]:
    """Orders held by a station that has not been heard from for ``older_than``."""
    cutoff = utc_before(older_than)
    return list(
        db.query(
            "SELECT c.order_id, c.operator, c.station, c.claimed_at, c.heartbeat_at FROM claims c"
            " WHERE c.heartbeat_at < ? ORDER BY c.heartbeat_at",
            [cutoff],
        )
    )


def held_orders(db: sqlite_utils.Database) -> list[dict]:
    """Orders on hold, longest held first: the reason in the reader's language, and since when
    (``held_at``, the hold itself, not the order's import)."""
    rows = list(
        db.query(
            "SELECT o.order_id, o.hold_reason, o.created_at, o.paid_at,"
            " (SELECT MAX(e.at) FROM events e WHERE e.order_id = o.order_id AND e.kind = 'status_on_hold') AS held_at"
            " FROM orders o WHERE o.status = 'on_hold'"
        )
    )
    for row in rows:
        row["held_at"] = row["held_at"] or row["paid_at"] or row["created_at"]
        row["hold_reason"] = hold_reason_text(row["hold_reason"])
    return sorted(rows, key=lambda row: (row["held_at"], row["order_id"]))


def _problem_row(db: sqlite_utils.Database, problem_id: int) -> dict:
    rows = list(db.query("SELECT * FROM problems WHERE id = ?", [problem_id]))
    if not rows:
        raise KioskError(_("No problem {problem_id}.").format(problem_id=problem_id))
    return rows[0]


def _require_supervisor(operator: Operator) -> None:
    if not operator.is_supervisor:
        raise KioskError(_("{name} is not a supervisor: a supervisor must approve this.").format(name=operator.name))

