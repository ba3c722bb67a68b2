"""The supervisor's day at the desk: the dispatch log, a packer's own figures, carrier manifests,
the shift handover book and the record of imports.

A mixin of kiosk.desk.Desk: it uses the desk's database, config, station and operator, and the
role checks of the desk and of the core modules it calls (a packer reads only their own figures of
today: kiosk.reports.dispatch.allowed_packer_filter says so, not this module).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.errors import KioskError
from kiosk.i18n import _

if TYPE_CHECKING:
    import sqlite_utils

    from kiosk.auth import Operator
    from kiosk.config import Config
    from kiosk.handover import HandoverNote
    from kiosk.imports.summary import ImportRecord
    from kiosk.manifests import Manifest, Tick
    from kiosk.reports.dispatch import DispatchLog
    from kiosk.reports.settings import ReportSettings


@dataclass(frozen=True)
class LogFilter:
    """What the dispatch log is narrowed to, as typed at the desk (empty: everything)."""

    packer: str = ""
    carrier: str = ""
    station: str = ""

    @property
    def empty(self) -> bool:
        return not (self.packer or self.carrier or self.station)


@dataclass(frozen=True)
class WaitingManifest:
    """A carrier with parcels waiting for its pickup."""

    carrier_id: str
    name: str
    parcels: int
    scanned: int


@dataclass(frozen=True)
class ClosedManifest:
    manifest: Manifest
    # The printed pages (PDF and ZPL).
    files: tuple[Path, ...]


class SupervisorDay:
    """Desk methods for the supervisor's screens (and a packer's own figures)."""

    db: sqlite_utils.Database
    config: Config
    station: str

    if TYPE_CHECKING:
        def _require_operator(self) -> Operator: ...
        def _require_packer(self) -> Operator: ...
        def _require_supervisor(self) -> Operator: ...

    @cached_property
    def report_settings(self) -> ReportSettings:
        """Time zone, day start, late limits and shifts (checked once per desk)."""
        from kiosk.reports.settings import ReportSettings

        return ReportSettings.from_config(self.config)

    # -- the dispatch log ----------------------------------------------------------------------

    def business_today(self) -> date:
        from kiosk.reports.day import today

        return today(self.report_settings).day

    def shop_clock(self, stored: str) -> str:
        """A stored time in the shop's time zone (the config's), not the station's."""
        from kiosk.reports.day import shop_clock

        return shop_clock(stored, self.report_settings)

    def shop_time(self, stored: str | None) -> str:
        """A stored time, short (a time of day today), in the shop's time zone."""
        from kiosk.timefmt import short_time

        return short_time(stored, zone=self.report_settings.zone)

    def dispatch_log(self, day: date | None = None, log_filter: LogFilter = LogFilter()) -> DispatchLog:
        """The log of a business day (today by default) as the operator may read it.

        Packers and supervisors read it; a packer only their own figures of today (the report's
        own rule refuses anything else). Unknown packers, carriers or stations are refused.
        """
        from kiosk.reports.day import business_day
        from kiosk.reports.dispatch import dispatch_log, resolve_carrier, resolve_packer, resolve_station

        viewer = self._require_packer()
        settings = self.report_settings
        when = business_day(day or self.business_today(), settings)
        return dispatch_log(
            self.db, viewer, when, settings,
            packer=resolve_packer(self.db, log_filter.packer) if log_filter.packer.strip() else None,
            carrier=resolve_carrier(self.db, log_filter.carrier) if log_filter.carrier.strip() else None,
            station=resolve_station(self.db, when, log_filter.station) if log_filter.station.strip() else None,
        )

    def my_figures(self) -> DispatchLog:
        """The logged-in operator's own parcels and figures of today."""
        return self.dispatch_log(log_filter=LogFilter(packer=self._require_packer().badge))

    # -- carrier manifests ---------------------------------------------------------------------

    def waiting_manifests(self) -> list[WaitingManifest]:
        """Each carrier with parcels on its open manifest, by name."""
        from kiosk.carriers import list_carriers
        from kiosk.manifests import manifest_for

        self._require_packer()
        waiting = []
        for carrier_id, _name in list_carriers():
            manifest = manifest_for(self.db, carrier_id, self.report_settings)
            if manifest.parcels:
                waiting.append(WaitingManifest(carrier_id, manifest.carrier_name, len(manifest.parcels),
                                               len(manifest.ticked)))
        return waiting

    def manifest(self, carrier: str) -> Manifest:
        """A carrier's open manifest (an id or a name): every parcel, scanned or missing."""
        from kiosk.manifests import manifest_for, resolve_manifest_carrier

        self._require_packer()
        return manifest_for(self.db, resolve_manifest_carrier(carrier), self.report_settings)

    def scan_manifest_label(self, carrier_id: str, raw: str) -> Tick:
        """A parcel's label scanned into the courier's cage; another carrier's or a voided one is refused."""
        from kiosk.manifests import scan_label

        return scan_label(self.db, carrier_id, raw, self._require_packer(), self.report_settings,
                          station=self.station)

    def close_manifests(self, carrier_ids: list[str]) -> list[ClosedManifest]:
        """A supervisor records the pickup of each carrier's manifest and prints its pages."""
        from kiosk.manifest_pages import write_manifest_pages
        from kiosk.manifests import close_manifests

        supervisor = self._require_supervisor()
        if not carrier_ids:
            raise KioskError(_("Choose at least one carrier whose manifest to close."))
        closed = close_manifests(self.db, carrier_ids, supervisor, self.report_settings, station=self.station)
        folder = self.config.spool_dir / "manifests"
        return [ClosedManifest(manifest, tuple(write_manifest_pages(manifest, folder, self.report_settings.zone)))
                for manifest in closed]

    # -- the handover book ---------------------------------------------------------------------

    def write_handover_note(self, text: str, order_ids: list[str] | tuple[str, ...] = ()) -> int:
        """A note for the next shift, optionally linked to orders; returns its number."""
        from kiosk.handover import write_note

        return write_note(self.db, self.report_settings, self._require_operator(), text, station=self.station,
                          order_ids=order_ids)

    def pending_handover_notes(self) -> list[HandoverNote]:
        """The notes for the shift running now that the logged-in operator has not acknowledged."""
        from kiosk.handover import pending_notes

        return pending_notes(self.db, self._require_operator())

    def acknowledge_handover_note(self, note_id: int) -> None:
        from kiosk.handover import acknowledge_note

        acknowledge_note(self.db, note_id, self._require_operator(), station=self.station)

    def unacknowledged_handover_notes(self) -> list[HandoverNote]:
        """Notes whose shift has begun and that nobody acknowledged (refused to anyone but a supervisor)."""
        from kiosk.handover import unacknowledged_notes

        return unacknowledged_notes(self.db, self._require_operator())

    # -- imports -------------------------------------------------------------------------------

    def recent_imports(self, limit: int = 20) -> list[ImportRecord]:
        """The last imports of orders and catalogue, newest first, with what each one did."""
        from kiosk.imports.summary import recent_imports

        self._require_supervisor()
        return recent_imports(self.db, limit)

