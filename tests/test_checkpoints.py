"""A station's commits leave the WAL's checkpoints to a thread of their own."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from kiosk.checkpoints import Checkpointer
from kiosk.db import open_database, transaction
from tests.pilot import SIZE, RecordingApp

ROW = "x" * 3000  # most of a 4 KiB page


def fill(db: sqlite_utils.Database, commits: int = 16) -> None:
    """About 1,200 pages of WAL, in commits of about 75 pages (a scan writes about 15)."""
    with transaction(db) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS filler (value TEXT)")
    for _ in range(commits):
        with transaction(db) as conn:
            conn.executemany("INSERT INTO filler VALUES (?)", [(ROW,)] * 100)


def file_size(path: Path) -> int:
    return path.stat().st_size


@contextmanager
def station(path: Path, seconds: float) -> Iterator[tuple[sqlite_utils.Database, Checkpointer]]:
    """A station's connection with its checkpoint thread running."""
    db = open_database(path)
    checkpoints = Checkpointer(db, path, seconds=seconds)
    checkpoints.start()
    try:
        yield db, checkpoints
    finally:
        checkpoints.stop()


def test_no_commit_of_the_station_copies_the_wal_into_the_database_file(tmp_path):
    path = tmp_path / "kiosk.db"
    with station(path, seconds=3600) as (db, checkpoints):
        before = file_size(path)
        fill(db)
        assert file_size(path) == before  # past SQLite's 1,000 pages, and still all in the WAL
        frames, copied = checkpoints.checkpoint()
        assert frames > 1000
        assert copied == frames
        assert file_size(path) > before + 1000 * 4096
        assert db.execute("SELECT COUNT(*) FROM filler").fetchone()[0] == 1600


def test_the_thread_checkpoints_on_its_own_while_the_station_commits(tmp_path):
    path = tmp_path / "kiosk.db"
    with station(path, seconds=0.05) as (db, _checkpoints):
        before = file_size(path)
        fill(db)
        deadline = time.monotonic() + 10
        while file_size(path) <= before + 1000 * 4096 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert file_size(path) > before + 1000 * 4096


def test_once_stopped_the_station_checkpoints_as_sqlite_does(tmp_path):
    path = tmp_path / "kiosk.db"
    db = open_database(path)
    checkpoints = Checkpointer(db, path, seconds=3600)
    checkpoints.start()
    checkpoints.stop()
    before = file_size(path)
    fill(db)
    assert file_size(path) > before + 900 * 4096
    assert checkpoints.checkpoint() == (0, 0)  # stopped: nothing to do it with


async def test_the_running_kiosk_leaves_checkpoints_to_its_thread_and_takes_them_back_at_exit(config, monkeypatch):
    monkeypatch.setattr("kiosk.checkpoints.CHECKPOINT_SECONDS", 3600)  # no round during the test
    app = RecordingApp(config)
    path = Path(config.database)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        before = file_size(path)
        fill(app.desk.db)
        assert file_size(path) == before
    assert app.desk.db.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000
