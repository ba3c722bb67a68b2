"""Each platform's order export read into OrderRecords: columns by name, statuses in the kiosk's words.

A problem anywhere in an order's rows rejects the whole order (a half order must never be
packed); the other orders of the file are still read, so one pass names every bad row.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.errors import KioskError
from kiosk.i18n import _
from kiosk.imports.reading import Row, Table
from kiosk.imports.records import (
    CHINA_TIME,
    LineRecord,
    OrderRecord,
    Problem,
    RowError,
    check_id,
    parse_quantity,
    parse_time,
    variant_from_attributes,
)

ORDER_FORMATS = ("amazon", "shopify", "taobao", "woocommerce", "csv", "json")

AMAZON_URGENT = frozenset({"expedited", "nextday", "next day", "secondday", "second day", "priority", "sameday"})
SHOPIFY_FINANCIAL = {
    "paid": "paid", "partially_refunded": "paid",
    "pending": "awaiting_payment", "authorized": "awaiting_payment", "partially_paid": "awaiting_payment",
    "unpaid": "awaiting_payment",
    "refunded": "cancelled", "voided": "cancelled", "expired": "cancelled",
}
WOO_STATUS = {
    "processing": "paid",
    "pending": "awaiting_payment", "on-hold": "awaiting_payment",
    "completed": "shipped",
    "cancelled": "cancelled", "refunded": "cancelled", "failed": "cancelled",
}
GENERIC_STATUS = {
    "paid": "paid", "awaiting_payment": "awaiting_payment", "pending": "awaiting_payment",
    "cancelled": "cancelled", "canceled": "cancelled", "shipped": "shipped",
}
# Taobao's 订单状态, by the words that decide it (the full texts vary a little between exports).
TAOBAO_STATUS = (
    ("等待买家付款", "awaiting_payment"),
    ("等待卖家发货", "paid"),
    ("卖家已发货", "shipped"),
    ("交易成功", "shipped"),
    ("交易关闭", "cancelled"),
)
ORDER_TEXT_FIELDS = ("buyer_id", "recipient_name", "phone", "address", "city", "province", "postal_code",
                     "country", "buyer_note", "seller_note", "requested_carrier")


@dataclass
class Parsed:
    format: str
    orders: list[OrderRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # What goes to the reject file: (file, the row or None for JSON, the reason).
    rejected_rows: list[tuple[str, Row | None, str]] = field(default_factory=list)
    nothing_to_ship: list[str] = field(default_factory=list)


def detect(table: Table) -> str:
    """The kind of export a header says this is, or "" when it is none the kiosk reads."""
    has = table.has
    if has("order-id", "order-item-id", "sku"):
        return "amazon"
    if has("name", "lineitem quantity"):
        return "shopify"
    if has("订单编号", "收货人姓名"):
        return "taobao_orders"
    if has("订单编号", "购买数量"):
        return "taobao_items"
    if (has("handle") or has("url handle")) and has("title"):
        return "shopify_products"
    if (has("order_number") or has("order_id")) and (has("shipping_first_name") or has("billing_email")):
        return "woocommerce"
    if has("order_id", "sku", "quantity"):
        return "csv"
    if has("sku") and (has("barcode") or has("barcodes")):
        return "catalogue_csv"
    return ""


def _first(rows: list[Row], *names: str) -> str:
    if len(rows) == 1:  # most orders are one row
        return rows[0].get(*names)
    for row in rows:
        value = row.get(*names)
        if value:
            return value
    return ""


def _group(table: Table, parsed: Parsed, columns: tuple[str, ...], what: str) -> dict[str, list[Row]]:
    groups: dict[str, list[Row]] = {}
    for row in table.rows:
        try:
            order_id = check_id(row.get(*columns), columns[0], what)
        except RowError as error:
            _reject(parsed, table.path.name, row.line, error, "", [row])
            continue
        groups.setdefault(order_id, []).append(row)
    return groups


OrderReader = Callable[[str, list[Row]], OrderRecord]
LineReader = Callable[[Row, OrderRecord], LineRecord | None]


def _build(table: Table, parsed: Parsed, groups: dict[str, list[Row]], read_order: OrderReader,
           read_line: LineReader) -> None:
    for order_id, rows in groups.items():
        try:
            record = read_order(order_id, rows)
        except RowError as error:
            _reject(parsed, table.path.name, rows[0].line, error, order_id, rows)
            continue
        record.rows = rows
        _add_lines(parsed, record, rows, read_line)


def _add_lines(parsed: Parsed, record: OrderRecord, items: list[Row], read_line: LineReader) -> None:
    """The order's lines from its item rows; a bad one rejects the whole order."""
    for row in items:
        try:
            line = read_line(row, record)
        except RowError as error:
            _reject(parsed, row.file, row.line, error, record.order_id, record.rows)
            return
        if line is not None:
            record.lines.append(line)
    if record.lines:
        parsed.orders.append(record)
    else:
        parsed.nothing_to_ship.append(record.order_id)


