"""Which carrier a waybill number belongs to, when it fits several: the packer picks with a function key."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from kiosk.i18n import N_, _
from kiosk.inert import inert
from screens.widgets.scan_input import SCAN_SUFFIX_KEYS

# F1 to F8: the pack screen's own keys are behind this dialog, and a scanner never sends these.
CHOICE_KEYS = ("f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8")


class CarrierChoiceDialog(ModalScreen[str | None]):
    """Dismisses with the chosen carrier id, or None on Escape. Scanned keys are refused here, visibly."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS = [
        *(Binding(key, f"choose({number})", show=False) for number, key in enumerate(CHOICE_KEYS)),
        Binding("escape", "choose(-1)", N_("Cancel")),
    ]

    def __init__(self, number: str, candidates: tuple[tuple[str, str], ...]) -> None:
        super().__init__()
        self.number = number
        self.candidates = candidates[: len(CHOICE_KEYS)]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text(_("{number} fits more than one carrier. Which carrier's label is it?").format(
                number=inert(self.number))), classes="dialog-title")
            for key, (_carrier_id, name) in zip(CHOICE_KEYS, self.candidates, strict=False):
                yield Static(Text(inert(f"{key.upper()}  {name}")))
            yield Static(_("Escape: scan another waybill"), classes="dialog-keys")
            yield Static(id="choice-error", classes="dialog-error")

    def on_key(self, event: events.Key) -> None:
        if event.key in SCAN_SUFFIX_KEYS or event.is_printable:
            event.stop()
            event.prevent_default()
            self.query_one("#choice-error", Static).update(
                _("A scan cannot choose the carrier: press the function key beside it, or Escape."))
            if event.key in SCAN_SUFFIX_KEYS:
                self.app.bell()

    def action_choose(self, index: int) -> None:
        if index < 0:
            self.dismiss(None)
        elif index < len(self.candidates):
            self.dismiss(self.candidates[index][0])
