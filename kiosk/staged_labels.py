"""A waybill's label, read inside the transaction that records its shipment and published only
once that commits: the handshake between the thread committing and the thread writing the file."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent import futures
from typing import TYPE_CHECKING

import sqlite_utils

from kiosk.errors import KioskError
from kiosk.print_queue import STUCK_AFTER, mark_sending
from kiosk.print_requests import PrintOutcome, PrintRequest, attempt, draw, job_request, unprintable

if TYPE_CHECKING:
    from kiosk.config import Config
    from printing.labels import LabelRenderer
    from printing.outputs import LabelDocument


class StagedLabel:
    """A waybill's label, read inside the transaction that records it and out as that commits.

    The label is read on the calling thread, from the rows the transaction has just written, so it
    is the label every reprint gets. A print thread draws and encodes it and writes the file under
    a temporary name while the commit syncs the database, and renames it into the printer's folder
    once `settle(committed=True)` says the shipment is on disk: a shipment that is not committed
    leaves no label behind, and a label that cannot be drawn or printed never stops its shipment
    (its job records why). Drawing is left out of the transaction on purpose: every station waits
    while one holds the write lock, and a label takes several times as long to draw as the
    shipment's rows take to write.
    """

    def __init__(
        self, db: sqlite_utils.Database, job_id: int, config: Config, pool: futures.Executor,
        report: Callable[[PrintOutcome], None], forget: Callable[[int], None] | None = None,
        renderer: LabelRenderer | None = None,
    ) -> None:
        """`report` hears how the job went (from the print thread); `forget` hears, on the calling
        thread, of a job that was never committed (its id may be given to the next job). The label
        is drawn by `renderer`, which redraws a label it drew ahead of the waybill."""
        self.job_id = job_id
        self._forget = forget
        self._decided = threading.Event()
        self._committed = False
        try:
            request = job_request(db, job_id, config)
        except KioskError as error:
            failed = unprintable(db, job_id, error)
            self._done = pool.submit(self._report_if_committed, failed, report)
            return
        if request.printer.hands_over:
            # In the shipment's transaction: committed before the label can go (kiosk.print_queue.mark_sending).
            mark_sending(db.conn, job_id, station=config.station)
        self._done = pool.submit(self._print, request, report, renderer)

    def _go_ahead(self) -> bool:
        # Never left undecided (record_waybill settles it either way); if it were, the job stays
        # queued and the retry of jobs left queued (STUCK_AFTER) prints it if it was committed.
        return self._decided.wait(STUCK_AFTER.total_seconds()) and self._committed

    def _print(self, request: PrintRequest, report: Callable[[PrintOutcome], None],
               renderer: LabelRenderer | None) -> None:
        try:
            drawn: LabelDocument | Exception = draw(request, renderer)
        except Exception as error:  # noqa: BLE001 - reported as the job's outcome after the commit
            drawn = error
        outcome = attempt(request, drawn, self._go_ahead)
        if outcome is not None:
            report(outcome)

    def _report_if_committed(self, outcome: PrintOutcome, report: Callable[[PrintOutcome], None]) -> None:
        if self._go_ahead():
            report(outcome)

    def settle(self, *, committed: bool) -> None:
        """Publish the label (committed) or throw it away. The print thread finishes on its own:
        the calling thread, the UI's, draws the next screen meanwhile."""
        self._committed = committed
        self._decided.set()
        if not committed and self._forget is not None:
            self._forget(self.job_id)
