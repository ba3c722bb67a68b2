"""The handover book: notes for the next shift, acknowledged by each operator of it."""

from __future__ import annotations

import pytest

from kiosk.auth import Operator
from kiosk.errors import KioskError
from kiosk.handover import acknowledge_note, notes_written, pending_notes, unacknowledged_notes, write_note
from kiosk.reports.day import business_day, stamp
from kiosk.reports.dispatch import dispatch_log
from kiosk.reports.settings import ReportSettings
from tests.report_data import LONDON, at

SETTINGS = ReportSettings(zone=LONDON)  # day 05:00-17:00, night 17:00-05:00
LI_WEI = Operator("P001", "Li Wei", "packer")
MARIA = Operator("P002", "Maria Lopez", "packer")
ZHANG = Operator("S001", "Zhang Min", "supervisor")
DAY_SHIFT = at("2026-11-27T10:00")
NIGHT_SHIFT = at("2026-11-27T22:00")


def note(db, text="Order SO-1 promised for tonight", **extra):
    return write_note(db, SETTINGS, LI_WEI, text, station="DESK-1", now=DAY_SHIFT, **extra)


def test_a_note_goes_to_the_next_shift(db):
    note_id = note(db, order_ids=["SO-1", "SO-2"])
    # The day shift wrote it; nobody on the day shift is asked to read it.
    assert pending_notes(db, MARIA, now=DAY_SHIFT) == []
    pending, = pending_notes(db, MARIA, now=NIGHT_SHIFT)
    assert (pending.note_id, pending.shift, pending.for_shift, pending.order_ids) == (
        note_id, "day", "night", ("SO-1", "SO-2"))
    assert pending.for_start == stamp(at("2026-11-27T17:00"))
    # The night after, it is no longer that shift's business.
    assert pending_notes(db, MARIA, now=at("2026-11-28T22:00")) == []


def test_acknowledging_is_per_operator_and_recorded(db):
    note_id = note(db)
    acknowledge_note(db, note_id, MARIA, station="DESK-2", now=NIGHT_SHIFT)
    assert pending_notes(db, MARIA, now=NIGHT_SHIFT) == []
    # Li Wei has not read it: it is still pending for him.
    assert [n.note_id for n in pending_notes(db, LI_WEI, now=NIGHT_SHIFT)] == [note_id]
    row = db.execute("SELECT operator, acknowledged_at, station FROM handover_acks").fetchone()
    assert row == ("P002", stamp(NIGHT_SHIFT), "DESK-2")
    assert db.execute("SELECT operator FROM events WHERE kind = 'handover_note_acknowledged'").fetchone()[0] == "P002"
    with pytest.raises(KioskError, match=f"You acknowledged note {note_id} already"):
        acknowledge_note(db, note_id, MARIA, station="DESK-2", now=NIGHT_SHIFT)
    assert db.execute("SELECT COUNT(*) FROM handover_acks").fetchone()[0] == 1


def test_a_supervisor_sees_the_notes_nobody_acknowledged(db):
    read, unread = note(db, "Tape is running low"), note(db, "Printer 2 jams")
    acknowledge_note(db, read, MARIA, station="DESK-2", now=NIGHT_SHIFT)
    assert [n.note_id for n in unacknowledged_notes(db, ZHANG, now=NIGHT_SHIFT)] == [unread]
    # Not before its shift has begun.
    assert unacknowledged_notes(db, ZHANG, now=DAY_SHIFT) == []
    with pytest.raises(KioskError, match="Only a supervisor sees the notes nobody acknowledged"):
        unacknowledged_notes(db, LI_WEI, now=NIGHT_SHIFT)


@pytest.mark.parametrize(("text", "orders", "message"), [
    ("   ", (), "Write what the next shift needs to know"),
    ("x" * 1001, (), "The note is too long: at most 1000 characters"),
    ("Check it", ("NOPE",), "No order NOPE: the note was not written"),
])
def test_bad_notes_are_refused_and_change_nothing(db, text, orders, message):
    with pytest.raises(KioskError, match=message):
        note(db, text, order_ids=orders)
    assert db.execute("SELECT COUNT(*) FROM handover_notes").fetchone()[0] == 0
    assert db.execute("SELECT COUNT(*) FROM events").fetchone()[0] == 0


def test_the_days_log_lists_the_notes_written_in_it(db):
    note_id = note(db)
    day = business_day(DAY_SHIFT.date(), SETTINGS)
    assert [n.note_id for n in notes_written(db, *day.bounds)] == [note_id]
    log = dispatch_log(db, ZHANG, day, SETTINGS, now=NIGHT_SHIFT)
    assert [(n.author_name, n.text) for n in log.notes] == [("Li Wei", "Order SO-1 promised for tonight")]
    assert dispatch_log(db, ZHANG, business_day(day.day.replace(day=26), SETTINGS), SETTINGS).notes == []


def test_a_note_written_at_night_goes_to_the_next_mornings_shift(db):
    write_note(db, SETTINGS, MARIA, "Two parcels for DHL are on the shelf", station="DESK-2",
               now=at("2026-11-28T02:00"))
    assert pending_notes(db, LI_WEI, now=at("2026-11-28T04:59")) == []
    assert [n.for_shift for n in pending_notes(db, LI_WEI, now=at("2026-11-28T05:00"))] == ["day"]
