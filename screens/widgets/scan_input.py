"""The scan field: one message per scanned code, however fast the codes arrive."""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.message import Message
from textual.widgets import Input

# What keyboard-wedge scanners send after the code.
SCAN_SUFFIX_KEYS = frozenset({"enter", "ctrl+j", "ctrl+m", "tab"})


class ScanInput(Input):
    """An Input that ends a scan on Enter, LF or Tab itself.

    The stock Input submits through a binding that is resolved after the key
    has bubbled to the App; when a scanner sends the next code before that
    happens the two codes merge. Handling the suffix here, in key order, keeps
    every code separate.
    """

    @dataclass
    class Scanned(Message):
        scan_input: ScanInput
        value: str

        @property
        def control(self) -> ScanInput:
            return self.scan_input

    async def _on_key(self, event: events.Key) -> None:
        if event.key in SCAN_SUFFIX_KEYS:
            event.stop()
            event.prevent_default()
            value = self.value
            self.value = ""
            # An empty Enter is sent on too: on the queue it opens the highlighted order.
            self.post_message(self.Scanned(self, value))
