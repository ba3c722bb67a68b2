"""The App's "waiting for the database" line, over whatever screen is in front."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget


class BusyNotice(Widget):
    """One line across the top of its screen, above everything on it, dialogs included; hidden
    until the App shows it. The App puts one on every screen it shows (KioskApp.carry_busy_notice).
    Not a Static: a screen looking up its own Statics must not find it."""

    DEFAULT_CSS = """
    BusyNotice {
        display: none;
        dock: top;
        overlay: screen;
        width: 100%;
        height: 1;
        padding: 0 1;
        text-style: bold;
        background: $warning;
        color: $background;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.text = ""

    def say(self, text: str) -> None:
        self.text = text
        self.refresh()

    def render(self) -> Text:
        return Text(self.text)
