"""A watch folder: each export a shop's scheduled job drops there is imported, then moved aside.

A file is taken once its size and modification time held still for one poll (a job may still
be writing it). Imported files go to ``done/``, refused ones to ``rejected/`` with a
``.reason.txt`` beside them; both are kept in the record of imports a supervisor reads.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from kiosk.db import transaction, utcnow
from kiosk.errors import KioskError
from kiosk.i18n import _
from kiosk.imports.order_import import import_orders
from kiosk.imports.sources import Source, check_kind, pair_taobao, read_source
from kiosk.imports.summary import ImportSummary, record_import

DONE = "done"
REJECTED = "rejected"
# Names a file has while a program is still writing it, and the kiosk's own reject files.
_SKIPPED_SUFFIXES = (".part", ".tmp", ".crdownload", ".partial")


@dataclass
class WatchState:
    seen: dict[Path, tuple[int, float]] = field(default_factory=dict)
    imported: int = 0
    refused: int = 0


def _candidates(folder: Path) -> list[Path]:
    return sorted(
        path for path in folder.iterdir()
        if path.is_file() and not path.name.startswith((".", "~$")) and ".rejected." not in path.name
        and not path.name.endswith(_SKIPPED_SUFFIXES)
    )


def _move(path: Path, folder: Path) -> Path:
    """Into ``folder`` under the same name, or with the time added when a file of that name is there."""
    folder.mkdir(exist_ok=True)
    target = folder / path.name
    if target.exists():
        target = folder / f"{path.stem}.{utcnow().replace(':', '').replace('+', '_')}{path.suffix}"
    return path.rename(target)


def _refuse(db: sqlite_utils.Database, paths: list[Path], name: str, kind: str, reason: str, station: str,
            folder: Path) -> None:
    with transaction(db) as conn:
        record_import(conn, ImportSummary("orders", name, kind), station, outcome="refused", message=reason)
    for path in paths:
        moved = _move(path, folder / REJECTED)
        moved.with_name(moved.name + ".reason.txt").write_text(reason + "\n", encoding="utf-8")


def watch_step(db: sqlite_utils.Database, folder: Path, state: WatchState, *, skip_bad: bool = False,
               encoding: str | None = None, station: str = "", settle: bool = True,
               report: Callable[[str, bool], None] = lambda _line, _error: None) -> None:
    """One poll: import every file that is complete, move it aside, and report each outcome in a line."""
    ready = []
    current = {}
    for path in _candidates(folder):
        stat = path.stat()
        current[path] = (stat.st_size, stat.st_mtime)
        if not settle or state.seen.get(path) == current[path]:
            ready.append(path)
    state.seen = current
    sources: list[Source] = []
    for path in ready:
        try:
            source = read_source(path, encoding)
            check_kind(source, "auto")
        except KioskError as error:
            _refuse(db, [path], path.name, "", str(error), station, folder)
            state.refused += 1
            report(str(error), True)
            continue
        sources.append(source)
    halves = [s for s in sources if s.kind in ("taobao_orders", "taobao_items")]
    whole = [s for s in sources if s not in halves]
    try:
        whole.extend(pair_taobao(halves))
    except KioskError:
        # A Taobao report waits in the folder for its partner; the pairs that are complete go ahead.
        whole.extend(_complete_pairs(halves))
    for source in whole:
        try:
            summary = import_orders(db, source, skip_bad=skip_bad, station=station)
        except KioskError as error:
            _refuse(db, source.paths, source.name, source.kind, str(error), station, folder)
            state.refused += 1
            report(str(error), True)
            continue
        for path in [*source.paths, *summary.reject_files]:
            state.seen.pop(path, None)
            _move(path, folder / (REJECTED if path in summary.reject_files else DONE))
        state.imported += 1
        for line in summary.lines():
            report(line, False)


def _complete_pairs(halves: list[Source]) -> list[Source]:
    pairs = []
    for report in (s for s in halves if s.kind == "taobao_orders"):
        items = [s for s in halves if s.kind == "taobao_items"]
        for item in items:
            try:
                pairs.extend(pair_taobao([report, item]))
                halves = [s for s in halves if s is not item]
                break
            except KioskError:
                continue
    return pairs


def watch_folder(db: sqlite_utils.Database, folder: Path, *, skip_bad: bool = False, encoding: str | None = None,
                 station: str = "", interval: float = 5.0, polls: int | None = None,
                 report: Callable[[str, bool], None] = lambda _line, _error: None,
                 sleep: Callable[[float], None] = time.sleep) -> WatchState:
    """Poll ``folder`` every ``interval`` seconds, ``polls`` times (None: until interrupted)."""
    if not folder.is_dir():
        raise KioskError(_("No folder {folder} to watch.").format(folder=folder))
    state = WatchState()
    count = 0
    while polls is None or count < polls:
        watch_step(db, folder, state, skip_bad=skip_bad, encoding=encoding, station=station, report=report)
        count += 1
        if polls is None or count < polls:
            sleep(interval)
    return state
