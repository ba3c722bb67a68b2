"""Login: scan the badge, type the PIN."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Footer, Input, Static

from kiosk.auth import authenticate, find_operator
from kiosk.errors import KioskError
from screens.scan_screen import ScanScreen
from screens.widgets.banner import Banner
from screens.widgets.scan_input import ScanInput

if TYPE_CHECKING:
    from screens.app import KioskApp


class LoginScreen(ScanScreen):
    CSS_PATH = "login.tcss"
    BINDINGS = [("escape", "reset", "Start again")]

    app: KioskApp

    def compose(self) -> ComposeResult:
        with Vertical(id="login-box"):
            yield Static("Packing desk", id="login-title")
            yield Static(f"Station {self.app.config.station}", id="login-station")
            yield Static("Scan your badge", id="login-prompt")
            yield ScanInput(placeholder="badge", id="badge")
            yield Input(placeholder="PIN", password=True, id="pin", max_length=8)
            yield Banner(id="banner")
        yield Footer()

    def on_mount(self) -> None:
        self.reset()

    def action_reset(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.badge = ""
        self.query_one("#login-prompt", Static).update("Scan your badge")
        badge_input = self.query_one("#badge", ScanInput)
        badge_input.value = ""
        badge_input.display = True
        pin = self.query_one("#pin", Input)
        pin.value = ""
        pin.display = False
        self.query_one(Banner).show("")
        badge_input.focus()

    def handle_scan(self, value: str) -> None:
        badge = value.strip().upper()
        operator = find_operator(self.app.db, badge)
        if operator is None:
            self.query_one(Banner).show(f"Unknown or disabled badge {badge}. Scan your badge again.", "error")
            self.app.refuse(f"Unknown or disabled badge {badge}.")
            return
        self.badge = badge
        self.query_one("#login-prompt", Static).update(f"{operator.name}: type your PIN, then Enter")
        self.query_one("#badge").display = False
        pin = self.query_one("#pin", Input)
        pin.display = True
        pin.focus()
        self.query_one(Banner).show("")

    @on(Input.Submitted, "#pin")
    def pin_entered(self, message: Input.Submitted) -> None:
        pin = message.value
        message.input.value = ""
        try:
            operator = authenticate(self.app.db, self.badge, pin, self.app.config.station)
        except KioskError as error:
            self.query_one(Banner).show(str(error), "error")
            self.app.refuse(str(error))
            return
        self.app.logged_in(operator)
