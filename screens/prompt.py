"""Ask for one line of text (a quantity, a reason, a note): F12 answers, Escape cancels.

A packer meets these with a scanner in hand, and a scan is text and Enter: Enter never answers,
so a scan that lands here (its digits would make a fine quantity) is refused and cleared. A
question whose answer IS a scan (an order number, a return parcel's tracking number) is asked
with ``scan_answers=True``: there Enter answers too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from kiosk.i18n import N_, _
from kiosk.inert import inert_lines
from screens.widgets.scan_input import SCAN_SUFFIX_KEYS

# Returns the error to show for an answer, or None when the answer is fine.
Check = Callable[[str], str | None]


class AnswerInput(Input):
    """The answer field: the keys a scanner ends a code with are refused here, before Input's own
    Enter binding could submit (and the field is cleared: what came before them was scanned)."""

    async def _on_key(self, event: events.Key) -> None:
        dialog: PromptDialog = self.screen  # type: ignore[assignment]
        if event.key in SCAN_SUFFIX_KEYS and dialog.scan_answers:
            event.stop()
            event.prevent_default()
            dialog.action_confirm()
            return
        if event.key in SCAN_SUFFIX_KEYS:
            event.stop()
            event.prevent_default()
            self.value = ""
            dialog.refuse_suffix(event.key)


class PromptDialog(ModalScreen[str | None]):
    CSS_PATH = "dialogs.tcss"
    BINDINGS = [
        Binding("f12", "confirm", N_("Done")),
        Binding("escape", "cancel", N_("Cancel")),
    ]

    def __init__(
        self,
        question: str,
        *,
        check: Check | None = None,
        input_type: Literal["text", "integer"] = "text",
        max_length: int = 500,
        value: str = "",
        scan_answers: bool = False,
    ) -> None:
        super().__init__()
        self.scan_answers = scan_answers
        self.question = question
        self.check = check
        self.input_type = input_type
        self.max_length = max_length
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text(inert_lines(self.question)))
            yield AnswerInput(value=self.value, type=self.input_type, max_length=self.max_length, id="answer")
            yield Static(_("F12: done    Escape: cancel"), classes="dialog-keys")
            yield Static(id="prompt-error", classes="dialog-error")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def refuse_suffix(self, key: str) -> None:
        self.query_one("#prompt-error", Static).update(
            _("Type the answer, then press F12: Enter cannot answer here (a scan ends with it)."))
        if key != "tab":  # a scan ends with one suffix: one bell per scan
            self.app.bell()

    def action_confirm(self) -> None:
        answer = self.query_one(AnswerInput).value.strip()
        problem = self.check(answer) if self.check else None
        if problem:
            self.query_one("#prompt-error", Static).update(Text(inert_lines(problem)))
            self.app.bell()
            return
        self.dismiss(answer)

    def action_cancel(self) -> None:
        self.dismiss(None)


def required(answer: str) -> str | None:
    return None if answer else _("Type something first, or Escape to cancel.")


def whole_number(low: int, high: int) -> Check:
    def check(answer: str) -> str | None:
        if answer.isdigit() and low <= int(answer) <= high:
            return None
        return _("Type a number from {low} to {high}, or Escape to cancel.").format(low=low, high=high)

    return check
