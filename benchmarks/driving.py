"""Driving an App the way the hardware does (Textual only), shared by the kiosk and the floor runs."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from textual import events
from textual.app import App
from textual.widgets import Input

SIZE = (100, 32)
SETUP_TIMEOUT = 60.0


def post_scan(app: App, code: str) -> None:
    """A scanner burst: every key and the Enter posted at once to the App, as the terminal driver does
    (the same as ``tests/pilot.post_scans``)."""
    post_keys(app, code)
    post_enter(app)


def post_keys(app: App, code: str) -> None:
    """The characters of a scan, without the Enter that ends it."""
    for char in code:
        app.post_message(events.Key(char, char))


def post_enter(app: App) -> None:
    app.post_message(events.Key("enter", "\r"))


def focused_value(app: App) -> str | None:
    """What the focused text field holds (None when the focus is not on one)."""
    return app.focused.value if isinstance(app.focused, Input) else None


def still_cursor(app: App) -> None:
    """Stop the cursor blinking in the screen in front.

    A blink repaints the input twice a second; one landing just before a scan makes the
    scan wait for the next frame slot (up to 1/60 s). That is noise about neither app, so
    both the kiosk and the floor are measured without it.
    """
    for field in app.screen.query(Input):
        field.cursor_blink = False


async def until(predicate: Callable[[], bool], timeout: float = SETUP_TIMEOUT) -> None:
    """Poll an untimed set-up step (a screen change, a worker) until it is done."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("the app did not reach the expected state")
        await asyncio.sleep(0.002)
