"""The scan field: one message per scanned code, however fast the codes arrive."""

from __future__ import annotations

from typing import Protocol

from textual import events
from textual.geometry import Size
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input

# What keyboard-wedge scanners send after the code.
SCAN_SUFFIX_KEYS = frozenset({"enter", "ctrl+j", "ctrl+m", "tab"})


class ScanReceiver(Protocol):
    """The screen a scan field sits on: it takes each finished scan."""

    def receive_scan(self, value: str) -> None: ...


class ScanInput(Input):
    """An Input that ends a scan on Enter, LF or Tab itself, and hands it to its screen at once.

    The stock Input submits through a binding that is resolved after the key
    has bubbled to the App; when a scanner sends the next code before that
    happens the two codes merge. Handling the suffix here, in key order, keeps
    every code separate; handing the scan over directly (not by message) lets
    the cleared field and the screen's answer reach the terminal in one frame.
    """

    def on_mount(self) -> None:
        # Input marks itself -valid at its first key (a field without validators always is), and
        # that restyles it in the middle of the first scan of every order: it is valid from the start.
        if not self.validators:
            self.add_class("-valid")

    async def _on_key(self, event: events.Key) -> None:
        if event.key in SCAN_SUFFIX_KEYS:
            event.stop()
            event.prevent_default()
            value = self.value
            self.value = ""
            # An empty Enter is handed on too: on the queue it opens the highlighted order.
            receiver: ScanReceiver = self.screen  # type: ignore[assignment]
            receiver.receive_scan(value)

    def _watch_value(self, value: str) -> None:
        # Input sets its virtual width at every key, and a new virtual size lays out the whole
        # screen (about a quarter of the frame that answers a scan). This field's box never
        # follows its text, so the width is stored without that layout; the field still
        # repaints, and a shorter text brings the scroll position back within it.
        if not self.styles.auto_dimensions:
            virtual_size = Size(self.content_width, 1)
            if virtual_size != self.virtual_size:
                self.set_reactive(Widget.virtual_size, virtual_size)
                if self.scroll_x > self.max_scroll_x:
                    self.scroll_x = self.max_scroll_x
        super()._watch_value(value)

    def post_message(self, message: Message) -> bool:
        # Input announces every key with a Changed message that bubbles to the screen and the App;
        # nothing listens to a scan field's keys (a scan is taken whole, at its Enter), and the
        # dozen keys of each scan made three dozen messages for the event loop before the answer.
        if isinstance(message, Input.Changed):
            return False
        return super().post_message(message)
