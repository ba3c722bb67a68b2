"""Problems from the pack screen, driven as a packer and a supervisor would."""

from __future__ import annotations

from kiosk.db import open_database
from kiosk.orders import get_order
from kiosk.problems import cancel_order
from screens.approve import SupervisorApproval
from screens.confirm import ConfirmDialog
from screens.pack import PackScreen
from screens.problem import ProblemDialog
from screens.queue import QueueScreen
from tests.conftest import EAN
from tests.pilot import approve, banner, labels_reported, open_exceptions, run_kiosk, scan


async def answer(pilot, *answers: str) -> None:
    """Type each answer in the problem dialog and press Enter, like a packer."""
    for text in answers:
        await scan(pilot, text)


async def test_damaged_unit_reported_with_the_scanner_holds_the_order(config, db):
    async with run_kiosk(config) as (app, pilot):
        await scan(pilot, "SO-1", EAN["SW-RED-M"])
        await pilot.press("f5")
        assert isinstance(app.screen, ProblemDialog)
        await answer(pilot, "1", EAN["SW-RED-M"], "1", "seam torn", "")
        await answer(pilot, "h")
        assert isinstance(app.screen, QueueScreen)
        assert banner(app).message == "Problem reported: order SO-1 is on hold for a supervisor."
    row = db.execute("SELECT kind, line_no, quantity, description, operator FROM problems").fetchone()
    assert row == ("damaged", 1, 1, "seam torn", "P001")
    assert get_order(db, "SO-1")["status"] == "on_hold"


async def test_the_dialog_refuses_what_the_rules_refuse(config, db):
    async with run_kiosk(config, order="SO-1") as (app, pilot):
        await pilot.press("f5")
        await answer(pilot, "7")
        error = app.screen.query_one("#problem-error")
        assert "Type 1, 2, 3 or 4." in str(error.render())
        await answer(pilot, "2", EAN["MUG-01"])
        assert "is not an item of this order" in str(error.render())
        await answer(pilot, "1", "5")
        assert "Line 1 has only 2 units: 5 is too many." in str(error.render())
        await pilot.press("escape")
        assert isinstance(app.screen, PackScreen)
    assert not db.execute("SELECT COUNT(*) FROM problems").fetchone()[0]


async def test_missing_unit_shipped_short_with_a_supervisor_on_the_spot(config, db):
    async with run_kiosk(config) as (app, pilot):
        await scan(pilot, "SO-1", EAN["SW-RED-M"], EAN["SW-RED-M"])
        await pilot.press("f5")
        await answer(pilot, "2", "2", "1", "out of stock", "", "s")
        assert isinstance(app.screen, SupervisorApproval)
        await approve(pilot)
        assert isinstance(app.screen, PackScreen)
        assert banner(app).message.startswith("Short shipment approved by Zhang Min.")
        assert app.screen.session.all_verified
        await scan(pilot, "SF1234567890123")
        assert isinstance(app.screen, QueueScreen)
    assert get_order(db, "SO-1")["status"] == "shipped"
    assert db.execute("SELECT line_no, quantity FROM shipment_lines ORDER BY line_no").fetchall() == [(1, 2), (2, 0)]


async def test_a_packer_cannot_approve_their_own_short_shipment(config, db):
    async with run_kiosk(config, order="SO-1") as (app, pilot):
        await pilot.press("f5")
        await answer(pilot, "2", "2", "1", "", "", "s")
        await approve(pilot, "P001", "1234")
        assert isinstance(app.screen, SupervisorApproval)
        assert "Li Wei is not a supervisor" in str(app.screen.query_one("#approve-error").render())
        await pilot.press("escape")
        assert isinstance(app.screen, QueueScreen)
        assert banner(app).message == "Not approved: order SO-1 is on hold until a supervisor decides."
    assert get_order(db, "SO-1")["status"] == "on_hold"
    assert not db.execute("SELECT COUNT(*) FROM shipments").fetchone()[0]


async def test_a_cancellation_elsewhere_stops_the_pack_screen(config, db_path):
    async with run_kiosk(config) as (app, pilot):
        await scan(pilot, "SO-1", EAN["SW-RED-M"])
        office = open_database(db_path)
        cancel_order(office, "SO-1", "buyer cancelled", "S001", "OFFICE")
        app.screen.check_interruption()
        await pilot.pause()
        assert banner(app).message.startswith("Order cancelled: put the items back.")
        bells = app.bells
        await scan(pilot, EAN["SW-RED-M"], "SF1234567890123")
        assert app.bells == bells + 2
        assert app.screen.session.lines[0].packed == 1
        await pilot.press("f5")
        assert isinstance(app.screen, PackScreen)  # nothing but going back
        await pilot.press("escape")
        assert isinstance(app.screen, QueueScreen)
    assert not office.execute("SELECT COUNT(*) FROM shipments").fetchone()[0]
    assert office.execute("SELECT COUNT(*) FROM scans WHERE result = 'accepted'").fetchone()[0] == 1


