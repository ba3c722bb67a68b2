"""Print jobs from queued to sent: create, record each attempt, retry, redirect, reprint, list.

Every job is a print_jobs row and every change of one is a transaction with an event. The
database functions run on the UI thread; `deliver` is the blocking part (render, then hand to
the printer) and takes only plain data (a PrintRequest), so a worker thread can run it. A
waybill's label is a StagedLabel: drawn inside the waybill's transaction, written while it commits.

A job that failed because the printer did not take it is retryable: the App retries it on a
timer (`due_retries`) and a supervisor can retry, redirect or reprint it from the print-jobs
screen. A job that failed because the label cannot be drawn (no font for a name, a code too
long) is not retried automatically: the same data would fail the same way.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from concurrent import futures
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlite_utils

from kiosk.config import Config
from kiosk.db import record_event, transaction, utcnow
from kiosk.errors import KioskError
from kiosk.i18n import N_, _
from kiosk.printers import Printer, PrinterOffline, default_media, get_printer, send
from kiosk.voids import mark_files_void

if TYPE_CHECKING:
    from collections.abc import Callable

    from printing.item_labels import ItemLabel
    from printing.labels import ShippingLabel
    from printing.outputs import LabelDocument

# kiosk.labels (and with it the renderers) is imported where a job is printed: retries, the
# job list and the job lifecycle need only the database (see kiosk/printers.py).

SHIPPING_LABEL = "shipping_label"
ITEM_LABEL = "item_label"
KIND_NAMES = {SHIPPING_LABEL: N_("shipping label"), ITEM_LABEL: N_("item label")}
STATUS_NAMES = {"queued": N_("queued"), "sent": N_("sent"), "failed": N_("failed")}
# A queued job this old was left by a kiosk that stopped mid-print: it may be sent again.
STUCK_AFTER = timedelta(minutes=2)
LIST_LIMIT = 200
MAX_REASON = 200


@dataclass(frozen=True)
class PrintJob:
    job_id: int
    kind: str
    printer: str
    status: str
    attempts: int
    error: str
    file: str
    created_at: str
    updated_at: str
    order_id: str | None = None
    shipment_id: int | None = None
    copies: int = 1
    reason: str = ""
    operator: str | None = None
    station: str = ""
    reprint_of: int | None = None
    retryable: bool = True
    voided_at: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def subject(self) -> str:
        """What the job prints, as people name it: the order, or the item code."""
        if self.kind == ITEM_LABEL:
            return str(self.detail.get("code", ""))
        return self.order_id or ""

    @property
    def kind_name(self) -> str:
        return _(KIND_NAMES.get(self.kind, self.kind))

    @property
    def status_name(self) -> str:
        if self.voided_at:
            return _("void")
        return _(STATUS_NAMES.get(self.status, self.status))


_COLUMNS = ("id, kind, printer, status, attempts, error, file, created_at, updated_at, order_id, shipment_id,"
            " copies, reason, operator, station, reprint_of, retryable, voided_at, detail")


def _job(row: tuple) -> PrintJob:
    *head, retryable, voided_at, detail = row
    return PrintJob(*head, retryable=bool(retryable), voided_at=voided_at, detail=json.loads(detail or "{}"))


def get_job(db: sqlite_utils.Database | sqlite3.Connection, job_id: int) -> PrintJob:
    row = db.execute(f"SELECT {_COLUMNS} FROM print_jobs WHERE id = ?", [job_id]).fetchone()
    if row is None:
        raise KioskError(_("No print job {job_id}.").format(job_id=job_id))
    return _job(row)


def list_jobs(db: sqlite_utils.Database, limit: int = LIST_LIMIT) -> list[PrintJob]:
    """Failed jobs first (they need someone), then the newest."""
    failed = db.execute(
        f"SELECT {_COLUMNS} FROM print_jobs WHERE status = 'failed' AND voided_at IS NULL ORDER BY id DESC LIMIT ?",
        [limit],
    ).fetchall()
    rest = db.execute(
        f"SELECT {_COLUMNS} FROM print_jobs WHERE NOT (status = 'failed' AND voided_at IS NULL)"
        " ORDER BY id DESC LIMIT ?",
        [max(limit - len(failed), 0)],
    ).fetchall()
    return [_job(row) for row in failed + rest]


def create_job(
    conn: sqlite3.Connection,
    *,
    kind: str,
    printer: str,
    operator: str | None,
    station: str,
    order_id: str | None = None,
    shipment_id: int | None = None,
    copies: int = 1,
    detail: dict[str, Any] | None = None,
    reason: str = "",
    reprint_of: int | None = None,
) -> int:
    """Queue a job inside the caller's transaction (with its event); returns the job id."""
    now = utcnow()
    job_id = conn.execute(
        "INSERT INTO print_jobs (shipment_id, order_id, kind, printer, status, created_at, updated_at, copies,"
        " detail, reason, operator, station, reprint_of) VALUES (?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?)",
        (shipment_id, order_id, kind, printer, now, now, copies, json.dumps(detail or {}, ensure_ascii=False),
         reason, operator, station, reprint_of),
    ).lastrowid
    record_event(conn, "print_queued", order_id=order_id, operator=operator, station=station, job_id=job_id,
                 label=kind, printer=printer, copies=copies, reason=reason, reprint_of=reprint_of)
    return job_id


