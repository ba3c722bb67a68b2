"""The supervisor's exceptions list: open problems, holds and stale claims, with the order's history."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from kiosk.desk import Decision
from kiosk.i18n import N_, _
from kiosk.inert import inert
from kiosk.timefmt import short_time
from screens.approve import supervisor_approves
from screens.print_jobs import PrintJobsScreen
from screens.prompt import PromptDialog, required
from screens.stations import StationsScreen
from screens.supervisor_day import SUPERVISOR_DAY_BINDINGS, SupervisorDayKeys
from screens.supervisor_list import SupervisorListScreen
from screens.widgets.banner import Banner
from screens.widgets.footer import KioskFooter

if TYPE_CHECKING:
    from kiosk.desk import Desk

HISTORY_LINES = 8


class ExceptionsScreen(SupervisorDayKeys, SupervisorListScreen[Decision]):
    CSS_PATH = "exceptions.tcss"
    BINDINGS = [
        Binding("r", "release", N_("Release to queue")),
        Binding("a", "approve_short", N_("Approve short")),
        Binding("v", "resolve", N_("Resolve")),
        Binding("c", "cancel_order", N_("Cancel order")),
        Binding("w", "stations", N_("Stations")),
        Binding("u", "unlock_badge", N_("Unlock badge")),
        Binding("p", "print_jobs", N_("Print jobs")),
        Binding("o", "lookup", N_("Search orders")),
        *SUPERVISOR_DAY_BINDINGS,
    ]

    def compose(self) -> ComposeResult:
        yield Static(Text(_("Exceptions · {name}").format(name=inert(self.supervisor.name))), id="exceptions-header")
        yield DataTable(id="exceptions", cursor_type="row", zebra_stripes=True)
        yield Banner(id="banner")
        yield Static(id="history")
        yield KioskFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        # The detail last: a long one is cut at the right on a narrow terminal, never Since or Who.
        table.add_columns(_("What"), _("Order"), _("Since"), _("Who"), _("Detail"))
        self.reload()
        table.focus()

    def reload(self) -> None:
        succeeded, rows = self.attempt(self.desk.exceptions)
        rows = rows if succeeded and rows is not None else []
        self.rows = rows
        kinds = {"problem": _("Problem"), "hold": _("On hold"), "stale": _("Stale claim")}
        table = self.query_one(DataTable)
        table.clear()
        for index, row in enumerate(rows):
            table.add_row(kinds[row.kind], Text(inert(row.order_id)), short_time(row.since), Text(inert(row.who)),
                          Text(inert(row.detail)), key=str(index))
        if not rows:
            self.query_one(Banner).show(_("Nothing needs a decision."), "info")
        self._show_history()

    def on_data_table_row_highlighted(self) -> None:
        self._show_history()

    def _show_history(self) -> None:
        row = self.current
        history = self.query_one("#history", Static)
        if row is None:
            history.update("")
            return
        text = Text(_("History of {order_id}").format(order_id=inert(row.order_id)) + "\n", style="bold")
        for entry in self.desk.order_history(row.order_id, limit=HISTORY_LINES):
            line = f"{short_time(entry.at)}  {entry.what}  {entry.operator} {entry.station}  {entry.details}"
            text.append(inert(line) + "\n")
        history.update(text)

    # -- actions -------------------------------------------------------------

    def _act(self, action: Callable[[], None], done: str) -> None:
        succeeded, _result = self.attempt(action)
        if succeeded:
            self.reload()
            self.query_one(Banner).show(done, "ok")

    def action_release(self) -> None:
        row = self.current
        if row is None:
            return

        def answered(note: str | None) -> None:
            if note:
                self._act(lambda: self.desk.release(row.order_id, note),
                          _("Order {order_id} is back in the queue.").format(order_id=row.order_id))

        self.app.push_screen(
            PromptDialog(_("Release order {order_id} to the queue: why?").format(order_id=row.order_id),
                         check=required, max_length=200),
            answered,
        )

    def action_cancel_order(self) -> None:
        row = self.current
        if row is None:
            return

        def answered(reason: str | None) -> None:
            if reason:
                self._act(
                    lambda: self.desk.cancel_order(row.order_id, reason),
                    _("Order {order_id} cancelled.").format(order_id=row.order_id),
                )

        self.app.push_screen(
            PromptDialog(_("Cancel order {order_id}: why?").format(order_id=row.order_id), check=required), answered
        )

    def action_resolve(self) -> None:
        row = self.current
        if row is None or row.problem_id is None:
            self.app.refuse(_("Choose a problem to resolve."))
            return

        def answered(resolution: str | None) -> None:
            if resolution:
                self._act(
                    lambda: self.desk.resolve_problem(row.problem_id, resolution),
                    _("Problem resolved."),
                )

        self.app.push_screen(PromptDialog(_("How was it resolved?"), check=required), answered)

    def action_approve_short(self) -> None:
        row = self.current
        if row is None or not row.can_ship_short:
            self.app.refuse(_("Choose a problem with an item and a quantity to ship short."))
            return

        def approved(supervisor: Desk | None) -> None:
            if supervisor is not None:
                self._act(
                    lambda: supervisor.approve_short(row.problem_id),
                    _("Order {order_id} may ship short: it is back in the queue.").format(order_id=row.order_id),
                )

        supervisor_approves(self.app, self.desk, _("Ship order {order_id} short?").format(order_id=row.order_id),
                            action="short_shipment", order_id=row.order_id, then=approved)

    def action_lookup(self) -> None:
        from screens.lookup import LookupScreen

        self.app.push_screen(LookupScreen(self.desk))

    def action_print_jobs(self) -> None:
        self.app.push_screen(PrintJobsScreen(self.desk))

    def action_stations(self) -> None:
        self.app.push_screen(StationsScreen(self.desk), lambda _closed: self.reload())

    def action_unlock_badge(self) -> None:
        succeeded, locked = self.attempt(self.desk.locked_badges)
        if not succeeded or locked is None:
            return
        if not locked:
            self.query_one(Banner).show(_("No badge is locked."), "info")
            return

        def answered(badge: str | None) -> None:
            if badge:
                succeeded, operator = self.attempt(lambda: self.desk.unlock_badge(badge))
                if succeeded and operator is not None:
                    self.query_one(Banner).show(
                        _("Badge {badge} ({name}) is unlocked: it can log in again.").format(
                            badge=operator.badge, name=inert(operator.name)), "ok")

        names = ", ".join(f"{operator.badge} {operator.name}" for operator in locked)
        self.app.push_screen(
            PromptDialog(_("Unlock which badge? Scan it or type it. Locked: {badges}").format(badges=names),
                         check=required, max_length=32, value=locked[0].badge if len(locked) == 1 else "",
                         scan_answers=True),
            answered,
        )
