"""The after-sales search: one field for an order or tracking number, a name, a phone, an e-mail or a
sku, or a scanned label or packing slip; results page by page; Enter opens the order's timeline.

After-sales staff land here after login; supervisors reach it from the exceptions list.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from kiosk.errors import KioskError
from kiosk.i18n import N_, _, format_number
from kiosk.inert import inert
from kiosk.lookup import MatchKind
from kiosk.timefmt import short_time
from screens.messages import LogOutRequested
from screens.scan_screen import ScanScreen
from screens.timeline import jump_to_order, open_timeline
from screens.widgets.banner import Banner
from screens.widgets.footer import KioskFooter
from screens.widgets.row_table import RowTable
from screens.widgets.scan_input import ScanInput

if TYPE_CHECKING:
    from kiosk.desk import Desk
    from kiosk.lookup import LookupHit, LookupPage

# A scanned slip, waybill or return label names its order: one such hit opens it at once.
CODED = (MatchKind.ORDER_ID, MatchKind.TRACKING, MatchKind.RETURN_TRACKING)
RECIPIENT_COLUMN, BUYER_COLUMN = 3, 4


class LookupScreen(ScanScreen):
    CSS_PATH = "lookup.tcss"
    BINDINGS = [
        Binding("up", "move(-1)", N_("Up"), show=False),
        Binding("down", "move(1)", N_("Down"), show=False),
        # priority: the search field has page keys of its own that would hide these.
        Binding("pagedown", "page(1)", N_("Next page"), priority=True),
        Binding("pageup", "page(-1)", N_("Previous page"), priority=True),
        Binding("ctrl+o", "open_order", N_("Open order")),
        Binding("f10", "log_out", N_("Log out")),
        Binding("escape", "close", N_("Close")),
    ]

    def __init__(self, desk: Desk, *, landing: bool = False) -> None:
        """``landing``: the screen an after-sales operator works from (F10 logs out); otherwise
        opened over another screen (Escape goes back)."""
        super().__init__()
        self.desk = desk
        self.landing = landing
        self.page: LookupPage | None = None

    def compose(self) -> ComposeResult:
        operator = self.desk.operator
        yield Static(Text(_("After-sales search · {name} ({badge}) · {station}").format(
            name=operator.name if operator else "", badge=operator.badge if operator else "",
            station=self.desk.station)), id="lookup-header")
        yield ScanInput(placeholder=_("order or tracking number, name, phone, e-mail or sku; or scan a label"),
                        id="search", free_text=True)
        yield Banner(id="banner")
        yield RowTable(_("Order"), _("Found by"), _("Status"), _("Recipient"), _("Buyer"), _("Parcel"), _("Date"),
                       shrinkable=(RECIPIENT_COLUMN, BUYER_COLUMN), id="results")
        yield KioskFooter()

    def on_mount(self) -> None:
        self.query_one(ScanInput).focus()
        self.query_one(Banner).show(_("Type or scan what you know of the order, then Enter."), "info")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "log_out":
            return self.landing
        if action == "close":
            return not self.landing
        return True

    def handle_scan(self, value: str) -> None:
        if value.strip():
            self.search(value, 1)
        elif self.page is not None and self.page.hits:
            self.open(self.page.hits[self.query_one(RowTable).cursor_row])
        else:
            self.refuse(_("Type what to search for: an order or tracking number, a name, a phone, an e-mail or"
                          " a sku."))

    def search(self, query: str, page: int) -> None:
        try:
            found = self.desk.search(query, page=page)
        except KioskError as error:
            self.refuse(str(error))
            return
        self.show(found)
        if len(found.hits) == 1 and found.total == 1 and found.hits[0].matched in CODED:
            self.open(found.hits[0])

    def show(self, found: LookupPage) -> None:
        self.page = found
        self.query_one(RowTable).set_rows([(hit.order_id, self.cells(hit)) for hit in found.hits])
        if not found.total:
            self.refuse(_("Nothing found for {query}.").format(query=inert(found.query)))
            return
        text = _("{total} orders found for {query} · page {page} of {pages}").format(
            total=format_number(found.total), query=inert(found.query), page=found.page, pages=found.pages)
        if found.capped:
            text += " · " + _("only the first ones of each kind: type more to narrow it down")
        self.query_one(Banner).show(text + " · " + _("Enter opens the highlighted order."), "info")

    @staticmethod
    def cells(hit: LookupHit) -> tuple[Text, ...]:
        parcel = f"{hit.carrier} {hit.tracking_number}".strip()
        flags = f"{hit.status_name} ↺{hit.resend_of}" if hit.resend_of else hit.status_name
        return tuple(Text(inert(value)) for value in (
            hit.order_id, hit.matched_name, flags, hit.recipient_name, hit.buyer_id, parcel,
            short_time(hit.shipped_at or hit.created_at)))

    def open(self, hit: LookupHit) -> None:
        open_timeline(self.app, self.desk, hit.order_id)

    def action_move(self, step: int) -> None:
        table = self.query_one(RowTable)
        table.move_cursor(table.cursor_row + step)

    def action_page(self, step: int) -> None:
        if self.page is None:
            return
        wanted = self.page.page + step
        if 1 <= wanted <= self.page.pages:
            self.search(self.page.query, wanted)

    def action_open_order(self) -> None:
        jump_to_order(self.app, self.desk)

    def action_log_out(self) -> None:
        self.post_message(LogOutRequested())

    def action_close(self) -> None:
        self.dismiss()

    def refuse(self, message: str) -> None:
        self.query_one(Banner).show(message, "error")
        self.app.refuse(message)
