"""An order's whole history for after-sales: who the buyer is, what each parcel held (scanned by
whom, where, when, and which label went out), claims and returns, then every event, oldest first.

Any screen opens an order's timeline by its number (``jump_to_order``) for those who may read it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from kiosk.errors import KioskError
from kiosk.i18n import N_, _
from kiosk.inert import inert
from kiosk.timefmt import short_time
from screens.claim import ClaimDialog, ClaimStatusDialog, parcel_name
from screens.prompt import PromptDialog, required
from screens.widgets.banner import Banner
from screens.widgets.footer import KioskFooter

if TYPE_CHECKING:
    from kiosk.aftersales import Case
    from kiosk.contacts import Contact
    from kiosk.desk import Desk
    from kiosk.evidence import ShipmentEvidence
    from kiosk.history import OrderTimeline
    from kiosk.returns import ReturnView
    from screens.app import KioskApp


def line(*parts: object) -> str:
    """Parts joined with a dot, empty ones left out, made inert (they come from data)."""
    return inert(" · ".join(str(part) for part in parts if part not in (None, "")))


def open_timeline(app: KioskApp, desk: Desk, order_id: str) -> bool:
    """Push the order's timeline, read through ``desk``; a refusal is shown and False returned."""
    try:
        timeline = desk.order_timeline(order_id)
    except KioskError as error:
        app.refuse(str(error))
        return False
    app.push_screen(TimelineScreen(desk, timeline))
    return True


def jump_to_order(app: KioskApp, desk: Desk | None = None) -> None:
    """Ask for an order number and open its timeline, from any screen, for after-sales and supervisors.

    ``desk``: the one the screen in front works with (a supervisor's, at a packer's station); the
    station's own by default."""
    desk = desk if desk is not None else app.desk
    if desk.operator is None or desk.locked or isinstance(app.screen, ModalScreen):
        return
    if not desk.works_in_aftersales:
        app.refuse(_("{name} cannot open order histories: only after-sales staff and supervisors can.").format(
            name=desk.operator.name))
        return

    def answered(number: str | None) -> None:
        if number:
            open_timeline(app, desk, number)

    app.push_screen(PromptDialog(_("Open which order? Type or scan its number."), check=required, scan_answers=True),
                    answered)


