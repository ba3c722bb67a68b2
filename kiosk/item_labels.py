"""Item stickers from the catalogue: which code a product's sticker carries, and queuing the job.

A packer whose item has a damaged barcode scans or types any code of the product (or its SKU)
and prints a new sticker; the job is logged like every print. The sticker carries a code that
is on record in `barcodes`, so it scans at the desk like the original.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlite_utils

from kiosk.db import transaction
from kiosk.errors import KioskError
from kiosk.i18n import N_, _
from kiosk.orders import variant_text
from kiosk.print_queue import ITEM_LABEL, create_job
from kiosk.scanning import clean_scan, looks_like_pin, not_a_barcode
from printing.barcodes import gtin_problem
from printing.item_labels import ITEM_LABEL_SIZES, ItemLabel

# barcodes.kind -> the symbology printed: retail codes keep theirs, the rest are Code 128.
SYMBOLOGY = {"ean13": "ean13", "upca": "upca", "fnsku": "code128", "internal": "code128"}
KIND_NAMES = {"ean13": N_("EAN-13"), "upca": N_("UPC-A"), "fnsku": N_("Amazon FNSKU"), "internal": N_("internal code")}
# Given only a SKU, the code a sticker most often replaces comes first.
PREFERENCE = ("ean13", "upca", "fnsku", "internal")
MAX_COPIES = 500
DEFAULT_CONDITION = N_("New")


@dataclass(frozen=True)
class ItemCode:
    code: str
    kind: str
    sku: str
    name: str
    variant: str


@dataclass(frozen=True)
class ItemLabelRequest:
    """What the item-label dialog asks for: a code or SKU, and how many stickers."""

    code: str
    copies: int


def find_item(db: sqlite_utils.Database, value: str, kind: str | None = None) -> ItemCode:
    """The code to print for `value`, a barcode on record or a SKU; `kind` picks among a product's codes.

    Raises KioskError for an unknown value, or a product without a code of that kind.
    """
    if kind is not None and kind not in SYMBOLOGY:
        raise KioskError(
            _("Unknown code kind {kind}: use one of {kinds}.").format(kind=kind, kinds=", ".join(SYMBOLOGY))
        )
    value = clean_scan(value)
    scanned = db.execute("SELECT code, kind, sku FROM barcodes WHERE code = ?", [value]).fetchone()
    sku = scanned[2] if scanned else value
    product = db.execute("SELECT name, colour, size FROM products WHERE sku = ?", [sku]).fetchone()
    if product is None:
        if looks_like_pin(value):
            raise not_a_barcode()
        raise KioskError(_("Unknown SKU or item code {value}.").format(value=value))
    codes = db.execute("SELECT code, kind FROM barcodes WHERE sku = ? ORDER BY rowid", [sku]).fetchall()
    if scanned and (kind is None or scanned[1] == kind):
        code, code_kind = scanned[0], scanned[1]
    else:
        wanted = [kind] if kind else list(PREFERENCE)
        found = sorted((c for c in codes if c[1] in wanted), key=lambda c: wanted.index(c[1]))
        if not found:
            what = _(KIND_NAMES[kind]) if kind else _("barcode")
            raise KioskError(_("SKU {sku} has no {what} on record.").format(sku=sku, what=what))
        code, code_kind = found[0]
    return ItemCode(code, code_kind, sku, product[0], variant_text(product[1], product[2]))


def check_copies(copies: int) -> int:
    if not 1 <= copies <= MAX_COPIES:
        raise KioskError(_("Print 1 to {limit} labels at a time.").format(limit=MAX_COPIES))
    return copies


def check_size(size: str) -> str:
    if size not in ITEM_LABEL_SIZES:
        raise KioskError(_("Unknown item label size {size}: use one of {sizes}.").format(
            size=size, sizes=", ".join(ITEM_LABEL_SIZES)))
    return size


def item_label(item: ItemCode, condition: str = "") -> ItemLabel:
    """The sticker's content; refuses a retail code on record with a wrong length or check digit."""
    symbology = SYMBOLOGY.get(item.kind, "code128")
    if symbology != "code128" and gtin_problem(item.code, symbology):
        raise KioskError(
            _("{code} is on record as {kind} but is not a valid one (length or check digit): correct the"
              " catalogue.").format(code=item.code, kind=_(KIND_NAMES[item.kind]))
        )
    return ItemLabel(item.code, symbology, item.name, item.variant, condition or _(DEFAULT_CONDITION))


def item_detail(item: ItemCode, label: ItemLabel, size: str) -> dict[str, Any]:
    """What a print job keeps, so a retry or reprint prints the very same sticker."""
    return {"code": label.code, "symbology": label.symbology, "kind": item.kind, "sku": item.sku,
            "title": label.title, "variant": label.variant, "condition": label.condition, "size": size}


def label_from_detail(detail: dict[str, Any]) -> tuple[ItemLabel, str]:
    """The sticker and its size back from a job's detail."""
    label = ItemLabel(detail["code"], detail["symbology"], detail["title"], detail.get("variant", ""),
                      detail.get("condition", ""))
    return label, detail["size"]


def queue_item_labels(
    db: sqlite_utils.Database,
    value: str,
    copies: int,
    *,
    printer: str,
    size: str,
    operator: str | None,
    station: str,
    order_id: str | None = None,
    reason: str = "",
    kind: str | None = None,
    condition: str = "",
) -> int:
    """Queue `copies` stickers of the item `value` (a code or SKU) on `printer`; returns the job id.

    The request is an event (who, where, which order, why): a new sticker on goods is something a
    supervisor may want to trace.
    """
    item = find_item(db, value, kind)
    check_copies(copies)
    label = item_label(item, condition)
    detail = item_detail(item, label, check_size(size))
    with transaction(db) as conn:
        return create_job(conn, kind=ITEM_LABEL, printer=printer, operator=operator, station=station,
                          order_id=order_id, copies=copies, detail=detail, reason=reason)
