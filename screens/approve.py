"""A supervisor approves on the spot: badge, then PIN at a packer's station; one confirmation
(F12) when the supervisor is the one working at the desk."""

from __future__ import annotations

from collections.abc import Callable
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
from kiosk.inert import inert_lines
from screens.confirm import ConfirmDialog
from screens.widgets.scan_input import ScanInput

if TYPE_CHECKING:
    from kiosk.desk import Desk
    from screens.app import KioskApp


class SupervisorApproval(ModalScreen["Desk | None"]):
    """Dismisses with the approving supervisor's desk (badge and PIN checked by the desk), or None."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS = [Binding("escape", "cancel", N_("Cancel"))]

    def __init__(self, desk: Desk, question: str, action: str, order_id: str | None = None) -> None:
        super().__init__()
        self.desk = desk
        self.question = question
        self.action = action
        self.order_id = order_id
        self.badge = ""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text(inert_lines(self.question)))
            yield Static(_("Supervisor: scan your badge, then type your PIN. Escape cancels."), id="approve-prompt")
            yield ScanInput(placeholder=_("badge"), id="approve-badge")
            yield Input(placeholder=_("PIN"), password=True, id="approve-pin", max_length=8)
            yield Static(id="approve-error", classes="dialog-error")

    def on_mount(self) -> None:
        self.query_one("#approve-pin").display = False
        self.query_one("#approve-badge").focus()

    def receive_scan(self, value: str) -> None:
        # The scan field of a dialog answers the dialog, not the screen underneath.
        if not value.strip():
            return
        self.badge = value.strip().upper()
        self.query_one("#approve-badge").display = False
        pin = self.query_one("#approve-pin", Input)
        pin.display = True
        pin.focus()

    @on(Input.Submitted, "#approve-pin")
    def pin_entered(self, message: Input.Submitted) -> None:
        pin = message.value
        message.input.value = ""
        try:
            supervisor = self.desk.as_supervisor(self.badge, pin, action=self.action, order_id=self.order_id)
        except KioskError as error:
            self.query_one("#approve-error", Static).update(Text(inert_lines(str(error))))
            self.app.refuse(str(error))
            self.query_one("#approve-pin").display = False
            badge = self.query_one("#approve-badge", ScanInput)
            badge.display = True
            badge.focus()
            return
        self.dismiss(supervisor)

    def action_cancel(self) -> None:
        self.dismiss(None)


def supervisor_approves(app: KioskApp, desk: Desk, question: str, *, action: str, order_id: str | None,
                        then: Callable[[Desk | None], None]) -> None:
    """Ask for a supervisor's approval of ``action`` and call ``then`` with the approver's desk (None: not approved).

    A supervisor at the desk (logged in, or let in with badge and PIN for this screen) confirms
    with F12 and the desk records the approval on their session; a packer's desk asks a
    supervisor's badge and PIN (``SupervisorApproval``).
    """
    if not desk.is_supervisor:
        app.push_screen(SupervisorApproval(desk, question, action=action, order_id=order_id), then)
        return

    def confirmed(yes: bool | None) -> None:
        if not yes:
            then(None)
            return
        try:
            approver = desk.approve_here(action=action, order_id=order_id)
        except KioskError as error:
            app.refuse(str(error))
            then(None)
            return
        then(approver)

    app.push_screen(ConfirmDialog(question), confirmed)
