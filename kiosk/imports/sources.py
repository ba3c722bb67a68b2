"""Which files make one import, and what kind of export each is: found by header, never by name."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kiosk.errors import KioskError
from kiosk.i18n import _
from kiosk.imports.platforms import (
    Parsed,
    detect,
    parse_amazon,
    parse_generic_csv,
    parse_generic_json,
    parse_shopify,
    parse_taobao,
    parse_woocommerce,
)
from kiosk.imports.reading import Table, decode, is_binary, parse_table, read_bytes

# --format value -> the header kinds it accepts.
FORMAT_KINDS = {
    "amazon": ("amazon",), "shopify": ("shopify",), "taobao": ("taobao_orders", "taobao_items"),
    "woocommerce": ("woocommerce",), "csv": ("csv",), "json": ("json",),
}
# Columns an explicitly named format needs, for the message when a file lacks them.
REQUIRED_COLUMNS = {
    "amazon": ("order-id", "order-item-id", "sku"),
    "shopify": ("Name", "Lineitem quantity", "Lineitem sku"),
    "taobao_orders": ("订单编号", "订单状态", "收货人姓名"),
    "taobao_items": ("订单编号", "购买数量", "商家编码"),
    "woocommerce": ("order_number", "status", "sku", "quantity"),
    "csv": ("order_id", "sku", "quantity"),
}
CATALOGUE_KINDS = ("shopify_products", "catalogue_csv")


@dataclass
class Source:
    """One import: a file, or a Taobao order report with its item report."""

    kind: str
    tables: list[Table] = field(default_factory=list)
    path: Path | None = None  # a JSON file
    text: str = ""

    @property
    def paths(self) -> list[Path]:
        return [table.path for table in self.tables] or ([self.path] if self.path else [])

    @property
    def name(self) -> str:
        return " + ".join(path.name for path in self.paths)


def _header_kind(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    return detect(parse_table(Path("header"), first, "")) if first else ""


def read_source(path: Path, encoding: str | None = None) -> Source:
    """The file at ``path`` decoded and read, with the kind of export its header says it is."""
    data = read_bytes(path)
    if not data.strip():
        raise KioskError(_("{file} is empty: there is nothing to import.").format(file=path.name))
    if is_binary(data):
        raise KioskError(_("{file} is not a text file (an image, a PDF or a workbook?): export it as CSV.").format(
            file=path.name))
    text, codec = decode(path, data, encoding, recognised=lambda text: bool(_header_kind(text)))
    stripped = text.lstrip()
    if path.suffix.casefold() == ".json" or stripped.startswith(("{", "[")):
        return Source("json", path=path, text=text)
    kind = _header_kind(text)
    if not kind:
        # Not an export the kiosk knows: its header is all a refusal needs (the rest may not even be CSV).
        first = next((line for line in text.splitlines() if line.strip()), "")
        return Source("", [parse_table(path, first, codec)])
    return Source(kind, [parse_table(path, text, codec)])


def check_kind(source: Source, wanted: str, catalogue: bool = False) -> None:
    """Refuse, in one line, a file that is not the kind of export this command reads."""
    name = source.name
    kind = source.kind
    if catalogue:
        if kind in CATALOGUE_KINDS:
            return
        if kind in ("json", *REQUIRED_COLUMNS):
            raise KioskError(_("{file} is an order export, not a product list: use kiosk import.").format(file=name))
        raise KioskError(_("{file} is not a product list the kiosk knows: it needs SKU and Barcode columns"
                           " (see README, Getting your orders in).").format(file=name))
    if kind in CATALOGUE_KINDS:
        raise KioskError(_("{file} is a product list, not an order export: use kiosk import-catalogue.").format(
            file=name))
    if wanted != "auto" and kind not in FORMAT_KINDS[wanted]:
        missing = [column for kinds in FORMAT_KINDS[wanted] for column in REQUIRED_COLUMNS.get(kinds, ())
                   if source.tables and not source.tables[0].has(column)]
        raise KioskError(_("{file} is not a {format} export: it has no {columns} column.").format(
            file=name, format=wanted, columns=", ".join(dict.fromkeys(missing)) or "JSON"))
    if not kind:
        raise KioskError(_("{file} is not an order export the kiosk knows: its header has none of the columns"
                           " of Amazon, Shopify, Taobao, WooCommerce or the kiosk's CSV.").format(file=name))


def pair_taobao(sources: list[Source]) -> list[Source]:
    """Each Taobao order report joined with its item report (the one sharing its order numbers).

    A half without its partner is refused: a Taobao order without its items cannot be packed.
    """
    reports = [s for s in sources if s.kind == "taobao_orders"]
    items = [s for s in sources if s.kind == "taobao_items"]
    paired = [s for s in sources if s.kind not in ("taobao_orders", "taobao_items")]
    for report in reports:
        ids = _order_ids(report.tables[0])
        partner = max(items, key=lambda item: len(ids & _order_ids(item.tables[0])), default=None)
        if partner is None or not ids & _order_ids(partner.tables[0]):
            raise KioskError(_("{file} is a Taobao order report: give its item report too (both files, or the"
                               " folder that holds them).").format(file=report.name))
        items.remove(partner)
        paired.append(Source("taobao", [report.tables[0], partner.tables[0]]))
    if items:
        raise KioskError(_("{file} is a Taobao item report: give its order report too (both files, or the"
                           " folder that holds them).").format(file=items[0].name))
    return paired


def _order_ids(table: Table) -> set[str]:
    return {row.get("订单编号") for row in table.rows}


def order_sources(paths: list[Path], wanted: str = "auto", encoding: str | None = None) -> list[Source]:
    """The imports that ``kiosk import PATH...`` makes: files as given, a folder's files, Taobao pairs joined."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith(".")
                                and ".rejected" not in p.name))
        else:
            files.append(path)
    if not files:
        raise KioskError(_("No files to import in {folder}.").format(folder=", ".join(str(p) for p in paths)))
    sources = [read_source(path, encoding) for path in files]
    for source in sources:
        check_kind(source, wanted)
    return pair_taobao(sources)


def parse_source(source: Source) -> Parsed:
    if source.kind == "json":
        return parse_generic_json(source.paths[0], source.text)
    if source.kind == "taobao":
        return parse_taobao(*source.tables)
    parser = {"amazon": parse_amazon, "shopify": parse_shopify, "woocommerce": parse_woocommerce,
              "csv": parse_generic_csv}[source.kind]
    return parser(source.tables[0])
