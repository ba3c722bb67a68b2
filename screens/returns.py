"""Checking a returned parcel in: each unit scanned with the packer's own check (a wrong item is
refused as at packing), its condition and what becomes of it; closed with completeness and amount.

A refund-only return (no parcel) takes, in the same field, which line is refunded (its number on
screen, its sku or an item barcode) and how many. Either kind may cover more orders of the buyer (F5)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Static

from kiosk.aftersales import parse_amount
from kiosk.errors import KioskError
from kiosk.i18n import N_, _
from kiosk.inert import inert
from kiosk.returns import CONDITIONS, OUTCOMES, check_amount, check_closable, refundable_lines
from kiosk.timefmt import short_time
from screens.prompt import PromptDialog, required, whole_number
from screens.scan_screen import ScanScreen
from screens.step_dialog import StepDialog, choose, numbered
from screens.widgets.banner import Banner
from screens.widgets.footer import KioskFooter
from screens.widgets.row_table import RowTable
from screens.widgets.scan_input import ScanInput

if TYPE_CHECKING:
    from kiosk.desk import Desk
    from kiosk.returns import ReturnLine, ReturnView

ITEM_COLUMN = 2
DEFAULT_CONDITION, DEFAULT_OUTCOME = "sellable", "restock"


class ReturnScreen(ScanScreen):
    """Function keys only: the scan field has the focus, and scanned letters must never act."""

    CSS_PATH = "returns.tcss"
    BINDINGS = [
        Binding("f2", "next_condition", N_("Condition")),
        Binding("f3", "next_outcome", N_("Outcome")),
        Binding("f5", "add_order", N_("Add an order")),
        Binding("f12", "close_return", N_("Close the return")),
        Binding("escape", "back", N_("Back")),
    ]

    @dataclass
    class ReturnClosed(Message):
        return_id: int
        amount_difference: Decimal

    def __init__(self, desk: Desk, return_id: int, *, refund_only: bool = False) -> None:
        super().__init__()
        self.desk = desk
        self.return_id = return_id
        # Known before the first read, so the field asks the right question from the start.
        self.refund_only = refund_only
        self.condition = DEFAULT_CONDITION
        self.outcome = DEFAULT_OUTCOME
        self.view: ReturnView | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="return-header")
        yield ScanInput(placeholder=self.placeholder(), id="scan")
        yield Banner(id="banner")
        yield Static(id="next-unit")
        yield RowTable(_("No."), _("Order"), _("Item"), _("Shipped"), _("Back before"), _("Back now"),
                       shrinkable=(ITEM_COLUMN,), id="return-lines")
        yield Static(id="return-items")
        yield KioskFooter()

    def placeholder(self) -> str:
        if self.refund_only:
            return _("type the number of the line refunded, or scan the item or its sku")
        return _("scan each item that came back")

    def on_mount(self) -> None:
        self.load()
        self.query_one(ScanInput).focus()
        if self.view is None or self.view.status == "closed":
            return
        if self.refund_only:
            self.query_one(Banner).show(_("Refund without a parcel: say which lines are refunded, then F12."), "info")
        else:
            self.query_one(Banner).show(_("Set the condition (F2) and outcome (F3) of the next unit, then scan it."),
                                        "info")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:  # noqa: ARG002
        # Units that are not in hand have no condition or outcome.
        if action in ("next_condition", "next_outcome"):
            return not self.refund_only
        return True

    def load(self) -> None:
        try:
            view = self.desk.return_view(self.return_id)
        except KioskError as error:
            self.refuse(str(error))
            return
        self.view = view
        if view.kind == "refund_only" and not self.refund_only:
            self.refund_only = True
            self.query_one(ScanInput).placeholder = self.placeholder()
            self.refresh_bindings()
        self.query_one("#return-header", Static).update(Text(inert(" · ".join(filter(None, [
            _("Return {number}").format(number=view.return_id), view.kind_name, view.return_tracking,
            _("buyer {buyer}").format(buyer=view.buyer_id) if view.buyer_id else "",
            _("orders {orders}").format(orders=", ".join(view.order_ids)), view.status_name])))))
        # A refund-only return's lines are picked by these numbers.
        numbers = {(line.order_id, line.line_no): str(number)
                   for number, line in enumerate(refundable_lines(view), 1)} if self.refund_only else {}
        self.query_one(RowTable).set_rows([
            (f"{line.order_id}/{line.line_no}", tuple(Text(inert(value)) for value in (
                numbers.get((line.order_id, line.line_no), ""), line.order_id, line.item, str(line.shipped),
                str(line.earlier_returns), str(line.this_return))))
            for line in view.lines
        ])
        items = Text((_("Refunded") if self.refund_only else _("Checked in")) + "\n", style="bold")
        for item in view.items:
            items.append(inert(" · ".join(filter(None, [
                short_time(item.received_at), item.order_id, item.item, item.code,
                f"×{item.quantity}" if item.quantity > 1 else "", item.condition_name, item.outcome_name,
                item.operator]))) + "\n")
        self.query_one("#return-items", Static).update(items)
        self.show_next_unit()

    def show_next_unit(self) -> None:
        if self.refund_only:
            self.query_one("#next-unit", Static).update("")
            return
        self.query_one("#next-unit", Static).update(Text(_("Next unit: {condition} · {outcome}").format(
            condition=_(CONDITIONS[self.condition]), outcome=_(OUTCOMES[self.outcome])), style="bold"))

    def handle_scan(self, value: str) -> None:
        if not value.strip():
            return
        if self.refund_only:
            self.refund_line(value)
            return
        try:
            outcome = self.desk.receive_return_item(self.return_id, value, condition=self.condition,
                                                    outcome=self.outcome)
        except KioskError as error:
            self.refuse(str(error))
            return
        if not outcome.accepted:
            self.refuse(outcome.message)
            return
        # Each unit is graded on its own: the next one starts from sellable and restock again.
        self.condition, self.outcome = DEFAULT_CONDITION, DEFAULT_OUTCOME
        self.load()
        self.query_one(Banner).show(outcome.message, "ok")

    def refund_line(self, answer: str) -> None:
        """The line typed or scanned, then how many of it are refunded (Enter: every unit left)."""
        try:
            line = self.desk.pick_refund_line(self.return_id, answer)
        except KioskError as error:
            self.refuse(str(error))
            return
        left = line.shipped - line.earlier_returns - line.this_return

        def answered(count: str | None) -> None:
            if count is not None:
                self.add_refund(line, int(count) if count else left)

        self.app.push_screen(PromptDialog(
            _("Order {order_id}, {item}: how many are refunded? (1 to {left}; Enter: {left})").format(
                order_id=line.order_id, item=line.item, left=left),
            check=lambda count: whole_number(1, left)(count) if count else None, scan_answers=True), answered)

    def add_refund(self, line: ReturnLine, quantity: int) -> None:
        try:
            self.desk.add_refund_line(self.return_id, line.order_id, line.line_no, quantity)
        except KioskError as error:
            self.refuse(str(error))
            return
        self.load()
        self.query_one(Banner).show(_("Refunded: {item} ×{quantity} of order {order_id}.").format(
            item=line.item, quantity=quantity, order_id=line.order_id), "ok")

    def action_add_order(self) -> None:
        view = self.view
        if view is None:
            return

        def answered(number: str | None) -> None:
            if not number:
                return
            try:
                order_id = self.desk.add_return_order(self.return_id, number)
            except KioskError as error:
                self.refuse(str(error))
                return
            self.load()
            self.query_one(Banner).show(_("Return {number} covers order {order_id} too.").format(
                number=self.return_id, order_id=order_id), "ok")

        self.app.push_screen(PromptDialog(
            _("Add another order of buyer {buyer} to this return: type or scan its number.").format(
                buyer=view.buyer_id or "?"), check=required, scan_answers=True), answered)

    def action_next_condition(self) -> None:
        keys = list(CONDITIONS)
        self.condition = keys[(keys.index(self.condition) + 1) % len(keys)]
        self.show_next_unit()

    def action_next_outcome(self) -> None:
        keys = list(OUTCOMES)
        self.outcome = keys[(keys.index(self.outcome) + 1) % len(keys)]
        self.show_next_unit()

    def action_close_return(self) -> None:
        view = self.view
        if view is None:
            return
        try:
            check_closable(view)
        except KioskError as error:
            self.refuse(str(error))
            return

        def closed(result: ReturnView | None) -> None:
            if result is None:
                return
            self.load()
            self.query_one(Banner).show(_("Return {number} closed: amount {amount}.").format(
                number=result.return_id, amount=result.amount_difference), "ok")
            self.post_message(self.ReturnClosed(result.return_id, result.amount_difference))

        self.app.push_screen(CloseReturnDialog(self.desk, view), closed)

    def action_back(self) -> None:
        self.dismiss()

    def refuse(self, message: str) -> None:
        self.query_one(Banner).show(message, "error")
        self.app.refuse(message)


class CloseReturnDialog(StepDialog["ReturnView | None"]):
    """Accessories and packaging complete or not (a parcel), the amount difference, a note."""

    def __init__(self, desk: Desk, view: ReturnView) -> None:
        super().__init__(_("Close return {number}").format(number=view.return_id))
        self.desk = desk
        self.view = view
        parcel = view.kind == "parcel"
        self.accessories: bool | None = None
        self.packaging: bool | None = None
        self.asked = ["accessories", "packaging"] if parcel else []
        self.asked += ["amount", "note"]
        self.amount = Decimal(0)

    @property
    def step(self) -> str:
        return self.asked[len(self.done)]

    def question(self) -> str:
        yes_no = numbered([_("complete"), _("not complete")])
        return {
            "accessories": _("Accessories: {choices}").format(choices=yes_no),
            "packaging": _("Packaging: {choices}").format(choices=yes_no),
            "amount": _("Amount refunded (like 12.50).") if self.view.kind == "refund_only"
            else _("Amount refunded (like 12.50; negative for an extra charge; Enter: 0)."),
            "note": _("A note (Enter: none)."),
        }[self.step]

    def answer(self, text: str) -> None:
        step = self.step
        names = [_("complete"), _("not complete")]
        if step == "accessories":
            self.accessories = choose(text, names) == 0
            self.done.append(_("Accessories: {answer}").format(answer=names[0 if self.accessories else 1]))
        elif step == "packaging":
            self.packaging = choose(text, names) == 0
            self.done.append(_("Packaging: {answer}").format(answer=names[0 if self.packaging else 1]))
        elif step == "amount":
            self.amount = parse_amount(text or "0", allow_negative=True)
            check_amount(self.view, self.amount)
            self.done.append(_("Amount: {amount}").format(amount=self.amount))
        else:
            self.dismiss(self.desk.close_return(self.view.return_id, amount_difference=self.amount,
                                                accessories_complete=self.accessories,
                                                packaging_complete=self.packaging, note=text))
