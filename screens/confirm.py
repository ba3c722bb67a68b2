"""A yes/no question a scanner cannot answer: a function key says yes, Escape says no."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from kiosk.i18n import N_, _
from kiosk.inert import inert_lines
from screens.widgets.scan_input import SCAN_SUFFIX_KEYS


class ConfirmDialog(ModalScreen[bool]):
    """Dismisses with True on F12, False on Escape.

    A packer meets it with a scanner in hand: a scan is letters and Enter, so neither may answer a
    question that clears work. Scanned keys are refused here, visibly, and change nothing.
    """

    CSS_PATH = "dialogs.tcss"
    BINDINGS = [
        Binding("f12", "answer(True)", N_("Yes")),
        Binding("escape", "answer(False)", N_("No")),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text(inert_lines(self.question)))
            yield Static(_("F12: yes    Escape: no"), classes="dialog-keys")
            yield Static(id="confirm-error", classes="dialog-error")

    def on_key(self, event: events.Key) -> None:
        if event.key in SCAN_SUFFIX_KEYS or event.is_printable:
            event.stop()
            event.prevent_default()
            self.query_one("#confirm-error", Static).update(
                _("A scan cannot answer this question: press F12 for yes or Escape for no.")
            )
            if event.key in SCAN_SUFFIX_KEYS:
                # Once per scan, at its end: the bell for every character would be a buzz.
                self.app.bell()

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
