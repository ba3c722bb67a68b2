"""A packer's own figures of today (from the queue): orders, units, scans, accuracy, and the parcels."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from kiosk.errors import KioskError
from kiosk.i18n import N_, _
from kiosk.reports.tables import report_tables, seconds
from screens.widgets.scan_input import SCAN_SUFFIX_KEYS

if TYPE_CHECKING:
    from kiosk.desk import Desk
    from kiosk.reports.dispatch import DispatchLog

TOTALS, REFUSED = 0, 1


class MyFiguresDialog(ModalScreen[None]):
    """Read-only; Escape closes. A scan that arrives meanwhile is refused visibly, never lost silently."""

    CSS_PATH = ["dialogs.tcss", "my_figures.tcss"]
    BINDINGS = [Binding("escape", "close", N_("Close"))]

    def __init__(self, desk: Desk) -> None:
        super().__init__()
        self.desk = desk
        self.figures: DispatchLog | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(id="figures-title", classes="dialog-title")
            yield Static(id="figures")
            yield DataTable(id="my-parcels", cursor_type="none", zebra_stripes=True)
            yield Static(id="figures-error", classes="dialog-error")
            yield Static(_("Escape: close"), classes="dialog-keys")

    def on_mount(self) -> None:
        operator = self.desk.operator
        try:
            log = self.figures = self.desk.my_figures()
        except KioskError as error:
            self.query_one("#figures-error", Static).update(Text(str(error)))
            self.app.bell()
            return
        self.query_one("#figures-title", Static).update(Text(_("Your figures today ({day}) · {name} ({badge})").format(
            day=log.day.day.isoformat(), name=operator.name if operator else "", badge=log.packer or "")))
        tables = report_tables(log)
        lines = [f"{header}: {value}" for header, value in zip(tables[TOTALS].headers, tables[TOTALS].rows[0],
                                                               strict=True)]
        refused = ", ".join(f"{kind} {count}" for kind, count in tables[REFUSED].rows)
        if refused:
            lines.append(_("Refused scans: {kinds}").format(kinds=refused))
        self.query_one("#figures", Static).update(Text("\n".join(lines)))
        table = self.query_one(DataTable)
        table.add_columns(_("Time"), _("Order"), _("Carrier"), _("Tracking number"), _("Units"), _("Pack s"))
        for row in log.rows:
            table.add_row(row.local_time[11:16], Text(row.order_id), Text(row.carrier), Text(row.tracking_number),
                          str(row.units) if row.completes_order else "",
                          seconds(row.pack_seconds) if row.completes_order else "")

    def on_key(self, event: events.Key) -> None:
        if event.key in SCAN_SUFFIX_KEYS or event.is_printable:
            event.stop()
            event.prevent_default()
            self.query_one("#figures-error", Static).update(
                _("Close your figures (Escape) before scanning: that scan was not taken."))
            if event.key in SCAN_SUFFIX_KEYS:
                self.app.bell()

    def action_close(self) -> None:
        self.dismiss(None)
