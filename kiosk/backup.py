"""Backups a cron job can rely on, restores, and the check a kiosk makes before it starts.

A backup is an online copy (kiosk.db.backup_database: written under a temporary name, verified,
then renamed), its audit head written beside it (``DEST.head``) so a later ``kiosk audit verify
--head`` can tell whether the log was cut short or rewritten, and remembered beside the database
(``DB.last-backup``) so that a damaged database can name the copy to restore.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlite_utils

from kiosk.audit import check_head_text, verify_chain
from kiosk.db import Backup, backup_database, open_database, quick_check, record_event, transaction
from kiosk.errors import KioskError
from kiosk.i18n import _
from kiosk.schema import SCHEMA_VERSION

HEAD_SUFFIX = ".head"
LAST_BACKUP_SUFFIX = ".last-backup"


def _write_small_file(path: Path, text: str) -> None:
    """Write a small text file whole or not at all (temporary name, then rename)."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def head_file(backup: Path) -> Path:
    return backup.with_name(backup.name + HEAD_SUFFIX)


def last_backup(database: Path) -> str | None:
    """The newest backup made of ``database`` by ``kiosk backup``, as recorded beside it."""
    try:
        return database.with_name(database.name + LAST_BACKUP_SUFFIX).read_text(encoding="utf-8").splitlines()[0]
    except (OSError, UnicodeError, IndexError):
        return None


def make_backup(db: sqlite_utils.Database, database: Path, destination: str | Path) -> Backup:
    """Back ``db`` (the file ``database``) up to ``destination``, a new file in an existing folder."""
    destination = Path(destination)
    if destination.is_dir():
        raise KioskError(_("{path} is a folder: give a new file name, or --keep N to keep dated copies there.")
                         .format(path=destination))
    if destination.exists():
        raise KioskError(_("{path} already exists: choose a new file name.").format(path=destination))
    if not destination.parent.is_dir():
        # A typing error must not grow a tree of folders at the root of a disk.
        raise KioskError(_("Folder {folder} does not exist: create it first.").format(folder=destination.parent))
    backup = backup_database(db, destination)
    try:
        if backup.head is not None:
            _write_small_file(head_file(destination), backup.head + "\n")
        _write_small_file(database.with_name(database.name + LAST_BACKUP_SUFFIX),
                          f"{destination.resolve()}\n{backup.head or ''}\n")
    except OSError as error:
        raise KioskError(_("The backup {path} is complete, but its head hash could not be written beside it"
                           " ({error}).").format(path=destination, error=error.strerror or error)) from error
    return backup


@dataclass(frozen=True)
class Rotation:
    backup: Backup
    removed: list[Path]


def rotate_backups(db: sqlite_utils.Database, database: Path, folder: str | Path, keep: int) -> Rotation:
    """A dated backup in ``folder``, and only the newest ``keep`` dated copies of this database kept."""
    folder = Path(folder)
    if keep < 1:
        raise KioskError(_("--keep must be at least 1."))
    if not folder.is_dir():
        raise KioskError(_("Folder {folder} does not exist: create it first.").format(folder=folder))
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    destination = folder / f"{database.stem}-{stamp}.db"
    number = 2
    while destination.exists():  # two runs in one second
        destination = folder / f"{database.stem}-{stamp}-{number}.db"
        number += 1
    backup = make_backup(db, database, destination)
    # Names sort by date; only files of this database's dated pattern are ever removed.
    dated = sorted(folder.glob(f"{database.stem}-[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]-[0-9]*.db"))
    removed = dated[:-keep]
    for old in removed:
        old.unlink(missing_ok=True)
        head_file(old).unlink(missing_ok=True)
    return Rotation(backup, removed)


def read_head(value: str) -> str:
    """A head hash given on the command line, or the path of a ``.head`` file holding one."""
    path = Path(value)
    if len(value) != 64 and path.is_file():
        try:
            value = path.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeError) as error:
            raise KioskError(_("{path} cannot be read ({error}).").format(path=path, error=error)) from error
    return check_head_text(value)


