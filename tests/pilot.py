"""Driving the kiosk the way a packer does: a scanner types fast, a person presses keys."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from textual import events
from textual.pilot import Pilot

from kiosk.config import Config
from screens.app import KioskApp
from screens.approve import SupervisorApproval
from screens.exceptions import ExceptionsScreen
from screens.widgets.banner import Banner

SIZE = (100, 32)


class RecordingApp(KioskApp):
    """The real App, with the bell counted (it is silent in headless runs)."""

    bells = 0

    def bell(self) -> None:
        self.bells += 1


def post_scans(app: KioskApp, codes: list[str], suffix: tuple[str, str] = ("enter", "\r")) -> None:
    """A scanner burst: every key posted at once, without waiting for the app to catch up.

    Keys go to the App, as the terminal driver delivers them, so a burst that
    spans a change of screen (order number, then items) lands where a real
    scanner's would.
    """
    for code in codes:
        for char in code:
            app.post_message(events.Key(char, char))
        app.post_message(events.Key(*suffix))


async def scan(pilot: Pilot, *codes: str, suffix: tuple[str, str] = ("enter", "\r")) -> None:
    post_scans(pilot.app, list(codes), suffix)
    await pilot.pause()
    await pilot.pause()


async def log_in(pilot: Pilot, badge: str = "P001", pin: str = "1234") -> None:
    await scan(pilot, badge)
    await pilot.press(*pin, "enter")
    await pilot.pause()


async def approve(pilot: Pilot, badge: str = "S001", pin: str = "9999") -> None:
    """A supervisor vouches in an approval dialog: badge scanned, PIN typed, as at login."""
    await log_in(pilot, badge, pin)


async def open_exceptions(pilot: Pilot, badge: str = "S001", pin: str = "9999", *, refused: bool = False) -> None:
    """F9: at once for a supervisor logged in; elsewhere a badge with its PIN, refused unless a supervisor's."""
    await pilot.press("f9")
    if isinstance(pilot.app.screen, ExceptionsScreen):
        assert not refused, "F9 opened the exceptions list without a supervisor's badge"
        return
    assert isinstance(pilot.app.screen, SupervisorApproval)
    await approve(pilot, badge, pin)
    expected = SupervisorApproval if refused else ExceptionsScreen
    assert isinstance(pilot.app.screen, expected), pilot.app.screen


@asynccontextmanager
async def run_kiosk(config: Config, badge: str | None = "P001", pin: str = "1234", *, order: str | None = None,
                    size: tuple[int, int] = SIZE, **run_test: Any) -> AsyncIterator[tuple[RecordingApp, Pilot]]:
    """The real app at a station: `badge` logged in (None: still at login), and `order` scanned open if given.

    Other keywords (message_hook, notifications) go to App.run_test.
    """
    app = RecordingApp(config)
    async with app.run_test(size=size, **run_test) as pilot:
        if badge is not None:
            await log_in(pilot, badge, pin)
        if order is not None:
            await scan(pilot, order)
        yield app, pilot


def banner(app: KioskApp) -> Banner:
    return app.screen.query_one(Banner)


async def labels_reported(pilot: Pilot, timeout: float = 10.0) -> None:
    """Wait until every print attempt this app started has reported back (workers and label threads)."""
    app = pilot.app
    assert isinstance(app, KioskApp)
    deadline = asyncio.get_running_loop().time() + timeout
    await app.workers.wait_for_complete()
    while app.desk.printing.printing_now:
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"print jobs {sorted(app.desk.printing.printing_now)} never reported back")
        await asyncio.sleep(0.01)
    await pilot.pause()


async def answer_prompt(pilot: Pilot, text: str) -> None:
    """Type an answer into a PromptDialog, as a person does, and confirm it."""
    await pilot.press(*text, "f12")
    await pilot.pause()


async def set_quantity(pilot: Pilot, quantity: int) -> None:
    """F2 on the pack screen and the count of units the next scan stands for, typed and confirmed."""
    await pilot.press("f2")
    await answer_prompt(pilot, str(quantity))
