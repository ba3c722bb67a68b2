"""Opening the database, migrations, transactions and the audit log."""

from __future__ import annotations

import json
import os
import random
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlite_utils

from kiosk import pinyin
from kiosk.audit import EVENT_COLUMNS, event_hash, register_functions, seal_rows, verify_chain
from kiosk.errors import KioskError
from kiosk.i18n import _
from kiosk.schema import MIGRATIONS, SCHEMA_VERSION
from kiosk.write_queue import WriteQueue

BUSY_TIMEOUT_MS = 5000
# Taking the write lock (BEGIN IMMEDIATE) waits its own way: SQLite's busy handler sleeps up to
# 100 ms at a time, and with several stations writing, a waiter asleep keeps missing the moments
# the lock is free (a scan's p99 reached 440 ms with 7 other stations). So SQLite waits at most
# this long, and the kiosk retries after short pauses, the longest waiter first
# (kiosk.write_queue), growing the pauses only once the wait is long.
BEGIN_BUSY_TIMEOUT_MS = 2
# A write lock held this long (another station's slow disk, a backup) is said on screen ...
BUSY_NOTICE_AFTER_SECONDS = 0.5
# ... and waited for, with growing pauses, for this long in all before the action is refused.
BUSY_GIVE_UP_SECONDS = 30.0
# Pauses between attempts: about a millisecond (a commit takes a few) for the first second; the
# pauses do not grow before that, or the station waiting longest would look least often.
_PAUSE = 0.001
_SHORT_PAUSES_FOR = 1.0
_LONGEST_PAUSE = 1.0
_pause = time.sleep  # the wait between attempts (tests replace it and _clock so that no test sleeps)
_clock = time.monotonic
# Told when a transaction starts waiting for a busy database (after SQLite's own busy timeout ran
# out once): the kiosk says "waiting for the database" while its thread waits. One per process,
# like the station it runs.
_busy_listener: Callable[[], None] | None = None


@dataclass
class LockTimes:
    """This process's write transactions so far: how long they waited for the write lock, and
    held it (BEGIN IMMEDIATE taken until COMMIT or ROLLBACK returned), in seconds. Kept so that
    a slow action can be told apart: waiting behind other stations, or slow inside its own."""

    waited: float = 0.0
    held: float = 0.0


LOCK_TIMES = LockTimes()

# Primary SQLite result codes (sqlite3.Error.sqlite_errorcode & 0xff).
_SQLITE_READONLY, _SQLITE_IOERR, _SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_NOTADB = 8, 10, 11, 13, 26
_SQLITE_BUSY, _SQLITE_LOCKED = 5, 6
_INSERT_EVENT = f"INSERT INTO events ({EVENT_COLUMNS}, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
# As json.dumps(detail, ensure_ascii=False), without building an encoder for every event.
_DETAIL = json.JSONEncoder(ensure_ascii=False)


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


def _storable(value: object) -> bool:
    if not isinstance(value, str) or value.isascii():
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class _Connection(sqlite3.Connection):
    """A connection that refuses a lone surrogate (an undecodable input byte) in a statement's
    parameters with the kiosk's message, reads included: SQLite would raise UnicodeEncodeError."""

    # This process's place in the queue for the write lock (set by open_database).
    write_queue: WriteQueue | None = None

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        values = parameters.values() if isinstance(parameters, dict) else parameters
        if not all(_storable(value) for value in values):
            raise KioskError(_("The input holds bytes that are not valid text: nothing was saved."))
        return super().execute(sql, parameters)


def open_database(path: str | Path) -> sqlite_utils.Database:
    """Open (creating or migrating as needed) the kiosk database at ``path``.

    A database of an older schema version is copied beside itself before it is
    migrated, so a failed migration never loses data.
    """
    path = Path(path)
    if path.exists() and path.is_dir():
        raise KioskError(_("{path} is a folder, not a database file.").format(path=path))
    if path.exists() and not path.is_file():
        # /dev/null, a pipe, a terminal: SQLite would fail later with "disk I/O error".
        raise KioskError(_("{path} is not a regular file: give the path of a database file.").format(path=path))
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # isolation_level=None: we issue BEGIN IMMEDIATE ourselves, so that a
        # write transaction takes the lock up front instead of failing halfway.
        conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000, factory=_Connection)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        conn.write_queue = WriteQueue.beside(path)
    except sqlite3.DatabaseError as error:
        raise KioskError(_("{path} is not a kiosk database ({error}).").format(path=path, error=error)) from error
    if version > SCHEMA_VERSION:
        conn.close()
        raise KioskError(
            _("{path} was written by a newer kiosk (schema {version}, this one knows {known}).").format(
                path=path, version=version, known=SCHEMA_VERSION
            )
        )
    register_functions(conn)
    pinyin.register_functions(conn)
    # No sqlite-utils plugins: whatever is installed on the machine must not add functions to
    # the kiosk's connection (and looking for them reads every installed package's metadata).
    db = sqlite_utils.Database(conn, execute_plugins=False)
    if version < SCHEMA_VERSION:
        if version > 0:
            # The chain is not checked here: a tampered log must still open, to be looked into.
            backup_database(db, path.with_name(f"{path.name}.v{version}.bak"), check_chain=False)
        _migrate(conn, version)
    return db


