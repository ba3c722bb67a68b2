"""Carrier manifests: the parcels a courier takes at a pickup, ticked off label by label.

One manifest per carrier and ship date. It holds the live parcels of that carrier shipped since
its previous pickup, and the parcels the previous manifest left behind (not scanned into the
courier's cage). Scanning a parcel's label ticks it off; a label of another carrier or of a voided
parcel is refused. Closing records the pickup: every parcel is written down as ticked or left
behind, and the ones left behind go on the next manifest. A manifest has a row from its first
scan or its close; until then it is worked out from the shipments.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import sqlite_utils

from kiosk.auth import Operator
from kiosk.db import record_event, transaction
from kiosk.errors import KioskError
from kiosk.i18n import _
from kiosk.reports.day import business_date_of, business_day, stamp
from kiosk.reports.settings import ReportSettings
from kiosk.scanning import clean_scan


@dataclass(frozen=True)
class ManifestParcel:
    shipment_id: int
    order_id: str
    tracking_number: str
    package_no: int
    package_count: int
    packer: str
    shipped_at: str
    scanned_at: str | None
    scanned_by: str | None
    # Left behind at the previous pickup.
    carried_over: bool

    @property
    def ticked(self) -> bool:
        return self.scanned_at is not None


@dataclass(frozen=True)
class Manifest:
    manifest_id: int | None
    carrier_id: str
    carrier_name: str
    ship_date: date
    since: str
    previous_id: int | None
    parcels: tuple[ManifestParcel, ...]
    closed_at: str | None = None
    closed_by: str | None = None

    @property
    def ticked(self) -> list[ManifestParcel]:
        return [p for p in self.parcels if p.ticked]

    @property
    def missing(self) -> list[ManifestParcel]:
        return [p for p in self.parcels if not p.ticked]


@dataclass(frozen=True)
class Tick:
    parcel: ManifestParcel
    manifest: Manifest
    # The label had been scanned already (a scanner's double read): nothing changed.
    already: bool


def resolve_manifest_carrier(text: str) -> str:
    """A carrier id for a manifest, from an id or a name; manifests only know identified carriers."""
    from kiosk.carriers import carrier_from_text, list_carriers

    text = text.strip()
    if not text:
        raise KioskError(_("Give a carrier id or name (see kiosk tracking --list)."))
    if text in dict(list_carriers()):
        return text
    found = carrier_from_text(text)
    if found is None:
        raise KioskError(_("Unknown carrier {carrier} (see kiosk tracking --list).").format(carrier=text))
    return found


def _carrier_name(carrier_id: str) -> str:
    from kiosk.carriers import carrier_name

    return carrier_name(carrier_id, carrier_id)


_PARCEL = ("SELECT s.id, s.order_id, s.tracking_number, s.package_no, s.package_count, s.operator, s.shipped_at"
           " FROM shipments s")


def _spec(conn: sqlite3.Connection | sqlite_utils.Database, carrier_id: str, settings: ReportSettings,
          now: datetime) -> dict:
    """The open manifest's row, or what its row will be: ship date, since, previous manifest."""
    row = conn.execute("SELECT id, ship_date, since, previous_id FROM manifests WHERE carrier_id = ?"
                       " AND closed_at IS NULL", [carrier_id]).fetchone()
    if row:
        return {"id": row[0], "ship_date": date.fromisoformat(row[1]), "since": row[2], "previous_id": row[3]}
    today = business_date_of(now, settings)
    last = conn.execute("SELECT id, ship_date, closed_at FROM manifests WHERE carrier_id = ? AND closed_at IS NOT NULL"
                        " ORDER BY ship_date DESC LIMIT 1", [carrier_id]).fetchone()
    if last is None:
        # The first manifest of a carrier starts with the business day.
        return {"id": None, "ship_date": today, "since": business_day(today, settings).bounds[0], "previous_id": None}
    # One manifest per carrier and ship date: after today's pickup, the next one is tomorrow's.
    ship_date = max(today, date.fromisoformat(last[1]) + timedelta(days=1))
    return {"id": None, "ship_date": ship_date, "since": last[2], "previous_id": last[0]}


