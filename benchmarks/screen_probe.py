"""Knowing the moment something is *on screen* in a headless Textual app.

A widget's state changes long before a terminal shows it: the change is rendered by the
compositor on the screen's next update, and only that update reaches the terminal. The
headless driver throws updates away, so this module keeps them: every update the App would
write is serialised exactly as for a real terminal (so both apps pay that cost too) and
applied to a plain text grid. A watch is a condition on that grid; it resolves with the
time of the first frame that satisfies it.

Textual 8.2 internals used: ``App._display`` (the one place every frame passes through)
and the compositor's ``LayoutUpdate`` / ``ChopsUpdate``. The project pins Textual to 8.2.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rich.cells import cell_len
from rich.console import RenderableType
from textual import constants
from textual._compositor import ChopsUpdate, CompositorUpdate, LayoutUpdate
from textual.app import App
from textual.css.query import NoMatches
from textual.geometry import Region
from textual.screen import Screen
from textual.strip import Strip


def squash(text: str) -> str:
    """Text without any whitespace: wrapping and cell padding must not decide a match."""
    return "".join(text.split())


class TextScreen:
    """What a terminal shows, as characters only (one cell per list item, "" after a wide character)."""

    def __init__(self, width: int = 0, height: int = 0) -> None:
        self.lines: list[list[str]] = [[" "] * width for _ in range(height)]

    def _line(self, y: int, width: int) -> list[str]:
        while len(self.lines) <= y:
            self.lines.append([])
        line = self.lines[y]
        if len(line) < width:
            line.extend(" " * (width - len(line)))
        return line

    def write(self, x: int, y: int, strip: Strip) -> None:
        text = strip.text
        if text.isascii():
            self._line(y, x + len(text))[x:x + len(text)] = text
            return
        cells: list[str] = []
        for char in text:
            cells.append(char)
            cells.extend("" for _ in range(cell_len(char) - 1))
        self._line(y, x + len(cells))[x:x + len(cells)] = cells

    def apply(self, update: CompositorUpdate) -> None:
        if isinstance(update, LayoutUpdate):
            for y, chops in enumerate(update.strips, update.region.y):
                x = update.region.x
                for strip in chops:
                    self.write(x, y, strip)
                    x += strip.cell_length
        elif isinstance(update, ChopsUpdate):
            for y, x1, x2 in update.spans:
                for end, (x, strip) in zip(update.chop_ends[y], update.chops[y].items(), strict=False):
                    # The whole chop is current content; writing it all is simpler than cropping.
                    if strip is not None and x <= x2 and end > x1:
                        self.write(x, y, strip)

    def dump(self) -> str:
        return "\n".join("".join(line).rstrip() for line in self.lines)

    def region_lines(self, region: Region) -> list[str]:
        return ["".join(self._line(y, region.right)[region.x:region.right]) for y in range(region.y, region.bottom)]

    def shows(self, region: Region, text: str) -> bool:
        """Whether ``text`` (whitespace ignored) is inside ``region``, on one line or wrapped."""
        needle = squash(text)
        return bool(needle) and needle in squash("".join(self.region_lines(region)))

    def shows_line(self, region: Region, text: str) -> bool:
        """Whether one line of ``region`` holds ``text`` (whitespace ignored): a table row, say."""
        needle = squash(text)
        return bool(needle) and any(needle in squash(line) for line in self.region_lines(region))


Condition = Callable[[TextScreen], bool]

# Textual paces frames with a timer on a fixed grid: after a quiet spell it fires at once on the
# next change, but the frame after that waits one to two frame periods. Waiting this long
# without a frame before a timed step means every measurement starts from the same idle state
# (a packer is never faster than this between two scans)...
SETTLE_SECONDS = 2 / constants.MAX_FPS + 0.003
# ...and a random extra wait of up to one frame period puts each scan at a random point of the
# frame grid, as a real scan is. Without it every scan would hit the same phase, and a figure
# would say more about that phase than about the app. Seeded: both apps get the same waits.
JITTER_SECONDS = 1 / constants.MAX_FPS
JITTER_SEED = 6


@dataclass
class _Watch:
    condition: Condition
    future: asyncio.Future[float]


@dataclass
class FrameLog:
    """The frames an App has produced, as text, and the watches waiting on them."""

    screen: TextScreen = field(default_factory=TextScreen)
    frames: int = 0
    last_frame: float = 0.0
    jitter: random.Random = field(default_factory=lambda: random.Random(JITTER_SEED))
    watches: list[_Watch] = field(default_factory=list)

    def watch(self, condition: Condition) -> asyncio.Future[float]:
        """A future that resolves with ``time.perf_counter()`` of the first frame where ``condition`` holds."""
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.watches.append(_Watch(condition, future))
        return future

    def frame(self, update: CompositorUpdate) -> None:
        now = time.perf_counter()
        self.frames += 1
        self.last_frame = now
        self.screen.apply(update)
        for watch in list(self.watches):
            if watch.future.done():
                self.watches.remove(watch)
            elif _holds(watch.condition, self.screen):
                watch.future.set_result(now)
                self.watches.remove(watch)


def _holds(condition: Condition, screen: TextScreen) -> bool:
    try:
        return condition(screen)
    except NoMatches:  # the widget it looks for is not mounted yet
        return False


class FrameLogMixin:
    """Put first in an App's bases: records every frame the App would send to a terminal."""

    frame_log: FrameLog

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.frame_log = FrameLog()

    def _display(self, screen: Screen, renderable: RenderableType | None) -> None:
        super()._display(screen, renderable)  # type: ignore[misc]
        if isinstance(renderable, CompositorUpdate):
            # What the terminal driver would have been given: headless skips this work, a real
            # terminal never does, so both the kiosk and the floor pay it here.
            renderable.render_segments(self.console)  # type: ignore[attr-defined]
            self.frame_log.frame(renderable)


async def settle(app: App) -> None:
    """Wait until the App has sent no frame for ``SETTLE_SECONDS``, then a random part of a frame period."""
    log: FrameLog = app.frame_log  # type: ignore[attr-defined]
    while (quiet := time.perf_counter() - log.last_frame) < SETTLE_SECONDS:
        await asyncio.sleep(SETTLE_SECONDS - quiet)
    await asyncio.sleep(log.jitter.uniform(0, JITTER_SECONDS))


async def frame_after(app: App, condition: Condition, timeout: float = 30.0) -> float:
    """Wait (untimed set-up steps) until a frame satisfies ``condition``; returns its time."""
    log: FrameLog = app.frame_log  # type: ignore[attr-defined]
    if _holds(condition, log.screen):
        return time.perf_counter()
    return await timed_frame(app, log.watch(condition), timeout, "set-up step")


async def timed_frame(app: App, watch: asyncio.Future[float], timeout: float, what: str) -> float:
    """The time of the frame a watch waits for; on a timeout, says what the screen showed instead."""
    try:
        return await asyncio.wait_for(watch, timeout)
    except TimeoutError:
        shown = app.frame_log.screen.dump()  # type: ignore[attr-defined]
        raise TimeoutError(f"{what}: not on screen after {timeout} s; the screen shows:\n{shown}") from None