def _reject(parsed: Parsed, file: str, line: int, error: RowError, order_id: str, rows: list[Row]) -> None:
    problem = Problem(file, line, error.column, error.message, order_id)
    parsed.problems.append(problem)
    parsed.rejected_rows.extend((row.file, row, problem.describe()) for row in rows)


def _record(order_id: str, platform: str, status: str, platform_status: str, file: str, line: int,
            created_at: str | None, paid_at: str | None, **fields: object) -> OrderRecord:
    values: dict[str, object] = {name: "" for name in ORDER_TEXT_FIELDS}
    values["priority"] = 0
    values.update(fields)
    return OrderRecord(order_id, platform, status, platform_status, file, line, values, created_at, paid_at)


def _address(*parts: str) -> str:
    return ", ".join(part for part in parts if part)


# -- Amazon --------------------------------------------------------------------------------------

def parse_amazon(table: Table) -> Parsed:
    parsed = Parsed("amazon")
    quantity_column = "quantity-to-ship" if table.has("quantity-to-ship") else "quantity-purchased"
    # The Unshipped Orders report lists only orders paid for; a New Orders file may hold pending ones.
    payment_known = table.has("payments-date")

    def order(order_id: str, rows: list[Row]) -> OrderRecord:
        paid_at = parse_time(_first(rows, "payments-date"), "payments-date")
        level = _first(rows, "ship-service-level")
        urgent = level.casefold() in AMAZON_URGENT or _first(rows, "is-prime").casefold() == "true"
        return _record(
            order_id, "amazon", "paid" if paid_at or not payment_known else "awaiting_payment", level,
            table.path.name, rows[0].line, parse_time(_first(rows, "purchase-date"), "purchase-date"), paid_at,
            buyer_id=_first(rows, "buyer-name", "buyer-email"), recipient_name=_first(rows, "recipient-name"),
            phone=_first(rows, "ship-phone-number", "buyer-phone-number"),
            address=_address(_first(rows, "ship-address-1"), _first(rows, "ship-address-2"),
                             _first(rows, "ship-address-3")),
            city=_first(rows, "ship-city"), province=_first(rows, "ship-state"),
            postal_code=_first(rows, "ship-postal-code"), country=_first(rows, "ship-country"),
            buyer_note=_first(rows, "delivery-instructions"), priority=1 if urgent else 0,
        )

    def line(row: Row, record: OrderRecord) -> LineRecord | None:
        quantity = parse_quantity(row.get(quantity_column), quantity_column)
        if quantity == 0:
            return None  # shipped already
        sku = check_id(row.get("sku"), "sku", _("sku"))
        return LineRecord(sku, row.get("product-name") or sku, "", "", quantity,
                          check_id(row.get("order-item-id"), "order-item-id", _("order item id")))

    _build(table, parsed, _group(table, parsed, ("order-id",), _("order id")), order, line)
    return parsed


# -- Shopify -------------------------------------------------------------------------------------

