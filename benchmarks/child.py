"""The subprocess side of the start-up and memory figures.

``python -m benchmarks.child kiosk|floor --db PATH --spool DIR [--orders N]`` starts one App
headless and prints ``ready`` the moment its first screen is on screen (the parent times that
line from the spawn), then does the app's work and prints its memory as JSON:

- kiosk: log in (badge, PIN), pack and ship N orders (20 by default) with their labels, and
  wait for the queue back on screen;
- floor: echo one scan and draw one label (benchmarks.floor_label), so Pillow and
  python-barcode are loaded as they are in the kiosk.

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


async def run_kiosk(db: Path, spool: Path, orders: int) -> dict[str, object]:
    import kiosk.cli  # noqa: F401  the `kiosk` command loads this before it builds the App
    from benchmarks import kiosk_contact
    from benchmarks.dataset import BENCH_STATION
    from benchmarks.driving import SIZE

    app = kiosk_contact.BenchKiosk(kiosk_contact.kiosk_config(db, spool, BENCH_STATION))
    shown = app.frame_log.watch(announcing(kiosk_contact.login_shown(app)))
    async with app.run_test(size=SIZE) as pilot:
        await shown
        at_ready = memory_kib()
        from benchmarks.kiosk_runs import KioskResults, log_in, pack_orders

        await log_in(app, pilot)
        results = KioskResults()
        await pack_orders(app, orders, results)
        await app.workers.wait_for_complete()
        await pilot.pause()
        return {"at_ready": at_ready, "after": memory_kib(), "label_failures": sum(results.label_failures.values()),
                "work": f"login, {orders} orders packed and shipped, queue back"}


async def run_floor() -> dict[str, object]:
    from benchmarks.driving import SIZE, post_scan
    from benchmarks.floor_app import READY_TEXT, EchoApp
    from benchmarks.floor_runs import echo_shows
    from benchmarks.screen_probe import frame_after

    app = EchoApp()
    shown = app.frame_log.watch(announcing(echo_shows(app, READY_TEXT)))
    async with app.run_test(size=SIZE) as pilot:
        await shown
        at_ready = memory_kib()
        post_scan(app, "4006381333931")
        await frame_after(app, echo_shows(app, "4006381333931"))
        from benchmarks.label_runs import floor_label

        floor_label("SO-00000001", "1ZBENCH1030000012")
        await pilot.pause()
        return {"at_ready": at_ready, "after": memory_kib(), "label_failures": 0,
                "work": "one scan echoed, one label drawn"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.child")
    parser.add_argument("app", choices=("kiosk", "floor"))
    parser.add_argument("--db", type=Path)
    parser.add_argument("--spool", type=Path)
    parser.add_argument("--orders", type=int, default=20)
    args = parser.parse_args(argv)
    started = run_kiosk(args.db, args.spool, args.orders) if args.app == "kiosk" else run_floor()
    report = asyncio.run(started)
    print(json.dumps(report), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