def _parcels(conn, carrier_id: str, spec: dict, until: str) -> tuple[ManifestParcel, ...]:
    new = conn.execute(f"{_PARCEL} WHERE s.carrier_id = ? AND s.voided_at IS NULL AND s.shipped_at > ?"
                       " AND s.shipped_at <= ?", [carrier_id, spec["since"], until]).fetchall()
    carried = conn.execute(f"{_PARCEL} JOIN manifest_parcels mp ON mp.shipment_id = s.id WHERE mp.manifest_id = ?"
                           " AND mp.scanned_at IS NULL AND s.voided_at IS NULL",
                           [spec["previous_id"] or -1]).fetchall()
    marks = {}
    if spec["id"] is not None:
        marks = {r[0]: (r[1], r[2]) for r in conn.execute(
            "SELECT shipment_id, scanned_at, scanned_by FROM manifest_parcels WHERE manifest_id = ?", [spec["id"]])}
    carried_ids = {r[0] for r in carried}
    parcels = {r[0]: ManifestParcel(*r, *marks.get(r[0], (None, None)), carried_over=r[0] in carried_ids)
               for r in [*carried, *new]}
    return tuple(sorted(parcels.values(), key=lambda p: (p.shipped_at, p.shipment_id)))


def manifest_for(db: sqlite_utils.Database, carrier_id: str, settings: ReportSettings, *,
                 now: datetime | None = None) -> Manifest:
    """The carrier's open manifest as it stands: every parcel, ticked or still missing."""
    now = now or datetime.now(UTC)
    spec = _spec(db, carrier_id, settings, now)
    return Manifest(spec["id"], carrier_id, _carrier_name(carrier_id), spec["ship_date"], spec["since"],
                    spec["previous_id"], _parcels(db, carrier_id, spec, stamp(now)))


def closed_manifests(db: sqlite_utils.Database, carrier_id: str, limit: int = 30) -> list[Manifest]:
    """The carrier's pickups, newest first, with the parcels each one had."""
    manifests = []
    for row in db.query("SELECT * FROM manifests WHERE carrier_id = ? AND closed_at IS NOT NULL"
                        " ORDER BY ship_date DESC LIMIT ?", [carrier_id, limit]):
        parcels = tuple(ManifestParcel(*r, carried_over=False) for r in db.execute(
            f"{_PARCEL.replace('FROM shipments s', ', mp.scanned_at, mp.scanned_by FROM shipments s')}"
            " JOIN manifest_parcels mp ON mp.shipment_id = s.id WHERE mp.manifest_id = ?"
            " ORDER BY s.shipped_at, s.id", [row["id"]]))
        manifests.append(Manifest(row["id"], carrier_id, _carrier_name(carrier_id),
                                  date.fromisoformat(row["ship_date"]), row["since"], row["previous_id"], parcels,
                                  row["closed_at"], row["closed_by"]))
    return manifests


def _ensure_row(conn: sqlite3.Connection, carrier_id: str, spec: dict, operator: Operator, station: str,
                now: datetime) -> int:
    if spec["id"] is None:
        spec["id"] = conn.execute(
            "INSERT INTO manifests (carrier_id, ship_date, since, previous_id, opened_at, opened_by, station)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (carrier_id, spec["ship_date"].isoformat(), spec["since"], spec["previous_id"], stamp(now),
             operator.badge, station)).lastrowid
        record_event(conn, "manifest_opened", operator=operator.badge, station=station, manifest_id=spec["id"],
                     carrier=carrier_id, ship_date=spec["ship_date"].isoformat())
    return spec["id"]


def _numbers(raw: str) -> list[str]:
    """The tracking numbers a label's barcode may stand for: as scanned, and as the carrier spec reads it."""
    from kiosk.carriers import identify

    code = clean_scan(raw)
    return list(dict.fromkeys([code, code.upper(), identify(code).number]))


