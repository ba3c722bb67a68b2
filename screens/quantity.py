"""Counting bulk units: how many the next scan stands for."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from kiosk.i18n import N_, _
from kiosk.packing import MAX_BULK_QUANTITY


class QuantityDialog(ModalScreen[int | None]):
    CSS_PATH = "dialogs.tcss"
    BINDINGS = [Binding("escape", "cancel", N_("Cancel"))]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(_("How many units does the next scan count? Type a number, then Enter."))
            yield Input(type="integer", id="quantity", max_length=3)
            yield Static(id="quantity-error", classes="dialog-error")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def submitted(self, message: Input.Submitted) -> None:
        text = message.value.strip()
        if not text.isdigit() or not 1 <= int(text) <= MAX_BULK_QUANTITY:
            self.query_one("#quantity-error", Static).update(
                _("Type a number from 1 to {limit}, or Escape to cancel.").format(limit=MAX_BULK_QUANTITY)
            )
            self.app.bell()
            return
        self.dismiss(int(text))

    def action_cancel(self) -> None:
        self.dismiss(None)
