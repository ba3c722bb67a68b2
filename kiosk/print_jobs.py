"""The print-job names the screens import, from the modules that hold them.

kiosk.print_queue holds the job table, kiosk.print_requests turns a job into what the printer
gets, kiosk.staged_labels publishes a waybill's label once its shipment commits, and
kiosk.print_service runs them all. Nothing in the core imports this module.
"""

from kiosk.print_queue import (
    ITEM_LABEL,
    SHIPPING_LABEL,
    PrintJob,
    claim_due_retries,
    create_job,
    due_retries,
    finish_print_job,
    get_job,
    list_jobs,
    redirect_job,
    reprint_job,
    retry_job,
)
from kiosk.print_requests import PrintOutcome, PrintRequest, attempt, deliver, draw, job_request, unprintable
from kiosk.staged_labels import StagedLabel

__all__ = [
    "ITEM_LABEL",
    "SHIPPING_LABEL",
    "PrintJob",
    "PrintOutcome",
    "PrintRequest",
    "StagedLabel",
    "attempt",
    "claim_due_retries",
    "create_job",
    "deliver",
    "draw",
    "due_retries",
    "finish_print_job",
    "get_job",
    "job_request",
    "list_jobs",
    "redirect_job",
    "reprint_job",
    "retry_job",
    "unprintable",
]
