"""The print pipeline of one kiosk: every job from its creation to the outcome on record.

A PrintService owns the threads labels are drawn and printed on, the label renderer (with the
labels drawn ahead of their waybills) and the jobs under way from this kiosk. The thread that
owns the database connection (the UI's) calls every public method; the service reads what a job
needs there, hands plain data to its worker threads, and hears back through `on_finished`
(called on a worker thread: the caller hands the outcome to its own thread and passes it to
`finish`, which records it). A worker never touches the database: a sqlite connection belongs
to the thread that made it.

Jobs are created by kiosk.print_queue.create_job only (shipping labels through
kiosk.shipping.record_waybill, stickers through `queue_item_labels`), so every job has its
print_queued event.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlite_utils

from kiosk.db import transaction
from kiosk.errors import KioskError
from kiosk.i18n import _
from kiosk.print_queue import (
    SHIPPING_LABEL,
    claim_due_retries,
    finish_print_job,
    interrupted_sends,
    mark_sending,
)
from kiosk.print_requests import (
    PrintOutcome,
    PrintRequest,
    attempt,
    job_request,
    published_unrecorded,
    unprintable,
)
from kiosk.staged_labels import StagedLabel

if TYPE_CHECKING:
    from kiosk.config import Config
    from printing.labels import LabelRenderer, ShippingLabel

# Two: a label drawn ahead of the next parcel's waybill never waits behind a slow printer.
WORKERS = 2


def may_have_printed() -> str:
    """What a job left handed to a printer by a kiosk that stopped records as its problem."""
    return _("the kiosk stopped while handing it to the printer: it may have printed. Check the printer;"
             " reprint it only if it did not.")


@dataclass(frozen=True)
class PrintNotice:
    """What the desk is told about a print attempt; `severity` is "information", "warning" or "error"."""

    text: str
    severity: str = "information"

    @property
    def bell(self) -> bool:
        """Whether the packer must look up: something did not print."""
        return self.severity != "information"


def outcome_notice(outcome: PrintOutcome, retried: bool = False) -> PrintNotice | None:
    """The line the desk shows for a print attempt; None for a timed retry that failed again
    (nobody at the desk is waiting for it; the queue and the print-jobs screen list it).

    `retried`: the job had failed before (someone asked for this attempt)."""
    shipping = outcome.kind == SHIPPING_LABEL
    if outcome.background:
        if outcome.error:
            return None
        return PrintNotice(_("Queued label for {subject} printed on {printer}.").format(
            subject=outcome.subject, printer=outcome.printer))
    if retried and outcome.error:
        return PrintNotice(_("Job {job_id} failed again: {problem}").format(job_id=outcome.job_id,
                                                                           problem=outcome.error), "error")
    if outcome.retryable:
        text = (_("Order {order_id} is shipped; printer offline: label queued. It prints when {printer} is back.")
                if shipping else
                _("Item label {code}: printer offline: label queued. It prints when {printer} is back."))
        return PrintNotice(text.format(order_id=outcome.subject, code=outcome.subject, printer=outcome.printer),
                           "warning")
    if outcome.error:
        return PrintNotice(
            _("Order {order_id} shipped, but {problem}").format(order_id=outcome.subject, problem=outcome.error)
            if shipping else
            _("Item label {code} not printed: {problem}").format(code=outcome.subject, problem=outcome.error),
            "error",
        )
    if shipping:
        return PrintNotice(_("Label printed for {order_id}: {file}").format(order_id=outcome.subject,
                                                                             file=outcome.file))
    return PrintNotice(_("Item label {code} printed: {file}").format(code=outcome.subject, file=outcome.file))


class PrintService:
    """Creates, draws, prints and retries this kiosk's print jobs on its own worker threads."""

    def __init__(self, db: sqlite_utils.Database, config: Config) -> None:
        self.db = db
        self.config = config
        self._pool: ThreadPoolExecutor | None = None
        self._on_finished: Callable[[PrintOutcome], None] | None = None
        self._renderer: LabelRenderer | None = None
        # Jobs with an attempt under way from this kiosk: a timed retry never sends one twice.
        # Only the calling thread reads or changes it.
        self._printing: set[int] = set()

    # -- life ---------------------------------------------------------------------------------

    def start(self, on_finished: Callable[[PrintOutcome], None]) -> None:
        """Start the worker threads; `on_finished` hears every attempt's outcome, on a worker thread."""
        if self._pool is not None:
            raise RuntimeError("the print service is running already")
        self.recover()
        self._on_finished = on_finished
        self._pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="labels")

    def recover(self) -> list[int]:
        """What a killed kiosk left behind, put right before anything prints: its hidden temporary
        label files are removed; a label it published to a spool folder without recording it is
        recorded as sent (the file is there: printing it again would print it twice); and a label
        it was handing to CUPS or a raw printer is not sent again but listed as not printed, saying
        that it may have printed (only the printer shows whether it did). Returns the jobs recorded."""
        from kiosk.printers import configured_printers
        from printing.spool import remove_stale_temporaries

        for folder in sorted({printer.folder for printer in configured_printers(self.config).values()}):
            remove_stale_temporaries(folder)
        recorded = []
        for job_id, path in published_unrecorded(self.db, self.config):
            finish_print_job(self.db, job_id, file=str(path), station=self.config.station)
            recorded.append(job_id)
        for job_id in interrupted_sends(self.db, self.config.station):
            finish_print_job(self.db, job_id, error=may_have_printed(), retryable=False, station=self.config.station)
            recorded.append(job_id)
        return recorded

    def stop(self) -> None:
        """Let the labels under way finish (their shipments are committed already), then stop."""
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None

    @property
    def running(self) -> bool:
        return self._pool is not None

    @property
    def printing_now(self) -> frozenset[int]:
        """The jobs with an attempt under way whose outcome has not been passed to `finish` yet."""
        return frozenset(self._printing)

    @property
    def renderer(self) -> LabelRenderer:
        """The shipping label renderer; made with the first label (on the calling thread), so a kiosk
        that has not printed yet does not hold Pillow and the fonts."""
        if self._renderer is None:
            from printing.labels import LabelRenderer

            self._renderer = LabelRenderer()
        return self._renderer

    # -- jobs ---------------------------------------------------------------------------------

    def stage_label(self, print_job_id: int) -> StagedLabel:
        """Read a waybill's label inside the transaction that records it (a print thread draws it);
        for record_waybill's `stage_label`. The file is published only once the shipment commits
        (StagedLabel)."""
        self._printing.add(print_job_id)
        return StagedLabel(self.db, print_job_id, self.config, self._running(), self._report,
                           self._printing.discard, self.renderer)

    def prepare_label(self, order_id: str, carrier: str, package_no: int, package_count: int, operator: str) -> None:
        """Draw a parcel's label ahead of its waybill on a worker thread: the real one then draws only
        its carrier and tracking number anew (kiosk.labels.label_preview)."""
        from kiosk.labels import label_preview

        try:
            label = label_preview(self.db, order_id, self.config, operator=operator, station=self.config.station,
                                  carrier=carrier, package_no=package_no, package_count=package_count)
        except KioskError:
            return  # the order is gone: the pack screen says so on its own
        self._running().submit(self._draw_ahead, label, self.renderer)

    def send(self, job_id: int, background: bool = False) -> None:
        """Print a queued job on a worker thread (read here); `background` for a timed retry."""
        if job_id in self._printing:
            return
        pool = self._running()
        self._printing.add(job_id)
        try:
            request = job_request(self.db, job_id, self.config)
            if request.printer.hands_over:
                with transaction(self.db) as conn:
                    mark_sending(conn, job_id, station=self.config.station)
        except KioskError as error:
            pool.submit(self._report, unprintable(self.db, job_id, error, background))
            return
        pool.submit(self._print, request, background, self.renderer)

    def queue_item_labels(
        self, value: str, copies: int, *, operator: str | None, order_id: str | None = None, reason: str = "",
        kind: str | None = None, condition: str = "",
    ) -> int:
        """Queue `copies` stickers of an item (a code or SKU) on the sticker printer and print them;
        returns the job. Raises KioskError for an unknown item or a wrong number of copies."""
        from kiosk.item_labels import queue_item_labels  # it loads the sticker renderer

        config = self.config
        job_id = queue_item_labels(
            self.db, value, copies, printer=config.item_printer or config.printer, size=config.item_label_size,
            operator=operator, station=config.station, order_id=order_id,
            reason=reason or _("new barcode label at the packing desk"), kind=kind, condition=condition,
        )
        self.send(job_id)
        return job_id

    def retry_due(self) -> list[int]:
        """Send again this station's jobs that failed because a printer was off (and jobs left
        queued by a kiosk that stopped mid-print); returns them."""
        config = self.config
        due = claim_due_retries(self.db, config.station, max_attempts=config.print_max_attempts,
                                wait_seconds=config.print_retry_seconds, skip=self._printing)
        for job_id in due:
            self.send(job_id, background=True)
        return due

    def finish(self, outcome: PrintOutcome) -> None:
        """Record an attempt's outcome (on the thread that owns the database connection)."""
        self._printing.discard(outcome.job_id)
        finish_print_job(self.db, outcome.job_id, file=outcome.file, error=outcome.error,
                         retryable=outcome.retryable, station=self.config.station)

    # -- on the worker threads ----------------------------------------------------------------

    def _running(self) -> ThreadPoolExecutor:
        if self._pool is None:
            raise RuntimeError("the print service is not running: start it first")
        return self._pool

    def _report(self, outcome: PrintOutcome) -> None:
        assert self._on_finished is not None
        self._on_finished(outcome)

    def _print(self, request: PrintRequest, background: bool, renderer: LabelRenderer) -> None:
        outcome = attempt(request, renderer=renderer, background=background)
        assert outcome is not None  # only a go-ahead can throw a job away
        self._report(outcome)

    def _draw_ahead(self, label: ShippingLabel, renderer: LabelRenderer) -> None:
        from kiosk.labels import draw_ahead

        # A label that cannot be drawn fails the same way for real, and that print job says why.
        with contextlib.suppress(KioskError):
            draw_ahead(label, self.config.label_size, self.config.label_dpi, self.config.label_font, renderer)
