"""A buyer's claim against a parcel: what went wrong, what the buyer asks, how much, what they say,
and for a resend or an exchange which lines and how many units go out again."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from kiosk.aftersales import CASE_KINDS, CASE_STATUSES, DESCRIPTION_REQUIRED, REQUESTS, ResendItem, parse_amount
from kiosk.errors import KioskError
from kiosk.i18n import _
from screens.step_dialog import StepDialog, choose, numbered

if TYPE_CHECKING:
    from kiosk.aftersales import Case
    from kiosk.desk import Desk
    from kiosk.evidence import ShipmentEvidence
    from kiosk.history import OrderTimeline
    from kiosk.orders import OrderLine

# Requests that send goods again: the dialog asks which lines.
SENDS_AGAIN = ("resend", "exchange")


def parcel_name(shipment: ShipmentEvidence) -> str:
    text = f"{shipment.carrier} {shipment.tracking_number}"
    if shipment.package_count > 1:
        text += " · " + _("package {number} of {count}").format(number=shipment.package_no,
                                                                count=shipment.package_count)
    return text


@dataclass
class ClaimAnswers:
    shipment: ShipmentEvidence | None = None
    kind: str = ""
    request: str = ""
    amount: Decimal | None = None
    description: str | None = None
    line_index: int = 0
    # The quantity of the line being asked, when an exchange still needs its sku.
    pending_quantity: int = 0


class ClaimDialog(StepDialog["Case | None"]):
    """Dismisses with the claim recorded (its resend order made), or None."""

    def __init__(self, desk: Desk, timeline: OrderTimeline) -> None:
        super().__init__(_("Buyer's claim · order {order_id}").format(order_id=timeline.order_id))
        self.desk = desk
        self.timeline = timeline
        self.parcels = [shipment for shipment in timeline.shipments if not shipment.void]
        self.lines: tuple[OrderLine, ...] = timeline.lines
        self.answers = ClaimAnswers(shipment=self.parcels[0] if len(self.parcels) == 1 else None)
        self.items: list[ResendItem] = []

    def question(self) -> str:
        answers = self.answers
        if answers.shipment is None:
            return _("Which parcel? {choices}").format(choices=numbered([parcel_name(p) for p in self.parcels]))
        if not answers.kind:
            return _("What went wrong? {choices}").format(choices=numbered([_(name) for name in CASE_KINDS.values()]))
        if not answers.request:
            return _("What does the buyer ask for? {choices}").format(
                choices=numbered([_(name) for name in REQUESTS.values()]))
        if answers.amount is None:
            return _("Amount the buyer asks for (like 12.50; Enter: none).")
        if answers.description is None:
            if answers.kind in DESCRIPTION_REQUIRED:
                return _("What does the buyer say? (needed for {kind})").format(kind=_(CASE_KINDS[answers.kind]))
            return _("What does the buyer say? (Enter: nothing)")
        line = self.lines[answers.line_index]
        if answers.pending_quantity:
            return _("Send which item instead of {item}? Scan it or type its sku (Enter: the same).").format(
                item=line.description)
        return _("Line {line_no}: {item} ×{quantity}. How many to send again? (0 to {quantity}; Enter: 0)").format(
            line_no=line.line_no, item=line.description, quantity=line.quantity)

    def answer(self, text: str) -> None:
        answers = self.answers
        if answers.shipment is None:
            answers.shipment = self.parcels[choose(text, [parcel_name(p) for p in self.parcels])]
            self.done.append(_("Parcel: {parcel}").format(parcel=parcel_name(answers.shipment)))
        elif not answers.kind:
            answers.kind = list(CASE_KINDS)[choose(text, list(CASE_KINDS))]
            self.done.append(_("What went wrong: {kind}").format(kind=_(CASE_KINDS[answers.kind])))
        elif not answers.request:
            answers.request = list(REQUESTS)[choose(text, list(REQUESTS))]
            self.done.append(_("The buyer asks for: {request}").format(request=_(REQUESTS[answers.request])))
        elif answers.amount is None:
            amount = parse_amount(text or "0")
            if answers.request == "partial_refund" and amount <= 0:
                raise KioskError(_("A partial refund needs its amount."))
            answers.amount = amount
            self.done.append(_("Amount: {amount}").format(amount=amount))
        elif answers.description is None:
            if answers.kind in DESCRIPTION_REQUIRED and not text:
                raise KioskError(_("Describe what the buyer says: it is needed for {kind}.").format(
                    kind=_(CASE_KINDS[answers.kind])))
            answers.description = text
            if text:
                self.done.append(_("The buyer says: {text}").format(text=text))
            if answers.request not in SENDS_AGAIN:
                self.record()
        else:
            self.take_line(text)

    def take_line(self, text: str) -> None:
        answers = self.answers
        line = self.lines[answers.line_index]
        if answers.pending_quantity:
            sku = self.desk.find_item(text).sku if text else None
            self.items.append(ResendItem(line.line_no, answers.pending_quantity, sku))
            self.done.append(_("Send again: {item} ×{quantity}").format(
                item=sku or line.description, quantity=answers.pending_quantity))
            answers.pending_quantity = 0
        else:
            quantity = int(text) if text.isdigit() else (0 if not text else -1)
            if not 0 <= quantity <= line.quantity:
                raise KioskError(_("Type a number from 0 to {count}.").format(count=line.quantity))
            if quantity and answers.request == "exchange":
                answers.pending_quantity = quantity
                return
            if quantity:
                self.items.append(ResendItem(line.line_no, quantity))
                self.done.append(_("Send again: {item} ×{quantity}").format(item=line.description,
                                                                            quantity=quantity))
        answers.line_index += 1
        if answers.line_index < len(self.lines):
            return
        if not self.items:
            answers.line_index = 0
            raise KioskError(_("Choose the items to send again."))
        self.record()

    def record(self) -> None:
        answers = self.answers
        assert answers.shipment is not None and answers.amount is not None
        try:
            case = self.desk.open_claim(answers.shipment.shipment_id, kind=answers.kind, request=answers.request,
                                        amount=answers.amount, description=answers.description or "",
                                        resend=self.items)
        except KioskError:
            # Nothing was recorded: the lines can be chosen again.
            self.items.clear()
            self.answers.line_index = 0
            raise
        self.dismiss(case)


class ClaimStatusDialog(StepDialog["Case | None"]):
    """Moves one of an order's claims on: waiting for the buyer or the courier, open again, or resolved."""

    def __init__(self, desk: Desk, cases: list[Case]) -> None:
        super().__init__(_("Claim status"))
        self.desk = desk
        self.cases = cases
        self.case: Case | None = cases[0] if len(cases) == 1 else None
        self.status = ""
        if self.case is not None:
            self.done.append(self.case_name(self.case))

    @staticmethod
    def case_name(case: Case) -> str:
        return _("Claim {number}: {kind}, {status}").format(number=case.case_id, kind=case.kind_name,
                                                           status=case.status_name)

    def question(self) -> str:
        if self.case is None:
            return _("Which claim? {choices}").format(choices=numbered([self.case_name(c) for c in self.cases]))
        if not self.status:
            return _("Set it to: {choices}").format(choices=numbered([_(name) for name in CASE_STATUSES.values()]))
        if self.status == "resolved":
            return _("How was it resolved?")
        return _("A note for this step (Enter: none).")

    def answer(self, text: str) -> None:
        if self.case is None:
            self.case = self.cases[choose(text, [self.case_name(c) for c in self.cases])]
            self.done.append(self.case_name(self.case))
        elif not self.status:
            self.status = list(CASE_STATUSES)[choose(text, list(CASE_STATUSES))]
            if self.status == self.case.status:
                status, self.status = self.case.status_name, ""
                raise KioskError(_("Claim {case_id} is already {status}.").format(case_id=self.case.case_id,
                                                                                 status=status))
        elif self.status == "resolved":
            if not text:
                raise KioskError(_("Write how the claim was resolved."))
            self.dismiss(self.desk.resolve_claim(self.case.case_id, text))
        else:
            self.dismiss(self.desk.set_claim_status(self.case.case_id, self.status, text))
