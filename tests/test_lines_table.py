"""The pack screen's lines table: a changed cell reaches the terminal, and only its row is redrawn."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.widgets.data_table import CellDoesNotExist

from benchmarks.screen_probe import FrameLogMixin
from screens.widgets.lines_table import LinesTable


class TableApp(FrameLogMixin, App):
    """What a terminal would be sent, recorded as text."""

    def compose(self) -> ComposeResult:
        yield LinesTable(cursor_type="none")

    def on_mount(self) -> None:
        table = self.query_one(LinesTable)
        table.add_column("Item", key="item")
        table.add_column("Packed", key="packed", width=10)
        table.add_row("Sweater", "0 of 2", key="1")
        table.add_row("Tote bag", "0 of 1", key="2")


def shown_rows(app: TableApp) -> list[str]:
    return [" ".join(line.split()) for line in app.frame_log.screen.dump().splitlines()[:3]]


async def test_an_updated_cell_is_sent_to_the_terminal_with_its_row_only():
    app = TableApp()
    async with app.run_test(size=(40, 6)) as pilot:
        await pilot.pause()
        assert shown_rows(app) == ["Item Packed", "Sweater 0 of 2", "Tote bag 0 of 1"]
        table = app.query_one(LinesTable)
        painted: list[int] = []
        render_line = table.render_line
        table.render_line = lambda y: painted.append(y) or render_line(y)

        table.update_cell("1", "packed", "1 of 2")
        await pilot.pause()

        assert shown_rows(app) == ["Item Packed", "Sweater 1 of 2", "Tote bag 0 of 1"]
        assert table.get_cell("1", "packed") == "1 of 2"
        # The header and the other row stay as they are on screen.
        assert painted == [1]


async def test_an_unknown_cell_is_refused_as_datatable_refuses_it():
    app = TableApp()
    async with app.run_test(size=(40, 6)) as pilot:
        await pilot.pause()
        with pytest.raises(CellDoesNotExist, match="No cell exists for row_key"):
            app.query_one(LinesTable).update_cell("9", "packed", "1 of 1")
