"""The framework's floor: the least a Textual app can do with a scan.

An Input whose submitted text is echoed into a Static, and nothing else: no database, no
screens, no styles of its own. Whatever this costs, the kiosk cannot beat it, so every
interactive figure is reported as a ratio to it.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import Input, Static

from benchmarks.screen_probe import FrameLogMixin

READY_TEXT = "ready"


class EchoApp(App):
    def compose(self) -> ComposeResult:
        yield Static(READY_TEXT, id="echo")
        yield Input(id="scan")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, message: Input.Submitted) -> None:
        # Text, not markup, as the kiosk shows scanned codes.
        self.query_one("#echo", Static).update(Text(message.value))
        message.input.value = ""


class WatchedEchoApp(FrameLogMixin, EchoApp):
    pass
