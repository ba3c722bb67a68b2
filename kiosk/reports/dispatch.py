"""The dispatch log of one business day: every parcel shipped, totals per carrier and per packer, the
day's problems, holds, reprints and voids, and the orders that are late.

One call (`dispatch_log`) gives everything a screen or an export shows. Figures that add up (orders,
parcels, units, scans, refused scans, units with a later problem) are carried by each row, so every
total is the sum of its rows. A row's scans are those of its order's packing session: from the claim
that led to the shipment (the latest `status_packing` event before it) to the shipment itself, so a
packing abandoned earlier, or voided and packed again, does not count twice.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from itertools import compress
from operator import attrgetter, is_not
from typing import NamedTuple

import sqlite_utils

from kiosk.auth import Operator
from kiosk.errors import KioskError
from kiosk.handover import HandoverNote, notes_written
from kiosk.i18n import _
from kiosk.reports.day import BusinessDay, stamp, today
from kiosk.reports.settings import ReportSettings

# Problems found after a parcel left that mean the packing was wrong.
PACKING_FAULTS = ("missing", "wrong_item", "short")
# Leaderboard buckets by units in the order: (label, smallest, largest).
ORDER_SIZES = (("1", 1, 1), ("2-3", 2, 3), ("4-9", 4, 9), ("10+", 10, None))
# Where a shipment's carrier is grouped: its identified carrier id, else the name it was recorded under.
CARRIER_KEY = "CASE WHEN s.carrier_id != '' THEN s.carrier_id ELSE s.carrier END"
# A parcel's units and its lines with a quantity travel as one number, units * LINES_SCALE + lines:
# quantities are never negative (a CHECK of shipment_lines) and a parcel has far fewer lines than this.
LINES_SCALE = 1 << 32


class ShipmentRow(NamedTuple):
    """One parcel, as one SQL row (a busy day has thousands: no object is built per field).

    Orders, units and scan figures sit on the parcel that completes its order.
    """

    shipment_id: int
    shipped_at: str
    local_time: str
    order_id: str
    platform: str
    carrier: str
    carrier_key: str
    tracking_number: str
    package_no: int
    package_count: int
    packer: str
    packer_name: str
    station: str
    # 1 or 0, as SQLite gives them (equal to True and False); the exports write booleans.
    completes_order: int
    items: int
    units: int
    ordered_units: int
    pack_seconds: int | None
    short: int
    scans: int
    accepted_scans: int
    # The refused scans of the packing session, comma-separated results ("" when none): see `refused`.
    refused_scans: str
    problem_units: int
    seconds_per_item: float | None
    # The local hour of the business day the parcel left in (0 is the hour from the day start).
    hour: int

    @property
    def orders(self) -> int:
        return self.completes_order

    @property
    def refused(self) -> dict[str, int]:
        """Refused scans by result, e.g. {"wrong_variant": 1}."""
        return dict(sorted(Counter(self.refused_scans.split(",")).items())) if self.refused_scans else {}


# A row's figures as the exports name them, in this order (booleans and `refused` as a dict).
ROW_FIELDS = tuple("refused" if name == "refused_scans" else name for name in ShipmentRow._fields
                   if name not in ("seconds_per_item", "hour"))
ROW_BOOLEANS = ("completes_order", "short")


def row_dict(row: ShipmentRow) -> dict[str, object]:
    values: dict[str, object] = {name: getattr(row, name) for name in ROW_FIELDS}
    for name in ROW_BOOLEANS:
        values[name] = bool(values[name])
    return values


@dataclass(frozen=True)
class Totals:
    """The figures of a group of rows: one carrier, one packer, or the whole log (key "")."""

    key: str
    name: str
    orders: int
    parcels: int
    units: int
    scans: int
    accepted_scans: int
    refused: dict[str, int]
    problem_units: int
    scan_accuracy: float | None
    shipment_accuracy: float | None
    median_seconds_per_item: float | None
    p90_seconds_per_item: float | None


@dataclass(frozen=True)
class LeaderEntry:
    size: str
    rank: int
    packer: str
    name: str
    orders: int
    median_seconds_per_item: float


@dataclass(frozen=True)
class ProblemEntry:
    problem_id: int
    order_id: str
    kind: str
    quantity: int
    status: str
    reported_by: str
    reported_at: str
    approved_by: str
    resolved_by: str
    resolved_at: str
    opened_in_day: bool
    resolved_in_day: bool


@dataclass(frozen=True)
class ShortShipment:
    order_id: str
    packer: str
    ordered_units: int
    shipped_units: int
    approved_by: str


@dataclass(frozen=True)
class ActionEntry:
    """A hold, a reprint or a void, and who did or approved it."""

    at: str
    order_id: str
    operator: str
    reason: str
    tracking_numbers: tuple[str, ...] = ()


@dataclass(frozen=True)
class LateOrder:
    order_id: str
    platform: str
    status: str
    paid_at: str
    due_at: str
    late_seconds: int


@dataclass(frozen=True)
class HourCount:
    """Orders completed in one local hour of the day, per carrier name."""

    hour: str
    start: str
    orders: dict[str, int]


@dataclass(frozen=True)
class DispatchLog:
    day: BusinessDay
    as_of: str
    packer: str | None
    carrier: str | None
    rows: list[ShipmentRow]
    totals: Totals
    by_carrier: list[Totals]
    by_packer: list[Totals]
    leaderboard: list[LeaderEntry]
    problems: list[ProblemEntry]
    shorts: list[ShortShipment]
    holds: list[ActionEntry]
    reprints: list[ActionEntry]
    voids: list[ActionEntry]
    late: list[LateOrder]
    hourly: list[HourCount]
    notes: list[HandoverNote] = field(default_factory=list)
    station: str | None = None


# -- who may read what ---------------------------------------------------------------------------


def allowed_packer_filter(viewer: Operator, day: BusinessDay, packer: str | None, settings: ReportSettings,
                          now: datetime | None = None) -> str | None:
    """The packer filter `viewer` reads the log with; a packer gets only their own figures of today."""
    if viewer.role != "packer":
        return packer
    if packer not in (None, viewer.badge):
        raise KioskError(_("A packer sees only their own figures, not those of {badge}.").format(badge=packer))
    if day.day != today(settings, now).day:
        raise KioskError(_("A packer sees only today's figures."))
    return viewer.badge


def resolve_packer(db: sqlite_utils.Database, badge: str) -> str:
    badge = badge.strip().upper()
    if not badge:
        raise KioskError(_("Give a packer's badge."))
    if db.execute("SELECT 1 FROM operators WHERE badge = ?", [badge]).fetchone() is None:
        raise KioskError(_("Unknown packer {badge}.").format(badge=badge))
    return badge


def resolve_carrier(db: sqlite_utils.Database, text: str) -> str:
    """A carrier id or name as the log groups it; refused when no carrier has that id or name."""
    from kiosk.carriers import carrier_from_text, list_carriers

    text = text.strip()
    if not text:
        raise KioskError(_("Give a carrier id or name (see kiosk tracking --list)."))
    known = dict(list_carriers())
    if text in known:
        return text
    found = carrier_from_text(text)
    if found:
        return found
    # A name recorded without an identified carrier id (older or imported shipments).
    row = db.execute("SELECT carrier FROM shipments WHERE carrier_id = '' AND carrier = ? COLLATE NOCASE LIMIT 1",
                     [text]).fetchone()
    if row is None:
        raise KioskError(_("Unknown carrier {carrier} (see kiosk tracking --list).").format(carrier=text))
    return row[0]


def resolve_station(db: sqlite_utils.Database, day: BusinessDay, text: str) -> str:
    """A station that shipped a parcel in `day`, as the shipments spell it; refused otherwise."""
    start, end = day.bounds
    wanted = text.strip()
    for (station,) in db.execute("SELECT DISTINCT station FROM shipments WHERE shipped_at >= ? AND shipped_at < ?",
                                 [start, end]):
        if station.casefold() == wanted.casefold():
            return station
    raise KioskError(_("No parcel left station {station} on {day}.").format(station=wanted, day=day.day.isoformat()))


# -- the log -------------------------------------------------------------------------------------


def dispatch_log(
    db: sqlite_utils.Database,
    viewer: Operator,
    day: BusinessDay,
    settings: ReportSettings,
    *,
    packer: str | None = None,
    carrier: str | None = None,
    station: str | None = None,
    now: datetime | None = None,
) -> DispatchLog:
    """The log of `day` as `viewer` may read it, filtered to one packer, carrier key and/or station."""
    now = now or datetime.now(UTC)
    packer = allowed_packer_filter(viewer, day, packer, settings, now)
    start, end = day.bounds
    rows = shipment_rows(db, day, settings, packer=packer, carrier=carrier, station=station)
    orders = {row.order_id for row in rows}
    as_of = min(now.astimezone(UTC), day.end.astimezone(UTC))
    own = viewer.role == "packer"

    def mine(order_id: str, operator: str | None) -> bool:
        if packer is None and carrier is None and station is None:
            return True
        return order_id in orders or (packer is not None and carrier is None and station is None
                                      and operator == packer)

    return DispatchLog(
        day=day,
        as_of=stamp(as_of),
        packer=packer,
        carrier=carrier,
        rows=rows,
        totals=totals_of("", _("all"), rows),
        by_carrier=_grouped(rows, attrgetter("carrier_key", "carrier")),
        by_packer=_grouped(rows, attrgetter("packer", "packer_name")),
        leaderboard=leaderboard(rows),
        problems=[p for p in _problems(db, start, end) if mine(p.order_id, p.reported_by)],
        shorts=_shorts(db, rows),
        holds=[h for h in _actions(db, "status_on_hold", start, end) if mine(h.order_id, h.operator)],
        reprints=[r for r in _actions(db, "label_reprinted", start, end) if mine(r.order_id, r.operator)],
        voids=_voids(db, start, end, packer, carrier, station),
        # The late list is the shop's, not a packer's figure; it has no carrier before the waybill.
        late=[] if own or packer or carrier or station else late_orders(db, settings, as_of),
        hourly=hourly(rows, day),
        notes=[] if own else notes_written(db, start, end),
        station=station,
    )


def _offsets(day: BusinessDay) -> list[tuple[str | None, str, str]]:
    """The day's spans of one UTC offset: (end as stored or None for the last, SQLite time modifier,
    ISO suffix). One span, or two on a daylight-saving change day."""
    zone = day.start.tzinfo
    spans = []
    moment, end = day.start.astimezone(UTC), day.end.astimezone(UTC)
    while True:
        offset = moment.astimezone(zone).utcoffset()
        local = moment.astimezone(zone).isoformat(timespec="seconds")
        modifier = f"{int(offset.total_seconds()):+d} seconds"
        if (end - timedelta(seconds=1)).astimezone(zone).utcoffset() == offset:
            spans.append((None, modifier, local[19:]))
            return spans
        # The first whole second with another offset (zones change at whole seconds).
        low, high = 0, int((end - moment).total_seconds())
        while high - low > 1:
            middle = (low + high) // 2
            if (moment + timedelta(seconds=middle)).astimezone(zone).utcoffset() == offset:
                low = middle
            else:
                high = middle
        moment += timedelta(seconds=high)
        spans.append((stamp(moment), modifier, local[19:]))


def _case(spans: list[tuple[str | None, str, str]], column: int) -> tuple[str, list[str]]:
    """A CASE over the shipment time picking a span's value."""
    if len(spans) == 1:
        return "?", [spans[0][column]]
    sql, params = "CASE", []
    for until, *values in spans[:-1]:
        sql += " WHEN z.shipped_at < ? THEN ?"
        params += [until, values[column - 1]]
    return f"{sql} ELSE ? END", [*params, spans[-1][column]]


