"""Ask for one line of text (a quantity, a reason, a note): Enter answers, Escape cancels."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from kiosk.i18n import N_, _
from kiosk.inert import inert_lines

# Returns the error to show for an answer, or None when the answer is fine.
Check = Callable[[str], str | None]


class PromptDialog(ModalScreen[str | None]):
    CSS_PATH = "dialogs.tcss"
    BINDINGS = [Binding("escape", "cancel", N_("Cancel"))]

    def __init__(
        self,
        question: str,
        *,
        check: Check | None = None,
        input_type: Literal["text", "integer"] = "text",
        max_length: int = 500,
        value: str = "",
    ) -> None:
        super().__init__()
        self.question = question
        self.check = check
        self.input_type = input_type
        self.max_length = max_length
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text(inert_lines(self.question)))
            yield Input(value=self.value, type=self.input_type, max_length=self.max_length, id="answer")
            yield Static(_("Enter: done    Escape: cancel"), classes="dialog-keys")
            yield Static(id="prompt-error", classes="dialog-error")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def submitted(self, message: Input.Submitted) -> None:
        answer = message.value.strip()
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
