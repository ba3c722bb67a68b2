"""The shift handover book: the notes for this shift, acknowledged one by one right after login; a note
for the next shift (from the queue or the supervisor's screens); the notes nobody acknowledged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Input, Static

from kiosk.cells import truncate_cells
from kiosk.errors import KioskError
from kiosk.i18n import N_, _, format_number
from screens.messages import LogOutRequested
from screens.supervisor_list import SupervisorListScreen
from screens.widgets.banner import Banner
from screens.widgets.footer import KioskFooter
from screens.widgets.scan_input import SCAN_SUFFIX_KEYS, ScanInput

if TYPE_CHECKING:
    from kiosk.desk import Desk
    from kiosk.handover import HandoverNote

# The table shows the start of a note; the whole text is under it.
NOTE_CELLS = 40


@dataclass
class NoteAcknowledged(Message):
    """The operator logged in has read a handover note."""

    note_id: int


@dataclass
class NoteWritten(Message):
    """A note for the next shift is in the book."""

    note_id: int


def note_cells(note: HandoverNote, written: str) -> tuple[Text, ...]:
    """A note's row; `written` is its time as the shop reads it."""
    return (Text(written), Text(note.author_name), Text(note.for_shift),
            Text(" ".join(note.order_ids) or "-"), Text(truncate_cells(" ".join(note.text.split()), NOTE_CELLS)))


def note_text(note: HandoverNote, written: str) -> Text:
    text = Text(_("Note {number} from {name}, {when}, for the {shift} shift").format(
        number=note.note_id, name=note.author_name, when=written, shift=note.for_shift) + "\n",
        style="bold")
    if note.order_ids:
        text.append(_("Orders: {orders}").format(orders=" ".join(note.order_ids)) + "\n")
    text.append(note.text)
    return text


def note_columns() -> tuple[str, ...]:
    return _("Written"), _("By"), _("For shift"), _("Orders"), _("Note")


def notes_layout() -> ComposeResult:
    """What both note screens show: a header, the notes, the one under the cursor, feedback, keys."""
    yield Static(id="handover-header")
    yield DataTable(id="notes", cursor_type="row", zebra_stripes=True)
    yield Static(id="note-text")
    yield Banner(id="banner")
    yield KioskFooter()


def notes_table(screen: Screen) -> DataTable:
    """The notes table of a note screen, its columns set and the focus on it."""
    table = screen.query_one(DataTable)
    table.add_columns(*note_columns())
    table.focus()
    return table


class HandoverAckScreen(Screen[None]):
    """Right after login: each note for this shift the operator has not read, acknowledged with F2.

    Closes by itself when every note is acknowledged. A scanner is in hand: keys are function keys,
    and a scan is refused visibly (nothing else happens).
    """

    CSS_PATH = "handover.tcss"
    BINDINGS = [
        Binding("f2", "acknowledge", N_("Read it")),
        Binding("f10", "log_out", N_("Log out")),
    ]

    def __init__(self, desk: Desk, notes: list[HandoverNote]) -> None:
        super().__init__()
        self.desk = desk
        self.notes = list(notes)

    def compose(self) -> ComposeResult:
        yield from notes_layout()

    def on_mount(self) -> None:
        notes_table(self)
        self.show()

    def show(self) -> None:
        operator = self.desk.operator
        self.query_one("#handover-header", Static).update(Text(
            _("Handover notes for your shift · {name}: {count} to read, F2 after reading each").format(
                name=operator.name if operator else "", count=format_number(len(self.notes)))))
        table = self.query_one(DataTable)
        table.clear()
        for note in self.notes:
            table.add_row(*note_cells(note, self.desk.shop_time(note.written_at)), key=str(note.note_id))
        self._show_text()

    @on(DataTable.RowHighlighted)
    def _show_text(self) -> None:
        row = self.query_one(DataTable).cursor_row
        note = self.notes[row] if 0 <= row < len(self.notes) else None
        self.query_one("#note-text", Static).update(
            note_text(note, self.desk.shop_time(note.written_at)) if note else "")

    def on_key(self, event: events.Key) -> None:
        if event.key in SCAN_SUFFIX_KEYS or event.is_printable:
            event.stop()
            event.prevent_default()
            if event.key in SCAN_SUFFIX_KEYS:
                message = _("Read the handover notes first (F2 after each): that scan was not taken.")
                self.query_one(Banner).show(message, "error")
                self.app.refuse(message)

    def action_acknowledge(self) -> None:
        row = self.query_one(DataTable).cursor_row
        if not 0 <= row < len(self.notes):
            return
        note = self.notes[row]
        try:
            self.desk.acknowledge_handover_note(note.note_id)
        except KioskError as error:
            self.query_one(Banner).show(str(error), "error")
            self.app.refuse(str(error))
            return
        self.notes.pop(row)
        self.post_message(NoteAcknowledged(note.note_id))
        if not self.notes:
            self.dismiss(None)
            return
        self.show()
        self.query_one(Banner).show(_("Note {number} read.").format(number=note.note_id), "ok")

    def action_log_out(self) -> None:
        self.post_message(LogOutRequested())


