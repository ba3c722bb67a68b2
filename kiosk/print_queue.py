"""Print jobs from queued to sent: create, record each attempt, retry, redirect, reprint, list.

Every job is a print_jobs row and every change of one is a transaction with an event;
`create_job` is the only code that adds a row, so every job (shipping labels, item stickers,
reprints) gets its print_queued event. These run on the thread that owns the database
connection; printing itself happens elsewhere (kiosk.print_service).

A job that failed because the printer did not take it is retryable: the print service retries
it on a timer (`claim_due_retries`) and a supervisor can retry, redirect or reprint it from the
print-jobs screen. A job that failed because the label cannot be drawn (no font for a name, a
code too long) is not retried automatically: the same data would fail the same way.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import sqlite_utils

from kiosk.db import record_event, transaction, utc_before, utcnow
from kiosk.errors import KioskError
from kiosk.i18n import N_, _
from kiosk.printers import PrinterSettings, get_printer
from kiosk.voids import mark_files_void

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


def unprinted_jobs(db: sqlite_utils.Database, station: str, limit: int = LIST_LIMIT) -> list[PrintJob]:
    """This station's jobs that did not print and nobody dealt with yet, oldest first: failed (or
    queued again for a retry), not void, and not reprinted since by a job that did print."""
    rows = db.execute(
        f"SELECT {_COLUMNS} FROM print_jobs pj WHERE station = ?"
        " AND (status = 'failed' OR (status = 'queued' AND attempts > 0)) AND voided_at IS NULL"
        " AND NOT EXISTS (SELECT 1 FROM print_jobs r WHERE r.reprint_of = COALESCE(pj.reprint_of, pj.id)"
        " AND r.id > pj.id AND r.status = 'sent')"
        " ORDER BY id LIMIT ?",
        [station, limit],
    ).fetchall()
    return [_job(row) for row in rows]


def last_shipping_job(db: sqlite_utils.Database, station: str) -> PrintJob | None:
    """The newest shipping label printed (or tried) at this station whose shipment is not void."""
    row = db.execute(
        f"SELECT {_COLUMNS} FROM print_jobs WHERE station = ? AND kind = ? AND voided_at IS NULL"
        " ORDER BY id DESC LIMIT 1",
        [station, SHIPPING_LABEL],
    ).fetchone()
    return None if row is None else _job(row)


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
            " updated_at = ?, sending_at = NULL WHERE id = ?",
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


def mark_sending(conn: sqlite3.Connection, job_id: int, *, station: str) -> None:
    """Say, inside the caller's transaction, that the job is about to be handed to a printer that
    takes it out of the kiosk's hands (CUPS, a raw socket); finish_print_job clears it.

    Committed before the label goes: a kiosk killed before it recorded the outcome finds the mark
    at its next start (interrupted_sends) and does not send the label again on its own.
    """
    row = conn.execute("SELECT order_id, printer FROM print_jobs WHERE id = ?", (job_id,)).fetchone()
    conn.execute("UPDATE print_jobs SET sending_at = ?, station = CASE WHEN station = '' THEN ? ELSE station END"
                 " WHERE id = ?", (utcnow(), station, job_id))
    record_event(conn, "label_sending", order_id=row[0], station=station, job_id=job_id, printer=row[1])


def interrupted_sends(db: sqlite_utils.Database, station: str) -> list[int]:
    """This station's jobs handed to a printer whose outcome was never recorded (the kiosk stopped
    meanwhile), oldest first: they may have printed."""
    rows = db.execute(
        "SELECT id FROM print_jobs WHERE station = ? AND status = 'queued' AND sending_at IS NOT NULL"
        " AND voided_at IS NULL ORDER BY id",
        [station],
    ).fetchall()
    return [row[0] for row in rows]


def due_retries(db: sqlite_utils.Database, station: str, *, max_attempts: int, wait_seconds: int) -> list[int]:
    """Jobs this station should send again now: failed because of the printer, or left queued by a
    kiosk that stopped mid-print, untouched for `wait_seconds`, with attempts to spare."""
    before = utc_before(timedelta(seconds=wait_seconds))
    rows = db.execute(
        "SELECT pj.id FROM print_jobs pj LEFT JOIN shipments s ON s.id = pj.shipment_id"
        " WHERE pj.status IN ('failed', 'queued') AND pj.voided_at IS NULL AND pj.attempts < ?"
        " AND pj.updated_at <= ? AND (pj.status = 'queued' OR pj.retryable = 1)"
        " AND COALESCE(NULLIF(pj.station, ''), s.station, '') = ? ORDER BY pj.id",
        [max_attempts, before, station],
    ).fetchall()
    return [row[0] for row in rows]


def unfinished_jobs(db: sqlite_utils.Database, station: str) -> list[int]:
    """This station's jobs not sent yet and not void (queued or failed), oldest first."""
    rows = db.execute(
        "SELECT pj.id FROM print_jobs pj LEFT JOIN shipments s ON s.id = pj.shipment_id"
        " WHERE pj.status IN ('failed', 'queued') AND pj.voided_at IS NULL"
        " AND COALESCE(NULLIF(pj.station, ''), s.station, '') = ? ORDER BY pj.id",
        [station],
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
    stuck_before = utc_before(stuck_after)
    with transaction(db) as conn:
        job = get_job(conn, job_id)
        _refuse_unless_open(job, stuck_before)
        conn.execute("UPDATE print_jobs SET status = 'queued', updated_at = ? WHERE id = ?", (utcnow(), job_id))
        record_event(conn, "print_retry", order_id=job.order_id, operator=operator, station=station, job_id=job_id,
                     attempts=job.attempts, printer=job.printer)
    return get_job(db, job_id)


def redirect_job(
    db: sqlite_utils.Database, job_id: int, printer: str, config: PrinterSettings, *, operator: str | None,
    station: str,
) -> PrintJob:
    """Send a failed job to another configured printer instead (queued there for an attempt)."""
    get_printer(config, printer)  # refuses a name that is not configured
    with transaction(db) as conn:
        job = get_job(conn, job_id)
        _refuse_unless_open(job, utc_before(STUCK_AFTER))
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
