"""The shift handover book: notes for the next shift, read and acknowledged operator by operator.

A note is written for the shift after the writer's (shifts come from the config); when that shift
has begun, each of its operators gets the notes they have not acknowledged yet, and acknowledges
each one. A supervisor sees the notes nobody acknowledged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlite_utils

from kiosk.auth import Operator
from kiosk.db import record_event, transaction
from kiosk.errors import KioskError
from kiosk.i18n import _
from kiosk.reports.day import next_shift, shift_at, stamp
from kiosk.reports.settings import ReportSettings

MAX_NOTE = 1000
MAX_ORDERS = 20


@dataclass(frozen=True)
class HandoverNote:
    note_id: int
    written_at: str
    author: str
    author_name: str
    shift: str
    for_shift: str
    for_start: str
    text: str
    order_ids: tuple[str, ...]
    acknowledged_by: tuple[str, ...]


def write_note(db: sqlite_utils.Database, settings: ReportSettings, author: Operator, text: str, *,
               station: str, order_ids: tuple[str, ...] | list[str] = (), now: datetime | None = None) -> int:
    """Write a note for the shift after the one running now; returns its id."""
    text = text.strip()
    if not text:
        raise KioskError(_("Write what the next shift needs to know."))
    if len(text) > MAX_NOTE:
        raise KioskError(_("The note is too long: at most {limit} characters.").format(limit=MAX_NOTE))
    orders = list(dict.fromkeys(order_id.strip() for order_id in order_ids if order_id.strip()))
    if len(orders) > MAX_ORDERS:
        raise KioskError(_("A note links at most {limit} orders.").format(limit=MAX_ORDERS))
    unknown = [o for o in orders if db.execute("SELECT 1 FROM orders WHERE order_id = ?", [o]).fetchone() is None]
    if unknown:
        raise KioskError(_("No order {order_id}: the note was not written.").format(order_id=unknown[0]))
    now = now or datetime.now(UTC)
    current, target = shift_at(now, settings), next_shift(now, settings)
    with transaction(db) as conn:
        note_id = conn.execute(
            "INSERT INTO handover_notes (shift, author, text, written_at, for_shift, for_start, for_end, station)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (current.name, author.badge, text, stamp(now), target.name, stamp(target.start), stamp(target.end),
             station),
        ).lastrowid
        conn.executemany("INSERT INTO handover_note_orders (note_id, order_id) VALUES (?, ?)",
                         [(note_id, order_id) for order_id in orders])
        record_event(conn, "handover_note_written", operator=author.badge, station=station, note_id=note_id,
                     for_shift=target.name, for_start=stamp(target.start), orders=orders)
    return note_id


_SELECT = """
    SELECT n.id, n.written_at, n.author, COALESCE(op.name, n.author) AS author_name, n.shift, n.for_shift,
        n.for_start, n.text,
        (SELECT group_concat(order_id, char(31)) FROM (SELECT order_id FROM handover_note_orders
            WHERE note_id = n.id ORDER BY order_id)) AS orders,
        (SELECT group_concat(operator, char(31)) FROM (SELECT operator FROM handover_acks
            WHERE note_id = n.id ORDER BY acknowledged_at, operator)) AS acks
    FROM handover_notes n LEFT JOIN operators op ON op.badge = n.author
"""


def _notes(db: sqlite_utils.Database, where: str, params: list) -> list[HandoverNote]:
    return [
        HandoverNote(r["id"], r["written_at"], r["author"], r["author_name"], r["shift"], r["for_shift"],
                     r["for_start"], r["text"], tuple(filter(None, (r["orders"] or "").split("\x1f"))),
                     tuple(filter(None, (r["acks"] or "").split("\x1f"))))
        for r in db.query(f"{_SELECT} WHERE {where} ORDER BY n.written_at, n.id", params)
    ]


def pending_notes(db: sqlite_utils.Database, operator: Operator, *, now: datetime | None = None) -> list[HandoverNote]:
    """Notes for the shift running now that `operator` has not acknowledged, oldest first (for login)."""
    moment = stamp(now or datetime.now(UTC))
    return _notes(db, "n.for_start <= ? AND n.for_end > ? AND NOT EXISTS (SELECT 1 FROM handover_acks a"
                      " WHERE a.note_id = n.id AND a.operator = ?)", [moment, moment, operator.badge])


def acknowledge_note(db: sqlite_utils.Database, note_id: int, operator: Operator, *, station: str,
                     now: datetime | None = None) -> None:
    """`operator` has read the note: who and when are recorded, once per operator."""
    with transaction(db) as conn:
        if conn.execute("SELECT 1 FROM handover_notes WHERE id = ?", (note_id,)).fetchone() is None:
            raise KioskError(_("No handover note {note_id}.").format(note_id=note_id))
        done = conn.execute("SELECT acknowledged_at FROM handover_acks WHERE note_id = ? AND operator = ?",
                            (note_id, operator.badge)).fetchone()
        if done:
            raise KioskError(_("You acknowledged note {note_id} already ({when}).").format(
                note_id=note_id, when=done[0]))
        conn.execute("INSERT INTO handover_acks (note_id, operator, acknowledged_at, station) VALUES (?, ?, ?, ?)",
                     (note_id, operator.badge, stamp(now or datetime.now(UTC)), station))
        record_event(conn, "handover_note_acknowledged", operator=operator.badge, station=station, note_id=note_id)


def unacknowledged_notes(db: sqlite_utils.Database, viewer: Operator, *,
                         now: datetime | None = None) -> list[HandoverNote]:
    """Notes whose shift has begun and that nobody has acknowledged (a supervisor's list)."""
    if not viewer.is_supervisor:
        raise KioskError(_("Only a supervisor sees the notes nobody acknowledged."))
    return _notes(db, "n.for_start <= ? AND NOT EXISTS (SELECT 1 FROM handover_acks a WHERE a.note_id = n.id)",
                  [stamp(now or datetime.now(UTC))])


def notes_written(db: sqlite_utils.Database, start: str, end: str) -> list[HandoverNote]:
    """Notes written in [start, end) (stored times), for the day's log."""
    return _notes(db, "n.written_at >= ? AND n.written_at < ?", [start, end])
