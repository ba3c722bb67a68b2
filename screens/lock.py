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

from kiosk.errors import KioskError
from kiosk.i18n import N_, _
from kiosk.inert import inert, inert_lines
from screens.messages import LogOutRequested

if TYPE_CHECKING:
    from kiosk.desk import Desk


class LockScreen(ModalScreen[bool]):
    """Dismisses with True once the operator's PIN carried the session on."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS = [Binding("f10", "log_out", N_("Log out"))]

    def __init__(self, desk: Desk) -> None:
        super().__init__()
        self.desk = desk

    def compose(self) -> ComposeResult:
        name = self.desk.operator.name if self.desk.operator else ""
        with Vertical(classes="dialog"):
            yield Static(
                Text(_("Locked after no activity. {name}: type your PIN to carry on, or F10 to log out.").format(
                    name=inert(name)))
            )
            yield Input(password=True, id="pin", max_length=8)
            yield Static(id="lock-error", classes="dialog-error")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def submitted(self, message: Input.Submitted) -> None:
        message.input.value = ""
        try:
            self.desk.unlock(message.value)
        except KioskError as error:
            self.query_one("#lock-error", Static).update(Text(inert_lines(str(error))))
            self.app.refuse(str(error))
            return
        self.dismiss(True)

    def action_log_out(self) -> None:
        self.post_message(LogOutRequested("idle lock"))
