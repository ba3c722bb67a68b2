"""The kiosk App: composes the screens, routes scanner input and runs the idle lock.

Everything people do goes through the desk (kiosk.desk.Desk), which the App builds (or is given)
and hands to every screen; screens tell the App what happened with Messages.
"""

from __future__ import annotations

import contextlib
import gc
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlite_utils
from rich.text import Text
from textual import events, on, work
from textual.app import App
from textual.binding import Binding
from textual.message import Message

from kiosk.config import Config
from kiosk.crashlog import error_text, report_crash
from kiosk.db import open_database
from kiosk.desk import Desk
from kiosk.errors import KioskError
from kiosk.i18n import N_, _, current_language, set_language
from screens.approve import SupervisorApproval
from screens.lock import LockScreen
from screens.login import LoginScreen
from screens.messages import LabelPrinted, LogOutRequested
from screens.scan_screen import ScanScreen
from screens.widgets.scan_input import ScanInput

if TYPE_CHECKING:
    from kiosk.item_labels import ItemLabelRequest
    from kiosk.print_jobs import PrintOutcome, PrintRequest, StagedLabel
    from printing.labels import ShippingLabel
    from screens.pack import PackScreen

# The screens after login, and printing (Pillow, fonts, printers), are imported where they are
# first used: start-up to the login screen is what every shift change waits for.

IDLE_CHECK_SECONDS = 5
HEARTBEAT_SECONDS = 30


@dataclass
class LabelFinished(Message):
    """A print job's attempt is over (shipping label or item stickers); the database is updated on the UI thread."""

    outcome: PrintOutcome
    # A timed retry: nobody at the desk is waiting for this one.
    background: bool = False


