"""Two processes doing conflicting things at the same moment, many times over: the same waybill on
two orders, a supervisor's release while the station scans, two kiosks under one station name.

A few loops run in the default suite; ``pytest -m slow tests/test_races.py`` runs 50 of each.
"""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiosk.config import Config
from kiosk.db import open_database
from kiosk.desk import Desk
from kiosk.errors import KioskError
from tests.conftest import EAN
from tests.invariants import add_orders, loops, violations

FORK = multiprocessing.get_context("fork")


def station_config(config: Config, station: str) -> Config:
    return Config(station=station, database=config.database, spool_dir=config.spool_dir, idle_lock_seconds=0)


# -- the same waybill at the same moment ------------------------------------------------------


def ship_with(config: Config, badge: str, pin: str, order_ids: list[str], barrier, results) -> None:
    """Pack each order, then record the round's shared waybill when the other station does."""
    desk = Desk(open_database(config.database), config)
    desk.log_in(badge, pin)
    for round_no, order_id in enumerate(order_ids):
        desk.open_order(order_id)
        desk.acknowledge_notes()
        while not desk.session.all_verified:
            desk.scan(EAN["MUG-01"])
        barrier.wait()
        try:
            desk.record_waybill(f"SF77{round_no:011d}")
            results.put((round_no, config.station, "shipped"))
        except KioskError as error:
            results.put((round_no, config.station, str(error)))
            desk.put_back()


@pytest.mark.parametrize("rounds", loops(5, 50))
def test_the_same_waybill_at_the_same_moment_ships_one_order(db, config, rounds):
    a_orders, b_orders = add_orders(db, "WA", rounds, 1), add_orders(db, "WB", rounds, 1)
    barrier, results = FORK.Barrier(2, timeout=60), FORK.Queue()
    children = [FORK.Process(target=ship_with, args=(station_config(config, "DESK-A"), "P001", "1234", a_orders,
                                                     barrier, results)),
                FORK.Process(target=ship_with, args=(station_config(config, "DESK-B"), "P002", "4321", b_orders,
                                                     barrier, results))]
    for child in children:
        child.start()
    outcomes = [results.get(timeout=120) for _ in range(2 * rounds)]
    for child in children:
        child.join(60)
        assert child.exitcode == 0
    for round_no in range(rounds):
        said = [what for number, _station, what in outcomes if number == round_no]
        assert sorted(said, key=lambda what: what != "shipped")[0] == "shipped"
        assert said.count("shipped") == 1, said
        refusal = next(what for what in said if what != "shipped")
        assert "already" in refusal or "used" in refusal, refusal
    assert db.execute("SELECT COUNT(*) FROM shipments").fetchone()[0] == rounds
    assert violations(db) == []


# -- a supervisor's release while the station scans -------------------------------------------


def keep_scanning(config: Config, order_ids: list[str], barrier, results) -> None:
    desk = Desk(open_database(config.database), config)
    desk.log_in("P001", "1234")
    for order_id in order_ids:
        desk.open_order(order_id)
        desk.acknowledge_notes()
        barrier.wait()
        counted = 0
        for _ in range(6):  # the order has 5 units: the last scan is always one too many
            outcome = desk.scan(EAN["MUG-01"])
            counted += outcome.quantity if outcome.accepted else 0
            if outcome.result.value == "not_held":
                break
        barrier.wait()  # the supervisor has released it, during the scans or after them
        desk.close_order()
        results.put((order_id, counted))


def release_each(config: Config, order_ids: list[str], barrier) -> None:
    desk = Desk(open_database(config.database), config)
    desk.log_in("S001", "9999")
    for number, order_id in enumerate(order_ids):
        barrier.wait()
        time.sleep((number % 5) * 0.002)  # land at different scans
        desk.release(order_id, "back to the queue")
        barrier.wait()


@pytest.mark.parametrize("rounds", loops(5, 50))
def test_a_release_while_the_station_scans_leaves_nothing_counted(db, config, rounds):
    order_ids = add_orders(db, "RL", rounds, 5)
    barrier, results = FORK.Barrier(2, timeout=60), FORK.Queue()
    children = [FORK.Process(target=keep_scanning, args=(station_config(config, "DESK-A"), order_ids, barrier,
                                                         results)),
                FORK.Process(target=release_each, args=(station_config(config, "DESK-S"), order_ids, barrier))]
    for child in children:
        child.start()
    counted = dict(results.get(timeout=120) for _ in range(rounds))
    for child in children:
        child.join(60)
        assert child.exitcode == 0
    assert set(counted) == set(order_ids)
    assert all(0 <= units <= 5 for units in counted.values())
    # Released: back in the queue with nothing counted, whatever the station scanned around it.
    assert db.execute("SELECT COUNT(*) FROM orders WHERE order_id LIKE 'RL-%' AND status != 'paid'"
                      ).fetchone()[0] == 0
    assert db.execute("SELECT COUNT(*) FROM scans WHERE order_id LIKE 'RL-%' AND result = 'accepted'"
                      " AND undone_at IS NULL").fetchone()[0] == 0
    assert violations(db) == []


# -- two kiosks under one station name ----------------------------------------------------------

# Runs `kiosk --station DESK-9` through kiosk.cli.main; the App is replaced by one that holds the
# station until told to stop (the real one needs a terminal). Both start at the same moment.
TWIN = """
import os, sys, time
from pathlib import Path
import screens.app

folder = Path(sys.argv[1])

class HoldingApp:
    return_code = 0
    def __init__(self, config, db):
        pass
    def run(self):
        (folder / f"running-{os.getpid()}").touch()
        deadline = time.monotonic() + 60
        while not (folder / "stop").exists() and time.monotonic() < deadline:
            time.sleep(0.01)

screens.app.KioskApp = HoldingApp
from kiosk.cli import main
(folder / f"ready-{os.getpid()}").touch()
while not (folder / "go").exists():
    time.sleep(0.002)
sys.exit(main(["--db", sys.argv[2], "--station", "desk-9"]))
"""


def wait_for(condition, what: str, limit: float = 60.0) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        time.sleep(0.01)


@pytest.mark.parametrize("rounds", loops(3, 50))
def test_two_kiosks_under_one_station_name_one_is_refused(tmp_path, db_path, rounds):
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state"), "PYTHONPATH": str(Path.cwd())}
    for round_no in range(rounds):
        folder = tmp_path / f"round-{round_no}"
        folder.mkdir()
        twins = [subprocess.Popen([sys.executable, "-c", TWIN, str(folder), str(db_path)], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
        wait_for(lambda: len(list(folder.glob("ready-*"))) == 2, "both kiosks ready")  # noqa: B023
        (folder / "go").touch()
        # The refused one ends by itself; the other holds the station until told to stop.
        wait_for(lambda: any(twin.poll() is not None for twin in twins), "one kiosk refused")  # noqa: B023
        assert len(list(folder.glob("running-*"))) == 1
        (folder / "stop").touch()
        finished = [(twin.wait(60), twin.stderr.read()) for twin in twins]
        codes = sorted(code for code, _err in finished)
        assert codes == [0, 1], finished
        refused = next(err for code, err in finished if code == 1)
        assert refused.strip() == "kiosk: Station DESK-9 is already running on this machine." or \
            "Station DESK-9 is already running on this machine" in refused
        for twin in twins:
            twin.stdout.close()
            twin.stderr.close()