def parse_shopify(table: Table) -> Parsed:
    parsed = Parsed("shopify")

    def order(order_id: str, rows: list[Row]) -> OrderRecord:
        financial = _first(rows, "Financial Status").casefold()
        fulfilment = _first(rows, "Fulfillment Status").casefold()
        if _first(rows, "Cancelled at"):
            status = "cancelled"
        elif not financial:
            raise RowError("Financial Status", _("no financial status."))
        elif financial not in SHOPIFY_FINANCIAL:
            raise RowError("Financial Status", _("unknown financial status {value!r}.").format(value=financial))
        else:
            status = SHOPIFY_FINANCIAL[financial]
            if fulfilment == "fulfilled" and status != "cancelled":
                status = "shipped"
        return _record(
            order_id, "shopify", status, "/".join(part for part in (financial, fulfilment) if part),
            table.path.name, rows[0].line, parse_time(_first(rows, "Created at"), "Created at"),
            parse_time(_first(rows, "Paid at"), "Paid at"),
            buyer_id=_first(rows, "Email"), recipient_name=_first(rows, "Shipping Name"),
            phone=_first(rows, "Shipping Phone", "Phone"),
            address=_address(_first(rows, "Shipping Address1"), _first(rows, "Shipping Address2"),
                             _first(rows, "Shipping Company")),
            city=_first(rows, "Shipping City"), province=_first(rows, "Shipping Province"),
            postal_code=_first(rows, "Shipping Zip"), country=_first(rows, "Shipping Country"),
            buyer_note=_first(rows, "Notes"), requested_carrier=_first(rows, "Shipping Method"),
        )

    def line(row: Row, record: OrderRecord) -> LineRecord | None:
        if row.get("Lineitem requires shipping").casefold() == "false":
            return None  # a gift card or a download
        if record.status != "shipped" and row.get("Lineitem fulfillment status").casefold() == "fulfilled":
            return None  # this line left in an earlier parcel
        quantity = parse_quantity(row.get("Lineitem quantity"), "Lineitem quantity")
        sku = check_id(row.get("Lineitem sku"), "Lineitem sku", _("sku"))
        return LineRecord(sku, row.get("Lineitem name") or sku, "", "", quantity)

    _build(table, parsed, _group(table, parsed, ("Name",), _("order name")), order, line)
    return parsed


# -- Taobao / Tmall ------------------------------------------------------------------------------

def _taobao_status(value: str) -> str:
    for words, status in TAOBAO_STATUS:
        if words in value:
            return status
    raise RowError("订单状态", _("unknown order status {value!r}.").format(value=value) if value
                   else _("no order status."))


def split_china_address(text: str) -> tuple[str, str, str, str]:
    """(street address, province, city, postal code) of ``浙江省 杭州市 西湖区 文三路100号(310000)``."""
    postal = ""
    match = re.search(r"[(（]\s*(\d{6})\s*[)）]\s*$", text)
    if match:
        postal, text = match.group(1), text[: match.start()].strip()
    parts = text.split()
    if len(parts) < 3:
        return text, "", "", postal
    return " ".join(parts[2:]), parts[0], parts[1], postal


def parse_taobao(orders: Table, items: Table) -> Parsed:
    parsed = Parsed("taobao")
    item_groups = _group(items, parsed, ("订单编号",), _("order id"))
    order_groups = _group(orders, parsed, ("订单编号",), _("order id"))
    for order_id in item_groups.keys() - order_groups.keys():
        row = item_groups[order_id][0]
        error = RowError("订单编号", _("order {order_id} is not in the order report {file}.").format(
            order_id=order_id, file=orders.path.name))
        _reject(parsed, items.path.name, row.line, error, order_id, item_groups[order_id])

    def order(order_id: str, rows: list[Row]) -> OrderRecord:
        if order_id not in item_groups:
            raise RowError("订单编号", _("order {order_id} has no items in the item report {file}.").format(
                order_id=order_id, file=items.path.name))
        value = _first(rows, "订单状态")
        address, province, city, postal = split_china_address(_first(rows, "收货地址"))
        return _record(
            order_id, "taobao", _taobao_status(value), value, orders.path.name, rows[0].line,
            parse_time(_first(rows, "订单创建时间"), "订单创建时间", CHINA_TIME),
            parse_time(_first(rows, "订单付款时间"), "订单付款时间", CHINA_TIME),
            buyer_id=_first(rows, "买家会员名"), recipient_name=_first(rows, "收货人姓名"),
            phone=_first(rows, "联系手机", "联系电话"), address=address, city=city, province=province,
            postal_code=postal, country="CN", buyer_note=_first(rows, "买家留言"),
            seller_note=_first(rows, "订单备注"), requested_carrier=_first(rows, "运送方式"),
        )

    def line(row: Row, record: OrderRecord) -> LineRecord | None:
        if "交易关闭" in row.get("订单状态") and record.status != "cancelled":
            return None  # this item was refunded; the rest of the order still goes
        quantity = parse_quantity(row.get("购买数量"), "购买数量")
        sku = check_id(row.get("商家编码", "外部系统编号"), "商家编码", _("sku"))
        colour, size = variant_from_attributes(row.get("商品属性"))
        return LineRecord(sku, row.get("标题") or sku, colour, size, quantity)

    _build_taobao(orders, parsed, order_groups, item_groups, order, line)
    return parsed


