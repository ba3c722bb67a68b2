"""Label and barcode rendering on plain data (no UI imports: textual, screens, kiosk).

The modules are importable on their own; the names below are the public surface.
"""

from printing.barcodes import (
    SYMBOLOGIES,
    BarcodeTooLong,
    code128_codes,
    code128_modules,
    fit_code128,
    gtin_problem,
    largest_module,
    render_code128,
    render_modules,
    symbol_modules,
)
from printing.canvas import BarcodePlacement, Box, RenderedLabel, TextField
from printing.fonts import FontSpec, MissingGlyphs, available_fonts, find_font, load_font, missing_glyphs
from printing.item_labels import (
    ITEM_LABEL_SIZES,
    SHEETS,
    STICKER_SIZES,
    ItemLabel,
    item_label_document,
    layout_item_label,
)
from printing.labels import (
    LABEL_SIZES,
    LabelCaptions,
    ShippingLabel,
    layout_shipping_label,
    render_shipping_label,
    summarize_items,
)
from printing.outputs import FORMATS, LabelDocument, document_files, pdf_bytes, png_bytes
from printing.spool import spool_file, spool_label
from printing.text import mask_phone
from printing.zpl import code128_field_data, label_zpl

__all__ = [
    "FORMATS",
    "ITEM_LABEL_SIZES",
    "LABEL_SIZES",
    "SHEETS",
    "STICKER_SIZES",
    "SYMBOLOGIES",
    "BarcodePlacement",
    "BarcodeTooLong",
    "Box",
    "FontSpec",
    "ItemLabel",
    "LabelCaptions",
    "LabelDocument",
    "MissingGlyphs",
    "RenderedLabel",
    "ShippingLabel",
    "TextField",
    "available_fonts",
    "code128_codes",
    "code128_field_data",
    "code128_modules",
    "document_files",
    "find_font",
    "fit_code128",
    "gtin_problem",
    "item_label_document",
    "label_zpl",
    "largest_module",
    "layout_item_label",
    "layout_shipping_label",
    "load_font",
    "mask_phone",
    "missing_glyphs",
    "pdf_bytes",
    "png_bytes",
    "render_code128",
    "render_modules",
    "render_shipping_label",
    "spool_file",
    "spool_label",
    "summarize_items",
    "symbol_modules",
]