def finish_print_job(
    db: sqlite_utils.Database,
    job_id: int,
    *,
    file: str = "",
    error: str = "",
    retryable: bool = True,
    station: str = "",
) -> None:
    """Record how an attempt went; a failed job stays in the table to be retried.

    `station` is the one that made the attempt: a job queued without one (by shipping) is
    retried from there.
    """
    now = utcnow()
    with transaction(db) as conn:
        row = conn.execute(
            "SELECT shipment_id, order_id, voided_at FROM print_jobs WHERE id = ?", (job_id,)
        ).fetchone()
        if row is None:
            raise KioskError(_("No print job {job_id}.").format(job_id=job_id))
        shipment_id, order_id, voided_at = row
        conn.execute(
            "UPDATE print_jobs SET status = ?, file = CASE WHEN ? = '' THEN file ELSE ? END, error = ?,"
            " attempts = attempts + 1, retryable = ?, station = CASE WHEN station = '' THEN ? ELSE station END,"
            " updated_at = ? WHERE id = ?",
            ("failed" if error else "sent", file, file, error, int(retryable), station, now, job_id),
        )
        # The shipment's label file is its live label: a label voided meanwhile stays void.
        if file and shipment_id is not None and voided_at is None:
            conn.execute("UPDATE shipments SET label_file = ? WHERE id = ?", (file, shipment_id))
        record_event(conn, "print_failed" if error else "label_printed", order_id=order_id, station=station,
                     job_id=job_id, file=file, error=error)
    if voided_at and file:
        # The shipment was voided while this label was on its way: its file is void too.
        mark_files_void([file])


def _now_minus(delta: timedelta) -> str:
    return (datetime.now(UTC) - delta).isoformat(timespec="milliseconds")


def due_retries(db: sqlite_utils.Database, station: str, *, max_attempts: int, wait_seconds: int) -> list[int]:
    """Jobs this station should send again now: failed because of the printer, or left queued by a
    kiosk that stopped mid-print, untouched for `wait_seconds`, with attempts to spare."""
    before = _now_minus(timedelta(seconds=wait_seconds))
    rows = db.execute(
        "SELECT pj.id FROM print_jobs pj LEFT JOIN shipments s ON s.id = pj.shipment_id"
        " WHERE pj.status IN ('failed', 'queued') AND pj.voided_at IS NULL AND pj.attempts < ?"
        " AND pj.updated_at <= ? AND (pj.status = 'queued' OR pj.retryable = 1)"
        " AND COALESCE(NULLIF(pj.station, ''), s.station, '') = ? ORDER BY pj.id",
        [max_attempts, before, station],
    ).fetchall()
    return [row[0] for row in rows]


