"""The subprocess side of the start-up and memory figures.

``python -m benchmarks.child kiosk|floor --db PATH --spool DIR`` starts one App headless and
prints ``ready`` the moment its first screen is on screen (the parent times that line from
the spawn), then does the app's typical first work and prints its memory as JSON:

- kiosk: log in (badge, PIN) and open the queue of the big database;
- floor: echo one scan.

Only the standard library is imported before the clock starts counting in the parent, and
both apps go through the same steps, so the two start-ups compare like for like.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from benchmarks.screen_probe import Condition, TextScreen

READY = "ready"


def memory_kib() -> dict[str, int]:
    """Peak and current resident memory of this process, in KiB."""
    usage = {"ru_maxrss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}  # KiB on Linux
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmHWM", "VmRSS"):
                usage[key] = int(value.split()[0])
    except OSError:  # not Linux: ru_maxrss alone
        pass
    return usage


def announce_ready() -> None:
    print(READY, flush=True)


def announcing(condition: Condition) -> Condition:
    """``condition``, announcing ready from inside the frame where it first holds.

    Printing after ``await``-ing the watch would add whatever the event loop runs first (the
    kiosk's start-up work after its first frame, for one); a terminal has the frame already.
    """
    announced = False

    def check(screen: TextScreen) -> bool:
        nonlocal announced
        holds = condition(screen)
        if holds and not announced:
            announced = True
            announce_ready()
        return holds
    return check


async def run_kiosk(db: Path, spool: Path) -> dict[str, object]:
    import kiosk.cli  # noqa: F401  the `kiosk` command loads this before it builds the App
    from benchmarks.dataset import BENCH_STATION
    from benchmarks.driving import SIZE
    from benchmarks.kiosk_runs import BenchKiosk, log_in, login_shown
    from kiosk.config import Config

    config = Config(station=BENCH_STATION, database=db, spool_dir=spool, idle_lock_seconds=0)
    app = BenchKiosk(config)
    shown = app.frame_log.watch(announcing(login_shown(app)))
    async with app.run_test(size=SIZE) as pilot:
        await shown
        at_ready = memory_kib()
        await log_in(app, pilot)
        await pilot.pause()
        return {"at_ready": at_ready, "after": memory_kib(), "work": "login and queue open"}


async def run_floor() -> dict[str, object]:
    from benchmarks.driving import SIZE, post_scan
    from benchmarks.floor_app import READY_TEXT, WatchedEchoApp
    from benchmarks.floor_runs import echo_shows
    from benchmarks.screen_probe import frame_after

    app = WatchedEchoApp()
    shown = app.frame_log.watch(announcing(echo_shows(app, READY_TEXT)))
    async with app.run_test(size=SIZE) as pilot:
        await shown
        at_ready = memory_kib()
        post_scan(app, "4006381333931")
        await frame_after(app, echo_shows(app, "4006381333931"))
        await pilot.pause()
        return {"at_ready": at_ready, "after": memory_kib(), "work": "one scan echoed"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.child")
    parser.add_argument("app", choices=("kiosk", "floor"))
    parser.add_argument("--db", type=Path)
    parser.add_argument("--spool", type=Path)
    args = parser.parse_args(argv)
    started = run_kiosk(args.db, args.spool) if args.app == "kiosk" else run_floor()
    report = asyncio.run(started)
    print(json.dumps(report), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
