"""What the supervisor's list screens share: a supervisor, rows to act on, keys to move and leave."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Generic, TypeVar

from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable

from kiosk.errors import KioskError
from kiosk.i18n import N_
from screens.widgets.banner import Banner

if TYPE_CHECKING:
    from kiosk.auth import Operator
    from kiosk.desk import Desk

Row = TypeVar("Row")
Result = TypeVar("Result")


class SupervisorListScreen(Screen, Generic[Row]):
    """A table of ``rows`` (one per DataTable row, in order) that a checked supervisor acts on, through their desk."""

    BINDINGS = [
        Binding("up", "move(-1)", N_("Up"), show=False),
        Binding("down", "move(1)", N_("Down"), show=False),
        Binding("f5", "reload", N_("Refresh")),
        Binding("escape", "close", N_("Close")),
    ]

    def __init__(self, desk: Desk) -> None:
        super().__init__()
        self.desk = desk
        assert desk.operator is not None, "a supervisor's desk has its supervisor"
        self.supervisor: Operator = desk.operator
        self.rows: list[Row] = []

    def reload(self) -> None:
        raise NotImplementedError

    @property
    def current(self) -> Row | None:
        row = self.query_one(DataTable).cursor_row
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def attempt(self, action: Callable[[], Result]) -> tuple[bool, Result | None]:
        """Run a core action: (True, its result), or (False, None) after showing the refusal (banner, bell)."""
        try:
            return True, action()
        except KioskError as error:
            self.query_one(Banner).show(str(error), "error")
            self.app.refuse(str(error))
            return False, None

    def action_move(self, step: int) -> None:
        table = self.query_one(DataTable)
        table.move_cursor(row=table.cursor_row + step)

    def action_reload(self) -> None:
        self.reload()

    def action_close(self) -> None:
        self.dismiss()
