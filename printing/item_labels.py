"""Item stickers: a product's barcode (EAN-13, UPC-A, or Code 128 for FNSKU and internal codes)
with its title, variant and condition, for thermal sticker rolls or 30-up office sheets.

An Amazon FNSKU label is Code 128 of the FNSKU with the title and condition; a replacement for
a damaged retail barcode is the EAN/UPC itself. Every barcode gets whole-dot modules and its
quiet zones, like the shipping label (printing/canvas.py).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from PIL import Image

from printing.barcodes import SYMBOLOGIES
from printing.canvas import BarcodePlacement, Canvas, RenderedLabel
from printing.fonts import FONT_LOCK, FontSpec, check_glyphs, pick_font
from printing.outputs import LabelDocument
from printing.sizes import ITEM_LABEL_SIZES, SHEETS, STICKER_SIZES, SheetLayout
from printing.text import clean, wrap

# Sheets go to office laser/inkjet printers, which work at 300 dpi.
SHEET_DPI = 300

STICKER_MARGIN_MM = 1.5
# Office printers cannot print to the paper's edge; keep the text and bars further in.
SHEET_MARGIN_MM = 2.5
# EAN/UPC are nominally 0.33 mm; Code 128 stays within the same so a handheld reads it easily.
ITEM_MAX_MODULE_MM = 0.375
MAX_BAR_MM = 15.0
MIN_BAR_MM = 5.0


@dataclass(frozen=True)
class ItemLabel:
    code: str
    symbology: str  # code128 | ean13 | upca
    title: str
    variant: str = ""
    condition: str = ""

    def text_fields(self) -> list[tuple[str, str]]:
        fields = [("item title", self.title), ("variant", self.variant), ("condition", self.condition),
                  ("item code", self.code)]
        return [(where, clean(text)) for where, text in fields]


def _cell_size(size: str) -> tuple[tuple[float, float], float]:
    if size in STICKER_SIZES:
        return STICKER_SIZES[size], STICKER_MARGIN_MM
    if size in SHEETS:
        return SHEETS[size].cell, SHEET_MARGIN_MM
    raise ValueError(f"unknown item label size {size!r}; choose one of {', '.join(ITEM_LABEL_SIZES)}")


def layout_item_label(
    item: ItemLabel,
    size: str = "2.25x1.25",
    dpi: int = 203,
    font_path: str | os.PathLike[str] | FontSpec | None = None,
) -> RenderedLabel:
    """One sticker: title, variant and condition on top, the barcode, its code underneath.

    Raises MissingGlyphs, BarcodeTooLong or ValueError like the shipping label does.
    """
    if item.symbology not in SYMBOLOGIES:
        raise ValueError(f"unknown symbology {item.symbology!r}; choose one of {', '.join(SYMBOLOGIES)}")
    (width_mm, height_mm), margin = _cell_size(size)
    if not 150 <= dpi <= 600:
        raise ValueError(f"unsupported printer resolution {dpi} dpi (203 or 300 expected)")
    with FONT_LOCK:
        fields = item.text_fields()
        font = pick_font("".join(text for _, text in fields), font_path)
        check_glyphs(fields, font)
        c = Canvas(width_mm, height_mm, dpi, font, margin)
        title_font, small = c.font(2.8), c.font(2.4)
        code_font = c.font(2.6)
        # A 1-inch sticker has room for one title line; taller ones for two.
        title_lines = 2 if height_mm >= 29.5 else 1
        y = c.lines(c.top, wrap(title_font, clean(item.title), c.width, title_lines, c.stroke()), title_font,
                    bold=True)
        detail = f" {c.sep} ".join(t for t in (clean(item.variant), clean(item.condition)) if t)
        if detail:
            y += c.text(y, detail, small)
        y += c.dots(0.5)
        code_top = c.bottom - c.line_height(code_font)
        bar_height = min(code_top - c.dots(0.3) - y, c.dots(MAX_BAR_MM))
        if bar_height < c.dots(MIN_BAR_MM):
            raise ValueError(f"item label {size} is too small for its text and a readable barcode")
        c.barcode(y, item.code, bar_height, ITEM_MAX_MODULE_MM, "item code", item.symbology)
        c.text(code_top, clean(item.code), code_font, center=True)
        return c.finish()


def _sheet_pages(sticker: RenderedLabel, layout: SheetLayout, copies: int, dpi: int) -> list[RenderedLabel]:
    def dots(mm: float) -> int:
        return round(mm * dpi / 25.4)

    pages = []
    for first in range(0, copies, layout.per_page):
        page = Image.new("1", (dots(layout.page[0]), dots(layout.page[1])), 1)
        placements: list[BarcodePlacement] = []
        for n in range(min(layout.per_page, copies - first)):
            row, column = divmod(n, layout.columns)
            x = dots(layout.origin[0] + column * layout.pitch[0])
            y = dots(layout.origin[1] + row * layout.pitch[1])
            page.paste(sticker.image, (x, y))
            placements += [
                BarcodePlacement(p.data, (p.box[0] + x, p.box[1] + y, p.box[2] + x, p.box[3] + y),
                                 p.module_dots, p.quiet_modules, p.symbology)
                for p in sticker.barcodes
            ]
        page.info["dpi"] = (dpi, dpi)
        pages.append(RenderedLabel(page, sticker.font, tuple(placements)))
    return pages


def item_label_document(
    item: ItemLabel,
    size: str,
    copies: int,
    dpi: int = 203,
    font_path: str | os.PathLike[str] | FontSpec | None = None,
) -> LabelDocument:
    """`copies` stickers: one page printed `copies` times, or sheets of 30 filled in reading order.

    Sheets are always laid out at 300 dpi (office printers); `dpi` is the thermal printer's.
    """
    if copies < 1:
        raise ValueError("copies must be at least 1")
    if size in SHEETS:
        sticker = layout_item_label(item, size, SHEET_DPI, font_path)
        pages = _sheet_pages(sticker, SHEETS[size], copies, SHEET_DPI)
        return LabelDocument(tuple(pages), 1, is_sheet=True)
    return LabelDocument((layout_item_label(item, size, dpi, font_path),), copies)
