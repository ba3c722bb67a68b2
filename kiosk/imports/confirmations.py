"""Shipping confirmations for upload to the shop platforms: what left the desk on a day, per order line.

What was shipped is what ``shipment_lines`` records (a short shipment confirms the units that
went); void shipments are left out; each shipment confirmed in a format is marked, so the next
export of that format leaves it out unless asked ``again``.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import sqlite_utils

from kiosk.carriers.registry import registry
from kiosk.db import record_event, transaction, utcnow
from kiosk.errors import KioskError
from kiosk.i18n import _

EXPORT_FORMATS = ("amazon", "shopify", "taobao", "csv")

# The kiosk's carrier id -> (Amazon carrier-code, "" for Other with the carrier's name; Shopify's tracking
# company, spelled as Shopify lists it so it builds the tracking link; Taobao's 物流公司编码).
CARRIER_CODES: dict[str, tuple[str, str, str]] = {
    "ups": ("UPS", "UPS", "OTHER"),
    "usps": ("USPS", "USPS", "OTHER"),
    "fedex": ("FedEx", "FedEx", "OTHER"),
    "dhl": ("DHL", "DHL Express", "OTHER"),
    "amazon": ("Amazon Shipping", "Amazon Logistics US", "OTHER"),
    "ontrac": ("OnTrac", "OnTrac", "OTHER"),
    "lasership": ("", "LaserShip", "OTHER"),
    "canada_post": ("Canada Post", "Canada Post", "OTHER"),
    "purolator": ("Purolator", "Purolator", "OTHER"),
    "canpar": ("", "Canpar", "OTHER"),
    "dpd": ("DPD", "DPD", "OTHER"),
    "yodel": ("Yodel", "Yodel", "OTHER"),
    "landmark": ("", "Landmark Global", "OTHER"),
    "china_post": ("China Post", "China Post", "EMS"),
    "sf_express": ("SF Express", "SF Express", "SF"),
    "yunexpress": ("Yun Express", "YunExpress", "OTHER"),
    "zto": ("", "ZTO Express", "ZTO"),
    "yto": ("", "YTO Express", "YTO"),
    "sto": ("", "STO Express", "STO"),
    "yunda": ("", "Yunda Express", "YUNDA"),
    "jd": ("", "JD Logistics", "JDLEx"),
    "jt_express": ("", "J&T Express", "JT"),
    "deppon": ("", "Deppon", "DBKD"),
}
AMAZON_COLUMNS = ("order-id", "order-item-id", "quantity", "ship-date", "carrier-code", "carrier-name",
                  "tracking-number", "ship-method")
SHOPIFY_COLUMNS = ("Order Name", "SKU", "Quantity", "Tracking Number", "Tracking Company", "Tracking URL")
TAOBAO_COLUMNS = ("订单编号", "物流公司", "物流公司编码", "运单号")
CSV_COLUMNS = ("order_id", "platform", "line_no", "sku", "platform_line_id", "quantity", "ship_date",
               "carrier_id", "carrier", "service", "tracking_number", "tracking_url")

_SHIPPED_SQL = """
SELECT s.id AS shipment_id, s.order_id, o.platform, s.carrier_id, s.carrier, s.service, s.tracking_number,
       s.tracking_url, s.shipped_at, l.line_no, l.sku, l.platform_line_id, sl.quantity
FROM shipments s
JOIN orders o ON o.order_id = s.order_id
JOIN shipment_lines sl ON sl.shipment_id = s.id
JOIN order_lines l ON l.order_id = s.order_id AND l.line_no = sl.line_no
WHERE s.voided_at IS NULL AND s.shipped_at >= ? AND s.shipped_at < ? AND sl.quantity > 0
  AND (? = 'csv' OR o.platform = ?)
  AND (? OR NOT EXISTS (SELECT 1 FROM confirmation_exports e WHERE e.shipment_id = s.id AND e.format = ?))
