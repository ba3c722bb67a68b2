"""The supervisor's dispatch log of a business day: parcels, packers, carriers, late orders and the
day's problems, holds, reprints and voids, one list at a time, with an hourly throughput chart.

The lists are the report's own tables (kiosk.reports.tables), so the screen, the command line and
the printed report show the same columns. Enter on a parcel (or any row of an order) opens the
order's history; on a packer or a carrier it narrows the log to them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Label, Sparkline, Static

from kiosk.cells import truncate_cells
from kiosk.desk_supervisor import LogFilter
from kiosk.errors import KioskError
from kiosk.i18n import N_, _, format_number
from kiosk.reports.dispatch import LeaderEntry, Totals, chart_lines
from kiosk.reports.tables import Table, percent, report_tables
from screens.history_dialog import OrderHistoryDialog
from screens.widgets.banner import Banner
from screens.widgets.footer import KioskFooter
from screens.widgets.row_table import RowTable

if TYPE_CHECKING:
    from kiosk.desk import Desk
    from kiosk.reports.dispatch import DispatchLog

# report_tables gives, in order: totals, refused scans, by carrier, by packer, leaderboard, shipments,
# problems, short shipments, holds, reprints, voids, late orders, handover notes. The screen shows
# them in the order a supervisor looks (the totals are the header line).
VIEW_ORDER = (5, 3, 2, 11, 6, 7, 8, 9, 10, 4, 1, 12)
BY_CARRIER, BY_PACKER = 2, 3
# Carrier lines under the whole day's (kiosk.reports.dispatch.chart_lines); more would crowd out the lists.
CHART_CARRIERS = 3
CHART_NAME_CELLS = 12
_NUMBER = re.compile(r"(\d+(?:\.\d+)?)")
# Spacing that one_line changes, in a row's cells joined by NUL: most rows have none.
_LOOSE = re.compile(r"[^\S ]|  |^ | $| \x00|\x00 ")


def one_line(cells: tuple[str, ...]) -> tuple[str, ...]:
    """Each cell on one line with single spaces (a note or reason may span lines); a row that
    needs none of it is checked in one search, not cell by cell."""
    if _LOOSE.search("\x00".join(cells)) is None:
        return cells
    return tuple(" ".join(cell.split()) for cell in cells)


def sort_key(text: str) -> list[Any]:
    """Numbers inside a cell compare as numbers ("9.5" < "10", "2h 05m" < "10h 00m")."""
    return [float(part) if index % 2 else part.casefold() for index, part in enumerate(_NUMBER.split(text))]


@dataclass(frozen=True)
class View:
    table: Table
    # The log's object behind each row (a parcel, a packer's totals, a late order...), in row order.
    sources: list[Any]
    kind: int


def views_of(log: DispatchLog) -> list[View]:
    sources: list[list[Any]] = [
        [log.totals], list(log.totals.refused), log.by_carrier, log.by_packer, log.leaderboard, log.rows,
        log.problems, log.shorts, log.holds, log.reprints, log.voids, log.late, log.notes,
    ]
    views = [View(table, rows, kind)
             for kind, (table, rows) in enumerate(zip(report_tables(log), sources, strict=True))]
    return [views[kind] for kind in VIEW_ORDER]


class LogFilterDialog(ModalScreen[LogFilter | None]):
    """Packer, carrier and station to narrow the log to (Tab between them, Enter applies)."""

    CSS_PATH = ["dialogs.tcss", "dispatch_log.tcss"]
    BINDINGS = [Binding("escape", "cancel", N_("Cancel"))]

    def __init__(self, current: LogFilter) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(_("Show only (leave empty for all)"), classes="dialog-title")
            for field, label, value in (("packer", _("Packer badge"), self.current.packer),
                                        ("carrier", _("Carrier"), self.current.carrier),
                                        ("station", _("Station"), self.current.station)):
                with Horizontal(classes="filter-line"):
                    yield Label(label, classes="filter-label")
                    yield Input(value=value, max_length=64, id=f"filter-{field}")
            yield Static(_("Tab: next field    Enter: apply    Escape: cancel"), classes="dialog-keys")

    def on_mount(self) -> None:
        self.query_one("#filter-packer", Input).focus()

    @on(Input.Submitted)
    def submitted(self) -> None:
        values = {field: self.query_one(f"#filter-{field}", Input).value.strip()
                  for field in ("packer", "carrier", "station")}
        self.dismiss(LogFilter(**values))

    def action_cancel(self) -> None:
        self.dismiss(None)


class DispatchLogScreen(Screen):
    CSS_PATH = "dispatch_log.tcss"
    BINDINGS = [
        Binding("t", "day(0)", N_("Today")),
        Binding("b", "day(-1)", N_("Previous day")),
        Binding("n", "day(1)", N_("Next day")),
        Binding("tab", "view(1)", N_("Next list")),
        Binding("shift+tab", "view(-1)", N_("Previous list"), show=False),
        Binding("s", "sort", N_("Sort")),
        Binding("r", "reverse", N_("Reverse"), show=False),
        Binding("f", "filter", N_("Filter")),
        Binding("x", "show_all", N_("Show all")),
        Binding("f5", "reload", N_("Refresh"), show=False),
        Binding("escape", "close", N_("Close")),
        *(Binding(str(number), f"show_view({number - 1})", show=False) for number in range(1, 10)),
    ]

    @dataclass
    class DayShown(Message):
        """The log of another day (or with other filters) is on screen."""

        day: date
        log_filter: LogFilter

    def __init__(self, desk: Desk, day: date | None = None) -> None:
        """The log of `day`, today's by default."""
        super().__init__()
        self.desk = desk
        self.day = day or desk.business_today()
        self.log_filter = LogFilter()
        self.day_log: DispatchLog | None = None
        self.lists: list[View] = []
        self.list_index = 0
        self.sort_column: int | None = None
        self.sort_reverse = False
        # The current list's rows as shown: (cells, the log's object behind the row).
        self.shown_rows: list[tuple[tuple[str, ...], Any]] = []

    def compose(self) -> ComposeResult:
        yield Static(id="log-title")
        yield Static(id="log-totals")
        with Vertical(id="chart"):
            yield Static(id="chart-title")
            for line in range(CHART_CARRIERS + 1):
                with Horizontal(classes="chart-line", id=f"chart-line-{line}"):
                    yield Label(classes="chart-label")
                    yield Sparkline([], classes="chart-bars")
        yield Static(id="view-title")
        # Drawn line by line: a busy day's thousands of parcels cost only the rows in sight. Columns
        # keep their whole text (a tracking number cut short is no use); Left and Right scroll.
        yield RowTable(id="log-table", shrinkable=(), focusable=True)
        yield Banner(id="banner")
        yield KioskFooter()

    def on_mount(self) -> None:
        self.query_one(RowTable).focus()
        self.show_log(self.day, self.log_filter)

    # -- reading the log -----------------------------------------------------

    def show_log(self, day: date, log_filter: LogFilter) -> bool:
        """Read the log of `day` with `log_filter`; a refusal shows and leaves the screen as it was."""
        try:
            log = self.desk.dispatch_log(day, log_filter)
        except KioskError as error:
            self.refuse(str(error))
            return False
        self.day_log, self.day, self.log_filter = log, day, log_filter
        self.lists = views_of(log)
        self._show_header(log)
        self._show_chart(log)
        self._show_view()
        self.post_message(self.DayShown(day, log_filter))
        return True

    def _show_header(self, log: DispatchLog) -> None:
        from kiosk.reports.tables import title_of

        self.query_one("#log-title", Static).update(Text(title_of(log)))
        totals = log.totals
        self.query_one("#log-totals", Static).update(Text(
            _("Orders {orders} · parcels {parcels} · units {units} · accuracy: scans {scan}, shipments {shipment}"
              " · late {late} · problems {problems}").format(
                orders=format_number(totals.orders), parcels=format_number(totals.parcels),
                units=format_number(totals.units), scan=percent(totals.scan_accuracy),
                shipment=percent(totals.shipment_accuracy), late=format_number(len(log.late)),
                problems=format_number(len(log.problems)))))

    def _show_chart(self, log: DispatchLog) -> None:
        lines = chart_lines(log.hourly, CHART_CARRIERS)
        busiest = max(lines[0][1], default=0)
        self.query_one("#chart-title", Static).update(Text(
            _("Orders per hour, {start} to {end} (busiest hour: {most})").format(
                start=log.day.start.strftime("%H:%M"), end=log.day.end.strftime("%H:%M"),
                most=format_number(busiest))))
        for index in range(CHART_CARRIERS + 1):
            line = self.query_one(f"#chart-line-{index}", Horizontal)
            line.display = index < len(lines)
            if index < len(lines):
                name, counts = lines[index]
                # The count stays whole; a long carrier name loses its tail.
                label = f"{truncate_cells(name, CHART_NAME_CELLS)} {format_number(sum(counts))}"
                line.query_one(Label).update(Text(label))
                line.query_one(Sparkline).data = counts

    def _show_view(self) -> None:
        view = self.lists[self.list_index]
        # Each row keyed by its place in the list: a sorted list reuses the rows already made.
        lines = [(str(index), cells, source)
                 for index, (cells, source) in enumerate(zip(view.table.rows, view.sources, strict=True))]
        if self.sort_column is not None and self.sort_column < len(view.table.headers):
            lines.sort(key=lambda line: sort_key(line[1][self.sort_column]), reverse=self.sort_reverse)
        self.shown_rows = [(cells, source) for _key, cells, source in lines]
        table = self.query_one(RowTable)
        table.set_columns(*view.table.headers, right=view.table.numeric)
        table.set_rows([(key, one_line(cells)) for key, cells, _source in lines])
        title = f"{self.list_index + 1}/{len(self.lists)} {view.table.title} ({format_number(len(self.shown_rows))})"
        if self.sort_column is not None and self.sort_column < len(view.table.headers):
            title += " · " + _("sorted by {column}").format(column=view.table.headers[self.sort_column])
            title += " ↓" if self.sort_reverse else " ↑"
        self.query_one("#view-title", Static).update(Text(title))
        if not self.shown_rows:
            self.query_one(Banner).show(_("Nothing in this list."), "info")
        else:
            self.query_one(Banner).show("")

    def refuse(self, message: str) -> None:
        self.query_one(Banner).show(message, "error")
        self.app.bell()
        self.notify(message, severity="error", markup=False)

    # -- keys ----------------------------------------------------------------

    def action_day(self, step: int) -> None:
        today = self.desk.business_today()
        day = today if step == 0 else self.day + timedelta(days=step)
        if day > today:
            self.refuse(_("There is no log after today ({day}).").format(day=today.isoformat()))
            return
        self.show_log(day, self.log_filter)

    def action_view(self, step: int) -> None:
        self.action_show_view((self.list_index + step) % len(self.lists))

    def action_show_view(self, view: int) -> None:
        if view != self.list_index:
            self.list_index, self.sort_column, self.sort_reverse = view, None, False
            self._show_view()

    def action_sort(self) -> None:
        columns = len(self.lists[self.list_index].table.headers)
        self.sort_column = 0 if self.sort_column is None else (self.sort_column + 1) % columns
        self.sort_reverse = False
        self._show_view()

    def action_reverse(self) -> None:
        self.sort_column = 0 if self.sort_column is None else self.sort_column
        self.sort_reverse = not self.sort_reverse
        self._show_view()

    @on(RowTable.HeaderSelected)
    def sort_by_header(self, message: RowTable.HeaderSelected) -> None:
        """A click on a header sorts by its column; another click reverses the order."""
        if message.column == self.sort_column:
            self.sort_reverse = not self.sort_reverse
        else:
            self.sort_column, self.sort_reverse = message.column, False
        self._show_view()

    def action_filter(self) -> None:
        def chosen(log_filter: LogFilter | None) -> None:
            if log_filter is not None and self.show_log(self.day, log_filter) and not log_filter.empty:
                self.action_show_view(0)

        self.app.push_screen(LogFilterDialog(self.log_filter), chosen)

    def action_show_all(self) -> None:
        self.show_log(self.day, LogFilter())

    def action_reload(self) -> None:
        self.show_log(self.day, self.log_filter)

    def action_close(self) -> None:
        self.dismiss()

    @on(RowTable.RowSelected)
    def open_row(self, message: RowTable.RowSelected) -> None:
        """Enter: an order's history, or the log narrowed to a packer or carrier."""
        index = message.cursor_row
        if not 0 <= index < len(self.shown_rows):
            return
        source = self.shown_rows[index][1]
        view = self.lists[self.list_index]
        if isinstance(source, Totals) and view.kind == BY_PACKER:
            self._narrow(LogFilter(packer=source.key, carrier=self.log_filter.carrier,
                                   station=self.log_filter.station))
        elif isinstance(source, Totals) and view.kind == BY_CARRIER:
            self._narrow(LogFilter(packer=self.log_filter.packer, carrier=source.key,
                                   station=self.log_filter.station))
        elif isinstance(source, LeaderEntry):
            self._narrow(LogFilter(packer=source.packer))
        elif getattr(source, "order_id", ""):
            self.app.push_screen(OrderHistoryDialog(self.desk, source.order_id))
        elif getattr(source, "order_ids", ()):
            self.app.push_screen(OrderHistoryDialog(self.desk, source.order_ids[0]))

    def _narrow(self, log_filter: LogFilter) -> None:
        if self.show_log(self.day, log_filter):
            self.action_show_view(0)
            self.query_one(Banner).show(_("Press x to show everyone again."), "info")
