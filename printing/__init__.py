"""Label and barcode rendering on plain data (no UI imports: textual, screens, kiosk).

The modules are importable on their own; the names below are the public surface.
"""

from printing.barcodes import (
    BarcodeTooLong,
    code128_modules,
    fit_code128,
    largest_module,
    render_code128,
)
from printing.fonts import FontSpec, available_fonts, find_font, load_font, missing_glyphs
from printing.labels import (
    LABEL_SIZES,
    BarcodePlacement,
    LabelCaptions,
    MissingGlyphs,
    RenderedLabel,
    ShippingLabel,
    layout_shipping_label,
    render_shipping_label,
    summarize_items,
    write_png,
)
from printing.spool import spool_label

__all__ = [
    "LABEL_SIZES",
    "BarcodePlacement",
    "BarcodeTooLong",
    "FontSpec",
    "LabelCaptions",
    "MissingGlyphs",
    "RenderedLabel",
    "ShippingLabel",
    "available_fonts",
    "code128_modules",
    "find_font",
    "fit_code128",
    "largest_module",
    "layout_shipping_label",
    "load_font",
    "missing_glyphs",
    "render_code128",
    "render_shipping_label",
    "spool_label",
    "summarize_items",
    "write_png",
]
