"""For supervisors: the last imports of orders and catalogue, and what each one did."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from kiosk.i18n import _, format_number
from kiosk.imports.summary import ImportRecord
from kiosk.timefmt import short_time
from screens.supervisor_list import SupervisorListScreen
from screens.widgets.banner import Banner
from screens.widgets.footer import KioskFooter

RECENT_IMPORTS = 50


class ImportsScreen(SupervisorListScreen[ImportRecord]):
    CSS_PATH = "imports.tcss"

    def compose(self) -> ComposeResult:
        yield Static(id="imports-header")
        yield DataTable(id="imports", cursor_type="row", zebra_stripes=True)
        yield Static(id="import-detail")
        yield Banner(id="banner")
        yield KioskFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(_("Time"), _("What"), _("File"), _("Format"), _("Outcome"), _("Imported"), _("Updated"),
                          _("Unchanged"), _("Rejected"), _("No barcode"), _("Station"))
        self.reload()
        table.focus()

    def reload(self) -> None:
        succeeded, rows = self.attempt(lambda: self.desk.recent_imports(RECENT_IMPORTS))
        self.rows = rows if succeeded and rows is not None else []
        self.query_one("#imports-header", Static).update(Text(_("Last imports · {name}").format(
            name=self.supervisor.name)))
        kinds = {"orders": _("orders"), "catalogue": _("products")}
        outcomes = {"done": _("Done"), "refused": _("Refused")}
        table = self.query_one(DataTable)
        table.clear()
        for record in self.rows:
            outcome = Text(outcomes.get(record.outcome, record.outcome),
                           style="bold red" if record.outcome != "done" or record.rejected else "")
            table.add_row(short_time(record.finished_at), kinds.get(record.kind, record.kind), Text(record.file),
                          Text(record.format), outcome, *(format_number(n) for n in (
                              record.imported, record.updated, record.unchanged, record.rejected,
                              record.no_barcode)), Text(record.station), key=str(record.id))
        if succeeded and not self.rows:
            self.query_one(Banner).show(_("No imports yet: kiosk import FILE brings orders in."), "info")
        self._show_detail()

    @on(DataTable.RowHighlighted)
    def _show_detail(self) -> None:
        record = self.current
        detail = self.query_one("#import-detail", Static)
        if record is None:
            detail.update("")
            return
        detail.update(Text(f"{record.file}\n{record.message}".rstrip()))