ORDER BY s.shipped_at, s.id, l.line_no
"""


@dataclass(frozen=True)
class ConfirmationExport:
    format: str
    data: bytes
    shipments: int
    rows: int
    already_exported: int  # shipments of the day left out because they were exported before


def day_bounds(day: date) -> tuple[str, str]:
    """The stored-time range (UTC) of a day at this station (local midnight to midnight)."""
    start = datetime.combine(day, time.min).astimezone()
    end = datetime.combine(day + timedelta(days=1), time.min).astimezone()
    return _stored(start), _stored(end)


def _stored(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def _ship_date(stored: str) -> str:
    return datetime.fromisoformat(stored).astimezone().date().isoformat()


def _carrier_names(carrier_id: str, fallback: str) -> tuple[str, str]:
    """(English name, name in the carrier's own language) for the platform files."""
    carrier = registry().carriers.get(carrier_id)
    if carrier is None:
        return fallback or carrier_id, fallback or carrier_id
    return carrier.name, carrier.local_name or carrier.name


def _rows(fmt: str, shipped: list[dict]) -> tuple[tuple[str, ...], list[list[str]]]:
    rows = []
    if fmt == "amazon":
        for item in shipped:
            code = CARRIER_CODES.get(item["carrier_id"], ("", "", ""))[0]
            name = _carrier_names(item["carrier_id"], item["carrier"])[0]
            rows.append([item["order_id"], item["platform_line_id"], str(item["quantity"]),
                         _ship_date(item["shipped_at"]), code or "Other", "" if code else name,
                         item["tracking_number"], item["service"]])
        return AMAZON_COLUMNS, rows
    if fmt == "shopify":
        for item in shipped:
            company = CARRIER_CODES.get(item["carrier_id"], ("", "", ""))[1] or _carrier_names(
                item["carrier_id"], item["carrier"])[0]
            rows.append([item["order_id"], item["sku"], str(item["quantity"]), item["tracking_number"], company,
                         item["tracking_url"]])
        return SHOPIFY_COLUMNS, rows
    if fmt == "taobao":
        # Taobao confirms a whole order with one waybill: one row per shipment.
        seen = set()
        for item in shipped:
            if item["shipment_id"] in seen:
                continue
            seen.add(item["shipment_id"])
            code = CARRIER_CODES.get(item["carrier_id"], ("", "", "OTHER"))[2]
            rows.append([item["order_id"], _carrier_names(item["carrier_id"], item["carrier"])[1], code,
                         item["tracking_number"]])
        return TAOBAO_COLUMNS, rows
    for item in shipped:
        rows.append([item["order_id"], item["platform"], str(item["line_no"]), item["sku"], item["platform_line_id"],
                     str(item["quantity"]), _ship_date(item["shipped_at"]), item["carrier_id"], item["carrier"],
                     item["service"], item["tracking_number"], item["tracking_url"]])
    return CSV_COLUMNS, rows


def _encode(fmt: str, header: tuple[str, ...], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO(newline="")
    if fmt == "amazon":
        # Tab-delimited, unquoted: a tab or line break inside a value would shift every column after it.
        for values in (header, *rows):
            buffer.write("\t".join(" ".join(value.split()) for value in values) + "\n")
        return buffer.getvalue().encode("utf-8")
    csv.writer(buffer, lineterminator="\r\n").writerows([header, *rows])
    if fmt == "taobao":
        try:
            return buffer.getvalue().encode("gbk")
        except UnicodeEncodeError as error:
            raise KioskError(_("The Taobao file is GBK and cannot hold {text!r}.").format(
                text=error.object[error.start:error.end])) from error
    return buffer.getvalue().encode("utf-8")


def export_confirmations(db: sqlite_utils.Database, day: date, fmt: str, *, again: bool = False,
                         destination: Path | None = None, station: str = "") -> ConfirmationExport:
    """The confirmations of ``day`` in ``fmt``; writes ``destination`` (if given) and marks them, together.

    The file is written inside the transaction that marks its shipments: a file that cannot be
    written leaves them unmarked, to be exported again.
    """
    if fmt not in EXPORT_FORMATS:
        raise KioskError(_("Unknown format {format}: use one of {formats}.").format(
            format=fmt, formats=", ".join(EXPORT_FORMATS)))
    start, end = day_bounds(day)
    with transaction(db) as conn:
        cursor = conn.execute(_SHIPPED_SQL, (start, end, fmt, fmt, again, fmt))
        names = [column[0] for column in cursor.description]
        shipped = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        everything = conn.execute(_SHIPPED_SQL, (start, end, fmt, fmt, True, fmt)).fetchall()
        shipment_ids = sorted({item["shipment_id"] for item in shipped})
        already = len({row[0] for row in everything}) - len(shipment_ids) if not again else 0
        header, rows = _rows(fmt, shipped)
        data = _encode(fmt, header, rows)
        if shipment_ids:
            now = utcnow()
            file = str(destination) if destination else "-"
            conn.executemany(
                "INSERT INTO confirmation_exports (shipment_id, format, file, exported_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (shipment_id, format) DO UPDATE SET file = excluded.file,"
                " exported_at = excluded.exported_at",
                [(shipment_id, fmt, file, now) for shipment_id in shipment_ids])
            record_event(conn, "confirmations_exported", station=station, format=fmt, day=day.isoformat(),
                         file=file, shipments=shipment_ids, again=again)
            if destination is not None:
                try:
                    destination.write_bytes(data)
                except OSError as error:
                    raise KioskError(_("{file} cannot be written: {error}").format(
                        file=destination, error=error.strerror)) from error
    return ConfirmationExport(fmt, data, len(shipment_ids), len(rows), already)
