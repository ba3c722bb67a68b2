"""Handing finished labels to the print spool folder.

A print watcher (CUPS hot folder, lpr loop) may pick a file up the moment it appears, so a
label is written under a temporary name and renamed into place: the watcher sees either no
file or the whole PNG, never half of one.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from PIL import Image

from printing.outputs import png_bytes

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


def spool_label(image: Image.Image, spool_dir: str | os.PathLike[str], name: str) -> Path:
    """Write `image` to `<spool_dir>/<name>.png` atomically (replacing a same-named file)."""
    return spool_file(png_bytes(image), spool_dir, name, "png")


def spool_file(data: bytes, spool_dir: str | os.PathLike[str], name: str, suffix: str) -> Path:
    """Write `data` to `<spool_dir>/<name>.<suffix>` atomically (replacing a same-named file)."""
    folder = Path(spool_dir)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{safe_name(name)}.{suffix}"
    # The temporary name does not end in the suffix, so watchers filtering on *.png ignore it.
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
    try:
        # mkstemp makes the file private (0600); the print service often runs as another user.
        os.chmod(tmp, 0o644)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
