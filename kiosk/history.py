"""An order's whole history, from the append-only audit log, in words a person reads."""

from __future__ import annotations

import json
from dataclasses import dataclass

import sqlite_utils

from kiosk.i18n import N_, _
from kiosk.orders import status_name

EVENT_NAMES = {
    "order_imported": N_("imported"),
    "claim_resumed": N_("resumed at the station"),
    "notes_acknowledged": N_("notes read"),
    "item_scanned": N_("item scanned"),
    "scan_refused": N_("scan refused"),
    "scan_undone": N_("scan undone"),
    "shipped": N_("shipped"),
    "label_printed": N_("label printed"),
    "print_failed": N_("label not printed"),
    "problem_reported": N_("problem reported"),
    "short_approved": N_("short shipment approved"),
    "problem_resolved": N_("problem resolved"),
    "supervisor_approved": N_("supervisor approved"),
}
# The detail fields worth showing, in the order they are shown.
DETAIL_FIELDS = ("reason", "code", "result", "tracking_number", "carrier", "problem_kind", "quantity",
                 "description", "resolution", "action", "error")


@dataclass(frozen=True)
class HistoryEntry:
    at: str
    kind: str
    operator: str
    station: str
    detail: dict

    @property
    def what(self) -> str:
        if self.kind.startswith("status_"):
            return _("now {status}").format(status=status_name(self.kind.removeprefix("status_")))
        return _(EVENT_NAMES[self.kind]) if self.kind in EVENT_NAMES else self.kind

    @property
    def details(self) -> str:
        return " · ".join(str(self.detail[name]) for name in DETAIL_FIELDS if self.detail.get(name) not in (None, ""))


def order_history(db: sqlite_utils.Database, order_id: str, limit: int | None = None) -> list[HistoryEntry]:
    """Newest first."""
    sql = "SELECT at, kind, operator, station, detail FROM events WHERE order_id = ? ORDER BY id DESC"
    params: list = [order_id]
    if limit:
        sql += " LIMIT ?"
        params.append(limit)
    return [
        HistoryEntry(row["at"], row["kind"], row["operator"] or "", row["station"], json.loads(row["detail"]))
        for row in db.query(sql, params)
    ]
