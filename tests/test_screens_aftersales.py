"""After-sales at the screen, on the demo database: search, timeline, claims with a resend, returns."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static

from kiosk.config import Config
from kiosk.db import open_database, transaction
from kiosk.desk import Desk
from screens.claim import ClaimDialog
from screens.exceptions import ExceptionsScreen
from screens.lookup import LookupScreen
from screens.prompt import PromptDialog
from screens.queue import QueueScreen
from screens.returns import ReturnScreen
from screens.timeline import TimelineScreen
from screens.widgets.row_table import RowTable
from tests.pilot import banner, open_exceptions, run_kiosk, scan

# 赵磊's order: two pairs of grey gloves (M, L), shipped by SF; two other orders share his phone's tail.
ORDER = "3725271034701203835"
GLOVES_GREY_M, GLOVES_BLACK_L = "6901234000337", "6901234000320"


@pytest.fixture
def demo(tmp_path: Path, demo_db: Path):
    config = Config(station="DESK-A", database=demo_db, spool_dir=tmp_path / "spool", idle_lock_seconds=0)
    db = open_database(demo_db)
    yield db, config
    db.conn.close()


def shown(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def rows(app) -> list[str]:
    table = app.screen.query_one(RowTable)
    return [row.key for row in table.rows]


async def open_order_timeline(pilot) -> None:
    await scan(pilot, "5432")
    assert ORDER in rows(pilot.app)
    table = pilot.app.screen.query_one(RowTable)
    table.move_cursor(rows(pilot.app).index(ORDER))
    await scan(pilot, "")
    assert isinstance(pilot.app.screen, TimelineScreen)


async def test_aftersales_finds_an_order_by_phone_tail_and_records_a_wrong_colour_claim_with_a_resend(demo):
    db, config = demo
    async with run_kiosk(config, "A001", "5555") as (app, pilot):
        assert isinstance(app.screen, LookupScreen)
        await scan(pilot, "5432")
        assert "3 orders found for 5432" in banner(app).message
        await open_order_timeline(pilot)
        evidence = shown(app, "#evidence")
        assert "SF1347413421946" in evidence and GLOVES_GREY_M in evidence
        assert "13798765432" in shown(app, "#contact")
        await pilot.press("f2")
        assert isinstance(app.screen, ClaimDialog)
        # wrong item received, resend, no amount, what the buyer says, line 1 once, line 2 not.
        for answer in ("3", "2", "", "wrong colour: got black, ordered grey", "1", ""):
            await scan(pilot, answer)
        assert isinstance(app.screen, TimelineScreen)
        assert banner(app).message == "Claim 1 recorded. Resend order 3725271034701203835-R1 is in the packers' queue."
        assert "wrong item received" in shown(app, "#aftersales")
    resend = db.execute("SELECT status, resend_of FROM orders WHERE order_id = ?", [f"{ORDER}-R1"]).fetchone()
    assert resend == ("paid", ORDER)
    assert db.execute("SELECT sku, quantity FROM order_lines WHERE order_id = ?", [f"{ORDER}-R1"]).fetchall() == [
        ("GLOV-GRY-M", 1)]
    packer = Desk(db, config)
    packer.log_in("P001", "1234")
    flags = {entry.order_id: entry.flags for entry in packer.queue().entries}
    assert "RESEND" in flags[f"{ORDER}-R1"]


async def test_the_claim_dialog_refuses_a_claim_without_the_buyers_words(demo):
    db, config = demo
    async with run_kiosk(config, "A001", "5555") as (app, pilot):
        await open_order_timeline(pilot)
        await pilot.press("f2")
        for answer in ("3", "1", "", ""):
            await scan(pilot, answer)
        assert "Describe what the buyer says: it is needed for wrong item received." in shown(app, "#step-error")
        assert app.bells == 1
        await pilot.press("escape")
        assert isinstance(app.screen, TimelineScreen)
    assert not db.execute("SELECT COUNT(*) FROM aftersales_cases").fetchone()[0]


async def test_a_returned_wrong_item_is_refused_on_screen_like_a_pack_scan(demo):
    db, config = demo
    async with run_kiosk(config, "A001", "5555") as (app, pilot):
        await open_order_timeline(pilot)
        await pilot.press("f3")
        assert isinstance(app.screen, PromptDialog)
        await pilot.press("enter")
        assert isinstance(app.screen, ReturnScreen)
        await scan(pilot, GLOVES_BLACK_L)
        assert banner(app).message.startswith("Wrong variant:")
        assert banner(app).tone == "error"
        assert app.bells == 1
        await pilot.press("f2")  # the next unit is damaged by the buyer
        await scan(pilot, GLOVES_GREY_M)
        assert banner(app).message.startswith("Checked in: 羊绒手套 灰色 / M, 1 of 1 (damaged by the buyer, restock)")
        await pilot.press("f12")
        for answer in ("1", "2", "9.90", ""):
            await scan(pilot, answer)
        assert isinstance(app.screen, ReturnScreen)
        assert banner(app).message == "Return 1 closed: amount 9.90."
    assert db.execute("SELECT status, accessories_complete, packaging_complete FROM returns").fetchone() == (
        "closed", 1, 0)
    assert db.execute("SELECT json_extract(detail, '$.code'), json_extract(detail, '$.result') FROM events"
                      " WHERE kind = 'return_scan_refused'").fetchall() == [(GLOVES_BLACK_L, "wrong_variant")]
    assert db.execute("SELECT raw_code, condition FROM return_items").fetchall() == [
        (GLOVES_GREY_M, "customer_damaged")]


async def test_a_packer_cannot_reach_an_order_history(demo):
    db, config = demo
    async with run_kiosk(config, "P001", "1234") as (app, pilot):
        assert isinstance(app.screen, QueueScreen)
        await pilot.press("ctrl+o")
        assert isinstance(app.screen, QueueScreen)
        assert app.bells == 1
    assert not db.execute("SELECT COUNT(*) FROM events WHERE kind = 'personal_data_viewed'").fetchone()[0]


async def test_a_supervisor_jumps_to_an_order_by_number_and_sees_the_phone_whole(demo):
    db, config = demo
    async with run_kiosk(config, "S001", "9999") as (app, pilot):
        await pilot.press("ctrl+o")
        assert isinstance(app.screen, PromptDialog)
        await pilot.press(*"1001", "enter")
        assert isinstance(app.screen, TimelineScreen)
        assert "+1 907 555 0175" in shown(app, "#contact")
    assert db.execute("SELECT operator, order_id FROM events WHERE kind = 'personal_data_viewed'").fetchall() == [
        ("S001", "#1001")]


async def test_a_packers_jump_to_an_order_is_refused_with_the_reason(demo):
    db, config = demo
    async with run_kiosk(config, "P001", "1234") as (app, pilot):
        await pilot.press("ctrl+o")
        assert isinstance(app.screen, QueueScreen)
        # Said in the queue's own red banner, with the bell.
        assert banner(app).message == "Li Wei cannot open order histories: only after-sales staff and supervisors can."
        assert app.bells == 1


async def test_a_supervisor_searches_from_the_exceptions_list_and_moves_a_claim_on(demo):
    db, config = demo
    async with run_kiosk(config, "P001", "1234") as (app, pilot):
        await open_exceptions(pilot)
        await pilot.press("o")
        assert isinstance(app.screen, LookupScreen)
        await scan(pilot, "SF 1347-4134 21946")  # a scanned waybill opens its order at once
        assert isinstance(app.screen, TimelineScreen)
        await pilot.press("f2")
        for answer in ("4", "1", "59.80", ""):
            await scan(pilot, answer)
        assert banner(app).message == "Claim 1 recorded."
        await pilot.press("f4")
        await scan(pilot, "3")
        await scan(pilot, "asked SF for the scan record")
        assert banner(app).message == "Claim 1 is now waiting for the courier."
        assert "waiting for the courier" in shown(app, "#aftersales")
        await pilot.press("escape", "escape")
        assert isinstance(app.screen, ExceptionsScreen)
    assert db.execute("SELECT operator FROM events WHERE kind IN ('case_opened', 'case_status')").fetchall() == [
        ("S001",), ("S001",)]


async def test_names_and_notes_from_data_are_shown_as_typed_never_as_markup(demo):
    db, config = demo
    with transaction(db) as conn:
        conn.execute("UPDATE orders SET recipient_name = '[red]Zhao[/red]', buyer_note = '[b]fast'"
                     " WHERE order_id = ?", [ORDER])
    async with run_kiosk(config, "A001", "5555") as (app, pilot):
        await open_order_timeline(pilot)
        assert "[red]Zhao[/red]" in shown(app, "#contact")
        assert "Buyer note: [b]fast" in shown(app, "#order")
