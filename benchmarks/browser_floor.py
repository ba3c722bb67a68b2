"""The browser floor: the least a Textual app served by textual-serve can do with a scan.

A field that takes keys and, on Enter (handled in its own key handler, as the kiosk's scan
field does), echoes "OK: CODE, N" into a Static. It leaves out everything the kiosk does with
a scan (the database, the rules, the table of lines): the difference is the kiosk's own cost.
Run as `python -m benchmarks.browser_floor` by textual-serve, one process per browser tab.
"""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.app import App, ComposeResult
from textual.widgets import Input, Static


class ScanField(Input):
    def on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            code, self.value = self.value, ""
            self.app.scanned(code)


class BrowserFloorApp(App):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def compose(self) -> ComposeResult:
        yield Static("ready", id="echo")
        yield ScanField(id="scan")

    def on_mount(self) -> None:
        self.query_one(ScanField).focus()

    def scanned(self, code: str) -> None:
        self.count += 1
        self.query_one("#echo", Static).update(Text(f"OK: {code}, {self.count}"))


if __name__ == "__main__":
    BrowserFloorApp().run()
