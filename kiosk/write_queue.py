"""The station that has waited longest for the database's write lock takes it first.

SQLite gives its write lock (BEGIN IMMEDIATE, in WAL mode) to whoever asks at a moment it is
free, and a waiter only polls. With stations committing back to back, the one that has just
committed asks again at once and often wins, while one that has waited long keeps missing the
free moments: a scan waited 380 ms behind 7 stations shipping flat out although each commit
holds the lock about 4 ms. So the kiosk's processes queue by age, on a small file beside the
database: a station waiting for the lock holds a shared lock on the byte of how long it has
waited (one byte per LEVEL_SECONDS), and a station that finds a higher byte held by another
process lets that one try first. The operating system drops the locks of a process that ends,
however it ends, so nothing is left to clean up.

A station gives way only while it has waited less than LEVELS levels (20 ms), and after that
competes as SQLite has it. The bound matters on a machine with fewer cores than busy stations:
the longest waiter may be waiting for a CPU, not for the lock, and while the others give way to
it the lock stays free. Giving way for up to a second made a paced station's scan p99 worse
(30 ms against 21 ms with no queue at all, 100 ms against 20 ms on a busier run); giving way for
20 ms kept it where it was (17 ms) and still cut the p99 among stations shipping flat out from
214 ms to 73 ms (interleaved runs on one 2-core machine). A stopped process holding its byte
holds the others up by at most as long. These are POSIX record locks: they tell processes apart,
not connections of one process.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

LEVEL_SECONDS = 0.004  # about one durable commit on an SSD
LEVELS = 5  # 20 ms of waiting; beyond it every waiter is equal


_QUEUES: dict[str, WriteQueue] = {}


def _level(waited: float) -> int:
    return min(int(waited / LEVEL_SECONDS), LEVELS)


class WriteQueue:
    """This process's place among the processes waiting for one database's write lock."""

    def __init__(self, path: str) -> None:
        self._path = path
        # Kept open for the life of the process once opened: closing any handle of the file would
        # drop every lock the process holds on it.
        self._handle: int | None = None
        self._held = 0  # the level byte this process holds (0: none)

    @classmethod
    def beside(cls, database: Path) -> WriteQueue:
        """The queue of ``database`` (its file ``NAME-writers``), one per process and database.

        The file is made by the first process that has to wait: a database nobody ever waited for
        (one station, a demo or a backup written under a temporary name) gets none."""
        key = os.path.realpath(database)
        if key not in _QUEUES:
            _QUEUES[key] = cls(key + "-writers")
        return _QUEUES[key]

    def _file(self, *, create: bool) -> int | None:
        if self._handle is None:
            try:
                self._handle = os.open(self._path, os.O_RDWR | (os.O_CREAT if create else 0), 0o644)
            except OSError:
                return None  # nobody has waited yet, or a read-only folder: the lock is taken unqueued
        return self._handle

    def someone_before(self, waited: float) -> bool:
        """Whether another process has waited at least a level longer than this one's ``waited``."""
        # Never below this process's own byte: the range tested must not cover it (a lock of one
        # process does not conflict with another of its own, it replaces it).
        level = max(_level(waited), self._held)
        handle = self._file(create=False)
        if level >= LEVELS or handle is None:
            return False
        try:
            fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB, LEVELS - level, level + 1)
        except OSError:
            return True
        fcntl.lockf(handle, fcntl.LOCK_UN, LEVELS - level, level + 1)
        return False

    def waiting(self, waited: float) -> None:
        """Say that this process has waited ``waited`` seconds so far."""
        level = _level(waited)
        handle = self._file(create=True)
        if level <= self._held or handle is None:
            return
        try:
            fcntl.lockf(handle, fcntl.LOCK_SH | fcntl.LOCK_NB, 1, level)
        except OSError:
            return  # another process is looking at that byte this instant: next time
        self.leave()
        self._held = level

    def leave(self) -> None:
        """This process no longer waits (it has the lock, or gave up)."""
        if self._held:
            fcntl.lockf(self._handle, fcntl.LOCK_UN, 1, self._held)
            self._held = 0
