"""The ``kiosk`` command: exit codes, one-line refusals, and never a traceback on screen.

``kiosk.cli.main`` runs click with ``standalone_mode=False`` and turns errors
into exit codes itself, so the tests call ``main([...])`` directly (CliRunner
would test click's own handling instead) and run the module once in a real
subprocess.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk import __version__
from kiosk.cli import main
from kiosk.i18n import current_language, set_language


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """User folders under tmp_path, English messages, and tmp_path as the working folder."""
    for variable in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        folder = tmp_path / "home" / variable.lower()
        monkeypatch.setenv(variable, str(folder))
    for variable in ("KIOSK_CONFIG", "LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    monkeypatch.chdir(tmp_path)
    language = current_language()
    yield
    set_language(language)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_one_line_refusal(err: str) -> str:
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("kiosk: "), err
    return lines[0]


def assert_usage_error(err: str) -> str:
    """Click's short usage format: Usage line, a hint, a blank line, one Error line."""
    assert "Traceback" not in err
    lines = err.splitlines()
    assert lines[0].startswith("Usage: kiosk"), err
    assert len(lines) <= 4, err
    assert lines[-1].startswith("Error: "), err
    return lines[-1]


def count_orders(path: Path) -> int:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT COUNT(*) FROM orders").fetchone()[0]
    finally:
        conn.close()


# -- version and usage ----------------------------------------------------------


def test_version(capsys):
    code, out, err = run(capsys, "--version")
    assert code == 0
    assert out == f"kiosk, version {__version__}\n"
    assert err == ""


def test_help_exits_zero(capsys):
    code, out, err = run(capsys, "--help")
    assert code == 0
    assert out.startswith("Usage: kiosk")
    assert "init-demo" in out and "backup" in out
    assert err == ""


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["frobnicate"], "Error: No such command 'frobnicate'."),
        (["--bogus"], "Error: No such option '--bogus'."),
        (["operators", "add", "X1", "Bob", "--role", "king", "--pin", "1234"], "Error: Invalid value for '--role'"),
        (["backup"], "Error: Missing argument 'DEST'."),
    ],
)
def test_unknown_commands_and_bad_options_are_usage_errors(capsys, args, error):
    code, out, err = run(capsys, *args)
    assert code == 2
    assert out == ""
    assert assert_usage_error(err).startswith(error)


def test_demo_with_db_is_a_usage_error(capsys, tmp_path):
    code, out, err = run(capsys, "--demo", "--db", str(tmp_path / "x.db"), "operators", "list")
    assert code == 2
    assert out == ""
    assert assert_usage_error(err) == "Error: --demo makes its own database: leave out --db."
    assert not (tmp_path / "x.db").exists()
    assert not (tmp_path / "home" / "xdg_data_home").exists()  # no demo folder made either


def test_a_missing_config_file_is_refused(capsys, tmp_path, demo_db):
    missing = tmp_path / "nope.toml"
    code, out, err = run(capsys, "--config", str(missing), "--db", str(demo_db), "operators", "list")
    assert code == 1
    assert out == ""
    assert assert_one_line_refusal(err) == f"kiosk: Config file {missing} does not exist."


def test_a_missing_config_file_named_by_the_environment_is_refused(capsys, tmp_path, demo_db, monkeypatch):
    missing = tmp_path / "env.toml"
    monkeypatch.setenv("KIOSK_CONFIG", str(missing))
    code, _, err = run(capsys, "--db", str(demo_db), "operators", "list")
    assert code == 1
    assert assert_one_line_refusal(err) == f"kiosk: Config file {missing} does not exist."


# -- init-demo --------------------------------------------------------------------


def test_init_demo_creates_a_database_with_orders(capsys, tmp_path):
    path = tmp_path / "new" / "demo.db"
    code, out, err = run(capsys, "init-demo", str(path))
    assert code == 0
    assert err == ""
    assert out == f"Demo database written to {path}\n"
    assert count_orders(path) > 0


