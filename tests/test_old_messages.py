"""Old messages go: a refusal stays on its screen, a green scan replaces it, and nothing covers
the status line."""

from __future__ import annotations

import pytest
from textual.color import Color
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
        assert banner(app).tone != "error"


async def test_a_green_scan_replaces_the_red_banner_and_leaves_no_red_behind(config):
    async with run_kiosk(config, order="SO-1") as (app, pilot):
        await scan(pilot, "0000000000000")
        assert banner(app).tone == "error"
        assert app.bells == 1
        await scan(pilot, EAN["SW-RED-M"])
        assert banner(app).tone == "ok"
        assert banner(app).styles.background == Color.parse(app.theme_variables["success"])
        assert toasts(app) == []


KEEP_CLEAR = ("#prompt", "#scan", "#banner", "KioskFooter")
PRINTER_OFF = ("The label for SO-1 did not print: printer zebra-desk-1 is off or out of paper. It stays queued"
               " and goes out again in 30 seconds.")


def shown_toasts(app) -> list[Toast]:
    return [toast for toast in app.screen.query(Toast) if toast.parent.display and toast.region]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
@pytest.mark.parametrize("order", ["SO-1", "SO-2", None], ids=["pack", "pack-with-notes", "queue"])
async def test_notifications_never_cover_the_scan_field_the_status_line_or_the_keys(config, size, order):
    async with run_kiosk(config, order=order, size=size, notifications=True) as (app, pilot):
        assert isinstance(app.screen, PackScreen if order else QueueScreen)
        # A day's worst: four notices at once, two of them long enough to wrap.
        for number in range(4):
            app.notify(f"{number}: {PRINTER_OFF}" if number % 2 else f"{number}: Item label 400 printed",
                       severity="warning" if number % 2 else "information")
        await pilot.pause()
        await pilot.pause()
        toasts = shown_toasts(app)
        assert toasts, "no notification in sight"
        # The newest is the one in sight when they do not all fit.
        assert str(toasts[-1]._notification.message).startswith("3: ")
        kept_clear = [widget for selector in KEEP_CLEAR for widget in app.screen.query(selector)]
        assert {"scan", "banner"} <= {widget.id for widget in kept_clear}
        for toast in toasts:
            for widget in kept_clear:
                assert not toast.region.overlaps(widget.region), (widget, toast.region)