_AS_ROW = partial(tuple.__new__, ShipmentRow)


def shipment_rows(db: sqlite_utils.Database, day: BusinessDay, settings: ReportSettings, *,
                  packer: str | None = None, carrier: str | None = None,
                  station: str | None = None) -> list[ShipmentRow]:
    """The live parcels shipped in `day`, oldest first: every figure of a row is worked out in SQL."""
    from kiosk.carriers import carrier_name, list_carriers

    start, end = day.bounds
    where, params = "", [start, end]
    if packer:
        where += " AND s.operator = ?"
        params.append(packer)
    if carrier:
        where += f" AND {CARRIER_KEY} = ?"
        params.append(carrier)
    if station:
        where += " AND s.station = ?"
        params.append(station)
    # Carrier names in the current language, for the carrier ids the kiosk knows.
    names = [(carrier_id, carrier_name(carrier_id)) for carrier_id, _name in list_carriers()]
    spans = _offsets(day)
    modifier, modifier_params = _case(spans, 1)
    suffix, suffix_params = _case(spans, 2)
    marks = ", ".join("?" * len(PACKING_FAULTS))
    # MATERIALIZED: the claim time and the sizes are looked up once per parcel, not once per use.
    # Times are compared in whole milliseconds (julianday keeps them); a pack time is rounded to
    # the second half to even, as Python rounds.
    raw = db.conn.execute(
        f"""
        WITH day AS MATERIALIZED (
            SELECT s.id, s.shipped_at, s.order_id, s.carrier, s.carrier_id, {CARRIER_KEY} AS carrier_key,
                s.tracking_number, s.package_no, s.package_count, s.operator, s.station,
                s.package_no >= s.package_count AS completes,
                -- The latest claim: one step down the index from the shipment time, not an aggregate.
                (SELECT e.at FROM events e WHERE e.order_id = s.order_id AND e.kind = 'status_packing'
                    AND e.at <= s.shipped_at ORDER BY e.at DESC LIMIT 1) AS claimed_at
            FROM shipments s
            WHERE s.shipped_at >= ? AND s.shipped_at < ? AND s.voided_at IS NULL{where}
        ), sized AS MATERIALIZED (
            SELECT d.*,
                CASE WHEN d.completes THEN
                    CAST(round((julianday(d.shipped_at) - julianday(d.claimed_at)) * 86400000) AS INTEGER)
                END AS pack_ms,
                -- Units and lines with a quantity in one pass over the parcel's lines (NULL without lines).
                (SELECT SUM(sl.quantity) * {LINES_SCALE} + SUM(sl.quantity > 0) FROM shipment_lines sl
                    WHERE sl.shipment_id = d.id) AS sl_sizes,
                (SELECT SUM(ol.quantity) FROM order_lines ol WHERE ol.order_id = d.order_id) AS ordered_units,
                -- The packing session's scans, and its refused ones: two ranges of one index.
                CASE WHEN d.completes AND d.claimed_at IS NOT NULL THEN (SELECT COUNT(*) FROM scans sc
                    WHERE sc.order_id = d.order_id AND sc.scanned_at >= d.claimed_at AND sc.scanned_at <= d.shipped_at)
                    ELSE 0 END AS scans,
                CASE WHEN d.completes AND d.claimed_at IS NOT NULL THEN COALESCE((SELECT group_concat(sc.result)
                    FROM scans sc WHERE sc.order_id = d.order_id AND sc.result != 'accepted'
                    AND sc.scanned_at >= d.claimed_at AND sc.scanned_at <= d.shipped_at), '') ELSE '' END AS refused
            FROM day d
        ), figured AS (
            SELECT z.*, z.sl_sizes / {LINES_SCALE} AS sl_units, z.sl_sizes % {LINES_SCALE} AS sl_items,
                CASE WHEN z.completes THEN COALESCE(z.sl_sizes / {LINES_SCALE}, z.ordered_units, 0) ELSE 0 END AS units,
                z.pack_ms / 1000 + (z.pack_ms % 1000 > 500 OR (z.pack_ms % 1000 = 500 AND z.pack_ms / 1000 % 2 = 1))
                    AS pack_seconds
            FROM sized z
        )
        SELECT z.id, z.shipped_at,
            replace(datetime(z.shipped_at, {modifier}), ' ', 'T') || {suffix},
            z.order_id, o.platform,
            CASE WHEN z.carrier_id = '' THEN z.carrier
                ELSE CASE z.carrier_id {" ".join(["WHEN ? THEN ?"] * len(names))}
                    ELSE COALESCE(NULLIF(z.carrier, ''), z.carrier_id) END END,
            z.carrier_key, z.tracking_number, z.package_no, z.package_count, z.operator,
            COALESCE(op.name, z.operator), z.station, z.completes,
            CASE WHEN NOT z.completes THEN 0 WHEN z.sl_units IS NOT NULL THEN z.sl_items
                -- Shipments recorded before shipment lines existed carry the whole order.
                ELSE (SELECT COUNT(*) FROM order_lines ol WHERE ol.order_id = z.order_id) END,
            z.units,
            CASE WHEN z.completes THEN COALESCE(z.ordered_units, 0) ELSE 0 END,
            z.pack_seconds,
            z.completes AND z.units < COALESCE(z.ordered_units, 0),
            z.scans,
            z.scans - CASE WHEN z.refused = '' THEN 0
                ELSE length(z.refused) - length(replace(z.refused, ',', '')) + 1 END,
            z.refused,
            CASE WHEN z.completes THEN min(z.units, COALESCE((SELECT SUM(CASE WHEN p.quantity > 0 THEN p.quantity
                ELSE z.ordered_units END) FROM problems p WHERE p.order_id = z.order_id
                AND p.reported_at > z.shipped_at AND p.kind IN ({marks})), 0)) ELSE 0 END,
            CASE WHEN z.units > 0 THEN z.pack_seconds * 1.0 / z.units END,
            CAST(round((julianday(z.shipped_at) - julianday(?)) * 86400000) AS INTEGER) / 3600000
        FROM figured z JOIN orders o ON o.order_id = z.order_id
        LEFT JOIN operators op ON op.badge = z.operator
        ORDER BY z.shipped_at, z.id
        """,
        [*params, *modifier_params, *suffix_params, *(value for pair in names for value in pair),
         *PACKING_FAULTS, start],
    )
    # The statement gives exactly the row's fields, so each row becomes a ShipmentRow in C (no length check).
    return list(map(_AS_ROW, raw))