def _migrate(conn: sqlite3.Connection, version: int) -> None:
    for number in range(version + 1, SCHEMA_VERSION + 1):
        script = MIGRATIONS[number - 1]
        # executescript commits on its own; wrap it so the version bump and the
        # schema change land together.
        conn.executescript(f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;")


def quick_check(db: sqlite_utils.Database) -> str | None:
    """SQLite's quick_check of the whole file: None when it is sound, else what is wrong."""
    try:
        found = [row[0] for row in db.execute("PRAGMA quick_check(3)").fetchall()]
    except sqlite3.DatabaseError as error:
        return str(error)
    return None if found == ["ok"] else "; ".join(found)


@dataclass(frozen=True)
class Backup:
    path: Path
    # The audit chain's head in the copy (None for a database older than the chain).
    head: str | None


def _copy(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    source.backup(target)


def backup_database(db: sqlite_utils.Database, destination: str | Path, *, check_chain: bool = True) -> Backup:
    """Online backup of a live database to ``destination`` (safe while others write), verified.

    The copy is written under a hidden temporary name beside the destination, checked (SQLite's
    integrity_check and, when the schema has it, the audit chain) and only then renamed into
    place: a full disk or a damaged copy leaves no file at ``destination``.
    """
    destination = Path(destination)
    temporary = destination.with_name(f".{destination.name}.{os.getpid()}.tmp")
    leftovers = [temporary, *(temporary.with_name(temporary.name + s) for s in ("-journal", "-wal", "-shm"))]
    try:
        target = sqlite3.connect(temporary)
        try:
            _copy(db.conn, target)
            problems = [row[0] for row in target.execute("PRAGMA integrity_check(3)")]
            if problems != ["ok"]:
                raise KioskError(_("The backup copy failed its integrity check ({problems}): it was not kept.")
                                 .format(problems="; ".join(problems)))
            head = None
            if check_chain and "hash" in {row[1] for row in target.execute("PRAGMA table_info(events)")}:
                head = verify_chain(target).head
            # The copy is in WAL mode like its source: fold everything into the main file.
            target.execute("PRAGMA journal_mode = DELETE")
        finally:
            target.close()
        with open(temporary, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, destination)
        _sync_folder(destination.parent)
    except sqlite3.Error as error:
        raise _refusal(error) or KioskError(
            _("The backup could not be written ({error}): nothing was kept.").format(error=error)) from error
    except OSError as error:
        raise KioskError(_("The backup could not be written ({error}): nothing was kept.").format(
            error=error.strerror or error)) from error
    finally:
        for leftover in leftovers:
            leftover.unlink(missing_ok=True)
    return Backup(destination, head)


def _sync_folder(folder: Path) -> None:
    """Make a rename durable: the folder's entry is on disk too."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some filesystems cannot sync a folder; the rename itself is still atomic
    finally:
        os.close(fd)


def _refusal(error: BaseException) -> KioskError | None:
    """The message for a database error that is not the user's fault, or None for a bug."""
    if isinstance(error, UnicodeEncodeError):
        # A lone surrogate: an undecodable byte that reached a text value.
        return KioskError(_("The input holds bytes that are not valid text: nothing was saved."))
    if not isinstance(error, sqlite3.Error):
        return None
    code = (getattr(error, "sqlite_errorcode", None) or 0) & 0xFF
    if code in (_SQLITE_BUSY, _SQLITE_LOCKED):
        return KioskError(
            _("The database is busy (another station or program has held it for {seconds} s):"
              " nothing was saved, try again.").format(seconds=int(BUSY_GIVE_UP_SECONDS))
        )
    if code == _SQLITE_FULL:
        return KioskError(_("The disk is full: nothing was saved. Free some space, then try again."))
    if code in (_SQLITE_IOERR, _SQLITE_READONLY):
        return KioskError(_("The database file cannot be written ({error}): nothing was saved.").format(error=error))
    if code in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
        return KioskError(
            _("The database file is damaged ({error}): nothing was saved. Restore the last backup"
              " (kiosk restore).").format(error=error)
        )
    return None


def on_busy_wait(listener: Callable[[], None] | None) -> None:
    """Call ``listener`` (None: nobody) whenever a transaction starts waiting for a busy database.

    It runs on the waiting thread, before the first pause, once per transaction; the refusal
    that may follow is the transaction's KioskError as usual.
    """
    global _busy_listener
    _busy_listener = listener


def _begin(conn: sqlite3.Connection) -> None:
    """BEGIN IMMEDIATE, waiting out a busy database for a bounded time: after short pauses, the
    station waiting longest first (kiosk.write_queue), then, once the wait is long, growing pauses."""
    started = _clock()
    deadline = started + BUSY_GIVE_UP_SECONDS
    queue: WriteQueue | None = getattr(conn, "write_queue", None)
    pause = _PAUSE
    told = False
    conn.execute(f"PRAGMA busy_timeout = {BEGIN_BUSY_TIMEOUT_MS}")
    try:
        while True:
            now = _clock()
            if queue is None or now >= deadline or not queue.someone_before(now - started):
                try:
                    conn.execute("BEGIN IMMEDIATE")
                    return
                except sqlite3.OperationalError as error:
                    code = (error.sqlite_errorcode or 0) & 0xFF
                    if code not in (_SQLITE_BUSY, _SQLITE_LOCKED) or _clock() >= deadline:
                        raise
            waited = _clock() - started
            if queue is not None:
                queue.waiting(waited)
            if not told and _busy_listener is not None and waited >= BUSY_NOTICE_AFTER_SECONDS:
                told = True
                _busy_listener()
            # Jittered, so that stations retrying together do not collide again.
            _pause(min(pause * random.uniform(0.5, 1.0), max(0.0, deadline - _clock())))
            if waited >= _SHORT_PAUSES_FOR:
                pause = min(pause * 2, _LONGEST_PAUSE)
    finally:
        if queue is not None:
            queue.leave()
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


@contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[sqlite3.Connection]:
    """One write transaction: everything inside commits together or not at all.

    A busy database is waited for (up to BUSY_GIVE_UP_SECONDS), a full disk, an unwritable or
    damaged file and undecodable text are refused with a KioskError, and whatever fails,
    including the COMMIT itself, rolls back: the connection is never left inside a transaction.
    """
    conn = db.conn
    asked = time.perf_counter()
    try:
        _begin(conn)
    except sqlite3.Error as error:
        refusal = _refusal(error)
        if refusal is None:
            raise
        raise refusal from error
    taken = time.perf_counter()
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException as error:
        if conn.in_transaction:
            # SQLite rolls back by itself after the errors that make ROLLBACK fail.
            with suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
        refusal = _refusal(error)
        if refusal is not None:
            raise refusal from error
        raise
    finally:
        LOCK_TIMES.waited += taken - asked
        LOCK_TIMES.held += time.perf_counter() - taken


def record_event(
    conn: sqlite3.Connection,
    kind: str,
    *,
    order_id: str | None = None,
    operator: str | None = None,
    station: str = "",
    **detail: Any,
) -> None:
    """Append one row to the audit log; call it inside the transaction it describes.

    The row is sealed into the hash chain (kiosk.audit): inside BEGIN IMMEDIATE this
    connection holds the write lock, so the newest event read here stays the newest.
    """
    last = conn.execute("SELECT id, hash FROM events ORDER BY id DESC LIMIT 1").fetchone()
    row = (last[0] + 1 if last else 1, utcnow(), kind, order_id, operator, station, _DETAIL.encode(detail))
    conn.execute(_INSERT_EVENT, (*row, event_hash(last[1] if last else None, row)))


# An event as record_events takes it: kind, order id, operator, station, detail.
EventEntry = tuple[str, str | None, str | None, str, dict[str, Any]]


def record_events(conn: sqlite3.Connection, entries: Iterable[EventEntry]) -> None:
    """Append many events in one statement (a bulk import), in order, sealed as record_event seals them.

    They share one time: they are written, and committed, together.
    """
    now = utcnow()
    conn.executemany(_INSERT_EVENT, seal_rows(conn, [
        (now, kind, order_id, operator, station, _DETAIL.encode(detail))
        for kind, order_id, operator, station, detail in entries
    ]))
