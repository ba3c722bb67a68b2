"""The idle lock: the same operator types the PIN to carry on, or logs out."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from kiosk.auth import Operator, authenticate
from kiosk.errors import KioskError
from kiosk.i18n import N_, _

if TYPE_CHECKING:
    from screens.app import KioskApp


class LockScreen(ModalScreen[None]):
    CSS_PATH = "dialogs.tcss"
    BINDINGS = [Binding("f10", "log_out", N_("Log out"))]

    app: KioskApp

    def __init__(self, operator: Operator) -> None:
        super().__init__()
        self.operator = operator

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(
                Text(
                    _("Locked after no activity. {name}: type your PIN to carry on, or F10 to log out.").format(
                        name=self.operator.name
                    )
                )
            )
            yield Input(password=True, id="pin", max_length=8)
            yield Static(id="lock-error", classes="dialog-error")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def submitted(self, message: Input.Submitted) -> None:
        message.input.value = ""
        try:
            authenticate(self.app.db, self.operator.badge, message.value, self.app.config.station)
        except KioskError as error:
            self.query_one("#lock-error", Static).update(Text(str(error)))
            self.app.refuse(str(error))
            return
        self.app.unlocked()
        self.dismiss(None)

    def action_log_out(self) -> None:
        self.app.log_out("idle lock")