# -- figures -------------------------------------------------------------------------------------


def percentile(ordered: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile of sorted values: the smallest with at least `fraction` of them at or below it."""
    if not ordered:
        return None
    return ordered[max(math.ceil(fraction * len(ordered)) - 1, 0)]


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _seconds(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _median(ordered: list[float]) -> float:
    """The median of sorted values (statistics.median, without sorting again)."""
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


_ADDITIVE = tuple(map(attrgetter, ("completes_order", "units", "scans", "accepted_scans", "problem_units")))
_PER_ITEM = attrgetter("seconds_per_item")
_REFUSED = attrgetter("refused_scans")
_IS_VALUE = partial(is_not, None)
_HOUR_CARRIER = attrgetter("hour", "carrier")
_COMPLETES = attrgetter("completes_order")
_LEADER_FIELDS = attrgetter("seconds_per_item", "units", "packer", "packer_name")


def totals_of(key: str, name: str, rows: list[ShipmentRow]) -> Totals:
    # Column sums over the rows (C loops: a busy day has thousands of rows and dozens of groups).
    orders, units, scans, accepted, problem_units = (sum(map(column, rows)) for column in _ADDITIVE)
    # Most parcels have no refused scan: no Counter for a group without one.
    refused_texts = list(filter(None, map(_REFUSED, rows)))
    refused = Counter(",".join(refused_texts).split(",")) if refused_texts else {}
    per_item = sorted(filter(_IS_VALUE, map(_PER_ITEM, rows)))
    return Totals(
        key=key, name=name, orders=orders, parcels=len(rows), units=units,
        scans=scans, accepted_scans=accepted, refused=dict(sorted(refused.items())), problem_units=problem_units,
        scan_accuracy=_ratio(accepted, scans), shipment_accuracy=_ratio(units - problem_units, units),
        median_seconds_per_item=_seconds(_median(per_item)) if per_item else None,
        p90_seconds_per_item=_seconds(percentile(per_item, 0.9)),
    )


def _grouped(rows: list[ShipmentRow], key: attrgetter) -> list[Totals]:
    groups: dict[tuple[str, str], list[ShipmentRow]] = defaultdict(list)
    for row in rows:  # one pass, in shipping order (cheaper than sorting thousands of rows)
        groups[key(row)].append(row)
    return [totals_of(group_key, name, groups[group_key, name]) for group_key, name in sorted(groups)]


def size_of(units: int) -> str:
    return next(label for label, low, high in ORDER_SIZES if units >= low and (high is None or units <= high))


def leaderboard(rows: list[ShipmentRow]) -> list[LeaderEntry]:
    """Per order size, the packers by median seconds per item (fastest first, more orders breaking a tie)."""
    timed: dict[str, defaultdict[str, list[float]]] = {label: defaultdict(list) for label, _low, _high in ORDER_SIZES}
    names = {}
    sizes: dict[int, str] = {}
    for per_item, units, packer, name in map(_LEADER_FIELDS, rows):
        if per_item is not None:
            size = sizes.get(units) or sizes.setdefault(units, size_of(units))
            timed[size][packer].append(per_item)
            names[packer] = name
    entries = []
    for label, by_packer in timed.items():
        board = sorted((round(_median(sorted(values)), 1), -len(values), packer)
                       for packer, values in by_packer.items())
        entries += [LeaderEntry(label, rank, packer, names[packer], -negative, median)
                    for rank, (median, negative, packer) in enumerate(board, 1)]
    return entries


def hourly(rows: list[ShipmentRow], day: BusinessDay) -> list[HourCount]:
    """Orders per local hour of the day by carrier; 23 or 25 hours on a daylight-saving change day."""
    zone = day.start.tzinfo
    hours = []
    moment = day.start.astimezone(UTC)
    while moment < day.end:
        hours.append(moment)
        moment += timedelta(hours=1)
    counted = Counter(compress(map(_HOUR_CARRIER, rows), map(_COMPLETES, rows)))
    counts: list[dict[str, int]] = [{} for _hour in hours]
    for (index, carrier), orders in sorted(counted.items()):
        counts[index][carrier] = orders
    return [HourCount(hour.astimezone(zone).strftime("%H:%M"), stamp(hour), count)
            for hour, count in zip(hours, counts, strict=True)]


def chart_lines(hours: list[HourCount], carriers: int) -> list[tuple[str, list[int]]]:
    """The lines of an hourly chart with room for ``carriers`` carriers under the whole day's: the
    busiest carriers each on their own line and, when there are more, the rest summed on the last,
    so that every order of the day is on a carrier line."""
    totals = Counter()
    for hour in hours:
        totals.update(hour.orders)
    ranked = sorted(totals, key=lambda name: (-totals[name], name))
    lines = [(_("All"), [sum(hour.orders.values()) for hour in hours])]
    shown = ranked if len(ranked) <= carriers else ranked[: carriers - 1]
    lines += [(name, [hour.orders.get(name, 0) for hour in hours]) for name in shown]
    rest = ranked[len(shown):]
    if rest:
        lines.append((_("{count} others").format(count=len(rest)),
                      [sum(hour.orders.get(name, 0) for name in rest) for hour in hours]))
    return lines


# -- the day's other lists -----------------------------------------------------------------------


def _problems(db: sqlite_utils.Database, start: str, end: str) -> list[ProblemEntry]:
    return [
        ProblemEntry(r["id"], r["order_id"], r["kind"], r["quantity"], r["status"], r["operator"], r["reported_at"],
                     r["approved_by"] or "", r["resolved_by"] or "", r["resolved_at"] or "",
                     start <= r["reported_at"] < end, bool(r["resolved_at"]) and start <= r["resolved_at"] < end)
        for r in db.query(
            "SELECT * FROM problems WHERE reported_at >= :start AND reported_at < :end"
            " UNION SELECT * FROM problems WHERE resolved_at >= :start AND resolved_at < :end"
            " ORDER BY reported_at, id", {"start": start, "end": end})
    ]


def _shorts(db: sqlite_utils.Database, rows: list[ShipmentRow]) -> list[ShortShipment]:
    shorts = []
    for row in rows:
        if row.short:
            approvers = [r[0] for r in db.execute(
                "SELECT DISTINCT approved_by FROM problems WHERE order_id = ? AND status = 'approved_short'"
                " AND approved_by IS NOT NULL ORDER BY approved_by", [row.order_id])]
            shorts.append(ShortShipment(row.order_id, row.packer, row.ordered_units, row.units, ", ".join(approvers)))
    return shorts


def _actions(db: sqlite_utils.Database, kind: str, start: str, end: str) -> list[ActionEntry]:
    return [
        ActionEntry(r["at"], r["order_id"] or "", r["operator"] or "", json.loads(r["detail"]).get("reason", ""))
        for r in db.query("SELECT at, order_id, operator, detail FROM events WHERE kind = ? AND at >= ? AND at < ?"
                          " ORDER BY at, id", [kind, start, end])
    ]


def _voids(db: sqlite_utils.Database, start: str, end: str, packer: str | None,
           carrier: str | None, station: str | None = None) -> list[ActionEntry]:
    voids = []
    for r in db.query("SELECT at, order_id, operator, detail FROM events WHERE kind = 'shipment_voided'"
                      " AND at >= ? AND at < ? ORDER BY at, id", [start, end]):
        detail = json.loads(r["detail"])
        ids = detail.get("shipment_ids", [])
        if packer or carrier or station:
            marks = ", ".join("?" * len(ids))
            parcels = db.execute(f"SELECT operator, {CARRIER_KEY}, station FROM shipments s WHERE id IN ({marks})",
                                 ids).fetchall()
            if not any((packer is None or p == packer) and (carrier is None or c == carrier)
                       and (station is None or s == station) for p, c, s in parcels):
                continue
        voids.append(ActionEntry(r["at"], r["order_id"] or "", r["operator"] or "", detail.get("reason", ""),
                                 tuple(detail.get("tracking_numbers", []))))
    return voids


def late_orders(db: sqlite_utils.Database, settings: ReportSettings, as_of: datetime) -> list[LateOrder]:
    """Paid orders still not shipped whose limit (per platform) had passed at `as_of`, oldest first."""
    shortest = min([settings.late_after, *settings.late_after_by_platform.values()])
    late = []
    for r in db.query(
        "SELECT order_id, platform, status, paid_at FROM orders WHERE status IN ('paid', 'packing', 'on_hold')"
        " AND paid_at IS NOT NULL AND paid_at <= ? ORDER BY paid_at, order_id", [stamp(as_of - shortest)]
    ):
        due = datetime.fromisoformat(r["paid_at"]) + settings.late_limit(r["platform"])
        if due <= as_of:
            late.append(LateOrder(r["order_id"], r["platform"], r["status"], r["paid_at"], stamp(due),
                                  int((as_of - due).total_seconds())))
    return late