def claim_due_retries(
    db: sqlite_utils.Database, station: str, *, max_attempts: int, wait_seconds: int, skip: set[int] | None = None
) -> list[int]:
    """Take this station's due jobs (see due_retries) back to queued; returns those to send now.

    `skip` holds jobs this kiosk is printing at the moment.
    """
    claimed = []
    for job_id in due_retries(db, station, max_attempts=max_attempts, wait_seconds=wait_seconds):
        if skip and job_id in skip:
            continue
        try:
            retry_job(db, job_id, operator=None, station=station, stuck_after=timedelta(seconds=wait_seconds))
        except KioskError:
            continue  # another station or a supervisor took it meanwhile
        claimed.append(job_id)
    return claimed


def _refuse_unless_open(job: PrintJob, stuck_before: str) -> None:
    if job.voided_at:
        raise KioskError(_("Print job {job_id} is void: its shipment was voided.").format(job_id=job.job_id))
    if job.status == "sent":
        raise KioskError(
            _("Print job {job_id} was sent already: reprint it if the label is lost.").format(job_id=job.job_id)
        )
    if job.status == "queued" and job.updated_at > stuck_before:
        raise KioskError(_("Print job {job_id} is being printed right now.").format(job_id=job.job_id))


def retry_job(
    db: sqlite_utils.Database,
    job_id: int,
    *,
    operator: str | None,
    station: str,
    stuck_after: timedelta = STUCK_AFTER,
) -> PrintJob:
    """Take a failed (or stuck: queued and untouched for `stuck_after`) job back to queued; returns it.

    Refused when it was sent, is void, or another attempt may be under way. The check and the
    update are one write transaction, so two stations never both take the same job.
    """
    stuck_before = _now_minus(stuck_after)
    with transaction(db) as conn:
        job = get_job(conn, job_id)
        _refuse_unless_open(job, stuck_before)
        conn.execute("UPDATE print_jobs SET status = 'queued', updated_at = ? WHERE id = ?", (utcnow(), job_id))
        record_event(conn, "print_retry", order_id=job.order_id, operator=operator, station=station, job_id=job_id,
                     attempts=job.attempts, printer=job.printer)
    return get_job(db, job_id)


def redirect_job(
    db: sqlite_utils.Database, job_id: int, printer: str, config: Config, *, operator: str | None, station: str
) -> PrintJob:
    """Send a failed job to another configured printer instead (queued there for an attempt)."""
    get_printer(config, printer)  # refuses a name that is not configured
    with transaction(db) as conn:
        job = get_job(conn, job_id)
        _refuse_unless_open(job, _now_minus(STUCK_AFTER))
        if printer == job.printer:
            raise KioskError(_("Print job {job_id} is already for {printer}.").format(job_id=job_id, printer=printer))
        conn.execute(
            "UPDATE print_jobs SET status = 'queued', printer = ?, retryable = 1, updated_at = ? WHERE id = ?",
            (printer, utcnow(), job_id),
        )
        record_event(conn, "print_redirected", order_id=job.order_id, operator=operator, station=station,
                     job_id=job_id, printer=printer, previous=job.printer)
    return get_job(db, job_id)


def reprint_job(
    db: sqlite_utils.Database,
    job_id: int,
    reason: str,
    *,
    operator: str | None,
    station: str,
    printer: str | None = None,
) -> int:
    """A new job printing the same label again, with the reason on record; returns its id."""
    reason = " ".join(reason.split())
    if not reason:
        raise KioskError(_("Say why the label is printed again."))
    if len(reason) > MAX_REASON:
        raise KioskError(_("The reason is too long: at most {limit} characters.").format(limit=MAX_REASON))
    with transaction(db) as conn:
        job = get_job(conn, job_id)
        if job.voided_at:
            raise KioskError(_("Print job {job_id} is void: its shipment was voided.").format(job_id=job_id))
        new_id = create_job(
            conn, kind=job.kind, printer=printer or job.printer, operator=operator, station=station,
            order_id=job.order_id, shipment_id=job.shipment_id, copies=job.copies, detail=job.detail,
            reason=reason, reprint_of=job.reprint_of or job.job_id,
        )
        record_event(conn, "label_reprinted", order_id=job.order_id, operator=operator, station=station,
                     job_id=new_id, original=job.job_id, reason=reason)
    return new_id


