"""From a print job to what the printer gets: read the job, draw it, hand it over, say how it went.

`job_request` reads everything a job prints on the thread that owns the database connection and
returns plain data (a PrintRequest); `draw`, `deliver` and `attempt` are the blocking part
(render, then hand to the printer) and touch no database, so a worker thread can run them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import sqlite_utils

from kiosk.errors import KioskError
from kiosk.i18n import _
from kiosk.print_queue import ITEM_LABEL, get_job, unfinished_jobs
from kiosk.printers import Printer, PrinterOffline, get_printer, send

if TYPE_CHECKING:
    from kiosk.config import Config
    from printing.item_labels import ItemLabel
    from printing.labels import LabelRenderer, ShippingLabel
    from printing.outputs import LabelDocument

# kiosk.labels (and with it the renderers) is imported where a job is drawn: reading jobs needs
# only the database (see kiosk/printers.py).


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
        from kiosk.item_labels import label_from_detail  # it loads the sticker renderer

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


def published_unrecorded(db: sqlite_utils.Database, config: Config) -> list[tuple[int, Path]]:
    """This station's jobs whose label file is out although the job was never marked sent: a kiosk
    killed between publishing a label and recording it. (job, file) pairs, to be recorded, not printed again."""
    found = []
    for job_id in unfinished_jobs(db, config.station):
        try:
            request = job_request(db, job_id, config)
        except KioskError:
            continue  # cannot be printed at all: its retry says why
        path = request.printer.published(request.stem)
        if path is not None:
            found.append((job_id, path))
    return found


def draw(request: PrintRequest, renderer: LabelRenderer | None = None) -> LabelDocument:
    """Render what a job prints (blocking, CPU only); a shipping label by `renderer`, which redraws
    one it drew ahead. Raises KioskError saying what stops it."""
    from kiosk.labels import item_document, shipping_document

    if request.item is not None:
        return item_document(request.item, request.size, request.copies, request.dpi, request.font_path)
    assert request.shipping is not None
    return shipping_document(request.shipping, request.size, request.dpi, request.font_path, renderer)


def deliver(
    request: PrintRequest, document: LabelDocument | None = None, go_ahead: Callable[[], bool] | None = None,
    renderer: LabelRenderer | None = None,
) -> Path | None:
    """Render (unless `document` is drawn already) and hand to the printer (blocking: a worker
    thread or the CLI); returns the file, or None when `go_ahead` threw it away (see kiosk.printers.send).

    Raises PrinterOffline (retryable) when the printer does not take it, KioskError otherwise.
    """
    from printing.outputs import default_media

    if document is None:
        document = draw(request, renderer)
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
    # A timed retry: nobody at the desk is waiting for this one.
    background: bool = False


def unprintable(db: sqlite_utils.Database, job_id: int, error: KioskError, background: bool = False) -> PrintOutcome:
    """The outcome of a job that could not even be read for printing (voided, no shipment)."""
    job = get_job(db, job_id)
    return PrintOutcome(job_id, job.kind, job.subject, job.printer, job.order_id or "", error=str(error),
                        background=background)


def attempt(
    request: PrintRequest, document: LabelDocument | Exception | None = None,
    go_ahead: Callable[[], bool] | None = None, *, renderer: LabelRenderer | None = None, background: bool = False,
) -> PrintOutcome | None:
    """Print one job (blocking) and say how it went; never raises. None: `go_ahead` threw it away.

    `document` is the job drawn already, or the error drawing it raised.
    """
    order_id = request.shipping.order_id if request.shipping else ""
    outcome = partial(PrintOutcome, request.job_id, request.kind, request.subject, request.printer.name, order_id,
                      background=background)
    try:
        if isinstance(document, Exception):
            if go_ahead is not None and not go_ahead():
                return None
            raise document
        path = deliver(request, document, go_ahead, renderer)
    except PrinterOffline as error:
        return outcome(error=str(error), retryable=True)
    except KioskError as error:
        return outcome(error=str(error))
    except Exception as error:  # noqa: BLE001 - the job must hear back, or it stays "printing"
        return outcome(error=_("Label not printed: {reason}").format(reason=error))
    return None if path is None else outcome(file=str(path))