class TimelineScreen(Screen):
    CSS_PATH = "timeline.tcss"
    BINDINGS = [
        Binding("f2", "claim", N_("Record a claim")),
        Binding("f3", "register_return", N_("Register a return")),
        Binding("f4", "claim_status", N_("Claim status")),
        Binding("f6", "open_return", N_("Open return")),
        Binding("f7", "refund_only", N_("Refund only")),
        Binding("f5", "reload", N_("Refresh")),
        Binding("ctrl+o", "open_order", N_("Open order")),
        Binding("escape", "close", N_("Back")),
    ]

    app: KioskApp

    @dataclass
    class ClaimRecorded(Message):
        order_id: str
        case_id: int
        resend_order_id: str

    @dataclass
    class ReturnRegistered(Message):
        order_id: str
        return_id: int

    def __init__(self, desk: Desk, timeline: OrderTimeline) -> None:
        super().__init__()
        self.desk = desk
        self.timeline = timeline
        self.contact: Contact | None = None
        self.cases: tuple[Case, ...] = ()
        self.returns: tuple[ReturnView, ...] = ()
        self.resumed_before = False

    def compose(self) -> ComposeResult:
        yield Static(id="timeline-header")
        yield Banner(id="banner")
        with VerticalScroll(id="timeline-body"):
            yield Static(id="order", classes="section")
            yield Static(id="contact", classes="section")
            yield Static(id="evidence", classes="section")
            yield Static(id="aftersales", classes="section")
            yield Static(id="events", classes="section")
        yield KioskFooter()

    def on_mount(self) -> None:
        # One look at the buyer's contact data per opening: each is an event.
        try:
            self.contact = self.desk.order_contact(self.timeline.order_id)
        except KioskError as error:
            self.refuse(str(error))
        self.show()
        self.query_one("#timeline-body").focus()

    # -- drawing -------------------------------------------------------------

    def show(self) -> None:
        timeline = self.timeline
        self.cases = self.desk.claims(timeline.order_id)
        self.returns = self.desk.returns(timeline.order_id)
        self.query_one("#timeline-header", Static).update(Text(line(
            _("Order {order_id}").format(order_id=timeline.order_id), timeline.platform, timeline.status_name)))
        self.query_one("#order", Static).update(self.order_text())
        self.query_one("#contact", Static).update(self.contact_text())
        self.query_one("#evidence", Static).update(self.evidence_text())
        self.query_one("#aftersales", Static).update(self.aftersales_text())
        self.query_one("#events", Static).update(self.events_text())

    def order_text(self) -> Text:
        timeline = self.timeline
        text = Text(_("Order") + "\n", style="bold")
        text.append(line(_("placed {time}").format(time=short_time(timeline.created_at)),
                         _("paid {time}").format(time=short_time(timeline.paid_at)) if timeline.paid_at else "",
                         _("buyer {buyer}").format(buyer=timeline.buyer_id) if timeline.buyer_id else "",
                         _("asks for {carrier}").format(carrier=timeline.requested_carrier)
                         if timeline.requested_carrier else "") + "\n")
        if timeline.resend_of:
            text.append(_("Resends items of order {order_id}").format(order_id=inert(timeline.resend_of)) + "\n",
                        style="bold yellow")
        if timeline.resends:
            text.append(_("Items sent again in: {orders}").format(orders=inert(", ".join(timeline.resends))) + "\n",
                        style="bold yellow")
        for note, label in ((timeline.buyer_note, _("Buyer note")), (timeline.seller_note, _("Seller note"))):
            if note:
                text.append(f"{label}: {inert(note)}\n")
        for order_line in timeline.lines:
            text.append(f"  {order_line.line_no}. {inert(order_line.description)} ×{order_line.quantity}"
                        f"  ({inert(order_line.sku)})\n")
        return text

    def contact_text(self) -> Text:
        contact = self.contact
        text = Text(_("Recipient") + "\n", style="bold")
        if contact is None:
            text.append(_("Not shown.") + "\n")
            return text
        text.append(line(contact.recipient_name, contact.phone, contact.email) + "\n")
        text.append(line(contact.address, contact.city, contact.province, contact.postal_code, contact.country)
                    + "\n")
        if contact.masked:
            text.append(_("The phone is masked and the e-mail hidden for packers.") + "\n", style="italic")
        return text

    def evidence_text(self) -> Text:
        text = Text(_("Packing evidence") + "\n", style="bold")
        if not self.timeline.shipments:
            text.append(_("No parcel has gone out.") + "\n")
        for shipment in self.timeline.shipments:
            self.parcel_text(text, shipment)
        return text

    @staticmethod
    def parcel_text(text: Text, shipment: ShipmentEvidence) -> None:
        style = "strike dim" if shipment.void else "bold"
        service = shipment.service if shipment.service != shipment.carrier else ""
        text.append(line(parcel_name(shipment), service,
                         _("shipped {time} by {name} ({badge}) at {station}").format(
                             time=short_time(shipment.shipped_at), name=shipment.operator_name,
                             badge=shipment.operator, station=shipment.station)) + "\n", style=style)
        if shipment.void:
            text.append("  " + line(_("voided {time}").format(time=short_time(shipment.voided_at)),
                                    shipment.void_reason) + "\n", style="red")
        if shipment.tracking_url:
            text.append("  " + inert(shipment.tracking_url) + "\n")
        for item in shipment.items:
            quantity = f"×{item.quantity}" if item.quantity > 1 else ""
            text.append("  ✓ " + line(item.item, item.code, quantity, short_time(item.scanned_at),
                                      f"{item.operator_name} ({item.operator})", item.station) + "\n",
                        style="green")
        for item in shipment.refused:
            text.append("  ✗ " + line(item.code, item.result_name, item.item, short_time(item.scanned_at),
                                      item.operator, item.station) + "\n", style="red")
        for label in shipment.labels:
            reprint = _("reprint of {number}").format(number=label.reprint_of) if label.reprint_of else ""
            text.append("  ⎙ " + line(_("label {number}").format(number=label.job_id), label.status_name,
                                      label.printer, reprint, label.reason, short_time(label.created_at)) + "\n")

    def aftersales_text(self) -> Text:
        text = Text(_("Claims and returns") + "\n", style="bold")
        if not self.cases and not self.returns:
            text.append(_("None yet: F2 records a claim, F3 registers a return, F7 a refund without one.") + "\n")
        for case in self.cases:
            text.append(line(_("Claim {number}").format(number=case.case_id), case.kind_name, case.request_name,
                             case.amount if case.amount else "", case.status_name,
                             _("resend {order_id}").format(order_id=case.resend_order_id)
                             if case.resend_order_id else "", case.description) + "\n")
        for view in self.returns:
            received = sum(item.quantity for item in view.items)
            text.append(line(_("Return {number}").format(number=view.return_id), view.kind_name,
                             view.return_tracking, view.status_name,
                             _("{count} units back").format(count=received),
                             _("amount {amount}").format(amount=view.amount_difference)
                             if view.status == "closed" else "") + "\n")
        return text

    def events_text(self) -> Text:
        text = Text(_("History") + "\n", style="bold")
        for entry in self.timeline.entries:
            who = f"{entry.operator_name} ({entry.operator})" if entry.operator_name else entry.operator
            text.append(f"{short_time(entry.at):>12}  ")
            text.append(inert(entry.what), style="bold")
            text.append("  " + line(entry.details, who, entry.station) + "\n")
        return text

    # -- actions -------------------------------------------------------------

    def reload(self) -> None:
        try:
            self.timeline = self.desk.order_timeline(self.timeline.order_id)
        except KioskError as error:
            self.refuse(str(error))
            return
        self.show()

    def on_screen_resume(self) -> None:
        # Back from a dialog or a return being checked in: what they changed shows here. (Textual
        # resumes a screen on its first push too, just after on_mount drew it.)
        if self.resumed_before:
            self.reload()
        self.resumed_before = True

    def action_reload(self) -> None:
        self.reload()

    def action_close(self) -> None:
        self.dismiss()

    def action_open_order(self) -> None:
        jump_to_order(self.app, self.desk)

    def action_claim(self) -> None:
        if not any(not shipment.void for shipment in self.timeline.shipments):
            self.refuse(_("Order {order_id} has no parcel that went out: a claim is made against a parcel.").format(
                order_id=self.timeline.order_id))
            return

        def recorded(case: Case | None) -> None:
            if case is None:
                return
            message = _("Claim {number} recorded.").format(number=case.case_id)
            if case.resend_order_id:
                message += " " + _("Resend order {order_id} is in the packers' queue.").format(
                    order_id=case.resend_order_id)
            self.query_one(Banner).show(message, "ok")
            self.post_message(self.ClaimRecorded(case.order_id, case.case_id, case.resend_order_id))

        self.app.push_screen(ClaimDialog(self.desk, self.timeline), recorded)

    def action_claim_status(self) -> None:
        open_cases = [case for case in self.cases if case.status != "resolved"]
        if not open_cases:
            self.refuse(_("Order {order_id} has no open claim.").format(order_id=self.timeline.order_id))
            return

        def moved(case: Case | None) -> None:
            if case is not None:
                self.query_one(Banner).show(_("Claim {number} is now {status}.").format(
                    number=case.case_id, status=case.status_name), "ok")

        self.app.push_screen(ClaimStatusDialog(self.desk, open_cases), moved)

    def action_register_return(self) -> None:
        def answered(tracking: str | None) -> None:
            if tracking is None:
                return
            try:
                return_id = self.desk.register_return(self.timeline.order_id, return_tracking=tracking)
            except KioskError as error:
                self.refuse(str(error))
                return
            self.post_message(self.ReturnRegistered(self.timeline.order_id, return_id))
            self.open_return(return_id)

        self.app.push_screen(PromptDialog(
            _("Return of order {order_id}: scan the return parcel's tracking number (Enter: it has none).").format(
                order_id=self.timeline.order_id), scan_answers=True), answered)

    def action_refund_only(self) -> None:
        def answered(answer: str | None) -> None:
            if answer is None:
                return
            try:
                return_id = self.desk.register_return(self.timeline.order_id, refund_only=True)
            except KioskError as error:
                self.refuse(str(error))
                return
            self.post_message(self.ReturnRegistered(self.timeline.order_id, return_id))
            self.open_return(return_id, refund_only=True)

        self.app.push_screen(PromptDialog(
            _("Refund without a parcel for order {order_id} (the buyer keeps the goods or never sent them):"
              " Enter registers it, Escape cancels.").format(order_id=self.timeline.order_id),
            scan_answers=True), answered)

    def action_open_return(self) -> None:
        registered = [view for view in self.returns if view.status != "closed"]
        if not registered:
            self.refuse(_("Order {order_id} has no open return: F3 registers one.").format(
                order_id=self.timeline.order_id))
            return
        self.open_return(registered[-1].return_id, refund_only=registered[-1].kind == "refund_only")

    def open_return(self, return_id: int, *, refund_only: bool = False) -> None:
        from screens.returns import ReturnScreen

        self.app.push_screen(ReturnScreen(self.desk, return_id, refund_only=refund_only))

    def refuse(self, message: str) -> None:
        self.query_one(Banner).show(message, "error")
        self.app.refuse(message)
