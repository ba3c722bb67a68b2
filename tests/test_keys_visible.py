"""Every key a screen offers is in sight, whole, at 80 and 100 columns, in English and Chinese.

A key bar cut at the right edge ("f9 Superv") hides a key the packer needs; dialogs name their
keys in a line of text, which must not be cut either.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from rich.cells import cell_len
from textual.screen import Screen
from textual.widgets import Static
from textual.widgets._footer import FooterKey

from kiosk.i18n import _, set_language
from screens.approve import SupervisorApproval
from screens.carrier_choice import CarrierChoiceDialog
from screens.confirm import ConfirmDialog
from screens.exceptions import ExceptionsScreen
from screens.pack import PackScreen
from screens.print_jobs import PrintJobsScreen
from screens.problem import ProblemDialog
from screens.prompt import PromptDialog
from screens.queue import QueueScreen
from screens.widgets.footer import KioskFooter
from tests.pilot import log_in, run_kiosk, scan

# Every test here runs at each width in each language.
pytestmark = [pytest.mark.parametrize("language", ["en", "zh_CN"]), pytest.mark.parametrize("width", [80, 100])]


def assert_every_shown_key_is_whole_in_sight(screen: Screen) -> None:
    width, height = screen.app.size
    footer = screen.query_one(KioskFooter)
    shown = {binding.key: _(binding.description) for _node, binding, _enabled, _tip in screen.active_bindings.values()
             if binding.show}
    keys = {key.key: key for key in footer.query(FooterKey)}
    assert set(keys) == set(shown), screen
    for name, key in keys.items():
        region = key.region
        text = key.render().plain
        assert shown[name] in text, (name, text)
        assert region.width >= cell_len(text), (name, text, region)  # not cut
        assert region.right <= width and region.bottom <= height, (name, region)
        assert footer.region.contains_region(region), (name, region, footer.region)


def assert_text_whole(widget: Static) -> None:
    """A line of text (a dialog's keys) drawn whole: wrapped if need be, never cut."""
    text = str(widget.render())
    drawn = "".join(widget.render_line(y).text.strip() for y in range(widget.size.height))
    assert drawn.replace(" ", "") == text.replace(" ", "").replace("\n", ""), (text, drawn)
    assert widget.region.right <= widget.app.size.width


@asynccontextmanager
async def kiosk_at(config, width: int, language: str) -> AsyncIterator[tuple]:
    """The kiosk at `width` columns, 24 rows, a station set to `language`, at the login screen."""
    async with run_kiosk(config, badge=None, size=(width, 24)) as (app, pilot):
        set_language(language)
        app.station_language = language
        app.login_screen.reset()
        await pilot.pause()
        yield app, pilot


async def show(pilot, screen: Screen) -> None:
    pilot.app.push_screen(screen)
    await pilot.pause()
    await pilot.pause()


async def test_login_queue_and_pack_screens_show_every_key(config, width, language):
    async with kiosk_at(config, width, language) as (app, pilot):
        assert_every_shown_key_is_whole_in_sight(app.screen)
        await log_in(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert_every_shown_key_is_whole_in_sight(app.screen)
        await scan(pilot, "SO-2")  # notes: F4 is offered too
        assert isinstance(app.screen, PackScreen)
        await pilot.pause()
        assert_every_shown_key_is_whole_in_sight(app.screen)


async def test_supervisor_screens_show_every_key(config, width, language):
    async with kiosk_at(config, width, language) as (app, pilot):
        await log_in(pilot, "S001", "9999")
        for screen in (ExceptionsScreen, PrintJobsScreen):
            await show(pilot, screen(app.desk))
            assert_every_shown_key_is_whole_in_sight(app.screen)


async def test_dialogs_show_their_keys_whole(config, width, language):
    async with kiosk_at(config, width, language) as (app, pilot):
        await log_in(pilot)
        await scan(pilot, "SO-1")
        dialogs = [
            ConfirmDialog(_("Put order {order_id} back in the queue?").format(order_id="SO-1")),
            PromptDialog(_("How many parcels does this order ship in?")),
            SupervisorApproval(app.desk, _("Ship order {order_id} short?").format(order_id="SO-1"),
                               action="short_shipment", order_id="SO-1"),
            CarrierChoiceDialog("3318810025", (("dhl", "DHL"), ("deppon", "Deppon"))),
            ProblemDialog(app.desk),
        ]
        for dialog in dialogs:
            await show(pilot, dialog)
            for widget in dialog.query(".dialog-keys, #approve-prompt"):
                assert_text_whole(widget)
            app.pop_screen()
            await pilot.pause()
