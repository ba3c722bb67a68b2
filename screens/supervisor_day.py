"""The keys that reach the supervisor's day: from the exceptions list (F9) the dispatch log, the
manifests, the handover book and the imports; from the queue a packer's own figures and a note
for the next shift. The screens are imported on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.binding import Binding

from kiosk.errors import KioskError
from kiosk.i18n import N_, _
from screens.widgets.banner import Banner

if TYPE_CHECKING:
    from kiosk.desk import Desk
    from screens.app import KioskApp

SUPERVISOR_DAY_BINDINGS = [
    Binding("l", "dispatch_log", N_("Dispatch log")),
    Binding("m", "manifests", N_("Manifests")),
    Binding("h", "handover_book", N_("Handover")),
    Binding("i", "imports", N_("Imports")),
]

# The queue has a scan field: function keys only.
QUEUE_DAY_BINDINGS = [
    Binding("f6", "my_figures", N_("My figures")),
    Binding("f7", "handover_note", N_("Handover note")),
]


class SupervisorDayKeys:
    """Actions of SUPERVISOR_DAY_BINDINGS, for a screen holding a supervisor's desk and a Banner."""

    desk: Desk
    app: KioskApp

    if TYPE_CHECKING:
        def query_one(self, selector: type[Banner]) -> Banner: ...

    def action_dispatch_log(self) -> None:
        from screens.dispatch_log import DispatchLogScreen

        self.app.push_screen(DispatchLogScreen(self.desk))

    def action_manifests(self) -> None:
        from screens.manifest import ManifestCarrierChoice, ManifestScreen

        desk = self.desk
        try:
            waiting = desk.waiting_manifests()
        except KioskError as error:
            self._refuse(str(error))
            return
        if not waiting:
            self._refuse(_("No parcels are waiting for a pickup."))
            return

        def chosen(carrier_ids: list[str] | None) -> None:
            if carrier_ids:
                self.app.open_scan_screen(ManifestScreen(desk, carrier_ids))

        self.app.push_screen(ManifestCarrierChoice(waiting), chosen)

    def action_handover_book(self) -> None:
        from screens.handover import HandoverBookScreen

        self.app.push_screen(HandoverBookScreen(self.desk))

    def action_imports(self) -> None:
        from screens.imports import ImportsScreen

        self.app.push_screen(ImportsScreen(self.desk))

    def _refuse(self, message: str) -> None:
        self.query_one(Banner).show(message, "error")
        self.app.refuse(message)


class QueueDayKeys:
    """Actions of QUEUE_DAY_BINDINGS, for the queue."""

    desk: Desk
    app: KioskApp

    if TYPE_CHECKING:
        def query_one(self, selector: type[Banner]) -> Banner: ...

    def action_my_figures(self) -> None:
        from screens.my_figures import MyFiguresDialog

        self.app.push_screen(MyFiguresDialog(self.desk))

    def action_handover_note(self) -> None:
        from screens.handover import HandoverNoteDialog, note_written_message

        def written(note_id: int | None) -> None:
            if note_id:
                self.query_one(Banner).show(note_written_message(note_id), "ok")

        self.app.push_screen(HandoverNoteDialog(self.desk), written)
