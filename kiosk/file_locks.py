"""Locks a live process holds on a file: the operating system drops them when the process ends,
however it ends (even ``kill -9``), so a lock left behind by a crash never blocks a restart."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path


def try_lock(path: Path, *, create: bool = True) -> int | None:
    """The handle of an exclusive lock on ``path`` (held until the handle is closed), or None when
    another process holds it, or when the file does not exist and ``create`` is off."""
    try:
        handle = os.open(path, os.O_RDWR | (os.O_CREAT if create else 0), 0o600)
    except FileNotFoundError:
        return None
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(handle)
        return None
    return handle


def is_locked(path: Path) -> bool:
    """Whether a live process holds the lock on ``path`` now."""
    handle = try_lock(path, create=False)
    if handle is None:
        return path.exists()
    os.close(handle)
    return False