def _build_taobao(orders: Table, parsed: Parsed, order_groups: dict[str, list[Row]],
                  item_groups: dict[str, list[Row]], order: OrderReader, line: LineReader) -> None:
    for order_id, rows in order_groups.items():
        item_rows = item_groups.get(order_id, [])
        try:
            record = order(order_id, rows)
        except RowError as error:
            _reject(parsed, orders.path.name, rows[0].line, error, order_id, rows + item_rows)
            continue
        record.rows = rows + item_rows
        _add_lines(parsed, record, item_rows, line)


# -- WooCommerce ---------------------------------------------------------------------------------

def parse_woocommerce(table: Table) -> Parsed:
    parsed = Parsed("woocommerce")

    def order(order_id: str, rows: list[Row]) -> OrderRecord:
        value = _first(rows, "status", "order_status").casefold().removeprefix("wc-")
        if value not in WOO_STATUS:
            raise RowError("status", _("unknown order status {value!r}.").format(value=value) if value
                           else _("no order status."))
        name = " ".join(part for part in (_first(rows, "shipping_first_name"), _first(rows, "shipping_last_name"))
                        if part)
        return _record(
            order_id, "woocommerce", WOO_STATUS[value], value, table.path.name, rows[0].line,
            parse_time(_first(rows, "order_date", "date_created"), "order_date"),
            parse_time(_first(rows, "paid_date", "date_paid"), "paid_date"),
            buyer_id=_first(rows, "billing_email", "customer_email"), recipient_name=name,
            phone=_first(rows, "shipping_phone", "billing_phone"),
            address=_address(_first(rows, "shipping_company"), _first(rows, "shipping_address_1"),
                             _first(rows, "shipping_address_2")),
            city=_first(rows, "shipping_city"), province=_first(rows, "shipping_state"),
            postal_code=_first(rows, "shipping_postcode"), country=_first(rows, "shipping_country"),
            buyer_note=_first(rows, "customer_note"),
            requested_carrier=_first(rows, "shipping_method_title", "shipping_method"),
        )

    def line(row: Row, record: OrderRecord) -> LineRecord | None:
        quantity = parse_quantity(row.get("quantity", "qty", "item_quantity"), "quantity")
        sku = check_id(row.get("sku", "item_sku"), "sku", _("sku"))
        return LineRecord(sku, row.get("item_name", "line_item_name", "product_name") or sku, "", "", quantity,
                          row.get("item_id", "line_item_id"))

    _build(table, parsed, _group(table, parsed, ("order_number", "order_id"), _("order number")), order, line)
    return parsed


# -- The kiosk's own formats ---------------------------------------------------------------------

