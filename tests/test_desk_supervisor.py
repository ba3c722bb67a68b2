"""The supervisor's day at the desk: the log, a packer's own figures, manifests, handover, imports."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import msgspec
import pytest

from kiosk.auth import add_operator
from kiosk.db import transaction
from kiosk.desk import Desk
from kiosk.desk_supervisor import LogFilter
from kiosk.errors import KioskError
from kiosk.handover import write_note
from kiosk.imports.summary import ImportSummary, record_import
from tests.conftest import EAN
from tests.test_desk import desk_of

UPS_WAYBILL = "1Z999AA10123456784"
SF_WAYBILL = "SF1234567890123"


def ship(desk: Desk, order_id: str, items: list[str], waybill: str) -> None:
    desk.open_order(order_id)
    desk.acknowledge_notes()
    for code in items:
        desk.scan(code)
    desk.record_waybill(waybill)


@pytest.fixture
def utc_config(config):
    # Shifts 05:00 and 17:00 in UTC: twelve hours ago was always the other shift.
    return msgspec.structs.replace(config, timezone="UTC")


@pytest.fixture
def shipped(db, utc_config):
    """P001 shipped SO-1 by UPS (with one refused scan) at DESK-1, P002 shipped SO-6 by SF Express at DESK-2."""
    li_wei = desk_of(db, utc_config)
    ship(li_wei, "SO-1", [EAN["SW-RED-M"], EAN["MUG-01"], EAN["SW-RED-M"], EAN["TOTE-BLK"]], UPS_WAYBILL)
    li_wei.log_out()
    maria = desk_of(db, utc_config, "P002", "4321", station="DESK-2")
    ship(maria, "SO-6", [EAN["SCARF-RED"]], SF_WAYBILL)
    maria.log_out()
    return db


@pytest.fixture
def supervisor(shipped, utc_config) -> Desk:
    return desk_of(shipped, msgspec.structs.replace(utc_config, station="DESK-9"), "S001", "9999")


# -- the dispatch log ----------------------------------------------------------------------------


def test_a_supervisor_reads_today_s_log_with_each_packer_s_accuracy(supervisor):
    log = supervisor.dispatch_log()
    assert log.day.day == supervisor.business_today()
    assert [(r.order_id, r.carrier, r.packer, r.station) for r in log.rows] == [
        ("SO-1", "UPS", "P001", "DESK-1"), ("SO-6", "SF Express", "P002", "DESK-2")]
    by_packer = {t.key: (t.orders, t.units, t.scans, t.scan_accuracy) for t in log.by_packer}
    assert by_packer == {"P001": (1, 3, 4, 0.75), "P002": (1, 1, 1, 1.0)}
    # SO-2 is still waiting (paid in 2026, long ago): it is on the late list.
    assert "SO-2" in [late.order_id for late in log.late]


@pytest.mark.parametrize(("log_filter", "orders"), [
    (LogFilter(packer="p002"), ["SO-6"]),
    (LogFilter(carrier="UPS"), ["SO-1"]),
    (LogFilter(station="desk-2"), ["SO-6"]),
    (LogFilter(station="DESK-1", carrier="SF Express"), []),
])
def test_the_log_is_filtered_by_packer_carrier_or_station(supervisor, log_filter, orders):
    log = supervisor.dispatch_log(log_filter=log_filter)
    assert [row.order_id for row in log.rows] == orders
    assert log.late == []  # the late list is the whole shop's, not one packer's, carrier's or station's


@pytest.mark.parametrize(("log_filter", "message"), [
    (LogFilter(packer="P404"), "Unknown packer P404"),
    (LogFilter(carrier="Pigeon Post"), "Unknown carrier Pigeon Post"),
    (LogFilter(station="DESK-7"), "No parcel left station DESK-7 on "),
])
def test_an_unknown_filter_is_refused_by_name(supervisor, log_filter, message):
    with pytest.raises(KioskError, match=message):
        supervisor.dispatch_log(log_filter=log_filter)


def test_a_station_that_shipped_on_another_day_is_refused_for_this_one(supervisor):
    yesterday = supervisor.business_today() - timedelta(days=1)
    with pytest.raises(KioskError, match=f"No parcel left station DESK-1 on {yesterday.isoformat()}"):
        supervisor.dispatch_log(yesterday, LogFilter(station="DESK-1"))
    assert supervisor.dispatch_log(yesterday).rows == []


def test_a_packer_reads_only_their_own_figures_of_today(shipped, utc_config):
    li_wei = desk_of(shipped, utc_config)
    mine = li_wei.my_figures()
    assert [row.order_id for row in mine.rows] == ["SO-1"]
    assert (mine.totals.orders, mine.totals.scan_accuracy, mine.late, mine.notes) == (1, 0.75, [], [])
    # Asking for everything gives their own figures still.
    assert [row.order_id for row in li_wei.dispatch_log().rows] == ["SO-1"]
    with pytest.raises(KioskError, match="A packer sees only their own figures, not those of P002"):
        li_wei.dispatch_log(log_filter=LogFilter(packer="P002"))
    with pytest.raises(KioskError, match="A packer sees only today's figures"):
        li_wei.dispatch_log(li_wei.business_today() - timedelta(days=1))


def test_after_sales_and_nobody_read_no_figures(shipped, utc_config):
    add_operator(shipped, "A001", "Chen Jie", "aftersales", "5555")
    after_sales = desk_of(shipped, utc_config, "A001", "5555")
    with pytest.raises(KioskError, match="Chen Jie works in after-sales"):
        after_sales.my_figures()
    with pytest.raises(KioskError, match="Chen Jie works in after-sales"):
        after_sales.dispatch_log()
    with pytest.raises(KioskError, match="Nobody is logged in at this station"):
        Desk(shipped, utc_config).dispatch_log()


# -- manifests -----------------------------------------------------------------------------------


def test_a_ups_manifest_is_scanned_to_completion_and_closed_with_its_pages(supervisor, utc_config):
    waiting = {m.carrier_id: (m.name, m.parcels, m.scanned) for m in supervisor.waiting_manifests()}
    assert waiting == {"ups": ("UPS", 1, 0), "sf_express": ("SF Express", 1, 0)}
    with pytest.raises(KioskError, match=f"Parcel {SF_WAYBILL} goes with SF Express, not UPS"):
        supervisor.scan_manifest_label("ups", SF_WAYBILL)
    tick = supervisor.scan_manifest_label("ups", f" {UPS_WAYBILL}\n")
    assert (tick.already, tick.manifest.missing) == (False, [])
    closed, = supervisor.close_manifests(["ups"])
    assert (closed.manifest.carrier_id, len(closed.manifest.ticked), closed.manifest.closed_by) == ("ups", 1, "S001")
    assert sorted(path.suffix for path in closed.files) == [".pdf", ".zpl"]
    assert all(path.parent == utc_config.spool_dir / "manifests" and path.exists() for path in closed.files)
    # Picked up: UPS has nothing waiting any more, SF Express still has its parcel.
    assert [m.carrier_id for m in supervisor.waiting_manifests()] == ["sf_express"]


def test_a_packer_scans_labels_but_only_a_supervisor_closes(shipped, utc_config):
    li_wei = desk_of(shipped, utc_config)
    assert li_wei.scan_manifest_label("ups", UPS_WAYBILL).manifest.missing == []
    with pytest.raises(KioskError, match="Li Wei is not a supervisor"):
        li_wei.close_manifests(["ups"])
    assert shipped.execute("SELECT COUNT(*) FROM manifests WHERE closed_at IS NOT NULL").fetchone()[0] == 0


def test_closing_no_carrier_is_refused(supervisor):
    with pytest.raises(KioskError, match="Choose at least one carrier whose manifest to close"):
        supervisor.close_manifests([])


def test_a_manifest_is_found_by_carrier_name(supervisor):
    assert [p.order_id for p in supervisor.manifest("UPS").parcels] == ["SO-1"]
    with pytest.raises(KioskError, match="Unknown carrier Pigeon Post"):
        supervisor.manifest("Pigeon Post")


# -- the handover book ---------------------------------------------------------------------------


def note_from_last_shift(db, utc_config, text="SO-2 promised for today", order_ids=("SO-2",)) -> int:
    """Written twelve hours ago, in the shift before this one: it is for the shift running now."""
    writer = desk_of(db, msgspec.structs.replace(utc_config, station="DESK-5"), "P002", "4321")
    note_id = write_note(db, writer.report_settings, writer.operator, text, station="DESK-5",
                         order_ids=list(order_ids), now=datetime.now(UTC) - timedelta(hours=12))
    writer.log_out()
    return note_id


def test_handover_notes_are_acknowledged_operator_by_operator(db, utc_config):
    note_id = note_from_last_shift(db, utc_config)
    li_wei = desk_of(db, utc_config)
    pending, = li_wei.pending_handover_notes()
    assert (pending.note_id, pending.text, pending.order_ids, pending.author_name) == (
        note_id, "SO-2 promised for today", ("SO-2",), "Maria Lopez")
    supervisor = desk_of(db, msgspec.structs.replace(utc_config, station="DESK-9"), "S001", "9999")
    assert [n.note_id for n in supervisor.unacknowledged_handover_notes()] == [note_id]
    li_wei.acknowledge_handover_note(note_id)
    assert li_wei.pending_handover_notes() == []
    with pytest.raises(KioskError, match=f"You acknowledged note {note_id} already"):
        li_wei.acknowledge_handover_note(note_id)
    # The supervisor has not read it yet; somebody has, so it is off the list of notes nobody read.
    assert [n.note_id for n in supervisor.pending_handover_notes()] == [note_id]
    assert supervisor.unacknowledged_handover_notes() == []
    assert db.execute("SELECT operator, station FROM handover_acks").fetchall() == [("P001", "DESK-1")]


def test_only_a_supervisor_sees_the_notes_nobody_acknowledged(db, utc_config):
    with pytest.raises(KioskError, match="Only a supervisor sees the notes nobody acknowledged"):
        desk_of(db, utc_config).unacknowledged_handover_notes()


def test_a_note_written_now_is_for_the_next_shift_and_its_orders_must_exist(db, utc_config):
    li_wei = desk_of(db, utc_config)
    with pytest.raises(KioskError, match="No order SO-404: the note was not written"):
        li_wei.write_handover_note("Check SO-404", ["SO-404"])
    with pytest.raises(KioskError, match="Write what the next shift needs to know"):
        li_wei.write_handover_note("   ")
    assert db.execute("SELECT COUNT(*) FROM handover_notes").fetchone()[0] == 0
    note_id = li_wei.write_handover_note("Tape is running low", ["SO-1"])
    row = db.execute("SELECT author, station, for_start > written_at FROM handover_notes WHERE id = ?",
                     [note_id]).fetchone()
    assert row == ("P001", "DESK-1", 1)
    assert li_wei.pending_handover_notes() == []  # it is the next shift's


# -- imports -------------------------------------------------------------------------------------


def test_a_supervisor_sees_the_last_imports(db, utc_config):
    with transaction(db) as conn:
        record_import(conn, ImportSummary("orders", "amazon.txt", "amazon", imported=3, rejected=1), "DESK-1")
        record_import(conn, ImportSummary("catalogue", "products.csv", "shopify", updated=2), "DESK-1")
    supervisor = desk_of(db, utc_config, "S001", "9999")
    assert [(r.file, r.imported, r.updated, r.rejected) for r in supervisor.recent_imports()] == [
        ("products.csv", 0, 2, 0), ("amazon.txt", 3, 0, 1)]
    assert len(supervisor.recent_imports(limit=1)) == 1
    with pytest.raises(KioskError, match="Li Wei is not a supervisor"):
        desk_of(db, msgspec.structs.replace(utc_config, station="DESK-2")).recent_imports()
