"""A station killed with SIGKILL at random moments of the whole flow (login, open, scan, waybill,
label) loses nothing and doubles nothing: after each restart the file is sound, the audit chain
holds, the order it held is resumed, and the spool folder matches the database.

Ten kills run in the default suite; ``pytest -m slow tests/test_kills.py`` runs 200.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.claims import station_claim
from kiosk.cli import main
from kiosk.config import Config
from kiosk.db import open_database
from kiosk.desk import Desk
from tests.invariants import add_orders, loops, violations

STATION = "DESK-K"
# Paid orders waiting for the station at each start: more than it can ship before its kill (at
# most a second later), on any machine. A station that runs out stops by itself, and the kill
# that was to land in the middle of the flow would test nothing.
STOCK = 1000

# The station: packs the oldest paid order after another through the desk, with the real print
# service writing labels to the spool folder, until it is killed.
STATION_PROCESS = """
import queue, sys
from pathlib import Path
from kiosk.config import Config
from kiosk.db import open_database
from kiosk.desk import Desk

config = Config(station=sys.argv[3], database=Path(sys.argv[1]), spool_dir=Path(sys.argv[2]), idle_lock_seconds=0)
desk = Desk(open_database(config.database), config)
outcomes = queue.SimpleQueue()
desk.printing.start(outcomes.put)  # removes a killed run's leftovers first
desk.log_in("P001", "1234")
print("ready", flush=True)
desk.resume()
desk.retry_print_jobs()
while True:
    while not outcomes.empty():
        desk.print_finished(outcomes.get())
    if desk.session is None:
        ours = [entry.order_id for entry in desk.queue(0).entries if entry.order_id.startswith("K-")]
        if not ours:
            break
        desk.open_order(ours[0])
    session = desk.session
    if not session.notes_acknowledged:
        desk.acknowledge_notes()
    while not session.all_verified:
        desk.scan("6901234500059")
    desk.record_waybill("SF88%011d" % int(session.order_id.split("-")[1]))
"""


def restart(db_path: Path, spool: Path) -> tuple[str | None, str | None]:
    """What the next kiosk does at start (print service, login, resume): (order held before, order resumed)."""
    config = Config(station=STATION, database=db_path, spool_dir=spool, idle_lock_seconds=0)
    db = open_database(db_path)
    try:
        held = station_claim(db, STATION)
        desk = Desk(db, config)
        desk.printing.start(lambda outcome: None)
        try:
            desk.log_in("P001", "1234")
            resumed = desk.resume()
        finally:
            desk.printing.stop()
        return held, resumed
    finally:
        db.conn.close()


@pytest.mark.parametrize("kills", loops(10, 200))
def test_a_station_killed_at_random_moments_loses_and_doubles_nothing(db, db_path, tmp_path, kills):
    added = 0
    spool = tmp_path / "spool"
    chance = random.Random(kills)
    env = {**os.environ, "PYTHONPATH": str(Path.cwd())}
    resumed_orders = 0
    for kill in range(kills):
        waiting = db.execute("SELECT COUNT(*) FROM orders WHERE order_id LIKE 'K-%' AND status = 'paid'").fetchone()[0]
        if waiting < STOCK:
            added += len(add_orders(db, "K", STOCK, quantity=2, first=added))
        station = subprocess.Popen([sys.executable, "-c", STATION_PROCESS, str(db_path), str(spool), STATION],
                                   env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert station.stdout.readline().strip() == "ready", station.stderr.read()
        try:
            station.wait(chance.uniform(0.0, 1.0))
        except subprocess.TimeoutExpired:
            station.kill()
        station.wait()
        errors = station.stderr.read()
        station.stdout.close()
        station.stderr.close()
        assert station.returncode == -9, f"the station stopped by itself before kill {kill}: {errors}"
        held, resumed = restart(db_path, spool)
        assert resumed == held, f"kill {kill}: held {held}, resumed {resumed}"
        resumed_orders += held is not None
        assert violations(db, spool) == [], f"after kill {kill}"
    assert main(["--db", str(db_path), "audit", "verify"]) == 0
    shipped = db.execute("SELECT COUNT(*) FROM orders WHERE order_id LIKE 'K-%' AND status = 'shipped'").fetchone()[0]
    sent = db.execute("SELECT COUNT(*) FROM print_jobs WHERE status = 'sent'").fetchone()[0]
    assert shipped > 0 and sent > 0
    print(f"\n{kills} kills: {shipped} orders shipped, {sent} labels sent, {resumed_orders} held orders resumed")
