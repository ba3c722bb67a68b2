"""Packing one order: notes, item scans, then the waybill."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Static

from kiosk.carriers import carrier_name
from kiosk.cells import cell_width
from kiosk.errors import KioskError
from kiosk.i18n import N_, _
from kiosk.inert import inert, inert_lines
from kiosk.item_labels import ItemLabelRequest
from kiosk.packing import MAX_BULK_QUANTITY, MAX_PARCELS, LineProgress, ScanOutcome, ScanResult, Stage
from kiosk.waybill import CARRIER_OVERRIDE, CarrierChoiceNeeded, requested_carrier
from screens.approve import supervisor_approves
from screens.carrier_choice import CarrierChoiceDialog
from screens.confirm import ConfirmDialog
from screens.item_label import ItemLabelDialog
from screens.problem import ProblemDialog, ProblemReport
from screens.prompt import PromptDialog, whole_number
from screens.scan_screen import ScanScreen
from screens.widgets.banner import Banner, TonedLine
from screens.widgets.footer import KioskFooter
from screens.widgets.lines_table import LinesTable
from screens.widgets.progress_line import ProgressLine
from screens.widgets.scan_input import ScanInput
from screens.widgets.text_line import update_in_place

if TYPE_CHECKING:
    from kiosk.desk import Desk

# How soon a packer learns that someone else cancelled or held the open order.
INTERRUPTION_CHECK_SECONDS = 2
PROMPTS = {
    Stage.NOTES: N_("Read the notes above, then press F4"),
    Stage.ITEMS: N_("Scan each item"),
    Stage.WAYBILL: N_("All items verified: scan the waybill (tracking number)"),
}


@dataclass(frozen=True)
class PackClosed:
    """How the pack screen closed: the message the queue shows, and the order if it shipped."""

    message: str
    shipped: str | None = None


class PackScreen(ScanScreen):
    """The order open at the desk. Dismisses with a PackClosed for the queue."""

    CSS_PATH = "pack.tcss"
    # Function keys only: scanned text must never trigger a binding.
    BINDINGS = [
        Binding("f2", "quantity", N_("Quantity")),
        Binding("f3", "undo", N_("Undo last")),
        Binding("ctrl+z", "undo", N_("Undo last"), show=False),
        Binding("f4", "acknowledge_notes", N_("Notes read")),
        Binding("f5", "report_problem", N_("Problem")),
        Binding("f6", "parcels", N_("Parcels")),
        Binding("f7", "other_carrier", N_("Other carrier")),
        Binding("f8", "item_label", N_("Item label")),
        Binding("escape", "put_back", N_("Put back")),
    ]

    @dataclass
    class OrderStopped(Message):
        """The order changed under the packer (cancelled, held, taken over): nothing more may happen."""

        order_id: str
        reason: str

    def __init__(self, desk: Desk, resumed: bool = False) -> None:
        super().__init__()
        self.desk = desk
        session = desk.session
        assert session is not None, "the desk opens the order before its screen"
        # The order as it stands (read only: every change goes through the desk).
        self.session = session
        self.order_id = session.order_id
        self.resumed = resumed
        # Set when the order changed under the packer (cancelled, held, taken over): nothing more may happen.
        self.stopped = ""
        # Set once the order shipped: the screen gives way to the queue, which takes the next scans.
        self.leaving = False
        # The (parcel, of parcels) whose label was drawn ahead of its waybill (App.prepare_label).
        self.label_prepared: tuple[int, int] | None = None

    def compose(self) -> ComposeResult:
        # Kept, not queried: a scan updates four of them, and each query walks the screen.
        self.lines_table = LinesTable(id="lines", cursor_type="none")
        self.progress_line = ProgressLine(id="progress")
        self.banner = Banner(id="banner")
        self.prompt_line = TonedLine(id="prompt")
        self.scan_input = ScanInput(placeholder=_("scan"), id="scan")
        yield Static(id="order-header")
        yield Static(id="recipient")
        yield Static(id="notes")
        yield self.lines_table
        yield self.progress_line
        yield self.banner
        yield self.prompt_line
        yield self.scan_input
        yield KioskFooter()

    def on_mount(self) -> None:
        operator = self.desk.operator
        order = self.session.order
        self.query_one("#order-header", Static).update(
            Text(
                _("Order {order_id} · {platform} · {name} · {station}").format(
                    order_id=inert(order["order_id"]), platform=inert(order["platform"]),
                    name=inert(operator.name) if operator else "", station=inert(self.desk.station),
                )
            )
        )
        self.query_one("#recipient", Static).update(self._recipient_text())
        self._show_notes()
        table = self.lines_table
        table.can_focus = False
        table.add_column("#", key="no")
        # Before the names: a long name on a narrow terminal is cut at the right, never the count.
        # As wide as the widest the cell can get ("3 of 3 (1 short) ✓"): widening a column as it
        # changes lets a frame show a row cut at the old width (textual#3533).
        table.add_column(_("Packed"), key="packed", width=self._packed_width())
        table.add_column(_("Item"), key="item")
        table.add_column(_("Variant"), key="variant")
        self._render_lines()
        self._refresh_progress()
        if self.resumed:
            self.banner.show(
                _("Resumed order {order_id}: {packed} of {ordered} items were already scanned.").format(
                    order_id=self.order_id, packed=self.session.units_packed, ordered=self.session.units_ordered
                ),
                "info",
            )
        self.scan_input.focus()
        self.set_interval(INTERRUPTION_CHECK_SECONDS, self.check_interruption)

    # -- rendering -----------------------------------------------------------

    def _recipient_text(self) -> Text:
        order = self.session.order
        place = " ".join(part for part in (order["city"], order["province"], order["country"]) if part)
        text = Text(_("To {name} · {place}").format(name=inert(order["recipient_name"]), place=inert(place)))
        area = self.desk.remote_area()
        if area:
            text.append("  " + _("REMOTE ({area})").format(area=_(area.name)), style="bold yellow")
        requested = requested_carrier(order)
        if requested:
            text.append("  " + _("Ship with {carrier}").format(carrier=carrier_name(requested)), style="bold yellow")
        return text

    def _show_notes(self) -> None:
        notes = self.query_one("#notes", Static)
        order = self.session.order
        if not self.session.has_notes:
            notes.display = False
            return
        parts = []
        if order["buyer_note"].strip():
            parts.append(Text.assemble((_("Buyer note: "), "bold"), inert_lines(order["buyer_note"].strip())))
        if order["seller_note"].strip():
            parts.append(Text.assemble((_("Seller note: "), "bold"), inert_lines(order["seller_note"].strip())))
        if not self.session.notes_acknowledged:
            parts.append(Text(_("Press F4 when you have read the notes."), style="bold"))
        text = Text("\n").join(parts)
        notes.update(text)
        notes.set_class(self.session.notes_acknowledged, "read")

    def _packed_width(self) -> int:
        # The widest a cell can get, shorts a supervisor may approve later included: every number
        # as wide as the line's quantity.
        widest = max(
            (LineProgress(replace(p.line, quantity=p.line.quantity * 2), p.line.quantity, p.line.quantity)
             for p in self.session.lines),
            key=lambda progress: self._packed_cell(progress).cell_len,
        )
        return max(self._packed_cell(widest).cell_len, cell_width(_("Packed")))

    def _render_lines(self) -> None:
        table = self.lines_table
        table.clear()
        for progress in self.session.lines:
            line = progress.line
            table.add_row(str(line.line_no), self._packed_cell(progress), Text(inert(line.name)),
                          Text(inert(line.variant)), key=str(line.line_no))

    @staticmethod
    def _packed_cell(progress: LineProgress) -> Text:
        cell = _("{packed} of {ordered}").format(packed=progress.packed, ordered=progress.expected)
        if progress.short:
            cell += " " + _("({short} short)").format(short=progress.short)
        if progress.complete:
            return Text(f"{cell} ✓", style="bold green")
        return Text(cell, style="bold" if progress.packed else "")

    def _refresh_progress(self) -> None:
        session = self.session
        self.progress_line.update(total=session.units_ordered, progress=session.units_packed)
        prompt = _(PROMPTS[session.stage])
        if session.stage is Stage.ITEMS and self.desk.bulk_quantity > 1:
            prompt = _("Next scan counts {quantity} units").format(quantity=self.desk.bulk_quantity)
        if session.stage is Stage.WAYBILL and session.parcel_count > 1:
            prompt = _("Scan the waybill of parcel {number} of {count}").format(
                number=session.parcels_recorded + 1, count=session.parcel_count
            )
        prompt_line = self.prompt_line
        update_in_place(
            prompt_line,
            Text(
                _("{packed} of {ordered} items · {prompt}").format(
                    packed=session.units_packed, ordered=session.units_ordered, prompt=prompt
                ),
                style="bold",
            )
        )
        # On the prompt alone: a class on the screen would restyle every widget at the last scan.
        prompt_line.set_tone("waybill" if session.stage is Stage.WAYBILL else None)
        parcel = (session.parcels_recorded + 1, session.parcel_count)
        if session.stage is Stage.WAYBILL and self.label_prepared != parcel:
            # Again for each parcel of several, and when the parcel count changes: both are printed.
            self.label_prepared = parcel
            # After the frame that shows the last item verified, so the drawing does not delay it.
            requested = requested_carrier(session.order)
            self.call_after_refresh(self.desk.prepare_label, carrier_name(requested) if requested else "", *parcel)

    def _show_outcome(self, outcome: ScanOutcome, quantity_dropped: bool = False, then: str = "") -> None:
        """The scan's outcome on the banner (with `then`, what to do next, after an accepted one),
        its line's count and the progress."""
        banner = self.banner
        if outcome.accepted:
            banner.show(f"{outcome.message} {then}" if then else outcome.message, "ok")
        else:
            message = outcome.message
            if quantity_dropped:
                message += " " + _("The quantity is back to 1: press F2 again for the next bulk scan.")
            banner.show(message, "error")
            self.app.refuse(message)
        if outcome.line_no is not None:
            progress = next(p for p in self.session.lines if p.line.line_no == outcome.line_no)
            self.lines_table.update_cell(
                str(outcome.line_no), "packed", self._packed_cell(progress)
            )
        self._refresh_progress()

    # -- scans ---------------------------------------------------------------

    def handle_scan(self, value: str) -> None:
        if self.stopped:
            self._refuse(self.stopped + " " + _("Press Escape to go back to the queue."))
            return
        if not value.strip():
            return
        if self.session.stage is Stage.WAYBILL:
            self.ship(value)
            return
        bulk = self.desk.bulk_quantity
        try:
            outcome = self.desk.scan(value)
        except KioskError as error:
            self._refuse(str(error))
            self._refresh_progress()
            return
        if outcome.result is ScanResult.NOT_HELD:
            self.stop(outcome.message)
            return
        then = _("All items verified: scan the waybill.") if self.session.stage is Stage.WAYBILL else ""
        self._show_outcome(outcome, quantity_dropped=bulk > 1 and not outcome.accepted, then=then)

    def ship(self, raw: str, carrier: str | None = None) -> None:
        try:
            shipment = self.desk.record_waybill(raw, carrier)
        except CarrierChoiceNeeded as choice:
            self._refuse(str(choice))
            self.app.push_screen(CarrierChoiceDialog(choice.number, choice.candidates),
                                 lambda chosen: self._carrier_chosen(raw, chosen))
            return
        except KioskError as error:
            self._refuse(str(error))
            return
        if not shipment.order_shipped:
            self.banner.show(
                _("Parcel {number} of {count} recorded ({tracking}). Scan the next parcel's waybill.").format(
                    number=shipment.package_no, count=shipment.package_count, tracking=shipment.tracking_number
                ),
                "ok",
            )
            self._refresh_progress()
            return
        message = _("Shipped {order_id} with {tracking}. Next order ready.").format(
            order_id=shipment.order_id, tracking=shipment.tracking_number
        )
        self.leaving = True
        # A direct call, not a Message: keys already queued behind this scan must be held from now on.
        self.app.hold_scans()
        # The queue comes back while the print thread writes the label (the shipment is committed).
        # After the keys already waiting in the scan field: a scan they finish is held for the
        # queue, where it would be lost with the field if the screen closed first.
        self.scan_input.call_later(self.dismiss_to_queue, message, self.order_id)

    def _carrier_chosen(self, raw: str, carrier: str | None) -> None:
        self.scan_input.focus()
        if carrier is None:
            self.banner.show(_("No carrier chosen: scan the waybill again."), "info")
            return
        self.ship(raw, carrier)

    @property
    def takes_scans(self) -> bool:
        return not self.leaving

    def dismiss_to_queue(self, message: str, shipped: str | None = None) -> None:
        self.dismiss(PackClosed(message, shipped))

    def _refuse(self, message: str) -> None:
        self.banner.show(message, "error")
        self.app.refuse(message)

    # -- keys ----------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:  # noqa: ARG002
        if self.stopped:
            return action == "put_back"
        # F4 only shows while there are notes to acknowledge.
        if action == "acknowledge_notes" and hasattr(self, "session"):
            return not self.session.notes_acknowledged
        return True

    # -- when the order changes under the packer -----------------------------

    def check_interruption(self) -> None:
        if not self.stopped:
            message = self.desk.interruption()
            if message:
                self.stop(message)

    def stop(self, message: str) -> None:
        """The order was cancelled, held or taken over: say so, and allow nothing but going back."""
        self.stopped = message
        self.desk.close_order()
        self.banner.show(message + " " + _("Press Escape to go back to the queue."), "error")
        self.post_message(self.OrderStopped(self.order_id, message))
        self.add_class("stopped")
        self.refresh_bindings()

    # -- waybills -----------------------------------------------------------

    def action_parcels(self) -> None:
        def answered(answer: str | None) -> None:
            self.scan_input.focus()
            if not answer:
                return
            try:
                self.desk.set_parcel_count(int(answer))
            except KioskError as error:
                self._refuse(str(error))
                return
            self._refresh_progress()
            self.banner.show(
                _("Order ships in {count} parcels: each gets its own waybill and label.").format(count=answer), "info"
            )

        self.app.push_screen(
            PromptDialog(_("How many parcels does this order ship in?"), check=whole_number(1, MAX_PARCELS),
                         input_type="integer", max_length=2),
            answered,
        )

    def action_other_carrier(self) -> None:
        requested = requested_carrier(self.session.order)
        if requested is None:
            self._refuse(_("This order asks for no particular carrier: any enabled carrier's waybill will do."))
            return

        def approved(supervisor: Desk | None) -> None:
            self.scan_input.focus()
            if supervisor is not None and supervisor.operator is not None:
                self.banner.show(
                    _("{name} allowed another carrier than {carrier}: scan the waybill.").format(
                        name=supervisor.operator.name, carrier=carrier_name(requested)
                    ),
                    "warning",
                )

        supervisor_approves(
            self.app, self.desk,
            _("Order {order_id} asks for {carrier}. Allow another carrier?").format(
                order_id=self.order_id, carrier=carrier_name(requested)),
            action=CARRIER_OVERRIDE, order_id=self.order_id, then=approved,
        )

    def action_item_label(self) -> None:
        """A new sticker for an item whose barcode is damaged (the print is logged)."""

        def chosen(request: ItemLabelRequest | None) -> None:
            if request is not None:
                try:
                    self.desk.print_item_labels(request.code, request.copies)
                except KioskError as error:
                    self._refuse(str(error))
            self.scan_input.focus()

        self.app.push_screen(ItemLabelDialog(self.desk), chosen)

    # -- problems ----------------------------------------------------------

    def action_report_problem(self) -> None:
        self.app.push_screen(ProblemDialog(self.desk), self._problem_reported)

    def _problem_reported(self, report: ProblemReport | None) -> None:
        self.scan_input.focus()
        if report is None:
            return
        try:
            reported = self.desk.report_problem(
                kind=report.kind, line_no=report.line_no, quantity=report.quantity, description=report.description,
                photo_path=report.photo_path, hold=report.outcome == "hold",
            )
        except KioskError as error:
            self._refuse(str(error))
            return
        if reported.held:
            self.dismiss_to_queue(
                _("Problem reported: order {order_id} is on hold for a supervisor.").format(order_id=self.order_id)
            )
            return
        question = _("Ship order {order_id} short? The problem is written down; a supervisor approves.")
        if report.line_no is None:
            question = _("Ship order {order_id} with the units packed so far? The problem is written down;"
                         " a supervisor approves.")
        supervisor_approves(
            self.app, self.desk, question.format(order_id=self.order_id), action="short_shipment",
            order_id=self.order_id, then=lambda supervisor: self._short_decided(reported.problem_id, supervisor),
        )

    def _short_decided(self, problem_id: int, supervisor: Desk | None) -> None:
        self.scan_input.focus()
        try:
            decision = self.desk.decide_short(problem_id, supervisor)
        except KioskError as error:
            self._refuse(str(error))
            return
        if decision.held:
            self.dismiss_to_queue(decision.message)
            return
        self._render_lines()
        self._refresh_progress()
        self.banner.show(decision.message + " " + _(PROMPTS[self.session.stage]), "warning")

    def action_acknowledge_notes(self) -> None:
        if self.session.notes_acknowledged:
            return
        self.desk.acknowledge_notes()
        self.refresh_bindings()
        self._show_notes()
        self._refresh_progress()
        self.banner.show(_("Notes read. Scan each item."), "info")

    def action_undo(self) -> None:
        try:
            outcome = self.desk.undo()
        except KioskError as error:
            self._refuse(str(error))
            return
        self._show_outcome(outcome)

    def action_quantity(self) -> None:
        def chosen(answer: str | None) -> None:
            self.scan_input.focus()
            if not answer:
                self._quantity_back_to_one()
                return
            try:
                self.desk.set_quantity(int(answer))
            except KioskError as error:
                self._refuse(str(error))
                return
            self._refresh_progress()
            self.banner.show(
                _("Next scan counts {quantity} units. Escape sets it back to 1.").format(quantity=answer), "info")

        self.app.push_screen(
            PromptDialog(
                _("How many units does the next scan count? Type a number, then F12."),
                check=whole_number(1, MAX_BULK_QUANTITY),
                input_type="integer",
                max_length=3,
            ),
            chosen,
        )

    def _quantity_back_to_one(self) -> None:
        if self.desk.bulk_quantity > 1:
            self.desk.reset_quantity()
            self.banner.show(_("Quantity back to 1: the next scan counts one unit."), "info")
        self._refresh_progress()

    def action_put_back(self) -> None:
        if self.stopped:
            self.dismiss_to_queue(self.stopped)
            return
        if self.desk.bulk_quantity > 1:
            # Escape first undoes a bulk quantity not used yet; once more, it puts the order back.
            self._quantity_back_to_one()
            return
        def answered(yes: bool | None) -> None:
            if not yes:
                self.scan_input.focus()
                return
            try:
                self.desk.put_back()
            except KioskError as error:
                self._refuse(str(error))
                return
            self.dismiss_to_queue(_("Order {order_id} is back in the queue.").format(order_id=self.order_id))

        self.app.push_screen(
            ConfirmDialog(
                _("Put order {order_id} back in the queue?").format(order_id=self.order_id)
                + "\n"
                + _("Its scans are cleared: put the items back on the shelf.")
            ),
            answered,
        )
