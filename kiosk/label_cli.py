"""``kiosk label``: a shipped order's label, or item stickers, rendered to a file.

Registered in kiosk/cli.py (``cli.add_command(label)``); refusals are KioskErrors, which the
CLI prints on one line with exit status 1.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kiosk.db import record_event, transaction
from kiosk.errors import KioskError
from kiosk.i18n import N_, _
from kiosk.item_labels import MAX_COPIES, SYMBOLOGY, check_size, find_item, item_label
from kiosk.labels import item_document, label_for_shipment, shipping_document
from kiosk.orders import get_order, status_name
from printing.labels import LABEL_SIZES
from printing.outputs import FORMATS, LabelDocument, document_files
from printing.spool import safe_name

if TYPE_CHECKING:
    import sqlite_utils

    from kiosk.cli import Context
    from kiosk.config import Config


def _shipping(
    db: sqlite_utils.Database, config: Config, order_id: str, size: str, dpi: int
) -> tuple[LabelDocument, str]:
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
    # One page per parcel: a two-parcel order is one PDF (or ZPL) with both labels.
    pages = tuple(page for lbl in labels for page in shipping_document(lbl, size, dpi, config.label_font).pages)
    return LabelDocument(pages), f"{order_id}-{labels[0].tracking_number}"


def _outputs(output: str | None, stem: str, fmt: str, count: int) -> list[Path]:
    base = Path(output) if output is not None else Path(f"{safe_name(stem)}.{fmt}")
    if count == 1:
        return [base]
    # A PNG holds one page: N pages are N files beside each other.
    return [base.with_name(f"{base.stem}-{n}{base.suffix}") for n in range(1, count + 1)]


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
    config = obj.config
    resolution = int(dpi) if dpi else config.label_dpi
    db = obj.db()
    if sku is None:
        size = size or config.label_size
        if size not in LABEL_SIZES:
            raise click.UsageError(_("--size for a shipping label is 4x6 or 100x150."))
        document, stem = _shipping(db, config, order_id, size, resolution)
        subject: dict[str, object] = {}
    else:
        size = check_size(size or config.item_label_size)
        item = find_item(db, sku, kind)
        sticker = item_label(item, condition or "")
        document = item_document(sticker, size, copies or 1, resolution, config.label_font)
        stem = f"item-{item.code}"
        subject = {"sku": item.sku, "code": item.code, "copies": copies or 1}
    try:
        files = document_files(document, fmt)
    except ValueError as error:
        raise KioskError(_("Cannot write {format}: {reason}.").format(format=fmt, reason=error)) from error
    if output == "-":
        if len(files) != 1:
            raise click.UsageError(_("Several PNG files cannot go to standard output: use --format pdf or -o FILE."))
        sys.stdout.buffer.write(files[0])
        sys.stdout.buffer.flush()
        paths: list[Path] = []
    else:
        paths = _outputs(output, stem, fmt, len(files))
        _write(files, paths)
    with transaction(db) as conn:
        # Labels carry names, phones and addresses: who took one out of the kiosk is on record.
        record_event(conn, "label_exported", order_id=order_id, station=config.station, format=fmt, size=size,
                     dpi=resolution, files=[str(p) for p in paths] or ["-"], **subject)
    for path in paths:
        click.echo(_("Label written to {path}").format(path=path))
