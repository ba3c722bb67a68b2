"""The dispatch log as titled tables of text: one layout for the terminal and the printed report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kiosk.cells import cell_width, pad_cells
from kiosk.hold_reasons import PROBLEM_KINDS
from kiosk.i18n import N_, _
from kiosk.orders import status_name
from kiosk.problems import PROBLEM_STATUS_NAMES
from kiosk.reports.dispatch import DispatchLog, Totals


@dataclass(frozen=True)
class Table:
    title: str
    headers: tuple[str, ...]
    rows: list[tuple[str, ...]]
    # Columns holding numbers, aligned right.
    numeric: frozenset[int] = frozenset()


# Refused scans by what was wrong (kiosk.packing.ScanResult), and problem kinds the desk menu lacks.
SCAN_RESULT_NAMES = {
    "unknown_code": N_("unknown code"), "not_in_order": N_("not in the order"), "wrong_variant": N_("wrong variant"),
    "line_complete": N_("line already complete"), "notes_unread": N_("notes not read"),
    "unreadable": N_("unreadable scan"), "not_held": N_("order not held"),
}
PROBLEM_KIND_NAMES = {**PROBLEM_KINDS, "short": N_("short")}


def _named(names: dict[str, str], code: str) -> str:
    return _(names[code]) if code in names else code


def percent(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f}%"


def seconds(value: float | int | None) -> str:
    return "-" if value is None else f"{value:g}"


def duration(total_seconds: int) -> str:
    hours, rest = divmod(max(total_seconds, 0), 3600)
    return f"{hours}h {rest // 60:02d}m"


def title_of(log: DispatchLog) -> str:
    zone = log.day.start.tzinfo
    title = _("Dispatch log {day} ({start} to {end}, {zone})").format(
        day=log.day.day.isoformat(), start=log.day.start.strftime("%m-%d %H:%M"),
        end=log.day.end.strftime("%m-%d %H:%M"), zone=str(zone))
    filters = [f for f in (log.packer, log.carrier, log.station) if f]
    return f"{title} · {' · '.join(filters)}" if filters else title


def report_tables(log: DispatchLog) -> list[Table]:
    zone = log.day.start.tzinfo

    def clock(stored: str) -> str:
        return datetime.fromisoformat(stored).astimezone(zone).strftime("%m-%d %H:%M") if stored else "-"

    figures = (_("Orders"), _("Parcels"), _("Units"), _("Scans"), _("Refused"), _("Scan accuracy"),
               _("Shipment accuracy"), _("Median s/item"), _("P90 s/item"))

    def figure_row(total: Totals) -> tuple[str, ...]:
        return (str(total.orders), str(total.parcels), str(total.units), str(total.scans),
                str(total.scans - total.accepted_scans), percent(total.scan_accuracy),
                percent(total.shipment_accuracy), seconds(total.median_seconds_per_item),
                seconds(total.p90_seconds_per_item))

    numbers = frozenset(range(1, 10))
    return [
        Table(_("Totals"), figures, [figure_row(log.totals)], frozenset(range(9))),
        Table(_("Refused scans by kind"), (_("Kind"), _("Scans")),
              [(_named(SCAN_RESULT_NAMES, kind), str(n)) for kind, n in log.totals.refused.items()], frozenset({1})),
        Table(_("By carrier"), (_("Carrier"), *figures), [(t.name, *figure_row(t)) for t in log.by_carrier], numbers),
        Table(_("By packer"), (_("Packer"), *figures),
              [(f"{t.key} {t.name}", *figure_row(t)) for t in log.by_packer], numbers),
        Table(_("Leaderboard by order size (units)"), (_("Size"), _("Rank"), _("Packer"), _("Orders"),
                                                       _("Median s/item")),
              [(e.size, str(e.rank), f"{e.packer} {e.name}", str(e.orders), seconds(e.median_seconds_per_item))
               for e in log.leaderboard], frozenset({1, 3, 4})),
        Table(_("Shipments"), (_("Time"), _("Order"), _("Platform"), _("Carrier"), _("Tracking number"), _("Parcel"),
                               _("Packer"), _("Station"), _("Items"), _("Units"), _("Pack s"), _("Short")),
              [(r.local_time[5:16].replace("T", " "), r.order_id, r.platform, r.carrier, r.tracking_number,
                f"{r.package_no}/{r.package_count}", f"{r.packer} {r.packer_name}", r.station,
                str(r.items) if r.completes_order else "", str(r.units) if r.completes_order else "",
                seconds(r.pack_seconds) if r.completes_order else "", _("short") if r.short else "")
               for r in log.rows], frozenset({8, 9, 10})),
        Table(_("Problems opened and resolved"), (_("Reported"), _("Order"), _("Kind"), _("Qty"), _("Status"),
                                                  _("By"), _("Approved by"), _("Resolved"), _("Resolved by")),
              [(clock(p.reported_at), p.order_id, _named(PROBLEM_KIND_NAMES, p.kind), str(p.quantity),
                _named(PROBLEM_STATUS_NAMES, p.status), p.reported_by, p.approved_by or "-", clock(p.resolved_at),
                p.resolved_by or "-") for p in log.problems], frozenset({3})),
        Table(_("Short shipments"), (_("Order"), _("Packer"), _("Ordered"), _("Shipped"), _("Approved by")),
              [(s.order_id, s.packer, str(s.ordered_units), str(s.shipped_units), s.approved_by or "-")
               for s in log.shorts], frozenset({2, 3})),
        Table(_("Holds"), (_("Time"), _("Order"), _("By"), _("Reason")),
              [(clock(h.at), h.order_id, h.operator, h.reason) for h in log.holds]),
        Table(_("Reprints"), (_("Time"), _("Order"), _("Approved by"), _("Reason")),
              [(clock(r.at), r.order_id, r.operator, r.reason) for r in log.reprints]),
        Table(_("Voids"), (_("Time"), _("Order"), _("Approved by"), _("Reason"), _("Tracking number")),
              [(clock(v.at), v.order_id, v.operator, v.reason, " ".join(v.tracking_numbers)) for v in log.voids]),
        Table(_("Late orders (paid, not shipped)"), (_("Order"), _("Platform"), _("Status"), _("Paid"), _("Late by")),
              [(o.order_id, o.platform, status_name(o.status), clock(o.paid_at), duration(o.late_seconds))
               for o in log.late], frozenset({4})),
        Table(_("Handover notes"), (_("Written"), _("By"), _("For shift"), _("Orders"), _("Note")),
              [(clock(n.written_at), n.author_name, n.for_shift, " ".join(n.order_ids) or "-", n.text)
               for n in log.notes]),
    ]


def render_text(log: DispatchLog) -> str:
    """The log for a terminal: columns measured in cells, so Chinese names stay aligned."""
    out = [title_of(log), ""]
    for table in report_tables(log):
        out.append(f"{table.title}")
        if not table.rows:
            out += ["  " + _("none"), ""]
            continue
        widths = [max(cell_width(text) for text in column) for column in zip(table.headers, *table.rows, strict=True)]
        for cells in (table.headers, *table.rows):
            parts = []
            for index, (text, width) in enumerate(zip(cells, widths, strict=True)):
                flat = " ".join(text.split())  # a note's line breaks would break the table
                parts.append(" " * (width - cell_width(flat)) + flat if index in table.numeric
                             else pad_cells(flat, width))
            out.append("  " + "  ".join(parts).rstrip())
        out.append("")
    return "\n".join(out).rstrip() + "\n"
