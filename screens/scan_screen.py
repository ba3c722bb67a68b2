"""Screens that take scans, and the hand-over of scans that arrive while a screen loads."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.geometry import Region
from textual.screen import Screen
from textual.strip import Strip

if TYPE_CHECKING:
    from screens.app import KioskApp


class ScanScreen(Screen):
    """A screen with a scan field. The App routes every finished scan to the screen in front.

    A scanner does not wait for a screen to load: the codes that follow an
    order number must reach the pack screen, not the queue behind it.
    """

    app: KioskApp

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # The screen's own lines (its background under the widgets), by the region drawn.
        self._background_lines: dict[Region, list[Strip]] = {}

    def render_lines(self, crop: Region) -> list[Strip]:
        # Textual redraws a screen that comes back in front (the queue after every shipment) from
        # scratch, its own 32 lines of background under the widgets included: these are the same
        # every time while the screen's style and size are (a tenth of the frame that brings the
        # queue back). A background that shows the screen below (a dialog's) is drawn each time.
        if self.styles.background.a < 1:
            return super().render_lines(crop)
        lines = self._background_lines.get(crop)
        if lines is None:
            lines = self._background_lines[crop] = super().render_lines(crop)
        return lines

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._background_lines.clear()

    def _on_resize(self) -> None:
        self._background_lines.clear()

    def handle_scan(self, value: str) -> None:
        raise NotImplementedError

    def receive_scan(self, value: str) -> None:
        # Through the App: this screen may no longer be in front (a scan that opened another).
        self.app.deliver_scan(value)

    @property
    def takes_scans(self) -> bool:
        """False while the screen is about to give way: scans wait for the next one."""
        return True

    def _on_mount(self) -> None:
        # Runs after the subclass's on_mount: the screen is ready for scans now.
        self.app.scan_screen_ready(self)

    def _on_screen_resume(self) -> None:
        # Back in front (a screen above it closed): scans held meanwhile are for this screen.
        self.app.scan_screen_ready(self)