def test_init_demo_refuses_an_existing_path(capsys, tmp_path):
    path = tmp_path / "precious.db"
    path.write_bytes(b"real data")
    code, out, err = run(capsys, "init-demo", str(path))
    assert code == 1
    assert out == ""
    assert assert_one_line_refusal(err).startswith(f"kiosk: {path} already exists: choose a new file")
    assert path.read_bytes() == b"real data"


# -- operators ----------------------------------------------------------------------


def test_operators_list(capsys, demo_db):
    code, out, err = run(capsys, "--db", str(demo_db), "operators", "list")
    assert code == 0
    assert err == ""
    rows = [line.split()[0] for line in out.splitlines()]
    assert "P001" in rows and "P002" in rows and "S001" in rows
    p001 = next(line for line in out.splitlines() if line.startswith("P001"))
    assert p001.split(None, 2) == ["P001", "packer", "Li Wei"]


def test_operators_add_with_a_pin_then_listed(capsys, demo_db):
    code, out, err = run(capsys, "--db", str(demo_db), "operators", "add", "x7", "Bo Chen",
                         "--role", "packer", "--pin", "2468")
    assert (code, err) == (0, "")
    assert out == "Added X7 Bo Chen (packer)\n"
    _, listing, _ = run(capsys, "--db", str(demo_db), "operators", "list")
    assert any(line.split(None, 2) == ["X7", "packer", "Bo Chen"] for line in listing.splitlines())


@pytest.mark.parametrize("pin", ["12", "abcd", "123456789"])
def test_operators_add_refuses_a_bad_pin(capsys, demo_db, pin):
    code, out, err = run(capsys, "--db", str(demo_db), "operators", "add", "X8", "Bo Chen",
                         "--role", "packer", "--pin", pin)
    assert code == 1
    assert out == ""
    assert assert_one_line_refusal(err) == "kiosk: A PIN is 4 to 8 digits."
    _, listing, _ = run(capsys, "--db", str(demo_db), "operators", "list")
    assert "X8" not in listing


def test_operators_add_refuses_an_existing_badge(capsys, demo_db):
    code, _, err = run(capsys, "--db", str(demo_db), "operators", "add", "P001", "Someone",
                       "--role", "packer", "--pin", "2468")
    assert code == 1
    assert assert_one_line_refusal(err) == "kiosk: Badge P001 already exists."


# -- bad databases ------------------------------------------------------------------


@pytest.mark.parametrize("content", [b"not sqlite at all, just some text\n", bytes(range(256)) * 8])
def test_a_garbage_database_file_is_refused_in_one_line(capsys, tmp_path, content):
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(content)
    code, out, err = run(capsys, "--db", str(garbage), "operators", "list")
    assert code == 1
    assert out == ""
    line = assert_one_line_refusal(err)
    assert line.startswith(f"kiosk: {garbage} is not a kiosk database")
    assert garbage.read_bytes() == content  # left exactly as it was


def test_a_folder_as_database_is_refused(capsys, tmp_path):
    code, _, err = run(capsys, "--db", str(tmp_path), "operators", "list")
    assert code == 2
    assert assert_usage_error(err) == f"Error: Invalid value for '--db': File '{tmp_path}' is a directory."


def list_operators_failing(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, db: Path,
                           message: str) -> tuple[int, str, str]:
    """`kiosk operators list` meeting an error nobody foresaw (a bug, a broken disk)."""

    def boom(_db):
        raise RuntimeError(message)

    monkeypatch.setattr("kiosk.admin_cli.list_operators", boom)
    return run(capsys, "--db", str(db), "operators", "list")


def test_an_unexpected_error_is_one_line_and_logged(capsys, demo_db, tmp_path, monkeypatch):
    code, out, err = list_operators_failing(capsys, monkeypatch, demo_db, "boom")
    assert code == 1
    line = assert_one_line_refusal(err)
    assert line.startswith("kiosk: unexpected error: boom (details in ")
    logs = list((tmp_path / "home").rglob("crash.log"))
    assert len(logs) == 1 and str(logs[0]) in line
    assert "RuntimeError: boom" in logs[0].read_text(encoding="utf-8")


