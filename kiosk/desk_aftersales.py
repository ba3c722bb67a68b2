"""What after-sales staff (and supervisors) do at the desk: find orders, read their history and the
buyer's contact data, record claims and resends, check returns in.

Every action acts as the operator logged in at this desk; the core refuses packers again whatever a
screen shows (kiosk.auth.require_aftersales), and so does the desk, before anything is read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from kiosk.auth import require_aftersales

if TYPE_CHECKING:
    import sqlite_utils

    from kiosk.aftersales import Case, CaseView, ResendItem
    from kiosk.auth import Operator
    from kiosk.config import Config
    from kiosk.contacts import Contact
    from kiosk.history import OrderTimeline
    from kiosk.lookup import LookupPage
    from kiosk.returns import ReturnLine, ReturnScanOutcome, ReturnView


class AfterSalesDesk:
    """Mixed into kiosk.desk.Desk: ``db``, ``config``, ``station`` and ``_require_operator`` are the desk's."""

    db: sqlite_utils.Database
    config: Config
    station: str
    _require_operator: Callable[[], Operator]

    def _require_aftersales(self) -> Operator:
        operator = self._require_operator()
        require_aftersales(operator)
        return operator

    @property
    def works_in_aftersales(self) -> bool:
        """Whether the person logged in may search orders and read their histories."""
        operator = self._require_operator()
        return operator.sees_personal_data

    # -- finding and reading ----------------------------------------------------------------------

    def search(self, query: str, page: int = 1) -> LookupPage:
        """Orders by number, tracking number, buyer, phone, e-mail, sku or name; exact keys first."""
        from kiosk.lookup import lookup

        return lookup(self.db, query, self._require_aftersales(), page=page)

    def order_timeline(self, order_id: str) -> OrderTimeline:
        """An order's whole history with the packing evidence of each shipment (``1010`` finds ``#1010``)."""
        from kiosk.history import order_timeline

        return order_timeline(self.db, order_id, self._require_aftersales())

    def order_contact(self, order_id: str) -> Contact:
        """The buyer's contact data as the person logged in may see it: masked for a packer; a full
        look by after-sales or a supervisor is an event."""
        from kiosk.contacts import order_contact

        return order_contact(self.db, order_id, self._require_operator(), self.station)

    # -- claims -----------------------------------------------------------------------------------

    def claims(self, order_id: str) -> tuple[Case, ...]:
        from kiosk.aftersales import cases_for_order

        return cases_for_order(self.db, order_id, self._require_aftersales())

    def claim(self, case_id: int) -> CaseView:
        """A claim with its steps and the packing evidence of its parcel."""
        from kiosk.aftersales import case_view

        return case_view(self.db, case_id, self._require_aftersales())

    def open_claim(self, shipment_id: int, *, kind: str, request: str, amount: str | Decimal = "0",
                   description: str = "", resend: Sequence[ResendItem] = ()) -> Case:
        """Record a buyer's claim against a parcel; with ``resend``, the resend order too.

        A resend that could not be made is refused before the claim is written, so the claim is
        never left without the resend it was recorded for.
        """
        from kiosk.aftersales import check_resend, create_resend, open_case

        operator = self._require_aftersales()
        if resend:
            check_resend(self.db, shipment_id, resend)
        case = open_case(self.db, operator, self.station, shipment_id=shipment_id, kind=kind, request=request,
                         amount=amount, description=description)
        if resend:
            create_resend(self.db, case.case_id, resend, operator, self.station)
            return self.claim(case.case_id).case
        return case

    def set_claim_status(self, case_id: int, status: str, note: str = "") -> Case:
        """Open, waiting for the buyer or waiting for the courier; ``resolved`` needs ``resolve_claim``."""
        from kiosk.aftersales import set_case_status

        return set_case_status(self.db, case_id, status, self._require_aftersales(), self.station, note)

    def resolve_claim(self, case_id: int, resolution: str) -> Case:
        from kiosk.aftersales import resolve_case

        return resolve_case(self.db, case_id, resolution, self._require_aftersales(), self.station)

    def create_resend(self, case_id: int, items: Sequence[ResendItem]) -> str:
        """A new paid order, flagged as a resend in the packers' queue, with only ``items``; returns its id."""
        from kiosk.aftersales import create_resend

        return create_resend(self.db, case_id, items, self._require_aftersales(), self.station)

    # -- returns ----------------------------------------------------------------------------------

    def register_return(self, order_id: str, *, return_tracking: str = "", refund_only: bool = False,
                        case_id: int | None = None) -> int:
        """Open a return for a shipped order (a parcel, or a refund without one); returns its id."""
        from kiosk.returns import register_return

        return register_return(self.db, order_id, self._require_aftersales(), self.station,
                               return_tracking=return_tracking, refund_only=refund_only, case_id=case_id)

    def find_return(self, return_tracking: str) -> int:
        from kiosk.returns import find_return

        return find_return(self.db, return_tracking, self._require_aftersales())

    def returns(self, order_id: str) -> tuple[ReturnView, ...]:
        from kiosk.returns import returns_for_order

        return returns_for_order(self.db, order_id, self._require_aftersales())

    def return_view(self, return_id: int) -> ReturnView:
        from kiosk.returns import return_view

        return return_view(self.db, return_id, self._require_aftersales())

    def add_return_order(self, return_id: int, order_id: str) -> str:
        """Let a return cover another shipped order of the same buyer (typed or scanned); returns its id."""
        from kiosk.returns import add_order

        return add_order(self.db, return_id, order_id, self._require_aftersales(), self.station)

    def receive_return_item(self, return_id: int, code: str, *, condition: str, outcome: str,
                            quantity: int = 1) -> ReturnScanOutcome:
        """A unit scanned back in, checked as at packing: a wrong item is refused (and recorded)."""
        from kiosk.returns import receive_item

        return receive_item(self.db, return_id, code, self._require_aftersales(), self.station,
                            condition=condition, outcome=outcome, quantity=quantity)

    def pick_refund_line(self, return_id: int, answer: str) -> ReturnLine:
        """The line of a refund-only return meant by its number on screen, its sku or a barcode."""
        from kiosk.returns import pick_refund_line

        return pick_refund_line(self.db, return_id, answer, self._require_aftersales())

    def add_refund_line(self, return_id: int, order_id: str, line_no: int, quantity: int) -> None:
        from kiosk.returns import add_refund_line

        add_refund_line(self.db, return_id, order_id, line_no, quantity, self._require_aftersales(), self.station)

    def close_return(self, return_id: int, *, amount_difference: str | Decimal,
                     accessories_complete: bool | None = None, packaging_complete: bool | None = None,
                     note: str = "") -> ReturnView:
        from kiosk.returns import close_return

        return close_return(self.db, return_id, self._require_aftersales(), self.station,
                             amount_difference=amount_difference, accessories_complete=accessories_complete,
                             packaging_complete=packaging_complete, note=note)