class HandoverNoteDialog(ModalScreen["int | None"]):
    """A note for the next shift: the text, then order numbers (scanned or typed, Enter after each),
    F2 writes it, Escape cancels. Nothing is written until the core accepts the whole note."""

    CSS_PATH = ["dialogs.tcss", "handover.tcss"]
    BINDINGS = [
        Binding("f2", "save", N_("Write note")),
        Binding("f3", "drop_order", N_("Remove last order")),
        Binding("escape", "cancel", N_("Cancel")),
    ]

    def __init__(self, desk: Desk) -> None:
        super().__init__()
        self.desk = desk
        self.order_ids: list[str] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(_("A note for the next shift (what is pending, promises to buyers, problems, low"
                           " packing material)"), classes="dialog-title")
            yield Input(placeholder=_("the note"), max_length=1000, id="note-text")
            yield ScanInput(placeholder=_("order numbers it is about: scan or type each, then Enter"),
                            id="note-orders")
            yield Static(id="note-order-list")
            yield Static(_("F2: write the note    F3: remove the last order    Escape: cancel"),
                         classes="dialog-keys")
            yield Static(id="note-error", classes="dialog-error")

    def on_mount(self) -> None:
        self.query_one("#note-text", Input).focus()
        self._show_orders()

    @on(Input.Submitted, "#note-text")
    def text_done(self) -> None:
        self.query_one("#note-orders", ScanInput).focus()

    def receive_scan(self, value: str) -> None:
        """An order number from the order field (its scanner suffix or Enter)."""
        order_id = value.strip()
        if order_id and order_id not in self.order_ids:
            self.order_ids.append(order_id)
        self._show_orders()

    def _show_orders(self) -> None:
        self.query_one("#note-order-list", Static).update(Text(
            _("Orders: {orders}").format(orders=" ".join(self.order_ids) or "-")))

    def action_drop_order(self) -> None:
        if self.order_ids:
            self.order_ids.pop()
        self._show_orders()

    def action_save(self) -> None:
        text = self.query_one("#note-text", Input).value
        try:
            note_id = self.desk.write_handover_note(text, self.order_ids)
        except KioskError as error:
            self.query_one("#note-error", Static).update(Text(str(error)))
            self.app.bell()
            return
        self.post_message(NoteWritten(note_id))
        self.dismiss(note_id)

    def action_cancel(self) -> None:
        self.dismiss(None)


def note_written_message(note_id: int | None) -> str:
    return _("Handover note {number} written for the next shift.").format(number=note_id) if note_id else ""


class HandoverBookScreen(SupervisorListScreen["HandoverNote"]):
    """For supervisors: the notes whose shift has begun and that nobody acknowledged; W writes one."""

    CSS_PATH = "handover.tcss"
    BINDINGS = [Binding("w", "write", N_("Write a note"))]

    def compose(self) -> ComposeResult:
        yield from notes_layout()

    def on_mount(self) -> None:
        notes_table(self)
        self.reload()

    def reload(self) -> None:
        succeeded, rows = self.attempt(self.desk.unacknowledged_handover_notes)
        self.rows = rows if succeeded and rows is not None else []
        self.query_one("#handover-header", Static).update(Text(
            _("Handover notes nobody acknowledged: {count} · {name}").format(
                count=format_number(len(self.rows)), name=self.supervisor.name)))
        table = self.query_one(DataTable)
        table.clear()
        for note in self.rows:
            table.add_row(*note_cells(note, self.desk.shop_time(note.written_at)), key=str(note.note_id))
        if succeeded and not self.rows:
            self.query_one(Banner).show(_("Every note has been read by someone."), "info")
        self._show_text()

    @on(DataTable.RowHighlighted)
    def _show_text(self) -> None:
        note = self.current
        self.query_one("#note-text", Static).update(
            note_text(note, self.desk.shop_time(note.written_at)) if note else "")

    def action_write(self) -> None:
        def written(note_id: int | None) -> None:
            if note_id:
                self.reload()
                self.query_one(Banner).show(note_written_message(note_id), "ok")

        self.app.push_screen(HandoverNoteDialog(self.desk), written)
