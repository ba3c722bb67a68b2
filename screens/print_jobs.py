"""The supervisor's print jobs: failed first; retry, send to another printer, reprint, void."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, OptionList, Static
from textual.widgets.option_list import Option

from kiosk.cells import truncate_cells
from kiosk.errors import KioskError
from kiosk.i18n import N_, _, format_number
from kiosk.inert import inert, inert_lines
from kiosk.print_queue import SHIPPING_LABEL, PrintJob
from kiosk.timefmt import short_time
from screens.messages import LabelPrinted
from screens.prompt import PromptDialog, required
from screens.supervisor_list import SupervisorListScreen
from screens.widgets.banner import Banner
from screens.widgets.footer import KioskFooter

# The whole error is in the detail line under the table; the column shows its start.
ERROR_CELLS = 30


class PrinterChoice(ModalScreen[str | None]):
    """Pick one of the configured printers (Enter), or Escape."""

    CSS_PATH = "dialogs.tcss"
    DEFAULT_CSS = """
    PrinterChoice { align: center middle; background: $background 70%; }
    PrinterChoice OptionList { height: auto; max-height: 12; }
    """
    BINDINGS = [Binding("escape", "cancel", N_("Cancel"))]

    def __init__(self, question: str, printers: list[tuple[str, str]]) -> None:
        super().__init__()
        self.question = question
        self.printers = printers

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text(inert_lines(self.question)))
            yield OptionList(*(Option(Text(inert(f"{name}  ({where})")), id=name) for name, where in self.printers))
            yield Static(_("Enter: choose    Escape: cancel"), classes="dialog-keys")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def chosen(self, message: OptionList.OptionSelected) -> None:
        self.dismiss(message.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class PrintJobsScreen(SupervisorListScreen[PrintJob]):
    CSS_PATH = "print_jobs.tcss"
    BINDINGS = [
        Binding("r", "retry", N_("Retry")),
        Binding("o", "redirect", N_("Other printer")),
        Binding("p", "reprint", N_("Reprint")),
        Binding("v", "void", N_("Void shipment")),
    ]

    def compose(self) -> ComposeResult:
        yield Static(id="jobs-header")
        yield Banner(id="banner")
        yield DataTable(id="jobs", cursor_type="row", zebra_stripes=True)
        yield Static(id="job-detail")
        yield KioskFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.can_focus = False
        table.add_columns("#", _("Time"), _("Label"), _("Order / item"), _("Printer"), _("Status"), _("Tries"),
                          _("Error"))
        self.reload()

    # -- showing -------------------------------------------------------------

    def reload(self, keep: int | None = None) -> None:
        """Read the jobs again; the cursor stays on job `keep` (else on the one it was on)."""
        table = self.query_one(DataTable)
        if keep is None and self.current is not None:
            keep = self.current.job_id
        succeeded, rows = self.attempt(self.desk.print_jobs)
        self.rows = rows if succeeded and rows is not None else []
        table.clear()
        for job in self.rows:
            status = Text(job.status_name, style="bold red" if job.status == "failed" and not job.voided_at else "")
            error = truncate_cells(job.error, ERROR_CELLS)
            table.add_row(str(job.job_id), short_time(job.updated_at), job.kind_name, Text(inert(job.subject)),
                          Text(inert(job.printer)), status, format_number(job.attempts), Text(inert(error)),
                          key=str(job.job_id))
        rows = [job.job_id for job in self.rows]
        table.move_cursor(row=rows.index(keep) if keep in rows else 0)
        failed = sum(1 for job in self.rows if job.status == "failed" and not job.voided_at)
        self.query_one("#jobs-header", Static).update(
            Text(_("Print jobs · {failed} failed · {name} ({badge}) · {station}").format(
                failed=format_number(failed), name=inert(self.supervisor.name), badge=inert(self.supervisor.badge),
                station=inert(self.desk.station)))
        )
        self._show_detail()

    def _show_detail(self) -> None:
        job = self.current
        detail = self.query_one("#job-detail", Static)
        if job is None:
            detail.update(_("No print jobs yet."))
            return
        lines = [_("Job {job_id} · {kind} · {subject} · created {created} · station {station}").format(
            job_id=job.job_id, kind=job.kind_name, subject=inert(job.subject), created=short_time(job.created_at),
            station=inert(job.station or "-"))]
        if job.error:
            lines.append(_("Error: {error}").format(error=inert(job.error)))
        if job.file:
            lines.append(_("File: {file}").format(file=inert(job.file)))
        if job.reason:
            lines.append(_("Reason: {reason}").format(reason=inert(job.reason)))
        detail.update(Text("\n".join(lines)))

    @on(DataTable.RowHighlighted)
    def highlighted(self) -> None:
        self._show_detail()

    # -- acting --------------------------------------------------------------

    def _act(self, action: Callable[[], int], done: str) -> None:
        """Run a core action that sends a job (the desk sends it); show the outcome either way."""
        succeeded, job_id = self.attempt(action)
        if not succeeded:
            return
        self.reload(keep=job_id)
        self.query_one(Banner).show(done, "ok")

    def action_retry(self) -> None:
        job = self.current
        if job is None:
            return
        self._act(lambda: self.desk.retry_job(job.job_id),
                  _("Job {job_id}: trying {printer} again.").format(job_id=job.job_id, printer=job.printer))

    def action_redirect(self) -> None:
        job = self.current
        if job is None:
            return
        try:
            others = self.desk.other_printers(job.printer)
        except KioskError as error:
            self.app.refuse(str(error))
            return
        if not others:
            self.app.refuse(_("No other printer is configured: add one under [printers] in the config."))
            return

        def chosen(printer: str | None) -> None:
            if printer:
                self._act(
                    lambda: self.desk.redirect_job(job.job_id, printer),
                    _("Job {job_id} sent to {printer}.").format(job_id=job.job_id, printer=printer),
                )

        self.app.push_screen(
            PrinterChoice(_("Send job {job_id} ({subject}) to which printer?").format(
                job_id=job.job_id, subject=job.subject), others),
            chosen,
        )

    def action_reprint(self) -> None:
        job = self.current
        if job is None:
            return

        def answered(reason: str | None) -> None:
            if reason:
                self._act(
                    lambda: self.desk.reprint(job.job_id, reason),
                    _("Reprint of {subject} sent to {printer}.").format(subject=job.subject, printer=job.printer),
                )

        self.app.push_screen(
            PromptDialog(_("Reprint the {kind} of {subject}: why?").format(kind=job.kind_name, subject=job.subject),
                         check=required, max_length=200),
            answered,
        )

    def action_void(self) -> None:
        job = self.current
        if job is None or job.kind != SHIPPING_LABEL or job.shipment_id is None:
            self.app.refuse(_("Choose a shipping label to void its shipment."))
            return
        shipment_id, order_id = job.shipment_id, job.order_id or ""

        def answered(reason: str | None) -> None:
            # The reason, answered with F12, is the supervisor's one confirmation (the screen is theirs).
            if not reason:
                return
            try:
                result = self.desk.void_shipment(shipment_id, reason)
            except KioskError as error:
                self.query_one(Banner).show(str(error), "error")
                self.app.refuse(str(error))
                return
            self.reload()
            message = _("Shipment of {order_id} voided ({tracking}): the order is back in the queue.").format(
                order_id=result.order_id, tracking=", ".join(result.tracking_numbers))
            if result.not_renamed:
                message += " " + _("Label files not found to mark void: {files}").format(
                    files=", ".join(result.not_renamed))
            self.query_one(Banner).show(message, "warning" if result.not_renamed else "ok")

        self.app.push_screen(
            PromptDialog(_("Void the shipment of order {order_id} (its labels are void, the order goes back to"
                           " the queue): why?").format(order_id=order_id),
                         check=required, max_length=200),
            answered,
        )

    @on(LabelPrinted)
    def job_finished(self) -> None:
        """A print attempt ended (the App recorded it): show the jobs' new state."""
        self.reload()
