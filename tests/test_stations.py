"""Station names held by one live process; browser tabs numbered; `kiosk stations` and `kiosk serve` refusals."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.errors import KioskError
from kiosk.serve import INPUT_METHOD_SCRIPT, page_with_input_method_script, session_command
from kiosk.stations import hold_first_free_station, hold_station, recent_stations, running_stations


def test_a_station_name_is_held_by_one_process_at_a_time(tmp_path):
    first = hold_station("DESK-1", tmp_path)
    with pytest.raises(KioskError, match=r"Station DESK-1 is already running on this machine \(process \d+\)"):
        hold_station("DESK-1", tmp_path)
    assert running_stations(tmp_path) == {"DESK-1"}
    first.release()
    hold_station("DESK-1", tmp_path).release()
    assert running_stations(tmp_path) == set()


def test_a_killed_station_does_not_keep_its_name(tmp_path):
    # The lock dies with its process, however it ends: a station restarted after a crash runs again.
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys, time
            from pathlib import Path
            from kiosk.stations import hold_station
            hold_station("DESK-2", Path({str(tmp_path)!r}))
            print("held", flush=True)
            time.sleep(60)
        """)],
        stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parent.parent,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(KioskError, match="Station DESK-2 is already running"):
            hold_station("DESK-2", tmp_path)
    finally:
        holder.kill()
        holder.wait()
    hold_station("DESK-2", tmp_path).release()


def test_browser_tabs_take_the_first_free_number(tmp_path):
    one = hold_first_free_station("web-", tmp_path)
    two = hold_first_free_station("web-", tmp_path)
    assert (one.name, two.name) == ("WEB-1", "WEB-2")
    one.release()
    # A closed tab's name is taken by the next tab.
    assert hold_first_free_station("web-", tmp_path).name == "WEB-1"


def test_the_session_command_passes_on_the_database_and_config(tmp_path):
    command = session_command(station_prefix="WEB-", config_file=str(tmp_path / "k.toml"),
                              database=str(tmp_path / "k.db"), lang="zh_CN")
    assert "--station-prefix WEB-" in command
    assert f"--db {tmp_path / 'k.db'}" in command
    assert f"--config {tmp_path / 'k.toml'}" in command
    assert "--lang zh_CN" in command


def test_a_second_kiosk_under_the_same_station_name_is_refused(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    from kiosk.stations import stations_folder

    held = hold_station("DESK-9", stations_folder())
    try:
        assert main(["--db", str(tmp_path / "k.db"), "--station", "desk-9"]) == 1
    finally:
        held.release()
    assert "Station DESK-9 is already running on this machine" in capsys.readouterr().err


def test_serve_refuses_an_address_other_than_localhost(capsys):
    assert main(["serve", "--host", "0.0.0.0"]) == 2
    assert "0.0.0.0 is not localhost" in capsys.readouterr().err


def test_the_served_page_is_textual_serves_with_the_input_method_script_in_its_head():
    jinja2 = pytest.importorskip("jinja2")
    textual_serve = pytest.importorskip("textual_serve")
    upstream = (Path(textual_serve.__file__).parent / "templates" / "app_index.html").read_text(encoding="utf-8")
    page = jinja2.Template(page_with_input_method_script(upstream)).render(
        config={"static": {"url": "/static/"}}, application={"name": "Packing desk"}, font_size=16,
        app_websocket_url="ws://127.0.0.1:8000/ws")
    head, body = page.split("</head>")
    assert INPUT_METHOD_SCRIPT in head and INPUT_METHOD_SCRIPT not in body
    assert "js/textual.js" in head and "ws://127.0.0.1:8000/ws" in body
    # A page without a head (a later textual-serve) still gets it, at its end.
    assert page_with_input_method_script("<p>kiosk</p>") == "<p>kiosk</p>" + INPUT_METHOD_SCRIPT


def test_stations_lists_operator_held_order_and_heartbeat(db, db_path, capsys):
    from kiosk.auth import authenticate
    from kiosk.claims import claim_order

    authenticate(db, "P001", "1234", "DESK-1")
    claim_order(db, "SO-1", "P001", "DESK-1")
    authenticate(db, "P002", "4321", "DESK-2")
    from kiosk.auth import find_operator, record_logout

    record_logout(db, find_operator(db, "P002"), "DESK-2", "logout")
    seen = {row.station: row for row in recent_stations(db, "2000-01-01")}
    assert (seen["DESK-1"].operator, seen["DESK-1"].held_order) == ("P001", "SO-1")
    assert seen["DESK-1"].heartbeat_at
    # Logged out since: nobody is at DESK-2.
    assert (seen["DESK-2"].operator, seen["DESK-2"].held_order) == ("", "")

    assert main(["--db", str(db_path), "stations", "--json"]) == 0
    listed = {row["station"]: row for row in json.loads(capsys.readouterr().out)}
    assert listed["DESK-1"]["held_order"] == "SO-1"
    assert listed["DESK-1"]["running_here"] is False


DEPLOY = Path(__file__).parent.parent / "deploy"


def test_the_login_shell_recipe_names_each_terminal_a_station_with_its_own_config(tmp_path):
    fake_kiosk = tmp_path / "kiosk"
    fake_kiosk.write_text('#!/bin/sh\necho "config=$KIOSK_CONFIG"\necho "$@"\n')
    fake_kiosk.chmod(0o755)
    host = subprocess.run(["hostname", "-s"], capture_output=True, text=True, check=True).stdout.strip().upper()
    station = f"{host}-NOTTY"
    env = {"PATH": "/usr/bin:/bin", "KIOSK_BIN": str(fake_kiosk), "KIOSK_CONFIG_DIR": str(tmp_path)}

    def login() -> list[str]:
        return subprocess.run(["sh", str(DEPLOY / "kiosk-login.sh"), "--lang", "zh_CN"], stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, env=env, check=True).stdout.splitlines()

    (tmp_path / "kiosk.toml").write_text("")
    assert login() == [f"config={tmp_path / 'kiosk.toml'}", f"--station {station} --lang zh_CN"]
    # A station's own file wins over the shared one.
    (tmp_path / f"{station}.toml").write_text("")
    assert login()[0] == f"config={tmp_path / station}.toml"


def test_the_systemd_unit_runs_a_command_the_kiosk_accepts():
    unit = (DEPLOY / "kiosk-serve@.service").read_text()
    start = next(line for line in unit.splitlines() if line.startswith("ExecStart="))
    words = start.removeprefix("ExecStart=").replace("%i", "8000").split()
    assert words[0].endswith("/kiosk") and words[1] == "serve"
    assert main([*words[1:], "--help"]) == 0
