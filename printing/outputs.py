"""A rendered label (or sheet) as the bytes of a file a printer takes: PNG, PDF or ZPL II.

PNG and PDF carry the resolution, so a print dialog does not rescale the dots; the PDF page is
exactly the label (or sheet) size. ZPL is rebuilt from the label's elements (printing/zpl.py).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image

from printing.canvas import RenderedLabel
from printing.formats import FORMATS
from printing.png import png_bytes
from printing.zpl import label_zpl

__all__ = ["FORMATS", "LabelDocument", "default_media", "document_files", "pdf_bytes", "png_bytes"]


@dataclass(frozen=True)
class LabelDocument:
    """What one print job prints: its pages, and how many copies of them.

    A shipping label is one page, copies 1. Thermal item stickers are one page printed
    `copies` times (a Zebra does that itself: ^PQ). A sheet of 30 stickers is one or more
    full pages with the copies already laid out on them, so copies is 1 and ZPL is refused.
    """

    pages: tuple[RenderedLabel, ...]
    copies: int = 1
    is_sheet: bool = False

    @property
    def dpi(self) -> int:
        return self.pages[0].dpi


def default_media(document: LabelDocument, sheet: str = "") -> str:
    """lp media for a document: the sheet's paper, else the page size in points (w288h432 = 4x6 in)."""
    if sheet:
        return {"a4-30": "A4", "letter-30": "Letter"}.get(sheet, "")
    image = document.pages[0].image
    points = [round(side * 72 / document.dpi) for side in image.size]
    return f"w{points[0]}h{points[1]}"


def pdf_bytes(images: list[Image.Image], dpi: int) -> bytes:
    """One PDF page per image, each page the image's size at `dpi` (Pillow's own PDF writer)."""
    buffer = io.BytesIO()
    images[0].save(buffer, format="PDF", resolution=float(dpi), save_all=True, append_images=images[1:])
    return buffer.getvalue()


def document_files(document: LabelDocument, fmt: str) -> list[bytes]:
    """The file(s) for `fmt`: one PDF or ZPL holding everything, or one PNG per printed page.

    A PNG holds one page, so N copies are N files: a spool folder's watcher prints each once.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown label format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if not document.pages:
        raise ValueError("nothing to print: the document has no pages")
    pages = list(document.pages) * document.copies
    if fmt == "png":
        return [png_bytes(page.image, page.png_tail) for page in pages]
    if fmt == "pdf":
        return [pdf_bytes([page.image for page in pages], document.dpi)]
    if document.is_sheet:
        raise ValueError("a sheet of labels is for an office printer: use pdf or png, not zpl")
    return ["".join(label_zpl(page, document.copies) for page in document.pages).encode("ascii")]
