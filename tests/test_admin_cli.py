"""``kiosk operators``, ``backup``, ``restore`` and ``audit``, the start-up checks, and hostile text.

Run through ``kiosk.cli.main`` like tests/test_cli.py: exit status, one line on stderr for a
refusal, nothing changed by a refused command.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from kiosk.audit import chain_head
from kiosk.db import open_database, record_event, transaction
from tests.test_cli import assert_one_line_refusal, isolated, list_operators_failing, run  # noqa: F401 - isolated is autouse

HOSTILE = "\x1b]52;c;cm0gLXJmIH4=\x07\x1b]0;pwned\x07\x1b[2J\x00\x07\u202eevil"
CONTROLS = ("\x1b", "\x07", "\x00", "\u202e")


def no_controls(text: str) -> bool:
    return not any(char in text for char in CONTROLS)


def events(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    finally:
        conn.close()


def tamper(path: Path, sql: str) -> None:
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER events_no_update")
    conn.execute("DROP TRIGGER events_no_delete")
    conn.execute(sql)
    conn.commit()
    conn.close()


# -- operators -------------------------------------------------------------------------------


def test_a_supervisor_needs_a_six_digit_pin(capsys, demo_db):
    code, out, err = run(capsys, "--db", str(demo_db), "operators", "add", "S002", "Ann", "--role", "supervisor",
                         "--pin", "1234")
    assert (code, out) == (1, "")
    assert assert_one_line_refusal(err) == "kiosk: A supervisor's PIN is at least 6 digits."
    code, out, _err = run(capsys, "--db", str(demo_db), "operators", "add", "S002", "Ann", "--role", "supervisor",
                          "--pin", "123456")
    assert (code, out) == (0, "Added S002 Ann (supervisor)\n")


def test_the_supervisor_pin_length_comes_from_the_config(capsys, demo_db, tmp_path):
    config = tmp_path / "kiosk.toml"
    config.write_text("min_supervisor_pin_length = 8\n", encoding="utf-8")
    code, _out, err = run(capsys, "--config", str(config), "--db", str(demo_db), "operators", "add", "S002", "Ann",
                          "--role", "supervisor", "--pin", "1234567")
    assert code == 1 and "at least 8 digits" in err


def test_reset_pin_unlock_and_the_locked_flag(capsys, demo_db):
    from kiosk.auth import MAX_FAILED_LOGINS, authenticate
    from kiosk.errors import KioskError

    db = open_database(demo_db)
    for _ in range(MAX_FAILED_LOGINS):
        with pytest.raises(KioskError, match="Wrong PIN"):
            authenticate(db, "P001", "0000", "DESK-1")
    code, out, _err = run(capsys, "--db", str(demo_db), "operators", "list")
    assert "P001  packer      Li Wei  (locked: too many wrong PINs)" in out.splitlines()
    assert run(capsys, "--db", str(demo_db), "operators", "unlock", "p001")[:2] == (0, "Unlocked P001 Li Wei\n")
    assert authenticate(db, "P001", "1234", "DESK-1").badge == "P001"
    code, out, _err = run(capsys, "--db", str(demo_db), "operators", "reset-pin", "P001", "--pin", "8642")
    assert (code, out) == (0, "New PIN set for P001 Li Wei\n")
    assert authenticate(db, "P001", "8642", "DESK-1").badge == "P001"
    db.conn.close()


@pytest.mark.parametrize("command", ["disable", "enable", "unlock", "reset-pin"])
def test_an_unknown_badge_is_refused_without_echoing_it(capsys, demo_db, command):
    extra = ["--pin", "1357"] if command == "reset-pin" else []
    code, out, err = run(capsys, "--db", str(demo_db), "operators", command, "246813", *extra)
    assert (code, out) == (1, "")
    assert assert_one_line_refusal(err) == "kiosk: Unknown badge. Scan your badge again."


def test_operators_help_lists_only_operator_commands(capsys):
    code, out, _err = run(capsys, "operators", "--help")
    assert code == 0
    assert "label" not in out
    for command in ("add", "list", "disable", "enable", "reset-pin", "unlock"):
        assert f"  {command} " in out


# -- audit -------------------------------------------------------------------------------------


def test_audit_verify_and_head_on_a_sound_log(capsys, demo_db):
    code, head, err = run(capsys, "--db", str(demo_db), "audit", "head")
    assert (code, err) == (0, "") and len(head.strip()) == 64
    code, out, err = run(capsys, "--db", str(demo_db), "audit", "verify", "--head", head.strip())
    assert (code, err) == (0, "")
    assert out == f"The audit log holds: {events(demo_db)} events, head {head.strip()}.\n"


def test_audit_verify_names_the_first_broken_link(capsys, demo_db):
    tamper(demo_db, "UPDATE events SET detail = '{\"forged\": 1}' WHERE id = 7")
    code, out, err = run(capsys, "--db", str(demo_db), "audit", "verify")
    assert (code, out) == (1, "")
    assert assert_one_line_refusal(err).startswith("kiosk: The audit log was tampered with at event 7 (")


def test_audit_verify_catches_a_cut_off_log_with_the_head_of_a_backup(capsys, demo_db, tmp_path):
    backup = tmp_path / "b.db"
    assert run(capsys, "--db", str(demo_db), "backup", str(backup))[0] == 0
    tamper(demo_db, "DELETE FROM events WHERE id > 100")
    assert run(capsys, "--db", str(demo_db), "audit", "verify")[0] == 0
    code, _out, err = run(capsys, "--db", str(demo_db), "audit", "verify", "--head", f"{backup}.head")
    assert code == 1
    assert "does not reach head" in assert_one_line_refusal(err)


def test_a_head_that_is_not_a_hash_is_refused(capsys, demo_db):
    code, _out, err = run(capsys, "--db", str(demo_db), "audit", "verify", "--head", "abc")
    assert code == 1 and "64 hexadecimal digits" in assert_one_line_refusal(err)


# -- backup ------------------------------------------------------------------------------------


def test_backup_records_the_head_beside_the_copy_and_the_database(capsys, demo_db, tmp_path):
    dest = tmp_path / "copy.db"
    code, out, err = run(capsys, "--db", str(demo_db), "backup", str(dest))
    assert (code, err) == (0, "")
    head = Path(f"{dest}.head").read_text(encoding="utf-8").strip()
    db = open_database(demo_db)
    assert head == chain_head(db.conn) and head in out
    db.conn.close()
    assert str(dest.resolve()) in Path(f"{demo_db}.last-backup").read_text(encoding="utf-8")
    copy = sqlite3.connect(dest)
    assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one self-contained file
    copy.close()


def test_backup_never_creates_folders(capsys, demo_db, tmp_path):
    dest = tmp_path / "nonexistent" / "x.db"
    code, out, err = run(capsys, "--db", str(demo_db), "backup", str(dest))
    assert (code, out) == (1, "")
    assert assert_one_line_refusal(err) == f"kiosk: Folder {dest.parent} does not exist: create it first."
    assert not dest.parent.exists()


def test_a_failing_backup_leaves_no_file(capsys, demo_db, tmp_path, monkeypatch):
    """A full disk in the middle of the copy: no 0-byte or partial file, at DEST or hidden beside it."""
    from kiosk import db as db_module

    def disk_full(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
        target.execute("CREATE TABLE half (x)")
        target.execute("INSERT INTO half VALUES (randomblob(100000))")
        target.commit()
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(db_module, "_copy", disk_full)
    folder = tmp_path / "backups"
    folder.mkdir()
    code, out, err = run(capsys, "--db", str(demo_db), "backup", str(folder / "x.db"))
    assert (code, out) == (1, "")
    assert "kiosk: The backup could not be written (database or disk is full)" in assert_one_line_refusal(err)
    assert list(folder.iterdir()) == []


def test_backup_keep_rotates_dated_copies(capsys, demo_db, tmp_path):
    folder = tmp_path / "nightly"
    folder.mkdir()
    (folder / "notes.txt").write_text("not a backup", encoding="utf-8")
    for _ in range(4):
        code, _out, err = run(capsys, "--db", str(demo_db), "backup", "--keep", "2", str(folder))
        assert (code, err) == (0, "")
    copies = sorted(path.name for path in folder.glob("demo-*.db"))
    assert len(copies) == 2
    assert sorted(path.name for path in folder.glob("demo-*.db.head")) == [f"{name}.head" for name in copies]
    assert (folder / "notes.txt").exists()


def test_backup_to_a_folder_without_keep_is_refused(capsys, demo_db, tmp_path):
    code, _out, err = run(capsys, "--db", str(demo_db), "backup", str(tmp_path))
    assert code == 1 and "is a folder: give a new file name, or --keep N" in assert_one_line_refusal(err)


# -- restore -----------------------------------------------------------------------------------


def claim(path: Path) -> None:
    db = open_database(path)
    with transaction(db) as conn:
        conn.execute("INSERT INTO claims VALUES ('#1001', 'P001', 'DESK-2', 'x', 'x')")
        record_event(conn, "claimed", order_id="#1001", station="DESK-2")
    db.conn.close()


def test_restore_puts_the_backup_back_and_keeps_the_database_as_it_was(capsys, demo_db, tmp_path):
    backup = tmp_path / "b.db"
    run(capsys, "--db", str(demo_db), "backup", str(backup))
    before = events(demo_db)
    live = open_database(demo_db)  # a station with the database open sees the restored data
    with transaction(live) as conn:
        record_event(conn, "after_the_backup")
    code, out, err = run(capsys, "--db", str(demo_db), "restore", str(backup))
    assert (code, err) == (0, "")
    assert out.startswith(f"Restored {backup} into {demo_db}\nThe database as it was is kept in ")
    assert live.execute("SELECT COUNT(*) FROM events WHERE kind = 'after_the_backup'").fetchone()[0] == 0
    assert events(demo_db) == before + 1  # the restore itself is on the log
    live.conn.close()
    assert run(capsys, "--db", str(demo_db), "audit", "verify")[0] == 0
    kept = next(tmp_path.glob("demo.db.before-restore-*"))
    assert events(kept) == before + 1


def test_restore_is_refused_while_stations_hold_orders(capsys, demo_db, tmp_path):
    backup = tmp_path / "b.db"
    run(capsys, "--db", str(demo_db), "backup", str(backup))
    claim(demo_db)
    before = events(demo_db)
    code, out, err = run(capsys, "--db", str(demo_db), "restore", str(backup))
    assert (code, out) == (1, "")
    assert "Stations DESK-2 hold 1 orders" in assert_one_line_refusal(err)
    assert events(demo_db) == before
    assert run(capsys, "--db", str(demo_db), "restore", "--force", str(backup))[0] == 0


def test_restore_refuses_a_tampered_backup(capsys, demo_db, tmp_path):
    backup = tmp_path / "b.db"
    run(capsys, "--db", str(demo_db), "backup", str(backup))
    tamper(backup, "UPDATE events SET kind = 'x' WHERE id = 3")
    code, _out, err = run(capsys, "--db", str(demo_db), "restore", str(backup))
    assert code == 1 and "tampered with at event 3" in assert_one_line_refusal(err)


def test_restore_replaces_a_damaged_database(capsys, demo_db, tmp_path):
    backup = tmp_path / "b.db"
    run(capsys, "--db", str(demo_db), "backup", str(backup))
    demo_db.write_bytes(b"\x00" * 8192)
    code, _out, err = run(capsys, "--db", str(demo_db), "restore", str(backup))
    assert (code, err) == (0, "")
    assert run(capsys, "--db", str(demo_db), "audit", "verify")[0] == 0


# -- start-up ----------------------------------------------------------------------------------


def test_the_kiosk_refuses_a_damaged_database_naming_the_last_backup(capsys, demo_db, tmp_path):
    backup = tmp_path / "b.db"
    run(capsys, "--db", str(demo_db), "backup", str(backup))
    data = bytearray(demo_db.read_bytes())
    page = 4096
    data[page * 3: page * 3 + 200] = b"\xff" * 200  # damage a b-tree page
    demo_db.write_bytes(bytes(data))
    code, out, err = run(capsys, "--db", str(demo_db))
    assert (code, out) == (1, "")
    line = assert_one_line_refusal(err)
    assert f"The database {demo_db} is damaged" in line and f"kiosk restore {backup.resolve()}" in line


def test_the_kiosk_on_an_empty_database_says_how_to_add_the_first_operator(capsys, tmp_path):
    path = tmp_path / "new.db"
    code, out, err = run(capsys, "--db", str(path))
    assert (code, out) == (1, "")
    assert assert_one_line_refusal(err) == (
        f"kiosk: No operator can log in to {path} yet: add the first with"
        f" kiosk --db {path} operators add BADGE NAME --role supervisor")


def test_the_kiosk_exits_non_zero_after_a_crash(capsys, demo_db, monkeypatch):
    import screens.app

    class CrashedApp:
        return_code = 1

        def __init__(self, config, db) -> None:
            db.conn.close()

        def run(self) -> None:
            pass

    monkeypatch.setattr(screens.app, "KioskApp", CrashedApp)
    assert run(capsys, "--db", str(demo_db))[0] == 1


@pytest.mark.parametrize("special", ["/dev/null", "/dev/zero"])
def test_a_device_as_database_is_one_clear_line(capsys, special):
    code, out, err = run(capsys, "--db", special, "operators", "list")
    assert (code, out) == (1, "")
    assert assert_one_line_refusal(err) == f"kiosk: {special} is not a regular file: give the path of a database file."


def test_a_database_in_a_missing_folder_is_refused(capsys, tmp_path):
    code, out, err = run(capsys, "--db", "missing/dir/k.db", "operators", "list")
    assert (code, out) == (1, "")
    assert assert_one_line_refusal(err) == (
        "kiosk: Folder missing/dir does not exist: create it first, or check the --db path.")
    assert not (tmp_path / "missing").exists()


def test_undecodable_bytes_in_an_argument_are_refused(capsys, demo_db):
    # Python hands bytes that are not UTF-8 over as lone surrogates (surrogateescape).
    code, out, err = run(capsys, "--db", str(demo_db), "operators", "add", "P\udcff7", "X", "--role", "packer",
                         "--pin", "1234")
    assert (code, out) == (1, "")
    assert "is not valid text" in assert_one_line_refusal(err)
    assert no_controls(err) and "\udcff" not in err


def test_an_unwritable_crash_log_still_gives_one_line(capsys, demo_db, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setattr("kiosk.crashlog.crash_log_path", lambda: blocker / "crash.log")
    code, _out, err = list_operators_failing(capsys, monkeypatch, demo_db, "boom \x1b[2J")
    assert code == 1
    line = assert_one_line_refusal(err)
    assert line.startswith("kiosk: unexpected error: boom ␛[2J (the crash log ")
    assert "could not be written" in line


# -- hostile text: every command that prints data -----------------------------------------------


def test_a_hostile_operator_name_is_listed_inert(capsys, demo_db):
    conn = sqlite3.connect(demo_db)
    conn.execute("UPDATE operators SET name = ? WHERE badge = 'P002'", [HOSTILE])
    conn.commit()
    conn.close()
    code, out, _err = run(capsys, "--db", str(demo_db), "operators", "list")
    assert code == 0 and no_controls(out)
    assert "␛]52;c;cm0gLXJmIH4=␇␛]0;pwned␇␛[2J␀␇\\u202eevil" in out


def test_operators_add_refuses_a_name_with_control_characters(capsys, demo_db):
    code, out, err = run(capsys, "--db", str(demo_db), "operators", "add", "P077", HOSTILE, "--role", "packer",
                         "--pin", "1234")
    assert (code, out) == (1, "")
    assert "cannot hold control characters" in assert_one_line_refusal(err) and no_controls(err)


@pytest.mark.parametrize("args", [
    ["tracking", HOSTILE],
    ["tracking", "1Z999AA10123456784", "--carrier", HOSTILE],
    ["label", HOSTILE],
    ["label", "--sku", HOSTILE],
    ["operators", "add", HOSTILE, "Name", "--role", "packer", "--pin", "1234"],
    ["operators", "disable", HOSTILE],
    ["operators", "reset-pin", HOSTILE, "--pin", "1234"],
    ["backup", HOSTILE],
    ["restore", HOSTILE],
    ["audit", "verify", "--head", HOSTILE],
    [HOSTILE],
    ["--station", HOSTILE, "operators", "list"],
])
def test_hostile_text_in_any_argument_never_reaches_the_terminal(capsys, demo_db, args):
    code, out, err = run(capsys, "--db", str(demo_db), *args)
    assert code in (0, 1, 2)
    assert no_controls(out) and no_controls(err), (out, err)
    assert "Traceback" not in err


def test_a_hostile_database_path_is_shown_inert(capsys, tmp_path):
    code, _out, err = run(capsys, "--db", str(tmp_path / HOSTILE.replace("\x00", "")), "operators", "list")
    assert no_controls(err)


def test_the_kiosk_refuses_a_file_that_is_no_database_naming_the_last_backup(capsys, demo_db, tmp_path):
    backup = tmp_path / "b.db"
    run(capsys, "--db", str(demo_db), "backup", str(backup))
    demo_db.write_bytes(b"\x00\xffgarbage" * 1000)
    code, _out, err = run(capsys, "--db", str(demo_db))
    assert code == 1
    line = assert_one_line_refusal(err)
    assert "is damaged" in line and f"kiosk restore {backup.resolve()}" in line