# -- from a job to what the printer gets ---------------------------------------------------------


@dataclass(frozen=True)
class PrintRequest:
    """Everything a worker needs to print one job: plain data, no database."""

    job_id: int
    kind: str
    subject: str  # the order id, or the item code
    printer: Printer
    stem: str  # file name, without the extension
    title: str
    size: str
    dpi: int
    font_path: str
    copies: int = 1
    media: str = ""
    sheet: str = ""
    shipping: ShippingLabel | None = None
    item: ItemLabel | None = None


def job_request(db: sqlite_utils.Database, job_id: int, config: Config) -> PrintRequest:
    """Read what a job prints and where (UI thread). Raises KioskError when it cannot be printed."""
    job = get_job(db, job_id)
    if job.voided_at:
        raise KioskError(_("Print job {job_id} is void: its shipment was voided.").format(job_id=job_id))
    printer = get_printer(config, job.printer)
    suffix = f"-r{job.job_id}" if job.reprint_of else ""
    if job.kind == ITEM_LABEL:
        from kiosk.item_labels import label_from_detail  # item_labels queues jobs through this module

        item, size = label_from_detail(job.detail)
        sheet = size if size.endswith("-30") else ""
        return PrintRequest(job.job_id, job.kind, item.code, printer, f"item-{item.code}-{job.job_id}",
                            f"{item.code} x{job.copies}", size, config.label_dpi, config.label_font,
                            copies=job.copies, sheet=sheet, item=item)
    if job.shipment_id is None:
        raise KioskError(_("Print job {job_id} has no shipment to print.").format(job_id=job_id))
    from kiosk.labels import label_for_shipment

    label = label_for_shipment(db, job.shipment_id, config)
    return PrintRequest(job.job_id, job.kind, label.order_id, printer,
                        f"{label.order_id}-{label.tracking_number}{suffix}",
                        f"{label.order_id} {label.tracking_number}", config.label_size, config.label_dpi,
                        config.label_font, media=config.cups_media, shipping=label)


def draw(request: PrintRequest) -> LabelDocument:
    """Render what a job prints (blocking, CPU only). Raises KioskError saying what stops it."""
    from kiosk.labels import item_document, shipping_document

    if request.item is not None:
        return item_document(request.item, request.size, request.copies, request.dpi, request.font_path)
    assert request.shipping is not None
    return shipping_document(request.shipping, request.size, request.dpi, request.font_path)


def deliver(
    request: PrintRequest, document: LabelDocument | None = None, go_ahead: Callable[[], bool] | None = None
) -> Path | None:
    """Render (unless `document` is drawn already) and hand to the printer (blocking: a worker
    thread or the CLI); returns the file, or None when `go_ahead` threw it away (see printers.send).

    Raises PrinterOffline (retryable) when the printer does not take it, KioskError otherwise.
    """
    if document is None:
        document = draw(request)
    media = request.media or default_media(document, request.sheet)
    return send(request.printer, document, request.stem, title=request.title, media=media, go_ahead=go_ahead)


@dataclass(frozen=True)
class PrintOutcome:
    """How one attempt at a job went: what finish_print_job records and the desk is told."""

    job_id: int
    kind: str
    subject: str  # what people call it: the order id, or the item code
    printer: str
    order_id: str = ""  # the order a shipping label belongs to
    file: str = ""
    error: str = ""
    # The printer did not take it: the job stays queued for another attempt.
    retryable: bool = False