async def test_supervisor_reaches_the_exceptions_list_from_the_login_screen_and_releases_a_hold(config, db):
    from screens.exceptions import ExceptionsScreen

    async with run_kiosk(config, badge=None) as (app, pilot):
        await open_exceptions(pilot, "P001", "1234", refused=True)
        assert isinstance(app.screen, SupervisorApproval)  # a packer is refused
        await pilot.press("escape")
        await open_exceptions(pilot)
        assert isinstance(app.screen, ExceptionsScreen)
        assert [(r.kind, r.order_id) for r in app.screen.rows] == [("hold", "SO-5")]
        assert "History of SO-5" in str(app.screen.query_one("#history").render())
        await pilot.press("r")
        await pilot.press(*"address checked", "f12")
        assert banner(app).message == "Order SO-5 is back in the queue."
        assert app.screen.rows == []
    assert get_order(db, "SO-5")["status"] == "paid"


async def test_supervisor_resolves_a_problem_and_approves_a_short_shipment_from_the_list(config, db):
    from kiosk.problems import report_problem
    from screens.exceptions import ExceptionsScreen

    report_problem(db, "SO-1", kind="missing", line_no=2, quantity=1, operator="P001", station="DESK-1")
    report_problem(db, "SO-2", kind="other", description="box crushed", operator="P001", station="DESK-1")
    async with run_kiosk(config) as (app, pilot):
        await open_exceptions(pilot)
        assert isinstance(app.screen, ExceptionsScreen)
        assert [(r.kind, r.order_id) for r in app.screen.rows] == [
            ("problem", "SO-1"), ("problem", "SO-2"), ("hold", "SO-5")
        ]
        await pilot.press("a")  # the supervisor gave badge and PIN for the list: one confirmation now
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("f12")
        assert banner(app).message == "Order SO-1 may ship short: it is back in the queue."
        await pilot.press("v")
        await pilot.press(*"repacked", "f12")
        assert banner(app).message == "Problem resolved."
        await pilot.press("escape")
        assert isinstance(app.screen, QueueScreen)
        app.screen.load()
        assert "SO-1" in [e.order_id for e in app.screen.entries]
    assert get_order(db, "SO-1")["status"] == "paid"
    assert db.execute("SELECT status FROM problems ORDER BY id").fetchall() == [("approved_short",), ("resolved",)]


async def test_a_different_carrier_than_requested_needs_a_supervisor_on_the_pack_screen(config, db):
    async with run_kiosk(config) as (app, pilot):
        await scan(pilot, "SO-2")  # the buyer asked for UPS
        assert "Ship with UPS" in str(app.screen.query_one("#recipient").render())
        await pilot.press("f4")
        await scan(pilot, EAN["MUG-01"], "SF1234567890123")
        assert banner(app).message.startswith("SF1234567890123 is a SF Express waybill, but this order asks for UPS.")
        assert isinstance(app.screen, PackScreen)
        await pilot.press("f7")
        assert isinstance(app.screen, SupervisorApproval)
        await approve(pilot)
        assert banner(app).message == "Zhang Min allowed another carrier than UPS: scan the waybill."
        await scan(pilot, "SF1234567890123")
        assert isinstance(app.screen, QueueScreen)
    assert db.execute("SELECT carrier_id FROM shipments").fetchone()[0] == "sf_express"


async def test_a_multi_parcel_order_prints_a_label_per_parcel(config, db):
    async with run_kiosk(config) as (app, pilot):
        await scan(pilot, "SO-1", EAN["SW-RED-M"], EAN["SW-RED-M"], EAN["TOTE-BLK"])
        await pilot.press("f6")
        await pilot.press("2", "f12")
        assert "parcel 1 of 2" in str(app.screen.query_one("#prompt").render())
        await scan(pilot, "1Z999AA10123456784")
        assert banner(app).message.startswith("Parcel 1 of 2 recorded (1Z999AA10123456784).")
        assert isinstance(app.screen, PackScreen)
        await scan(pilot, "1Z5R89390357567127")
        assert isinstance(app.screen, QueueScreen)
        await labels_reported(pilot)
    assert get_order(db, "SO-1")["status"] == "shipped"
    files = [r[0] for r in db.execute("SELECT label_file FROM shipments ORDER BY package_no")]
    assert len(files) == 2 and all(files)
