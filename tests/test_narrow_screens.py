"""At 80x24 nothing a person needs is cut: the Packed count, the exceptions' Since and Who,
the queue's flags."""

from __future__ import annotations

from rich.cells import cell_len
from textual.widgets import DataTable

from kiosk.db import transaction
from screens.exceptions import ExceptionsScreen
from screens.pack import PackScreen
from screens.widgets.row_table import RowTable
from tests.pilot import run_kiosk

NARROW = (80, 24)
LONG_NAME = "Merino Wool Crew Neck Sweater, Machine Washable, Made in Scotland by Hand"


def lines(widget) -> list[str]:
    return [widget.render_line(y).text for y in range(widget.size.height)]


async def test_the_packed_count_is_never_cut_by_a_long_name_or_a_short(config, db):
    with transaction(db) as conn:
        conn.execute("UPDATE order_lines SET name = ?, colour = 'Heather Grey Melange' WHERE order_id = 'SO-1'"
                     " AND line_no = 1", [LONG_NAME])
    async with run_kiosk(config, order="SO-1", size=NARROW) as (app, pilot):
        assert isinstance(app.screen, PackScreen)
        table = app.screen.query_one(DataTable)
        shown = lines(table)
        assert "0 of 2" in shown[1] and "0 of 1" in shown[2]
        # Room for what an approved short makes of the cell later.
        assert table.columns["packed"].width >= cell_len("2 of 2 (2 short) ✓")


async def test_the_exceptions_list_keeps_since_and_who_at_80_columns(config, db):
    with transaction(db) as conn:
        conn.execute("UPDATE orders SET hold_reason = ? WHERE order_id = 'SO-5'",
                     ["address check: the buyer wrote twice that the flat number is wrong, call before shipping"])
    async with run_kiosk(config, "S001", "9999", size=NARROW) as (app, pilot):
        app.push_screen(ExceptionsScreen(app.desk))
        await pilot.pause()
        await pilot.pause()
        header = lines(app.screen.query_one(DataTable))[0]
        assert "Since" in header and "Who" in header


async def test_queue_flags_stay_whole_when_names_are_long(config, db):
    with transaction(db) as conn:
        conn.execute("UPDATE orders SET recipient_name = ?, platform = 'woocommerce-eu-store', buyer_note = 'gift',"
                     " requested_carrier = 'SF Express' WHERE order_id = 'SO-6'",
                     ["Customer With A Very Long Name Of Several Households"])
    async with run_kiosk(config, size=NARROW) as (app, pilot):
        row = next(line for line in lines(app.screen.query_one(RowTable)) if "SO-6" in line)
        assert "URGENT NOTE REMOTE SF Express" in row