def unprintable(db: sqlite_utils.Database, job_id: int, error: KioskError) -> PrintOutcome:
    """The outcome of a job that could not even be read for printing (voided, no shipment)."""
    job = get_job(db, job_id)
    return PrintOutcome(job_id, job.kind, job.subject, job.printer, job.order_id or "", error=str(error))


def attempt(
    request: PrintRequest, document: LabelDocument | Exception | None = None,
    go_ahead: Callable[[], bool] | None = None,
) -> PrintOutcome | None:
    """Print one job (blocking) and say how it went; never raises. None: `go_ahead` threw it away.

    `document` is the job drawn already, or the error drawing it raised.
    """
    order_id = request.shipping.order_id if request.shipping else ""
    outcome = partial(PrintOutcome, request.job_id, request.kind, request.subject, request.printer.name, order_id)
    try:
        if isinstance(document, Exception):
            if go_ahead is not None and not go_ahead():
                return None
            raise document
        path = deliver(request, document, go_ahead)
    except PrinterOffline as error:
        return outcome(error=str(error), retryable=True)
    except KioskError as error:
        return outcome(error=str(error))
    except Exception as error:  # noqa: BLE001 - the job must hear back, or it stays "printing"
        return outcome(error=_("Label not printed: {reason}").format(reason=error))
    return None if path is None else outcome(file=str(path))


# How long the thread that commits a waybill gives its label's print thread the interpreter.
HANDOVER_WAIT_SECONDS = 0.1


class StagedLabel:
    """A waybill's label, drawn inside the transaction that records it and out as that commits.

    The label is read and drawn on the calling thread, on the rows the transaction has just
    written, so it is the label every reprint gets. A print thread encodes it and writes the file
    under a temporary name while the commit syncs the database, and renames it into the printer's
    folder once `settle(committed=True)` says the shipment is on disk: a shipment that is not
    committed leaves no label behind, and a label that cannot be drawn or printed never stops its
    shipment (its job records why).
    """

    def __init__(
        self, db: sqlite_utils.Database, job_id: int, config: Config, pool: futures.Executor,
        report: Callable[[PrintOutcome], None], forget: Callable[[int], None] | None = None,
    ) -> None:
        """`report` hears how the job went (from the print thread); `forget` hears, on the calling
        thread, of a job that was never committed (its id may be given to the next job)."""
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
        try:
            drawn: LabelDocument | Exception = draw(request)
        except Exception as error:  # noqa: BLE001 - reported as the job's outcome after the commit
            drawn = error
        self._done = pool.submit(self._print, request, drawn, report)

    def _go_ahead(self) -> bool:
        # Never left undecided (record_waybill settles it either way); if it were, the job stays
        # queued and the retry of jobs left queued (STUCK_AFTER) prints it if it was committed.
        return self._decided.wait(STUCK_AFTER.total_seconds()) and self._committed

    def _print(self, request: PrintRequest, drawn: LabelDocument | Exception,
               report: Callable[[PrintOutcome], None]) -> None:
        outcome = attempt(request, drawn, self._go_ahead)
        if outcome is not None:
            report(outcome)

    def _report_if_committed(self, outcome: PrintOutcome, report: Callable[[PrintOutcome], None]) -> None:
        if self._go_ahead():
            report(outcome)

    def settle(self, *, committed: bool, wait_seconds: float = HANDOVER_WAIT_SECONDS) -> None:
        """Publish the label (committed) or throw it away, then wait up to `wait_seconds` for it.

        The wait keeps the calling thread, the UI's, off the interpreter while the print thread
        writes the file: a local spool file is out in about a millisecond, before the next frame
        is drawn, and a printer that takes longer is not waited for.
        """
        self._committed = committed
        self._decided.set()
        if not committed and self._forget is not None:
            self._forget(self.job_id)
        if committed and wait_seconds:
            futures.wait([self._done], timeout=wait_seconds)