def _generic_order(platform: str, status_value: str, file: str, line: int, get: Callable[[str], str],
                   order_id: str) -> OrderRecord:
    status = GENERIC_STATUS.get(status_value.casefold() or "paid")
    if status is None:
        raise RowError("status", _("unknown status {value!r}: use paid, awaiting_payment or cancelled.").format(
            value=status_value))
    priority = get("priority") or "0"
    if priority not in ("0", "1"):
        raise RowError("priority", _("priority is 0 (normal) or 1 (urgent), not {value!r}.").format(value=priority))
    return _record(
        order_id, platform or "manual", status, status_value, file, line,
        parse_time(get("created_at"), "created_at"), parse_time(get("paid_at"), "paid_at"),
        priority=int(priority), **{name: get(name) for name in ORDER_TEXT_FIELDS},
    )


def _generic_line(get: Callable[[str], str]) -> LineRecord:
    quantity = parse_quantity(get("quantity"), "quantity")
    if quantity == 0:
        raise RowError("quantity", _("a line needs at least 1 unit."))
    sku = check_id(get("sku"), "sku", _("sku"))
    return LineRecord(sku, get("name") or sku, get("colour") or get("color"), get("size"), quantity, get("line_id"))


def parse_generic_csv(table: Table) -> Parsed:
    parsed = Parsed("csv")

    def order(order_id: str, rows: list[Row]) -> OrderRecord:
        return _generic_order(_first(rows, "platform").casefold(), _first(rows, "status"), table.path.name,
                              rows[0].line, lambda name: _first(rows, name), order_id)

    def line(row: Row, record: OrderRecord) -> LineRecord:
        return _generic_line(row.get)

    _build(table, parsed, _group(table, parsed, ("order_id",), _("order id")), order, line)
    return parsed


def parse_generic_json(path: Path, text: str) -> Parsed:
    """``{"orders": [{"order_id": ..., "lines": [{"sku": ..., "quantity": ...}]}]}`` or the bare list.

    Problems are placed by the line of the file the order's object starts on.
    """
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise KioskError(_("{file} line {line}: not valid JSON ({error}).").format(
            file=path.name, line=error.lineno, error=error.msg)) from error
    orders = document.get("orders") if isinstance(document, dict) else document
    if not isinstance(orders, list):
        raise KioskError(_("{file} is not an order export: JSON orders are a list under \"orders\".").format(
            file=path.name))
    parsed = Parsed("json")
    starts = _object_lines(text, len(orders))
    for index, item in enumerate(orders):
        line = starts[index] if index < len(starts) else 1
        try:
            if not isinstance(item, dict):
                raise RowError("", _("an order is an object."))
            get = _json_getter(item)
            order_id = check_id(get("order_id"), "order_id", _("order id"))
            record = _generic_order(get("platform").casefold(), get("status"), path.name, line, get, order_id)
            lines = item.get("lines")
            if not isinstance(lines, list) or not lines:
                raise RowError("lines", _("an order needs a list of lines."))
            for entry in lines:
                if not isinstance(entry, dict):
                    raise RowError("lines", _("a line is an object."))
                record.lines.append(_generic_line(_json_getter(entry)))
        except RowError as error:
            problem = Problem(path.name, line, error.column, error.message)
            parsed.problems.append(problem)
            parsed.rejected_rows.append((path.name, None, reject_entry(problem.describe(), item)))
            continue
        parsed.orders.append(record)
    return parsed


def reject_entry(reason: str, item: object) -> str:
    """A rejected JSON order as the reject file keeps it: the reason, and the order as it was."""
    return json.dumps({"reject_reason": reason, "order": item}, ensure_ascii=False)


def _json_getter(item: dict) -> Callable[[str], str]:
    def get(name: str) -> str:
        value = item.get(name)
        if value is None or isinstance(value, dict | list):
            return ""
        if isinstance(value, bool):
            return str(int(value))
        return str(value).strip()
    return get


def _object_lines(text: str, count: int) -> list[int]:
    """The line each order object starts on, for messages; approximate when objects share a line."""
    lines = []
    depth = 0
    in_string = escaped = False
    line = 1
    for char in text:
        if char == "\n":
            line += 1
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
            continue
        if char == '"':
            in_string = True
        elif char in "{[":
            depth += 1
            if char == "{" and depth == (3 if text.lstrip().startswith("{") else 2):
                lines.append(line)
                if len(lines) == count:
                    break
        elif char in "}]":
            depth -= 1
    return lines
