"""Screens that take scans, and the hand-over of scans that arrive while a screen loads."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.screen import Screen

if TYPE_CHECKING:
    from screens.app import KioskApp


class ScanScreen(Screen):
    """A screen with a scan field. The App routes every finished scan to the screen in front.

    A scanner does not wait for a screen to load: the codes that follow an
    order number must reach the pack screen, not the queue behind it.
    """

    app: KioskApp

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
