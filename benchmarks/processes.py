"""The parent side of the start-up and memory figures: one fresh process per start."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.child import READY

REPO_ROOT = Path(__file__).resolve().parent.parent
CHILD_TIMEOUT = 180.0


@dataclass(frozen=True)
class ChildRun:
    start_seconds: float
    # /proc/self/status and getrusage readings (KiB) at the first screen and after the first work.
    at_ready: dict[str, int]
    after: dict[str, int]
    label_failures: int = 0

    @property
    def peak_kib(self) -> int:
        return self.after.get("VmHWM", self.after["ru_maxrss"])


def run_child(app: str, db: Path, spool: Path, orders: int) -> ChildRun:
    """Start ``benchmarks.child`` and time it from the spawn to its ``ready`` line."""
    env = dict(os.environ)
    # benchmarks/ is not an installed package: the child finds it from the repository root.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    command = [sys.executable, "-m", "benchmarks.child", app, "--db", str(db), "--spool", str(spool),
               "--orders", str(orders)]
    with tempfile.TemporaryFile("w+") as errors:
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, text=True, env=env,
                                 cwd=REPO_ROOT)
        assert child.stdout is not None
        first = child.stdout.readline()
        start_seconds = time.perf_counter() - started
        rest = child.stdout.read()
        code = child.wait(CHILD_TIMEOUT)
        if first.strip() != READY or code != 0:
            errors.seek(0)
            raise RuntimeError(f"benchmark child {app} failed (exit {code}):\n{first}{rest}\n{errors.read()[-3000:]}")
    report = json.loads(rest.strip().splitlines()[-1])
    return ChildRun(start_seconds, report["at_ready"], report["after"], report["label_failures"])


def run_children(db: Path, spool: Path, repeats: int, orders: int) -> tuple[list[ChildRun], list[ChildRun]]:
    """(kiosk runs, floor runs), interleaved so a slow moment of the machine hits both alike; each
    kiosk process packs and ships ``orders`` orders before its memory is read."""
    kiosk_runs, floor_runs = [], []
    for _ in range(repeats):
        floor_runs.append(run_child("floor", db, spool, orders))
        kiosk_runs.append(run_child("kiosk", db, spool, orders))
    return kiosk_runs, floor_runs
