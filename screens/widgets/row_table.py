"""A read-only table for a long list with a row cursor, drawn line by line.

The queue shows a page of 50 orders and is opened after every shipment. Textual's DataTable
measures and renders each visible cell through Rich on every paint and sizes itself on the
next idle, which made the queue take about 40 ms to appear. This widget uses Textual's Line
API instead: a row becomes one Strip the first time it is visible at a width, and the
cursor only restyles the row it is on, so a filled page is on screen in the first frame.

The dispatch log of a busy day lists thousands of parcels: DataTable took most of two seconds
to take them. Here a row's styled cells are made only when the row is first drawn, so a long
list costs little more than a short one; only each cell's width is measured up front.

A row keeps its lines while its cells stay the same, wherever it moves: the queue that comes
back after a shipment has lost its top row and moved every other one up, and draws only the
rows it has not drawn with that stripe (or the cursor) before.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from kiosk.inert import inert

CELL_PADDING = 1  # blank cells each side of a value, as DataTable draws them
MIN_SHRUNK_WIDTH = 8  # a column shortened to fit the width keeps at least this many cells
HEADER = ("header",)  # the header line's place among the row signatures
# The component class of each kind of line but the plain ("odd") one.
COMPONENTS = {"header": "row-table--header", "cursor": "row-table--cursor", "even": "row-table--even-row"}


@dataclass(frozen=True)
class Row:
    key: str
    # Plain values already made inert, or styled Text as given.
    values: tuple[str | Text, ...]
    # What the row's lines are drawn from: equal signatures draw equal lines.
    signature: Hashable = field(default=None, compare=False)
    widths: tuple[int, ...] = field(default=(), compare=False)

    @cached_property
    def cells(self) -> tuple[Text, ...]:
        # Made when the row is first drawn: most rows of a long list never are.
        return tuple(value if isinstance(value, Text) else Text(value) for value in self.values)


def _cell_signature(cell: str | Text) -> Hashable:
    return cell if isinstance(cell, str) else (cell.plain, str(cell.style), tuple(cell.spans))


def _row(key: str, cells: Sequence[str | Text], signature: Hashable) -> Row:
    # Cells given as text come from data (names, order numbers): shown inert.
    values = tuple(cell if isinstance(cell, Text) else inert(cell) for cell in cells)
    return Row(key, values, signature,
               tuple(cell_len(value if isinstance(value, str) else value.plain) for value in values))


def _plain_row(key: str, cells: Sequence[str | Text]) -> Row | None:
    """A row of printable ASCII text made with a few calls for the whole row, not several per
    cell: a busy day's log has tens of thousands of cells. None for any other row."""
    try:
        joined = "".join(cells)  # type: ignore[arg-type]
    except TypeError:  # a styled cell
        return None
    if not (joined.isascii() and joined.isprintable()):
        return None
    values = tuple(cells)
    return Row(key, values, (key, values), tuple(map(len, values)))


def column_widths(natural: list[int], available: int, shrinkable: Sequence[int] | None = None,
                  shrink_last: Sequence[int] = ()) -> list[int]:
    """Natural widths, with the widest ``shrinkable`` column (all by default) shortened, down to
    MIN_SHRUNK_WIDTH, while the table is wider than ``available``: a long name loses its tail,
    and the flags beside it stay whole. The ``shrink_last`` columns give up width only once the
    others are down to the minimum. What still does not fit is cut off at the right."""
    widths = list(natural)
    for stage in (list(range(len(widths)) if shrinkable is None else shrinkable), shrink_last):
        candidates = list(stage)
        while sum(widths) > available and candidates:
            widest = max(candidates, key=widths.__getitem__)
            if widths[widest] <= MIN_SHRUNK_WIDTH:
                candidates.remove(widest)
                continue
            widths[widest] = max(MIN_SHRUNK_WIDTH, widths[widest] - (sum(widths) - available))
    return widths


