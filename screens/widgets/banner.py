"""The feedback line: green for an accepted scan, red for a refusal."""

from __future__ import annotations

from typing import Literal

from rich.text import Text
from textual.widgets import Static

from kiosk.inert import inert_lines
from screens.widgets.text_line import update_in_place

Tone = Literal["ok", "error", "info", "warning"]


class Banner(Static):
    DEFAULT_CSS = """
    Banner { width: 1fr; height: auto; min-height: 1; padding: 0 1; text-style: bold; }
    Banner.ok { background: $success; color: $text; }
    Banner.error { background: $error; color: $text; }
    Banner.warning { background: $warning; color: $background; }
    Banner.info { background: $panel; color: $text; }
    """

    message: str = ""

    def show(self, message: str, tone: Tone = "info") -> None:
        self.message = message
        # Scanned codes and names come from outside: never read them as markup.
        update_in_place(self, Text(inert_lines(message)))
        if self.classes != {tone}:  # the same tone again restyles nothing: the next scan's banner
            self.set_classes(tone)

    def clear(self) -> None:
        """No message and no colour, as before the first message."""
        self.message = ""
        update_in_place(self, Text(""))
        self.set_classes(())
