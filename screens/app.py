"""The kiosk App: composes the screens, routes scanner input and runs the idle lock.

Everything people do goes through the desk (kiosk.desk.Desk), which the App builds (or is given)
and hands to every screen; screens tell the App what happened with Messages.
"""

from __future__ import annotations

import gc
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import events, on
from textual.app import App
from textual.binding import Binding
from textual.css.query import NoMatches
from textual.message import Message

from kiosk.config import Config
from kiosk.crashlog import error_text, report_crash
from kiosk.db import on_busy_wait, open_database
from kiosk.desk import Desk
from kiosk.i18n import N_, _, current_language, set_language
from kiosk.inert import inert, inert_lines
from screens.approve import SupervisorApproval
from screens.lock import LockScreen
from screens.login import LoginScreen
from screens.messages import LabelPrinted, LogOutRequested
from screens.scan_screen import ScanScreen
from screens.toasts import fit_toasts, keep_toasts_clear
from screens.widgets.banner import Banner
from screens.widgets.busy_notice import BusyNotice
from screens.widgets.scan_input import ScanInput

if TYPE_CHECKING:
    from textual.screen import Screen

    from kiosk.print_requests import PrintOutcome
    from screens.pack import PackScreen
    from screens.queue import QueueScreen

# The screens after login, and printing (Pillow, fonts, printers), are imported where they are
# first used: start-up to the login screen is what every shift change waits for.

IDLE_CHECK_SECONDS = 5
# The name the queue screen is installed under (it is kept from one login to the next).
QUEUE_SCREEN = "queue"
HEARTBEAT_SECONDS = 30
# How soon a station sees that a supervisor ended its session elsewhere (one indexed read).
SESSION_CHECK_SECONDS = 2


@dataclass
class LabelFinished(Message):
    """A print job's attempt is over (shipping label or item stickers); the database is updated on the UI thread."""

    outcome: PrintOutcome


