"""The pack screen's keys as a packer meets them: the bulk quantity, and what it says."""

from __future__ import annotations

import pytest

from kiosk.desk import Desk
from kiosk.errors import KioskError
from screens.confirm import ConfirmDialog
from screens.pack import PackScreen
from screens.prompt import PromptDialog
from tests.conftest import EAN
from tests.pilot import banner, run_kiosk, scan, set_quantity


def prompt_line(app) -> str:
    return str(app.screen.query_one("#prompt").render())


def test_a_refused_bulk_scan_sets_the_quantity_back_to_one(db, config):
    desk = Desk(db, config)
    desk.log_in("P001", "1234")
    desk.open_order("SO-1")
    desk.set_quantity(3)
    assert not desk.scan(EAN["SW-RED-M"]).accepted  # 3 of 2: too many
    assert desk.bulk_quantity == 1
    assert desk.scan(EAN["SW-RED-M"]).accepted
    assert desk.session.lines[0].packed == 1
    with pytest.raises(KioskError, match="Quantity must be 1 to"):
        desk.set_quantity(0)


async def test_the_quantity_is_shown_and_a_refusal_drops_it(config):
    async with run_kiosk(config, order="SO-1") as (app, pilot):
        await set_quantity(pilot, 3)
        assert "Next scan counts 3 units" in prompt_line(app)
        assert "Next scan counts 3 units" in banner(app).message
        await scan(pilot, EAN["TOTE-BLK"])  # 3 of 1: refused
        assert banner(app).tone == "error"
        assert "The quantity is back to 1" in banner(app).message
        assert "Next scan counts" not in prompt_line(app)
        await scan(pilot, EAN["TOTE-BLK"])
        assert app.screen.session.lines[1].packed == 1


async def test_escape_sets_the_quantity_back_to_one_before_it_offers_to_put_back(config):
    async with run_kiosk(config, order="SO-1") as (app, pilot):
        await set_quantity(pilot, 2)
        await pilot.press("escape")
        assert isinstance(app.screen, PackScreen)
        assert banner(app).message == "Quantity back to 1: the next scan counts one unit."
        assert "Next scan counts" not in prompt_line(app)
        await scan(pilot, EAN["SW-RED-M"])
        assert app.screen.session.lines[0].packed == 1
        await pilot.press("escape")
        assert isinstance(app.screen, ConfirmDialog)


async def test_escape_in_the_quantity_prompt_leaves_one_unit(config):
    async with run_kiosk(config, order="SO-1") as (app, pilot):
        await set_quantity(pilot, 2)
        await pilot.press("f2")
        await pilot.press("escape")
        assert isinstance(app.screen, PackScreen)
        assert app.desk.bulk_quantity == 1
        await scan(pilot, EAN["SW-RED-M"])
        assert app.screen.session.lines[0].packed == 1


async def test_a_scan_cannot_answer_the_quantity_prompt(config):
    async with run_kiosk(config, order="SO-1") as (app, pilot):
        await pilot.press("f2")
        assert isinstance(app.screen, PromptDialog)
        bells = app.bells
        await scan(pilot, "12", "3")  # a burst: digits and Enter, twice, without waiting
        assert isinstance(app.screen, PromptDialog)
        assert app.screen.query_one("#answer").value == ""
        assert "Enter cannot answer here" in str(app.screen.query_one("#prompt-error").render())
        assert app.bells == bells + 2
        assert app.desk.bulk_quantity == 1
        await pilot.press("2", "f12")  # a person types and confirms
        assert isinstance(app.screen, PackScreen)
        assert app.desk.bulk_quantity == 2


async def test_a_scan_cannot_answer_the_parcels_prompt(config):
    async with run_kiosk(config, order="SO-1") as (app, pilot):
        await pilot.press("f6")
        await scan(pilot, "2", suffix=("ctrl+j", "\n"))
        assert isinstance(app.screen, PromptDialog)
        assert app.screen.query_one("#answer").value == ""
        await pilot.press("escape")
        assert app.desk.session.parcel_count == 1
