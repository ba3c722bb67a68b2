"""A long list in a focusable RowTable, as the dispatch log shows a busy day: only the rows in
sight are made, the keys and the mouse move the cursor, Enter selects, wide lists scroll sideways."""

from __future__ import annotations

from textual.app import App, ComposeResult

from screens.widgets.row_table import RowTable

PARCELS = 5_000
HEADERS = ("Order", "Tracking number", "Packer", "Units")


def parcel(n: int) -> tuple[str, str, str, str]:
    return (f"SO-{n:05d}", f"SF{1_000_000_000_000 + n}", f"P{100 + n % 40} Packer {n % 40}", str(n % 7 + 1))


class LongList(App):
    def __init__(self) -> None:
        super().__init__()
        self.selected: list[str] = []

    def compose(self) -> ComposeResult:
        yield RowTable(*HEADERS, shrinkable=(), right=(3,), focusable=True)

    def on_mount(self) -> None:
        table = self.query_one(RowTable)
        table.focus()
        table.set_rows([(str(n), parcel(n)) for n in range(PARCELS)])

    def on_row_table_row_selected(self, message: RowTable.RowSelected) -> None:
        self.selected.append(message.row_key)


def shown(table: RowTable) -> list[str]:
    return [table.render_line(y).text for y in range(table.size.height)]


def made(table: RowTable) -> int:
    """Rows whose styled cells exist: made when a row is first drawn."""
    return sum("cells" in vars(row) for row in table.rows)


async def test_a_long_list_makes_only_the_rows_it_draws():
    app = LongList()
    async with app.run_test(size=(80, 12)) as pilot:
        await pilot.pause()
        table = app.query_one(RowTable)
        lines = shown(table)
        assert lines[0].split()[:2] == ["Order", "Tracking"]
        assert lines[1].split()[:2] == ["SO-00000", "SF1000000000000"]
        assert made(table) <= table.size.height
        await pilot.press("end")
        assert shown(table)[-1].split()[0] == f"SO-{PARCELS - 1:05d}"
        assert made(table) <= 2 * table.size.height


async def test_keys_and_clicks_move_the_cursor_and_enter_selects_the_row_under_it():
    app = LongList()
    async with app.run_test(size=(80, 12)) as pilot:
        table = app.query_one(RowTable)
        page = table.size.height - 1
        await pilot.press("down", "down", "enter")
        assert app.selected == ["2"]
        await pilot.press("pagedown")
        assert table.cursor_row == 2 + page
        assert any(line.split()[0] == f"SO-{2 + page:05d}" for line in shown(table)[1:])
        await pilot.press("pageup", "up", "up", "up")  # not above the first row
        assert table.cursor_row == 0
        await pilot.press("end", "home")
        assert table.cursor_row == 0 and shown(table)[1].split()[0] == "SO-00000"
        await pilot.click(RowTable, offset=(3, 4))  # line 4: the fourth row
        assert table.cursor_row == 3 and app.selected == ["2"]
        await pilot.click(RowTable, offset=(3, 4))  # again: selected
        assert app.selected == ["2", "3"]
        await pilot.click(RowTable, offset=(3, 0))  # the header selects nothing
        assert table.cursor_row == 3 and app.selected == ["2", "3"]


async def test_numbers_stand_against_the_right_edge_and_a_wide_list_scrolls_sideways():
    app = LongList()
    async with app.run_test(size=(30, 12)) as pilot:
        await pilot.pause()
        table = app.query_one(RowTable)
        first = shown(table)
        # Nothing is cut short: the tracking number is whole, the last columns are off to the right.
        assert first[1].split() == ["SO-00000", "SF1000000000000"]
        for _ in range(40):
            await pilot.press("right")
        last = shown(table)
        assert last[0].rstrip().endswith("Units")
        units_end = len(last[0].rstrip())
        assert [line[units_end - 5:units_end] for line in last[1:4]] == ["    1", "    2", "    3"]


def test_the_log_shows_each_value_on_one_line_with_single_spaces():
    from screens.dispatch_log import one_line

    tidy = ("SO-1", "P001 Li Wei", "", "box split")
    assert one_line(tidy) is tidy
    assert one_line(("SO-1", "tape low\nprinter 2\tjams", " late ", "a  b")) == (
        "SO-1", "tape low printer 2 jams", "late", "a b")
    assert one_line(("SO-1 ", "x")) == ("SO-1", "x") and one_line(("x", " SO-1")) == ("x", "SO-1")
