"""A dialog that asks its questions one at a time, in one field: Enter answers, Escape cancels.

After-sales forms (a buyer's claim, closing a return) are answered at a desk with the keyboard and,
for items, the scanner: one field that takes typing and scans alike, the answers so far above it.
"""

from __future__ import annotations

from typing import TypeVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from kiosk.errors import KioskError
from kiosk.i18n import N_, _
from kiosk.inert import inert
from screens.widgets.scan_input import ScanInput

Answer = TypeVar("Answer")


class StepDialog(ModalScreen[Answer]):
    """Subclasses say what to ask (``question``) and take each answer (``answer``), raising
    KioskError for an answer that cannot be taken; ``done`` lines are what was answered so far."""

    CSS_PATH = "step_dialog.tcss"
    BINDINGS = [Binding("escape", "cancel", N_("Cancel"))]

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title_text = title
        self.done: list[str] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="step-dialog"):
            yield Static(Text(self.title_text), classes="step-title")
            yield Static(id="step-done")
            yield Static(id="step-question")
            # Free text: answers are often Chinese (a buyer's words, a reason).
            yield ScanInput(id="step-answer", max_length=500, free_text=True)
            yield Static(_("Enter: next    Escape: cancel"), classes="step-keys")
            yield Static(id="step-error", classes="step-error")

    def on_mount(self) -> None:
        self.show_question()
        self.query_one(ScanInput).focus()

    def question(self) -> str:
        raise NotImplementedError

    def answer(self, text: str) -> None:
        raise NotImplementedError

    def show_question(self) -> None:
        self.query_one("#step-done", Static).update(Text("\n".join(inert(line) for line in self.done)))
        self.query_one("#step-question", Static).update(Text(self.question()))

    def receive_scan(self, value: str) -> None:
        # The field of a dialog answers the dialog, not the screen underneath.
        try:
            self.answer(value.strip())
        except KioskError as error:
            self.refuse(str(error))
            return
        self.query_one("#step-error", Static).update("")
        if self.is_current:
            self.show_question()

    def refuse(self, message: str) -> None:
        self.query_one("#step-error", Static).update(Text(inert(message)))
        self.app.bell()

    def action_cancel(self) -> None:
        self.dismiss(None)


def choose(text: str, names: list[str]) -> int:
    """The index of a numbered choice typed as 1..len(names), or KioskError."""
    if text.isdigit() and 1 <= int(text) <= len(names):
        return int(text) - 1
    raise KioskError(_("Type a number from 1 to {count}.").format(count=len(names)))


def numbered(names: list[str]) -> str:
    return "   ".join(f"{number} {name}" for number, name in enumerate(names, 1))
