"""Stations: one live process per station name, and who was seen where.

A station name is held by a lock on a file in the state folder for as long as its process
lives: the operating system drops the lock when the process ends, even after ``kill -9``,
so a crashed station never blocks its own restart, and two processes can never both resume
the same order under one name.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import platformdirs
import sqlite_utils

from kiosk.config import APP_NAME
from kiosk.errors import KioskError
from kiosk.file_locks import is_locked, try_lock
from kiosk.i18n import _

# Web stations are numbered from 1; a warehouse with more live browser desks than this has
# another problem than naming them.
MAX_NUMBERED_STATIONS = 999
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")


def stations_folder() -> Path:
    return Path(platformdirs.user_state_dir(APP_NAME)) / "stations"


@dataclass
class StationLock:
    """The lock of one station name, held until ``release`` or the end of the process."""

    name: str
    path: Path
    handle: int

    def release(self) -> None:
        if self.handle >= 0:
            os.close(self.handle)
            self.handle = -1


def _lock_path(folder: Path, name: str) -> Path:
    return folder / (_UNSAFE.sub("_", name) + ".lock")


def _try_lock(folder: Path, name: str) -> StationLock | None:
    folder.mkdir(parents=True, exist_ok=True)
    path = _lock_path(folder, name)
    handle = try_lock(path)
    if handle is None:
        return None
    os.ftruncate(handle, 0)
    os.write(handle, str(os.getpid()).encode())
    return StationLock(name, path, handle)


def _holder(folder: Path, name: str) -> str:
    try:
        return _lock_path(folder, name).read_text().strip() or "?"
    except OSError:
        return "?"


def hold_station(name: str, folder: Path | None = None) -> StationLock:
    """Take the station name for this process, or refuse: another live process runs under it."""
    folder = folder or stations_folder()
    lock = _try_lock(folder, name)
    if lock is None:
        raise KioskError(
            _("Station {station} is already running on this machine (process {pid}): give this one another"
              " name with --station.").format(station=name, pid=_holder(folder, name))
        )
    return lock


def hold_first_free_station(prefix: str, folder: Path | None = None) -> StationLock:
    """The first of PREFIX1, PREFIX2, ... that no live process holds (a browser session's station)."""
    folder = folder or stations_folder()
    prefix = prefix.strip().upper()
    for number in range(1, MAX_NUMBERED_STATIONS + 1):
        lock = _try_lock(folder, f"{prefix}{number}")
        if lock is not None:
            return lock
    raise KioskError(_("Every station name from {first} to {last} is in use.").format(
        first=f"{prefix}1", last=f"{prefix}{MAX_NUMBERED_STATIONS}"))


def running_stations(folder: Path | None = None) -> set[str]:
    """Names held by a live process on this machine right now."""
    folder = folder or stations_folder()
    if not folder.is_dir():
        return set()
    return {path.stem for path in folder.glob("*.lock") if is_locked(path)}


@dataclass(frozen=True)
class StationSeen:
    station: str
    last_seen: str
    operator: str
    operator_name: str
    held_order: str
    heartbeat_at: str


def recent_stations(db: sqlite_utils.Database, since: str) -> list[StationSeen]:
    """Stations with any event since ``since`` (a stored timestamp), newest first.

    The operator is whoever logged in there last, unless they logged out after; the held
    order and its heartbeat come from the claims.
    """
    rows = db.execute(
        """
        WITH seen AS (
            SELECT station, MAX(id) AS last_id FROM events
            WHERE at >= ? AND station != '' GROUP BY station
        ),
        sessions AS (
            SELECT station, MAX(id) AS id FROM events
            WHERE kind IN ('login', 'logout') AND station IN (SELECT station FROM seen) GROUP BY station
        )
        SELECT seen.station, last.at,
               CASE WHEN s.kind = 'login' THEN s.operator ELSE '' END,
               CASE WHEN s.kind = 'login' THEN COALESCE(o.name, '') ELSE '' END,
               COALESCE(c.order_id, ''), COALESCE(c.heartbeat_at, '')
        FROM seen
        JOIN events last ON last.id = seen.last_id
        LEFT JOIN sessions ON sessions.station = seen.station
        LEFT JOIN events s ON s.id = sessions.id
        LEFT JOIN operators o ON o.badge = s.operator
        LEFT JOIN claims c ON c.station = seen.station
        ORDER BY last.at DESC, seen.station
        """,
        [since],
    ).fetchall()
    return [StationSeen(*row) for row in rows]
