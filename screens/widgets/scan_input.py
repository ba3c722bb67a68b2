"""The scan field: one message per scanned code, however fast the codes arrive."""

from __future__ import annotations

from typing import Any, Protocol

from textual import events
from textual.geometry import Size
from textual.message import Message
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input

from kiosk.scanning import barcode_character, input_method_text

# What keyboard-wedge scanners send after the code.
SCAN_SUFFIX_KEYS = frozenset({"enter", "ctrl+j", "ctrl+m", "tab"})
# An input method sends the text it composed at once; this long after its last character the
# field says what it left out, unless a key came first (a scan right behind the text).
TYPED_TEXT_SECONDS = 0.05
# How long the warning about it stays when a scan came with it.
TYPED_TEXT_NOTICE_SECONDS = 10


class ScanReceiver(Protocol):
    """The screen a scan field sits on: it takes each finished scan."""

    def receive_scan(self, value: str) -> None: ...


class Refuser(Protocol):
    """The App: a refusal everyone notices."""

    def refuse(self, message: str) -> None: ...


class ScanInput(Input):
    """An Input that ends a scan on Enter, LF or Tab itself, and hands it to its screen at once.

    The stock Input submits through a binding that is resolved after the key
    has bubbled to the App; when a scanner sends the next code before that
    happens the two codes merge. Handling the suffix here, in key order, keeps
    every code separate; handing the scan over directly (not by message) lets
    the cleared field and the screen's answer reach the terminal in one frame.

    Unless ``free_text`` (a search by name, a description), the field takes barcodes only: text a
    Chinese input method composed never enters it, so it cannot run into the scan that follows
    (see kiosk.scanning.barcode_character); it is refused on its own, once per run of it.

    A barcode field takes a scanner's burst of characters as one insertion: Input inserts each
    key on its own, through its value, cursor, selection and scroll watchers (about 0.2 ms a
    key, half of the time a scan takes to be answered). The characters queued behind a key are
    kept and inserted together once they are all taken, or before any other key or paste.
    """

    def __init__(self, *args: Any, free_text: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.free_text = free_text
        # Text an input method typed into a barcode field, not refused yet.
        self._typed_text = ""
        self._typed_text_timer: Timer | None = None
        # The Enter right behind typed text ends that text, not a scan (on the queue an empty
        # Enter would open the highlighted order).
        self._after_typed_text = False
        # Barcode characters taken but not inserted yet (see _insert_keyed).
        self._keyed = ""

    @property
    def _inserts_per_key(self) -> bool:
        # Input checks these against each character as it comes: such a field inserts them one by one.
        return self.free_text or bool(self.max_length) or self.restrict is not None or self.type != "text"

    def on_mount(self) -> None:
        # Input marks itself -valid at its first key (a field without validators always is), and
        # that restyles it in the middle of the first scan of every order: it is valid from the start.
        if not self.validators:
            self.add_class("-valid")

    async def _on_key(self, event: events.Key) -> None:
        char = barcode_character(event.character) if event.is_printable and event.character else None
        if char is not None and not self._inserts_per_key:
            event.stop()
            event.prevent_default()
            self._refuse_typed_text(scan_follows=True)
            self._after_typed_text = False
            if not self._keyed:
                # After the keys already queued here: they join this one.
                self.call_later(self._insert_keyed)
            self._keyed += char
            return
        self._insert_keyed()
        if event.key in SCAN_SUFFIX_KEYS:
            event.stop()
            event.prevent_default()
            value = self.value
            self._refuse_typed_text(scan_follows=bool(value))
            if not value and self._after_typed_text:
                self._after_typed_text = False
                return
            self._after_typed_text = False
            self.value = ""
            # An empty Enter is handed on too: on the queue it opens the highlighted order.
            receiver: ScanReceiver = self.screen  # type: ignore[assignment]
            receiver.receive_scan(value)
            return
        if self.free_text or not event.is_printable or event.character is None:
            return
        if char is None:
            event.stop()
            event.prevent_default()
            self._typed_text += event.character
            if self._typed_text_timer is not None:
                self._typed_text_timer.stop()
            self._typed_text_timer = self.set_timer(TYPED_TEXT_SECONDS, self._refuse_typed_text)
            return
        self._refuse_typed_text(scan_follows=True)
        self._after_typed_text = False
        if char != event.character:
            event.stop()
            event.prevent_default()
            self.insert_text_at_cursor(char)

    def _insert_keyed(self) -> None:
        """Insert the barcode characters taken so far, as Input inserts a key."""
        keyed, self._keyed = self._keyed, ""
        if not keyed:
            return
        self._restart_blink()
        selection = self.selection
        if selection.is_empty:
            self.insert_text_at_cursor(keyed)
        else:
            self.replace(keyed, *selection)

    def _on_paste(self, event: events.Paste) -> None:  # noqa: ARG002 - Input's handler takes the text after
        self._insert_keyed()

    def _on_blur(self, event: events.Blur) -> None:  # noqa: ARG002 - Input's handler follows
        self._insert_keyed()

    def _refuse_typed_text(self, scan_follows: bool = False) -> None:
        """Say what was left out. Alone, it is refused like a wrong scan (red banner, bell); with a
        scan right behind it (or before it), the banner is that scan's, so a warning that outlives
        it says why the text went."""
        if not self._typed_text:
            return
        if self._typed_text_timer is not None:
            self._typed_text_timer.stop()
            self._typed_text_timer = None
        message = input_method_text(self._typed_text)
        self._typed_text = ""
        if scan_follows:
            self.app.notify(message, severity="warning", markup=False, timeout=TYPED_TEXT_NOTICE_SECONDS)
            return
        self._after_typed_text = True
        app: Refuser = self.app  # type: ignore[assignment]
        app.refuse(message)

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
