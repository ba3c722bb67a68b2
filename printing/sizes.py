"""Label stock: every size a label is drawn on, in millimetres, and the printer resolutions.

Plain data, apart from the renderers (which load Pillow), so the config can check its settings
against the same table the renderers draw from.
"""

from __future__ import annotations

from typing import NamedTuple

# Shipping labels, width x height in mm.
LABEL_SIZES: dict[str, tuple[float, float]] = {"4x6": (101.6, 152.4), "100x150": (100.0, 150.0)}
# Thermal printers come in these resolutions; the layout is in mm and converted for either.
LABEL_DPIS: tuple[int, ...] = (203, 300)

# Thermal stickers, width x height in mm: 2.25 x 1.25 in (the common FNSKU size), 2 x 1 in, 50 x 30 mm.
STICKER_SIZES: dict[str, tuple[float, float]] = {
    "2.25x1.25": (57.15, 31.75),
    "2x1": (50.8, 25.4),
    "50x30": (50.0, 30.0),
}


class SheetLayout(NamedTuple):
    """A sheet of equal stickers: page size, sticker size, grid, and where the grid starts (mm).

    A NamedTuple rather than a dataclass: the config imports this module at every start.
    """

    page: tuple[float, float]
    cell: tuple[float, float]
    columns: int
    rows: int
    origin: tuple[float, float]
    pitch: tuple[float, float]

    @property
    def per_page(self) -> int:
        return self.columns * self.rows


SHEETS: dict[str, SheetLayout] = {
    # A4, 3 x 10 stickers of 70 x 29.7 mm edge to edge (e.g. Avery 3489).
    "a4-30": SheetLayout((210.0, 297.0), (70.0, 29.7), 3, 10, (0.0, 0.0), (70.0, 29.7)),
    # US Letter, 3 x 10 stickers of 2.625 x 1 in, 0.5 in top and 0.1875 in side margins (Avery 5160).
    "letter-30": SheetLayout((215.9, 279.4), (66.675, 25.4), 3, 10, (4.7625, 12.7), (69.85, 25.4)),
}
ITEM_LABEL_SIZES: tuple[str, ...] = (*STICKER_SIZES, *SHEETS)
