"""Hostile input (hypothesis): scans, PINs, badge codes, notes, names, tracking numbers and order
numbers of any text, control characters, lone surrogates and all, through every entry point of the
desk and the command line. Nothing fails but with the kiosk's own refusal (exit 1 or 2), and a
refusal leaves the database exactly as it was (its SQL dump compared before and after)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.cli import main
from kiosk.config import Config
from kiosk.db import open_database
from kiosk.desk import Desk
from kiosk.errors import KioskError
from tests.conftest import seed

# Any text: control characters, bidi overrides, lone surrogates (an undecodable byte) included.
ANY_TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=80)
HOSTILE = st.one_of(
    ANY_TEXT,
    st.sampled_from(["\x1b]52;c;cm0gLXJmIH4=\x07", "\x1b]0;pwned\x07", "\x1b[2J", "\x00", "\u202eSO-1", "12\udcff34",
                     "SO-1\n", " ", "", "9" * 5000, "1234", "'; DROP TABLE orders; --", "%s%n", "SO-1\x00"]),
    st.from_regex(r"\A[0-9]{4,8}\Z"),
)
RUNS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def dump(db) -> str:
    return "\n".join(db.conn.iterdump())


def refused_cleanly(db, action: Callable[[], object]) -> None:
    """``action`` either works or raises KioskError having changed nothing."""
    before = dump(db)
    try:
        action()
    except KioskError as error:
        assert str(error).strip(), "a refusal says why"
        assert dump(db) == before, f"refused ({error}) but the database changed"


@pytest.fixture(scope="module")
def station(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    db = open_database(folder / "kiosk.db")
    seed(db)
    config = Config(station="DESK-1", database=folder / "kiosk.db", spool_dir=folder / "spool", idle_lock_seconds=0)
    packer = Desk(db, config)
    packer.log_in("P001", "1234")
    packer.open_order("SO-1")
    packer.acknowledge_notes()
    supervisor = Desk(db, Config(station="DESK-S", database=config.database, spool_dir=config.spool_dir))
    supervisor.log_in("S001", "9999")
    yield db, config, packer, supervisor
    db.conn.close()


@RUNS
@given(badge=HOSTILE, pin=HOSTILE)
def test_badges_and_pins(station, badge, pin):
    db, config, _packer, supervisor = station
    desk = Desk(db, Config(station="DESK-9", database=config.database, spool_dir=config.spool_dir))
    refused_cleanly(db, lambda: desk.check_badge(badge))
    with contextlib.suppress(KioskError):  # a wrong PIN is an event (the lockout counts it): not "nothing"
        desk.log_in(badge, pin)
    if desk.operator is not None:
        desk.log_out()
    refused_cleanly(db, lambda: supervisor.as_supervisor(badge, pin, action="open_exceptions"))


@RUNS
@given(code=HOSTILE)
def test_scans_order_numbers_waybills_and_item_codes(station, code):
    db, _config, packer, _supervisor = station
    try:
        outcome = packer.scan(code)  # every readable scan is recorded, refused or not
        assert outcome.message.strip()
        if outcome.accepted:
            packer.undo()
    except KioskError:
        pass
    refused_cleanly(db, lambda: packer.find_item(code))
    refused_cleanly(db, lambda: packer.record_waybill(code))  # items still to scan: refused first
    other = Desk(db, Config(station="DESK-2", database=packer.config.database,
                            spool_dir=packer.config.spool_dir))
    other.log_in("P002", "4321")
    try:
        refused_cleanly(db, lambda: other.open_order(code))
        if other.session is not None:
            other.put_back()
    finally:
        other.log_out()


@RUNS
@given(text=HOSTILE)
def test_notes_reasons_and_names(station, text):
    db, _config, packer, supervisor = station
    refused_cleanly(db, lambda: packer.check_problem("other", None, 0, text))
    refused_cleanly(db, lambda: supervisor.hold_order("SO-3", text))
    refused_cleanly(db, lambda: supervisor.cancel_order(text, "reason"))
    refused_cleanly(db, lambda: supervisor.release(text, "note"))
    refused_cleanly(db, lambda: supervisor.release("SO-3", text))
    refused_cleanly(db, lambda: supervisor.unlock_badge(text))
    refused_cleanly(db, lambda: supervisor.order_history(text))
    refused_cleanly(db, lambda: supervisor.end_session_of(text))
    refused_cleanly(db, lambda: supervisor.add_operator("X" + text[:20], text, "packer", "1357"))
    refused_cleanly(db, lambda: supervisor.set_operator_active(text, False))


@RUNS
@given(text=HOSTILE)
def test_every_command_refuses_with_exit_1_or_2_and_changes_nothing(station, text, capsys):
    db, config, _packer, _supervisor = station
    path = str(config.database)
    commands = [
        ["tracking", text], ["lookup", text], ["label", text], ["label", "--sku", text],
        ["operators", "add", text, text, "--pin", text], ["operators", "disable", text],
        ["operators", "enable", text], ["operators", "reset-pin", text, "--pin", text], ["operators", "unlock", text],
        ["report", "--date", text], ["manifest", "--carrier", text], ["audit", "verify", "--head", text],
        ["export", "confirmations", "--platform", text], ["import", text], ["backup", "--keep", text, text],
        ["stations", "--since", text],
    ]
    for command in commands:
        before = dump(db)
        code = main(["--db", path, *command])
        capsys.readouterr()
        assert code in (0, 1, 2), command
        if code:
            assert dump(db) == before, f"{command} refused but the database changed"