# -- backup -------------------------------------------------------------------------


def test_backup_writes_a_readable_copy(capsys, demo_db, tmp_path):
    dest = tmp_path / "backups" / "copy.db"
    dest.parent.mkdir()
    code, out, err = run(capsys, "--db", str(demo_db), "backup", str(dest))
    assert (code, err) == (0, "")
    head = Path(f"{dest}.head").read_text(encoding="utf-8").strip()
    assert out == f"Backed up to {dest}\nAudit head {head} (kept in {dest}.head)\n"
    assert count_orders(dest) == count_orders(demo_db) > 0
    conn = sqlite3.connect(dest)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()


def test_backup_refuses_an_existing_destination(capsys, demo_db, tmp_path):
    dest = tmp_path / "copy.db"
    dest.write_bytes(b"yesterday's backup")
    code, out, err = run(capsys, "--db", str(demo_db), "backup", str(dest))
    assert code == 1
    assert out == ""
    assert assert_one_line_refusal(err) == f"kiosk: {dest} already exists: choose a new file name."
    assert dest.read_bytes() == b"yesterday's backup"


# -- the real process ------------------------------------------------------------------


def _run_module(*args: str) -> subprocess.CompletedProcess[str]:
    # The autouse fixture has set the isolated environment in os.environ.
    # PYTHONPATH: the code of this checkout, whatever copy of the package the interpreter has installed.
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    return subprocess.run([sys.executable, "-m", "kiosk", *args], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, env=env, timeout=60, check=False)


def test_the_module_refuses_a_garbage_database_without_a_traceback(tmp_path):
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"\x00\xffgarbage" * 100)
    result = _run_module("--db", str(garbage), "operators", "list")
    assert result.returncode == 1
    assert result.stdout == ""
    line = assert_one_line_refusal(result.stderr)
    assert "is not a kiosk database" in line


def test_the_module_reports_usage_errors_with_exit_2():
    result = _run_module("frobnicate")
    assert result.returncode == 2
    assert assert_usage_error(result.stderr) == "Error: No such command 'frobnicate'."


def test_the_module_runs_a_command(demo_db):
    result = _run_module("--version")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == f"kiosk, version {__version__}\n"
    listed = _run_module("--db", str(demo_db), "operators", "list")
    assert (listed.returncode, listed.stderr) == (0, "") and "P001" in listed.stdout


def test_the_console_script_is_installed():
    script = Path(sys.executable).with_name("kiosk")
    if not script.exists():
        pytest.skip("no kiosk console script beside this interpreter")
    result = subprocess.run([str(script), "--version"], capture_output=True, text=True,
                            env=dict(os.environ), timeout=60, check=False)
    assert (result.returncode, result.stdout, result.stderr) == (0, f"kiosk, version {__version__}\n", "")


def test_the_kiosk_command_starts_the_app_on_its_database_and_a_packer_logs_in(demo_db, monkeypatch, capsys):
    """`kiosk --db FILE` end to end: the station lock, the checked database, the desk, the App."""
    import asyncio

    from screens.app import KioskApp
    from tests.pilot import log_in

    def run_headless(app: KioskApp) -> None:
        async def drive() -> None:
            async with app.run_test() as pilot:
                await log_in(pilot)
                await pilot.press("ctrl+q")

        asyncio.run(drive())

    monkeypatch.setattr(KioskApp, "run", run_headless)
    code, out, err = run(capsys, "--db", str(demo_db), "--station", "desk-7")
    assert (code, err) == (0, "")
    assert "Labels are in" in out
    with sqlite3.connect(demo_db) as conn:
        assert conn.execute("SELECT station FROM events WHERE kind = 'login' AND operator = 'P001'").fetchall() == [
            ("DESK-7",)]
