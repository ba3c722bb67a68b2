"""Old messages go: a refusal stays on its screen, a green scan replaces it, and nothing covers
the status line."""

from __future__ import annotations

from textual.widgets._toast import Toast

from screens.pack import PackScreen
from screens.queue import QueueScreen
from tests.conftest import EAN
from tests.pilot import banner, run_kiosk, scan


def toasts(app) -> list[str]:
    """The notifications the App shows (as toasts on the screen in front) right now."""
    return [str(notification.message) for notification in app._notifications]


async def test_a_wrong_pin_does_not_follow_to_the_queue(config):
    async with run_kiosk(config, badge=None) as (app, pilot):
        await scan(pilot, "P001")
        await pilot.press(*"0000", "enter")
        await pilot.pause()
        assert "Wrong PIN" in banner(app).message
        assert app.bells == 1
        await pilot.press(*"1234", "enter")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen)
        assert not any("PIN" in text for text in toasts(app))
        assert not banner(app).has_class("error")


async def test_a_green_scan_replaces_the_red_banner_and_leaves_no_red_behind(config):
    async with run_kiosk(config, order="SO-1") as (app, pilot):
        await scan(pilot, "0000000000000")
        assert banner(app).has_class("error")
        assert app.bells == 1
        await scan(pilot, EAN["SW-RED-M"])
        assert banner(app).has_class("ok")
        assert toasts(app) == []


async def test_a_notification_never_covers_the_status_line_or_the_keys(config):
    async with run_kiosk(config, order="SO-1", size=(80, 24), notifications=True) as (app, pilot):
        assert isinstance(app.screen, PackScreen)
        app.notify("Item label 400 printed: /spool/a.png")
        await pilot.pause()
        await pilot.pause()
        [toast] = app.screen.query(Toast)
        for selector in ("#prompt", "#scan", "#banner", "KioskFooter"):
            assert not toast.region.overlaps(app.screen.query_one(selector).region), selector
