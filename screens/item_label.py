"""Print new barcode stickers for an item: scan (or type) its code or SKU, then how many."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from kiosk.errors import KioskError
from kiosk.i18n import N_, _
from kiosk.inert import inert, inert_lines
from kiosk.item_labels import MAX_COPIES, ItemLabelRequest, check_copies
from screens.widgets.scan_input import ScanInput

if TYPE_CHECKING:
    from kiosk.desk import Desk


class ItemLabelDialog(ModalScreen[ItemLabelRequest | None]):
    """Dismisses with the code and the number of stickers, or None when cancelled."""

    CSS_PATH = "dialogs.tcss"
    DEFAULT_CSS = """
    ItemLabelDialog { align: center middle; background: $background 70%; }
    ItemLabelDialog #item-found { color: $success; }
    """
    BINDINGS = [Binding("escape", "cancel", N_("Cancel"))]

    def __init__(self, desk: Desk, code: str = "") -> None:
        super().__init__()
        self.desk = desk
        self.code = code

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(_("Print item labels"), classes="dialog-title")
            yield Static(_("Scan the item's barcode (or type its code or SKU), then Enter."), id="item-prompt")
            yield ScanInput(value=self.code, placeholder=_("item code or SKU"), id="item-code")
            yield Static(id="item-found")
            yield Input(value="1", type="integer", max_length=3, id="item-copies")
            yield Static(_("Enter: print    Escape: cancel"), classes="dialog-keys")
            yield Static(id="item-error", classes="dialog-error")

    def on_mount(self) -> None:
        self.query_one("#item-copies").display = False
        self.query_one("#item-code").focus()

    def _error(self, message: str) -> None:
        self.query_one("#item-error", Static).update(Text(inert_lines(message)))
        self.app.bell()

    def receive_scan(self, value: str) -> None:
        # The scan field of a dialog answers the dialog, not the screen underneath.
        try:
            item = self.desk.find_item(value)
        except KioskError as error:
            self._error(str(error))
            return
        self.code = item.code
        self.query_one("#item-error", Static).update("")
        self.query_one("#item-found", Static).update(
            Text(_("{name} {variant}: {code}").format(name=inert(item.name), variant=inert(item.variant),
                                                      code=inert(item.code)))
        )
        self.query_one("#item-prompt", Static).update(
            _("How many labels? Type a number from 1 to {limit}, then Enter.").format(limit=MAX_COPIES)
        )
        self.query_one("#item-code").display = False
        copies = self.query_one("#item-copies", Input)
        copies.display = True
        copies.focus()

    @on(Input.Submitted, "#item-copies")
    def copies_entered(self, message: Input.Submitted) -> None:
        text = message.value.strip()
        try:
            copies = check_copies(int(text) if text.isdigit() else 0)
        except KioskError as error:
            self._error(str(error))
            return
        self.dismiss(ItemLabelRequest(self.code, copies))

    def action_cancel(self) -> None:
        self.dismiss(None)
