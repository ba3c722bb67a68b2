"""Drawing a label in printer dots, and remembering what was drawn where.

The canvas draws text, rules and barcodes onto a white image and keeps a list of the elements
(text lines, black boxes, barcodes) with their positions. The PNG and PDF outputs use the
pixels; the ZPL output rebuilds the label from the elements, so a Zebra printer draws the
barcodes and plain text itself (printing/zpl.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PIL import Image, ImageDraw

from printing.barcodes import BarcodeTooLong, largest_module, quiet_modules_for, render_modules, symbol_modules
from printing.fonts import Font, FontSpec, load_font, missing_glyphs
from printing.png import PngTail
from printing.text import ellipsize, ink_extent, ink_mask

Rect = tuple[int, int, int, int]

# 0.25 mm is the smallest module that decodes reliably (2 dots at 203 dpi; FORMATS.md).
MIN_MODULE_MM = 0.25


@dataclass(frozen=True)
class BarcodePlacement:
    """Where a barcode landed: `box` covers the bars plus quiet zones, in label dots."""

    data: str
    box: Rect
    module_dots: int
    quiet_modules: int
    symbology: str = "code128"

    @property
    def bars_left(self) -> int:
        """x of the first bar (the left edge of the box plus the quiet zone)."""
        return self.box[0] + self.quiet_modules * self.module_dots


@dataclass(frozen=True)
class TextField:
    """One line of text as drawn: `box` spans its ink horizontally and its line vertically."""

    text: str
    box: Rect
    size: int  # font size in dots
    reverse: bool = False  # white on black


@dataclass(frozen=True)
class Box:
    """A filled black rectangle (rules, the flags bar)."""

    box: Rect


Element = TextField | Box | BarcodePlacement


@dataclass(frozen=True)
class RenderedLabel:
    image: Image.Image
    font: FontSpec
    barcodes: tuple[BarcodePlacement, ...]
    # Everything drawn, in drawing order (barcodes included): what the ZPL output is built from.
    elements: tuple[Element, ...] = ()
    # The rows this label shares with one encoded before (printing.png.png_bytes).
    png_tail: PngTail | None = None

    @property
    def dpi(self) -> int:
        return int(round(self.image.info.get("dpi", (203, 203))[0]))


class Canvas:
    """Drawing state: mm -> dots conversion, margins, the text primitives and the element list."""

    def __init__(
        self, width_mm: float, height_mm: float, dpi: int, font: FontSpec, margin_mm: float,
        image: Image.Image | None = None,
    ) -> None:
        """A white canvas, or `image` (a label of the same size, greyscale or 1-bit) to draw over."""
        self.dpi = dpi
        self.spec = font
        size = (self.dots(width_mm), self.dots(height_mm))
        self.image = image if image is not None else Image.new("L", size, 255)
        self.draw = ImageDraw.Draw(self.image)
        # Unantialiased glyphs: a thermal head prints dots, grey edges would only be dithered.
        self.draw.fontmode = "1"
        margin = self.dots(margin_mm)
        self.left, self.right = margin, size[0] - margin
        self.top, self.bottom = margin, size[1] - margin
        self.width = self.right - self.left
        self.barcodes: list[BarcodePlacement] = []
        self.elements: list[Element] = []
        self.sep = "\u00b7" if not missing_glyphs(self.font(3.0), "\u00b7") else "|"

    def dots(self, mm: float) -> int:
        return round(mm * self.dpi / 25.4)

    def font(self, size_mm: float) -> Font:
        return load_font(self.spec, max(8, self.dots(size_mm)))

    def stroke(self) -> int:
        return max(1, self.dots(0.12))  # faux bold: the CJK fonts have no bold face

    @staticmethod
    def line_height(font: Font) -> int:
        ascent, descent = font.getmetrics()
        return ascent + descent

    def text(
        self,
        y: int,
        text: str,
        font: Font,
        *,
        bold: bool = False,
        center: bool = False,
        fill: int = 0,
    ) -> int:
        """Draw one line, shortened to the width; returns the line height."""
        stroke = self.stroke() if bold else 0
        text = ellipsize(font, text, self.width, stroke)
        offset, ink = ink_extent(font, text, stroke)
        start = self.left + ((self.width - ink) // 2 if center else 0)
        height = self.line_height(font)
        if text:
            mask, left, top = ink_mask(font, text, stroke)
            self.image.paste(fill, (start + offset + left, y + top), mask)
            size = int(getattr(font, "size", height))
            self.elements.append(TextField(text, (start, y, start + ink, y + height), size, reverse=fill != 0))
        return height

    def lines(self, y: int, lines: list[str], font: Font, *, bold: bool = False) -> int:
        for line in lines:
            y += self.text(y, line, font, bold=bold)
        return y

    def box(self, rect: Rect) -> None:
        """Fill `rect` (left, top, right, bottom; right and bottom exclusive) with black."""
        self.draw.rectangle((rect[0], rect[1], rect[2] - 1, rect[3] - 1), fill=0)
        self.elements.append(Box(rect))

    def rule(self, y: int) -> int:
        thick = max(2, self.dots(0.3))
        self.box((self.left, y, self.right, y + thick))
        return y + thick + self.dots(1.0)

    def module_range(self, max_module_mm: float) -> tuple[int, int]:
        """Smallest and largest whole-dot module for this resolution."""
        min_module = max(2, math.ceil(self.dpi * MIN_MODULE_MM / 25.4 - 0.01))
        max_module = max(min_module, math.floor(self.dpi * max_module_mm / 25.4 + 0.01))
        return min_module, max_module

    def barcode(
        self,
        y: int,
        data: str,
        height_dots: int,
        max_module_mm: float,
        what: str,
        symbology: str = "code128",
    ) -> int:
        """Draw a barcode centred across the width, quiet zones included; returns its bottom."""
        min_module, max_module = self.module_range(max_module_mm)
        quiet = quiet_modules_for(symbology)
        try:
            module = largest_module(
                data, self.width, min_module, max_module, quiet, what=what, symbology=symbology
            )
        except BarcodeTooLong:
            raise  # it names the field already
        except ValueError as exc:  # say which field is wrong, not just which characters
            raise ValueError(f"{what}: {exc}") from exc
        image = render_modules(symbol_modules(data, symbology), module, height_dots, quiet)
        if image.mode != self.image.mode:  # a 1-bit label drawn over (labels._redraw_waybill)
            image = image.convert(self.image.mode, dither=Image.Dither.NONE)
        x = self.left + (self.width - image.width) // 2
        self.image.paste(image, (x, y))
        placement = BarcodePlacement(data, (x, y, x + image.width, y + image.height), module, quiet, symbology)
        self.barcodes.append(placement)
        self.elements.append(placement)
        return y + image.height

    def finish(self) -> RenderedLabel:
        """The 1-bit image at printer resolution, with what was drawn on it."""
        image = self.image if self.image.mode == "1" else self.image.convert("1", dither=Image.Dither.NONE)
        image.info["dpi"] = (self.dpi, self.dpi)
        return RenderedLabel(image, self.spec, tuple(self.barcodes), tuple(self.elements))
