"""``kiosk manifest``: a carrier's pickup manifest; scan labels to tick parcels off; close it.

Registered in kiosk/cli.py (``lazy_commands``). Scans are taken in order and each one is recorded
as it is made; the first refused label stops the command with its reason (exit status 1).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kiosk.i18n import N_, _
from kiosk.manifests import Manifest, close_manifests, manifest_for, resolve_manifest_carrier, scan_label
from kiosk.reports.cli import COMMAND_LINE
from kiosk.reports.settings import ReportSettings

if TYPE_CHECKING:
    from kiosk.command_context import Context


def _show(manifest: Manifest, zone) -> None:
    click.echo(_("{carrier} manifest {day}: {scanned} of {parcels} parcels scanned").format(
        carrier=manifest.carrier_name, day=manifest.ship_date.isoformat(), scanned=len(manifest.ticked),
        parcels=len(manifest.parcels)))
    for parcel in manifest.parcels:
        state = _("scanned") if parcel.ticked else _("MISSING")
        carried = "  " + _("(left behind last pickup)") if parcel.carried_over else ""
        shipped = datetime.fromisoformat(parcel.shipped_at).astimezone(zone).strftime("%m-%d %H:%M")
        click.echo(f"  {state:<8} {parcel.tracking_number:<24} {parcel.order_id:<22} {shipped}{carried}")


@click.command("manifest", help=N_("A carrier's pickup manifest: scan parcels off it, then close it."))
@click.option("--carrier", "carriers", multiple=True, required=True,
              help=N_("Carrier id or name; repeat it to close several manifests at once."))
@click.option("--scan", "scans", multiple=True, metavar="TRACKING",
              help=N_("A parcel label scanned into the courier's cage (repeatable)."))
@click.option("--close", is_flag=True, help=N_("Record the pickup and print the manifest page."))
@click.option("--out", "out_dir", type=click.Path(file_okay=False),
              help=N_("Folder for the printed manifest (default: manifests/ in the spool folder)."))
@click.pass_obj
def manifest(obj: Context, carriers: tuple[str, ...], scans: tuple[str, ...], close: bool,
             out_dir: str | None) -> None:
    if scans and len(carriers) > 1:
        raise click.UsageError(_("Scan labels for one carrier at a time."))
    carrier_ids = [resolve_manifest_carrier(text) for text in carriers]
    settings = ReportSettings.from_config(obj.config)
    db = obj.db()
    station = obj.config.station
    for raw in scans:
        tick = scan_label(db, carrier_ids[0], raw, COMMAND_LINE, settings, station=station)
        done = _("already scanned") if tick.already else _("scanned")
        click.echo(_("{number}: {done} ({scanned} of {parcels})").format(
            number=tick.parcel.tracking_number, done=done, scanned=len(tick.manifest.ticked),
            parcels=len(tick.manifest.parcels)))
    if not close:
        for carrier_id in carrier_ids:
            _show(manifest_for(db, carrier_id, settings), settings.zone)
        return
    from kiosk.manifest_pages import write_manifest_pages

    folder = Path(out_dir) if out_dir else obj.config.spool_dir / "manifests"
    for closed in close_manifests(db, carrier_ids, COMMAND_LINE, settings, station=station):
        files = write_manifest_pages(closed, folder, settings.zone)
        click.echo(_("Closed {carrier} manifest {day}: {parcels} parcels, {scanned} scanned, {missing} left for the"
                     " next pickup.").format(carrier=closed.carrier_name, day=closed.ship_date.isoformat(),
                                             parcels=len(closed.parcels), scanned=len(closed.ticked),
                                             missing=len(closed.missing)))
        for path in files:
            click.echo(f"  {path}")
