"""Demo runs: each ``kiosk --demo`` gets a folder of its own, and old ones go only when unused.

A run holds a lock on a file in its folder for as long as its process lives (the operating
system drops it when the process ends, even after ``kill -9``). Old runs beyond the last few
are removed only when neither their run lock is held nor any process has their database open,
so a kiosk still shipping on a demo database never loses it or its labels.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import platformdirs

from kiosk.config import APP_NAME
from kiosk.file_locks import try_lock

DATABASE_NAME = "kiosk-demo.db"
KEEP_RUNS = 3
_RUN_PREFIX = "run-"
_LOCK_NAME = "in-use.lock"
# SQLite (unix VFS) holds a shared lock on this byte of the -shm file while a connection
# has a WAL database open: an exclusive lock that cannot be taken means someone has it open.
_SQLITE_SHM_DMS_BYTE = 128


def demo_folder() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME)) / "demo"


@dataclass
class DemoRun:
    """One demo run's folder, locked until ``release`` or the end of the process."""

    folder: Path
    handle: int

    @property
    def database(self) -> Path:
        return self.folder / DATABASE_NAME

    @property
    def spool_dir(self) -> Path:
        return self.folder / "spool"

    def release(self) -> None:
        if self.handle >= 0:
            os.close(self.handle)
            self.handle = -1


def database_open_elsewhere(database: Path) -> bool:
    """Whether another process has this WAL database open (a station run with ``--db``)."""
    try:
        handle = os.open(f"{database}-shm", os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
        fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, _SQLITE_SHM_DMS_BYTE)
    except OSError:
        return True
    else:
        fcntl.lockf(handle, fcntl.LOCK_UN, 1, _SQLITE_SHM_DMS_BYTE)
        return False
    finally:
        os.close(handle)


def start_demo_run(root: Path | None = None, keep: int = KEEP_RUNS) -> DemoRun:
    """A new, empty, locked run folder; then the unused runs older than the last ``keep`` go."""
    root = root or demo_folder()
    root.mkdir(parents=True, exist_ok=True)
    # Made and locked under a hidden name, then renamed: a pruning run never sees it unlocked.
    staging = Path(tempfile.mkdtemp(prefix=".new-", dir=root))
    handle = try_lock(staging / _LOCK_NAME)
    assert handle is not None  # nobody else knows the folder yet
    folder = root / f"{_RUN_PREFIX}{datetime.now():%Y%m%d-%H%M%S-%f}-{os.getpid()}"
    staging.rename(folder)
    _prune(root, keep, current=folder)
    return DemoRun(folder, handle)


def _prune(root: Path, keep: int, current: Path) -> None:
    # Names start with the run's start time: newest first by name.
    runs = sorted((p for p in root.iterdir() if p.is_dir() and p.name.startswith(_RUN_PREFIX)), reverse=True)
    old = [run for run in runs if run != current][max(keep - 1, 0):]
    for run in old:
        handle = try_lock(run / _LOCK_NAME, create=False)
        if handle is None:
            continue  # a live demo still runs there
        try:
            if not database_open_elsewhere(run / DATABASE_NAME):
                shutil.rmtree(run, ignore_errors=True)
        finally:
            os.close(handle)
