"""Live sessions: which badge is logged in at which station (one each way at a time)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

import sqlite_utils

from kiosk.db import record_event, transaction, utcnow
from kiosk.errors import KioskError
from kiosk.i18n import _
from kiosk.timefmt import short_time


@dataclass(frozen=True)
class LiveSession:
    badge: str
    station: str
    started_at: str


def live_session(db: sqlite_utils.Database | sqlite3.Connection, badge: str) -> LiveSession | None:
    row = db.execute("SELECT badge, station, started_at FROM sessions WHERE badge = ?", [badge]).fetchone()
    return LiveSession(*row) if row else None


@dataclass(frozen=True)
class LiveStation:
    """A badge logged in at a station, with the order that station is packing ("" for none)."""

    badge: str
    name: str
    station: str
    started_at: str
    order_id: str


def live_stations(db: sqlite_utils.Database) -> list[LiveStation]:
    """Every live session, by station: who is logged in where, and what each station holds."""
    return [LiveStation(*row) for row in db.execute(
        "SELECT s.badge, COALESCE(o.name, ''), s.station, s.started_at, COALESCE(c.order_id, '')"
        " FROM sessions s LEFT JOIN operators o ON o.badge = s.badge LEFT JOIN claims c ON c.station = s.station"
        " ORDER BY s.station"
    ).fetchall()]


def refuse_if_elsewhere(db: sqlite_utils.Database | sqlite3.Connection, badge: str, station: str) -> None:
    """Refuse a badge logged in at another station (it logs out there, or a supervisor ends that session)."""
    session = live_session(db, badge)
    if session is not None and session.station != station:
        raise KioskError(
            _("Badge {badge} is logged in at {station} since {when}: log out there first, or ask a supervisor"
              " to end that session.").format(badge=badge, station=session.station,
                                              when=short_time(session.started_at))
        )


def start_session(conn: sqlite3.Connection, badge: str, station: str) -> None:
    """Record ``badge`` as logged in at ``station``, inside the caller's transaction (the login's: its
    event and its session commit together); whoever was logged in there before is not any more.

    The same badge at the same station replaces its own session (a station restarting after a crash).
    """
    refuse_if_elsewhere(conn, badge, station)
    conn.execute("DELETE FROM sessions WHERE badge = ? OR station = ?", (badge, station))
    conn.execute("INSERT INTO sessions (badge, station, started_at) VALUES (?, ?, ?)", (badge, station, utcnow()))


def end_session(db: sqlite_utils.Database, badge: str, station: str) -> None:
    """The badge's own logout at ``station`` (a session a supervisor ended meanwhile is gone already)."""
    with transaction(db) as conn:
        conn.execute("DELETE FROM sessions WHERE badge = ? AND station = ?", (badge, station))


def end_session_of(db: sqlite_utils.Database, badge: str, *, by: str, station: str) -> LiveSession:
    """A supervisor ends another station's session of ``badge`` (a station that died, a badge left logged in)."""
    with transaction(db) as conn:
        session = live_session(conn, badge)
        if session is None:
            raise KioskError(_("Badge {badge} is not logged in anywhere.").format(badge=badge))
        conn.execute("DELETE FROM sessions WHERE badge = ?", (badge,))
        record_event(conn, "session_ended", operator=by, station=station, badge=badge,
                     session_station=session.station)
    return session
