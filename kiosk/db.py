"""Opening the database, migrations, transactions and the audit log."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlite_utils

from kiosk.errors import KioskError
from kiosk.i18n import _
from kiosk.schema import MIGRATIONS, SCHEMA_VERSION

BUSY_TIMEOUT_MS = 5000


def utcnow() -> str:
    """The current time as stored in the database (ISO 8601, UTC, milliseconds)."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def utc_before(window: timedelta) -> str:
    """Now minus `window`, as stored in the database: the start of a "within the last ..." query."""
    try:
        return (datetime.now(UTC) - window).isoformat(timespec="milliseconds")
    except OverflowError:
        # A window reaching past year 1 covers every stored time.
        return datetime.min.replace(tzinfo=UTC).isoformat(timespec="milliseconds")


def open_database(path: str | Path) -> sqlite_utils.Database:
    """Open (creating or migrating as needed) the kiosk database at ``path``.

    A database of an older schema version is copied beside itself before it is
    migrated, so a failed migration never loses data.
    """
    path = Path(path)
    if path.exists() and path.is_dir():
        raise KioskError(_("{path} is a folder, not a database file.").format(path=path))
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # isolation_level=None: we issue BEGIN IMMEDIATE ourselves, so that a
        # write transaction takes the lock up front instead of failing halfway.
        conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise KioskError(_("{path} is not a kiosk database ({error}).").format(path=path, error=error)) from error
    if version > SCHEMA_VERSION:
        conn.close()
        raise KioskError(
            _("{path} was written by a newer kiosk (schema {version}, this one knows {known}).").format(
                path=path, version=version, known=SCHEMA_VERSION
            )
        )
    # No sqlite-utils plugins: whatever is installed on the machine must not add functions to
    # the kiosk's connection (and looking for them reads every installed package's metadata).
    db = sqlite_utils.Database(conn, execute_plugins=False)
    if version < SCHEMA_VERSION:
        if version > 0:
            backup_database(db, path.with_name(f"{path.name}.v{version}.bak"))
        _migrate(conn, version)
    return db


def _migrate(conn: sqlite3.Connection, version: int) -> None:
    for number in range(version + 1, SCHEMA_VERSION + 1):
        script = MIGRATIONS[number - 1]
        # executescript commits on its own; wrap it so the version bump and the
        # schema change land together.
        conn.executescript(f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;")


def backup_database(db: sqlite_utils.Database, destination: str | Path) -> Path:
    """Online backup of a live database to ``destination`` (safe while others write)."""
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    target = sqlite3.connect(destination)
    try:
        db.conn.backup(target)
    finally:
        target.close()
    return destination


@contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[sqlite3.Connection]:
    """One write transaction: everything inside commits together or not at all."""
    conn = db.conn
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def record_event(
    conn: sqlite3.Connection,
    kind: str,
    *,
    order_id: str | None = None,
    operator: str | None = None,
    station: str = "",
    **detail: Any,
) -> None:
    """Append one row to the audit log; call it inside the transaction it describes."""
    conn.execute(
        "INSERT INTO events (at, kind, order_id, operator, station, detail)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (utcnow(), kind, order_id, operator, station, json.dumps(detail, ensure_ascii=False)),
    )

