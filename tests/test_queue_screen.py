"""The queue with more orders than fit: pages, the cursor kept in view, narrow terminals."""

from __future__ import annotations

import gc

import pytest
from rich.cells import cell_len
from textual.widgets._footer import FooterKey

from kiosk.config import Config
from kiosk.db import transaction
from screens.pack import PackScreen
from screens.queue import QueueScreen
from screens.widgets.footer import KioskFooter
from screens.widgets.row_table import MIN_SHRUNK_WIDTH, RowTable, column_widths
from tests.pilot import RecordingApp, run_kiosk, scan

EXTRA_ORDERS = 120  # with the seed's three paid orders: 123, three pages of 50


@pytest.fixture
def busy_config(config: Config, db) -> Config:
    with transaction(db) as conn:
        for n in range(EXTRA_ORDERS):
            order_id = f"WEB-{n:04d}"
            conn.execute(
                "INSERT INTO orders (order_id, status, recipient_name, city, country, created_at, paid_at)"
                " VALUES (?, 'paid', ?, 'Leeds', 'GB', ?, ?)",
                [order_id, f"Customer {n} of Very Long Surname Household", "2026-11-26T08:00:00.000+00:00",
                 f"2026-11-27T10:{n // 60:02d}:{n % 60:02d}.000+00:00"],
            )
            conn.execute("INSERT INTO order_lines (order_id, line_no, sku, name, colour, size, quantity)"
                         " VALUES (?, 1, 'MUG-01', 'Enamel Mug', '', '', 1)", [order_id])
    return config


def shown(table: RowTable) -> list[str]:
    """The table's lines as the terminal shows them (header first)."""
    return [table.render_line(y).text for y in range(table.size.height)]


def table_width(app: RecordingApp) -> int:
    """The table's width inside its scrollbar."""
    return app.screen.query_one(RowTable).scrollable_content_region.width


def header(app: RecordingApp) -> str:
    return str(app.screen.query_one("#queue-header").render())


def test_columns_shrink_widest_first_and_never_below_the_minimum():
    assert column_widths([6, 30, 5], 60) == [6, 30, 5]
    assert column_widths([6, 30, 5], 25) == [6, 14, 5]
    assert column_widths([6, 30, 5], 10) == [6, MIN_SHRUNK_WIDTH, 5]
    assert column_widths([6, 30, 12], 25, shrinkable=[1]) == [6, MIN_SHRUNK_WIDTH, 12]


async def test_pages_of_fifty_and_the_header_counts_them(busy_config):
    async with run_kiosk(busy_config) as (app, pilot):
        queue = app.screen
        assert isinstance(queue, QueueScreen)
        assert "Queue: 1-50 of 123 paid orders waiting" in header(app)
        assert len(queue.entries) == 50
        await pilot.press("pagedown")
        assert "Queue: 51-100 of 123" in header(app)
        assert "WEB-0047" in shown(queue.query_one(RowTable))[1]
        await pilot.press("pagedown", "pagedown")  # past the end: the last page stays
        assert "Queue: 101-123 of 123" in header(app)
        assert len(queue.entries) == 23
        await pilot.press("pageup")
        assert "Queue: 51-100 of 123" in header(app)


async def test_the_cursor_stays_on_screen_and_enter_opens_what_it_shows(busy_config):
    async with run_kiosk(busy_config) as (app, pilot):
        table = app.screen.query_one(RowTable)
        visible = table.size.height - 1
        await pilot.press(*["down"] * (visible + 5))
        target = app.screen.entries[visible + 5].order_id
        lines = shown(table)
        assert lines[0].split() == ["Order", "Platform", "Recipient", "Items", "Waiting", "Flags"]  # still on top
        assert any(target in line for line in lines[1:])
        assert lines[-1].split()[0] == target  # scrolled just enough
        await pilot.press(*["up"] * (visible + 5))
        assert shown(table)[1].split()[0] == "SO-6"
        await pilot.press(*["down"] * 7, "enter")
        assert isinstance(app.screen, PackScreen)
        assert app.screen.order_id == "WEB-0004"  # SO-6, SO-2, SO-1, then the new orders by payment time


async def test_a_narrow_terminal_shortens_names_but_keeps_every_column(busy_config):
    async with run_kiosk(busy_config, size=(66, 24)) as (app, pilot):
        lines = shown(app.screen.query_one(RowTable))
        assert all(cell_len(line) == table_width(app) for line in lines)
        assert "Flags" in lines[0]
        row = next(line for line in lines if "WEB-0000" in line)
        assert "Customer 0…" in row and "Household" not in row
        assert "URGENT REMOTE" in next(line for line in lines if "SO-6" in line)


async def test_chinese_names_keep_the_columns_aligned(config):
    async with run_kiosk(config) as (app, pilot):
        table = app.screen.query_one(RowTable)
        header_line, *rows = [table.render_line(y) for y in range(4)]
        items = header_line.text.index("Items")  # the header is ASCII: characters are cells
        # "张伟" is two characters and four cells: the Items count is still under its header.
        assert [strip.crop(items, items + 1).text for strip in rows] == ["1", "1", "3"]