def open_checked(database: Path) -> sqlite_utils.Database:
    """Open the kiosk's database for a station, refusing a damaged file and naming the last backup."""
    try:
        db = open_database(database)
    except KioskError as error:
        if not isinstance(error.__cause__, sqlite3.DatabaseError):
            raise  # a folder, a device, a newer kiosk's file: not damage
        problem, db = str(error.__cause__), None
    else:
        problem = quick_check(db)
    if problem is None:
        return db
    if db is not None:
        db.conn.close()
    backup = last_backup(database)
    if backup:
        raise KioskError(_("The database {path} is damaged ({problem}): restore the last backup with"
                           " kiosk restore {backup}").format(path=database, problem=problem, backup=backup))
    raise KioskError(_("The database {path} is damaged ({problem}) and no backup of it is known:"
                       " restore one with kiosk restore BACKUP.").format(path=database, problem=problem))


@dataclass(frozen=True)
class Restored:
    # The database as it was before, kept beside it (None when there was none).
    previous: Path | None
    head: str | None


def _check_backup(path: Path) -> str | None:
    """Refuse a backup that is not a sound kiosk database; returns its audit head."""
    if not path.is_file():
        raise KioskError(_("{path} is not a backup file.").format(path=path))
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise KioskError(_("{path} cannot be read ({error}).").format(path=path, error=error)) from error
    try:
        problems = [row[0] for row in conn.execute("PRAGMA integrity_check(3)")]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        has_chain = "hash" in {row[1] for row in conn.execute("PRAGMA table_info(events)")}
        if problems != ["ok"]:
            raise KioskError(_("{path} is damaged ({problems}): choose another backup.").format(
                path=path, problems="; ".join(problems)))
        if not 0 < version <= SCHEMA_VERSION:
            raise KioskError(_("{path} is not a backup of a kiosk database this version can open.").format(path=path))
        if not has_chain:
            return None
        recorded = head_file(path)
        expected = read_head(recorded.read_text(encoding="utf-8")) if recorded.is_file() else None
        return verify_chain(conn, expected).head
    except sqlite3.DatabaseError as error:
        raise KioskError(_("{path} is not a kiosk database ({error}).").format(path=path, error=error)) from error
    finally:
        conn.close()


def _live_state(database: Path) -> tuple[bool, list[tuple[str, str]]]:
    """Whether the current database is sound, and which stations hold which orders in it."""
    try:
        conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
        try:
            if conn.execute("PRAGMA quick_check(1)").fetchone()[0] != "ok":
                return False, []
            return True, conn.execute("SELECT station, order_id FROM claims ORDER BY station").fetchall()
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return False, []


def restore_backup(database: Path, backup: str | Path, *, force: bool = False) -> Restored:
    """Put a verified backup in the place of ``database``; the database as it was is kept beside it.

    Refused while stations hold orders (their work since the backup would be lost) unless
    ``force``. A sound database is overwritten through SQLite's backup API, so stations that
    have it open see the restored data, never half of it; a damaged one is moved aside.
    """
    backup = Path(backup)
    if backup.resolve() == database.resolve():
        raise KioskError(_("{path} is the database itself, not a backup of it.").format(path=backup))
    head = _check_backup(backup)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    previous = None
    if database.exists():
        sound, claims = _live_state(database)
        if claims and not force:
            stations = ", ".join(sorted({station for station, _order in claims}))
            raise KioskError(_("Stations {stations} hold {count} orders in {path}: their work would be lost."
                               " Finish or put the orders back first, or use --force.").format(
                                   stations=stations, count=len(claims), path=database))
        previous = database.with_name(f"{database.name}.before-restore-{stamp}")
        if sound:
            live = open_database(database)
            try:
                backup_database(live, previous, check_chain=False)
                source = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
                try:
                    source.backup(live.conn)
                finally:
                    source.close()
            finally:
                live.conn.close()
        else:
            for suffix in ("", "-wal", "-shm"):
                moved = database.with_name(database.name + suffix)
                if moved.exists():
                    os.replace(moved, previous.with_name(previous.name + suffix))
    if not database.exists():
        temporary = database.with_name(f".{database.name}.restore.tmp")
        source = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
        target = sqlite3.connect(temporary)
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
        os.replace(temporary, database)
    restored = open_database(database)  # brings an older backup's schema forward
    try:
        with transaction(restored) as conn:
            record_event(conn, "database_restored", operator="cli", backup=str(backup.resolve()),
                         previous=str(previous) if previous else "")
    finally:
        restored.conn.close()
    return Restored(previous, head)
