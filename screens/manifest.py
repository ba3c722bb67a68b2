"""Carrier manifests at the end of the day: choose the carriers, scan each parcel's label as it goes
into the courier's cage, see what is missing, close (F10, then F12) to record the pickup and print
the pages a courier signs.

A scanner is in hand here: every action is a function key, and scans go to the carrier shown (F3
shows the next one). A label of another carrier, of a voided parcel or of an unknown number is
refused with a red banner and the bell, and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import DataTable, SelectionList, Static

from kiosk.errors import KioskError
from kiosk.i18n import N_, _, format_number, ngettext
from screens.confirm import ConfirmDialog
from screens.scan_screen import ScanScreen
from screens.widgets.banner import Banner
from screens.widgets.footer import KioskFooter
from screens.widgets.scan_input import ScanInput

if TYPE_CHECKING:
    from kiosk.desk import Desk
    from kiosk.desk_supervisor import ClosedManifest, WaitingManifest
    from kiosk.manifests import Manifest


@dataclass
class ManifestsClosed(Message):
    """A pickup was recorded: the manifests closed and where their pages were written."""

    manifest_ids: tuple[int, ...]
    files: tuple[str, ...]


class ManifestCarrierChoice(ModalScreen["list[str] | None"]):
    """The carriers whose parcels go out now: Space ticks one, F2 goes on (with the highlighted one if
    none is ticked), Escape cancels."""

    CSS_PATH = ["dialogs.tcss", "manifest.tcss"]
    BINDINGS = [
        Binding("f2", "start", N_("Scan labels")),
        Binding("escape", "cancel", N_("Cancel")),
    ]

    def __init__(self, waiting: list[WaitingManifest]) -> None:
        super().__init__()
        self.waiting = waiting

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(_("Which carriers' parcels go out now?"), classes="dialog-title")
            yield SelectionList[str](*(
                (Text(ngettext("{carrier}: {parcels} parcel, {scanned} scanned",
                               "{carrier}: {parcels} parcels, {scanned} scanned", m.parcels).format(
                    carrier=m.name, parcels=format_number(m.parcels), scanned=format_number(m.scanned))),
                 m.carrier_id) for m in self.waiting), id="carriers")
            yield Static(_("Space: tick a carrier    F2: scan labels    Escape: cancel"), classes="dialog-keys")

    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()

    def action_start(self) -> None:
        choice = self.query_one(SelectionList)
        chosen = list(choice.selected)
        if not chosen and choice.highlighted is not None:
            chosen = [self.waiting[choice.highlighted].carrier_id]
        if chosen:
            self.dismiss(chosen)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ManifestScreen(ScanScreen):
    CSS_PATH = "manifest.tcss"
    BINDINGS = [
        Binding("f3", "next_carrier", N_("Next carrier")),
        Binding("f10", "close_manifests", N_("Close manifests")),
        Binding("escape", "leave", N_("Leave")),
    ]

    def __init__(self, desk: Desk, carrier_ids: list[str]) -> None:
        super().__init__()
        self.desk = desk
        self.carrier_ids = list(dict.fromkeys(carrier_ids))
        self.current = 0
        self.manifests: dict[str, Manifest] = {}

    def compose(self) -> ComposeResult:
        yield Static(id="manifest-header")
        yield Static(id="manifest-carrier")
        yield ScanInput(placeholder=_("scan each parcel's label as it goes into the courier's cage"), id="scan")
        yield Banner(id="banner")
        yield DataTable(id="parcels", cursor_type="row", zebra_stripes=True)
        yield Static(id="manifest-pages")
        yield KioskFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.can_focus = False  # the scan field keeps the focus
        self.query_one("#manifest-pages").display = False
        self.load()
        self.query_one(ScanInput).focus()

    # -- showing -------------------------------------------------------------

    def load(self) -> None:
        for carrier_id in self.carrier_ids:
            try:
                self.manifests[carrier_id] = self.desk.manifest(carrier_id)
            except KioskError as error:
                self.refuse(str(error))
        self.show()

    @property
    def carrier_id(self) -> str:
        return self.carrier_ids[self.current]

    def show(self) -> None:
        names = ", ".join(m.carrier_name for m in self.manifests.values())
        operator = self.desk.operator
        self.query_one("#manifest-header", Static).update(Text(_("Pickup manifests · {carriers} · {name}").format(
            carriers=names, name=operator.name if operator else "")))
        manifest = self.manifests.get(self.carrier_id)
        table = self.query_one(DataTable)
        # Columns anew: each carrier's numbers have their own width.
        table.clear(columns=True)
        table.add_columns(_("State"), _("Tracking number"), _("Order"), _("Parcel"), _("Shipped"), _("Packer"),
                          _("Note"))
        if manifest is None:
            return
        self.query_one("#manifest-carrier", Static).update(Text(
            _("{carrier} manifest {day}: {scanned} of {parcels} scanned, {missing} missing").format(
                carrier=manifest.carrier_name, day=manifest.ship_date.isoformat(),
                scanned=format_number(len(manifest.ticked)), parcels=format_number(len(manifest.parcels)),
                missing=format_number(len(manifest.missing)))
            + (f"  ·  {self.current + 1}/{len(self.carrier_ids)}" if len(self.carrier_ids) > 1 else "")))
        # What is missing first: that is what the courier must not leave without.
        for parcel in [*manifest.missing, *manifest.ticked]:
            state = Text(_("scanned"), style="bold green") if parcel.ticked else Text(_("MISSING"), style="bold red")
            shipped = self.desk.shop_clock(parcel.shipped_at)
            table.add_row(state, Text(parcel.tracking_number), Text(parcel.order_id),
                          f"{parcel.package_no}/{parcel.package_count}", shipped, Text(parcel.packer),
                          _("left behind last pickup") if parcel.carried_over else "")
        if not manifest.parcels:
            self.query_one(Banner).show(_("No {carrier} parcels since the last pickup.").format(
                carrier=manifest.carrier_name), "info")

    def refuse(self, message: str) -> None:
        self.query_one(Banner).show(message, "error")
        self.app.refuse(message)

    # -- scans and keys ------------------------------------------------------

    def handle_scan(self, value: str) -> None:
        if not value.strip():
            self.refuse(_("Scan a parcel's label."))
            return
        try:
            tick = self.desk.scan_manifest_label(self.carrier_id, value)
        except KioskError as error:
            self.refuse(str(error))
            return
        self.manifests[self.carrier_id] = manifest = tick.manifest
        self.show()
        number = tick.parcel.tracking_number
        if tick.already:
            self.query_one(Banner).show(_("{number} was scanned already.").format(number=number), "info")
        elif not manifest.missing:
            self.query_one(Banner).show(_(
                "{number}: every {carrier} parcel is scanned ({parcels}). F10 closes the manifest.").format(
                number=number, parcels=format_number(len(manifest.parcels)), carrier=manifest.carrier_name), "ok")
        else:
            self.query_one(Banner).show(_("{number}: OK, {missing} still missing.").format(
                number=number, missing=format_number(len(manifest.missing))), "ok")

    def action_next_carrier(self) -> None:
        self.current = (self.current + 1) % len(self.carrier_ids)
        self.query_one(Banner).show("")
        self.show()

    def action_close_manifests(self) -> None:
        parts = []
        for manifest in self.manifests.values():
            part = _("{carrier}: {scanned} of {parcels} scanned").format(
                carrier=manifest.carrier_name, scanned=format_number(len(manifest.ticked)),
                parcels=format_number(len(manifest.parcels)))
            if manifest.missing:
                part += " " + _("({missing} left for the next pickup)").format(
                    missing=format_number(len(manifest.missing)))
            parts.append(part)
        question = _("Close and print the manifests? {summary}. The pickup is recorded.").format(
            summary="; ".join(parts))

        def answered(yes: bool | None) -> None:
            if yes:
                self._close()

        self.app.push_screen(ConfirmDialog(question), answered)

    def _close(self) -> None:
        try:
            closed = self.desk.close_manifests(list(self.manifests))
        except KioskError as error:
            self.refuse(str(error))
            return
        self.load()
        self.show_closed(closed)
        self.query_one(Banner).show(_("Pickup recorded; the manifest pages are written (below)."), "ok")
        self.post_message(ManifestsClosed(tuple(c.manifest.manifest_id or 0 for c in closed),
                                          tuple(str(path) for c in closed for path in c.files)))

    def show_closed(self, closed: list[ClosedManifest]) -> None:
        lines = []
        for done in closed:
            manifest = done.manifest
            lines.append(_("Closed {carrier} manifest {day}: {parcels} parcels, {scanned} scanned, {missing} left"
                           " for the next pickup.").format(
                carrier=manifest.carrier_name, day=manifest.ship_date.isoformat(),
                parcels=format_number(len(manifest.parcels)), scanned=format_number(len(manifest.ticked)),
                missing=format_number(len(manifest.missing))))
            lines += [f"  {path}" for path in done.files]
        pages = self.query_one("#manifest-pages", Static)
        pages.update(Text("\n".join(lines)))
        pages.display = True

    def action_leave(self) -> None:
        self.dismiss()

    def on_screen_resume(self) -> None:
        self.query_one(ScanInput).focus()