class RowTable(ScrollView, can_focus=False):
    """Header line, then one line per row; ``cursor_row`` is highlighted and kept in view.

    ``shrinkable`` names the columns (by index) that give up width when the terminal is narrow
    (none: the table scrolls sideways instead); ``right`` the columns drawn against their right
    edge (numbers). A ``focusable`` table moves its cursor with the arrow, page, Home and End
    keys and the mouse, scrolls sideways with Left and Right, and posts ``RowSelected`` on Enter
    or a click on the cursor's row and ``HeaderSelected`` on a click on a column's header;
    otherwise its screen moves the cursor.
    """

    BINDINGS = [
        Binding("up", "move(-1)", show=False),
        Binding("down", "move(1)", show=False),
        Binding("pageup", "page(-1)", show=False),
        Binding("pagedown", "page(1)", show=False),
        Binding("home,ctrl+home", "first", show=False),
        Binding("end,ctrl+end", "last", show=False),
        Binding("left", "scroll_left", show=False),
        Binding("right", "scroll_right", show=False),
        Binding("enter", "select", show=False),
    ]

    COMPONENT_CLASSES = set(COMPONENTS.values())
    DEFAULT_CSS = """
    RowTable {
        background: $surface;
        color: $foreground;
        height: 1fr;
        overflow-x: hidden;  /* columns shrink to the width instead */
        & > .row-table--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        & > .row-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
        & > .row-table--even-row {
            background: $surface-lighten-1 50%;
        }
    }
    """

    cursor_row: reactive[int] = reactive(0, always_update=True)

    class RowSelected(Message):
        """Enter, or a click on the cursor's row, in a focusable table."""

        def __init__(self, table: RowTable, cursor_row: int, row_key: str) -> None:
            super().__init__()
            self.table = table
            self.cursor_row = cursor_row
            self.row_key = row_key

        @property
        def control(self) -> RowTable:
            return self.table

    class HeaderSelected(Message):
        """A click on a column's header in a focusable table."""

        def __init__(self, table: RowTable, column: int) -> None:
            super().__init__()
            self.table = table
            self.column = column

        @property
        def control(self) -> RowTable:
            return self.table

    def __init__(
        self, *columns: str, shrinkable: Sequence[int] | None = None, shrink_last: Sequence[int] = (),
        right: Collection[int] = (), focusable: bool = False, id: str | None = None,  # noqa: A002
    ) -> None:
        super().__init__(id=id)
        self.can_focus = focusable
        if shrinkable == () and not shrink_last:
            # Columns that keep their whole text may be wider than the view: scrolled sideways.
            self.styles.overflow_x = "auto"
        self.shrinkable = shrinkable
        self.shrink_last = shrink_last
        self.rows: tuple[Row, ...] = ()
        # (row signature or HEADER, "cursor" / "even" / "odd" / "header", drawn width) -> line
        self._strips: dict[tuple[Hashable, str, int], Strip] = {}
        # The virtual size the scroll bars were last laid out for (see _size_updated).
        self._bars_laid_out_for: Size | None = None
        self.set_columns(*columns, right=right)

    @property
    def row_count(self) -> int:
        return len(self.rows)

    def set_columns(self, *columns: str, right: Collection[int] = ()) -> None:
        """New headers (and right-aligned columns), then set the rows; the same ones keep the rows
        made so far, for ``set_rows`` to reuse (a list sorted again)."""
        if self.rows and [column.plain for column in self.columns] == list(columns) and self.right == set(right):
            return
        self.columns = tuple(Text(column) for column in columns)
        self.right = frozenset(right)
        self.rows = ()
        self._natural = [cell_len(column.plain) for column in self.columns]
        self._strips.clear()

    def set_rows(self, rows: Sequence[tuple[str, Sequence[str | Text]]]) -> None:
        """Replace every row: (key, cells) pairs, cells as plain strings or styled Text."""
        kept = {row.signature: row for row in self.rows}
        built = []
        for key, cells in rows:
            row = _plain_row(key, cells)
            if row is None:
                signature = (key, tuple(_cell_signature(cell) for cell in cells))
                row = kept.get(signature) or _row(key, cells, signature)
            else:
                row = kept.get(row.signature, row)
            built.append(row)
        self.rows = tuple(built)
        natural = [max(widths) for widths in zip([cell_len(column.plain) for column in self.columns],
                                                 *(row.widths for row in self.rows), strict=True)]
        if natural != self._natural:
            self._natural = natural
            self._strips.clear()
        else:
            current = {row.signature for row in self.rows} | {HEADER}
            self._strips = {key: strip for key, strip in self._strips.items() if key[0] in current}
        # A table whose columns shrink to its width never scrolls sideways: its virtual width stays
        # put, so a page of other names does not redraw the scroll bars (a new virtual size does).
        scrolls_sideways = self.shrinkable == () and not self.shrink_last
        self.virtual_size = Size(self._table_width() if scrolls_sideways else 0, len(self.rows) + 1)
        self.move_cursor(0)
        self.refresh()

    def move_cursor(self, row: int) -> None:
        self.cursor_row = max(0, min(row, len(self.rows) - 1))

    def _header_clicked(self, x: int) -> None:
        right = 0
        for column, width in enumerate(self._widths(self._drawn_width())):
            right += width + 2 * CELL_PADDING
            if x < right:
                self.post_message(self.HeaderSelected(self, column))
                return

    def _page_rows(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def action_move(self, step: int) -> None:
        self.move_cursor(self.cursor_row + step)

    def action_page(self, step: int) -> None:
        self.move_cursor(self.cursor_row + step * self._page_rows())

    def action_first(self) -> None:
        self.move_cursor(0)

    def action_last(self) -> None:
        self.move_cursor(len(self.rows) - 1)

    def action_select(self) -> None:
        if self.rows:
            self.post_message(self.RowSelected(self, self.cursor_row, self.rows[self.cursor_row].key))

    def on_click(self, event: events.Click) -> None:
        if not self.can_focus:
            return
        if event.y == 0:
            self._header_clicked(int(self.scroll_x) + event.x)
            return
        index = int(self.scroll_y) + event.y - 1
        if index >= len(self.rows):
            return
        if index == self.cursor_row:
            self.action_select()
        else:
            self.move_cursor(index)

    def watch_cursor_row(self, new: int) -> None:
        # Line 0 is the header, which never scrolls: row n is on line n + 1 of the view.
        top = int(self.scroll_y)
        if new < top:
            self.scroll_to(y=new, animate=False, immediate=True)
        elif new >= top + self.scrollable_content_region.height - 1:
            self.scroll_to(y=new - self.scrollable_content_region.height + 2, animate=False, immediate=True)
        self.refresh()

    def _table_width(self) -> int:
        return sum(width + 2 * CELL_PADDING for width in self._natural)

    def _drawn_width(self) -> int:
        return self.scrollable_content_region.width

    def _widths(self, available: int) -> list[int]:
        return column_widths(self._natural, available - 2 * CELL_PADDING * len(self._natural), self.shrinkable,
                             self.shrink_last)

    def _line_kind(self, index: int) -> str:
        if index == -1:
            return "header"
        if index == self.cursor_row:
            return "cursor"
        return "even" if index % 2 else "odd"

    def _line_strip(self, index: int, kind: str, width: int) -> Strip:
        key = (HEADER if index == -1 else self.rows[index].signature, kind, width)
        strip = self._strips.get(key)
        if strip is None:
            if kind == "odd":
                strip = self._plain_strip(index, width)
            else:
                # The plain line with the stripe, cursor or header style laid under its cells: a row
                # that moves up a line (the queue after a shipment) keeps the text it drew before.
                strip = self._line_strip(index, "odd", width).apply_style(
                    self.get_component_rich_style(COMPONENTS[kind]))
            self._strips[key] = strip
        return strip

    def _plain_strip(self, index: int, width: int) -> Strip:
        cells = self.columns if index == -1 else self.rows[index].cells
        console = self.app.console
        pad = Segment(" " * CELL_PADDING)
        segments: list[Segment] = []
        for column, (cell, cell_width) in enumerate(zip(cells, self._widths(width), strict=True)):
            text = cell.copy()
            text.truncate(cell_width, overflow="ellipsis")
            if column in self.right:
                text.pad_left(cell_width - text.cell_len)
            else:
                text.pad_right(cell_width - text.cell_len)
            # Text.render leaves out the Text's own style (Console.render adds it): add it here.
            cell_style = console.get_style(text.style, default=Style.null())
            segments += [pad, *Segment.apply_style(text.render(console), cell_style), pad]
        # Wider than the view only when the columns cannot shrink enough: scrolled sideways.
        return Strip(segments).extend_cell_length(width)

    def render_line(self, y: int) -> Strip:
        width = self._drawn_width()
        index = -1 if y == 0 else int(self.scroll_y) + y - 1
        if index >= len(self.rows):
            return Strip.blank(width, self.rich_style)
        strip = self._line_strip(index, self._line_kind(index), width)
        left = int(self.scroll_x)
        return strip.crop(left, left + width)

    def _size_updated(self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True) -> bool:
        # ScrollView lays out and redraws both scroll bars whenever the size the layout arrived at
        # differs from its virtual size, which for a Line API widget is at every layout of the
        # screen: the queue's scroll bar was a fifth of the frame that brings the queue back
        # after a shipment. Given the virtual size the bars were laid out for, they are laid out
        # again only when it changed (or the widget's size did).
        laid_out_for, self._bars_laid_out_for = self._bars_laid_out_for, self.virtual_size
        if laid_out_for is None:
            laid_out_for = virtual_size
        return super()._size_updated(size, laid_out_for, container_size, layout)

    def on_resize(self) -> None:
        self._strips.clear()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()  # a theme change recolours the header, cursor and stripes
