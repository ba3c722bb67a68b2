"""A database another program holds: the screen says it is waiting, then the action goes through or
is refused with a message, nothing half-done, and the kiosk keeps running."""

from __future__ import annotations

import sqlite3

import pytest

from kiosk import db as db_module
from screens.pack import PackScreen
from tests.conftest import EAN
from tests.pilot import SIZE, RecordingApp, banner, log_in, scan
from tests.test_hostile_screens import rendered

WAITING = "Waiting for the database: another station or program is holding it..."


@pytest.fixture
def held_elsewhere(db_path):
    """Another program holding the write lock (a second connection inside BEGIN IMMEDIATE)."""
    other = sqlite3.connect(db_path, isolation_level=None)
    yield other
    if other.in_transaction:
        other.execute("ROLLBACK")
    other.close()


@pytest.fixture
def fake_clock(monkeypatch):
    """The retry's clock and pauses, without sleeping: each pause moves the clock on."""
    now = [0.0]
    pauses: list[float] = []

    def pause(seconds: float) -> None:
        pauses.append(seconds)
        now[0] += seconds

    monkeypatch.setattr(db_module, "_clock", lambda: now[0])
    monkeypatch.setattr(db_module, "_pause", pause)
    return pauses


def screens_while_waiting(app, monkeypatch, then=None) -> list[str]:
    """What the App showed at each pause of a wait for the database (``then`` runs after each pause)."""
    seen: list[str] = []
    real_pause = db_module._pause

    def pause_and_look(seconds: float) -> None:
        seen.append(rendered(app))
        real_pause(seconds)
        if then is not None:
            then()

    monkeypatch.setattr(db_module, "_pause", pause_and_look)
    return seen


async def open_so1(pilot, app) -> None:
    await log_in(pilot)
    await scan(pilot, "SO-1")
    await pilot.press("f4")
    assert isinstance(app.screen, PackScreen)
    app.desk.db.execute("PRAGMA busy_timeout = 0")  # SQLite's own wait would block the test for 5 s


async def test_a_scan_waits_for_the_database_on_screen_then_is_refused_and_nothing_is_counted(
        config, db, held_elsewhere, fake_clock, monkeypatch):
    app = RecordingApp(config)
    seen_while_waiting = screens_while_waiting(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await open_so1(pilot, app)
        held_elsewhere.execute("BEGIN IMMEDIATE")
        await scan(pilot, EAN["SW-RED-M"])
        # Drawn while the scan waited, once the wait was long enough to notice, not at once.
        assert WAITING not in seen_while_waiting[0] and any(WAITING in shown for shown in seen_while_waiting)
        assert sum(fake_clock) == pytest.approx(db_module.BUSY_GIVE_UP_SECONDS)
        assert banner(app).message.startswith("The database is busy (another station or program has held it")
        assert app.bells == 1 and app.is_running
        held_elsewhere.execute("ROLLBACK")
        assert not db.execute("SELECT COUNT(*) FROM scans").fetchone()[0]  # nothing half-done
        # Once the other program lets go, the same scan counts.
        await scan(pilot, EAN["SW-RED-M"])
        assert banner(app).message.startswith("OK: ")
    assert db.execute("SELECT COUNT(*) FROM scans WHERE result = 'accepted'").fetchone()[0] == 1


async def test_a_short_wait_shows_no_notice_and_the_scan_then_counts(config, db, held_elsewhere, monkeypatch):
    app = RecordingApp(config)
    seen: list[str] = []

    def other_program_finishes(seconds: float) -> None:
        seen.append(rendered(app))
        held_elsewhere.execute("COMMIT")

    monkeypatch.setattr(db_module, "_pause", other_program_finishes)
    async with app.run_test(size=SIZE) as pilot:
        await open_so1(pilot, app)
        held_elsewhere.execute("BEGIN IMMEDIATE")
        await scan(pilot, EAN["SW-RED-M"])
        # A few milliseconds behind another station: nothing to tell the packer.
        assert len(seen) == 1 and WAITING not in seen[0]
        assert banner(app).message.startswith("OK: ")
    assert db.execute("SELECT COUNT(*) FROM scans WHERE result = 'accepted'").fetchone()[0] == 1


def test_the_listener_is_told_once_per_waiting_transaction(db, held_elsewhere, fake_clock):
    told = []
    db_module.on_busy_wait(lambda: told.append(1))
    try:
        db.execute("PRAGMA busy_timeout = 0")
        held_elsewhere.execute("BEGIN IMMEDIATE")
        with pytest.raises(db_module.KioskError, match="The database is busy"), db_module.transaction(db):
            pass
        assert told == [1] and len(fake_clock) > 1
        held_elsewhere.execute("ROLLBACK")
        with db_module.transaction(db):
            pass
        assert told == [1]  # no wait, no notice
    finally:
        db_module.on_busy_wait(None)


async def test_the_notice_shows_over_a_dialog_then_goes_once_the_database_is_free(
        config, db, held_elsewhere, fake_clock, monkeypatch):
    """A supervisor's approval (a dialog over the queue) waits for a write lock another program holds."""
    from screens.approve import SupervisorApproval

    app = RecordingApp(config)

    def let_go_after_the_notice() -> None:
        if sum(fake_clock) > 2 * db_module.BUSY_NOTICE_AFTER_SECONDS and held_elsewhere.in_transaction:
            held_elsewhere.execute("COMMIT")  # the other program lets go a while after the notice

    seen_while_waiting = screens_while_waiting(app, monkeypatch, then=let_go_after_the_notice)
    approved = []
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        app.push_screen(SupervisorApproval(app.desk, "Release SO-1?", "release", "SO-1"), approved.append)
        await pilot.pause()
        await scan(pilot, "S001")
        held_elsewhere.execute("BEGIN IMMEDIATE")
        await pilot.press(*"9999", "enter")
        assert WAITING not in seen_while_waiting[0]
        assert any(WAITING in shown and "Release SO-1?" in shown for shown in seen_while_waiting)
        await pilot.pause()
        assert approved and approved[0] is not None  # it went through once the database was free
        assert WAITING not in rendered(app) and app.is_running
