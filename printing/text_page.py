"""A page of plain text lines for a Zebra printer (ZPL II), with a signature line at the foot.

For short documents that are not labels, such as a courier's pickup manifest: printable ASCII is
sent as text fields in the printer's font 0; callers give codes and numbers, not names.
"""

from __future__ import annotations

from printing.zpl import _field_data

MARGIN = 40
LINE_HEIGHT = 44


def text_page_zpl(lines: list[str], signature_captions: list[str], *, width_dots: int = 812) -> str:
    """`lines` from the top, then a line to sign on above each caption."""
    out = ["^XA", "^CI0"]
    y = MARGIN
    for index, line in enumerate(lines):
        size = 40 if index == 0 else 28
        out.append(f"^FO{MARGIN},{y}^A0N,{size},{size}{_field_data(_plain(line))}")
        y += LINE_HEIGHT + (12 if index == 0 else 0)
    for caption in signature_captions:
        y += 70
        out.append(f"^FO{MARGIN},{y}^GB{width_dots - 2 * MARGIN},3,3^FS")
        out.append(f"^FO{MARGIN},{y + 10}^A0N,24,24{_field_data(_plain(caption))}")
    out.append("^XZ")
    return "\n".join(out) + "\n"


def _plain(text: str) -> str:
    """Printable ASCII only: font 0 without a code page prints nothing else reliably."""
    return "".join(ch if 0x20 <= ord(ch) < 0x7F else "?" for ch in text)
