"""``kiosk --demo``: every run in a folder of its own; a database in use is never removed."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.demo_runs import database_open_elsewhere, start_demo_run
from kiosk.i18n import current_language, set_language


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    for variable in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(variable, str(tmp_path / "home" / variable.lower()))
    for variable in ("KIOSK_CONFIG", "LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    language = current_language()
    yield
    set_language(language)


def make_wal_database(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()


def test_two_demo_runs_get_two_databases_and_the_first_survives(capsys):
    assert main(["--demo", "operators", "list"]) == 0
    first = capsys.readouterr()
    assert main(["--demo", "operators", "list"]) == 0
    second = capsys.readouterr()
    where = [re.search(r"Demo database: (\S+)", run.err).group(1) for run in (first, second)]
    assert where[0] != where[1]
    assert all(Path(path).is_file() for path in where)  # the first run's database is still there
    assert "Labels are in " in first.err
    assert "P001" in first.out and "Demo database" not in first.out  # the listing stays clean


def test_only_the_last_few_unused_runs_are_kept(tmp_path):
    root = tmp_path / "demo"
    runs = []
    for _ in range(5):
        run = start_demo_run(root, keep=3)
        run.database.write_bytes(b"")
        run.release()
        runs.append(run)
    assert [run.folder.exists() for run in runs] == [False, False, True, True, True]


def test_a_run_still_locked_is_never_removed(tmp_path):
    root = tmp_path / "demo"
    live = start_demo_run(root, keep=1)
    others = []
    for _ in range(3):
        others.append(start_demo_run(root, keep=1))
        others[-1].release()
    assert live.folder.is_dir()
    assert [run.folder.exists() for run in others] == [False, False, True]
    live.release()


def test_a_run_whose_database_another_process_has_open_is_never_removed(tmp_path):
    root = tmp_path / "demo"
    old = start_demo_run(root, keep=1)
    make_wal_database(old.database)
    old.release()  # its own kiosk is gone, but a station opened the database with --db
    station = subprocess.Popen(
        [sys.executable, "-c", "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]);"
         " c.execute('SELECT * FROM t').fetchall(); print('open', flush=True); sys.stdin.read()",
         str(old.database)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert station.stdout.readline().strip() == "open"
        assert database_open_elsewhere(old.database)
        start_demo_run(root, keep=1).release()
        assert old.database.is_file()
    finally:
        station.stdin.close()
        station.wait()
    assert not database_open_elsewhere(old.database)
    start_demo_run(root, keep=1).release()
    assert not old.folder.exists()
