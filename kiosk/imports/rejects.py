"""The reject file an import with --skip-bad writes beside its input: the bad rows as they were, with why."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from kiosk.errors import KioskError
from kiosk.i18n import _
from kiosk.imports.reading import Row
from kiosk.imports.sources import Source

REASON_COLUMN = "reject reason"


def reject_path(path: Path) -> Path:
    """``orders.csv`` -> ``orders.rejected.csv``: beside the input, which a fixed file re-imports."""
    return path.with_name(f"{path.stem}.rejected{path.suffix}")


def write_rejects(source: Source, rejected: list[tuple[str, Row | None, str]]) -> list[Path]:
    """One reject file per input file that had bad rows; returns their paths."""
    written = []
    for path in source.paths:
        entries = [(row, reason) for file, row, reason in rejected if file == path.name]
        if not entries:
            continue
        target = reject_path(path)
        try:
            if source.kind == "json":
                _write_json(target, entries)
            else:
                table = next(t for t in source.tables if t.path == path)
                _write_table(target, table.header, table.delimiter, table.encoding, entries)
        except OSError as error:
            raise KioskError(_("The reject file {file} cannot be written: {error}").format(
                file=target, error=error.strerror)) from error
        written.append(target)
    return written


def _write_table(target: Path, header: list[str], delimiter: str, encoding: str,
                 entries: list[tuple[Row | None, str]]) -> None:
    seen: set[int] = set()
    records = [[REASON_COLUMN, *header]]
    for row, reason in entries:
        # An order's rows are rejected together; each row is written once, under its first reason.
        if row is None or id(row) in seen:
            continue
        seen.add(id(row))
        records.append([" ".join(reason.split()), *row.raw])
    with target.open("w", encoding=encoding, errors="replace", newline="") as handle:
        if delimiter == "\t":
            # Flat files are not quoted: written back as they were read.
            handle.writelines("\t".join(record) + "\n" for record in records)
        else:
            csv.writer(handle, delimiter=delimiter).writerows(records)


def _write_json(target: Path, entries: list[tuple[Row | None, str]]) -> None:
    orders = [json.loads(entry) for _row, entry in entries]
    target.write_text(json.dumps({"orders": orders}, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
