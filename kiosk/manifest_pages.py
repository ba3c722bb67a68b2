"""The printed manifest a courier signs: a PDF page (A4) and a ZPL page for a label printer."""

from __future__ import annotations

from datetime import datetime, tzinfo
from pathlib import Path

from kiosk.i18n import N_, _
from kiosk.manifests import Manifest
from kiosk.reports.tables import Table


def _clock(stored: str | None, zone: tzinfo) -> str:
    return datetime.fromisoformat(stored).astimezone(zone).strftime("%Y-%m-%d %H:%M") if stored else "-"


def summary_lines(manifest: Manifest, zone: tzinfo) -> list[str]:
    return [
        _("{carrier} manifest {day}").format(carrier=manifest.carrier_name, day=manifest.ship_date.isoformat()),
        _("Manifest no. {number}, closed {when} by {badge}").format(
            number=manifest.manifest_id, when=_clock(manifest.closed_at, zone), badge=manifest.closed_by or "-"),
        _("Parcels: {parcels}  Scanned: {scanned}  Left behind: {missing}").format(
            parcels=len(manifest.parcels), scanned=len(manifest.ticked), missing=len(manifest.missing)),
    ]


SIGNATURES = (N_("Driver signature"), N_("Driver name"), N_("Time of pickup"))


def write_manifest_pages(manifest: Manifest, folder: Path, zone: tzinfo) -> list[Path]:
    """The manifest as `<carrier>-<date>-<no>.pdf` and `.zpl` in `folder`; returns the two paths."""
    from kiosk.reports.pdf import Page  # fpdf2: only when a manifest is printed

    folder.mkdir(parents=True, exist_ok=True)
    stem = f"manifest-{manifest.carrier_id}-{manifest.ship_date.isoformat()}-{manifest.manifest_id}"
    lines = summary_lines(manifest, zone)
    table = Table(_("Parcels"), (_("Tracking number"), _("Order"), _("Parcel"), _("Shipped"), _("Scanned")),
                  [(p.tracking_number, p.order_id, f"{p.package_no}/{p.package_count}", _clock(p.shipped_at, zone),
                    _clock(p.scanned_at, zone) if p.ticked else _("left behind")) for p in manifest.parcels])
    captions = [_(text) for text in SIGNATURES]
    page = Page("".join(lines) + "".join("".join(row) for row in table.rows) + "".join(captions), orientation="P")
    page.add_page()
    page.write_line(lines[0], size=16, height=9)
    for line in lines[1:]:
        page.write_line(line, size=10)
    page.warn_missing()
    page.ln(3)
    page.table(table)
    for caption in captions:
        page.ln(14)
        page.line(page.l_margin, page.get_y(), page.l_margin + 110, page.get_y())
        page.write_line(caption, size=9)
    pdf = folder / f"{stem}.pdf"
    page.output(str(pdf))
    from printing.text_page import text_page_zpl

    zpl = folder / f"{stem}.zpl"
    zpl.write_text(text_page_zpl(lines, captions), encoding="ascii")
    return [pdf, zpl]
