"""What an import did, as the person who ran it reads it, and the record of imports a supervisor looks at."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from kiosk.db import transaction, utcnow
from kiosk.i18n import _, ngettext

MAX_NOTES_SHOWN = 10


@dataclass
class ImportSummary:
    kind: str  # "orders" or "catalogue"
    file: str
    format: str
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    # Skus of this file's orders that have no barcode yet: their items need labels before packing.
    no_barcode: int = 0
    reject_files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.imported or self.updated)

    def headline(self) -> str:
        what = _("orders") if self.kind == "orders" else _("products")
        return _("{file} ({format}): {imported} imported, {updated} updated, {unchanged} unchanged,"
                 " {rejected} rejected {what}.").format(
            file=self.file, format=self.format, imported=self.imported, updated=self.updated,
            unchanged=self.unchanged, rejected=self.rejected, what=what)

    def lines(self) -> list[str]:
        lines = [self.headline()]
        if self.no_barcode:
            lines.append(ngettext(
                "{count} sku has no barcode yet: print its item labels (F8) before packing.",
                "{count} skus have no barcode yet: print their item labels (F8) before packing.",
                self.no_barcode).format(count=self.no_barcode))
        for path in self.reject_files:
            lines.append(_("Rejected rows, with the reasons, are in {file}.").format(file=path))
        lines.extend(self.notes[:MAX_NOTES_SHOWN])
        if len(self.notes) > MAX_NOTES_SHOWN:
            lines.append(_("... and {count} more notes.").format(count=len(self.notes) - MAX_NOTES_SHOWN))
        if self.dry_run:
            lines.append(_("Dry run: nothing was written."))
        return lines


@dataclass(frozen=True)
class ImportRecord:
    """One import as the record keeps it: what a supervisor screen lists."""

    id: int
    kind: str
    file: str
    format: str
    outcome: str  # "done" or "refused"
    imported: int
    updated: int
    unchanged: int
    rejected: int
    no_barcode: int
    message: str
    station: str
    finished_at: str


def record_import(conn: sqlite3.Connection, summary: ImportSummary, station: str, *, outcome: str = "done",
                  message: str = "") -> None:
    """Inside the import's own transaction, so the record and the rows it describes commit together."""
    conn.execute(
        "INSERT INTO imports (kind, file, format, outcome, imported, updated, unchanged, rejected, no_barcode,"
        " message, station, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (summary.kind, summary.file, summary.format, outcome, summary.imported, summary.updated,
         summary.unchanged, summary.rejected, summary.no_barcode, message or "\n".join(summary.lines()[1:]),
         station, utcnow()),
    )


def recent_imports(db: sqlite_utils.Database, limit: int = 20) -> list[ImportRecord]:
    """The last ``limit`` imports, newest first (orders and catalogue, done and refused)."""
    return [
        ImportRecord(**row)
        for row in db.query(
            "SELECT id, kind, file, format, outcome, imported, updated, unchanged, rejected, no_barcode, message,"
            " station, finished_at FROM imports ORDER BY id DESC LIMIT ?",
            [limit],
        )
    ]


class _DryRun(Exception):
    """Raised at the end of a dry run so that its transaction rolls back."""


@contextmanager
def writing(db: sqlite_utils.Database, dry_run: bool) -> Iterator[sqlite3.Connection]:
    """The import's one transaction; a dry run does all the same work and then rolls it back."""
    try:
        with transaction(db) as conn:
            yield conn
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
