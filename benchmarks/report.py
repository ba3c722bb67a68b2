"""Figures beside their floors: statistics, the table, the JSON and the machine line."""

from __future__ import annotations

import ctypes
import math
import os
import platform
import sqlite3
import statistics
from dataclasses import asdict, dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any


def percentile(samples: list[float], q: float) -> float:
    """Nearest-rank percentile: an observed value, so p99 of 500 scans is the 5th slowest."""
    ordered = sorted(samples)
    return ordered[max(math.ceil(q / 100 * len(ordered)) - 1, 0)]


def median(samples: list[float]) -> float:
    return statistics.median(samples)


@dataclass
class Figure:
    name: str
    unit: str
    value: float
    floor: float
    target: float
    samples: int
    floor_samples: int
    detail: dict[str, Any] = field(default_factory=dict)
    # One line under the table when something beside the number needs saying.
    note: str = ""

    @property
    def ratio(self) -> float:
        return self.value / self.floor if self.floor > 0 else math.inf

    @property
    def met(self) -> bool:
        return self.ratio <= self.target

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "ratio": round(self.ratio, 3), "met": self.met}


@dataclass
class Report:
    machine: dict[str, Any]
    sizes: dict[str, int]
    timings: dict[str, float]
    figures: list[Figure]
    # Figures left out of the run (name: why), e.g. the browser's on a machine without Chromium.
    skipped: dict[str, str] = field(default_factory=dict)

    @property
    def all_met(self) -> bool:
        return all(figure.met for figure in self.figures)

    def as_json(self) -> dict[str, Any]:
        return {"machine": self.machine, "sizes": self.sizes, "timings": self.timings,
                "figures": [figure.as_json() for figure in self.figures], "skipped": self.skipped,
                "all_met": self.all_met}

    def table(self) -> str:
        rows = [("figure", "kiosk", "floor", "ratio", "target", "", "samples")]
        for f in self.figures:
            rows.append((f.name, _amount(f.value, f.unit), _amount(f.floor, f.unit), f"{f.ratio:.2f}",
                         f"<= {f.target:g}", "met" if f.met else "MISSED", f"{f.samples}/{f.floor_samples}"))
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        lines = ["  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in
                           enumerate(zip(row, widths, strict=True))).rstrip() for row in rows]
        lines.insert(1, "-" * len(lines[0]))
        missed = [f.name for f in self.figures if not f.met]
        notes = [f"  {f.name}: {f.note}" for f in self.figures if f.note]
        if notes:
            lines += ["", "notes:", *notes]
        if self.skipped:
            lines += ["", "left out:", *(f"  {name}: {why}" for name, why in self.skipped.items())]
        lines += ["", "samples: kiosk/floor (a shift figure: orders in each window/orders shipped)",
                  f"machine: {machine_line(self.machine)}",
                  "file systems: " + ", ".join(f"{k} {v}" for k, v in self.machine.get("file_systems", {}).items()),
                  "sizes: " + ", ".join(f"{k} {v:,}" for k, v in self.sizes.items()),
                  "time: " + ", ".join(f"{k} {v:.1f} s" for k, v in self.timings.items()),
                  "targets: all met" if not missed else "targets MISSED: " + "; ".join(missed)]
        return "\n".join(lines)


def _amount(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value * 1000:.1f} ms"
    if unit == "KiB":
        return f"{value / 1024:.1f} MiB"
    return f"{value:.3g}{unit}"


# File systems that keep files in memory: fsync costs nothing there, so a durable write is not timed.
RAM_FILE_SYSTEMS = frozenset({"tmpfs", "ramfs"})


MOUNT_TABLE = Path("/proc/mounts")


def file_system(path: Path) -> str:
    """The type of the file system holding ``path``: the longest mount point above it in
    /proc/mounts, or, where the mount table does not show it (a chroot whose root is not a mount
    point of its own), what statfs(2) says of the path."""
    resolved = path.resolve()
    best, kind = "", ""
    try:
        mounts = MOUNT_TABLE.read_text().splitlines()
    except OSError:  # not Linux
        mounts = []
    for line in mounts:
        fields = line.split()
        if len(fields) < 3:
            continue
        mount = fields[1].replace("\\040", " ")
        inside = resolved == Path(mount) or Path(mount) in resolved.parents
        if inside and len(mount) >= len(best):
            best, kind = mount, fields[2]
    return kind or statfs_type(resolved)


# statfs(2) magic numbers (linux/magic.h) of the file systems a station's disk is likely to have.
STATFS_TYPES = {
    0xEF53: "ext4", 0x01021994: "tmpfs", 0x858458F6: "ramfs", 0x58465342: "xfs", 0x9123683E: "btrfs",
    0x794C7630: "overlay", 0x2FC12FC1: "zfs", 0xF2F52010: "f2fs", 0x6969: "nfs", 0x65735546: "fuse",
}


def statfs_type(path: Path) -> str:
    """The file system type statfs(2) gives for ``path`` (ext2 and ext3 share ext4's number)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        # struct statfs starts with f_type, a C long on Linux; the rest of the buffer is not read.
        buffer = ctypes.create_string_buffer(256)
        if libc.statfs(os.fsencode(path), buffer) != 0:
            return "unknown"
    except (OSError, AttributeError):  # no C library to ask, or no statfs in it (not Linux)
        return "unknown"
    magic = ctypes.c_long.from_buffer(buffer).value & 0xFFFFFFFF
    return STATFS_TYPES.get(magic, f"unknown (statfs 0x{magic:x})")


def machine_info(folders: dict[str, Path] | None = None) -> dict[str, Any]:
    """The machine, the versions measured and the file system of each folder in ``folders``."""
    cpu = platform.processor() or platform.machine()
    memory_gib = 0.0
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_gib = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": memory_gib,
        "os": platform.platform(),
        "python": platform.python_version(),
        "textual": version("textual"),
        "sqlite": sqlite3.sqlite_version,
        "python_barcode": version("python-barcode"),
        "pillow": version("pillow"),
        "file_systems": {name: file_system(path) for name, path in (folders or {}).items()},
    }


def machine_line(machine: dict[str, Any]) -> str:
    return (f"{machine['cpu']}, {machine['cores']} cores, {machine['memory_gib']} GiB, {machine['os']}, "
            f"Python {machine['python']}, Textual {machine['textual']}, SQLite {machine['sqlite']}")
