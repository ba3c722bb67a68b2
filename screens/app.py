"""The kiosk App: owns the database connection, the operator and the screen flow."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils
from textual import events, work
from textual.app import App
from textual.binding import Binding
from textual.message import Message

from kiosk.auth import Operator, record_logout
from kiosk.claims import station_claim
from kiosk.config import Config
from kiosk.db import open_database
from kiosk.errors import KioskError
from kiosk.i18n import N_, _, current_language, set_language
from kiosk.labels import label_for_shipment, render_label_file
from kiosk.shipping import finish_print_job
from printing.labels import ShippingLabel
from screens.approve import SupervisorApproval
from screens.exceptions import ExceptionsScreen
from screens.lock import LockScreen
from screens.login import LoginScreen
from screens.pack import PackScreen
from screens.queue import QueueScreen
from screens.scan_screen import ScanScreen
from screens.widgets.scan_input import ScanInput

IDLE_CHECK_SECONDS = 5


@dataclass
class LabelFinished(Message):
    """A label worker is done; the database is updated on the UI thread."""

    print_job_id: int
    order_id: str
    file: str = ""
    error: str = ""


class KioskApp(App):
    CSS_PATH = Path(__file__).parent / "app.tcss"
    BINDINGS = [
        Binding("ctrl+q", "quit", N_("Quit"), show=False, priority=True),
        Binding("f9", "supervisor", N_("Supervisor"), priority=True),
    ]
    ENABLE_COMMAND_PALETTE = False

    def __init__(self, config: Config, db: sqlite_utils.Database | None = None) -> None:
        super().__init__()
        self.title = _("Packing desk")
        self.config = config
        self.db = db if db is not None else open_database(config.database)
        self.operator: Operator | None = None
        # The language the station starts in and returns to at logout; an operator may prefer another.
        self.station_language = current_language()
        self.last_input = time.monotonic()
        self.locked = False
        # While a scan screen loads, keys are held back and finished scans wait here.
        self._held_keys: list[events.Key] | None = None
        self._pending_scans: list[str] = []

    def on_mount(self) -> None:
        self.push_screen(LoginScreen())
        if self.config.idle_lock_seconds:
            self.set_interval(IDLE_CHECK_SECONDS, self.lock_if_idle)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown):
            self.last_input = time.monotonic()
        if isinstance(event, events.Key) and self._held_keys is not None:
            self._held_keys.append(event)
            return
        await super().on_event(event)

    # -- scans ---------------------------------------------------------------

    def open_scan_screen(self, screen: ScanScreen) -> None:
        """Push a scan screen; keys typed before it is ready are kept for it, in order."""
        if self._held_keys is None:
            self._held_keys = []
        self.push_screen(screen)

    def on_scan_input_scanned(self, message: ScanInput.Scanned) -> None:
        message.stop()
        if self._held_keys is not None:
            self._pending_scans.append(message.value)
        elif isinstance(self.screen, ScanScreen):
            self.screen.handle_scan(message.value)

    def scan_screen_ready(self, screen: ScanScreen) -> None:
        """Hand the screen now in front what arrived while it loaded: scans first, then keys."""
        if screen is not self.screen or self._held_keys is None:
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

    def logged_in(self, operator: Operator) -> None:
        """Show the queue, or straight the order this station was packing when it stopped."""
        self.operator = operator
        if operator.language:
            set_language(operator.language)
        self.last_input = time.monotonic()
        self.open_scan_screen(QueueScreen())
        held = station_claim(self.db, self.config.station)
        if held:
            self.open_scan_screen(PackScreen(held, resumed=True))

    def log_out(self, why: str = "logout") -> None:
        if self.operator is not None:
            record_logout(self.db, self.operator, self.config.station, why)
        self.operator = None
        self.locked = False
        set_language(self.station_language)
        while not isinstance(self.screen, LoginScreen):
            self.pop_screen()
        self.screen.reset()

    def action_supervisor(self) -> None:
        """The exceptions list, from any screen, once a supervisor's badge and PIN are checked."""
        if isinstance(self.screen, SupervisorApproval | ExceptionsScreen | LockScreen):
            return

        def approved(supervisor: Operator | None) -> None:
            if supervisor is not None:
                self.push_screen(ExceptionsScreen(supervisor))

        self.push_screen(SupervisorApproval(_("Supervisor: exceptions list"), action="open_exceptions"), approved)

    def lock_if_idle(self) -> None:
        idle = time.monotonic() - self.last_input
        if self.operator is None or self.locked or idle < self.config.idle_lock_seconds:
            return
        self.locked = True
        self.push_screen(LockScreen(self.operator))

    def unlocked(self) -> None:
        self.locked = False
        self.last_input = time.monotonic()

    # -- feedback ------------------------------------------------------------

    def refuse(self, message: str) -> None:
        """A refusal everyone notices: the bell, and an error notification."""
        self.bell()
        self.notify(message, severity="error", markup=False)

    # -- labels --------------------------------------------------------------

    def print_label(self, shipment_id: int, print_job_id: int, order_id: str) -> None:
        try:
            label = label_for_shipment(self.db, shipment_id, self.config)
        except KioskError as error:
            self.post_message(LabelFinished(print_job_id, order_id, error=str(error)))
            return
        self._render_label(label, print_job_id)

    @work(thread=True, exit_on_error=False, group="labels")
    def _render_label(self, label: ShippingLabel, print_job_id: int) -> None:
        try:
            path = render_label_file(label, self.config)
        except KioskError as error:
            self.post_message(LabelFinished(print_job_id, label.order_id, error=str(error)))
        else:
            self.post_message(LabelFinished(print_job_id, label.order_id, file=str(path)))

    def on_label_finished(self, message: LabelFinished) -> None:
        finish_print_job(self.db, message.print_job_id, file=message.file, error=message.error)
        if message.error:
            self.refuse(
                _("Order {order_id} shipped, but {problem}").format(order_id=message.order_id, problem=message.error)
            )
        else:
            self.notify(
                _("Label printed for {order_id}: {file}").format(order_id=message.order_id, file=message.file),
                markup=False,
            )