async def test_the_key_bar_is_not_rebuilt_when_its_keys_stay_the_same(config):
    """Textual's Footer rebuilds on every bindings signal and keeps the old keys alive: a queue
    that lives all shift would pile them up and slow every garbage collection."""
    async with run_kiosk(config) as (app, pilot):
        footer = app.screen.query_one(KioskFooter)
        drawn = list(footer.query(FooterKey))
        assert {key.key for key in drawn} >= {"pagedown", "f5", "f10"}
        for _ in range(20):
            app.screen.refresh_bindings()
            await pilot.pause()
        assert list(footer.query(FooterKey)) == drawn
        gc.collect()
        assert sum(isinstance(thing, FooterKey) for thing in gc.get_objects()) < 3 * len(drawn)


async def test_a_screen_draws_its_key_bar_once_as_it_opens(config, monkeypatch):
    """The keys are drawn with the screen, not again for each bindings signal of its opening
    (mount, focus): each drawing restyles every key, in the frame of the packer's first scan."""
    drawn: list[tuple[str, ...]] = []
    compose = KioskFooter.compose

    def counted(footer: KioskFooter):
        widgets = list(compose(footer))
        drawn.append(tuple(widget.key for widget in widgets if isinstance(widget, FooterKey)))
        return widgets

    monkeypatch.setattr(KioskFooter, "compose", counted)
    async with run_kiosk(config) as (app, pilot):
        drawn.clear()
        await scan(pilot, "SO-1")
        for _ in range(5):
            await pilot.pause()
        assert isinstance(app.screen, PackScreen)
        assert drawn == [("f2", "f3", "f5", "f6", "f7", "f8", "escape", "f9")]
        assert [key.key for key in app.screen.query(FooterKey)] == list(drawn[0])


async def test_a_page_that_moves_up_one_row_reuses_its_drawn_rows_and_reads_as_a_fresh_one():
    """After a shipment the queue loses its top row: each other row moves up one line and swaps its
    stripe, the new top row gets the cursor. What is on screen equals a table drawn from scratch,
    and only the row new to the page has its text drawn."""
    from rich.text import Text
    from textual.app import App

    def page(start: int) -> list[tuple[str, tuple]]:
        return [(f"SO-{n}", (f"SO-{n}", f"Customer {n}", Text("NOTE", style="bold yellow")))
                for n in range(start, start + 8)]

    class Tables(App):
        def compose(self):
            yield RowTable("Order", "Recipient", "Flags", id="kept")
            yield RowTable("Order", "Recipient", "Flags", id="fresh")

    app = Tables()
    async with app.run_test(size=(60, 24)) as pilot:
        kept, fresh = app.query_one("#kept", RowTable), app.query_one("#fresh", RowTable)
        drawn = 0
        plain_strip = kept._plain_strip

        def counted(*args):
            nonlocal drawn
            drawn += 1
            return plain_strip(*args)

        kept._plain_strip = counted
        for start in range(3):
            drawn = 0
            kept.set_rows(page(start))
            fresh._strips.clear()
            fresh.set_rows(page(start))
            await pilot.pause()
            lines = [kept.render_line(y).text for y in range(9)]
            assert lines == [fresh.render_line(y).text for y in range(9)]
            assert [kept.render_line(y) for y in range(9)] == [fresh.render_line(y) for y in range(9)]
            assert lines[1].split()[0] == f"SO-{start}"
        # The moved rows keep their text under another stripe (or the cursor): the shift draws the
        # text of the row new to the page only.
        assert drawn == 1


def test_a_page_without_its_shipped_order_is_the_page_read_again(busy_config, db):
    """The queue's first frame after a shipment is the page already read, without the order that
    shipped: the order after the page moves up, so it shows what reading the page again shows."""
    from kiosk.desk import Desk

    desk = Desk(db, busy_config)
    desk.log_in("P001", "1234")
    page = desk.queue(0)
    assert len(page.entries) == 50 and page.following is not None
    shipped = page.entries[3].order_id
    with transaction(db) as conn:
        conn.execute("UPDATE orders SET status = 'shipped' WHERE order_id = ?", [shipped])
    read_again = desk.queue(0)
    shown_at_once = page.without(shipped)
    assert [entry.order_id for entry in shown_at_once.entries] == [entry.order_id for entry in read_again.entries]
    assert len(shown_at_once.entries) == 50
    assert (shown_at_once.total, shown_at_once.last) == (read_again.total, read_again.last) == (122, 50)
    # An order that was not on the page changes nothing.
    assert page.without("WEB-0119") == page


async def test_the_scroll_bar_follows_the_rows_and_is_not_redrawn_by_a_layout_that_changes_nothing():
    from textual.app import App
    from textual.scrollbar import ScrollBar

    class Table(App):
        def compose(self):
            yield RowTable("Order", "Recipient", id="orders")

    rows = [(f"SO-{n}", (f"SO-{n}", f"Customer {n}")) for n in range(60)]
    app = Table()
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.query_one(RowTable)
        table.set_rows(rows[:30])
        await pilot.pause()
        bar = table.vertical_scrollbar
        assert bar.window_virtual_size == 31  # the header and 30 rows
        drawn = 0
        render = ScrollBar.render

        def counted(self):
            nonlocal drawn
            drawn += 1
            return render(self)

        ScrollBar.render = counted
        try:
            app.screen.refresh(layout=True)
            await pilot.pause()
            assert drawn == 0
            table.set_rows(rows)
            await pilot.pause()
            assert bar.window_virtual_size == 61
            assert drawn > 0
        finally:
            ScrollBar.render = render
