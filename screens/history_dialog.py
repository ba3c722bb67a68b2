"""An order's history (newest first) over the screen it was opened from; Escape closes it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from kiosk.errors import KioskError
from kiosk.i18n import N_, _
from kiosk.timefmt import short_time

if TYPE_CHECKING:
    from kiosk.desk import Desk


class OrderHistoryDialog(ModalScreen[None]):
    CSS_PATH = ["dialogs.tcss", "history_dialog.tcss"]
    BINDINGS = [Binding("escape", "close", N_("Close"))]

    def __init__(self, desk: Desk, order_id: str) -> None:
        super().__init__()
        self.desk = desk
        self.order_id = order_id

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text(_("History of {order_id}").format(order_id=self.order_id)), classes="dialog-title")
            yield DataTable(id="history", cursor_type="row", zebra_stripes=True)
            yield Static(id="history-error", classes="dialog-error")
            yield Static(_("Escape: close"), classes="dialog-keys")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(_("Time"), _("What"), _("Who"), _("Station"), _("Details"))
        try:
            entries = self.desk.order_history(self.order_id)
        except KioskError as error:
            self.query_one("#history-error", Static).update(Text(str(error)))
            self.app.bell()
            return
        for entry in entries:
            table.add_row(short_time(entry.at), entry.what, Text(entry.operator), Text(entry.station),
                          Text(entry.details))
        table.focus()

    def action_close(self) -> None:
        self.dismiss(None)
