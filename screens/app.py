"""The kiosk App: owns the database connection, the operator and the screen flow."""

from __future__ import annotations

import time
from dataclasses import dataclass

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
from kiosk.labels import label_for_shipment, render_label_file
from kiosk.shipping import finish_print_job
from printing.labels import ShippingLabel
from screens.lock import LockScreen
from screens.login import LoginScreen
from screens.pack import PackScreen
from screens.queue import QueueScreen

IDLE_CHECK_SECONDS = 5


@dataclass
class LabelFinished(Message):
    """A label worker is done; the database is updated on the UI thread."""

    print_job_id: int
    order_id: str
    file: str = ""
    error: str = ""

    def __post_init__(self) -> None:
        super().__init__()


class KioskApp(App):
    TITLE = "Packing desk"
    CSS_PATH = "app.tcss"
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", show=False, priority=True)]

    def __init__(self, config: Config, db: sqlite_utils.Database | None = None) -> None:
        super().__init__()
        self.config = config
        self.db = db if db is not None else open_database(config.database)
        self.operator: Operator | None = None
        self.last_input = time.monotonic()
        self.locked = False

    def on_mount(self) -> None:
        self.push_screen(LoginScreen())
        if self.config.idle_lock_seconds:
            self.set_interval(IDLE_CHECK_SECONDS, self.check_idle)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown):
            self.last_input = time.monotonic()
        await super().on_event(event)

    # -- operator ------------------------------------------------------------

    def logged_in(self, operator: Operator) -> None:
        """Show the queue, or straight the order this station was packing when it stopped."""
        self.operator = operator
        self.last_input = time.monotonic()
        self.push_screen(QueueScreen())
        held = station_claim(self.db, self.config.station)
        if held:
            self.push_screen(PackScreen(held, resumed=True))

    def log_out(self, why: str = "logout") -> None:
        if self.operator is not None:
            record_logout(self.db, self.operator, self.config.station, why)
        self.operator = None
        self.locked = False
        while not isinstance(self.screen, LoginScreen):
            self.pop_screen()
        self.screen.reset()

    def check_idle(self) -> None:
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
            self.refuse(f"Order {message.order_id} shipped, but {message.error}")
        else:
            self.notify(f"Label printed for {message.order_id}.", markup=False)