class KioskApp(App):
    CSS_PATH = Path(__file__).parent / "app.tcss"
    BINDINGS = [
        Binding("ctrl+q", "quit", N_("Quit"), show=False, priority=True),
        Binding("f9", "supervisor", N_("Supervisor"), priority=True),
    ]
    ENABLE_COMMAND_PALETTE = False

    def __init__(self, config: Config, desk: Desk | None = None) -> None:
        # Everything imported so far lives as long as the process. Out of the collector's sight,
        # it is not traversed again by the collections that building the first screen triggers
        # (about 15 ms of a 50 ms first frame).
        gc.freeze()
        super().__init__()
        self.title = _("Packing desk")
        self.desk = desk if desk is not None else Desk(open_database(config.database), config)
        # The language the station starts in and returns to at logout; an operator may prefer another.
        self.station_language = current_language()
        self.last_input = time.monotonic()
        # While a scan screen loads, keys are held back and finished scans wait here.
        self._held_keys: list[events.Key] | None = None
        self._pending_scans: list[str] = []
        self._print_pool: ThreadPoolExecutor | None = None
        self.login_screen = LoginScreen(self.desk)

    def _fatal_error(self) -> None:
        """An unexpected error: the traceback goes to the crash log, the person sees one line.

        Textual has already set the return code to 1, so the process exits non-zero and a
        supervisor process (systemd, a shell loop) notices.
        """
        error = self._exception
        details = report_crash(error) if error is not None else ""
        self.bell()
        self.panic(
            Text(_("The kiosk stopped after an unexpected error ({error}); {details}. Start it again:"
                   " nothing that was committed is lost.").format(
                       error=error_text(error) if error is not None else "", details=details))
        )

    def on_mount(self) -> None:
        self.push_screen(self.login_screen)
        if self.desk.idle_lock_seconds:
            self.set_interval(IDLE_CHECK_SECONDS, self.lock_if_idle)
        self.set_interval(HEARTBEAT_SECONDS, self.desk.heartbeat)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown):
            self.last_input = time.monotonic()
        if isinstance(event, events.Key) and self._held_keys is not None:
            self._held_keys.append(event)
            return
        await super().on_event(event)

    # -- scans ---------------------------------------------------------------
    # Scans reach screens by direct calls, not Messages: a message would reach the screen a turn
    # of the event loop later, and the keys of the next scan, already queued, would land first.

    def open_scan_screen(self, screen: ScanScreen, callback: Callable[[Any], None] | None = None) -> None:
        """Push a scan screen; keys typed before it is ready are kept for it, in order."""
        self.hold_scans()
        self.push_screen(screen, callback)

    def hold_scans(self) -> None:
        """Keep every key and scan from now on for the next scan screen to be mounted or resumed."""
        if self._held_keys is None:
            self._held_keys = []

    def deliver_scan(self, value: str) -> None:
        """A finished scan goes to the scan screen in front, or waits while one loads."""
        if self._held_keys is not None:
            self._pending_scans.append(value)
        elif isinstance(self.screen, ScanScreen):
            self.screen.handle_scan(value)

    def scan_screen_ready(self, screen: ScanScreen) -> None:
        """Hand the screen now in front what arrived while it loaded: scans first, then keys."""
        if screen is not self.screen or self._held_keys is None or not screen.takes_scans:
            return
        held, self._held_keys = self._held_keys, None
        pending, self._pending_scans = self._pending_scans, []
        while pending:
            screen = self.screen
            if isinstance(screen, ScanScreen):
                screen.handle_scan(pending.pop(0))
            if self._held_keys is not None:
                # That scan opened another screen: the rest waits for it.
                self._pending_scans = pending
                self._held_keys.extend(held)
                return
        if held:
            field = self.screen.query_one(ScanInput)
            for key in held:
                field.post_message(key)

    # -- operator ------------------------------------------------------------

    @on(LoginScreen.LoggedIn)
    def logged_in(self) -> None:
        """Show the queue (which opens straight the order this station was packing when it stopped)."""
        from screens.queue import QueueScreen

        operator = self.desk.operator
        if operator is not None and operator.language:
            set_language(operator.language)
        self.last_input = time.monotonic()
        self.open_scan_screen(QueueScreen(self.desk))

    @on(LogOutRequested)
    def log_out_requested(self, message: LogOutRequested) -> None:
        self.log_out(message.why)

    def log_out(self, why: str = "logout") -> None:
        self.desk.log_out(why)
        set_language(self.station_language)
        while self.screen is not self.login_screen:
            self.pop_screen()

    def action_supervisor(self) -> None:
        """The exceptions list, from any screen, once a supervisor's badge and PIN are checked."""
        from screens.exceptions import ExceptionsScreen

        if isinstance(self.screen, SupervisorApproval | ExceptionsScreen | LockScreen):
            return

        def approved(supervisor: Desk | None) -> None:
            if supervisor is not None:
                self.push_screen(ExceptionsScreen(supervisor))

        self.push_screen(SupervisorApproval(self.desk, _("Supervisor: exceptions list"), action="open_exceptions"),
                         approved)

    def lock_if_idle(self) -> None:
        idle = time.monotonic() - self.last_input
        if self.desk.operator is None or self.desk.locked or idle < self.desk.idle_lock_seconds:
            return
        self.desk.lock()
        self.push_screen(LockScreen(self.desk), self.unlocked)

    def unlocked(self, _carried_on: bool | None) -> None:
        self.last_input = time.monotonic()

    def on_pack_screen_order_stopped(self, message: PackScreen.OrderStopped) -> None:
        self.refuse(message.reason)

    # -- feedback ------------------------------------------------------------

    def refuse(self, message: str) -> None:
        """A refusal everyone notices: the bell, and an error notification."""
        self.bell()
        self.notify(message, severity="error", markup=False)

    # -- labels --------------------------------------------------------------

    @property
    def _print_db(self) -> sqlite_utils.Database:
        # print pipeline: the print section reaches the database through the desk until a print
        # service owns the jobs; screens never do.
        return self.desk.db

    @property
    def _print_config(self) -> Config:
        # print pipeline: the printers, label sizes and retry settings, likewise.
        return self.desk.config

    @property
    def print_pool(self) -> ThreadPoolExecutor:
        """The threads a waybill's label is written on while its shipment commits (see stage_label)."""
        if self._print_pool is None:
            self._print_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="labels")
        return self._print_pool

    def stage_label(self, print_job_id: int) -> StagedLabel:
        """Draw a waybill's label inside the transaction that records it (kiosk.print_jobs.StagedLabel).

        Not a Textual worker: a worker starts on a later turn of the event loop, and this label is
        written while the commit, here on the UI thread, syncs the database.
        """
        from kiosk.print_jobs import StagedLabel

        self.printing_now.add(print_job_id)
        return StagedLabel(self._print_db, print_job_id, self._print_config, self.print_pool,
                           lambda outcome: self.post_message(LabelFinished(outcome)), self.printing_now.discard)

    def print_item_labels(
        self, request: ItemLabelRequest, order_id: str | None = None, reason: str = ""
    ) -> int | None:
        """Queue and print new stickers for an item (a damaged barcode); returns the job, None if refused."""
        from kiosk.item_labels import queue_item_labels

        operator = self.desk.operator.badge if self.desk.operator else None
        try:
            config = self._print_config
            job_id = queue_item_labels(
                self._print_db, request.code, request.copies, printer=config.item_printer or config.printer,
                size=config.item_label_size, operator=operator, station=self.desk.station,
                order_id=order_id, reason=reason or _("new barcode label at the packing desk"),
            )
        except KioskError as error:
            self.refuse(str(error))
            return None
        self.send_print_job(job_id)
        return job_id

    @property
    def printing_now(self) -> set[int]:
        """Jobs with an attempt under way from this app: a timed retry never sends one twice."""
        return vars(self).setdefault("_printing_now", set())

    def send_print_job(self, job_id: int, *, background: bool = False) -> None:
        """Read the job (here, on the UI thread) and print it in a worker."""
        from kiosk.print_jobs import job_request, unprintable

        if job_id in self.printing_now:
            return
        try:
            request = job_request(self._print_db, job_id, self._print_config)
        except KioskError as error:
            self.post_message(LabelFinished(unprintable(self._print_db, job_id, error), background))
            return
        self.printing_now.add(job_id)
        self._print_in_worker(request, background)

    def prepare_label(self, order_id: str, carrier: str, package_no: int, package_count: int) -> None:
        """Draw a parcel's label ahead of its waybill, in a worker: the real one then draws only its
        carrier and tracking number anew (kiosk.labels.label_preview, printing.labels.draw_ahead)."""
        from kiosk.labels import label_preview

        operator = self.desk.operator.badge if self.desk.operator else ""
        try:
            label = label_preview(self._print_db, order_id, self._print_config, operator=operator,
                                  station=self.desk.station, carrier=carrier, package_no=package_no,
                                  package_count=package_count)
        except KioskError:
            return  # the order is gone: the pack screen says so on its own
        self._draw_preview(label)

    @work(thread=True, exit_on_error=False, group="labels")
    def _draw_preview(self, label: ShippingLabel) -> None:
        from kiosk.labels import draw_ahead

        # A label that cannot be drawn fails the same way for real, and that print job says why.
        with contextlib.suppress(KioskError):
            config = self._print_config
            draw_ahead(label, config.label_size, config.label_dpi, config.label_font)

    @work(thread=True, exit_on_error=False, group="labels")
    def _print_in_worker(self, request: PrintRequest, background: bool = False) -> None:
        from kiosk.print_jobs import attempt

        outcome = attempt(request)
        assert outcome is not None  # only a go-ahead can throw a job away
        self.post_message(LabelFinished(outcome, background))

    def on_label_finished(self, message: LabelFinished) -> None:
        from kiosk.print_jobs import SHIPPING_LABEL, finish_print_job

        outcome = message.outcome
        self.printing_now.discard(outcome.job_id)
        finish_print_job(self._print_db, outcome.job_id, file=outcome.file, error=outcome.error,
                         retryable=outcome.retryable, station=self.desk.station)
        # The screen in front decides whether it cares (the pack screen waits for its label).
        self.screen.post_message(LabelPrinted(outcome.job_id))
        if message.background:
            if not outcome.error:
                self.notify(_("Queued label for {subject} printed on {printer}.").format(
                    subject=outcome.subject, printer=outcome.printer), markup=False)
            return
        shipping = outcome.kind == SHIPPING_LABEL
        if outcome.retryable:
            text = (_("Order {order_id} is shipped; printer offline: label queued. It prints when {printer} is back.")
                    if shipping else
                    _("Item label {code}: printer offline: label queued. It prints when {printer} is back."))
            self.bell()
            self.notify(text.format(order_id=outcome.subject, code=outcome.subject, printer=outcome.printer),
                        severity="warning", markup=False, timeout=10)
        elif outcome.error:
            self.refuse(
                _("Order {order_id} shipped, but {problem}").format(order_id=outcome.subject, problem=outcome.error)
                if shipping else
                _("Item label {code} not printed: {problem}").format(code=outcome.subject, problem=outcome.error)
            )
        elif shipping:
            self.notify(
                _("Label printed for {order_id}: {file}").format(order_id=outcome.subject, file=outcome.file),
                markup=False,
            )
        else:
            self.notify(_("Item label {code} printed: {file}").format(code=outcome.subject, file=outcome.file),
                        markup=False)

    def on_unmount(self) -> None:
        if self._print_pool is not None:
            # A label being written finishes: its shipment is committed already.
            self._print_pool.shutdown(wait=True)
        # Let the collector see this app's objects again: a process that runs several apps
        # (the test suite) would otherwise keep every one of them.
        gc.unfreeze()

    def on_ready(self) -> None:
        """Labels left queued or failed by an earlier run go out now, and then on a timer."""
        # What start-up allocated lives as long as the app: keep it out of every later full
        # collection, which would otherwise land in the middle of a scan.
        gc.collect()
        gc.freeze()
        self.set_interval(self._print_config.print_retry_seconds, self.retry_print_jobs)
        self.retry_print_jobs()

    def retry_print_jobs(self) -> None:
        """Send again this station's jobs that failed because a printer was off (and left-over ones)."""
        from kiosk.print_jobs import claim_due_retries

        config = self._print_config
        for job_id in claim_due_retries(self._print_db, self.desk.station, max_attempts=config.print_max_attempts,
                                        wait_seconds=config.print_retry_seconds, skip=self.printing_now):
            self.send_print_job(job_id, background=True)

    def open_print_jobs(self) -> None:
        """The print jobs screen, for a supervisor (asked for badge and PIN unless one is logged in)."""
        from screens.print_jobs import PrintJobsScreen  # the screen imports this module

        if isinstance(self.screen, PrintJobsScreen):
            return
        if self.desk.operator is not None and self.desk.operator.is_supervisor:
            self.push_screen(PrintJobsScreen(self.desk))
            return

        def approved(supervisor: Desk | None) -> None:
            if supervisor is not None:
                self.push_screen(PrintJobsScreen(supervisor))

        self.push_screen(SupervisorApproval(self.desk, _("Supervisor: print jobs"), action="open_print_jobs"),
                         approved)
