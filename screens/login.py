"""Login: scan the badge, type the PIN."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static

from kiosk.errors import KioskError
from kiosk.i18n import N_, _
from kiosk.inert import inert
from screens.scan_screen import ScanScreen
from screens.widgets.banner import Banner
from screens.widgets.footer import KioskFooter
from screens.widgets.scan_input import ScanInput

if TYPE_CHECKING:
    from kiosk.desk import Desk


class PinInput(Input):
    """The PIN field. Enter is taken here, in key order, as the scan field takes a scan's: Input's
    Submitted message would reach the screen a turn of the event loop later, after a frame."""

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            pin, self.value = self.value, ""
            screen: LoginScreen = self.screen  # type: ignore[assignment]
            screen.pin_entered(pin)
            return
        await super()._on_key(event)


class LoginScreen(ScanScreen):
    CSS_PATH = "login.tcss"
    BINDINGS = [Binding("escape", "reset", N_("Start again"))]

    class LoggedIn(Message):
        """Badge and PIN checked: the desk has its operator."""

    def __init__(self, desk: Desk) -> None:
        super().__init__()
        self.desk = desk
        self.badge = ""
        self.resumed_before = False
        # Why the last session ended, when the station did not end it itself (App.check_session).
        self.farewell = ""

    def compose(self) -> ComposeResult:
        with Vertical(id="login-box"):
            yield Static(id="login-title")
            yield Static(id="login-station")
            yield Static(id="login-prompt")
            yield ScanInput(id="badge")
            yield PinInput(password=True, id="pin", max_length=8)
            yield Banner(id="banner")
        yield KioskFooter()

    def on_mount(self) -> None:
        self.reset()

    def on_screen_resume(self) -> None:
        # Back in front after a logout (or a supervisor's list opened from here): start again.
        # Textual resumes a screen on its first push too: on_mount has just reset it then.
        if self.resumed_before:
            self.reset()
        self.resumed_before = True

    def action_reset(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Back to "scan your badge", in the station's language (the last operator's may differ)."""
        self.badge = ""
        self.query_one("#login-title", Static).update(_("Packing desk"))
        self.query_one("#login-station", Static).update(
            Text(_("Station {station}").format(station=inert(self.desk.station)))
        )
        self.query_one("#login-prompt", Static).update(_("Scan your badge"))
        badge_input = self.query_one("#badge", ScanInput)
        badge_input.placeholder = _("badge")
        badge_input.value = ""
        badge_input.display = True
        pin = self.query_one("#pin", Input)
        pin.placeholder = _("PIN")
        pin.value = ""
        pin.display = False
        # Said once, on the screen the station comes back to (why the last session ended).
        self.query_one(Banner).show(self.farewell, "error" if self.farewell else "info")
        self.farewell = ""
        self.query_one(KioskFooter).follow_language()
        badge_input.focus()

    def handle_scan(self, value: str) -> None:
        try:
            operator = self.desk.check_badge(value)
        except KioskError as error:
            self.query_one(Banner).show(str(error), "error")
            self.app.refuse(str(error))
            return
        self.badge = operator.badge
        self.query_one("#login-prompt", Static).update(
            Text(_("{name}: type your PIN, then Enter").format(name=inert(operator.name)))
        )
        self.query_one("#badge").display = False
        pin = self.query_one("#pin", Input)
        pin.display = True
        pin.focus()
        self.query_one(Banner).show("")

    def pin_entered(self, pin: str) -> None:
        try:
            self.desk.log_in(self.badge, pin)
        except KioskError as error:
            self.query_one(Banner).show(str(error), "error")
            self.app.refuse(str(error))
            return
        self.post_message(self.LoggedIn())
