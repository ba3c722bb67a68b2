"""Writing the WAL back into the database file on a thread of its own.

SQLite checkpoints (copies the WAL's pages back into the database file and syncs it) inside the
commit that takes the WAL past 1,000 pages. At a desk that commit is a scan or a waybill the
packer is waiting for: about every 12 orders one of them paid for the checkpoint, up to 43 ms on
a database of a million orders where a scan's commit takes under a millisecond. A station's
connection therefore leaves checkpoints to this thread, which makes them on a connection of its
own every few seconds (a checkpoint with nothing to copy reads a header and returns). SQLite
releases the interpreter while it copies and syncs, so the UI thread goes on meanwhile.

Other processes opening the database (the command line, imports, backups) checkpoint as SQLite
does by default, and the last connection to close checkpoints what is left.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import sqlite_utils

CHECKPOINT_SECONDS = 2.0
# SQLite's default, restored on the station's connection when the thread stops.
AUTOCHECKPOINT_PAGES = 1000


class Checkpointer:
    """Checkpoints `db`'s WAL every CHECKPOINT_SECONDS while started; `db` itself no longer does."""

    def __init__(self, db: sqlite_utils.Database, path: str | Path, seconds: float | None = None) -> None:
        self.db = db
        self.path = Path(path)
        self.seconds = CHECKPOINT_SECONDS if seconds is None else seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        if self._thread is not None:
            return
        self._conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        # The file's pages must be on disk before the WAL that held them is written over.
        self._conn.execute("PRAGMA synchronous = FULL")
        self.db.conn.execute("PRAGMA wal_autocheckpoint = 0")
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="wal-checkpoints", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread (after a checkpoint under way) and checkpoint as SQLite does again."""
        thread, self._thread = self._thread, None
        if thread is None:
            return
        self._stop.set()
        thread.join()
        with self._lock:
            assert self._conn is not None
            self._conn.close()
            self._conn = None
        self.db.conn.execute(f"PRAGMA wal_autocheckpoint = {AUTOCHECKPOINT_PAGES}")

    def checkpoint(self) -> tuple[int, int]:
        """Copy what the WAL holds into the database file now, without waiting for readers or
        writers (PASSIVE). Returns the WAL's frames and how many of them are in the file."""
        with self._lock:
            if self._conn is None:
                return 0, 0
            _busy, frames, copied = self._conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        return frames, copied

    def _run(self) -> None:
        while not self._stop.wait(self.seconds):
            try:
                self.checkpoint()
            except sqlite3.Error:
                # A disk full or a file being restored: the next round tries again, and the
                # station's own commits say what is wrong.
                continue
