"""Reporting a problem from the pack screen: a few keys and the scanner, one question at a time."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from kiosk.errors import KioskError
from kiosk.hold_reasons import PROBLEM_KINDS
from kiosk.i18n import N_, _
from kiosk.inert import inert, inert_lines
from screens.widgets.scan_input import ScanInput

if TYPE_CHECKING:
    from kiosk.desk import Desk

Outcome = Literal["hold", "short"]
KIND_KEYS = {"1": "damaged", "2": "missing", "3": "wrong_item", "4": "other"}


@dataclass(frozen=True)
class ProblemReport:
    kind: str
    line_no: int | None
    quantity: int
    description: str
    photo_path: str
    outcome: Outcome


class ProblemDialog(ModalScreen[ProblemReport | None]):
    """Kind (1-4), item (scan it or type its line number), quantity, description, photo, then hold or ship short."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS = [Binding("escape", "cancel", N_("Cancel"))]

    def __init__(self, desk: Desk) -> None:
        super().__init__()
        self.desk = desk
        session = desk.session
        assert session is not None, "a problem is reported on an open order"
        self.session = session
        self.kind = ""
        self.line_no: int | None = None
        self.quantity = 0
        self.description = ""
        self.photo_path = ""
        self.step = "kind"

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text(_("Problem with order {order_id}").format(order_id=inert(self.session.order_id))),
                         classes="dialog-title")
            yield Static(id="problem-question")
            # Free text: the description is often Chinese.
            yield ScanInput(id="problem-answer", free_text=True)
            yield Static(_("Enter: next    Escape: cancel"), classes="dialog-keys")
            yield Static(id="problem-error", classes="dialog-error")

    def on_mount(self) -> None:
        self._ask("kind")
        self.query_one("#problem-answer").focus()

    def _ask(self, step: str) -> None:
        self.step = step
        kinds = "   ".join(f"{key} {_(PROBLEM_KINDS[kind])}" for key, kind in KIND_KEYS.items())
        lines = "\n".join(f"{p.line.line_no}  {p.line.description}  ({p.packed}/{p.expected})"
                          for p in self.session.lines)
        questions = {
            "kind": _("What went wrong? Type its number, then Enter.") + "\n" + kinds,
            "line": _("Which item? Scan it or type its line number; Enter alone means the whole order.") + "\n"
            + lines,
            "quantity": _("How many units?"),
            "description": _("Describe it (what you see, what the buyer asked for)."),
            "photo": _("Photo file, if you took one (Enter to skip)."),
            "outcome": _("H: hold the order for a supervisor") + "\n" + (
                _("S: ship short now (a supervisor approves)") if self.line_no is not None
                else _("S: ship the units packed so far (a supervisor approves)")),
        }
        self.query_one("#problem-question", Static).update(Text(questions[step]))
        # Only the placeholder changes: a scanner may already be typing the next answer into the field.
        self.query_one("#problem-answer", ScanInput).placeholder = "1" if step == "quantity" else ""

    def receive_scan(self, value: str) -> None:
        # The scan field of a dialog answers the dialog, not the screen underneath.
        self.query_one("#problem-error", Static).update("")
        try:
            getattr(self, f"_answer_{self.step}")(value.strip())
        except KioskError as error:
            self.query_one("#problem-error", Static).update(Text(inert_lines(str(error))))
            self.app.bell()

    def _answer_kind(self, answer: str) -> None:
        if answer not in KIND_KEYS:
            raise KioskError(_("Type 1, 2, 3 or 4."))
        self.kind = KIND_KEYS[answer]
        self._ask("line")

    def _answer_line(self, answer: str) -> None:
        self.line_no = self._line_for(answer) if answer else None
        self._ask("quantity" if self.line_no is not None else "description")

    def _line_for(self, answer: str) -> int:
        """A line number typed, or the line of a scanned item code."""
        if answer.isdigit() and any(p.line.line_no == int(answer) for p in self.session.lines):
            return int(answer)
        line_no = self.session.line_for_code(answer)
        if line_no is None:
            raise KioskError(_("{code} is not an item of this order: scan one of its items or type a line number.")
                             .format(code=answer))
        return line_no

    def _answer_quantity(self, answer: str) -> None:
        answer = answer or "1"
        if not answer.lstrip("-").isdigit():
            raise KioskError(_("Type a number."))
        self.quantity = int(answer)
        self.desk.check_problem(self.kind, self.line_no, self.quantity, "x")
        self._ask("description")

    def _answer_description(self, answer: str) -> None:
        self.desk.check_problem(self.kind, self.line_no, self.quantity, answer)
        self.description = answer
        self._ask("photo")

    def _answer_photo(self, answer: str) -> None:
        # A photo that is not there is refused now, while the packer can still type it again.
        self.desk.check_problem(self.kind, self.line_no, self.quantity, self.description, answer)
        self.photo_path = answer
        self._ask("outcome")

    def _answer_outcome(self, answer: str) -> None:
        choice = {"H": "hold", "S": "short"}.get(answer.upper())
        if choice is None:
            raise KioskError(_("Type H to hold the order or S to ship it short."))
        self._finish(choice)

    def _finish(self, outcome: Outcome) -> None:
        self.dismiss(ProblemReport(self.kind, self.line_no, self.quantity, self.description, self.photo_path,
                                   outcome))

    def action_cancel(self) -> None:
        self.dismiss(None)
