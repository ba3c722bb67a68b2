"""The dispatch log for machines: JSON (rows, totals and lists) and CSV (one row per parcel)."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict

from kiosk.packing import ScanResult
from kiosk.reports.dispatch import ROW_FIELDS, DispatchLog, ShipmentRow, row_dict

REFUSED_KINDS = tuple(result.value for result in ScanResult if result is not ScanResult.ACCEPTED)
CSV_COLUMNS = (*(name for name in ROW_FIELDS if name != "refused"),
               *(f"refused_{kind}" for kind in REFUSED_KINDS))


def log_to_dict(log: DispatchLog) -> dict:
    return {
        "day": log.day.day.isoformat(),
        "timezone": str(log.day.start.tzinfo),
        "start": log.day.start.isoformat(),
        "end": log.day.end.isoformat(),
        "as_of": log.as_of,
        "packer": log.packer,
        "carrier": log.carrier,
        "totals": asdict(log.totals),
        "by_carrier": [asdict(t) for t in log.by_carrier],
        "by_packer": [asdict(t) for t in log.by_packer],
        "leaderboard": [asdict(e) for e in log.leaderboard],
        "rows": [row_dict(row) for row in log.rows],
        "problems": [asdict(p) for p in log.problems],
        "short_shipments": [asdict(s) for s in log.shorts],
        "holds": [asdict(h) for h in log.holds],
        "reprints": [asdict(r) for r in log.reprints],
        "voids": [asdict(v) for v in log.voids],
        "late": [asdict(o) for o in log.late],
        "hourly": [asdict(h) for h in log.hourly],
        "handover_notes": [asdict(n) for n in log.notes],
    }


def csv_row(row: ShipmentRow) -> dict[str, object]:
    values = {name: value for name, value in row_dict(row).items() if name != "refused"}
    values.update({f"refused_{kind}": row.refused.get(kind, 0) for kind in REFUSED_KINDS})
    return values


def log_to_csv(log: DispatchLog) -> str:
    """One line per parcel; empty for a missing pack time; booleans as true/false."""
    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in log.rows:
        writer.writerow({key: ("true" if value else "false") if isinstance(value, bool) else
                         "" if value is None else value for key, value in csv_row(row).items()})
    return out.getvalue()
