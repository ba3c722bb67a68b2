"""The queue of paid orders: scan a packing slip, or Enter on the highlighted order."""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from kiosk.claims import StaleClaim
from kiosk.desk_recovery import TAKE_OVER_CLAIM
from kiosk.errors import KioskError
from kiosk.i18n import N_, _, current_language, format_number, ngettext
from kiosk.inert import inert
from kiosk.timefmt import waiting_for
from screens.approve import supervisor_approves
from screens.messages import LabelPrinted, LogOutRequested
from screens.scan_screen import ScanScreen
from screens.supervisor_day import QUEUE_DAY_BINDINGS, QueueDayKeys
from screens.widgets.banner import Banner
from screens.widgets.footer import KioskFooter
from screens.widgets.row_table import RowTable
from screens.widgets.scan_input import ScanInput
from screens.widgets.text_line import update_in_place

if TYPE_CHECKING:
    from kiosk.desk import Desk, QueuePage
    from kiosk.order_queue import QueueEntry
    from screens.pack import PackClosed


# On a narrow terminal these give up width, the widest first (a long name); the flags only when
# those are as short as they go; the order number, counts and waiting time never do.
PLATFORM_COLUMN, RECIPIENT_COLUMN, FLAGS_COLUMN = 1, 2, 5


class QueueScreen(QueueDayKeys, ScanScreen):
    CSS_PATH = "queue.tcss"
    BINDINGS = [
        Binding("up", "move(-1)", N_("Up"), show=False),
        Binding("down", "move(1)", N_("Down"), show=False),
        # priority: the scan field has page keys of its own that would hide these.
        Binding("pagedown", "page(1)", N_("Next page"), priority=True),
        Binding("pageup", "page(-1)", N_("Previous page"), priority=True),
        Binding("f5", "refresh_queue", N_("Refresh")),
        Binding("f8", "reprint_last_label", N_("Reprint label")),
        Binding("f10", "log_out", N_("Log out")),
        *QUEUE_DAY_BINDINGS,
        Binding("f4", "take_over", N_("Take over"), show=False),
    ]

    def __init__(self, desk: Desk) -> None:
        super().__init__()
        self.desk = desk
        self.page_start = 0
        self.page_size = 1
        self.entries: list[QueueEntry] = []
        # The page on screen, and the order the pack screen just shipped (until the queue is back).
        self.page: QueuePage | None = None
        self.shipped: str | None = None
        self.resumed_before = False
        # The order last refused because its station went silent: F8 asks a supervisor to hand it over.
        self.stale_order: str | None = None
        # The App keeps this screen from one login to the next (in the same language): its texts
        # are in this language, and the next time it comes to the front is a new login.
        self.language = current_language()
        self.new_login = True

    def compose(self) -> ComposeResult:
        yield Static(id="queue-header")
        yield ScanInput(placeholder=_("scan a packing slip, or Enter to open the highlighted order"), id="scan")
        yield Banner(id="banner")
        yield Static(id="unprinted")
        yield RowTable(_("Order"), _("Platform"), _("Recipient"), _("Items"), _("Waiting"), _("Flags"),
                       shrinkable=(RECIPIENT_COLUMN, PLATFORM_COLUMN), shrink_last=(FLAGS_COLUMN,), id="orders")
        yield KioskFooter()

    def start(self) -> None:
        """A login: the first page, and what this station left behind when it stopped."""
        self.page_start = 0
        self.stale_order = None
        self.shipped = None
        self.query_one(Banner).clear()
        self.load()
        self.query_one(ScanInput).focus()
        # An order this station held was cancelled or taken off it while it was off: say so first.
        stopped = self.desk.stopped_while_away()
        if stopped:
            self.refuse(" ".join(stopped))
        # Straight back into the order this station was packing when it stopped, if any.
        try:
            resumed = self.desk.resume()
        except KioskError as error:
            self.refuse(str(error))
            return
        if resumed:
            self._open_pack_screen(resumed=True)

    def on_screen_resume(self) -> None:
        if self.new_login:
            self.new_login = False
            self.resumed_before = True
            self.start()
            return
        if self.resumed_before:
            if self.shipped is not None and self.page is not None:
                # Back after a shipment: the page read before, without the order that just
                # shipped, is on screen in the first frame; the page is read again right after it
                # (other stations may have changed it meanwhile), and only changed rows redraw.
                self.show_page(self.page.without(self.shipped))
                self.call_after_refresh(self.load)
            else:
                self.load()
        self.shipped = None
        self.resumed_before = True
        self.query_one(ScanInput).focus()

    def load(self) -> None:
        self.show_page(self.desk.queue(self.page_start))
        self.show_unprinted()

    def show_page(self, page: QueuePage) -> None:
        self.page = page
        self.page_start, self.page_size, total = page.start, page.page_size, page.total
        self.entries = list(page.entries)
        # The next order to pack is the top one (set_rows puts the cursor there): a packer who
        # just shipped starts there.
        self.query_one(RowTable).set_rows([
            (entry.order_id, (entry.order_id, entry.platform, entry.recipient_name, format_number(entry.unit_count),
                              waiting_for(entry.paid_at), Text(inert(" ".join(entry.flags)), style="bold yellow")))
            for entry in self.entries
        ])
        operator = self.desk.operator
        last = page.last
        update_in_place(
            self.query_one("#queue-header", Static),
            Text(
                _("Queue: {first}-{last} of {total} paid orders waiting · {name} ({badge}) · {station}").format(
                    first=format_number(self.page_start + 1 if total else 0), last=format_number(last),
                    total=format_number(total), name=inert(operator.name) if operator else "",
                    badge=inert(operator.badge) if operator else "", station=inert(self.desk.station),
                )
            )
        )
        if not total:
            self.query_one(Banner).show(_("No paid orders waiting. F5 to refresh."), "info")

    def show_unprinted(self) -> None:
        """This station's labels that did not print stay in sight until they print or are dealt with."""
        jobs = self.desk.unprinted_labels()
        line = self.query_one("#unprinted", Static)
        line.display = bool(jobs)
        if not jobs:
            return
        if len(jobs) == 1:
            job = jobs[0]
            text = _("Not printed: {kind} {subject} (job {job_id}): {error}").format(
                kind=job.kind_name, subject=job.subject, job_id=job.job_id, error=job.error)
        else:
            text = ngettext("{count} label not printed: {subjects}", "{count} labels not printed: {subjects}",
                            len(jobs)).format(count=format_number(len(jobs)),
                                              subjects=", ".join(job.subject for job in jobs))
        line.update(Text(text + " " + _("(F8 reprints the last label; a supervisor sees all on F9)")))

    @on(LabelPrinted)
    def label_printed(self) -> None:
        self.show_unprinted()

    def action_reprint_last_label(self) -> None:
        from screens.prompt import PromptDialog, required

        def answered(reason: str | None) -> None:
            if not reason:
                return
            try:
                job = self.desk.reprint_last_label(reason)
            except KioskError as error:
                self.refuse(str(error))
                return
            done = _("Reprint of the label of {order_id} queued as job {job_id} for {printer}.")
            self.query_one(Banner).show(done.format(order_id=job.subject, job_id=job.job_id, printer=job.printer), "ok")
            self.show_unprinted()

        self.app.push_screen(PromptDialog(_("Reprint the last shipping label of this station: why?"),
                                          check=required, max_length=200), answered)

    def action_move(self, step: int) -> None:
        table = self.query_one(RowTable)
        table.move_cursor(table.cursor_row + step)

    def action_page(self, step: int) -> None:
        self.page_start = max(self.page_start + step * self.page_size, 0)
        self.load()

    def action_refresh_queue(self) -> None:
        self.load()

    def action_log_out(self) -> None:
        self.post_message(LogOutRequested())

    def handle_scan(self, value: str) -> None:
        if value.strip():
            order_id = value
        elif self.entries:
            order_id = self.entries[self.query_one(RowTable).cursor_row].order_id
        else:
            self.refuse(_("The queue is empty: nothing to open."))
            return
        self.open_order(order_id)

    def open_order(self, order_id: str) -> None:
        try:
            self.desk.open_order(order_id)
        except KioskError as error:
            self.stale_order = error.order_id if isinstance(error, StaleClaim) else None
            self.refuse(str(error))
            return
        self.query_one(Banner).show("")
        self._open_pack_screen()

    def action_take_over(self) -> None:
        order_id = self.stale_order
        if order_id is None:
            return

        def approved(supervisor: Desk | None) -> None:
            if supervisor is None:
                return
            try:
                self.desk.take_over(order_id, supervisor)
            except KioskError as error:
                self.refuse(str(error))
                return
            self.stale_order = None
            self._open_pack_screen()

        supervisor_approves(
            self.app, self.desk, _("Hand order {order_id} to this station? Its station has gone silent.").format(
                order_id=inert(order_id)), action=TAKE_OVER_CLAIM, order_id=order_id, then=approved)

    def _open_pack_screen(self, resumed: bool = False) -> None:
        from screens.pack import PackScreen  # on first use: it is the heaviest screen to import

        self.app.open_scan_screen(PackScreen(self.desk, resumed=resumed), self.order_closed)

    def order_closed(self, closed: PackClosed | None) -> None:
        """The pack screen closed (shipped, put back, held...): its last word shows here."""
        if closed is not None:
            self.shipped = closed.shipped
            if closed.message:
                self.query_one(Banner).show(closed.message, "ok")
        # A full garbage collection takes tens of milliseconds. Run it now, once the queue is on
        # screen and the packer is busy with the parcel, rather than whenever the collector's
        # counters say so, which is often in the middle of the next order's scans.
        self.app.call_after_refresh(gc.collect)

    def refuse(self, message: str) -> None:
        self.query_one(Banner).show(message, "error")
        self.app.refuse(message)
