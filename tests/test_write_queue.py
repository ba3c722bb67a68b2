"""The write lock goes to the station that has waited longest, not to whoever asks at the right moment."""

from __future__ import annotations

import multiprocessing
import sqlite3
import time
from pathlib import Path

from kiosk import write_queue
from kiosk.db import open_database, record_event, transaction
from kiosk.write_queue import LEVEL_SECONDS, LEVELS, WriteQueue

_FORK = multiprocessing.get_context("fork")


def _write(path: str, name: str, asking) -> None:
    db = open_database(path)
    asking.set()
    with transaction(db) as conn:
        record_event(conn, "took_the_lock", station=name)


def _hold(path: str, holding, release) -> None:
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another station, committing slowly
    holding.set()
    release.wait(30)
    holder.execute("COMMIT")


def test_the_station_waiting_longest_takes_the_write_lock_first(db_path, monkeypatch):
    # Levels long enough that a loaded test machine keeps to the plan below (the processes are
    # forked, so they inherit it), and no connection open here: SQLite's locks do not survive a fork.
    level = 0.05
    monkeypatch.setattr(write_queue, "LEVEL_SECONDS", level)
    firsts = []
    for _round in range(6):
        holding, release = _FORK.Event(), _FORK.Event()
        holder = _FORK.Process(target=_hold, args=(str(db_path), holding, release))
        holder.start()
        holding.wait(30)
        asking = [_FORK.Event(), _FORK.Event()]
        early = _FORK.Process(target=_write, args=(str(db_path), "early", asking[0]))
        early.start()
        asking[0].wait(30)
        time.sleep((LEVELS + 1) * level)  # it has waited a while ...
        late = _FORK.Process(target=_write, args=(str(db_path), "late", asking[1]))
        late.start()
        asking[1].wait(30)
        time.sleep(level)  # ... when another asks, and both poll when the lock is free
        release.set()
        for process in (holder, early, late):
            process.join(30)
        check = sqlite3.connect(db_path)
        firsts.append(check.execute("SELECT station FROM events WHERE kind = 'took_the_lock'"
                                    " ORDER BY id DESC LIMIT 2").fetchall()[-1][0])
        check.close()
    assert firsts == ["early"] * 6


def test_a_waiter_is_seen_by_other_processes_only_and_leaves_no_trace(db_path):
    queue = WriteQueue.beside(db_path)
    assert not queue.someone_before(0.0)
    assert not Path(f"{db_path}-writers").exists()  # nobody waited: no file beside the database
    assert queue is WriteQueue.beside(db_path)  # one per process and database
    queue.waiting(3 * LEVEL_SECONDS)
    # Its own place is never in its way (locks of one process do not conflict) ...
    assert not queue.someone_before(0.0) and not queue.someone_before(LEVEL_SECONDS)
    seen = _FORK.Queue()

    def look(*waited: float) -> None:
        other = WriteQueue(f"{db_path}-writers")
        seen.put([other.someone_before(seconds) for seconds in waited])

    process = _FORK.Process(target=look, args=(0.0, 4 * LEVEL_SECONDS, LEVELS * LEVEL_SECONDS))
    process.start()
    process.join(30)
    # ... while another process sees it waiting longer than a newcomer, not longer than itself, and
    # one that has waited LEVELS levels gives way to nobody,
    assert seen.get(timeout=5) == [True, False, False]
    queue.leave()
    process = _FORK.Process(target=look, args=(0.0,))
    process.start()
    process.join(30)
    assert seen.get(timeout=5) == [False]  # and no longer once it has the lock
