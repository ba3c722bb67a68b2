"""The pack screen's order lines: a DataTable whose cell updates repaint their row only."""

from __future__ import annotations

from textual.widgets import DataTable
from textual.widgets.data_table import CellType, ColumnKey, RowKey


class LinesTable(DataTable):
    """DataTable.update_cell marks the whole table for repainting, so every scan drew the header
    and every line again through Rich (a third of the frame that shows the scan). Here a cell
    update repaints the region of its row: the other lines are unchanged on screen, and the
    ones drawn later miss the caches (keyed on the update count) as they did before.
    """

    def update_cell(
        self, row_key: RowKey | str, column_key: ColumnKey | str, value: CellType, *, update_width: bool = False
    ) -> None:
        if update_width or row_key not in self.rows or column_key not in self.columns:
            # A wider column moves every line; an unknown cell raises as DataTable's does.
            super().update_cell(row_key, column_key, value, update_width=update_width)
            return
        # DataTable.update_cell without its whole-table refresh (Textual 8.2).
        self._data[row_key][column_key] = value
        self._update_count += 1
        self.refresh_row(self.get_row_index(row_key))
