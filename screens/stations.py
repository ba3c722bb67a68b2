"""Who is logged in where, from the supervisor's exceptions list (W): end a station's session,
hold or cancel the order a station is packing (that station is stopped at its next check)."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from kiosk.i18n import N_, _
from kiosk.inert import inert
from kiosk.sessions import LiveStation
from kiosk.timefmt import short_time
from screens.confirm import ConfirmDialog
from screens.prompt import PromptDialog, required
from screens.supervisor_list import SupervisorListScreen
from screens.widgets.banner import Banner
from screens.widgets.footer import KioskFooter


class StationsScreen(SupervisorListScreen[LiveStation]):
    CSS_PATH = "exceptions.tcss"
    BINDINGS = [
        Binding("e", "end_session", N_("End session")),
        Binding("h", "hold_order", N_("Hold order")),
        Binding("c", "cancel_order", N_("Cancel order")),
    ]

    def compose(self) -> ComposeResult:
        yield Static(Text(_("Stations · {name}").format(name=inert(self.supervisor.name))), id="exceptions-header")
        yield DataTable(id="exceptions", cursor_type="row", zebra_stripes=True)
        yield Banner(id="banner")
        yield KioskFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(_("Station"), _("Badge"), _("Since"), _("Packing"), _("Name"))
        self.reload()
        table.focus()

    def reload(self) -> None:
        succeeded, rows = self.attempt(self.desk.live_sessions)
        self.rows = rows if succeeded and rows is not None else []
        table = self.query_one(DataTable)
        # The cursor stays where the supervisor was (on the next station once one's session ended).
        keep = table.cursor_row
        table.clear()
        for index, row in enumerate(self.rows):
            table.add_row(Text(inert(row.station)), Text(inert(row.badge)), short_time(row.started_at),
                          Text(inert(row.order_id or "-")), Text(inert(row.name)), key=str(index))
        table.move_cursor(row=min(keep, len(self.rows) - 1))
        if not self.rows:
            self.query_one(Banner).show(_("Nobody is logged in at any station."), "info")

    def _act(self, action: Callable[[], object], done: str) -> None:
        succeeded, _result = self.attempt(action)
        if succeeded:
            self.reload()
            self.query_one(Banner).show(done, "ok")

    def action_end_session(self) -> None:
        row = self.current
        if row is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._act(lambda: self.desk.end_session_of(row.badge),
                          _("The session of {badge} at {station} is ended.").format(badge=row.badge,
                                                                                    station=row.station))

        self.app.push_screen(ConfirmDialog(
            _("End the session of {badge} ({name}) at {station}? The badge can then log in at another station.")
            .format(badge=row.badge, name=row.name, station=row.station)), answered)

    def _order_of(self, row: LiveStation | None) -> str | None:
        if row is not None and not row.order_id:
            self.app.refuse(_("{station} is not packing an order.").format(station=row.station))
            return None
        return row.order_id if row is not None else None

    def action_hold_order(self) -> None:
        self._stop_live_order(_("Hold order {order_id}, which {station} is packing: why?"),
                              _("Order {order_id} is on hold: {station} is told to stop."), self.desk.hold_order)

    def action_cancel_order(self) -> None:
        self._stop_live_order(_("Cancel order {order_id}, which {station} is packing: why?"),
                              _("Order {order_id} cancelled: {station} is told to stop."), self.desk.cancel_order)

    def _stop_live_order(self, question: str, done: str, act: Callable[[str, str], object]) -> None:
        """Hold or cancel the order the highlighted station is packing, with a reason."""
        row = self.current
        order_id = self._order_of(row)
        if row is None or order_id is None:
            return

        def answered(reason: str | None) -> None:
            if reason:
                self._act(lambda: act(order_id, reason), done.format(order_id=order_id, station=row.station))

        self.app.push_screen(PromptDialog(question.format(order_id=order_id, station=row.station),
                                          check=required, max_length=200), answered)
