"""``kiosk label``: a shipped order's label, or item stickers, rendered to a file.

Registered in kiosk/cli.py (``cli.add_command(label)``); refusals are KioskErrors, which the
CLI prints on one line with exit status 1.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import click

from kiosk.db import record_event, transaction
from kiosk.errors import KioskError
from kiosk.i18n import N_, _
from kiosk.item_labels import MAX_COPIES, SYMBOLOGY, find_item, item_label
from kiosk.labels import item_document, label_for_shipment, shipping_document
from kiosk.orders import get_order, status_name
from printing.item_labels import ITEM_LABEL_SIZES
from printing.labels import LABEL_SIZES
from printing.outputs import FORMATS, LabelDocument, document_files
from printing.spool import safe_name

if TYPE_CHECKING:
    import sqlite_utils

    from kiosk.command_context import Context
    from kiosk.config import Config


class _Part(NamedTuple):
    """One parcel's label (or the stickers), the name of its file, and the parcel's tracking number."""

    document: LabelDocument
    stem: str
    tracking: str = ""


def _shipping(db: sqlite_utils.Database, config: Config, order_id: str, size: str, dpi: int) -> list[_Part]:
    """Each parcel's label and the name its file gets: the order and that parcel's tracking number."""
    order = get_order(db, order_id)
    if order is None:
        raise KioskError(_("No order {order_id}.").format(order_id=order_id))
    parcels = [row[0] for row in db.execute(
        "SELECT id FROM shipments WHERE order_id = ? AND voided_at IS NULL ORDER BY package_no, id", [order_id]
    )]
    if not parcels:
        raise KioskError(
            _("Order {order_id} is {status} and has no shipment: only a shipped order has a label.").format(
                order_id=order_id, status=status_name(order["status"])
            )
        )
    labels = [label_for_shipment(db, shipment_id, config) for shipment_id in parcels]
    return [_Part(shipping_document(lbl, size, dpi, config.label_font), f"{order_id}-{lbl.tracking_number}",
                  lbl.tracking_number) for lbl in labels]


def _files(parts: list[_Part], fmt: str, output: str | None) -> list[tuple[bytes, Path | None]]:
    """The bytes of every file to write and where (None: standard output).

    Without -o every parcel gets its own file, named after its tracking number. A file named
    with -o holds every parcel (one page each) in PDF or ZPL; PNG holds one page, so N pages are
    N files beside it, each named after its parcel's tracking number (or numbered: stickers).
    """
    try:
        if output is None:
            return [(data, path) for part in parts
                    for data, path in _named(document_files(part.document, fmt), Path(f"{safe_name(part.stem)}.{fmt}"))]
        first = parts[0].document
        whole = LabelDocument(tuple(page for part in parts for page in part.document.pages), first.copies,
                              first.is_sheet)
        files = document_files(whole, fmt)
    except ValueError as error:
        raise KioskError(_("Cannot write {format}: {reason}.").format(format=fmt, reason=error)) from error
    if output == "-":
        if len(files) != 1:
            raise click.UsageError(_("Several PNG files cannot go to standard output: use --format pdf or -o FILE."))
        return [(files[0], None)]
    base = Path(output)
    if len(parts) > 1 and len(parts) == len(files):
        return [(data, base.with_name(f"{base.stem}-{safe_name(part.tracking)}{base.suffix}"))
                for data, part in zip(files, parts, strict=True)]
    return _named(files, base)


def _named(files: list[bytes], base: Path) -> list[tuple[bytes, Path | None]]:
    if len(files) == 1:
        return [(files[0], base)]
    return [(data, base.with_name(f"{base.stem}-{n}{base.suffix}")) for n, data in enumerate(files, 1)]


def _write(files: list[bytes], paths: list[Path]) -> None:
    for data, path in zip(files, paths, strict=True):
        try:
            path.write_bytes(data)
        except OSError as error:
            raise KioskError(
                _("Cannot write {path}: {reason}.").format(path=path, reason=error.strerror or error)
            ) from error


@click.command("label", help=N_("Render the label of a shipped order (ORDER_ID), or item labels (--sku)."))
@click.argument("order_id", required=False)
@click.option("--sku", help=N_("Item labels for this SKU or item barcode instead of a shipping label."))
@click.option("--copies", type=click.IntRange(1, MAX_COPIES), help=N_("How many item labels (default 1)."))
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True),
              help=N_("File to write (default: a name in the current folder; - for standard output)."))
@click.option("--format", "fmt", type=click.Choice(FORMATS),
              help=N_("png, pdf or zpl (default: from the output name, else png)."))
@click.option("--dpi", type=click.Choice(["203", "300"]), help=N_("Printer resolution (default: label_dpi)."))
@click.option("--size", help=N_("4x6 or 100x150; item labels: 2.25x1.25, 2x1, 50x30, a4-30 or letter-30."))
@click.option("--kind", type=click.Choice(sorted(SYMBOLOGY)),
              help=N_("Which of the item's codes (default: EAN/UPC, then FNSKU, then internal)."))
@click.option("--condition", help=N_("Condition printed on item labels (default: New)."))
@click.pass_obj
def label(obj: Context, order_id: str | None, sku: str | None, copies: int | None, output: str | None,
          fmt: str | None, dpi: str | None, size: str | None, kind: str | None, condition: str | None) -> None:
    if (order_id is None) == (sku is None):
        raise click.UsageError(_("Give an order id, or --sku for item labels (not both)."))
    if sku is None and (copies is not None or kind or condition):
        raise click.UsageError(_("--copies, --kind and --condition are for item labels (--sku)."))
    suffix = Path(output).suffix.lower().lstrip(".") if output and output != "-" else ""
    fmt = fmt or (suffix if suffix in FORMATS else "png")
    if suffix and suffix != fmt:
        # A PNG in a.txt opens nowhere: the name says what the file is.
        raise click.UsageError(_("-o {name} does not end in .{format}: name the file .{format}, or choose the format"
                                 " with --format.").format(name=Path(output).name, format=fmt))
    config = obj.config
    resolution = int(dpi) if dpi else config.label_dpi
    db = obj.db()
    if sku is None:
        size = size or config.label_size
        if size not in LABEL_SIZES:
            raise click.UsageError(_("--size for a shipping label is 4x6 or 100x150."))
        parts = _shipping(db, config, order_id, size, resolution)
        subject: dict[str, object] = {}
    else:
        size = size or config.item_label_size
        if size not in ITEM_LABEL_SIZES:
            raise click.UsageError(_("--size for item labels is one of {sizes}.").format(
                sizes=", ".join(ITEM_LABEL_SIZES)))
        item = find_item(db, sku, kind)
        sticker = item_label(item, condition or "")
        parts = [_Part(item_document(sticker, size, copies or 1, resolution, config.label_font), f"item-{item.code}")]
        subject = {"sku": item.sku, "code": item.code, "copies": copies or 1}
    written = _files(parts, fmt, output)
    paths = [path for _data, path in written if path is not None]
    if not paths:
        sys.stdout.buffer.write(written[0][0])
        sys.stdout.buffer.flush()
    else:
        _write([data for data, _path in written], paths)
    with transaction(db) as conn:
        # Labels carry names, phones and addresses: who took one out of the kiosk is on record.
        record_event(conn, "label_exported", order_id=order_id, station=config.station, format=fmt, size=size,
                     dpi=resolution, files=[str(p) for p in paths] or ["-"], **subject)
    for path in paths:
        click.echo(_("Label written to {path}").format(path=path))