class KioskApp(App):
    CSS_PATH = Path(__file__).parent / "app.tcss"
    BINDINGS = [
        Binding("ctrl+q", "quit", N_("Quit"), show=False, priority=True),
        Binding("f9", "supervisor", N_("Supervisor"), priority=True),
        Binding("ctrl+o", "open_order", N_("Open order"), show=False),
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
        # Print outcomes the print threads reported and this thread has not recorded yet.
        self._unrecorded: list[PrintOutcome] = []
        self.login_screen = LoginScreen(self.desk)
        # Screens whose toasts are kept clear of their fields (see place_toasts).
        self._toasts_placed: weakref.WeakSet[Screen] = weakref.WeakSet()
        self._kept_queue: QueueScreen | None = None

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
        on_busy_wait(self.waiting_for_database)
        self.screen_change_signal.subscribe(self, self.place_toasts, immediate=True)
        self.screen_change_signal.subscribe(self, self.carry_busy_notice)
        self.desk.printing.start(self._label_finished)
        self.desk.checkpoints.start()
        self.push_screen(self.login_screen)
        if self.desk.idle_lock_seconds:
            self.set_interval(IDLE_CHECK_SECONDS, self.lock_if_idle)
        self.set_interval(HEARTBEAT_SECONDS, self.desk.heartbeat)
        self.set_interval(SESSION_CHECK_SECONDS, self.check_session)

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
        field = screen.query_one(ScanInput)
        if screen.focused is not field:
            # The screen's own focus() lands a turn later, behind keys already queued on the App;
            # until then the focus is wherever Textual put it (the lines table): once the hold ends
            # those keys would miss the field (the start of the next scan lost).
            screen.set_focus(field)
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
        """Show the queue (which opens straight the order this station was packing when it stopped),
        or for after-sales staff the search; unread handover notes come first."""
        operator = self.desk.operator
        if operator is not None and operator.language:
            set_language(operator.language)
        self.last_input = time.monotonic()
        notes = self.desk.pending_handover_notes()
        if notes:
            # This shift's handover notes are read before anything else.
            from screens.handover import HandoverAckScreen

            self.push_screen(HandoverAckScreen(self.desk, notes), lambda _read: self._open_landing())
            return
        self._open_landing()

    def _open_landing(self) -> None:
        """The queue for packers and supervisors; the search for after-sales staff."""
        operator = self.desk.operator
        if operator is not None and operator.role == "aftersales":
            from screens.lookup import LookupScreen

            self.open_scan_screen(LookupScreen(self.desk, landing=True))
            return
        self.open_scan_screen(self._queue_screen())

    def _queue_screen(self) -> QueueScreen:
        """The queue screen, built at the first login and kept for the next ones in its language.

        Building it (twenty widgets composed, mounted and styled) was most of the time from the
        PIN's Enter to the queue on screen; kept installed, it is not removed at logout, and the
        next login reads its page again and draws only the rows that changed.
        """
        from screens.queue import QueueScreen

        queue = self._kept_queue
        if queue is not None and queue.language != current_language():
            self.uninstall_screen(queue)
            queue.remove()
            queue = None
        if queue is None:
            queue = QueueScreen(self.desk)
            self.install_screen(queue, name=QUEUE_SCREEN)
            self._kept_queue = queue
        queue.new_login = True
        return queue

    @on(LogOutRequested)
    def log_out_requested(self, message: LogOutRequested) -> None:
        self.log_out(message.why)

    def check_session(self) -> None:
        """A session a supervisor ended from another station ends here too: back to the login screen,
        which says why (an order open here stays this station's, resumed at the next login)."""
        ended = self.desk.session_ended()
        if ended:
            self.login_screen.farewell = ended
            self.log_out("session_ended")
            self.bell()

    def log_out(self, why: str = "logout") -> None:
        self.desk.log_out(why)
        set_language(self.station_language)
        while self.screen is not self.login_screen:
            self.pop_screen()

    def action_supervisor(self) -> None:
        """The exceptions list, from any screen: at once for a supervisor logged in here, once a
        supervisor's badge and PIN are checked at anyone else's station."""
        from screens.exceptions import ExceptionsScreen

        if isinstance(self.screen, SupervisorApproval | ExceptionsScreen | LockScreen):
            return
        if self.desk.is_supervisor and not self.desk.locked:
            self.push_screen(ExceptionsScreen(self.desk))
            return

        def approved(supervisor: Desk | None) -> None:
            if supervisor is not None:
                self.push_screen(ExceptionsScreen(supervisor))

        self.push_screen(SupervisorApproval(self.desk, _("Supervisor: exceptions list"), action="open_exceptions"),
                         approved)

    def action_open_order(self) -> None:
        """An order's timeline by its number, from any screen, for after-sales staff and supervisors."""
        from screens.timeline import jump_to_order

        jump_to_order(self)

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
        """A refusal everyone notices: the bell, and the message in the red banner of the screen in
        front. A screen without a banner (a dialog) gets an error notification instead: a toast
        would outlive the refusal (the next green scan, the next screen) and cover the screen."""
        self.bell()
        try:
            banner = self.screen.query_one(Banner)
        except NoMatches:
            self.notify(inert_lines(message), severity="error", markup=False)
            return
        if message not in banner.message:  # the screen may have said it already, with more
            banner.show(message, "error")

    # -- labels --------------------------------------------------------------

    def _label_finished(self, outcome: PrintOutcome) -> None:
        """On a print thread: a print attempt is over. The desk records it on this App's thread,
        which owns the database; the message wakes that thread."""
        self._unrecorded.append(outcome)
        self.post_message(LabelFinished(outcome))

    def on_label_finished(self) -> None:
        # Once the screen in front is drawn: the packer waits for that screen (the queue coming
        # back after a shipment), not for this record, which is a durable commit.
        self.call_after_refresh(self.record_print_outcomes)

    def record_print_outcomes(self) -> None:
        while self._unrecorded:
            outcome = self._unrecorded.pop(0)
            self._record_print_outcome(outcome)
            # The screen in front decides whether it cares (the print jobs list reads the record);
            # at shut-down there is none.
            if self.screen_stack:
                self.screen.post_message(LabelPrinted(outcome.job_id))

    def _record_print_outcome(self, outcome: PrintOutcome) -> None:
        notice = self.desk.print_finished(outcome)
        if notice is None:
            return
        if notice.bell:
            self.bell()
        self.notify(inert(notice.text), severity=notice.severity, markup=False,
                    timeout=10 if notice.severity == "warning" else self.NOTIFICATION_TIMEOUT)

    def place_toasts(self, screen: Screen) -> None:
        """From now on, whenever this screen's layout changes, its toasts move to where they cover
        no field, banner or key (screens/toasts.py)."""
        if screen in self._toasts_placed:
            return
        self._toasts_placed.add(screen)
        screen.screen_layout_refresh_signal.subscribe(self, keep_toasts_clear, immediate=True)

    def on_notify(self) -> None:
        # Before the toast is drawn (Textual shows it after this handler): it lands in the free band.
        # A notice that arrives while the App shuts down (a print job finishing) has no screen to sit on.
        if self.screen_stack:
            fit_toasts(self.screen)

    def carry_busy_notice(self, screen: Screen) -> None:
        """Give a screen coming to the front the App's database notice (once per screen): a
        transaction may wait whatever screen or dialog is in front."""
        if not screen.query_children(BusyNotice):
            screen.mount(BusyNotice())

    def waiting_for_database(self) -> None:
        """A transaction on this thread waits for a busy database (kiosk.db retries for a bounded time).

        The event loop is blocked by that wait, so the notice is laid out and drawn now rather
        than at the next frame, over whatever screen is in front; it goes once the action that
        waited is over (it went through, or was refused with the transaction's message).
        """
        if threading.get_ident() != self._thread_id or not self.screen_stack:
            return  # another thread's wait (this screen is not blocked by it), or nothing shown yet
        screen = self.screen
        notices = screen.query_children(BusyNotice)
        if not notices:
            return  # a screen being mounted: it has nothing on screen yet
        notice = notices.first()
        notice.say(_("Waiting for the database: another station or program is holding it..."))
        notice.display = True
        screen._refresh_layout(self.size)
        self._display(screen, screen._compositor.render_update(full=True, screen_stack=self._background_screens))
        # Runs once this thread is free again: the action that waited is over.
        self.call_later(self._database_free, notice)

    def _database_free(self, notice: BusyNotice) -> None:
        notice.display = False

    def on_unmount(self) -> None:
        on_busy_wait(None)
        # A label being written finishes (its shipment is committed already), and is recorded with
        # every outcome not recorded yet: a restart must not print it again.
        self.desk.printing.stop()
        self.record_print_outcomes()
        self.desk.checkpoints.stop()
        # Let the collector see this app's objects again: a process that runs several apps
        # (the test suite) would otherwise keep every one of them.
        gc.unfreeze()

    def on_ready(self) -> None:
        """Labels left queued or failed by an earlier run go out now, and then on a timer."""
        # What start-up allocated lives as long as the app: keep it out of every later full
        # collection, which would otherwise land in the middle of a scan.
        gc.collect()
        gc.freeze()
        self.set_interval(self.desk.print_retry_seconds, self.retry_print_jobs)
        self.retry_print_jobs()

    def retry_print_jobs(self) -> None:
        """Send again this station's jobs that failed because a printer was off (and left-over ones)."""
        self.desk.retry_print_jobs()

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