def scan_label(db: sqlite_utils.Database, carrier_id: str, raw: str, operator: Operator, settings: ReportSettings,
               *, station: str, now: datetime | None = None) -> Tick:
    """Tick a parcel off the carrier's open manifest by its label; refuses any label that must not go."""
    now = now or datetime.now(UTC)
    numbers = _numbers(raw)
    marks = ", ".join("?" * len(numbers))
    with transaction(db) as conn:
        found = conn.execute(f"SELECT id, carrier_id, carrier, voided_at, void_reason, shipped_at, tracking_number"
                             f" FROM shipments WHERE tracking_number IN ({marks}) ORDER BY id DESC", numbers).fetchall()
        if not found:
            raise KioskError(_("No parcel has tracking number {number}: keep it out of the cage and ask a"
                               " supervisor.").format(number=numbers[0]))
        live = [row for row in found if row[3] is None]
        if not live:
            raise KioskError(_("Parcel {number} was voided ({reason}): it must not go with the courier.").format(
                number=found[0][6], reason=found[0][4] or _("no reason given")))
        shipment_id, parcel_carrier, parcel_carrier_name, _void, _reason, shipped_at, number = live[0]
        if parcel_carrier != carrier_id:
            other = _carrier_name(parcel_carrier) if parcel_carrier else parcel_carrier_name
            raise KioskError(_("Parcel {number} goes with {other}, not {carrier}: put it with the {other}"
                               " parcels.").format(number=number, other=other, carrier=_carrier_name(carrier_id)))
        spec = _spec(conn, carrier_id, settings, now)
        manifest = Manifest(spec["id"], carrier_id, _carrier_name(carrier_id), spec["ship_date"], spec["since"],
                            spec["previous_id"], _parcels(conn, carrier_id, spec, stamp(now)))
        parcel = next((p for p in manifest.parcels if p.shipment_id == shipment_id), None)
        if parcel is None:
            picked = conn.execute(
                "SELECT m.ship_date FROM manifest_parcels mp JOIN manifests m ON m.id = mp.manifest_id"
                " WHERE mp.shipment_id = ? AND mp.scanned_at IS NOT NULL", (shipment_id,)).fetchone()
            if picked:
                raise KioskError(_("Parcel {number} was picked up already (manifest of {day}).").format(
                    number=number, day=picked[0]))
            raise KioskError(_("Parcel {number} is not on this manifest: it shipped {when}, before the last"
                               " pickup.").format(number=number, when=shipped_at[:16].replace("T", " ")))
        if parcel.ticked:
            return Tick(parcel, manifest, already=True)
        manifest_id = _ensure_row(conn, carrier_id, spec, operator, station, now)
        conn.execute("INSERT INTO manifest_parcels (manifest_id, shipment_id, scanned_at, scanned_by)"
                     " VALUES (?, ?, ?, ?)", (manifest_id, shipment_id, stamp(now), operator.badge))
        record_event(conn, "manifest_parcel_scanned", order_id=parcel.order_id, operator=operator.badge,
                     station=station, manifest_id=manifest_id, tracking_number=number, carrier=carrier_id)
    updated = manifest_for(db, carrier_id, settings, now=now)
    return Tick(next(p for p in updated.parcels if p.shipment_id == shipment_id), updated, already=False)


def close_manifests(db: sqlite_utils.Database, carrier_ids: list[str], operator: Operator,
                    settings: ReportSettings, *, station: str, now: datetime | None = None) -> list[Manifest]:
    """Record the pickup of each carrier's manifest, all in one transaction.

    Parcels not scanned are written down as left behind: they go on the carrier's next manifest.
    Refused (and nothing is closed) when a carrier has no parcel to hand over.
    """
    now = now or datetime.now(UTC)
    closed_ids = []
    with transaction(db) as conn:
        for carrier_id in dict.fromkeys(carrier_ids):
            spec = _spec(conn, carrier_id, settings, now)
            parcels = _parcels(conn, carrier_id, spec, stamp(now))
            if not parcels:
                raise KioskError(_("No {carrier} parcels since the last pickup: nothing to close.").format(
                    carrier=_carrier_name(carrier_id)))
            manifest_id = _ensure_row(conn, carrier_id, spec, operator, station, now)
            conn.executemany("INSERT OR IGNORE INTO manifest_parcels (manifest_id, shipment_id) VALUES (?, ?)",
                             [(manifest_id, p.shipment_id) for p in parcels])
            conn.execute("UPDATE manifests SET closed_at = ?, closed_by = ? WHERE id = ?",
                         (stamp(now), operator.badge, manifest_id))
            ticked = [p for p in parcels if p.ticked]
            record_event(conn, "manifest_closed", operator=operator.badge, station=station, manifest_id=manifest_id,
                         carrier=carrier_id, ship_date=spec["ship_date"].isoformat(), parcels=len(parcels),
                         scanned=len(ticked), left_behind=[p.tracking_number for p in parcels if not p.ticked])
            closed_ids.append((carrier_id, manifest_id))
    return [next(m for m in closed_manifests(db, carrier_id) if m.manifest_id == manifest_id)
            for carrier_id, manifest_id in closed_ids]
