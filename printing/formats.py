"""The file formats a label is written in (kept apart from the renderers, which load Pillow)."""

FORMATS = ("png", "pdf", "zpl")
