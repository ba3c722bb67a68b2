"""Driving the kiosk the way a packer does: a scanner types fast, a person presses keys."""

from __future__ import annotations

import asyncio

from textual import events
from textual.pilot import Pilot

from screens.app import KioskApp
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
