"""Products and their barcodes from a Shopify products export or the kiosk's catalogue CSV.

Shopify writes one variant per row, grouped by the product's handle: the first row of a
product carries its title and option names, the rows after it leave them blank. A handle is
one style, so the pack screen can tell a wrong colour from a wrong product.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field

import sqlite_utils

from kiosk.checkdigits import gtin_check_digit
from kiosk.db import record_event
from kiosk.errors import KioskError
from kiosk.i18n import _
from kiosk.imports.reading import Row, Table
from kiosk.imports.records import COLOUR_NAMES, MAX_ID, SIZE_NAMES, Problem, RowError, check_id, refusal
from kiosk.imports.rejects import write_rejects
from kiosk.imports.sources import Source, check_kind
from kiosk.imports.summary import ImportSummary, record_import, writing

GTIN_LENGTHS = {12: "upca", 13: "ean13"}
FNSKU = re.compile(r"X00[0-9A-Z]{7}")
# Excel shows a long number as 6.90123E+12 and saves it that way: the digits are gone.
SCIENTIFIC = re.compile(r"\d+(?:[.,]\d+)?[eE]\+?\d+")
MAX_BARCODE = 48
PRODUCT_FIELDS = ("style_id", "name", "colour", "size")


@dataclass
class ProductRecord:
    sku: str
    style_id: str
    name: str
    colour: str
    size: str
    barcodes: list[tuple[str, str]]  # (code, kind)
    file: str
    line: int
    rows: list[Row] = field(default_factory=list)


def barcode_kind(code: str, column: str) -> str:
    """The kind of an item barcode, or RowError saying what is wrong with it (check digits included)."""
    if SCIENTIFIC.fullmatch(code):
        raise RowError(column, _("{code} is not a barcode: a spreadsheet turned it into a number; format the"
                                 " column as text and export again.").format(code=code))
    if len(code) > MAX_BARCODE or not code.isascii() or not code.isprintable() or " " in code:
        raise RowError(column, _("{code!r} is not a barcode.").format(code=code[:60]))
    if code.isdigit() and len(code) in (8, 12, 13, 14):
        expected = gtin_check_digit(code[:-1])
        if expected != int(code[-1]):
            raise RowError(column, _("barcode {code} has a wrong check digit (it should end in {digit}).").format(
                code=code, digit=expected))
        return GTIN_LENGTHS.get(len(code), "internal")
    if code.isdigit() and len(code) == 11:
        raise RowError(column, _("barcode {code} has 11 digits: a UPC has 12 (a spreadsheet may have dropped its"
                                 " leading zero).").format(code=code))
    return "fnsku" if FNSKU.fullmatch(code) else "internal"


def _split_codes(value: str) -> list[str]:
    return [code for code in re.split(r"[\s;|,]+", value) if code]


def _variant(options: list[tuple[str, str]]) -> tuple[str, str]:
    colour = next((value for name, value in options if name.casefold() in COLOUR_NAMES), "")
    size = next((value for name, value in options if name.casefold() in SIZE_NAMES), "")
    return colour, size


def parse_shopify_products(table: Table) -> tuple[list[ProductRecord], list[Problem]]:
    records: list[ProductRecord] = []
    problems: list[Problem] = []
    handle_seen: str | None = None
    title, names = "", ["", "", ""]
    for row in table.rows:
        handle = row.get("Handle", "URL handle")
        if handle != handle_seen:
            # The first row of a product carries its title and option names; the rows after leave them blank.
            handle_seen, title, names = handle, row.get("Title"), [row.get(f"Option{n} Name") for n in (1, 2, 3)]
        sku = row.get("Variant SKU", "SKU")
        barcode = row.get("Variant Barcode", "Barcode")
        values = [row.get(f"Option{n} Value") for n in (1, 2, 3)]
        if not sku and not barcode and not any(values):
            continue  # an image row
        try:
            sku = check_id(sku, "Variant SKU" if table.has("Variant SKU") else "SKU", _("SKU"))
            column = "Variant Barcode" if table.has("Variant Barcode") else "Barcode"
            codes = [(code, barcode_kind(code, column)) for code in _split_codes(barcode)]
            if not handle:
                raise RowError("Handle", _("no handle: a variant row needs its product's handle."))
            colour, size = _variant([(name, value) for name, value in zip(names, values, strict=True)
                                     if value and value != "Default Title"])
            records.append(ProductRecord(sku, handle[:MAX_ID], title or handle, colour, size, codes,
                                         table.path.name, row.line, [row]))
        except RowError as error:
            problems.append(_problem(table, row, error))
    return records, problems


def parse_catalogue_csv(table: Table) -> tuple[list[ProductRecord], list[Problem]]:
    records: list[ProductRecord] = []
    problems: list[Problem] = []
    for row in table.rows:
        try:
            sku = check_id(row.get("sku"), "sku", _("SKU"))
            column = "barcodes" if table.has("barcodes") else "barcode"
            codes = [(code, barcode_kind(code, column)) for code in _split_codes(row.get("barcodes", "barcode"))]
            style = row.get("style", "style_id") or sku
            records.append(ProductRecord(sku, style[:MAX_ID], row.get("name") or sku,
                                         row.get("colour", "color"), row.get("size"), codes, table.path.name,
                                         row.line, [row]))
        except RowError as error:
            problems.append(_problem(table, row, error))
    return records, problems


def _problem(table: Table, row: Row, error: RowError) -> Problem:
    return Problem(table.path.name, row.line, error.column, error.message)


def import_catalogue(db: sqlite_utils.Database, source: Source, *, skip_bad: bool = False, dry_run: bool = False,
                     station: str = "") -> ImportSummary:
    """Products and barcodes of one file in one transaction: all of it, or (``skip_bad``) its good rows."""
    check_kind(source, "auto", catalogue=True)
    table = source.tables[0]
    parse = parse_shopify_products if source.kind == "shopify_products" else parse_catalogue_csv
    records, problems = parse(table)
    rejected: list[tuple[str, Row | None, str]] = []
    for problem in problems:
        rejected.extend((table.path.name, row, problem.describe()) for row in table.rows if row.line == problem.line)
    if problems and not skip_bad:
        raise KioskError(refusal(problems, source.name))
    summary = ImportSummary("catalogue", source.name, "shopify" if source.kind == "shopify_products" else "csv",
                            dry_run=dry_run)
    with writing(db, dry_run) as conn:
        for record, problem in _apply(conn, records, summary, station):
            problems.append(problem)
            rejected.extend((table.path.name, row, problem.describe()) for row in record.rows)
        if problems and not skip_bad:
            raise KioskError(refusal(problems, source.name))
        summary.rejected = len(problems)
        summary.no_barcode = conn.execute("SELECT COUNT(*) FROM products WHERE needs_barcode = 1").fetchone()[0]
        if not dry_run:
            summary.reject_files = write_rejects(source, rejected)
            record_import(conn, summary, station)
    return summary


def _merge(records: list[ProductRecord]) -> tuple[list[ProductRecord], list[tuple[ProductRecord, Problem]]]:
    """One record per sku: rows repeating a sku add barcodes; rows that disagree on it are refused."""
    merged: dict[str, ProductRecord] = {}
    problems = []
    for record in records:
        first = merged.get(record.sku)
        if first is None:
            merged[record.sku] = record
            continue
        differs = [name for name in PRODUCT_FIELDS if getattr(record, name) != getattr(first, name)]
        if differs:
            problems.append((record, Problem(record.file, record.line, "", _(
                "SKU {sku} is also on line {line} with another {what}.").format(
                sku=record.sku, line=first.line, what=differs[0]))))
            continue
        first.barcodes.extend(code for code in record.barcodes if code not in first.barcodes)
        first.rows.extend(record.rows)
    return list(merged.values()), problems


def _apply(conn: sqlite3.Connection, records: list[ProductRecord], summary: ImportSummary,
           station: str) -> list[tuple[ProductRecord, Problem]]:
    records, problems = _merge(records)
    skus = {record.sku for record in records}
    owners: dict[str, str] = {}  # barcode -> sku, this file's as they are accepted
    for record in records:
        problem = _barcode_conflict(conn, record, owners, skus)
        if problem:
            problems.append((record, problem))
            continue
        owners.update((code, record.sku) for code, _kind in record.barcodes)
        current = conn.execute("SELECT style_id, name, colour, size, needs_barcode FROM products WHERE sku = ?",
                               (record.sku,)).fetchone()
        where = {"file": record.file, "line": record.line}
        new_codes = [(code, kind) for code, kind in record.barcodes
                     if not conn.execute("SELECT 1 FROM barcodes WHERE code = ?", (code,)).fetchone()]
        if current is None:
            conn.execute("INSERT INTO products (sku, style_id, name, colour, size, needs_barcode)"
                         " VALUES (?, ?, ?, ?, ?, ?)",
                         (record.sku, record.style_id, record.name, record.colour, record.size,
                          0 if record.barcodes else 1))
            _add_codes(conn, record.sku, new_codes)
            record_event(conn, "product_imported", station=station, sku=record.sku,
                         barcodes=[code for code, _kind in record.barcodes], **where)
            summary.imported += 1
            continue
        changes = {name: [old, getattr(record, name)] for name, old in zip(PRODUCT_FIELDS, current, strict=False)
                   if old != getattr(record, name)}
        if current[4] and new_codes:
            changes["needs_barcode"] = [1, 0]
        _add_codes(conn, record.sku, new_codes)
        if changes:
            conn.execute(f"UPDATE products SET {', '.join(f'{name} = ?' for name in changes)} WHERE sku = ?",
                         [*(new for _old, new in changes.values()), record.sku])
        if changes or new_codes:
            record_event(conn, "product_updated", station=station, sku=record.sku, changes=changes,
                         barcodes_added=[code for code, _kind in new_codes], **where)
            summary.updated += 1
        else:
            summary.unchanged += 1
    return problems


def _add_codes(conn: sqlite3.Connection, sku: str, codes: list[tuple[str, str]]) -> None:
    conn.executemany("INSERT INTO barcodes (code, sku, kind) VALUES (?, ?, ?)",
                     [(code, sku, kind) for code, kind in codes])


def _barcode_conflict(conn: sqlite3.Connection, record: ProductRecord, owners: dict[str, str],
                      skus: set[str]) -> Problem | None:
    for code, _kind in record.barcodes:
        owner = owners.get(code)
        if owner is None:
            found = conn.execute("SELECT sku FROM barcodes WHERE code = ?", (code,)).fetchone()
            owner = found[0] if found else None
        if owner is not None and owner != record.sku:
            return Problem(record.file, record.line, "", _("barcode {code} is already on SKU {sku}.").format(
                code=code, sku=owner))
        # The pack screen looks a scan up as a barcode, then as a sku: a barcode spelling another sku hides it.
        if code != record.sku and (code in skus or conn.execute(
                "SELECT 1 FROM products WHERE sku = ?", (code,)).fetchone()):
            return Problem(record.file, record.line, "", _("barcode {code} is another product's SKU.").format(
                code=code))
    return None

