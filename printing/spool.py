"""Handing finished labels to the print spool folder.

A print watcher (CUPS hot folder, lpr loop) may pick a file up the moment it appears, so a
label is written under a temporary name and renamed into place: the watcher sees either no
file or the whole PNG, never half of one. A label written before the shipment it belongs to is
committed stays staged under its temporary name until then (kiosk.staged_labels.StagedLabel).
"""

from __future__ import annotations

import os
import re
import socket
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_MAX_NAME = 120


def safe_name(name: str) -> str:
    """File-name-safe version of `name` ("#1042/2" -> "1042_2"); ValueError if nothing is left."""
    stem = name[:-4] if name.lower().endswith((".png", ".pdf", ".zpl")) else name
    # Leading dots would hide the file (and ".." must never survive), so strip them too.
    stem = _UNSAFE.sub("_", stem).strip("._")[:_MAX_NAME]
    if not stem:
        raise ValueError(f"cannot make a spool file name from {name!r}")
    return stem


def spool_file(data: bytes, spool_dir: str | os.PathLike[str], name: str, suffix: str) -> Path:
    """Write `data` to `<spool_dir>/<name>.<suffix>` atomically (replacing a same-named file)."""
    staged = stage_file(data, spool_dir, name, suffix)
    try:
        return staged.publish()
    except BaseException:
        staged.discard()
        raise


@dataclass(frozen=True)
class StagedFile:
    """A file written in full and synced under a hidden temporary name, not yet where a watcher looks."""

    temporary: Path
    target: Path

    def publish(self) -> Path:
        """Rename it into place (atomically replacing a same-named file); returns where it is."""
        os.replace(self.temporary, self.target)
        return self.target

    def discard(self) -> None:
        self.temporary.unlink(missing_ok=True)


def stage_file(data: bytes, spool_dir: str | os.PathLike[str], name: str, suffix: str) -> StagedFile:
    """Write and sync `data` beside `<spool_dir>/<name>.<suffix>`, to be published or discarded."""
    folder = Path(spool_dir)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{safe_name(name)}.{suffix}"
    # The temporary name does not end in the suffix, so watchers filtering on *.png ignore it; it
    # names its writer (host and process), so a restarted kiosk knows a dead process's leftovers.
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{_writer()}.", suffix=".tmp")
    try:
        # mkstemp makes the file private (0600); the print service often runs as another user.
        os.chmod(tmp, 0o644)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return StagedFile(Path(tmp), target)


# A staged label lives for the moment its shipment takes to commit. A temporary this old was left
# by a process that was killed; a younger one may belong to another station sharing the folder,
# unless its name says it was written by a process of this host that is no longer running.
STALE_AFTER_SECONDS = 600.0
_WRITER = re.compile(r"^\.(?P<host>[A-Za-z0-9_-]+)~(?P<pid>[0-9]+)\.")


def _host() -> str:
    return safe_name(socket.gethostname()).replace(".", "_")[:40] or "host"


def _writer() -> str:
    return f"{_host()}~{os.getpid()}"


def _dead_writer(name: str) -> bool:
    """True when ``name`` was staged by a process of this host that has ended."""
    match = _WRITER.match(name)
    if match is None or match["host"] != _host():
        return False
    pid = int(match["pid"])
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False  # alive, another user's
    return False


def remove_stale_temporaries(
    spool_dir: str | os.PathLike[str], older_than: float = STALE_AFTER_SECONDS
) -> list[Path]:
    """Remove the hidden ``.*.tmp`` files that killed processes left in a spool folder; returns them.

    Called at start (by the print service): only files of stage_file's own naming pattern, written
    by a process of this host that has ended or last written more than ``older_than`` seconds ago.
    """
    folder = Path(spool_dir)
    if not folder.is_dir():
        return []
    cutoff = time.time() - older_than
    removed = []
    for path in folder.glob(".*.tmp"):
        try:
            if path.is_file() and not path.is_symlink() and (
                    _dead_writer(path.name) or path.stat().st_mtime < cutoff):
                path.unlink()
                removed.append(path)
        except FileNotFoundError:
            continue  # published or removed by its owner meanwhile
    return removed
